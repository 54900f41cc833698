"""Which text is the likely original: clues weighed, not a classifier.

Each detector returns :class:`Evidence` with a weight; the verdict goes to the side with
the larger sum when the margin is at least ``MIN_MARGIN``, else it is "undecided". The
weights are judgement calls, set before any benchmark run and documented here so a
reader can disagree with them:

========================  ======  =============================================================
clue                      weight  reasoning
========================  ======  =============================================================
dates differ (days)        3.0    the earlier publication date is the strongest clue there is
dates differ (same day)    1.0    times of day are often of updates, not first publication
correction / repeat mark   2.0    "CORRECTED", "REPEAT", "UPDATE 2" flag a reissue of a story
credit on one side only    1.5    byline, copyright, agency credit: originals carry them,
                                  copies strip them
translation tells          1.0    a text with machine-translation artefacts was derived
older state of the facts   1.0    the text reporting the earlier state ("is withdrawing" where
                                  the other has "has withdrawn") was written earlier
containment                0.5    the text holding the other plus more came later: wire updates
                                  and reusing articles add to what they take (measured: the
                                  opposite rule was wrong on Reuters and PAN13)
========================  ======  =============================================================
"""

from __future__ import annotations

import contextlib
import math
import re
from datetime import datetime
from functools import lru_cache

from copytrail.records import (
    Change,
    ChangeKind,
    CompareReport,
    Document,
    Evidence,
    Original,
    Provenance,
    Role,
)

MIN_MARGIN = 1.0
_DATELINE = re.compile(
    r"\b(?:updated|published|posted)\b[:\s]+"
    r"(?P<when>(?P<month>[A-Z][a-z]+)\.? (?P<day>\d{1,2}),? (?P<year>\d{4})"
    r"(?:,? (?:at )?(?P<hour>\d{1,2}):(?P<minute>\d{2})\s*(?P<half>[AP])\.?M\.?)?)",
    re.IGNORECASE,
)
_MONTH_NAMES = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip
# The month words dateutil's parser knows (parserinfo.MONTHS): each name, its first three letters, and "sept".
_MONTHS = {
    **{name: number for number, name in enumerate(_MONTH_NAMES, start=1)},
    **{name[:3]: number for number, name in enumerate(_MONTH_NAMES, start=1)},
    "sept": 9,
}
_REISSUE = re.compile(r"\b(?:CORRECTED|CORRECTION|REPEAT(?:ED)?|UPDATE \d+|REFILED|RPT)\b")
# The bare "Reuter" sign-off is left out on purpose: wire updates add or drop it between
# versions of one story (bench/provenance.py: it decided 60 Reuters pairs, all wrongly).
_AGENCY = re.compile(
    r"\((?:Reuters|AP|AFP|Bloomberg|dpa|UPI)\)|\b(?:Associated Press|Agence France-Presse)\b"
    r"|^[A-Z][A-Z .]{2,}, [A-Z][a-z]+\.? \d{1,2} -",
    re.MULTILINE,
)
# Crude, explicit tells of machine translation into English, each seen in real MT output.
_TRANSLATION_TELLS = {
    "military rank after its service (Gen. Army)": re.compile(
        r"\b(?:Gen|Lt|Col|Maj|Adm|Sgt)\.\s+(?:Army|Navy|Air Force)\b"
    ),
    "'say someone what' (tell someone what)": re.compile(r"\bsay\s+\[?[A-Z]\w+\]?\s+what\b"),
    "article before a bare country (the Ukraine's)": re.compile(r"\bthe (?:Ukraine|Russia|America)\b(?!n)"),
}


def _dates(doc: Document) -> list[tuple[datetime, bool, str]]:
    """(moment, has time of day, source) for each date the document states about itself."""
    found = []
    if doc.meta.date:
        with contextlib.suppress(ValueError):
            found.append((datetime.fromisoformat(doc.meta.date[:10]), False, f"date {doc.meta.date[:10]}"))
    for seg in doc.segments:
        if seg.reason != "dateline":
            continue
        match = _DATELINE.search(seg.text)
        moment = _dateline_moment(match) if match else None
        if moment is not None:
            found.append((moment, match.group("hour") is not None, seg.text.strip()))
    return found


