"""Cut a text into blocks, lines and sentences, keeping offsets into the original text.

Three levels, because page chrome lives at the line level and story text at the sentence
level:

* a *block* is a run of text between blank lines (a paragraph, or a menu);
* a *unit* is a line of a block, except that hard-wrapped prose lines are joined back
  (PAN's corpora and e-mailed wire copy wrap at ~70 characters);
* a *sentence* is cut from a unit by blingfire, whose offsets are code-point offsets, then
  corrected for scripts blingfire does not know (:func:`~copytrail.normalize.scripts.split_extra_sentences`).
"""

from __future__ import annotations

import ctypes
import importlib.util
import os
import re
import sys
from dataclasses import dataclass
from functools import cache

import numpy as np

from copytrail.errors import reinstall_hint
from copytrail.normalize.scripts import ends_sentence, split_extra_sentences, strip_span

_BLANK_LINES = re.compile(r"\n[ \t\f\v]*\n\s*")
_TERMINAL = (".", "!", "?", '"', "'", "\u201d", "\u2019", ":", ";", ")")
# A line at least this long that stops mid-sentence was wrapped by the writer, not ended.
_WRAP_WIDTH = 50


_MISSED_BOUNDARY = re.compile(r"\b([a-z]{2,})[.!?][\"\u201d\u2019']?\s+(?=[A-Z\"\u201c])")
_TERMINAL_THEN_SPACE = re.compile(r"[.!?][\"\u201d\u2019']?\s")
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


def split_blocks(text: str) -> list[tuple[int, int]]:
    """Return the ``(start, end)`` of each non-blank block, whitespace trimmed."""
    blocks = []
    pos = 0
    for match in _BLANK_LINES.finditer(text):
        blocks.append(strip_span(text, pos, match.start()))
        pos = match.end()
    blocks.append(strip_span(text, pos, len(text)))
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
        spans = [strip_span(text, s, e) for s, e in merged]
        spans = [(s, e) for s, e in spans if e > s]
        for i, (s, e) in enumerate(spans):
            units.append(Unit(s, e, block_index, i, len(spans)))
    return units


