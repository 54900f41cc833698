"""The sentencex candidate for copytrail's sentence splitter (not adopted): sentencex read as blingfire cuts.

blingfire (copytrail's splitter, 99 MB installed at 0.1.8, most of it tokenizer models; 25 MB
at the 0.1.2 now pinned) could be
replaced by sentencex (Wikimedia's rule-based segmenter, a 4 MB Rust extension) only if
the sentences stayed the same. ``bench/sentence_split.py`` measures this function against
copytrail's pipeline; the rules below were written on its DEV half and bring sentencex
from 87 % to 98 % of blingfire's in-unit cuts (99 % on news sources), and the Kherson,
chrome-pairs, WMT and scan benches give the same relations. It was not adopted: of the
differences left on news and WMT text, blingfire is right about three times as often
(Russian dialogue "«…!» - сказал он" cut before the dash; abbreviations sentencex knows
where blingfire cut rightly, "in May. Nokia", "(SEC). Monsanto"; "..." before "I").
See ``bench/results/sentence_split.md``.

* sentencex keeps no boundary inside quotes or brackets that it pairs, and pairs an
  unbalanced straight quote with the next one, paragraphs away: quotes and brackets are
  read as spaces (same length, so offsets hold). The cut then goes at the first whitespace
  between two sentences, which leaves a closing quote or bracket with its sentence and an
  opening one with the next; without whitespace it goes before the first opener.
* A full stop written after a space ("America . But"), or followed by a semicolon, ends
  a sentence before a capital.
* Reference marks go with the sentence before them ("Fire." [1] Abu).
* After ``.``, ``!`` or ``?`` (and closing quotes), no cut where no space follows
  ("pct.It"), before a lower-case letter, before ``@`` or a number that is no list number, nor after the title
  "Ms." (sentencex 1.0.32 ends a sentence there).
* No cut after a word with no mark after it: sentencex starts a sentence at an inline
  list marker ("Share • Save • Listen"), blingfire did not.
* A piece with no letter or digit (a stray ``.``) joins the sentence before it.

Offsets are code-point offsets into the chunk, whitespace trimmed.
"""

from __future__ import annotations

import re

import sentencex

from copytrail.normalize.scripts import CLOSING_PUNCTUATION, strip_span

__all__ = ["sentence_offsets"]

_QUOTES = '"\u201c\u201d\u00ab\u00bb\u201e'
_AS_SPACE = str.maketrans(dict.fromkeys(_QUOTES + "()[]{}<>", " "))
_OPENERS = frozenset("\u201c\u00ab\u201e\u2018([")
_ASCII_END = frozenset(".!?")
_CLOSERS = frozenset(CLOSING_PUNCTUATION + "]}\u00bb")
_SPACED_STOP = re.compile(r"(?<=\S)\s+[.!?]+\s+(?=[A-Z])")
_STOP_SEMICOLON = re.compile(r"[.!?][\"\u201d']?;\s+(?=[A-Z])")
_LEADING_OPENERS = re.compile(r"[\"'\u201c\u2018\u00ab\u201e(\[{<]*")
_REFERENCES = re.compile(r"(?:\s*\[\d+\])+")
_REFERENCE_BEFORE = re.compile(r"\s*\[\d+\]$")
_LIST_NUMBER = re.compile(r"\d{1,2}[.)]\s")
_ALNUM = re.compile(r"[^\W_]")
_TITLE_MS = re.compile(r"(?<![^\W\d_])Ms\.$")
# How far back a cut looks for "Ms." (the title and the whitespace before the cut).
_LOOK_BACK = 64


def _sentencex_cuts(chunk: str) -> set[int]:
    """Where sentencex starts a sentence, read with quotes and brackets as spaces."""
    neutral = chunk.translate(_AS_SPACE)
    spans, pos = [], 0
    for piece in sentencex.segment("en", neutral):
        start, end = strip_span(neutral, pos, pos + len(piece))
        pos += len(piece)
        if end > start:
            spans.append((start, end))
    cuts = set()
    for (_, end), (start, _) in zip(spans, spans[1:]):
        gap = chunk[end:start]
        space = next((i for i, c in enumerate(gap) if c.isspace()), None)
        if space is None:
            space = next((i for i, c in enumerate(gap) if c in _OPENERS), len(gap))
        cut = end + space
        # Reference marks belong to the sentence they follow ("Fire." [1] Abu).
        references = _REFERENCES.match(chunk, cut)
        if references and references.end() < len(chunk):
            cut = references.end()
        cuts.add(cut)
    return cuts


def _keeps(chunk: str, cut: int) -> bool:
    """Whether a cut before ``cut`` stands (see the module docstring)."""
    left_end = cut
    while left_end > 0 and chunk[left_end - 1].isspace():
        left_end -= 1
    right = cut
    while right < len(chunk) and chunk[right].isspace():
        right += 1
    if right == len(chunk):
        return False
    last = chunk[left_end - 1] if left_end else ""
    if last not in _ASCII_END:
        inside = left_end
        while (mark := _REFERENCE_BEFORE.search(chunk, max(0, inside - 16), inside)) is not None:
            inside = mark.start()
        while inside > 0 and chunk[inside - 1] in _CLOSERS:
            inside -= 1
        if inside and chunk[inside - 1].isalnum():
            return False
        if inside and chunk[inside - 1] in _ASCII_END and not chunk[cut - 1].isspace() and not chunk[cut].isspace():
            return False
        inside = left_end
        while inside > 0 and chunk[inside - 1] == ")":
            inside -= 1
        return not (inside and chunk[inside - 1] in _ASCII_END and chunk[right].islower())
    if not chunk[cut - 1].isspace() and not chunk[cut].isspace():
        return False
    if chunk[right].isupper() and _TITLE_MS.search(chunk[max(0, left_end - _LOOK_BACK) : left_end]):
        return False
    if chunk[right].islower():
        return False
    first = _LEADING_OPENERS.match(chunk, right).end()
    nxt = chunk[first : first + 1]
    return not (nxt == "@" or (nxt.isdigit() and not _LIST_NUMBER.match(chunk, first)))


def sentence_offsets(chunk: str) -> list[tuple[int, int]]:
    """The sentences of ``chunk`` as code-point ``(start, end)`` offsets, whitespace trimmed.

    The spans are in order, do not overlap, and leave out nothing but whitespace.
    """
    if not chunk or chunk.isspace():
        return []
    cuts = _sentencex_cuts(chunk)
    cuts.update(m.end() for m in _SPACED_STOP.finditer(chunk))
    cuts.update(m.end() for m in _STOP_SEMICOLON.finditer(chunk))
    bounds = [0, *(c for c in sorted(cuts) if 0 < c < len(chunk) and _keeps(chunk, c)), len(chunk)]
    spans: list[tuple[int, int]] = []
    for a, b in zip(bounds, bounds[1:]):
        start, end = strip_span(chunk, a, b)
        if end <= start:
            continue
        if spans and not _ALNUM.search(chunk, start, end):
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
    return spans
