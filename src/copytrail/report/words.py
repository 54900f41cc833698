"""The words every report uses for relations and change kinds (no rendering dependency)."""

from __future__ import annotations

from copytrail.lang import language_name
from copytrail.records import ChangeKind, CompareReport, Relation

RELATION_WORDS = {
    Relation.DUPLICATE: "duplicate: the same text",
    Relation.NEAR_DUPLICATE: "near-duplicate: one is a lightly edited copy of the other",
    Relation.REWRITE: "rewrite: one is a paraphrased or translated copy of the other",
    Relation.PARTIAL_REUSE: "partial reuse: some passages are taken from the other",
    Relation.SAME_STORY: "same story, written independently",
    Relation.UNRELATED: "unrelated",
    Relation.NOT_COVERED: "not covered: no installed model reads both languages, so reuse cannot be told",
}
CHANGE_TITLES = {
    ChangeKind.ALTERED_QUOTE: "altered quote",
    ChangeKind.NUMBER: "number",
    ChangeKind.DATE: "date",
    ChangeKind.NAME: "name",
    ChangeKind.NEGATION: "negation",
    ChangeKind.VERB_FORM: "verb form",
}

_REUSE = (Relation.DUPLICATE, Relation.NEAR_DUPLICATE, Relation.REWRITE, Relation.PARTIAL_REUSE)


def language_line(report: CompareReport) -> str | None:
    """One line on the pair's languages: a translated copy names both; an uncovered pair says what to install."""
    pair = report.languages
    if pair is None:
        return None
    if pair.translated:
        line = f"A in {language_name(pair.a)}, B in {language_name(pair.b)}"
        if report.relation in _REUSE:
            line += ": a translated copy"
    else:
        line = (
            f"both in {language_name(pair.a)}"
            if pair.a == pair.b
            else (f"A in {language_name(pair.a)}, B in {language_name(pair.b)}")
        )
    return line if pair.covered else f"{line}\n{pair.note}"