def _dateline_moment(match: re.Match) -> datetime | None:
    """The moment a dateline states ("Updated November 11, 2022 at 8:18 AM ET"), or None if it names none.

    What dateutil's fuzzy parser made of the same words (``tests/explain/test_provenance_dates.py``
    holds the two equal), without importing it (17-25 ms of a compare) and
    without its guesses: a word that is not a month ("Friday 11, 2022") took the month of the day
    the program ran, and a year before 1000 a century near it; both are no date here.
    """
    month = _MONTHS.get(match.group("month").lower())
    year = int(match.group("year"))
    if month is None or year < 1000:
        return None
    hour = minute = 0
    if match.group("hour") is not None:
        hour, minute = int(match.group("hour")), int(match.group("minute"))
        # dateutil's rule: AM/PM moves 1-11 PM on by twelve hours and 12 AM back to 0, and is
        # ignored after an hour past 12 ("13:00 PM" is 13:00).
        afternoon = match.group("half").upper() == "P"
        if afternoon and hour < 12:
            hour += 12
        elif not afternoon and hour == 12:
            hour = 0
    try:
        return datetime(year, month, int(match.group("day")), hour, minute)
    except ValueError:  # no such day or time ("Nov 31", "8:75")
        return None


def _date_evidence(a: Document, b: Document) -> list[Evidence]:
    da, db = _dates(a), _dates(b)
    if not da or not db:
        return []
    first_a = min(da, key=lambda d: d[0])
    first_b = min(db, key=lambda d: d[0])
    if first_a[0].date() != first_b[0].date():
        earlier = Original.A if first_a[0] < first_b[0] else Original.B
        return [Evidence("date", earlier, 3.0, f"A: {first_a[2]}; B: {first_b[2]}")]
    if first_a[1] and first_b[1] and first_a[0] != first_b[0]:
        earlier = Original.A if first_a[0] < first_b[0] else Original.B
        return [Evidence("date", earlier, 1.0, f"same day, earlier time: A {first_a[2]}; B {first_b[2]}")]
    return [Evidence("date", Original.UNDECIDED, 0.0, f"same day: A {first_a[2]}; B {first_b[2]}")]


def _head(doc: Document, lines: int = 3) -> str:
    return "\n".join(doc.text.strip().splitlines()[:lines])


def _reissue_evidence(a: Document, b: Document) -> list[Evidence]:
    ra, rb = _REISSUE.search(_head(a)), _REISSUE.search(_head(b))
    if bool(ra) == bool(rb):
        return []
    marked, other = (Original.A, Original.B) if ra else (Original.B, Original.A)
    mark = (ra or rb).group()
    return [
        Evidence("reissue", other, 2.0, f"{marked.value.upper()} is marked {mark!r}: a reissue of an earlier story")
    ]


def _credits(doc: Document) -> list[str]:
    credits = [
        f"{seg.reason}: {seg.text.strip()[:80]}"
        for seg in doc.segments
        if seg.role is Role.BOILERPLATE and seg.reason in {"copyright", "byline", "author-bio"}
    ]
    agency = _agency_credit(doc.text)
    if agency:
        credits.append(f"agency: {agency}")
    return credits


# A scan explains every kept pair, and a document is in several: what only its own text
# decides is worked out once per text.
@lru_cache(maxsize=256)
def _agency_credit(text: str) -> str | None:
    match = _AGENCY.search(text)
    return match.group().strip() if match else None


def _credit_evidence(a: Document, b: Document) -> list[Evidence]:
    ca, cb = _credits(a), _credits(b)
    if bool(ca) == bool(cb):
        return []
    side, credits = (Original.A, ca) if ca else (Original.B, cb)
    other = "B" if side is Original.A else "A"
    return [Evidence("credit", side, 1.5, f"{side.value.upper()} carries {'; '.join(credits[:3])}; {other} has none")]


