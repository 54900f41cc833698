"""Rare-pair candidates whose shared word pairs are scattered can be called unrelated without comparing (issue 12).

Two rules: over the shared *rare* word pairs (on by default; the verify stage hands each
candidate its rare pairs) and over the shared *content* word pairs (off by default: it lost a
true PAN13 pair on an independent check; these tests turn it on).
"""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from copytrail.records import Relation
from copytrail.scan import CandidatePair, ScanDocument, VerifyConfig
from copytrail.scan.candidates import EXACT, RARE_NGRAMS, RARE_PAIRS
from copytrail.scan.scattered import content_word_pairs, densest_rare, densest_shared, word_pairs
from copytrail.scan.stages.verify import shared_rare_pairs
from copytrail.scan.verify import SCATTERED_RARE, PairVerifier

_FILLER_A = (
    "Farmers in the northern valley reported a late harvest after weeks of heavy rain delayed planting "
    "and left many fields under water until early summer. "
)
_FILLER_B = (
    "The orchestra opened its winter season with a programme of rarely heard symphonies that drew "
    "a full house and warm applause from critics. "
)
_PASSAGE = (
    "Copper miners at the Kolwezi concession halted exports when customs officers seized twelve trucks "
    "near the Kasumbalesa border crossing on Thursday morning. "
)
# Word pairs of _PASSAGE one at a time, each far from the next: shared, but never together.
_SCATTERED = ["Kolwezi concession", "customs officers", "twelve trucks", "Kasumbalesa border", "crossing Thursday"]


def _text(filler: str, inserts: list[str], every: int = 8) -> str:
    parts = []
    for insert in inserts:
        parts += [filler * every, insert + ". "]
    return " ".join([*parts, filler * every])


def _brute_force(a: np.ndarray, b: np.ndarray, window: int) -> int:
    shared = (set(a.tolist()) & set(b.tolist())) - {0}

    def densest(side: np.ndarray) -> int:
        hits = [i for i, key in enumerate(side.tolist()) if key in shared]
        return max((sum(start <= h < start + window for h in hits) for start in hits), default=0)

    return min(densest(a), densest(b))


def test_a_copied_passage_is_dense_and_the_same_pairs_scattered_are_not() -> None:
    copied = densest_shared(
        content_word_pairs(_text(_FILLER_A, [_PASSAGE])), content_word_pairs(_text(_FILLER_B, [_PASSAGE]))
    )
    scattered = densest_shared(
        content_word_pairs(_text(_FILLER_A, _SCATTERED)), content_word_pairs(_text(_FILLER_B, _SCATTERED))
    )
    assert copied >= 10
    assert scattered == 1


def test_word_pairs_with_a_stopword_are_not_counted() -> None:
    a = content_word_pairs("of the state of the union in the end")
    b = content_word_pairs("in the end of the day the state")
    assert densest_shared(a, b) == 0
    assert (content_word_pairs("the state") == 0).all() and (content_word_pairs("state union") != 0).all()


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.integers(0, 6), min_size=0, max_size=60),
    st.lists(st.integers(0, 6), min_size=0, max_size=60),
    st.integers(1, 12),
)
def test_densest_shared_counts_as_every_window_would(a: list[int], b: list[int], window: int) -> None:
    # Small key alphabets make repeats and zeros (pairs with a stopword) common.
    a_keys, b_keys = np.array(a, dtype=np.uint64), np.array(b, dtype=np.uint64)
    assert densest_shared(a_keys, b_keys, window) == _brute_force(a_keys, b_keys, window)


def _documents(language: str | None = "en") -> dict[str, ScanDocument]:
    return {
        "a": ScanDocument("a", _text(_FILLER_A, _SCATTERED), language=language),
        "b": ScanDocument("b", _text(_FILLER_B, _SCATTERED), language=language),
    }


ON = VerifyConfig(min_dense_shared=3)


def test_a_scattered_rare_pair_candidate_is_decided_without_comparing() -> None:
    candidate = CandidatePair("a", "b", (RARE_PAIRS,), 0.0, 0)
    verdict = PairVerifier(_documents(), ON).verify(candidate)
    assert verdict.compared is False and verdict.relation is Relation.UNRELATED and verdict.pair is None
    # Compared in full (the content rule is off by default), the engine says the same.
    full = PairVerifier(_documents()).verify(candidate)
    assert full.compared is True and full.pair is None


def test_the_pair_engine_still_decides_where_the_evidence_is_not_english_words_alone() -> None:
    rare_only = CandidatePair("a", "b", (RARE_PAIRS,), 0.0, 0)
    assert PairVerifier(_documents(language="de"), ON).verify(rare_only).compared
    assert PairVerifier(_documents(language=None), ON).verify(rare_only).compared
    also_ngrams = dataclasses.replace(rare_only, sources=(RARE_NGRAMS, RARE_PAIRS))
    assert PairVerifier(_documents(), ON).verify(also_ngrams).compared
    second_look = dataclasses.replace(ON, second_look="hashing")
    assert PairVerifier(_documents(), second_look).verify(rare_only).compared


def test_a_copied_passage_in_a_rare_pair_candidate_is_still_compared_and_kept() -> None:
    docs = {
        "a": ScanDocument("a", _text(_FILLER_A, [_PASSAGE * 3]), language="en"),
        "b": ScanDocument("b", _text(_FILLER_B, [_PASSAGE * 3]), language="en"),
    }
    verdict = PairVerifier(docs, ON).verify(CandidatePair("a", "b", (RARE_PAIRS,), 0.0, 0))
    assert verdict.compared and verdict.pair is not None


