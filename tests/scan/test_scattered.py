"""Rare-pair candidates whose shared word pairs are scattered can be called unrelated without comparing (issue 12).

The rule is off by default (it lost a true PAN13 pair on an independent check); these tests turn it on.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from copytrail.records import Relation
from copytrail.scan import CandidatePair, ScanDocument, VerifyConfig
from copytrail.scan.candidates import RARE_NGRAMS, RARE_PAIRS
from copytrail.scan.scattered import content_word_pairs, densest_shared
from copytrail.scan.verify import PairVerifier

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
    # Compared in full (the default: the rule is off), the engine says the same.
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
