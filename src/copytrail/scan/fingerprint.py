"""Fingerprints: word n-gram hashes, MinHash signatures and the rare n-gram index.

Pure kernels over lists of texts; nothing here knows about files or processes.

Words are those of :func:`copytrail.normalize.normalise_for_match` (lower case, no
punctuation), so fingerprints ignore the differences the pair engine ignores. Each word
is hashed once with BLAKE2b and an n-gram's hash is a polynomial over its words' hashes
(mod 2**64), computed for a whole document at once in numpy: stable across processes and
runs, unlike Python's salted ``hash``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import numpy as np

from copytrail.normalize import normalise_for_match
from copytrail.scan.config import FingerprintConfig
from copytrail.scan.errors import require

__all__ = ["jaccard", "minhash_signatures", "ngram_hashes", "rare_ngram_pairs", "words"]

# An odd 64-bit multiplier; any odd constant gives a bijection per position.
_MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)
_LOW32 = np.uint64(0xFFFFFFFF)


def words(text: str) -> list[str]:
    """The words fingerprints are built from."""
    return normalise_for_match(text).split()


@lru_cache(maxsize=1 << 20)
def _word_hash(word: str) -> int:
    return int.from_bytes(hashlib.blake2b(word.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "little")


def ngram_hashes(tokens: Sequence[str], n: int) -> np.ndarray:
    """Unique 64-bit hashes of the word n-grams of ``tokens`` (sorted, uint64).

    A text shorter than ``n`` words gives one hash, of all its words, so that short
    identical texts still match; an empty text gives none.
    """
    if not tokens:
        return np.empty(0, dtype=np.uint64)
    wh = np.fromiter((_word_hash(w) for w in tokens), dtype=np.uint64, count=len(tokens))
    n = min(n, len(tokens))
    count = len(tokens) - n + 1
    out = np.zeros(count, dtype=np.uint64)
    # uint64 array arithmetic wraps silently: the polynomial is taken mod 2**64.
    for i in range(n):
        out = out * _MULTIPLIER + wh[i : i + count]
    return np.unique(out)


def _identity(value: int) -> int:
    """MinHash hashfunc for inputs that are already 32-bit hashes (module-level: picklable)."""
    return value


def minhash_signatures(shingles: Sequence[np.ndarray], config: FingerprintConfig) -> list[Any | None]:
    """One datasketch ``LeanMinHash`` per document (None for a document without shingles).

    The signatures carry ``seed`` and ``num_perm``; datasketch refuses to compare
    signatures whose parameters differ. Shingle hashes are cut to their low 32 bits, the
    input width of datasketch's default ``affine32`` scheme.
    """
    datasketch = require("datasketch")
    template = datasketch.MinHash(num_perm=config.num_perm, seed=config.seed, hashfunc=_identity)
    out: list[Any | None] = []
    for hashes in shingles:
        if len(hashes) == 0:
            # An empty set's signature equals every other empty set's: keep it out of LSH.
            out.append(None)
            continue
        m = template.copy()
        m.update_batch((hashes & _LOW32).tolist())
        out.append(datasketch.LeanMinHash(m))
    return out


def jaccard(sig_a: Any | None, sig_b: Any | None) -> float:
    """MinHash estimate of the Jaccard similarity; 0 when either side has no signature."""
    if sig_a is None or sig_b is None:
        return 0.0
    return float(np.mean(sig_a.hashvalues == sig_b.hashvalues))


def rare_ngram_pairs(
    doc_ngrams: Sequence[np.ndarray], *, max_docs: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict[str, int]]:
    """Count, for every pair of documents, the rare n-grams they share.

    An n-gram is rare when it occurs in 2 to ``max_docs`` documents: more than that and it
    is a stock phrase or page boilerplate that would pair everything with everything.

    Args:
        doc_ngrams: per document, its unique n-gram hashes (as :func:`ngram_hashes` gives).
        max_docs: the largest document frequency an n-gram may have to count.

    Returns:
        ``(a, b, shared, counters)``: document indices ``a < b`` and how many rare n-grams
        each pair shares, sorted by ``(a, b)``; counters of the index.
    """
    n_docs = len(doc_ngrams)
    sizes = [len(h) for h in doc_ngrams]
    empty = np.empty(0, dtype=np.int64)
    counters = {"ngrams": int(sum(sizes)), "ngrams_distinct": 0, "ngrams_rare": 0, "ngrams_too_common": 0}
    if n_docs < 2 or not any(sizes):
        return empty, empty, empty, counters
    hashes = np.concatenate(doc_ngrams)
    docs = np.repeat(np.arange(n_docs, dtype=np.int64), sizes)
    # Stable sort: within one n-gram, documents stay in ascending order.
    order = np.argsort(hashes, kind="stable")
    hashes, docs = hashes[order], docs[order]
    _, starts, df = np.unique(hashes, return_index=True, return_counts=True)
    rare = (df >= 2) & (df <= max_docs)
    counters.update(
        ngrams_distinct=int(len(df)), ngrams_rare=int(rare.sum()), ngrams_too_common=int((df > max_docs).sum())
    )
    codes: list[np.ndarray] = []
    # Group the rare n-grams by document frequency c: each group is a (g, c) matrix of
    # document indices, and every column pair of it is a document pair (vectorised).
    for c in np.unique(df[rare]):
        group_starts = starts[rare & (df == c)]
        members = docs[group_starts[:, None] + np.arange(c)]
        left, right = np.triu_indices(int(c), 1)
        codes.append((members[:, left] * n_docs + members[:, right]).ravel())
    if not codes:
        return empty, empty, empty, counters
    pair_codes, shared = np.unique(np.concatenate(codes), return_counts=True)
    return pair_codes // n_docs, pair_codes % n_docs, shared.astype(np.int64), counters
