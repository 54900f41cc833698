"""Fingerprint kernels against naive references: n-gram hashes, MinHash estimates, the rare n-gram index."""

from __future__ import annotations

import itertools
import random

import numpy as np
import pytest

from copytrail.scan import FingerprintConfig
from copytrail.scan.fingerprint import jaccard, minhash_signatures, ngram_hashes, rare_ngram_pairs, words


def test_words_ignore_case_and_punctuation() -> None:
    assert words("The BANK's rate, cut: 0.5%!") == ["the", "bank", "s", "rate", "cut", "0", "5"]


def test_ngram_hashes_are_one_per_distinct_ngram_and_stable() -> None:
    tokens = ["a", "b", "c", "d", "e", "a", "b", "c", "d", "e", "f"]
    hashes = ngram_hashes(tokens, 5)
    distinct = {tuple(tokens[i : i + 5]) for i in range(len(tokens) - 4)}
    assert len(hashes) == len(distinct) == 6
    assert hashes.dtype == np.uint64 and list(hashes) == sorted(hashes)
    # Same words, same hashes: independent of the process's salted str hash.
    assert np.array_equal(hashes, ngram_hashes(list(tokens), 5))
    assert not np.array_equal(ngram_hashes(["a", "b", "c", "d", "f"], 5), ngram_hashes(["a", "b", "c", "d", "e"], 5))


def test_short_texts_get_one_hash_and_empty_none() -> None:
    assert len(ngram_hashes(["just", "three", "words"], 5)) == 1
    assert np.array_equal(ngram_hashes(["just", "three", "words"], 5), ngram_hashes(["just", "three", "words"], 5))
    assert len(ngram_hashes([], 5)) == 0


def test_minhash_estimates_jaccard_within_tolerance() -> None:
    rng = random.Random(3)
    vocab = [f"w{i}" for i in range(3000)]
    config = FingerprintConfig(num_perm=256)
    for _ in range(5):
        base = [rng.choice(vocab) for _ in range(400)]
        edited = [w for w in base if rng.random() > rng.uniform(0.05, 0.6)]
        a, b = ngram_hashes(base, 3), ngram_hashes(edited, 3)
        exact = len(np.intersect1d(a, b)) / len(np.union1d(a, b))
        sig_a, sig_b = minhash_signatures([a, b], config)
        # Standard error of the estimate is sqrt(J(1-J)/k) <= 0.031 for k=256.
        assert abs(jaccard(sig_a, sig_b) - exact) < 0.1


def test_signatures_carry_their_parameters() -> None:
    hashes = ngram_hashes(["one", "two", "three", "four", "five", "six"], 2)
    (sig,) = minhash_signatures([hashes], FingerprintConfig(num_perm=64, seed=9))
    assert (sig.seed, len(sig.hashvalues)) == (9, 64)
    (other,) = minhash_signatures([hashes], FingerprintConfig(num_perm=64, seed=10))
    with pytest.raises(ValueError):
        sig.jaccard(other)
    assert minhash_signatures([np.empty(0, dtype=np.uint64)], FingerprintConfig()) == [None]


def _naive_rare_pairs(docs: list[np.ndarray], max_docs: int) -> dict[tuple[int, int], int]:
    df: dict[int, set[int]] = {}
    for i, hashes in enumerate(docs):
        for h in hashes.tolist():
            df.setdefault(h, set()).add(i)
    shared: dict[tuple[int, int], int] = {}
    for members in df.values():
        if 2 <= len(members) <= max_docs:
            for pair in itertools.combinations(sorted(members), 2):
                shared[pair] = shared.get(pair, 0) + 1
    return shared


def test_rare_ngram_pairs_match_a_naive_reference() -> None:
    rng = random.Random(11)
    docs = [np.unique(np.array(rng.sample(range(60), rng.randint(0, 25)), dtype=np.uint64)) for _ in range(30)]
    for max_docs in (2, 3, 5, 30):
        a, b, shared, counters = rare_ngram_pairs(docs, max_docs=max_docs)
        got = dict(zip(zip(a.tolist(), b.tolist()), shared.tolist()))
        assert got == _naive_rare_pairs(docs, max_docs)
        assert list(zip(a.tolist(), b.tolist())) == sorted(got)
        assert counters["ngrams"] == sum(len(d) for d in docs)


def test_common_ngrams_are_dropped() -> None:
    everywhere = np.array([1, 2, 3], dtype=np.uint64)
    docs = [np.concatenate([everywhere, np.array([100 + i], dtype=np.uint64)]) for i in range(6)]
    a, _, _, counters = rare_ngram_pairs(docs, max_docs=5)
    assert len(a) == 0 and counters["ngrams_too_common"] == 3


@pytest.mark.parametrize(
    "kwargs", [{"num_perm": 1}, {"lsh_threshold": 0.0}, {"rare_max_docs": 1}, {"rare_min_shared": 0}]
)
def test_config_rejects_nonsense(kwargs: dict) -> None:
    with pytest.raises(ValueError):
        FingerprintConfig(**kwargs)
