"""Cut a text into blocks, lines and sentences, keeping offsets into the original text.

Three levels, because page chrome lives at the line level and story text at the sentence
level:

* a *block* is a run of text between blank lines (a paragraph, or a menu);
* a *unit* is a line of a block, except that hard-wrapped prose lines are joined back
  (PAN's corpora and e-mailed wire copy wrap at ~70 characters);
* a *sentence* is cut from a unit by :func:`~copytrail.normalize.sentences.sentence_offsets`
  (sentencex, read the way copytrail cut sentences with blingfire before), then corrected for
  scripts it does not know (:func:`~copytrail.normalize.scripts.split_extra_sentences`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from copytrail.normalize.scripts import ends_sentence, split_extra_sentences
from copytrail.normalize.sentences import sentence_offsets

_BLANK_LINES = re.compile(r"\n[ \t\f\v]*\n\s*")
_TERMINAL = (".", "!", "?", '"', "'", "\u201d", "\u2019", ":", ";", ")")
# A line at least this long that stops mid-sentence was wrapped by the writer, not ended.
_WRAP_WIDTH = 50


_MISSED_BOUNDARY = re.compile(r"\b([a-z]{2,})[.!?][\"\u201d\u2019']?\s+(?=[A-Z\"\u201c])")
_LOWER_ABBREVIATIONS = frozenset({"etc", "approx", "vs", "esp", "incl", "est", "dept", "univ", "min", "max", "no"})


@dataclass(frozen=True, slots=True)
class Unit:
    """A line (or a re-joined hard-wrapped paragraph) of one block."""

    start: int
    end: int
    block: int
    line_in_block: int
    lines_in_block: int


@dataclass(frozen=True, slots=True)
class RawSentence:
    start: int
    end: int
    unit: int


def _strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def split_blocks(text: str) -> list[tuple[int, int]]:
    """Return the ``(start, end)`` of each non-blank block, whitespace trimmed."""
    blocks = []
    pos = 0
    for match in _BLANK_LINES.finditer(text):
        blocks.append(_strip_span(text, pos, match.start()))
        pos = match.end()
    blocks.append(_strip_span(text, pos, len(text)))
    return [(s, e) for s, e in blocks if e > s]


_LIST_MARKER = re.compile(r"^\s*(?:[-*\u2022\u2013]|\d{1,2}[.)])\s")


def _is_soft_wrap(line: str, next_line: str) -> bool:
    stripped = line.rstrip()
    if not next_line.strip() or _LIST_MARKER.match(next_line):
        # A list item starts a line of its own, however long the one before it.
        return False
    if next_line.lstrip()[:1].islower():
        return True
    return len(stripped) >= _WRAP_WIDTH and not ends_sentence(stripped, _TERMINAL)


def split_units(text: str) -> list[Unit]:
    """Cut every block into line units, re-joining hard-wrapped prose."""
    units: list[Unit] = []
    for block_index, (b_start, b_end) in enumerate(split_blocks(text)):
        lines: list[tuple[int, int]] = []
        pos = b_start
        for raw in text[b_start:b_end].split("\n"):
            lines.append((pos, pos + len(raw)))
            pos += len(raw) + 1
        merged: list[tuple[int, int]] = []
        previous_line = ""
        for start, end in lines:
            line = text[start:end]
            if merged and _is_soft_wrap(previous_line, line):
                merged[-1] = (merged[-1][0], end)
            else:
                merged.append((start, end))
            previous_line = line
        spans = [_strip_span(text, s, e) for s, e in merged]
        spans = [(s, e) for s, e in spans if e > s]
        for i, (s, e) in enumerate(spans):
            units.append(Unit(s, e, block_index, i, len(spans)))
    return units


def _missed_boundaries(chunk: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split where the sentence splitter kept two sentences together.

    blingfire did not split before an initialism ("in recent days. U.S. officials
    say"); sentencex does, and this stays as a guarantee. A full stop after a lower-case
    word that is not a known abbreviation, then a capital or an opening quote, is a boundary.
    """
    pieces = []
    for match in _MISSED_BOUNDARY.finditer(chunk, start, end):
        if match.group(1).lower() not in _LOWER_ABBREVIATIONS:
            pieces.append(match.end())
    bounds = [start, *pieces, end]
    return [_strip_span(chunk, s, e) for s, e in zip(bounds, bounds[1:])]


def split_sentences(text: str, units: list[Unit]) -> list[RawSentence]:
    """Cut each unit into sentences with offsets into ``text``."""
    sentences: list[RawSentence] = []
    for unit_index, unit in enumerate(units):
        chunk = text[unit.start : unit.end]
        offsets = sentence_offsets(chunk)
        if not offsets:
            offsets = [(0, len(chunk))]
        offsets = split_extra_sentences(chunk, [(s, e) for s, e in offsets])
        for s, e in offsets:
            for s2, e2 in _missed_boundaries(chunk, *_strip_span(chunk, s, e)):
                if e2 > s2:
                    sentences.append(RawSentence(unit.start + s2, unit.start + e2, unit_index))
    return sentences
