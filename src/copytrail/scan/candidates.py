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

Two steps, each an executor operation (:mod:`copytrail.pipeline.executor`): the
``fingerprint`` stage maps every document to its fingerprints (:class:`FingerprintKernel`,
a Parquet dataset keyed by document id); the ``candidates`` stage groups documents by
equal keys (:func:`candidate_pairs`). Pairs are named by document ids, so the result
does not depend on input order, workers or executor.
"""

from __future__ import annotations

import hashlib
import itertools
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from copytrail.scan.config import FingerprintConfig
from copytrail.scan.fingerprint import document_ngram_hashes, minhash_matrix, word_hashes, words
from copytrail.scan.records import CandidatePair, ScanDocument

__all__ = [
    "EXACT",
    "MINHASH",
    "RARE_NGRAMS",
    "RARE_PAIRS",
    "SOURCES",
    "TRANSLATION",
    "ChunkFingerprints",
    "band_keys",
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

# LSH buckets larger than this are chained instead of fully paired (see KeyRule).
MAX_BUCKET = 50
_MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)


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
    per_text = [words(text) for text in texts]
    lengths = np.fromiter(map(len, per_text), dtype=np.int64, count=len(per_text))
    # Every word of the chunk hashed in one call, and each n-gram size in one pass over them all.
    hashes = word_hashes(list(itertools.chain.from_iterable(per_text)))
    shingle_values, shingle_docs = document_ngram_hashes(hashes, lengths, config.shingle_words)
    if config.ngram_words == config.shingle_words:
        ngram_values, ngram_docs = shingle_values, shingle_docs
    else:
        ngram_values, ngram_docs = document_ngram_hashes(hashes, lengths, config.ngram_words)
    if config.pair_min_shared:
        pair_values, pair_docs = document_ngram_hashes(hashes, lengths, config.pair_words)
    else:
        pair_values, pair_docs = np.empty(0, dtype=np.uint64), np.empty(0, dtype=np.uint32)
    # Views of each document's shingles (contiguous, as its content key hashes their bytes).
    shingles = np.split(shingle_values, np.searchsorted(shingle_docs, np.arange(1, len(texts)))) if texts else []
    signatures, has_shingles = minhash_matrix(shingles, config)
    keys = np.array([_content_key(s) for s in shingles], dtype=np.uint64)
    return ChunkFingerprints(
        signatures=signatures,
        has_shingles=has_shingles,
        content_keys=keys,
        ngrams=ngram_values,
        ngram_docs=ngram_docs,
        word_pairs=pair_values,
        word_pair_docs=pair_docs,
    )


def _content_key(shingles: np.ndarray) -> int:
    if len(shingles) == 0:
        return 0
    return int.from_bytes(hashlib.blake2b(shingles.tobytes(), digest_size=8).digest(), "little") or 1


def band_keys(signatures: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """One 64-bit key per LSH band of each signature (``documents x bands``).

    Two documents share a key exactly when they agree on every row of that band (up to
    64-bit collisions); the band's number is mixed in, so keys of different bands never
    meet, and one grouping over all keys finds every band's buckets.
    """
    out = np.zeros((len(signatures), bands), dtype=np.uint64)
    for band in range(bands):
        cols = signatures[:, band * rows : (band + 1) * rows].astype(np.uint64)
        keys = np.full(len(signatures), np.uint64(band + 1), dtype=np.uint64)
        for c in range(rows):
            keys = keys * _MULTIPLIER + cols[:, c] + np.uint64(c + 1)
        out[:, band] = keys
    return out


def find_candidates(
    documents: Iterable[ScanDocument],
    config: FingerprintConfig | None = None,
    *,
    workers: int = 1,
    spill_dir: str | Path | None = None,
) -> tuple[list[CandidatePair], dict[str, Any]]:
    """Propose the pairs worth comparing in a collection, without a scan's output folder.

    The ``fingerprint`` and ``candidates`` stages on the local executor, in a temporary
    folder (inside ``spill_dir`` when given).

    Returns:
        Candidate pairs sorted by ``(id_a, id_b)`` with ``id_a < id_b``, and counters.
    """
    from copytrail.executors.local import LocalExecutor
    from copytrail.scan.artifacts import ArtifactStore
    from copytrail.scan.stages.candidates import candidate_pairs
    from copytrail.scan.stages.fingerprint import FingerprintKernel

    config = config or FingerprintConfig()
    with tempfile.TemporaryDirectory(prefix="copytrail-candidates-", dir=spill_dir) as folder:
        store = ArtifactStore(folder)
        store.write_jsonl("documents.jsonl", documents)
        executor = LocalExecutor(workers)
        executor.map_documents(store.path("documents.jsonl"), FingerprintKernel(config), store.path("fingerprints"))
        return candidate_pairs(executor, store.path("fingerprints"), config)
