"""``original_of`` names the same original as the whole explanation, without finding every change (issue 12).

A scan names the likely original of every pair it keeps and shows what changed only on its
report pages; the provenance must not depend on which of the two ran.
"""

from __future__ import annotations

import dataclasses

import copytrail
from copytrail.explain import explain, find_changes, original_of
from copytrail.records import ChangeKind
from tests.conftest import bbc_article

_TENSE_EDITS = (
    ("said", "is saying"),
    ("were", "are"),
    (" has ", " is having "),
    ("rose", "is rising"),
    (" fell ", " is falling "),
    ("\u201c", '"'),
)


def _edited(text: str, edits: tuple[tuple[str, str], ...]) -> str:
    for old, new in edits:
        text = text.replace(old, new, 2)
    return text


def _pairs() -> list[copytrail.CompareReport]:
    config = copytrail.CompareConfig(embedder="none", explain=False)
    reports = []
    for category, number in (("business", "001"), ("business", "012"), ("politics", "006"), ("sport", "004")):
        text = bbc_article(category, number).read_text(encoding="latin-1")
        for a_text, b_text in ((text, _edited(text, _TENSE_EDITS)), (_edited(text, _TENSE_EDITS[:3]), text)):
            reports.append(
                copytrail.compare(
                    copytrail.load_bytes(a_text.encode(), name="a.txt"),
                    copytrail.load_bytes(b_text.encode(), name="b.txt"),
                    config=config,
                )
            )
    return reports


def test_original_of_is_the_whole_explanations_provenance(kherson_report) -> None:  # noqa: ANN001
    reports = [dataclasses.replace(kherson_report, explanation=None), *_pairs()]
    verb_forms = 0
    for report in reports:
        whole = explain(report)
        only = find_changes(report, verb_forms_only=True)
        assert only == tuple(c for c in whole.changes if c.kind is ChangeKind.VERB_FORM)
        assert original_of(report) == whole.provenance
        verb_forms += len(only)
    assert verb_forms >= 5  # the pairs do carry the changes provenance reads


def test_a_translated_pair_reads_no_changes(kherson_report) -> None:  # noqa: ANN001
    # Taken as a translation, a pair is explained on numbers and years only: no verb forms.
    translated = dataclasses.replace(
        kherson_report, explanation=None, languages=dataclasses.replace(kherson_report.languages, translated=True)
    )
    whole = explain(translated)
    assert not any(c.kind is ChangeKind.VERB_FORM for c in whole.changes)
    assert original_of(translated) == whole.provenance
