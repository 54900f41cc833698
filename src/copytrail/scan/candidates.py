"""Candidate pairs: exact duplicates, MinHash LSH (near copies) and the rare n-gram index (lifted passages).

MinHash LSH finds documents whose shingle sets overlap as a whole, however the copy was
lightly edited; it cannot see a two-paragraph excerpt inside a long article, whose
Jaccard similarity is small. The rare n-gram index (as in passim) finds exactly those:
documents that share several n-grams hardly any other document has. Only the union goes
on to the expensive pair engine.

Documents whose shingle sets are identical (the same text, whatever its case, spacing or
punctuation) are linked to the first of them and kept out of both indexes: a crawl holds
whole groups of such copies, and comparing every pair of a group of k would cost k²/2
comparisons for what one family of k already says.

The collection is streamed: documents are fingerprinted in chunks (in worker processes
when ``workers > 1``) and only the signatures (``num_perm * 4`` bytes a document) stay in
memory; n-gram entries go to the sharded :class:`~copytrail.scan.ngram_index.RareNgramIndex`.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from copytrail.scan.config import FingerprintConfig
from copytrail.scan.engine import chunked_stream, map_chunks
from copytrail.scan.fingerprint import (
    band_pairs,
    estimate_jaccard,
    lsh_bands,
    minhash_matrix,
    ngram_hashes,
    word_hashes,
    words,
)
from copytrail.scan.ngram_index import RareNgramIndex
from copytrail.scan.records import CandidatePair, ScanDocument
from copytrail.scan.translations import lead_text, translation_pairs

__all__ = [
    "EXACT",
    "MINHASH",
    "RARE_NGRAMS",
    "RARE_PAIRS",
    "SOURCES",
    "TRANSLATION",
    "ChunkFingerprints",
    "find_candidates",
    "fingerprint_texts",
]

EXACT = "exact"
MINHASH = "minhash"
RARE_NGRAMS = "rare_ngrams"
RARE_PAIRS = "rare_word_pairs"
TRANSLATION = "translation"
#: Every candidate source, as pairs name them in ``sources``.
SOURCES = (EXACT, MINHASH, RARE_NGRAMS, RARE_PAIRS, TRANSLATION)

_CHUNK_DOCUMENTS = 256
# LSH buckets larger than this are chained instead of fully paired (see band_pairs).
_MAX_BUCKET = 50


@dataclass(frozen=True, slots=True)
class ChunkFingerprints:
    """The fingerprints of one chunk of documents (indices are positions in the chunk).

    Attributes:
        signatures, has_shingles: see :func:`~copytrail.scan.fingerprint.minhash_matrix`.
        content_keys: a 64-bit hash of each document's shingle set (0 when it has none).
        ngrams, ngram_docs: the rare-index n-gram hashes of all documents, concatenated,
            and the chunk position each belongs to.
        word_pairs, word_pair_docs: the same for the word-pair index (empty when it is off).
    """

    signatures: np.ndarray
    has_shingles: np.ndarray
    content_keys: np.ndarray
    ngrams: np.ndarray
    ngram_docs: np.ndarray
    word_pairs: np.ndarray
    word_pair_docs: np.ndarray


def fingerprint_texts(texts: Sequence[str], config: FingerprintConfig) -> ChunkFingerprints:
    """Fingerprint a chunk of texts (the pure kernel of the candidates stage)."""
    shingles: list[np.ndarray] = []
    ngrams: list[np.ndarray] = []
    pairs: list[np.ndarray] = []
    for text in texts:
        hashes = word_hashes(words(text))
        shingles.append(ngram_hashes(hashes, config.shingle_words))
        same = config.ngram_words == config.shingle_words
        ngrams.append(shingles[-1] if same else ngram_hashes(hashes, config.ngram_words))
        if config.pair_min_shared:
            pairs.append(ngram_hashes(hashes, config.pair_words))
    signatures, has_shingles = minhash_matrix(shingles, config)
    keys = np.array([_content_key(s) for s in shingles], dtype=np.uint64)
    ngram_values, ngram_docs = _flatten(ngrams)
    pair_values, pair_docs = _flatten(pairs)
    return ChunkFingerprints(
        signatures=signatures,
        has_shingles=has_shingles,
        content_keys=keys,
        ngrams=ngram_values,
        ngram_docs=ngram_docs,
        word_pairs=pair_values,
        word_pair_docs=pair_docs,
    )


def _flatten(per_document: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Concatenated hashes and, for each, the position of its document."""
    if not per_document:
        return np.empty(0, dtype=np.uint64), np.empty(0, dtype=np.uint32)
    sizes = [len(h) for h in per_document]
    return np.concatenate(per_document), np.repeat(np.arange(len(per_document), dtype=np.uint32), sizes)


