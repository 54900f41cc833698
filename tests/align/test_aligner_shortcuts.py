"""The aligner's shortcuts give what the plain computations they replace give.

Sentences' word sets are matched against all of a document's sentences at once, and stem
sets and normalised texts are cached across the pairs a document is in; none of this
may change an alignment.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from rapidfuzz import fuzz

from copytrail.align import sentences
from copytrail.align.sentences import (
    CONTAINED_MAX_CHARS,
    CONTAINED_MIN_LENGTH_RATIO,
    CONTAINED_MIN_SHARED_WORDS,
    CONTAINING_MAX_CHARS,
    _containment_scores,
    _SentenceTexts,
    _StemIndex,
    stem_set,
)
from copytrail.normalize import match_words, normalise_for_match, scripts
from tests.strategies import WORDS

sentence = st.lists(st.sampled_from([*WORDS, "政府", "今天", "决定"]), min_size=1, max_size=25).map(" ".join)


def _plain_containment(short: str, texts: list[str], candidates: list[int]) -> list[tuple[float, int]]:
    """The loop the aligner ran before: every candidate's words intersected one by one."""
    words = set(match_words(short))
    scored = []
    for m in candidates:
        other = texts[m]
        shared = len(words & set(match_words(other)))
        if len(short) > CONTAINED_MAX_CHARS or len(other) > CONTAINING_MAX_CHARS:
            continue
        if len(other) >= CONTAINED_MIN_LENGTH_RATIO * len(short) and shared >= CONTAINED_MIN_SHARED_WORDS * len(words):
            scored.append((fuzz.partial_ratio(short, other) / 100.0, m))
    scored.sort(key=lambda item: -item[0])
    return scored


@given(st.lists(sentence, min_size=1, max_size=12), sentence, st.randoms(use_true_random=False))
def test_containment_scores_match_the_plain_loop(raw: list[str], short_raw: str, rng) -> None:  # noqa: ANN001
    long = _SentenceTexts(tuple(raw))
    texts = [normalise_for_match(t) for t in raw]
    short = normalise_for_match(short_raw)
    words = set(match_words(short))
    counts = long.shared_words(words)
    assert counts.tolist() == [len(words & set(match_words(t))) for t in texts]
    assert _containment_scores(short, long, None) == _plain_containment(short, texts, list(range(len(texts))))
    allowed = rng.sample(range(len(texts)), rng.randint(0, len(texts)))  # windowed: some cells, in any order
    assert _containment_scores(short, long, allowed) == _plain_containment(short, texts, allowed)


