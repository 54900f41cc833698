"""Fingerprints: word n-gram hashes, MinHash signatures, LSH bands and rare n-gram pair counts.

Pure kernels over arrays; nothing here knows about files or processes (the sharded
index in :mod:`copytrail.scan.ngram_index` spills these arrays to disk).

Words are those of :func:`copytrail.normalize.normalise_for_match` (case folded, no
punctuation; every character is a word in scripts without spaces, so a word 5-gram is a
character 5-gram in Chinese), so fingerprints ignore the differences the pair engine ignores. Each word
is hashed once with BLAKE2b and an n-gram's hash is a polynomial over its words' hashes
(mod 2**64), computed for a whole document at once in numpy: stable across processes and
runs, unlike Python's salted ``hash``.

MinHash signatures are datasketch's (its ``affine32`` scheme: the same permutations from
the same seed, the same values, tested), computed for a block of documents at once:
datasketch's per-document objects cost more than the hashing itself (measured on BBC
articles: 1,700 documents/s through ``MinHash.update_batch`` and ``LeanMinHash``, against
about 10,000/s for the batched form). The permutations and LSH's choice of bands are
worked out here the way datasketch 2 does (tests hold them equal to datasketch's, which
stays a development dependency): datasketch itself would bring scipy, 143 MB of the
default install, for one numerical integral.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from copytrail.normalize import text_words as words  # the words fingerprints are built from
from copytrail.scan.config import FingerprintConfig

__all__ = [
    "document_ngram_hashes",
    "estimate_jaccard",
    "lsh_bands",
    "minhash_matrix",
    "ngram_hashes",
    "word_hashes",
    "rare_pairs_flat",
    "rare_ngram_pairs",
    "rolling_ngram_hashes",
    "words",
]

# An odd 64-bit multiplier; any odd constant gives a bijection per position.
_MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)
_LOW32 = np.uint64(0xFFFFFFFF)
# MurmurHash3's 32-bit finaliser, which datasketch applies before its affine permutations.
_FMIX32 = (np.uint32(16), np.uint32(0x85EBCA6B), np.uint32(13), np.uint32(0xC2B2AE35), np.uint32(16))
# Shingles of the (permutations x shingles) matrix computed at once: 128 x 2k uint32 = 1 MB
# stays in the CPU cache; 16k (8 MB) or more ran 1.7 times slower.
_BLOCK_SHINGLES = 1 << 11
# Word hashes are memoised: news vocabularies are small next to their running text.
_WORD_CACHE: dict[str, int] = {}
_WORD_CACHE_LIMIT = 1 << 21


def _word_hash(word: str) -> int:
    value = int.from_bytes(hashlib.blake2b(word.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "little")
    if len(_WORD_CACHE) >= _WORD_CACHE_LIMIT:
        _WORD_CACHE.clear()
    _WORD_CACHE[word] = value
    return value


def word_hashes(tokens: Sequence[str]) -> np.ndarray:
    """One stable 64-bit hash per token (uint64), the input of :func:`ngram_hashes`."""
    cache = _WORD_CACHE
    # A plain dict lookup, not lru_cache: this line runs once per word of the collection.
    return np.array([cache[w] if w in cache else _word_hash(w) for w in tokens], dtype=np.uint64)


def ngram_hashes(tokens: Sequence[str] | np.ndarray, n: int) -> np.ndarray:
    """Unique 64-bit hashes of the word n-grams of ``tokens`` (sorted, uint64).

    ``tokens`` are words, or their :func:`word_hashes` (to hash a document's words once
    for several n). A text shorter than ``n`` words gives one hash, of all its words, so
    that short identical texts still match; an empty text gives none.
    """
    if len(tokens) == 0:
        return np.empty(0, dtype=np.uint64)
    wh = tokens if isinstance(tokens, np.ndarray) else word_hashes(tokens)
    return np.unique(rolling_ngram_hashes(wh, min(n, len(wh))))


def rolling_ngram_hashes(hashes: np.ndarray, n: int) -> np.ndarray:
    """The hash of every run of ``n`` consecutive words, in text order (a fresh array; none for fewer words).

    ``hashes`` are :func:`word_hashes`; an n-gram's hash is the polynomial of its words' hashes
    that every fingerprint uses.
    """
    count = max(len(hashes) - n + 1, 0)
    out = hashes[:count].copy()
    # uint64 array arithmetic wraps silently: the polynomial is taken mod 2**64.
    for i in range(1, n):
        out *= _MULTIPLIER
        out += hashes[i : i + count]
    return out


def document_ngram_hashes(hashes: np.ndarray, lengths: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """:func:`ngram_hashes` of many documents at once, concatenated: ``(values, owners)``.

    Args:
        hashes: the :func:`word_hashes` of all documents' words, document after document.
        lengths: each document's number of words (they sum to ``len(hashes)``).
        n: words per n-gram.

    Returns:
        Each document's unique n-gram hashes, sorted, one document after another (uint64),
        and the position of the document each belongs to (uint32): per document exactly
        ``ngram_hashes(its word hashes, n)``. One polynomial pass and one sort for a chunk
        of documents, where a document at a time spent most of its time in numpy's
        per-call overhead (3 times slower on the quick benchmark corpus).
    """
    lengths = np.asarray(lengths, dtype=np.int64)
    # Positions of documents fit 16 bits in a chunk, and numpy sorts 16-bit keys stably by radix.
    owner_type = np.uint16 if len(lengths) <= 1 << 16 else np.uint32
    owner_of_word = np.repeat(np.arange(len(lengths), dtype=owner_type), lengths)
    count = max(len(hashes) - n + 1, 0)
    values = rolling_ngram_hashes(hashes, n)
    # Owners never decrease, so a window lies inside one document when its first and last words do.
    inside = owner_of_word[:count] == owner_of_word[n - 1 : n - 1 + count]
    values, owners = values[inside], owner_of_word[:count][inside]
    short = np.flatnonzero((lengths > 0) & (lengths < n))
    if len(short):
        # A document shorter than n words has one hash, of all its words (as ngram_hashes gives it).
        ends = np.cumsum(lengths)
        values = np.concatenate([values, *(ngram_hashes(hashes[ends[k] - lengths[k] : ends[k]], n) for k in short)])
        owners = np.concatenate([owners, short.astype(owner_type)])
    # Sorted by value, then (stably) by document: each document's values in order.
    order = np.argsort(values)
    order = order[np.argsort(owners[order], kind="stable")]
    values, owners = values[order], owners[order]
    distinct = np.ones(len(values), dtype=bool)
    distinct[1:] = (values[1:] != values[:-1]) | (owners[1:] != owners[:-1])
    return values[distinct], owners[distinct].astype(np.uint32)


@lru_cache(maxsize=8)
def _permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """datasketch's affine32 permutation parameters ``(a, b)`` for ``num_perm`` and ``seed``.

    ``h -> a * h + b mod 2**32`` with an odd ``a`` (a bijection), drawn as datasketch 2's
    ``MinHash._init_permutations`` draws them.
    """
    generator = np.random.RandomState(seed)
    a = generator.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = generator.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return a, b


def _fmix32(hv: np.ndarray) -> np.ndarray:
    s1, m1, s2, m2, s3 = _FMIX32
    hv = hv ^ (hv >> s1)
    hv = hv * m1
    hv = hv ^ (hv >> s2)
    hv = hv * m2
    return hv ^ (hv >> s3)


def minhash_matrix(shingles: Sequence[np.ndarray], config: FingerprintConfig) -> tuple[np.ndarray, np.ndarray]:
    """MinHash signatures of many documents at once.

    Args:
        shingles: per document, its unique shingle hashes (as :func:`ngram_hashes` gives);
            only their low 32 bits are used, the input width of datasketch's affine32 scheme.
        config: ``num_perm`` and ``seed``.

    Returns:
        ``(signatures, has_shingles)``: a ``(documents, num_perm)`` uint32 matrix equal,
        row by row, to ``datasketch.MinHash(num_perm, seed).update_batch(...)``'s
        ``hashvalues``; and which documents have any shingle (an empty document's row is
        all ``2**32 - 1`` and must be kept out of LSH: it would equal every other empty one).
    """
    a, b = _permutations(config.num_perm, config.seed)
    # Permutations down, shingles across: numpy's reduceat along contiguous rows is several
    # times faster than down the columns of a (shingles x permutations) layout (best of 5 on
    # the quick benchmark corpus' 818,000 shingles in chunks of 256 documents: 0.12 s, against 0.35 s).
    a, b = a[:, None], b[:, None]
    sizes = np.fromiter((len(s) for s in shingles), dtype=np.int64, count=len(shingles))
    out = np.full((len(shingles), config.num_perm), np.iinfo(np.uint32).max, dtype=np.uint32)
    filled = np.flatnonzero(sizes)
    if not len(filled):
        return out, sizes > 0
    hv = _fmix32((np.concatenate([shingles[i] for i in filled]) & _LOW32).astype(np.uint32))
    ends = np.cumsum(sizes[filled])
    starts = ends - sizes[filled]
    first = 0
    while first < len(filled):
        # A block of whole documents holding about _BLOCK_SHINGLES shingles (at least one document).
        stop = max(first + 1, int(np.searchsorted(ends, starts[first] + _BLOCK_SHINGLES, side="right")))
        low, high = starts[first], ends[stop - 1]
        # uint32 arithmetic wraps: the affine map is taken mod 2**32, as in datasketch.
        permuted = a * hv[low:high]
        permuted += b
        out[filled[first:stop]] = np.minimum.reduceat(permuted, starts[first:stop] - low, axis=1).T
        first = stop
    return out, sizes > 0


def estimate_jaccard(signatures: np.ndarray, i: int, j: int) -> float:
    """MinHash estimate of the Jaccard similarity of documents ``i`` and ``j``."""
    return float(np.mean(signatures[i] == signatures[j]))


@lru_cache(maxsize=16)
def lsh_bands(config: FingerprintConfig) -> tuple[int, int]:
    """``(bands, rows)`` that datasketch's MinHashLSH chooses for ``lsh_threshold`` and ``num_perm``.

    The pair with ``bands * rows <= num_perm`` that minimises the false positive rate
    (the S-curve's area below the threshold) plus the false negative rate (the area above
    it), weighed equally, the first in datasketch's order on a tie. The S-curve
    ``1 - (1 - s**r)**b`` is a polynomial of degree ``b * r <= num_perm``, so Gauss-Legendre
    quadrature with more than ``num_perm / 2`` points integrates it exactly (datasketch
    calls scipy's adaptive ``quad``; the choices are tested equal).
    """
    threshold, num_perm = config.lsh_threshold, config.num_perm
    nodes, weights = np.polynomial.legendre.leggauss(num_perm // 2 + 2)
    best, choice = np.inf, (0, 0)
    for bands in range(1, num_perm + 1):
        rows = np.arange(1, num_perm // bands + 1, dtype=np.float64)[:, None]

        def area(low: float, high: float, *, above: bool, rows: np.ndarray = rows, bands: int = bands) -> np.ndarray:
            s = (high - low) / 2 * nodes + (high + low) / 2
            curve = 1 - (1 - s**rows) ** bands
            return (high - low) / 2 * ((1 - curve if above else curve) @ weights)

        error = 0.5 * area(0.0, threshold, above=False) + 0.5 * area(threshold, 1.0, above=True)
        k = int(np.argmin(error))
        if error[k] < best:
            best, choice = float(error[k]), (bands, k + 1)
    return choice


def rare_pairs_flat(
    hashes: np.ndarray, docs: np.ndarray, n_docs: int, *, max_docs: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict[str, int]]:
    """Count, for every pair of documents, the rare n-grams they share.

    An n-gram is rare when it occurs in 2 to ``max_docs`` documents: more than that and it
    is a stock phrase or page boilerplate that would pair everything with everything.

    Args:
        hashes, docs: parallel arrays, one entry per (n-gram, document) with each n-gram
            at most once per document, in any order.
        n_docs: the number of documents (pair codes are ``i * n_docs + j``).
        max_docs: the largest document frequency an n-gram may have to count.

    Returns:
        ``(codes, shared, evidence, counters)``: sorted unique pair codes (``i < j``), how
        many rare n-grams each pair shares, the same count with each n-gram weighted
        ``2 / df`` (1 when only the two documents have it, 0.1 when twenty do), and
        counters of the index.
    """
    counters = {"ngrams": int(len(hashes)), "ngrams_distinct": 0, "ngrams_rare": 0, "ngrams_too_common": 0}
    empty = np.empty(0, dtype=np.int64)
    if len(hashes) == 0:
        return empty, empty, empty.astype(float), counters
    # Grouped by hash with one plain sort (numpy's SIMD sort: 5 times as fast as the lexsort
    # by (hash, document) it replaces); each group's documents are put in order below, which
    # only the rare groups need. The group bounds come from the sorted hashes directly.
    order = np.argsort(hashes)
    hashes, docs = hashes[order], docs[order].astype(np.int64)
    starts = np.flatnonzero(np.r_[True, hashes[1:] != hashes[:-1]])
    df = np.diff(np.r_[starts, len(hashes)])
    rare = (df >= 2) & (df <= max_docs)
    counters.update(
        ngrams_distinct=int(len(df)), ngrams_rare=int(rare.sum()), ngrams_too_common=int((df > max_docs).sum())
    )
    codes: list[np.ndarray] = []
    weights: list[np.ndarray] = []
    # Group the rare n-grams by document frequency c: each group is a (g, c) matrix of
    # document indices, and every column pair of it is a document pair (vectorised).
    for c in np.unique(df[rare]).tolist():
        members = np.sort(docs[starts[rare & (df == c)][:, None] + np.arange(c)], axis=1)
        left, right = np.triu_indices(c, 1)
        codes.append((members[:, left] * n_docs + members[:, right]).ravel())
        weights.append(np.full(len(codes[-1]), 2.0 / c))
    if not codes:
        return empty, empty, empty.astype(float), counters
    pair_codes, inverse, shared = np.unique(np.concatenate(codes), return_inverse=True, return_counts=True)
    evidence = np.bincount(inverse, weights=np.concatenate(weights), minlength=len(pair_codes))
    return pair_codes, shared.astype(np.int64), evidence, counters


def rare_ngram_pairs(
    doc_ngrams: Sequence[np.ndarray], *, max_docs: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict[str, int]]:
    """:func:`rare_pairs_flat` over per-document arrays: ``(a, b, shared, counters)`` with ``a < b``."""
    n_docs = len(doc_ngrams)
    sizes = [len(h) for h in doc_ngrams]
    if n_docs < 2 or not any(sizes):
        empty = np.empty(0, dtype=np.int64)
        counters = {"ngrams": int(sum(sizes)), "ngrams_distinct": 0, "ngrams_rare": 0, "ngrams_too_common": 0}
        return empty, empty, empty, counters
    hashes = np.concatenate(doc_ngrams)
    docs = np.repeat(np.arange(n_docs, dtype=np.int64), sizes)
    codes, shared, _, counters = rare_pairs_flat(hashes, docs, n_docs, max_docs=max_docs)
    return codes // n_docs, codes % n_docs, shared, counters
