"""The aligner's cheap decisions (issue 12) change no alignment.

``features.may_reach`` rules out sentence pairs the pair classifier would score too low, and
the aligner's rapidfuzz cutoffs report ratios no decision reads as 0. Each is checked against
the computation it replaces: the classifier's own probability, rapidfuzz without a cutoff, and
whole comparisons of real article pairs with both shortcuts turned off.
"""

from __future__ import annotations

import dataclasses
import random
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz, process

from copytrail import CompareConfig, load_bytes
from copytrail.align import bounds, features, sentences
from copytrail.align.features import (
    FEATURE_NAMES,
    RATIO_ROUNDING,
    PairClassifier,
    char_ratio,
    default_classifier,
    may_reach,
    pair_features,
)
from copytrail.align.sentences import AlignConfig, ratio_cutoff
from copytrail.compare import compare_documents
from copytrail.lang import identify_languages
from copytrail.normalize import match_words, normalise_for_match, prepare_document
from copytrail.records import Relation
from tests.conftest import bbc_article
from tests.strategies import WORDS

sentence = st.lists(st.sampled_from([*WORDS, "not", "12", "3.5", "2024"]), min_size=1, max_size=30).map(" ".join)


def _sentences(*articles: tuple[str, str]) -> list[str]:
    text = "\n".join(bbc_article(c, n).read_text(encoding="utf-8") for c, n in articles)
    return [s for s in re.split(r"(?<=[.!?])\s+|\n+", text) if len(s.split()) >= 3]


