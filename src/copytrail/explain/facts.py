"""Facts that can change between two versions of a sentence: quantities, dates, names, verbs.

Each extractor returns :class:`Mention` records with offsets into the document text, so
that :mod:`copytrail.explain.changes` can set the mentions of two aligned sentences side
by side and report the ones that differ.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from copytrail.align.stem import stem
from copytrail.records import Segment, Span

_NUMBER_WORDS = (
    "zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
    "sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|"
    "hundred|thousand|million|billion|trillion|dozen|dozens|half|several|few|couple|"
    "first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth"
)
_QUALIFIER = (
    r"(?:more than|less than|fewer than|at least|at most|about|around|almost|nearly|over|under|some|up to|roughly)"
)
_DIGITS = r"[$£€]?\d[\d,.]*(?:\s*(?:-|–|to)\s*[$£€]?\d[\d,.]*)?%?(?:\s*(?:million|billion|trillion|bn|m|k))?"
_QUANTITY = re.compile(
    rf"\b(?:{_QUALIFIER}\s+)?(?:an?\s+)?(?:{_DIGITS}|(?:(?:{_NUMBER_WORDS})[\s-]+)*(?:{_NUMBER_WORDS}))\b(?:\s+(?:per\s?cent|percent))?",
    re.IGNORECASE,
)
_WEEKDAYS = "monday|tuesday|wednesday|thursday|friday|saturday|sunday"
_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
_DATE = re.compile(
    rf"\b(?:(?:{_WEEKDAYS})(?:\s+(?:morning|afternoon|evening|night))?"
    rf"|(?:{_MONTHS})\.?\s+\d{{1,2}}(?:,\s*\d{{4}})?|\d{{1,2}}\s+(?:{_MONTHS})\.?(?:\s+\d{{4}})?"
    rf"|(?:in\s+)?(?:{_MONTHS})\b(?:\s+\d{{4}})?|\d{{4}}-\d{{2}}-\d{{2}}|yesterday|today|tomorrow|last\s+(?:week|month|year|night)"
    rf"|(?:19|20)\d{{2}})\b",
    re.IGNORECASE,
)
_NAME = re.compile(r"\b[A-Z][a-z\u00c0-\u017f'’-]+(?:\s+(?:[A-Z][a-z\u00c0-\u017f'’-]+|of|de|van|von|al|bin))*\b")
_AUX = (
    r"is|are|was|were|has|have|had|will|would|could|can|may|might|must|should|shall|does|do|did|"
    r"has been|have been|had been|will be|would be|is being|was being"
)
# Only participles and gerunds: "is withdrawing", "has withdrawn", "had said". A bare
# infinitive after a modal ("could recalibrate" / "may recalibrate") is left out: modal
# swaps mostly keep the meaning and would drown the changes that matter.
_VERB_GROUP = re.compile(
    rf"\b(?P<aux>(?:{_AUX}))(?P<neg>\s+not|n't)?\s+(?:\w+ly\s+)?"
    rf"(?P<verb>[a-z]{{2,}}(?:ing|ed|en|wn|ne|id|ft|lt|st|ght|ken|ung|ade|ept))\b"
)
_STOP_NAMES = {
    "The",
    "A",
    "An",
    "But",
    "And",
    "Yet",
    "In",
    "On",
    "At",
    "This",
    "That",
    "It",
    "He",
    "She",
    "They",
    "We",
    "However",
    "Meanwhile",
    "Despite",
    "When",
    "Now",
    "There",
    "Some",
    "Its",
    "His",
    "Her",
    "Their",
    "Our",
    "During",
    "Never",
    "Analysts",
    "After",
    "Before",
    "While",
    "As",
    "If",
    "So",
    "Also",
    "US",
    "U.S.",
}


@dataclass(frozen=True, slots=True)
class Mention:
    """A fact-bearing stretch of one sentence: ``key`` is what it is compared on."""

    span: Span
    text: str
    key: str


def _mentions(pattern: re.Pattern[str], segment: Segment, key=lambda m: m.group().lower()) -> list[Mention]:  # noqa: ANN001
    out = []
    for match in pattern.finditer(segment.text):
        text = match.group().strip()
        if not text:
            continue
        start = segment.start + match.start() + (len(match.group()) - len(match.group().lstrip()))
        out.append(Mention(Span(start, start + len(text)), text, key(match)))
    return out


def _quantity_key(match: re.Match[str]) -> str:
    return re.sub(r"\s+", " ", match.group().lower().replace(",", "")).strip()


def quantities(segment: Segment) -> list[Mention]:
    """Numbers and counted quantities: "more than 40", "a dozen", "20,000-30,000", "third"."""
    found = []
    for mention in _mentions(_QUANTITY, segment, _quantity_key):
        words = mention.key.split()
        # A bare "one"/"a" or an ordinal-looking year is no quantity worth comparing.
        if mention.key in {"one", "a", "an", "first", "second"} or (
            len(words) == 1 and re.fullmatch(r"(19|20)\d\d", words[0])
        ):
            continue
        found.append(mention)
    return found


def dates(segment: Segment) -> list[Mention]:
    """Days of the week, calendar dates, months and years."""
    return [m for m in _mentions(_DATE, segment) if m.key not in {"may", "march"} or m.text[0].isupper()]


def names(segment: Segment) -> list[Mention]:
    """Capitalised names not at the start of the sentence (a crude, dependency-free NER)."""
    out = []
    for mention in _mentions(_NAME, segment, lambda m: m.group()):
        words = [w for w in mention.text.split() if w not in _STOP_NAMES]
        if not words:
            continue
        if mention.span.start == segment.start and len(mention.text.split()) == 1:
            continue  # the capital of a sentence's first word says nothing
        if _DATE.fullmatch(mention.text) or re.fullmatch(rf"(?:{_WEEKDAYS}|{_MONTHS})", mention.text.lower()):
            continue
        out.append(mention)
    return out


def verb_groups(segment: Segment) -> list[Mention]:
    """Auxiliary + verb ("is withdrawing", "has withdrawn"), keyed by the verb's stem."""
    out = []
    for match in _VERB_GROUP.finditer(segment.text):
        verb = match.group("verb").lower()
        start = segment.start + match.start()
        out.append(Mention(Span(start, segment.start + match.end()), match.group(), stem(verb)))
    return out


