"""Writing systems: what a word is, what ends a sentence and how to fold text for matching.

Most scripts separate words with spaces (Latin, Cyrillic, Greek, Arabic, Hebrew, Hangul,
Devanagari): a word is a whitespace-separated token. Chinese, Japanese and Thai do not.
For them every character is a match unit ("token"): n-grams of characters stand in for
n-grams of words, the way character n-gram retrieval does for CJK (a Chinese word is 1.7
characters on average). Dictionary segmenters were measured against this in
``bench/monolingual.py`` (jieba for Chinese, fugashi with unidic-lite for Japanese):
no better decisions or recall, 7-20 times slower to tokenise, and a dependency each;
characters also serve Thai, with no dictionary at all.

Counting words is a separate question from matching them: thresholds written in English
words (a prose line has 12+ words, a sentence needs 3) must mean the same length of text
in every script. :func:`count_words` counts a run of characters of a script without
spaces as the number of English words it translates on average, measured on the WMT
news test sets (``bench/monolingual.py --calibrate``): 1.7 Chinese characters, 2.2
Japanese characters (kana included) per English word; Thai's 4 is an estimate (no Thai
text was at hand to measure it).

Folding for matching (:func:`fold`): case folding (``casefold``, so Greek final sigma and
German ß match), Arabic tatweel and vowel marks and Hebrew points dropped (writers and
editors add or leave them out), fullwidth ASCII made ASCII (CJK text mixes ``２０２２``
and ``2022``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import cache

__all__ = [
    "CLOSING_PUNCTUATION",
    "DIFF_TOKEN",
    "SENTENCE_TERMINALS",
    "count_words",
    "ends_sentence",
    "fold",
    "fold_ascii",
    "has_unspaced",
    "match_words",
    "split_extra_sentences",
]

# Scripts written without spaces between words: Han (with its iteration marks and the
# compatibility block), Hiragana, Katakana (with the prolonged sound mark and the halfwidth
# forms), Thai, Lao, Khmer, Myanmar.
_HAN = "\u3005-\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f"
_KANA = "\u3041-\u309f\u30a0-\u30ff\u31f0-\u31ff\uff66-\uff9f"
_SOUTHEAST = "\u0e00-\u0e7f\u0e80-\u0eff\u1000-\u109f\u1780-\u17ff"
UNSPACED = _HAN + _KANA + _SOUTHEAST
_UNSPACED = re.compile(f"[{UNSPACED}]")
_KANA_RE = re.compile(f"[{_KANA}]")
_SOUTHEAST_RE = re.compile(f"[{_SOUTHEAST}]")

# Average characters per English word (see the module docstring).
CHARS_PER_WORD_CHINESE = 1.7
CHARS_PER_WORD_JAPANESE = 2.2
CHARS_PER_WORD_SOUTHEAST = 4.0

# Combining marks that belong inside a word: without them in the word class, ``\W``
# would cut "काम" or a decomposed "é" apart at the mark. Thai and Lao marks too.
_MARKS = "\u0300-\u036f\u0483-\u0489\u0900-\u0963\u0966-\u0dff\u0e31\u0e34-\u0e3a\u0e47-\u0e4e\u0eb1\u0eb4-\u0ebc"
_MARKS += "\u0ec8-\u0ecd\u102b-\u103e\u17b4-\u17d3\u3099\u309a"
_NON_WORD = re.compile(rf"[^\w{_MARKS}]+")
_ASCII_NON_WORD_TO_SPACE = str.maketrans({c: " " for c in map(chr, range(128)) if _NON_WORD.match(c)})
# Tokens of the changed-words diff in reports: words, each character of an unspaced
# script, and each punctuation mark (for text with spaces: ``\w+|[^\w\s]``).
DIFF_TOKEN = re.compile(rf"[{UNSPACED}]|[^\W{UNSPACED}]+|[^\w\s]")


# The match units of text with an unspaced script, and its runs of one kind: compiled on
# first use, since only such text needs them, and each class of the unspaced scripts costs
# Python's regex compiler about 5 ms (it lists their 30,000 characters one by one).
@cache
def _token() -> re.Pattern[str]:
    return re.compile(rf"[{UNSPACED}]|[^\s{UNSPACED}]+")


@cache
def _run() -> re.Pattern[str]:
    return re.compile(rf"[{UNSPACED}]+|[^\s{UNSPACED}]+")


# A dictionary segmenter for runs of unspaced characters, ``run -> words``; None: one
# unit per character. Only ``bench/monolingual.py`` sets it, to measure the alternative.
_segmenter: Callable[[str], list[str]] | None = None

# Characters dropped before matching: Arabic tatweel, harakat, superscript alef and
# Quranic marks; Hebrew points and cantillation; the zero-width joiners and soft hyphen.
_DROP = dict.fromkeys(
    [
        0x0640,
        *range(0x064B, 0x0660),
        0x0670,
        *range(0x06D6, 0x06EE),
        *range(0x0591, 0x05BE),
        0x05BF,
        0x05C1,
        0x05C2,
        0x05C4,
        0x05C5,
        0x05C7,
        0x00AD,
        0x200B,
        0x200C,
        0x200D,
        0x2060,
        0xFEFF,
    ]
)
# Fullwidth ASCII (U+FF01..U+FF5E) and the ideographic space.
_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
_FOLD_TABLE = _DROP | _WIDTH
_NEEDS_TABLE = re.compile(
    "[\u00ad\u0591-\u05c7\u0640-\u065f\u0670\u06d6-\u06ed\u200b-\u200d\u2060\u3000\ufeff\uff01-\uff5e]"
)

# Sentence-final punctuation beyond ASCII's: CJK full stops and fullwidth marks, the
# ellipsis forms, Arabic and Urdu question mark and full stop, Devanagari danda,
# Armenian, Ethiopic, Myanmar and Khmer full stops.
SENTENCE_TERMINALS = "。｡．！？\u061f\u06d4\u0964\u0965\u0589\u1362\u104b\u17d4"
# Closing quotes and brackets that belong to the sentence before them.
CLOSING_PUNCTUATION = "」』）〕】》〉”’\"')"
_MORE_SENTENCES = re.compile(rf"[\u0964\u0965\u061f\u06d4。！？｡][{re.escape(CLOSING_PUNCTUATION)}]*")
_THAI_BREAK = re.compile("(?<=[\u0e00-\u0e7f]) +(?=[\u0e00-\u0e7f])")


def has_unspaced(text: str) -> bool:
    """Whether ``text`` holds any character of a script written without spaces."""
    # Those scripts are all outside ASCII, and isascii() is far cheaper than the search.
    return not text.isascii() and _UNSPACED.search(text) is not None


def fold(text: str) -> str:
    """Case-fold and drop what writers add or leave out at will (see the module docstring).

    Lengths change: never use the result for offsets.
    """
    if not text.isascii():
        if _NEEDS_TABLE.search(text):
            text = text.translate(_FOLD_TABLE)
        if not unicodedata.is_normalized("NFC", text):
            text = unicodedata.normalize("NFC", text)
    return text.casefold()


def normalise(text: str) -> str:
    """Fold, drop punctuation and squeeze spaces: the form lexical matching sees."""
    if text.isascii():
        # The same for ASCII at half the cost of the regex (most sentences of most news):
        # folding is lower-casing, and the words are the runs of [A-Za-z0-9_]. (fold_ascii,
        # written out: this line runs for every sentence the aligner compares.)
        return " ".join(text.lower().translate(_ASCII_NON_WORD_TO_SPACE).split())
    return _NON_WORD.sub(" ", fold(text)).strip()


def fold_ascii(text: str) -> str:
    """ASCII ``text`` lower-cased and its punctuation made spaces, character for character.

    ``normalise`` of ASCII text is ``" ".join(fold_ascii(text).split())``. Lengths are kept,
    so a slice of ``fold_ascii(text)`` is ``fold_ascii`` of that slice of ``text``: a whole
    document folded once serves all its sentences.
    """
    return text.lower().translate(_ASCII_NON_WORD_TO_SPACE)


def match_words(text: str) -> list[str]:
    """The match units of ``text``, already normalised: its words, and each character of scripts without spaces.

    For text with spaces between words this is ``text.split()``.
    """
    if not has_unspaced(text):
        return text.split()
    if _segmenter is None:
        return _token().findall(text)
    out: list[str] = []
    for run in _run().findall(text):
        if _UNSPACED.match(run):
            out.extend(w for w in _segmenter(run) if not w.isspace())
        else:
            out.append(run)
    return out


def _unspaced_words(chars: str) -> float:
    han_or_kana = len(chars) - len(_SOUTHEAST_RE.findall(chars))
    southeast = len(chars) - han_or_kana
    per_word = CHARS_PER_WORD_JAPANESE if _KANA_RE.search(chars) else CHARS_PER_WORD_CHINESE
    return han_or_kana / per_word + southeast / CHARS_PER_WORD_SOUTHEAST


def count_words(text: str) -> int:
    """Words in ``text``, counting a script without spaces in English-word equivalents.

    For text with spaces between words this is ``len(text.split())``, punctuation tokens
    included, as the rules that call it were written for. A token that holds characters
    of a script without spaces counts as those characters' English-word equivalent (at
    least one word), plus one for any other letters or digits it holds ("2022年").
    """
    if not has_unspaced(text):
        return len(text.split())
    total = 0.0
    for token in text.split():
        chars = "".join(_UNSPACED.findall(token))
        if not chars:
            total += 1
            continue
        total += max(1.0, _unspaced_words(chars))
        if _NON_WORD.sub("", _UNSPACED.sub("", token)):
            total += 1
    return int(total + 0.5)


def ends_sentence(line: str, ascii_terminals: tuple[str, ...]) -> bool:
    """Whether a line ends like a sentence: one of ``ascii_terminals`` or a non-Latin sentence end.

    A closing quote or bracket after the full stop is allowed ("…了。」").
    """
    stripped = line.rstrip()
    if stripped.endswith(ascii_terminals):
        return True
    core = stripped.rstrip(CLOSING_PUNCTUATION)
    return bool(core) and core[-1] in SENTENCE_TERMINALS


def strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    """``text[start:end]``'s bounds without its leading and trailing whitespace."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def split_extra_sentences(chunk: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Correct the sentence spans of a sentence splitter made for Latin script.

    * Closing quotes and brackets that start a span after a CJK full stop ("吧。」然后")
      are moved back to the sentence they close.
    * Spans are cut after a Devanagari danda, an Arabic question mark, a CJK full stop,
      exclamation or question mark that were left inside a span, when more text follows.
    * Thai marks a sentence (or clause) end with a space: a space between Thai letters cuts.
    """
    if chunk.isascii():
        # None of those marks or letters is ASCII: each span is only trimmed.
        return [(s, e) for s, e in (strip_span(chunk, s, e) for s, e in spans) if e > s]
    return _split_at_marks(chunk, spans)


def _split_at_marks(chunk: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """:func:`split_extra_sentences` for text of any script."""
    moved: list[list[int]] = []
    for start, end in spans:
        if moved and start < end and chunk[start] in CLOSING_PUNCTUATION and moved[-1][1] <= start:
            prev_core = chunk[moved[-1][0] : moved[-1][1]].rstrip().rstrip(CLOSING_PUNCTUATION)
            if prev_core and prev_core[-1] in SENTENCE_TERMINALS:
                cut = start
                while cut < end and chunk[cut] in CLOSING_PUNCTUATION:
                    cut += 1
                moved[-1][1] = cut
                start = cut
                while start < end and chunk[start].isspace():
                    start += 1
        if start < end:
            moved.append([start, end])
    out: list[tuple[int, int]] = []
    for start, end in moved:
        cuts = [m.end() for m in _MORE_SENTENCES.finditer(chunk, start, end) if chunk[m.end() : end].strip()]
        cuts += [m.start() for m in _THAI_BREAK.finditer(chunk, start, end)]
        bounds = [start, *sorted(set(cuts)), end]
        for s, e in zip(bounds, bounds[1:]):
            while s < e and chunk[s].isspace():
                s += 1
            while e > s and chunk[e - 1].isspace():
                e -= 1
            if e > s:
                out.append((s, e))
    return out
