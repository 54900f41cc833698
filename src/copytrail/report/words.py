"""The words every report uses for relations and change kinds, and which words two sentences
differ in (no rendering dependency)."""

from __future__ import annotations

from difflib import SequenceMatcher
from functools import lru_cache

from copytrail.lang import language_name
from copytrail.normalize.scripts import DIFF_TOKEN
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


def word_diff(a: str, b: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """The character ranges of the words that differ, in ``a`` and in ``b``: what both reports mark."""
    if a == b:
        # Equal token lists match as one block: nothing to mark. Half the aligned sentences
        # of a scan's compare pages are copied word for word.
        return [], []
    words_a, spans_a = _diff_tokens(a)
    words_b, spans_b = _diff_tokens(b)
    out_a: list[tuple[int, int]] = []
    out_b: list[tuple[int, int]] = []
    if words_a == words_b:
        return out_a, out_b
    matcher = SequenceMatcher(None, words_a, words_b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        if i2 > i1:
            out_a.append((spans_a[i1][0], spans_a[i2 - 1][1]))
        if j2 > j1:
            out_b.append((spans_b[j1][0], spans_b[j2 - 1][1]))
    return out_a, out_b


@lru_cache(maxsize=1024)
def _diff_tokens(text: str) -> tuple[list[str], list[tuple[int, int]]]:
    """The diff's tokens of ``text`` (lower-cased) and their spans. Kept for a while: a page
    diffs each aligned sentence twice, once from each side."""
    matches = list(DIFF_TOKEN.finditer(text))
    return [m.group().lower() for m in matches], [m.span() for m in matches]
