"""Candidates for translated copies: the opening of every document in one multilingual space.

A translation shares no word 5-gram and few word pairs with its source, so none of the
word-based candidate sources proposes it (``bench/wmt_scan.py``: 3 of 201 English–Russian
translations). Its meaning survives: the first story sentences of a document, embedded
with a multilingual sentence encoder, land near those of its translation. Each document
proposes its nearest neighbours in *other* languages whose cosine reaches
``min_cosine``; the pair engine then decides, with the same encoder.

Below ``APPROXIMATE_FROM`` (20,000) documents the neighbour search is exact: blocked
matrix products in numpy, whose time grows with the square of the count (100,000
synthetic documents: 246 s, 2.4 GB above the vectors, on two shared cores at load 4.5;
``bench/results/translation_index.md``). From 20,000 on it asks an approximate index,
faiss' HNSW (faiss-cpu, in the ``multilingual`` extra; without it the search stays
exact and says so in one line). One index holds every document, and the documents of
each language search it skipping their own language, so each document is one query
(one index per language would make it one per other language: twice as slow at 100,000,
with faiss or usearch alike). At 100,000 documents it took 63 s and 0.5 GB, and proposed
99.75 % of the exact search's pairs (recall@3 of the neighbours 0.989); the index keeps
its own copy of the vectors (a million 512-dimensional ones: 2 GB, plus about 0.3 GB of
links). Built on several threads, the graph, and so a rare missed neighbour, can differ
between two runs; below 20,000 documents the pairs are always the exact ones.

Not yet for a million documents: at 1,000,000 synthetic ones the same settings took 28
minutes and found only 29 % of the exact pairs (recall@3 0.31, on 2,000 sampled queries;
``bench/results/translation_index_1m.md``), where the exact search would take about 17
hours. Those vectors are close to random in 512 dimensions, HNSW's hardest case, and real
openings may fare better, but until the index's settings are tuned at that size (larger
efSearch / efConstruction, or an IVF index) its recall there is unmeasured on real data.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import numpy as np
import pyarrow as pa

from copytrail.errors import install_hint
from copytrail.normalize import prepare_document
from copytrail.records import LoadedText, Role, SourceFormat
from copytrail.scan.config import FingerprintConfig
from copytrail.scan.records import ScanDocument

__all__ = ["lead_text", "proposed_translations", "translation_pairs"]

_PAIRS = pa.schema([("id_a", pa.string()), ("id_b", pa.string())])

# Story sentences of a document's opening that are embedded.
LEAD_SENTENCES = 3
# From this many documents on the approximate index is faster than the exact search
# (bench/results/translation_index.md).
APPROXIMATE_FROM = 20_000
# The exact search's block: about this many cosines (float32) at a time.
_BLOCK_CELLS = 2**26
# HNSW: links per node and search breadths (bench/translation_index.py measured recall with these).
_HNSW_LINKS = 32
_EF_CONSTRUCTION = 40
_EF_SEARCH = 64
_LOG = logging.getLogger(__name__)


def lead_text(text: str, sentences: int = LEAD_SENTENCES) -> str:
    """The first ``sentences`` story sentences of a text (its headline and lead)."""
    loaded = LoadedText("lead", text, SourceFormat.TEXT, "utf-8", len(text.encode("utf-8", "surrogatepass")))
    story = [s.text for s in prepare_document(loaded).segments if s.role in (Role.STORY, Role.HEADING)]
    return " ".join(story[:sentences])


def translation_pairs(
    vectors: np.ndarray,
    languages: Sequence[str | None],
    *,
    min_cosine: float,
    neighbours: int,
    approximate_from: int = APPROXIMATE_FROM,
) -> np.ndarray:
    """Pairs ``(i, j)``, ``i < j``, of documents in different languages that are near neighbours.

    Args:
        vectors: one unit vector per document (rows); a zero row (no text) pairs nothing.
        languages: each document's language; pairs within one language are left to the
            word-based sources, and documents of unknown language pair with no one.
        min_cosine: the least cosine of a proposed pair.
        neighbours: how many nearest other-language documents each document proposes.
        approximate_from: from this many documents on, search an approximate index (when
            its library is installed); below, search exactly.

    Returns:
        An ``(m, 2)`` integer array, sorted and without repeats.
    """
    n = len(vectors)
    codes = {lang: k for k, lang in enumerate(sorted({x for x in languages if x}))}
    lang = np.array([codes.get(x, -1) if x else -1 for x in languages], dtype=np.int64)
    k = min(neighbours, n - 1)
    if k <= 0:
        return np.empty((0, 2), dtype=np.int64)
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    search = _exact_neighbours
    if n >= approximate_from and _index_library() is not None:
        search = _approximate_neighbours
    found: list[np.ndarray] = []
    for rows, top, best in search(vectors, lang, k):
        keep = (top >= 0) & (best >= min_cosine)
        i = np.repeat(rows, top.shape[1])[keep.ravel()]
        j = top.ravel()[keep.ravel()]
        found.append(np.stack([np.minimum(i, j), np.maximum(i, j)], axis=1))
    if not found:
        return np.empty((0, 2), dtype=np.int64)
    return np.unique(np.concatenate(found), axis=0).astype(np.int64)


Neighbours = Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]


def _exact_neighbours(vectors: np.ndarray, lang: np.ndarray, k: int) -> Neighbours:
    """Each row's ``k`` nearest other-language rows, by blocked matrix products: ``(rows, ids, cosines)``."""
    n = len(vectors)
    # A block's cosines are rows x n float32s, held a few times over: keep each near 256 MB.
    block = int(np.clip(_BLOCK_CELLS // n, 64, 2048))
    for start in range(0, n, block):
        sims = vectors[start : start + block] @ vectors.T
        rows = np.arange(start, min(start + block, n))
        other = (lang[rows, None] != lang[None, :]) & (lang[rows, None] >= 0) & (lang[None, :] >= 0)
        sims = np.where(other, sims, -np.inf)
        top = np.argpartition(-sims, k - 1, axis=1)[:, :k]
        yield rows, top, np.take_along_axis(sims, top, axis=1)


def _approximate_neighbours(vectors: np.ndarray, lang: np.ndarray, k: int) -> Neighbours:
    """Each row's ``k`` nearest other-language rows, from a faiss HNSW index: ``(rows, ids, cosines)``.

    One index holds every document. The documents of one language ask it for their
    neighbours among the other languages only (faiss skips the rest as it walks the graph,
    through a bitmap of the allowed ids), with a search breadth scaled up by the share it
    skips. Where the other languages are under half the collection (the minority languages'
    documents, asked by the majority language's), walking a graph that is mostly skipped
    would miss neighbours, so those are searched in an index of their own instead.
    """
    import faiss

    n = len(vectors)
    known = lang >= 0
    whole = _hnsw(vectors)
    for code in np.unique(lang[known]):
        rows = np.flatnonzero(lang == code)
        allowed = known & (lang != code)
        share = allowed.sum() / n
        if share == 0:
            continue
        if share >= 0.5:
            # The bitmap and the selector are named so they outlive the search (swig keeps no reference).
            bitmap = np.packbits(allowed, bitorder="little")
            selector = faiss.IDSelectorBitmap(n, faiss.swig_ptr(bitmap))
            params = faiss.SearchParametersHNSW(sel=selector, efSearch=int(np.ceil(_EF_SEARCH / share)))
            cosines, ids = whole.search(vectors[rows], k, params=params)
        else:
            members = np.flatnonzero(allowed)
            part = _hnsw(vectors[members])
            part.hnsw.efSearch = _EF_SEARCH
            cosines, local = part.search(vectors[rows], min(k, len(members)))
            ids = np.where(local >= 0, members[np.maximum(local, 0)], -1)
        yield rows, ids.astype(np.int64), cosines


def _hnsw(vectors: np.ndarray) -> Any:
    """A faiss HNSW index of ``vectors`` (inner product, which is the cosine of unit vectors)."""
    import faiss

    index = faiss.IndexHNSWFlat(vectors.shape[1], _HNSW_LINKS, faiss.METRIC_INNER_PRODUCT)
    index.hnsw.efConstruction = _EF_CONSTRUCTION
    index.add(vectors)
    return index


def _index_library() -> object | None:
    """faiss, or None (with a one-line message) when the ``multilingual`` extra lacks it."""
    try:
        import faiss
    except ImportError:
        _LOG.warning(
            "copytrail: faiss is not installed, so translation candidates use the exact search, whose time "
            f"grows with the square of the document count ({install_hint('multilingual')})"
        )
        return None
    return faiss


def proposed_translations(documents: Iterable[ScanDocument], config: FingerprintConfig) -> pa.Table:
    """The ``id_a, id_b`` pairs (``id_a < id_b``) this source proposes in a collection.

    Every document's opening is embedded on the driver with ``config.translation_embedder``.
    """
    from copytrail.embed import load_embedder

    ids: list[str] = []
    leads: list[str] = []
    languages: list[str | None] = []
    for doc in documents:
        ids.append(doc.id)
        leads.append(lead_text(doc.text))
        languages.append(doc.language)
    embedder = load_embedder(config.translation_embedder, persistent=False)
    vectors = embedder.embed(leads) if leads else np.empty((0, 1), np.float32)
    found = translation_pairs(
        vectors, languages, min_cosine=config.translation_min_cosine, neighbours=config.translation_neighbours
    )
    named = sorted({tuple(sorted((ids[i], ids[j]))) for i, j in found.tolist()})
    return pa.table({"id_a": [a for a, _ in named], "id_b": [b for _, b in named]}, schema=_PAIRS)