def test_run_on_segments_are_not_searched_for_contained_sentences(monkeypatch) -> None:  # noqa: ANN001
    """Thousands of characters without a sentence end are no sentence: partial_ratio there costs seconds (issue 12)."""
    searched: list[tuple[int, int]] = []
    real = fuzz.partial_ratio

    def spy(short: str, long: str, **kwargs) -> float:  # noqa: ANN003
        searched.append((len(short), len(long)))
        return real(short, long, **kwargs)

    monkeypatch.setattr(sentences.fuzz, "partial_ratio", spy)
    words = " ".join(WORDS)
    sentence = normalise_for_match(words[:300])
    run_on = normalise_for_match((words + " ") * (1 + (CONTAINED_MAX_CHARS + 200) // len(words)))
    merged = normalise_for_match(f"{words[:150]} {sentence} {words[-150:]}")
    huge = normalise_for_match(f"{(words + ' ') * (1 + CONTAINING_MAX_CHARS // len(words))} {sentence}")
    long = _SentenceTexts((merged, huge, run_on + " and then some more words"))
    assert len(run_on) > CONTAINED_MAX_CHARS and len(huge) > CONTAINING_MAX_CHARS
    assert _containment_scores(run_on, long, None, 0.85) == []  # the run-on is searched for nowhere
    assert searched == []
    found = {m for score, m in _containment_scores(sentence, long, None, 0.85) if score >= 0.85}
    assert 0 in found and 1 not in found  # in the merged sentence; the huge segment is not searched
    assert searched and all(length <= CONTAINING_MAX_CHARS for _, length in searched)


def test_stem_sets_follow_the_word_segmenter(monkeypatch) -> None:  # noqa: ANN001
    """The cache is keyed by the segmenter, which bench/monolingual.py swaps: no stale sets."""
    text = "政府今天决定 withdrawing troops"
    by_character = stem_set(text)
    assert {"withd", "troop", "政府", "府今"} <= by_character  # character bigrams stand in for stems
    monkeypatch.setattr(scripts, "_segmenter", lambda run: [run])  # the whole run as one word
    whole_run = stem_set(text)
    assert {"withd", "troop", "政府今天决"} <= whole_run and "府今" not in whole_run  # one word, cut to 5
    monkeypatch.setattr(scripts, "_segmenter", None)
    assert stem_set(text) == by_character
    assert sentences._stem_set.cache_info().hits >= 1


@given(st.lists(sentence, min_size=1, max_size=12), sentence)
def test_stem_index_counts_shared_stems_as_set_intersections(raw: list[str], other: str) -> None:
    index = _StemIndex(tuple(raw))
    stems = stem_set(other)
    assert index.shared_stems(stems).tolist() == [len(stems & stem_set(t)) for t in raw]
    assert index.stems == [stem_set(t) for t in raw]


@given(st.lists(sentence, min_size=1, max_size=12), st.lists(sentence, min_size=0, max_size=8))
def test_stem_index_matrix_is_its_rows(raw: list[str], others: list[str]) -> None:
    """All rows' shared stems at once (the shuffled pass) are each row's own count."""
    index = _StemIndex(tuple(raw))
    stem_sets = [stem_set(other) for other in others]
    matrix = index.shared_stems_matrix(stem_sets)
    assert matrix.shape == (len(others), len(raw))
    for row, stems in zip(matrix.tolist(), stem_sets):
        assert row == index.shared_stems(stems).tolist()
        assert row == [len(stems & stem_set(t)) for t in raw]


@given(st.lists(sentence, min_size=1, max_size=10), st.lists(sentence, min_size=1, max_size=10))
def test_containment_prefilter_keeps_every_sentence_that_gets_a_score(raw_a: list[str], raw_b: list[str]) -> None:
    """A loose sentence left out before partial_ratio is one ``_containment_scores`` scores nowhere."""
    texts_a, texts_b = _SentenceTexts(tuple(raw_a)), _SentenceTexts(tuple(raw_b))
    shared = sentences._shared_words(texts_a, texts_b)
    loose = [(k, 100 + k) for k in range(len(raw_a))]
    kept = sentences._may_be_contained(loose, texts_a, texts_b, shared)
    for k, _ in loose:
        scores = _containment_scores(texts_a.text(k), texts_b, None, 0.0, shared[k])
        assert ((k, 100 + k) in kept) == bool(scores)
    kept_b = sentences._may_be_contained([(k, k) for k in range(len(raw_b))], texts_b, texts_a, shared.T)
    for k in range(len(raw_b)):
        assert ((k, k) in kept_b) == bool(_containment_scores(texts_b.text(k), texts_a, None, 0.0, shared[:, k]))


@given(
    st.lists(st.sampled_from([0.0, 0.25, 0.44, 0.45, 0.8, 0.81, 1.0]) | st.floats(0.0, 1.0), max_size=60),
    st.sampled_from([0.0, 0.45, 0.8, 1.0]),
)
def test_descending_from_is_the_loop_over_a_full_stable_argsort(values: list[float], floor: float) -> None:
    """The cells the anchor and score loops visit, in the order they visited them (ties in index order).

    Char ratios are float32 and classifier scores float64; each is compared with the floor in its own type.
    """
    for dtype in (np.float32, np.float64):
        array = np.array(values, dtype=dtype)
        visited = []
        for k in np.argsort(-array, kind="stable"):
            if array[k] < floor:
                break
            visited.append(int(k))
        assert sentences._descending_from(array, floor) == visited
