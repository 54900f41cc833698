"""Fingerprint kernels against naive references: n-gram hashes, MinHash estimates, the rare n-gram index."""

from __future__ import annotations

import itertools
import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as hypothesis_st

from copytrail.scan import FingerprintConfig
from copytrail.scan.fingerprint import (
    estimate_jaccard,
    lsh_bands,
    minhash_matrix,
    ngram_hashes,
    rare_ngram_pairs,
    words,
)


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
        signatures, _ = minhash_matrix([a, b], config)
        # Standard error of the estimate is sqrt(J(1-J)/k) <= 0.031 for k=256.
        assert abs(estimate_jaccard(signatures, 0, 1) - exact) < 0.1


def test_batched_signatures_equal_datasketch() -> None:
    datasketch = pytest.importorskip("datasketch")
    rng = random.Random(5)
    docs = [ngram_hashes([f"w{rng.randrange(500)}" for _ in range(rng.randint(1, 300))], 5) for _ in range(40)]
    docs.insert(7, np.empty(0, dtype=np.uint64))
    config = FingerprintConfig(num_perm=64, seed=9)
    signatures, has_shingles = minhash_matrix(docs, config)
    assert not has_shingles[7] and has_shingles.sum() == 40
    for row, hashes in zip(signatures, docs):
        if len(hashes):
            reference = datasketch.MinHash(num_perm=64, seed=9, hashfunc=int)
            reference.update_batch((hashes & np.uint64(0xFFFFFFFF)).tolist())
            assert np.array_equal(row, reference.hashvalues)
    other, _ = minhash_matrix(docs, FingerprintConfig(num_perm=64, seed=10))
    assert not np.array_equal(signatures, other)


def test_lsh_bands_follow_the_threshold() -> None:
    low, high = lsh_bands(FingerprintConfig(lsh_threshold=0.3)), lsh_bands(FingerprintConfig(lsh_threshold=0.8))
    assert low[0] * low[1] <= 128 and high[0] * high[1] <= 128
    assert low[1] < high[1]  # fewer rows per band: looser matches collide


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