def _edited(text: str, rng: random.Random) -> str:
    """A sentence with some words dropped, swapped or replaced: scores spread over the threshold."""
    words = text.split()
    for _ in range(rng.randint(0, max(len(words) // 2, 1))):
        k = rng.randrange(len(words))
        move = rng.random()
        if move < 0.4 and len(words) > 3:
            del words[k]
        elif move < 0.7:
            j = rng.randrange(len(words))
            words[k], words[j] = words[j], words[k]
        else:
            words[k] = rng.choice(WORDS)
    return " ".join(words)


def _probability(a: str, b: str, cosine: float, classifier: PairClassifier) -> float:
    return float(classifier.probability(pair_features(a, b, cosine))[0])


def _ratio_high(a: str, b: str) -> float:
    """What the aligner passes: cdist's ratio, rounded to whole percent, plus the rounding slack."""
    return round(char_ratio(a, b) * 100) / 100 + RATIO_ROUNDING


def test_the_bound_never_rules_out_a_pair_the_classifier_accepts() -> None:
    """Real BBC sentences against their edits and against other articles' sentences."""
    rng = random.Random(12)
    pool = _sentences(("business", "001"), ("business", "002"), ("politics", "001"), ("sport", "001"))
    classifier = default_classifier()
    ruled_out = accepted = 0
    for _ in range(1500):
        a = rng.choice(pool)
        b = _edited(a, rng) if rng.random() < 0.6 else rng.choice(pool)
        cosine = rng.choice([0.0, 0.0, rng.uniform(0.0, 1.0)])
        for floor in (0.25, 0.425, 0.9):
            reach = may_reach(a, b, _ratio_high(a, b), cosine, classifier, floor)
            probability = _probability(a, b, cosine, classifier)
            if not reach:
                ruled_out += 1
                assert probability < floor, (a, b, cosine, floor, probability)
            accepted += probability >= floor
    # Not vacuous: it rules out most pairs, and pairs above the floor were among those tried.
    assert ruled_out > 1500 and accepted > 300


@settings(max_examples=200, deadline=None)
@given(sentence, sentence, st.floats(0.0, 1.0), st.floats(0.05, 0.95), st.randoms(use_true_random=False))
def test_the_bound_holds_for_any_weights(a: str, b: str, cosine: float, floor: float, rng) -> None:  # noqa: ANN001
    """Each estimated feature enters at the end its coefficient's sign prefers, so any refit keeps it sound."""
    shipped = default_classifier()
    classifier = dataclasses.replace(
        shipped,
        weights=tuple(rng.uniform(-2.0, 2.0) for _ in FEATURE_NAMES),
        intercept=rng.uniform(-3.0, 3.0),
    )
    if not may_reach(a, b, _ratio_high(a, b), cosine, classifier, floor):
        assert _probability(a, b, cosine, classifier) < floor


def test_bound_edge_cases() -> None:
    classifier = default_classifier()
    same = "The central bank raised interest rates by half a point on Tuesday."
    other = "Heavy rain flooded the village football pitch overnight."
    assert may_reach(same, same, 1.0, 0.0, classifier, 0.425)  # a verbatim copy is never ruled out
    assert not may_reach(same, other, _ratio_high(same, other), 0.0, classifier, 0.425)
    assert may_reach(same, other, 0.0, 0.0, classifier, 0.0)  # every score reaches 0
    assert not may_reach(same, same, 1.0, 1.0, classifier, 1.0)  # none reaches 1
    # Numbers and negation only lower the score; one-word and number-only sentences still hold.
    for a, b in [("12", "12"), ("not", "no"), ("3.5 12", "12 3.5"), ("rates", "rates rose")]:
        for floor in (0.25, 0.425):
            if not may_reach(a, b, _ratio_high(a, b), 0.0, classifier, floor):
                assert _probability(a, b, 0.0, classifier) < floor


def test_coefficients_name_every_feature() -> None:
    fields = features._Coefficients._fields
    assert fields[0] == "constant" and set(fields[1:]) == set(FEATURE_NAMES) and len(fields) == 1 + len(FEATURE_NAMES)
    form = features._linear_form(default_classifier())
    x = pair_features("Rates rose on Tuesday.", "Rates rose sharply on Tuesday.", 0.3)
    direct = form.constant + sum(getattr(form, name) * value for name, value in zip(FEATURE_NAMES, x))
    z = float(np.log(1 / (1 / default_classifier().probability(x)[0] - 1)))
    assert direct == pytest.approx(z, abs=1e-9)


def test_ratio_cutoff_changes_no_ratio_a_decision_reads() -> None:
    """cdist with the cutoff gives the same whole percent wherever a threshold can look."""
    pool = [normalise_for_match(s) for s in _sentences(("business", "003"), ("tech", "002"), ("tech", "001"))]
    rng = random.Random(5)
    pool += [normalise_for_match(_edited(s, rng)) for s in pool]
    config = AlignConfig()
    plain = process.cdist(pool, pool, scorer=fuzz.ratio, dtype=np.uint8)
    cut = process.cdist(pool, pool, scorer=fuzz.ratio, dtype=np.uint8, score_cutoff=ratio_cutoff(config))
    lowest = 100 * min(config.candidate_ratio, config.anchor_ratio)
    read = plain >= lowest - 1e-9
    assert read.sum() > len(pool) and (~read).sum() > len(pool)  # both sides of the cutoff occur
    assert np.array_equal(plain[read], cut[read])
    assert (cut[~read] < lowest).all()


def _prepared(text: str, name: str):
    return identify_languages(prepare_document(load_bytes(text.encode("utf-8"), name=name)))


def _article(category: str, number: str) -> str:
    return bbc_article(category, number).read_text(encoding="utf-8")


def _pairs() -> list[tuple[str, str, str]]:
    """Real pairs of several kinds: copy, light and heavy edit, lifted passage, same topic, unrelated."""
    rng = random.Random(3)
    base = _article("business", "001")
    lines = base.split("\n")
    heavy = "\n".join(_edited(line, rng) if len(line.split()) > 6 else line for line in lines)
    light = "\n".join(_edited(line, random.Random(1)) if k % 3 == 0 else line for k, line in enumerate(lines))
    host = _article("politics", "003")
    lifted = host + "\n\n" + "\n".join(lines[2:6])
    return [
        ("duplicate", base, base),
        ("light edit", base, light),
        ("heavy edit", base, heavy),
        ("lifted passage", base, lifted),
        ("same section", base, _article("business", "002")),
        ("unrelated", base, _article("sport", "001")),
    ]


@pytest.mark.parametrize(("kind", "text_a", "text_b"), _pairs(), ids=[k for k, _, _ in _pairs()])
def test_whole_comparisons_are_unchanged(kind: str, text_a: str, text_b: str, monkeypatch) -> None:  # noqa: ANN001
    """The same report, passage for passage and score for score, with the shortcuts and without."""
    a, b = _prepared(text_a, "a"), _prepared(text_b, "b")
    config = CompareConfig(embedder="none")
    fast = compare_documents(a, b, embedder=None, config=config)
    monkeypatch.setattr(sentences, "may_reach", lambda *args: True)
    monkeypatch.setattr(sentences, "may_reach_many", lambda a, b, rows, *args: np.ones(len(rows), dtype=bool))
    monkeypatch.setattr(sentences, "ratio_cutoff", lambda config: 0.0)
    monkeypatch.setattr(sentences, "_containment_scores", _uncut_containment_scores)
    monkeypatch.setattr(sentences, "_may_be_contained", lambda loose, *args: loose)
    full = compare_documents(a, b, embedder=None, config=config)
    assert fast.relation is full.relation
    assert fast.relation_score == full.relation_score and fast.coverage == full.coverage
    assert fast.passages == full.passages
    assert fast.unaligned_a == full.unaligned_a and fast.unaligned_b == full.unaligned_b
    assert fast.explanation == full.explanation
    if kind == "unrelated":
        assert fast.relation is Relation.UNRELATED
    if kind in ("duplicate", "light edit"):
        assert fast.relation in (Relation.DUPLICATE, Relation.NEAR_DUPLICATE)


_containment_with_cutoff = sentences._containment_scores


def _uncut_containment_scores(short, long, candidates, needed=0.0, shared=None):  # noqa: ANN001, ANN202
    """Without the cutoff, and with the words counted by the per-document index."""
    return _containment_with_cutoff(short, long, candidates, 0.0, None)


@settings(max_examples=100, deadline=None)
@given(st.lists(sentence, min_size=1, max_size=10), st.lists(sentence, min_size=1, max_size=10))
def test_shared_words_count_each_pairs_common_words(raw_a: list[str], raw_b: list[str]) -> None:
    """The C count (LCS of sorted distinct words) equals the set intersection the word index gave."""
    texts_a, texts_b = sentences._SentenceTexts(tuple(raw_a)), sentences._SentenceTexts(tuple(raw_b))
    shared = sentences._shared_words(texts_a, texts_b)
    for k, text in enumerate(raw_a):
        words = set(match_words(normalise_for_match(text)))
        assert shared[k].tolist() == texts_b.shared_words(words).tolist()


def _first_two_steps(*args: object) -> bool:
    """``may_reach(*args)`` with ``token_set_ratio`` at the end of its range its weight prefers: its first two steps."""
    best = 100.0 if features._linear_form(args[4]).token_set_ratio > 0 else 0.0
    saved = features.fuzz.token_set_ratio
    features.fuzz.token_set_ratio = lambda *_, **__: best
    try:
        return may_reach(*args)
    finally:
        features.fuzz.token_set_ratio = saved


def _many_against_one(texts_a: list[str], texts_b: list[str], classifier: PairClassifier, rng: random.Random) -> int:
    """Every cell of two sentence lists through ``may_reach_many`` and through ``may_reach``; the cells ruled out."""
    rows, cols = (x.ravel() for x in np.divmod(np.arange(len(texts_a) * len(texts_b)), len(texts_b)))
    ratio_high = np.array([_ratio_high(texts_a[r], texts_b[c]) for r, c in zip(rows.tolist(), cols.tolist())])
    cosine = np.array([rng.choice([0.0, rng.uniform(0.0, 1.0)]) for _ in rows])
    arrays_a, arrays_b = bounds.SentenceArrays(tuple(texts_a)), bounds.SentenceArrays(tuple(texts_b))
    ruled_out = 0
    for floor in (0.25, 0.425, 0.9):
        many = bounds.may_reach_many(arrays_a, arrays_b, rows, cols, ratio_high, cosine, classifier, floor)
        for k, (r, c) in enumerate(zip(rows.tolist(), cols.tolist())):
            args = (texts_a[r], texts_b[c], float(ratio_high[k]), float(cosine[k]), classifier, floor)
            # The same first two steps; where they leave a cell open, may_reach alone decides it.
            assert bool(many[k]) == _first_two_steps(*args), (args, many[k])
            if not many[k]:
                assert not may_reach(*args)
                ruled_out += 1
    return ruled_out


def test_many_cells_at_once_take_may_reachs_first_two_steps() -> None:
    """Real BBC sentences against their edits and other articles', numbers and negations included."""
    rng = random.Random(21)
    pool = _sentences(("business", "001"), ("business", "002"), ("politics", "001"), ("sport", "001"))
    texts_a = rng.sample(pool, 30) + ["12", "not", "3.5 12", "The rates did not rise."]
    texts_b = [_edited(t, rng) if rng.random() < 0.5 else rng.choice(pool) for t in texts_a[:25]] + ["12 3.5", "no"]
    assert _many_against_one(texts_a, texts_b, default_classifier(), rng) > len(texts_a) * len(texts_b)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(sentence, min_size=1, max_size=6),
    st.lists(sentence, min_size=1, max_size=6),
    st.randoms(use_true_random=False),
)
def test_many_cells_at_once_hold_for_any_weights(texts_a: list[str], texts_b: list[str], rng) -> None:  # noqa: ANN001
    classifier = dataclasses.replace(
        default_classifier(),
        weights=tuple(rng.uniform(-2.0, 2.0) for _ in FEATURE_NAMES),
        intercept=rng.uniform(-3.0, 3.0),
    )
    _many_against_one(texts_a, texts_b, classifier, rng)


def test_many_cells_without_the_membership_table(monkeypatch) -> None:  # noqa: ANN001
    """Past the table size, the same answers by binary search over the (sentence, item) keys."""
    rng = random.Random(4)
    pool = _sentences(("business", "003"), ("tech", "001"))
    texts_a, texts_b = tuple(pool[:20]), tuple(_edited(t, rng) for t in pool[5:25])
    rows, cols = (x.ravel() for x in np.divmod(np.arange(len(texts_a) * len(texts_b)), len(texts_b)))
    ratio_high = np.array([_ratio_high(texts_a[r], texts_b[c]) for r, c in zip(rows.tolist(), cols.tolist())])
    args = (rows, cols, ratio_high, np.zeros(len(rows)), default_classifier(), 0.25)
    arrays_a, arrays_b = bounds.SentenceArrays(texts_a), bounds.SentenceArrays(texts_b)
    with_table = bounds.may_reach_many(arrays_a, arrays_b, *args)
    monkeypatch.setattr(bounds, "_TABLE_MAX_CELLS", 0)
    assert np.array_equal(bounds.may_reach_many(arrays_a, arrays_b, *args), with_table)
    assert with_table.any() and not with_table.all()


def test_aligner_uses_the_many_cell_bound_on_long_pairs(monkeypatch) -> None:  # noqa: ANN001
    """Two unrelated articles have enough cells to bound at once, and come out the same with it as without."""
    a, b = _prepared(_article("business", "001"), "a"), _prepared(_article("sport", "001"), "b")
    config = CompareConfig(embedder="none")
    calls = []
    many = sentences.may_reach_many
    monkeypatch.setattr(sentences, "MANY_BOUND_MIN_CELLS", 1)
    monkeypatch.setattr(bounds, "CELLS_PER_NEW_SENTENCE", 0)
    monkeypatch.setattr(sentences, "may_reach_many", lambda *args: calls.append(len(args[2])) or many(*args))
    fast = compare_documents(a, b, embedder=None, config=config)
    assert calls and sum(calls) > 0
    monkeypatch.setattr(sentences, "MANY_BOUND_MIN_CELLS", 10**12)
    plain = compare_documents(a, b, embedder=None, config=config)
    assert dataclasses.replace(fast, timings=None) == dataclasses.replace(plain, timings=None)


def test_arrays_are_built_for_a_document_met_again_or_a_pair_with_cells_enough() -> None:
    bounds.clear_cache()
    one, two, three = ("a b c",) * 10, ("d e f",) * 10, ("g h i",) * 10
    per = bounds.CELLS_PER_NEW_SENTENCE
    assert not bounds.worth_arrays(one, two, per * 20 - 1)  # both new: 20 sentences to build
    assert bounds.worth_arrays(one, three, per * 10)  # one met before: only three's 10 count
    assert bounds.worth_arrays(one, two, 1)  # both met before
    bounds.clear_cache()
    assert bounds.worth_arrays(one, two, per * 20)


def test_the_arrays_cache_keeps_its_byte_budget_by_dropping_the_least_recent(monkeypatch: pytest.MonkeyPatch) -> None:
    bounds.clear_cache()
    documents = [tuple(f"word{k} other{k} sentence number {i}" for i in range(20)) for k in range(6)]
    size = bounds.SentenceArrays(documents[0]).nbytes
    monkeypatch.setattr(bounds, "_CACHE_BYTES", int(size * 3.5))
    for texts in documents:
        bounds.sentence_arrays(texts)
    bounds.sentence_arrays(documents[3])  # used again: now the most recent
    bounds.sentence_arrays(documents[0])  # built again, so one more goes
    kept = [texts for texts, _segmenter in bounds._cache]
    assert kept == [documents[5], documents[3], documents[0]]
    assert bounds._held == sum(arrays.nbytes for arrays in bounds._cache.values()) <= bounds._CACHE_BYTES
    big = tuple(f"long {i} " * 400 for i in range(40))
    bounds.sentence_arrays(big)  # over the budget alone: kept, as the only entry
    assert [texts for texts, _segmenter in bounds._cache] == [big]
    assert bounds._held == bounds._cache[next(iter(bounds._cache))].nbytes
    bounds.clear_cache()
    assert bounds._held == 0


def _merged_by_sorting(own: np.ndarray, other: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
    """``bounds._merged`` as first written: both vocabularies sorted together."""
    union, inverse, counts = np.unique(np.concatenate((own, other)), return_inverse=True, return_counts=True)
    in_both = counts == 2
    number = np.where(in_both, np.cumsum(in_both) - 1, -1)[inverse.ravel()]
    return number[: len(own)], number[len(own) :], int(in_both.sum())


_words = st.sets(st.text(alphabet="abzé中", max_size=3))  # never NUL, which numpy's strings drop
_hashes = st.sets(st.integers(-3, 3) | st.integers(-(1 << 63), (1 << 63) - 1))  # small ones: some shared


@settings(max_examples=200, deadline=None)
@given(st.tuples(_words, _words) | st.tuples(_hashes, _hashes))
def test_merged_vocabularies_number_the_shared_items_as_sorting_both_did(vocabularies: tuple[set, set]) -> None:
    """Binary search of one sorted vocabulary in the other numbers the items both have as np.unique did."""
    own, other = vocabularies
    dtype = np.int64 if any(isinstance(item, int) for item in own | other) else str
    x, y = (np.array(sorted(v), dtype=dtype) if v else np.array([], dtype=dtype) for v in (own, other))
    got, want = bounds._merged(x, y), _merged_by_sorting(x, y)
    assert np.array_equal(got[0], want[0]) and np.array_equal(got[1], want[1]) and got[2] == want[2]


@settings(max_examples=100, deadline=None)
@given(
    st.lists(sentence, min_size=1, max_size=6), st.lists(sentence | st.just("Café 東京 3.5"), min_size=1, max_size=6)
)
def test_merged_words_number_the_shared_words_as_sorting_both_did(texts_a: list[str], texts_b: list[str]) -> None:
    """Two documents' words (stems and numbers among them) found by set intersection, numbered as np.unique did."""
    a, b = bounds.SentenceArrays(tuple(texts_a)), bounds.SentenceArrays(tuple(texts_b))
    got, want = bounds._merged_words(a, b), _merged_by_sorting(a.words, b.words)
    assert np.array_equal(got[0], want[0]) and np.array_equal(got[1], want[1]) and got[2] == want[2]
    assert sorted(a.word_places.values()) == list(range(len(a.words)))
    assert all(a.words[place] == word for word, place in a.word_places.items())