def _content_key(shingles: np.ndarray) -> int:
    if len(shingles) == 0:
        return 0
    return int.from_bytes(hashlib.blake2b(shingles.tobytes(), digest_size=8).digest(), "little") or 1


_WORKER_CONFIG: FingerprintConfig | None = None


def _init_worker(config: FingerprintConfig) -> None:
    global _WORKER_CONFIG
    _WORKER_CONFIG = config


def _fingerprint_chunk(texts: Sequence[str]) -> ChunkFingerprints:
    assert _WORKER_CONFIG is not None, "_init_worker was not called in this process"
    return fingerprint_texts(texts, _WORKER_CONFIG)


class _Collector:
    """Gathers chunk fingerprints: signatures, exact-duplicate links and the n-gram index."""

    def __init__(self, spill_dir: Path) -> None:
        self.ids: list[str] = []
        self.signatures: list[np.ndarray] = []
        self.indexed: list[np.ndarray] = []
        self.first_with_key: dict[int, int] = {}
        self.exact: list[tuple[int, int]] = []
        self.index = RareNgramIndex(spill_dir)
        self.pair_index = RareNgramIndex(spill_dir)

    def add(self, ids: Sequence[str], prints: ChunkFingerprints) -> None:
        offset = len(self.ids)
        self.ids.extend(ids)
        indexed = prints.has_shingles.copy()
        for k, key in enumerate(prints.content_keys.tolist()):
            if not key:
                continue
            first = self.first_with_key.setdefault(key, offset + k)
            if first != offset + k:
                self.exact.append((first, offset + k))
                indexed[k] = False
        self.signatures.append(prints.signatures)
        self.indexed.append(indexed)
        for index, values, docs in (
            (self.index, prints.ngrams, prints.ngram_docs),
            (self.pair_index, prints.word_pairs, prints.word_pair_docs),
        ):
            keep = indexed[docs]
            index.add(values[keep], docs[keep].astype(np.int64) + offset)


def find_candidates(
    documents: Iterable[ScanDocument],
    config: FingerprintConfig | None = None,
    *,
    workers: int = 1,
    spill_dir: str | Path | None = None,
    advance: Callable[[int], None] | None = None,
) -> tuple[list[CandidatePair], dict[str, int]]:
    """Propose the pairs worth comparing.

    Args:
        documents: the collection, streamed; ids must be unique.
        config: shingle, MinHash and rare n-gram parameters.
        workers: processes that fingerprint; the result does not depend on it.
        spill_dir: where the n-gram index may spill shards (the system's temp folder when None).
        advance: called with the number of documents fingerprinted, for progress bars.

    Returns:
        Candidate pairs sorted by ``(id_a, id_b)`` with ``id_a < id_b``, and counters.
    """
    config = config or FingerprintConfig()
    # The spill folder is named after this process, so a rerun can tell a killed run's leftovers.
    if spill_dir is None:
        spill = Path(tempfile.mkdtemp(prefix=f"copytrail-spill-{os.getpid()}-"))
    else:
        spill = Path(spill_dir) / f"pid-{os.getpid()}"
        spill.mkdir(parents=True, exist_ok=True)
    try:
        return _find_candidates(documents, config, workers, spill, advance)
    finally:
        shutil.rmtree(spill, ignore_errors=True)


def _find_candidates(
    documents: Iterable[ScanDocument],
    config: FingerprintConfig,
    workers: int,
    spill: Path,
    advance: Callable[[int], None] | None,
) -> tuple[list[CandidatePair], dict[str, int]]:
    collector = _Collector(spill)
    ids_in_flight: deque[list[str]] = deque()
    translations = config.translation_embedder != "none"
    leads: list[str] = []
    languages: list[str | None] = []

    def texts() -> Iterator[list[str]]:
        # map_chunks returns results in submission order, so ids are matched first in, first out.
        for chunk in chunked_stream(documents, size=_CHUNK_DOCUMENTS):
            ids_in_flight.append([d.id for d in chunk])
            if translations:
                leads.extend(lead_text(d.text) for d in chunk)
                languages.extend(d.language for d in chunk)
            yield [d.text for d in chunk]

    results = map_chunks(_fingerprint_chunk, texts(), workers=workers, initializer=_init_worker, initargs=(config,))
    for prints in results:
        ids = ids_in_flight.popleft()
        collector.add(ids, prints)
        if advance is not None:
            advance(len(ids))
    across = _translation_codes(leads, languages, config) if translations else np.empty(0, dtype=np.int64)
    return _pairs(collector, config, across)


