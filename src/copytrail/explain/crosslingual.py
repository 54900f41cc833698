"""What changed between a sentence and its translation: numbers in digits and years.

Quotes, names, negations and verb forms are read in English words by
:mod:`copytrail.explain.changes`, and across two languages every one of them would
differ. What a translator keeps as written are numbers in digits and years, so those are
compared (separators resolved: "1,000" is "1.000" is "1 000"); a number or year only one
side gives is listed. Every other aligned pair is a WORDING change: "translated; same
numbers and dates".
"""

from __future__ import annotations

import re

from copytrail.align.crosslingual import number_keys
from copytrail.records import Change, ChangeKind, CompareReport, Segment, SentencePair, Span

_YEAR = re.compile(r"(?<!\d)(?:1[89]|20)\d\d(?!\d)")
_DIGITS = re.compile(r"\d+(?:[.,\u00a0\u202f ]\d+)*")


def _mentions(segment: Segment) -> tuple[dict[str, Span], dict[str, Span]]:
    """(years, other numbers) of a segment, keyed by value, with their first span."""
    years: dict[str, Span] = {}
    numbers: dict[str, Span] = {}
    for match in _DIGITS.finditer(segment.text):
        span = Span(segment.start + match.start(), segment.start + match.end())
        for key in number_keys(match.group()):
            target = years if _YEAR.fullmatch(key) else numbers
            target.setdefault(key, span)
    return years, numbers


def _differences(kind: ChangeKind, pair: SentencePair, report: CompareReport, ma: dict, mb: dict) -> list[Change]:
    a_text, b_text = report.a.text, report.b.text
    only_a = [(k, s) for k, s in ma.items() if k not in mb]
    only_b = [(k, s) for k, s in mb.items() if k not in ma]
    out = []
    for (_, x), (_, y) in zip(only_a, only_b):
        xa, yb = a_text[x.start : x.end], b_text[y.start : y.end]
        out.append(Change(kind, x, y, xa, yb, pair.a, pair.b, detail=f"“{xa}” became “{yb}”"))
    for _, x in only_a[len(only_b) :]:
        xa = a_text[x.start : x.end]
        out.append(Change(kind, x, None, xa, None, pair.a, pair.b, detail=f"“{xa}” only in A"))
    for _, y in only_b[len(only_a) :]:
        yb = b_text[y.start : y.end]
        out.append(Change(kind, None, y, None, yb, pair.a, pair.b, detail=f"“{yb}” only in B"))
    return out


def find_translated_changes(report: CompareReport) -> tuple[Change, ...]:
    """Changes of numbers and years inside the aligned pairs of a translated copy, in A's order."""
    changes: list[Change] = []
    for passage in report.passages:
        for pair in passage.pairs:
            seg_a, seg_b = report.a.segments[pair.a], report.b.segments[pair.b]
            years_a, numbers_a = _mentions(seg_a)
            years_b, numbers_b = _mentions(seg_b)
            found = _differences(ChangeKind.DATE, pair, report, years_a, years_b)
            found += _differences(ChangeKind.NUMBER, pair, report, numbers_a, numbers_b)
            if not found:
                found.append(
                    Change(
                        ChangeKind.WORDING,
                        seg_a.span,
                        seg_b.span,
                        seg_a.text,
                        seg_b.text,
                        pair.a,
                        pair.b,
                        detail="translated; same numbers and dates",
                    )
                )
            changes += found
    return tuple(changes)