_NEGATABLE = re.compile(
    rf"\b(?P<aux>{_AUX}|ca|wo)(?P<neg>\s+not|n't|\s+never)?\s+(?P<verb>[a-z]{{2,}})\b", re.IGNORECASE
)


def negatable_verbs(segment: Segment) -> list[Mention]:
    """Auxiliary or modal, an optional "not", and the verb after it: "would (not) find".

    Keyed by auxiliary and verb, so that the same verb phrase in two versions of a
    sentence meets, negated or not.
    """
    out = []
    for match in _NEGATABLE.finditer(segment.text):
        aux = match.group("aux").lower()
        aux = {"ca": "can", "wo": "will"}.get(aux, aux)
        start = segment.start + match.start()
        out.append(
            Mention(Span(start, segment.start + match.end()), match.group(), f"{aux} {match.group('verb').lower()}")
        )
    return out


_FIGURE = re.compile(r"\d(?:[\d,./-]*\d)?")


def fact_tokens(segment: Segment) -> list[str]:
    """The facts of a sentence as single tokens: figures ("7-3/8", "1000") and the words of names.

    Names are split into lower-cased words, so that an edit inside a name ("General Motors
    Acceptance Corp" / "General Motors Corp") keeps the words both sides still share;
    figures lose their thousands separators. Used to tell a template filled with other
    facts from a copy of the same story (:func:`copytrail.align.evidence.fact_counts`).
    """
    figures = [m.group().replace(",", "") for m in _FIGURE.finditer(segment.text)]
    words = [w.lower() for m in names(segment) for w in m.text.split() if w not in _STOP_NAMES]
    return figures + words
