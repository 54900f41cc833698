"""Tell story text from page chrome in plain text that was saved from a web page.

HTML goes through trafilatura first and arrives mostly clean; plain text saved from a
browser still carries menus, player widgets, addresses, photo credits, repeated
captions, copyright lines and author bios. These rules work on line units (see
:mod:`copytrail.normalize.segment`) and look at three things: what a line says (credit,
copyright and contact patterns), its shape (short lines without sentence punctuation),
and where it sits (before the first or after the last prose paragraph, next to a photo
credit).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from copytrail.normalize.scripts import count_words, ends_sentence
from copytrail.normalize.segment import Unit, sentence_offsets
from copytrail.records import Role

_COPYRIGHT = re.compile(r"^\s*(?:©|\(c\)|copyright\b)|all rights reserved", re.IGNORECASE)
_PHONE = re.compile(r"\b\d{3}[.\-\s)]\s?\d{3}[.\-\s]\d{4}\b")
_STREET = re.compile(
    r"^\d{1,6}\s+\S.*\b(?:blvd|boulevard|st|street|ave|avenue|road|rd|drive|dr|lane|ln|way|suite)\b\.?\s*$",
    re.IGNORECASE,
)
_CITY_ZIP = re.compile(r"^[A-Z][\w .'-]+,\s*[A-Z]{2}\s+\d{5}(?:-\d{4})?$")
_CREDIT = re.compile(
    r"getty images|\bAP Photo\b|\bshutterstock\b|\bReuters/|/\s*AFP\b|\bAFP\b.*\bvia\b|"
    r"^\s*(?:photo|image|credit|photograph)s?\s*(?:by|:)",
    re.IGNORECASE,
)
_DATELINE = re.compile(r"^(?:updated|published|posted|last updated)\b.{0,60}\b\d{4}\b.{0,30}$", re.IGNORECASE)
_DATE_HEADER = re.compile(r"^\s*date\s*[:=]?\s*\d{4}-\d{2}-\d{2}\s*$", re.IGNORECASE)
_BYLINE = re.compile(r"^by\s+[A-Z][\w.'-]+(?:\s+[A-Z][\w.'-]+){0,3}(?:\s*(?:,|and)\s*.*)?$")
# Site furniture that reads like a sentence: "The BBC is not responsible for the content
# of external internet sites", share prompts, the links of a page footer.
_SITE_NOTICE = re.compile(
    r"not responsible for the content of external|^share this (?:page|article|story)\b"
    r"|^(?:about us|contact us|terms of (?:use|service)|privacy policy|cookies?)(?:\s*\|.*)?$",
    re.IGNORECASE,
)
_RELATED = re.compile(
    r"^(?:related (?:stories|articles|links|topics|coverage)|see also|more on this story)\s*:?$", re.IGNORECASE
)
_LIST_ITEM = re.compile(r"^\s*(?:[-*\u2022\u2013]\s)")
_TIMECODE = re.compile(r"^\d{1,2}:\d{2}(?::\d{2})?$")
_PERSON_NAME = re.compile(r"^[A-Z][\w.'-]+(?:\s+[A-Z][\w.'-]+){1,3}$")
_TERMINAL = (".", "!", "?", '"', "\u201d", "'", "\u2019")
# A short sentence needs as many words as a stand-alone headline does.
_SHORT_SENTENCE_MIN_WORDS = 3


@dataclass(frozen=True, slots=True)
class UnitRole:
    role: Role
    reason: str | None = None


# Dates and clock times, taken out before a line's figures are counted: "Edited 3 September
# 2005 at 07:13 GMT" is a page's time stamp, not a row of data.
_DATE_OR_TIME = re.compile(
    r"\b\d{1,2}:\d{2}\b|\b(?:19|20)\d{2}\b"
    r"|\b\d{1,2}(?:st|nd|rd|th)?\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
    r"|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2}(?:st|nd|rd|th)?\b",
    re.IGNORECASE,
)
_FIGURE_TOKEN = re.compile(r"^[(+$£€-]*\d[\d,./-]*%?\)?[,;:]?$")
# A table row: at most this many words, at least two figures, and figures a third of its words.
# Set by hand from Reuters-21578 earnings tables (rows of 3-8 words with two figures each:
# "Shr 39 cts vs 1.34 dlrs") and checked, not swept, on bench/scan_bench.py (precision on
# DEV and SCORE templates unchanged, heavy-edit recall 0.947 -> 0.960) and
# bench/chrome_pairs.py (same-site pages still never reuse).
_ROW_MAX_WORDS = 12
_ROW_MIN_FIGURES = 2


def _is_table_row(line: str) -> bool:
    """A short line of figures, such as an earnings report's "Net 1,392,000 vs 4,686,000".

    Such rows are the story's data. Before a note in prose they had been taken for the
    navigation above a story, so a copy of the report aligned only its note.
    """
    words = len(line.split())
    if words > _ROW_MAX_WORDS:  # before the date search: most lines are longer, and it is the costly part
        return False
    tokens = _DATE_OR_TIME.sub(" ", line).split()
    if not tokens:
        return False
    figures = sum(bool(_FIGURE_TOKEN.match(t)) for t in tokens)
    return figures >= _ROW_MIN_FIGURES and 3 * figures >= words


def _is_prose(line: str, n: int) -> bool:
    """A line (of ``n`` words) that reads as running text rather than a label, menu item or credit."""
    return (n >= 12 and ends_sentence(line, _TERMINAL)) or n >= 25


def _is_short_sentence(line: str, n: int) -> bool:
    """A line of a few words (``n``) that ends like a sentence: "Let all be well with them."."""
    return n >= _SHORT_SENTENCE_MIN_WORDS and ends_sentence(line, _TERMINAL)


def _is_sentences(line: str) -> bool:
    """Sentences, the last one cut short: "Lubię wyzwania. Włóż" (a post that ends on a word,
    or a copy that lost its final full stop). Every sentence but the last ends like one."""
    spans = sentence_offsets(line)
    return len(spans) >= 2 and all(ends_sentence(line[s:e], _TERMINAL) for s, e in spans[:-1])


def _content_role(line: str, n: int) -> UnitRole | None:
    """Roles decided by what a line (of ``n`` words) says, wherever it stands."""
    short = n <= 40
    if short and _COPYRIGHT.search(line):
        return UnitRole(Role.BOILERPLATE, "copyright")
    if _DATE_HEADER.match(line):
        return UnitRole(Role.BOILERPLATE, "metadata")
    if short and _DATELINE.match(line):
        return UnitRole(Role.BOILERPLATE, "dateline")
    if n <= 12 and (_PHONE.search(line) or _STREET.match(line) or _CITY_ZIP.match(line)):
        return UnitRole(Role.BOILERPLATE, "contact")
    if _TIMECODE.match(line.strip()):
        return UnitRole(Role.BOILERPLATE, "player")
    if n <= 30 and _SITE_NOTICE.search(line.strip()):
        return UnitRole(Role.BOILERPLATE, "footer")
    if n <= 6 and _RELATED.match(line.strip()):
        return UnitRole(Role.BOILERPLATE, "related-links")
    if n <= 12 and (_CREDIT.search(line) or line.strip() in {"/", "|"}):
        return UnitRole(Role.BOILERPLATE, "photo-credit")
    if n <= 8 and _BYLINE.match(line.strip()):
        return UnitRole(Role.BOILERPLATE, "byline")
    return None


def _is_credit_name(line: str, n: int) -> bool:
    """An all-capitals short line (of ``n`` words) such as a photographer's name next to a credit."""
    # The word count first: it rules out most lines without looking at their letters.
    if not 0 < n <= 5:
        return False
    letters = [c for c in line if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


def _mark_related_links(lines: Sequence[str], words: Sequence[int], roles: list[UnitRole | None]) -> None:
    """The list items under a "Related stories" heading are other articles' headlines, not this story."""
    for i, role in enumerate(roles):
        if role is None or role.reason != "related-links":
            continue
        for j in range(i + 1, len(lines)):
            if roles[j] is not None or not _LIST_ITEM.match(lines[j]) or words[j] > 25:
                break
            roles[j] = UnitRole(Role.BOILERPLATE, "related-links")


def classify_units(text: str, units: Sequence[Unit]) -> list[UnitRole]:
    """Give every unit a role.

    Args:
        text: the document text the units point into.
        units: the document's line units, in order.

    Returns:
        One :class:`UnitRole` per unit.
    """
    lines = [text[u.start : u.end] for u in units]
    # Every rule below asks for a line's word count, some several times: count once.
    words = [count_words(line) for line in lines]
    roles: list[UnitRole | None] = [_content_role(line, n) for line, n in zip(lines, words)]

    # Photographer names sit beside credit lines and look like nothing else.
    for i, line in enumerate(lines):
        if roles[i] is None and _is_credit_name(line, words[i]):
            near = [roles[j] for j in (i - 1, i + 1) if 0 <= j < len(lines)]
            if any(r is not None and r.reason == "photo-credit" for r in near):
                roles[i] = UnitRole(Role.BOILERPLATE, "photo-credit")

    _mark_related_links(lines, words, roles)
    _mark_captions(lines, words, roles)
    _mark_bios(lines, roles)

    open_lines = [i for i in range(len(lines)) if roles[i] is None]
    prose = [i for i in open_lines if _is_prose(lines[i], words[i])]
    running_text = bool(prose)
    if not running_text or all(
        _is_short_sentence(lines[i], words[i]) or _is_prose(lines[i], words[i]) or _is_sentences(lines[i])
        for i in open_lines
    ):
        # No running text at all (an earnings table, a list of results): the short lines
        # are the story, not the chrome around one. Nor has a text of nothing but
        # sentences any menu, title bar or footer: a post of a few short sentences ("Hat,
        # not a telephone...") is story from its first line to its last, also when a
        # paragraph's last sentence has lost its full stop.
        prose = open_lines
    else:
        # A table before or after the prose (an earnings report's rows above its note)
        # is part of the story, so the story starts and ends with it.
        rows = [i for i, line in enumerate(lines) if roles[i] is None and _is_table_row(line)]
        prose = sorted({*prose, *rows})
    first_prose = prose[0] if prose else len(lines)
    last_prose = prose[-1] if prose else -1

    # A table row is data, never the headline: the headline is then the line above the table.
    first_line = lines[first_prose] if first_prose < len(lines) else ""
    if (
        first_line
        and not _is_table_row(first_line)
        and _looks_like_title(first_line, words[first_prose], units[first_prose])
    ):
        roles[first_prose] = UnitRole(Role.HEADING, "title")
        first_prose = next((i for i in prose if i > first_prose), len(lines))

    if first_prose < len(lines) and (roles[first_prose] is None or roles[first_prose].reason != "title"):
        # The headline is the last stand-alone line before the story starts.
        for i in range(first_prose - 1, -1, -1):
            if roles[i] is None and units[i].lines_in_block == 1 and words[i] >= 3:
                roles[i] = UnitRole(Role.HEADING, "title")
                break
            if roles[i] is None or roles[i].role is not Role.CAPTION:
                break

    for i, (line, unit) in enumerate(zip(lines, units)):
        if roles[i] is not None:
            continue
        n = words[i]
        ends = ends_sentence(line, _TERMINAL)
        in_menu = unit.lines_in_block >= 3 and n < 8 and not ends
        if i < first_prose:
            # Before the story: a title is a line of its own; the rest is chrome.
            roles[i] = UnitRole(Role.BOILERPLATE, "navigation")
        elif i > last_prose:
            roles[i] = UnitRole(Role.BOILERPLATE, "footer")
        elif in_menu:
            roles[i] = UnitRole(Role.BOILERPLATE, "navigation")
        elif running_text and unit.lines_in_block == 1 and n <= 12 and not ends and not _is_sentences(line):
            roles[i] = UnitRole(Role.HEADING, "subheading")
        else:
            roles[i] = UnitRole(Role.STORY)
    return [r if r is not None else UnitRole(Role.STORY) for r in roles]


def _looks_like_title(line: str, n: int, unit: Unit) -> bool:
    """A headline (of ``n`` words) stands alone in its block and is short for prose."""
    return unit.lines_in_block == 1 and n <= 20 and not line.rstrip().endswith((".", "\u3002"))


def _mark_captions(lines: list[str], words: list[int], roles: list[UnitRole | None]) -> None:
    """The lines just before and after a run of photo-credit lines are captions."""
    i = 0
    while i < len(lines):
        if roles[i] is not None and roles[i].reason == "photo-credit":
            j = i
            while j + 1 < len(lines) and roles[j + 1] is not None and roles[j + 1].reason == "photo-credit":
                j += 1
            for k in (i - 1, j + 1):
                if 0 <= k < len(lines) and roles[k] is None and words[k] >= 5:
                    roles[k] = UnitRole(Role.CAPTION, "photo-caption")
            i = j + 1
        else:
            i += 1


def _mark_bios(lines: list[str], roles: list[UnitRole | None]) -> None:
    """An author's name on its own line, then "<name> is a …": a bio, not story."""
    for i in range(len(lines) - 1):
        name = lines[i].strip()
        if roles[i] is None and _PERSON_NAME.match(name) and lines[i + 1].startswith(name + " "):
            roles[i] = UnitRole(Role.BOILERPLATE, "author-bio")
            if roles[i + 1] is None:
                roles[i + 1] = UnitRole(Role.BOILERPLATE, "author-bio")