def test_a_negative_threshold_is_refused() -> None:
    with pytest.raises(ValueError, match="min_dense_shared"):
        VerifyConfig(min_dense_shared=-1)


# --- the rare-pair rule --------------------------------------------------------------------


def _every_shared_pair(docs: dict[str, ScanDocument]) -> np.ndarray:
    """Every word pair the two documents share, taken here as the rare pairs the index found."""
    return np.intersect1d(word_pairs(docs["a"].text), word_pairs(docs["b"].text))


def test_a_candidate_whose_rare_pairs_are_scattered_is_decided_without_comparing() -> None:
    docs = _documents()
    candidate = CandidatePair("a", "b", (RARE_PAIRS,), 0.0, 0)
    rare = _every_shared_pair(docs)
    assert len(rare) >= 5 and densest_rare(word_pairs(docs["a"].text), word_pairs(docs["b"].text), rare) < 3
    verdict = PairVerifier(docs).verify(candidate, rare_pairs=rare)
    assert verdict.skipped == SCATTERED_RARE and verdict.relation is Relation.UNRELATED and verdict.pair is None
    # Without its rare pairs, or with the rule off, the engine compares it, and finds nothing either.
    assert PairVerifier(docs).verify(candidate).compared
    full = PairVerifier(docs, VerifyConfig(min_dense_rare_pairs=0)).verify(candidate, rare_pairs=rare)
    assert full.compared and full.pair is None
    assert PairVerifier(docs, VerifyConfig(compare_all=True)).verify(candidate, rare_pairs=rare).compared


def test_a_copied_passage_keeps_its_rare_pairs_together_and_is_compared() -> None:
    docs = {
        "a": ScanDocument("a", _text(_FILLER_A, [_PASSAGE * 3]), language="en"),
        "b": ScanDocument("b", _text(_FILLER_B, [_PASSAGE * 3]), language="en"),
    }
    verdict = PairVerifier(docs).verify(
        CandidatePair("a", "b", (RARE_PAIRS,), 0.0, 0), rare_pairs=_every_shared_pair(docs)
    )
    assert verdict.compared and verdict.pair is not None


def test_the_rare_rule_leaves_other_languages_and_other_sources_to_the_engine() -> None:
    rare_only = CandidatePair("a", "b", (RARE_PAIRS,), 0.0, 0)
    rare = _every_shared_pair(_documents())
    assert PairVerifier(_documents(language="de")).verify(rare_only, rare_pairs=rare).compared
    also_ngrams = dataclasses.replace(rare_only, sources=(RARE_NGRAMS, RARE_PAIRS))
    assert PairVerifier(_documents()).verify(also_ngrams, rare_pairs=rare).compared


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.integers(0, 6), min_size=0, max_size=60),
    st.lists(st.integers(0, 6), min_size=0, max_size=60),
    st.sets(st.integers(0, 6)),
    st.integers(1, 12),
)
def test_densest_rare_counts_as_every_window_would(a: list[int], b: list[int], rare: set[int], window: int) -> None:
    a_keys, b_keys = np.array(a, dtype=np.uint64), np.array(b, dtype=np.uint64)
    keys = np.array(sorted(rare), dtype=np.uint64)

    def densest(side: list[int]) -> int:
        hits = [i for i, key in enumerate(side) if key in rare]
        return max((sum(start <= h < start + window for h in hits) for start in hits), default=0)

    expected = min(densest(a), densest(b)) if rare else 0
    assert densest_rare(a_keys, b_keys, keys, window) == expected


def test_shared_rare_pairs_counts_documents_as_the_index_does(scanned) -> None:  # noqa: ANN001 - the conftest fixture
    """Every pair of the scanned collection, taken as rare-pair-only, against a count in Python sets."""
    import pyarrow.dataset as ds

    from copytrail.scan import FingerprintConfig
    from copytrail.scan.records import from_json_dict

    out = scanned.out_dir
    rows = ds.dataset(out / "fingerprints", format="parquet").to_table(columns=["id", "word_pairs"]).to_pylist()
    keys = {r["id"]: set(r["word_pairs"]) - {0} for r in rows}
    found = [from_json_dict(CandidatePair, json.loads(line)) for line in (out / "candidates.jsonl").open()]
    copies = {c.id_b for c in found if EXACT in c.sources}
    assert copies, "the collection plants an exact copy: its keys must not be counted"
    max_docs = FingerprintConfig().pair_max_docs
    carriers: dict[int, int] = {}
    for doc_id, held in keys.items():
        if doc_id not in copies:
            for key in held:
                carriers[key] = carriers.get(key, 0) + 1
    ids = sorted(keys)
    pairs = [CandidatePair(a, b, (RARE_PAIRS,), 0.0, 0) for i, a in enumerate(ids) for b in ids[i + 1 :]]
    exact = [c for c in found if EXACT in c.sources]
    got = shared_rare_pairs(out / "fingerprints", pairs + exact, max_docs)
    assert set(got) == {(p.id_a, p.id_b) for p in pairs}
    for (a, b), rare in got.items():
        expected = {k for k in keys[a] & keys[b] if 2 <= carriers.get(k, 0) <= max_docs}
        assert set(rare.view(np.int64).tolist()) == expected, (a, b)
    # The index proposed every rare-pair candidate for sharing at least pair_min_shared of them.
    for c in found:
        if c.sources == (RARE_PAIRS,):
            assert len(got[(c.id_a, c.id_b)]) >= FingerprintConfig().pair_min_shared