def test_spilled_index_counts_like_the_in_memory_kernel(tmp_path) -> None:
    from copytrail.scan.ngram_index import RareNgramIndex

    rng = np.random.default_rng(8)
    # Hashes spread over all 64 bits, so every shard gets entries.
    pool = rng.integers(0, 2**63, size=120, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
    docs = [np.unique(rng.choice(pool, size=rng.integers(0, 40), replace=False)) for _ in range(50)]
    a, b, shared, _ = rare_ngram_pairs(docs, max_docs=6)
    index = RareNgramIndex(tmp_path, spill_entries=100)  # spills many times
    for i, hashes in enumerate(docs):
        index.add(hashes, np.full(len(hashes), i))
    assert index.spilled
    codes, counts, evidence, counters = index.pairs(50, max_docs=6)
    assert np.array_equal(codes, a * 50 + b) and np.array_equal(counts, shared)
    assert np.all(evidence <= counts) and np.all(evidence >= counts * 2 / 6 - 1e-9)
    assert counters["ngrams"] == sum(len(d) for d in docs)
    assert list(tmp_path.iterdir()) == []  # shard and pair bucket files removed
    # Thresholds keep only the pairs that pass them, and the pairs named in ``also``.
    index = RareNgramIndex(tmp_path, spill_entries=100)
    for i, hashes in enumerate(docs):
        index.add(hashes, np.full(len(hashes), i))
    wanted = np.array([int(a[0] * 50 + b[0])])
    kept, kept_counts, _, _ = index.pairs(50, max_docs=6, min_shared=3, also=wanted)
    expected = (shared >= 3) | np.isin(a * 50 + b, wanted)
    assert np.array_equal(kept, (a * 50 + b)[expected]) and np.array_equal(kept_counts, shared[expected])


def test_rare_ngrams_count_less_the_more_documents_share_them() -> None:
    from copytrail.scan.fingerprint import rare_pairs_flat

    # n-gram 1 is in documents 0 and 1 only; n-gram 2 in documents 0..3.
    hashes = np.array([1, 1, 2, 2, 2, 2], dtype=np.uint64)
    docs = np.array([0, 1, 0, 1, 2, 3])
    codes, shared, evidence, _ = rare_pairs_flat(hashes, docs, 4, max_docs=5)
    by_pair = {divmod(int(c), 4): (int(s), float(e)) for c, s, e in zip(codes, shared, evidence)}
    assert by_pair[(0, 1)] == (2, 1.5)  # 1 for the n-gram only they have, 2/4 for the one four share
    assert by_pair[(2, 3)] == (1, 0.5)


def test_words_of_scripts_without_spaces_are_characters() -> None:
    assert words("外国势力，也会担心。") == list("外国势力也会担心")
    assert words("ＧＤＰ增长２％") == ["gdp", "增", "长", "2"]
    # Arabic vowel marks and tatweel are not part of the words that fingerprints see.
    assert words("كَتَبَ الـــولد") == words("كتب الولد") == ["كتب", "الولد"]


def test_a_chinese_near_copy_shares_most_shingles_and_another_story_almost_none() -> None:
    original = "周日，利比亚计划了很久的首次总统选举的可能性似乎接近破灭，监督投票的机构表示无法宣布批准的候选人。"
    edited = original.replace("很久", "很长时间").replace("似乎", "")
    other = "外国势力也会担心民主的整体势头会消失，他们需要决定临时政府是否继续执政以填补政治真空。"

    def jaccard(x: str, y: str) -> float:
        a, b = set(ngram_hashes(words(x), 5).tolist()), set(ngram_hashes(words(y), 5).tolist())
        return len(a & b) / len(a | b)

    assert jaccard(original, edited) > 0.5  # two edits in 46 characters: 0.58
    assert jaccard(original, other) < 0.05


def test_permutations_are_datasketchs_affine32() -> None:
    from copytrail.scan.fingerprint import _permutations

    datasketch = pytest.importorskip("datasketch")
    for num_perm, seed in ((128, 1), (64, 9), (7, 0), (256, 20261123)):
        a, b = _permutations(num_perm, seed)
        ref_a, ref_b = datasketch.MinHash(num_perm=num_perm, seed=seed, scheme="affine32").permutations
        assert a.dtype == b.dtype == np.uint32
        assert np.array_equal(a, ref_a.astype(np.uint32)) and np.array_equal(b, ref_b.astype(np.uint32))
        assert (a % 2 == 1).all()  # odd: every permutation is a bijection


@pytest.mark.parametrize("num_perm", [16, 64, 128, 200])
def test_lsh_bands_are_datasketchs_choice(num_perm: int) -> None:
    """Gauss-Legendre quadrature picks the bands scipy's quad picks inside datasketch, threshold by threshold."""
    import dataclasses

    from copytrail.scan.fingerprint import lsh_bands

    datasketch = pytest.importorskip("datasketch")
    checked = 0
    for threshold in np.round(np.arange(0.05, 1.0, 0.05), 2).tolist():
        try:
            lsh = datasketch.MinHashLSH(threshold=threshold, num_perm=num_perm)
        except ValueError:  # datasketch refuses a choice of one band
            continue
        config = dataclasses.replace(FingerprintConfig(), lsh_threshold=threshold, num_perm=num_perm)
        assert lsh_bands(config) == (lsh.b, lsh.r), threshold
        checked += 1
    assert checked >= 15


def _minhash_by_definition(hashes: np.ndarray, config: FingerprintConfig) -> np.ndarray:
    """One document's signature as datasketch's affine32 scheme defines it, in Python integers."""
    from copytrail.scan.fingerprint import _permutations

    a, b = (x.astype(object) for x in _permutations(config.num_perm, config.seed))
    signature = [2**32 - 1] * config.num_perm
    for value in (int(h) & 0xFFFFFFFF for h in hashes):
        # MurmurHash3's finaliser, then each permutation (a * h + b) mod 2**32.
        value ^= value >> 16
        value = (value * 0x85EBCA6B) & 0xFFFFFFFF
        value ^= value >> 13
        value = (value * 0xC2B2AE35) & 0xFFFFFFFF
        value ^= value >> 16
        signature = [min(s, (int(ai) * value + int(bi)) & 0xFFFFFFFF) for s, ai, bi in zip(signature, a, b)]
    return np.array(signature, dtype=np.uint32)


@given(sizes=hypothesis_st.lists(hypothesis_st.sampled_from([0, 1, 2, 7, 300, 2047, 2048, 2049, 5000]), max_size=12))
@settings(max_examples=25, deadline=None)
def test_blocked_signatures_equal_their_definition(sizes: list[int]) -> None:
    """Documents empty, tiny and longer than a block, in any order: each row is its own document's signature."""
    rng = np.random.default_rng(len(sizes) * 7919 + sum(sizes))
    docs = [np.unique(rng.integers(0, 2**64, size=n, dtype=np.uint64)) for n in sizes]
    config = FingerprintConfig(num_perm=16, seed=3)
    signatures, has_shingles = minhash_matrix(docs, config)
    assert signatures.shape == (len(docs), 16) and signatures.dtype == np.uint32
    assert has_shingles.tolist() == [n > 0 for n in sizes]
    for row, hashes in zip(signatures, docs):
        assert np.array_equal(row, _minhash_by_definition(hashes, config))


@given(
    documents=hypothesis_st.lists(hypothesis_st.lists(hypothesis_st.sampled_from("abcdefg"), max_size=14), max_size=9),
    n=hypothesis_st.integers(1, 6),
)
@settings(max_examples=200, deadline=None)
def test_chunk_ngram_hashes_equal_each_documents_own(documents: list[list[str]], n: int) -> None:
    """Empty documents, documents shorter than n and repeated n-grams: the chunk's pass gives each document's hashes."""
    from copytrail.scan.fingerprint import document_ngram_hashes, word_hashes

    lengths = np.array([len(d) for d in documents], dtype=np.int64)
    values, owners = document_ngram_hashes(word_hashes([w for d in documents for w in d]), lengths, n)
    assert values.dtype == np.uint64 and owners.dtype == np.uint32
    for k, document in enumerate(documents):
        assert np.array_equal(values[owners == k], ngram_hashes(document, n))
    assert list(owners) == sorted(owners)


def _rare_pairs_by_lexsort(hashes: np.ndarray, docs: np.ndarray, n_docs: int, max_docs: int) -> tuple:
    """rare_pairs_flat as it was, sorting entries by (hash, document): the reference for its plain sort."""
    order = np.lexsort((docs, hashes))
    hashes, docs = hashes[order], docs[order].astype(np.int64)
    _, starts, df = np.unique(hashes, return_index=True, return_counts=True)
    rare = (df >= 2) & (df <= max_docs)
    codes, weights = [], []
    for c in np.unique(df[rare]).tolist():
        members = docs[starts[rare & (df == c)][:, None] + np.arange(c)]
        left, right = np.triu_indices(c, 1)
        codes.append((members[:, left] * n_docs + members[:, right]).ravel())
        weights.append(np.full(len(codes[-1]), 2.0 / c))
    if not codes:
        return (np.empty(0, dtype=np.int64),) * 3
    pair_codes, inverse, shared = np.unique(np.concatenate(codes), return_inverse=True, return_counts=True)
    return pair_codes, shared, np.bincount(inverse, weights=np.concatenate(weights), minlength=len(pair_codes))


@given(seed=hypothesis_st.integers(0, 2**32 - 1), max_docs=hypothesis_st.integers(2, 12))
@settings(max_examples=60, deadline=None)
def test_rare_pairs_equal_those_of_the_lexsort_to_the_last_bit(seed: int, max_docs: int) -> None:
    """Entries in any order, n-grams in 1 to 15 documents: the same codes, counts and float weights."""
    from copytrail.scan.fingerprint import rare_pairs_flat

    rng = np.random.default_rng(seed)
    n_docs = int(rng.integers(2, 40))
    pool = rng.integers(0, 2**64, size=int(rng.integers(1, 80)), dtype=np.uint64)
    entries = {(int(h), int(d)) for h in pool for d in rng.choice(n_docs, size=rng.integers(1, 16)) if d < n_docs}
    shuffled = rng.permutation(sorted(entries))
    hashes, docs = shuffled[:, 0].astype(np.uint64), shuffled[:, 1].astype(np.uint32)
    codes, shared, evidence, _ = rare_pairs_flat(hashes, docs, n_docs, max_docs=max_docs)
    ref_codes, ref_shared, ref_evidence = _rare_pairs_by_lexsort(hashes, docs, n_docs, max_docs)
    assert np.array_equal(codes, ref_codes) and np.array_equal(shared, ref_shared)
    assert evidence.tobytes() == np.asarray(ref_evidence, dtype=np.float64).tobytes()