def _translation_codes(leads: list[str], languages: list[str | None], config: FingerprintConfig) -> np.ndarray:
    """Pair codes (``i * n + j``) that the translation source proposes."""
    from copytrail.embed import load_embedder

    vectors = load_embedder(config.translation_embedder).embed(leads) if leads else np.empty((0, 1), np.float32)
    pairs = translation_pairs(
        vectors,
        languages,
        min_cosine=config.translation_min_cosine,
        neighbours=config.translation_neighbours,
    )
    return pairs[:, 0] * len(leads) + pairs[:, 1]


def _pairs(
    collector: _Collector, config: FingerprintConfig, from_translations: np.ndarray
) -> tuple[list[CandidatePair], dict[str, int]]:
    ids = collector.ids
    n = len(ids)
    width = config.num_perm
    signatures = np.concatenate(collector.signatures) if collector.signatures else np.empty((0, width), np.uint32)
    indexed = np.concatenate(collector.indexed) if collector.indexed else np.empty(0, dtype=bool)
    bands, rows = lsh_bands(config)
    from_lsh = band_pairs(signatures, indexed, bands, rows, max_bucket=_MAX_BUCKET)
    # Word pairs are rare only in at most 5 documents already: they are counted plainly.
    pair_min = config.pair_min_shared if config.pair_min_shared else np.iinfo(np.int64).max
    from_pairs, _, _, pair_counters = collector.pair_index.pairs(n, max_docs=config.pair_max_docs, min_shared=pair_min)
    from_exact = np.array(sorted(i * n + j for i, j in collector.exact), dtype=np.int64)
    others = np.unique(np.concatenate([from_exact, from_lsh, from_pairs]))
    rare_codes, shared, evidence, counters = collector.index.pairs(
        n, max_docs=config.rare_max_docs, min_evidence=config.rare_min_shared, also=others
    )
    from_rare = rare_codes[evidence >= config.rare_min_shared - 1e-9]
    every = np.unique(np.concatenate([from_exact, from_lsh, from_rare, from_pairs, from_translations]))
    found_by = {
        EXACT: np.isin(every, from_exact),
        MINHASH: np.isin(every, from_lsh),
        RARE_NGRAMS: np.isin(every, from_rare),
        RARE_PAIRS: np.isin(every, from_pairs),
        TRANSLATION: np.isin(every, from_translations),
    }
    shared_at = np.searchsorted(rare_codes, every)
    out: list[CandidatePair] = []
    for k, code in enumerate(every.tolist()):
        i, j = divmod(code, n)
        a, b = sorted((ids[i], ids[j]))
        sources = tuple(name for name, found in found_by.items() if found[k])
        at = shared_at[k]
        out.append(
            CandidatePair(
                id_a=a,
                id_b=b,
                sources=sources,
                jaccard=1.0 if found_by[EXACT][k] else round(estimate_jaccard(signatures, i, j), 4),
                shared_ngrams=int(shared[at]) if at < len(rare_codes) and rare_codes[at] == code else 0,
            )
        )
    out.sort(key=lambda c: (c.id_a, c.id_b))
    counters.update(
        documents=n,
        documents_without_shingles=n - int(indexed.sum()) - len(collector.exact),
        exact_duplicates=len(collector.exact),
        lsh_bands=bands,
        lsh_rows=rows,
        candidates=len(out),
        candidates_exact=len(from_exact),
        candidates_minhash=len(from_lsh),
        candidates_rare_ngrams=len(from_rare),
        candidates_both=int((found_by[MINHASH] & found_by[RARE_NGRAMS]).sum()),
        candidates_rare_word_pairs=len(from_pairs),
        candidates_translation=len(from_translations),
        candidates_only_rare_word_pairs=int((found_by[RARE_PAIRS] & ~found_by[MINHASH] & ~found_by[RARE_NGRAMS]).sum()),
        word_pairs_rare=pair_counters["ngrams_rare"],
    )
    return out, counters
