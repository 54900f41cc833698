"""Explain a comparison: what changed, what each side adds, which text came first."""

from __future__ import annotations

import bisect

from copytrail.explain.changes import find_changes
from copytrail.explain.crosslingual import find_translated_changes
from copytrail.explain.provenance import likely_original
from copytrail.normalize.scripts import CHARS_PER_WORD_CHINESE, has_unspaced
from copytrail.records import CompareReport, Document, Explanation, Gist, Provenance, Role, Segment, Span

__all__ = ["explain", "find_changes", "find_translated_changes", "likely_original", "original_of"]

_GIST_WORDS = 18


def _segments_overlapping(doc: Document, span: Span, starts: list[int]) -> list[Segment]:
    """The segments that overlap ``span``, found by bisection over their ``starts`` (a long
    document has thousands of segments and spans; scanning them all per span was quadratic)."""
    first = max(bisect.bisect_right(starts, span.start) - 1, 0)
    last = bisect.bisect_left(starts, span.end)
    return [s for s in doc.segments[first:last] if s.start < span.end and span.start < s.end]


def gist(doc: Document, span: Span, starts: list[int] | None = None) -> str:
    """The first sentence of a passage, cut to a line."""
    starts = [s.start for s in doc.segments] if starts is None else starts
    first = next(
        (
            s
            for s in _segments_overlapping(doc, Span(span.start, span.start + 1), starts)
            if s.start <= span.start < s.end
        ),
        None,
    )
    text = doc.text[span.start : min(span.end, first.end)] if first else doc.text[span.start : span.end]
    words = text.split()
    if has_unspaced(text):
        # Chinese, Japanese, Thai: cut at about as much text as 18 English words say.
        limit = round(_GIST_WORDS * CHARS_PER_WORD_CHINESE)
        text = " ".join(words)
        return text if len(text) <= limit else text[:limit] + " …"
    return " ".join(words) if len(words) <= _GIST_WORDS else " ".join(words[:_GIST_WORDS]) + " …"


def _gists(doc: Document, spans: tuple[Span, ...]) -> tuple[Gist, ...]:
    starts = [s.start for s in doc.segments]
    out = []
    for span in spans:
        inside = [s for s in _segments_overlapping(doc, span, starts) if s.role.alignable]
        caption = bool(inside) and all(s.role is Role.CAPTION for s in inside)
        out.append(Gist(span, gist(doc, span, starts), caption))
    return tuple(out)


def original_of(report: CompareReport) -> Provenance:
    """``explain(report).provenance``, without finding the changes it does not read.

    The likely original reads only verb forms ("is fighting" / "fought") among the changes,
    and none in a translated pair (compared on numbers and years only).
    """
    translated = report.languages is not None and report.languages.translated
    return likely_original(report, () if translated else find_changes(report, verb_forms_only=True))


def explain(report: CompareReport) -> Explanation:
    """Changes in aligned passages, added and dropped passages, and the likely original.

    For a translated copy only numbers in digits and years are compared (see
    :mod:`copytrail.explain.crosslingual`).
    """
    translated = report.languages is not None and report.languages.translated
    changes = find_translated_changes(report) if translated else find_changes(report)
    return Explanation(
        changes=changes,
        only_in_a=_gists(report.a, report.unaligned_a),
        only_in_b=_gists(report.b, report.unaligned_b),
        provenance=likely_original(report, changes),
    )
