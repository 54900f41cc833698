"""Acceptance for explanations: the Kherson pair (../shared/examples/kherson/EXPECTED.md).

A is 000 (the machine-translated rewrite), B is 001 (the NPR original).
"""

from __future__ import annotations

import pytest

from copytrail import ChangeKind, CompareReport, Original

# (words from 000's quote, words from 001's quote, a word the speaker must contain)
ALTERED_QUOTES = [
    ("There must be a mutual recognition", "There has to be a mutual recognition", "Milley"),
    ("is not going to say [Ukraine]", "not going to tell [Ukraine]", "Biden"),
    ("there will be a judgment call", "there'll be a judgment made", "Biden"),
    ("We have offered negotiations many times", "We have proposed negotiations numerous times", "president"),
    ("taking into account the realities", "taking into consideration the realities", "Zakharova"),
]
UNCHANGED_QUOTES = [
    "opportunity to negotiate, when peace can be achieved",
    "some real problems with the Russian military",
    "We will negotiate with the next Russian president",
]


def _changes(report: CompareReport, kind: ChangeKind):
    return [c for c in report.explanation.changes if c.kind is kind]


def test_altered_quotes_are_reported_with_their_speakers(kherson_report: CompareReport) -> None:
    altered = _changes(kherson_report, ChangeKind.ALTERED_QUOTE)
    found = [
        (a, b, speaker)
        for a, b, speaker in ALTERED_QUOTES
        if any(
            c.a_text and a in c.a_text and c.b_text and b in c.b_text and c.speaker and speaker in c.speaker
            for c in altered
        )
    ]
    assert len(found) >= 4, [c.a_text for c in altered]


@pytest.mark.parametrize("words", UNCHANGED_QUOTES)
def test_unchanged_quotes_are_not_reported_as_altered(kherson_report: CompareReport, words: str) -> None:
    for change in _changes(kherson_report, ChangeKind.ALTERED_QUOTE):
        assert words not in (change.a_text or "") and words not in (change.b_text or "")


def test_the_village_count_change_is_reported(kherson_report: CompareReport) -> None:
    numbers = [(c.a_text, c.b_text) for c in _changes(kherson_report, ChangeKind.NUMBER)]
    assert ("a dozen", "more than 40") in numbers


def test_is_withdrawing_versus_has_withdrawn_is_reported(kherson_report: CompareReport) -> None:
    verbs = [(c.a_text, c.b_text) for c in _changes(kherson_report, ChangeKind.VERB_FORM)]
    assert ("is withdrawing", "has withdrawn") in verbs


def test_change_offsets_point_at_their_text(kherson_report: CompareReport) -> None:
    for change in kherson_report.explanation.changes:
        if change.a is not None:
            assert kherson_report.a.text[change.a.start : change.a.end] == change.a_text
        if change.b is not None:
            assert kherson_report.b.text[change.b.start : change.b.end] == change.b_text


@pytest.mark.parametrize(
    ("side", "phrase"),
    [
        ("a", "Russian media reported on Thursday"),
        ("a", "Russia had about 20,000-30,000 troops"),
        ("a", "Meanwhile, Zelenskyy urged Ukrainians to be patient"),
        ("b", "when the fighting is expected to slow"),
        ("b", "wary of any possible Russian traps"),
        ("b", "On social media, meanwhile, many Ukrainians were already celebrating"),
        ("b", "playing a violin"),
        ("b", "Ukrainian flag raised"),
    ],
)
def test_only_in_passages_are_listed(kherson_report: CompareReport, side: str, phrase: str) -> None:
    doc = kherson_report.a if side == "a" else kherson_report.b
    gists = kherson_report.explanation.only_in_a if side == "a" else kherson_report.explanation.only_in_b
    assert any(phrase in doc.text[g.span.start : g.span.end] for g in gists)
    assert all(g.gist for g in gists)


def test_the_npr_story_is_named_the_likely_original_with_evidence(kherson_report: CompareReport) -> None:
    provenance = kherson_report.explanation.provenance
    assert provenance.original is Original.B
    assert provenance.confidence >= 0.5
    kinds = {e.kind for e in provenance.evidence if e.favours is Original.B}
    assert {"credit", "translation"} <= kinds
