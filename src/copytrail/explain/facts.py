"""Facts that can change between two versions of a sentence: quantities, dates, names, verbs.

Each extractor returns :class:`Mention` records with offsets into the document text, so
that :mod:`copytrail.explain.changes` can set the mentions of two aligned sentences side
by side and report the ones that differ.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from copytrail.align.stem import stem
from copytrail.explain.languages import UNSPACED, calendar, has_case, is_common_noun, negator, number_words
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


def _is_english(language: str | None) -> bool:
    """English rules also serve a document whose language was not identified (too little text)."""
    return language is None or language == "en"


# Any script: digits with grouped thousands ("1.000", "10 000", "1,000,000") or a decimal
# part ("3,5"), a currency sign before and a percent sign after; full-width digits too.
_ANY_NUMBER = re.compile(
    r"(?<![\d.,])[$£€¥₽]?(?:\d{1,3}(?:(?:[.,]|[ \u00a0\u202f])\d{3})+(?![\d])(?:[.,]\d+)?|\d+(?:[.,]\d+)?)"
    r"(?:\s?[%％])?(?![\d])"
)
# Chinese and Japanese dates are digits too: "2019年", "5月", "3日" (but "200 年历史" is 200 years).
_CJK_DATE_UNIT = re.compile(r"\s?[月日]")
_CJK_YEAR = re.compile(r"(?<![\d])\d{4}(?=\s?年)")
_FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


def _digits_key(text: str) -> str:
    return re.sub(r"[\s\u00a0\u202f]", "", text.translate(_FULL_WIDTH_DIGITS))


def _number_key(text: str) -> str:
    """The value a number states, however it is written: "2.000" and "2 000" are 2000, "3,5" is
    3.5, "74,0" is 74, "95 %" is 95 (the percent sign is a unit; "95 prosenttia" says it in words)."""
    plain = _digits_key(text).strip("%％$£€¥₽")
    parts = re.split(r"[.,]", plain)
    if len(parts) > 1 and all(len(part) == 3 for part in parts[1:]):
        return "".join(parts)  # grouped thousands
    whole, _, fraction = re.sub(r"[.,](?=\d+$)", ".", plain).partition(".")
    whole = re.sub(r"[.,]", "", whole)
    fraction = fraction.rstrip("0")
    return f"{whole}.{fraction}" if fraction else whole


def _any_quantities(segment: Segment, language: str) -> list[Mention]:
    out = []
    text = segment.text
    for match in _ANY_NUMBER.finditer(text):
        key = _number_key(match.group())
        if re.fullmatch(r"(?:19|20)\d\d", _digits_key(match.group())):
            continue  # a year: see dates() ("2.000" is no year, though its value is 2000)
        if language in UNSPACED and (
            _CJK_DATE_UNIT.match(text, match.end()) or _CJK_YEAR.fullmatch(text, match.start(), match.end())
        ):
            continue
        start = segment.start + match.start()
        out.append(Mention(Span(start, start + len(match.group())), match.group(), key))
    spelled = number_words(language)
    if spelled is not None:
        # Keyed by value, so that "drei" and "3" are the same number and "drei" -> "vier" is a change.
        for match in spelled.pattern.finditer(text):
            start, word = segment.start + match.start(), match.group()
            out.append(Mention(Span(start, start + len(word)), word, str(spelled.value(word))))
        out.sort(key=lambda m: m.span.start)
    return out


def quantities(segment: Segment, language: str | None = None) -> list[Mention]:
    """Numbers and counted quantities: "more than 40", "a dozen", "20,000-30,000", "third".

    In another language than English, numbers in digits with that language's separators
    ("1.000", "10 000", "3,5", "１８"), and number words where ``num2words`` spells the
    language, with their case forms in German, Spanish, Finnish, Russian and Ukrainian
    ("трёх", "kolmessa": :func:`~copytrail.explain.languages.number_words`).
    """
    if not _is_english(language):
        return _any_quantities(segment, language)
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


_YEAR = re.compile(r"(?<![\d.,])(?:19|20)\d\d(?![\d])")
_CJK_DATE = re.compile(
    r"(?<![\d])\d{1,2}\s?月(?:\s?\d{1,2}\s?日)?|(?<![\d])\d{1,2}\s?日|[一二三四五六七八九十]{1,3}月"
    r"|[月火水木金土日](?=曜)|(?:星期|礼拜|周)[一二三四五六日天]"
)


def _any_dates(segment: Segment, language: str) -> list[Mention]:
    text, out = segment.text, []
    found: list[tuple[int, int, str]] = [(m.start(), m.end(), _digits_key(m.group())) for m in _YEAR.finditer(text)]
    names = calendar(language)
    if names is not None:
        found += [(m.start(), m.end(), names.key(m.group())) for m in names.pattern.finditer(text)]
    if language in UNSPACED:
        found += [(m.start(), m.end(), _digits_key(m.group())) for m in _CJK_DATE.finditer(text)]
        found += [(m.start(), m.end(), _digits_key(m.group())) for m in _CJK_YEAR.finditer(text)]
    for start, end, key in sorted(found):
        if out and segment.start + start < out[-1].span.end:
            continue
        out.append(Mention(Span(segment.start + start, segment.start + end), text[start:end], key))
    return out


def dates(segment: Segment, language: str | None = None) -> list[Mention]:
    """Days of the week, calendar dates, months and years.

    In another language than English: years, and month and weekday names in that
    language (CLDR's, with case endings where the language inflects them: see
    :mod:`copytrail.explain.languages`), keyed so that "января" and "январе" meet;
    "5月", "3日", "星期一", "月曜" in Chinese and Japanese.
    """
    if not _is_english(language):
        return _any_dates(segment, language)
    return [m for m in _mentions(_DATE, segment) if m.key not in {"may", "march"} or m.text[0].isupper()]


_ANY_WORD = re.compile(r"(?<!\w)[^\W\d_][^\W\d_'’-]*(?:[-'’][^\W\d_]+)*")
# What may stand before a sentence's first word: spaces, quote marks, brackets, dashes.
_OPENING = re.compile(r"[\s\"'“”„«»‹›「『(\[–—-]+")
_NAME_JOINERS = {"de", "da", "del", "van", "von", "der", "al", "bin", "ibn", "la", "le", "du", "dos"}


def _any_names(segment: Segment, language: str) -> list[Mention]:
    """Runs of capitalised words (with joiners: "Ursula von der Leyen") in a cased script; in
    German not its common nouns (:func:`~copytrail.explain.languages.is_common_noun`)."""
    if not has_case(language):
        return []
    text, out = segment.text, []
    names_of_days = calendar(language)
    run: list[re.Match[str]] = []

    def close() -> None:
        if run and not _OPENING.sub("", text[: run[0].start()]):
            # The capital of a sentence's first word says nothing ("Aber", "Но", "Vaikka"), nor
            # after an opening quote mark or bracket ("”Hän sanoi", "(Mies").
            run.pop(0)
        while run and run[-1].group() in _NAME_JOINERS:
            run.pop()
        if run:
            start, end = run[0].start(), run[-1].end()
            words = text[start:end]
            out.append(Mention(Span(segment.start + start, segment.start + end), words, words))
        run.clear()

    for match in _ANY_WORD.finditer(text):
        word = match.group()
        joined = run and text[run[-1].end() : match.start()] == " "
        if names_of_days is not None and names_of_days.pattern.fullmatch(word):
            close()  # a month or weekday is no part of a name: "im Oktober Khalid Darwish"
        elif (word[0].isupper() and not is_common_noun(word, language)) or (joined and word in _NAME_JOINERS):
            if run and not joined:
                close()
            run.append(match)
        else:
            close()
    close()
    return out


def names(segment: Segment, language: str | None = None) -> list[Mention]:
    """Capitalised names not at the start of the sentence (a crude, dependency-free NER).

    In another language than English: runs of capitalised words, in scripts with case
    only (none in Chinese or Japanese).
    """
    if not _is_english(language):
        return _any_names(segment, language)
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


def negators(segment: Segment, language: str | None) -> list[Mention]:
    """The words that negate in ``segment`` ("nicht", "не", "ei", "ません", "不"), for a language
    other than English; English negation is read off verb groups (:func:`negatable_verbs`)."""
    pattern = negator(language)
    if pattern is None:
        return []
    return _mentions(pattern, segment)


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