def _missed_boundaries(chunk: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split where blingfire kept two sentences together.

    blingfire does not split before an initialism ("in recent days. U.S. officials
    say"). A full stop after a lower-case word that is not a known abbreviation, then a
    capital or an opening quote, is a boundary.
    """
    if not _TERMINAL_THEN_SPACE.search(chunk, start, end):
        # Every missed boundary holds one, and this search is far cheaper than theirs.
        return [strip_span(chunk, start, end)]
    return _cut_missed(chunk, start, end)


def _cut_missed(chunk: str, start: int, end: int) -> list[tuple[int, int]]:
    pieces = []
    for match in _MISSED_BOUNDARY.finditer(chunk, start, end):
        if match.group(1).lower() not in _LOWER_ABBREVIATIONS:
            pieces.append(match.end())
    bounds = [start, *pieces, end]
    return [strip_span(chunk, s, e) for s, e in zip(bounds, bounds[1:])]


# The pin in pyproject.toml, which bench/blingfire_versions.py checked.
BLINGFIRE_REQUIREMENT = "blingfire==0.1.2"


def _blingfire_library() -> ctypes.CDLL:
    """blingfire's sentence breaker: the library its Python module loads, loaded without that module.

    Importing ``blingfire`` took 12-17 ms of every process (the module finds its own folder
    through ``inspect``'s frame lookup, which walks every loaded module); loading the library
    takes 0.5 ms. The file is the one the module loads on each platform. Odd input still goes
    to the module's own wrapper (:func:`_wrapper_offsets`), imported then.
    """
    spec = importlib.util.find_spec("blingfire")
    if spec is None or not spec.submodule_search_locations:
        hint = reinstall_hint(BLINGFIRE_REQUIREMENT)
        raise ModuleNotFoundError(f"copytrail needs blingfire, its sentence breaker: {hint}", name="blingfire")
    names = {"win32": "blingfiretokdll.dll", "darwin": "libblingfiretokdll.dylib"}
    name = names.get(sys.platform, "libblingfiretokdll.so")
    return ctypes.CDLL(os.path.join(spec.submodule_search_locations[0], name))


_BLINGFIRE = _blingfire_library()


def _wrapper_offsets(chunk: str) -> list[tuple[int, int]]:
    """blingfire's own answer for ``chunk``, from its Python wrapper."""
    import blingfire

    return blingfire.text_to_sentences_and_offsets(chunk)[1]


@cache
def _buffer_types(size: int) -> tuple[type, type]:
    """ctypes array types of ``size`` chars and ``size`` int32s.

    Sizes are powers of two, so a few types serve every line: making an array type, as
    ``c_int32 * n`` does for each new ``n``, cost more than blingfire's own work on the line.
    """
    return ctypes.c_char * size, ctypes.c_int32 * size


def sentence_offsets(chunk: str) -> list[tuple[int, int]]:
    """blingfire's sentences of ``chunk`` as code-point ``(start, end)`` offsets.

    The same answer as ``blingfire.text_to_sentences_and_offsets(chunk)[1]`` (a property
    test holds them equal), at a fraction of the cost: blingfire's own wrapper maps byte
    offsets to code points in a Python loop over every byte, 1.6 s of a 1 MB ``compare``.
    Here ASCII needs no mapping and other text is mapped with one cumulative sum.
    """
    encoded = chunk.encode("utf-8")
    if not encoded:
        return []
    capacity = 2 * len(encoded)
    chars, ints = _buffer_types(1 << (capacity - 1).bit_length())
    # Fresh (zeroed) buffers of at least ``capacity``; blingfire is told ``capacity`` all the same.
    output, starts, ends = chars(), ints(), ints()
    found = _BLINGFIRE.TextToSentencesWithOffsets(
        ctypes.c_char_p(encoded), ctypes.c_int(len(encoded)), ctypes.byref(output),
        ctypes.byref(starts), ctypes.byref(ends), ctypes.c_int(capacity),
    )  # fmt: skip
    if found == -1 or found > capacity:
        return []
    count = output.value.count(b"\n") + 1
    if len(encoded) == len(chunk):
        # ASCII, most lines of most news: byte offsets are code-point offsets and every
        # byte starts one, so only the bounds' order and range need checking, in Python
        # (numpy's calls cost more than they save on a line's few sentences).
        flat = [bound for pair in zip(starts[:count], ends[:count]) for bound in (pair[0], pair[1] + 1)]
        if flat[0] >= 0 and flat[-1] <= len(encoded) and all(x <= y for x, y in zip(flat, flat[1:])):
            return list(zip(flat[0::2], flat[1::2]))
        return _wrapper_offsets(chunk)
    # blingfire's end offsets are inclusive byte positions.
    bounds = np.empty(2 * count, dtype=np.int64)
    bounds[0::2] = np.frombuffer(starts, dtype=np.int32, count=count)
    bounds[1::2] = np.frombuffer(ends, dtype=np.int32, count=count) + 1
    # The first byte of each code point, and the end of the text: where a bound may fall.
    leading = np.append(np.frombuffer(encoded, dtype=np.uint8) & 0xC0 != 0x80, True)
    if bounds.min() < 0 or bounds.max() > len(encoded) or np.any(np.diff(bounds) < 0) or not leading[bounds].all():
        # Bounds the wrapper's loop reads its own way (whitespace after a no-break space ends
        # mid-character): its answer, whatever it is.
        return _wrapper_offsets(chunk)
    if len(encoded) != len(chunk):
        bounds = np.concatenate(([0], np.cumsum(leading[:-1])))[bounds]
    flat = bounds.tolist()
    return list(zip(flat[0::2], flat[1::2]))


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
            for s2, e2 in _missed_boundaries(chunk, *strip_span(chunk, s, e)):
                if e2 > s2:
                    sentences.append(RawSentence(unit.start + s2, unit.start + e2, unit_index))
    return sentences