@lru_cache(maxsize=256)
def _translation_tells(story: str) -> tuple[str, ...]:
    return tuple(name for name, pattern in _TRANSLATION_TELLS.items() if pattern.search(story))


def _translation_evidence(a: Document, b: Document) -> list[Evidence]:
    def tells(doc: Document) -> tuple[str, ...]:
        return _translation_tells("\n".join(s.text for s in doc.segments if s.role is not Role.BOILERPLATE))

    ta, tb = tells(a), tells(b)
    if len(ta) == len(tb):
        return []
    translated, other = (Original.A, Original.B) if len(ta) > len(tb) else (Original.B, Original.A)
    names = ta if translated is Original.A else tb
    return [
        Evidence(
            "translation",
            other,
            min(1.0 * len(names), 2.0),
            f"{translated.value.upper()} shows machine-translation artefacts: {', '.join(names)}",
        )
    ]


def _older_facts_evidence(a: Document, b: Document, changes: tuple[Change, ...]) -> list[Evidence]:
    clues_a, clues_b = [], []
    for change in changes:
        if change.kind is ChangeKind.VERB_FORM and change.a_text and change.b_text:
            progressive_a = re.match(r"(?:is|are|am)\b", change.a_text.lower()) and change.a_text.endswith("ing")
            progressive_b = re.match(r"(?:is|are|am)\b", change.b_text.lower()) and change.b_text.endswith("ing")
            if progressive_a and not progressive_b:
                clues_a.append(f"“{change.a_text}” where B has “{change.b_text}”")
            elif progressive_b and not progressive_a:
                clues_b.append(f"“{change.b_text}” where A has “{change.a_text}”")
    if len(clues_a) == len(clues_b):
        return []
    older, clues = (Original.A, clues_a) if len(clues_a) > len(clues_b) else (Original.B, clues_b)
    return [
        Evidence(
            "older_facts",
            older,
            1.0,
            f"{older.value.upper()} reports an earlier state of the story ({'; '.join(clues)}): "
            "written earlier, or copied from an earlier version",
        )
    ]


def _containment_evidence(report: CompareReport) -> list[Evidence]:
    ca, cb = report.coverage.a, report.coverage.b
    if abs(ca - cb) < 0.2 or max(ca, cb) < 0.5:
        return []
    inside, outside = (Original.A, Original.B) if ca > cb else (Original.B, Original.A)
    return [
        Evidence(
            "containment",
            inside,
            0.5,
            f"{inside.value.upper()} is mostly inside {outside.value.upper()} "
            f"({max(ca, cb):.0%} vs {min(ca, cb):.0%} covered): updates and reuses add to what they take",
        )
    ]


def weigh(evidence: list[Evidence]) -> Provenance:
    """Sum the weights per side and name the original if the margin is large enough."""
    score_a = sum(e.weight for e in evidence if e.favours is Original.A)
    score_b = sum(e.weight for e in evidence if e.favours is Original.B)
    margin = abs(score_a - score_b)
    if margin < MIN_MARGIN:
        return Provenance(Original.UNDECIDED, 0.0, tuple(evidence))
    original = Original.A if score_a > score_b else Original.B
    return Provenance(original, round(1.0 - math.exp(-margin / 1.5), 3), tuple(evidence))


def likely_original(report: CompareReport, changes: tuple[Change, ...]) -> Provenance:
    """Weigh every clue in the pair and say which text came first."""
    a, b = report.a, report.b
    evidence = (
        _date_evidence(a, b)
        + _reissue_evidence(a, b)
        + _credit_evidence(a, b)
        + _translation_evidence(a, b)
        + _older_facts_evidence(a, b, changes)
        + _containment_evidence(report)
    )
    return weigh(evidence)
