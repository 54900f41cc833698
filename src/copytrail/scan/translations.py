"""Candidates for translated copies: the opening of every document in one multilingual space.

A translation shares no word 5-gram and few word pairs with its source, so none of the
word-based candidate sources proposes it (``bench/wmt_scan.py``: 3 of 201 English–Russian
translations). Its meaning survives: the first story sentences of a document, embedded
with a multilingual sentence encoder, land near those of its translation. Each document
proposes its nearest neighbours in *other* languages whose cosine reaches
``min_cosine``; the pair engine then decides, with the same encoder.

The neighbour search is exact (blocked matrix products in numpy): a million documents'
512-dimensional vectors take 2 GB, and the search grows with the square of the count, so
this source is off by default (``scan --translations``) and meant for collections of up
to about a hundred thousand documents. An approximate index (faiss, usearch) is the way
past that.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pyarrow as pa

from copytrail.normalize import prepare_document
from copytrail.records import LoadedText, Role, SourceFormat
from copytrail.scan.config import FingerprintConfig
from copytrail.scan.records import ScanDocument

__all__ = ["lead_text", "proposed_translations", "translation_pairs"]

_PAIRS = pa.schema([("id_a", pa.string()), ("id_b", pa.string())])

# Story sentences of a document's opening that are embedded.
LEAD_SENTENCES = 3
_BLOCK = 2048


def lead_text(text: str, sentences: int = LEAD_SENTENCES) -> str:
    """The first ``sentences`` story sentences of a text (its headline and lead)."""
    loaded = LoadedText("lead", text, SourceFormat.TEXT, "utf-8", len(text.encode("utf-8", "surrogatepass")))
    story = [s.text for s in prepare_document(loaded).segments if s.role in (Role.STORY, Role.HEADING)]
    return " ".join(story[:sentences])


def translation_pairs(
    vectors: np.ndarray, languages: Sequence[str | None], *, min_cosine: float, neighbours: int
) -> np.ndarray:
    """Pairs ``(i, j)``, ``i < j``, of documents in different languages that are near neighbours.

    Args:
        vectors: one unit vector per document (rows); a zero row (no text) pairs nothing.
        languages: each document's language; pairs within one language are left to the
            word-based sources, and documents of unknown language pair with no one.
        min_cosine: the least cosine of a proposed pair.
        neighbours: how many nearest other-language documents each document proposes.

    Returns:
        An ``(m, 2)`` integer array, sorted and without repeats.
    """
    n = len(vectors)
    codes = {lang: k for k, lang in enumerate(sorted({x for x in languages if x}))}
    lang = np.array([codes.get(x, -1) if x else -1 for x in languages])
    found: list[np.ndarray] = []
    for start in range(0, n, _BLOCK):
        sims = vectors[start : start + _BLOCK] @ vectors.T
        rows = np.arange(start, min(start + _BLOCK, n))
        other = (lang[rows, None] != lang[None, :]) & (lang[rows, None] >= 0) & (lang[None, :] >= 0)
        sims = np.where(other, sims, -np.inf)
        k = min(neighbours, n - 1)
        if k <= 0:
            break
        top = np.argpartition(-sims, k - 1, axis=1)[:, :k]
        best = np.take_along_axis(sims, top, axis=1)
        keep = best >= min_cosine
        i = np.repeat(rows, k)[keep.ravel()]
        j = top.ravel()[keep.ravel()]
        found.append(np.stack([np.minimum(i, j), np.maximum(i, j)], axis=1))
    if not found:
        return np.empty((0, 2), dtype=np.int64)
    return np.unique(np.concatenate(found), axis=0).astype(np.int64)


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
