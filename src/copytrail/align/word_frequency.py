"""How common a word is, from wordfreq, without loading wordfreq in most processes.

The reuse-evidence rule (:mod:`copytrail.align.evidence`) weighs each aligned word by
its Zipf frequency in wordfreq's lists, and only down to Zipf 3: every rarer word weighs
the same. Loading wordfreq cost a one-pair ``copytrail compare`` about 0.25 s of its
1 s: importing it (langcodes, ftfy, regex) and reading the language's whole list
(every word down to Zipf 1, gzip and msgpack).

So the first use in each language writes a small table to the cache
(:func:`copytrail.cache.cache_dir`): the Zipf frequency, as wordfreq gives it, of each
word above Zipf 3, and of each number of up to four digits. Later processes read the
table (a few ms) and ask wordfreq itself only about a word its tokenizer might change:
one with a capital, a mark, a mixed script, or in a language it splits with a
dictionary or transliterates. For every other word (lower-case letters already in the
language's normal form, or plain digits) wordfreq's answer is a lookup of the word
itself, so the table gives exactly wordfreq's figure, or says it is at most Zipf 3.

Words of ASCII letters and digits ("£35m" gives "35m"; "21st", "1960s", "x800"), in
about half of all news stories, are worked out from the table too: wordfreq looks up
the word with each run of two or more digits written as zeros ("00m") and multiplies
by its estimate of how common those digits are (:func:`_digit_frequency`, wordfreq's
own formula).
``tests/align/test_word_frequency.py`` holds the two equal on real text of many
languages and on random strings.
"""

from __future__ import annotations

import json
import math
import re
import sys
import unicodedata
from bisect import bisect_left
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from importlib.util import find_spec
from pathlib import Path

from copytrail.cache import cache_dir, keep_text
from copytrail.normalize.scripts import has_unspaced

__all__ = ["RARE_ZIPF", "TwoZipfs", "zipf_at_least_rare", "zipf_here_and_in"]

# Words rarer than about once in a million all weigh the same in the evidence rule.
RARE_ZIPF = 3.0
_DIGIT_TOKENS = 4  # numbers of up to this many digits are in the table; longer ones ask wordfreq
# 2: saved as text that reads back in a few ms (1: JSON, 15-20 ms for English in every compare).
_TABLE_VERSION = 2
# A language code as copytrail and wordfreq write them ("en", "pt-BR", "zh-Hant").
_LANGUAGE_CODE = re.compile(r"[a-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*")
# A letter to str.isalpha, but a mark that wordfreq drops in Arabic script ("remove_marks").
_TATWEEL = "\N{ARABIC TATWEEL}"
# A letter to str.isalpha, but a quote mark that wordfreq makes an apostrophe (ftfy's
# uncurl_quotes): Ukrainian "пʼять" is looked up as "п'ять" (Zipf 5.09, not "at most 3").
_MODIFIER_APOSTROPHE = "\N{MODIFIER LETTER APOSTROPHE}"
_CURLY_APOSTROPHE = "\N{RIGHT SINGLE QUOTATION MARK}"
# What wordfreq's tokenizer elides before ("l'arc", "d'heure", "qu'un"): INITIAL_VOWEL_EXPR
# in wordfreq/tokens.py, wordfreq 3.x.
_ELIDED_BEFORE = frozenset("AEHIOUYÁÉÍÓÚÀÈÌÒÙÂÊÎÔÛÅÏÖŒaehiouyáéíóúàèìòùâêîôûåïöœ")


def zipf_at_least_rare(word: str, language: str) -> float | None:
    """wordfreq's Zipf frequency of ``word`` in ``language``, or :data:`RARE_ZIPF` if it is lower.

    None when wordfreq has no list for the language, or is not installed.
    """
    table = _table(language)
    if table is None:
        return None
    if table.eligible(word):
        return table.zipf.get(word, RARE_ZIPF)
    if table.alphanumeric(word):
        return _alphanumeric_zipf(word, table.zipf)
    return _from_wordfreq(word, language)


def _from_wordfreq(word: str, language: str) -> float | None:
    try:
        from wordfreq import zipf_frequency

        return max(RARE_ZIPF, zipf_frequency(word, language))
    except (ImportError, LookupError, ValueError):
        return None


# wordfreq's frequencies of a digit string (wordfreq/numbers.py, wordfreq 3.x, Apache-2.0):
# Benford's law for the first digit, and a peak at recent years for four digits.
# ``tests/align/test_word_frequency.py`` holds this equal to wordfreq's ``digit_freq``.
_BENFORD = (0.009, 0.300, 0.175, 0.124, 0.096, 0.078, 0.066, 0.057, 0.050, 0.045)
_YEAR_LOG_PEAK, _NOT_YEAR, _REFERENCE_YEAR, _PLATEAU = -1.9185, 0.1, 2019, 20
# In a word of letters and digits, wordfreq's r"\d[\d.,]+" is a run of two or more digits.
_DIGIT_RUN = re.compile(r"[0-9]{2,}")


def _benford(digits: str) -> float:
    return _BENFORD[int(digits[0])] / 10 ** (len(digits) - 1)


def _year(digits: str) -> float:
    year = int(digits)
    if year <= _REFERENCE_YEAR:
        log_frequency = _YEAR_LOG_PEAK - 0.0083 * (_REFERENCE_YEAR - year)
    elif year <= _REFERENCE_YEAR + _PLATEAU:
        log_frequency = _YEAR_LOG_PEAK
    else:
        log_frequency = _YEAR_LOG_PEAK - 0.2 * (year - (_REFERENCE_YEAR + _PLATEAU))
    return 10.0**log_frequency + _NOT_YEAR * _benford(digits)


def _digit_frequency(word: str) -> float:
    frequency = 1.0
    for run in _DIGIT_RUN.findall(word):
        frequency *= _year(run) if len(run) == 4 else _benford(run)
    return frequency


def _alphanumeric_zipf(word: str, zipf: Mapping[str, float]) -> float:
    """wordfreq's Zipf figure of a word of ASCII letters and digits, floored at Zipf 3.

    The arithmetic is wordfreq's ``_word_frequency`` for one token, step by step, so
    that the figure is equal to the last digit.
    """
    smashed = _DIGIT_RUN.sub(lambda run: "0" * len(run.group()), word)
    if smashed not in zipf:
        # The zeroed word is at most Zipf 3, and the digits' frequency is below 1.
        return RARE_ZIPF
    if smashed == word:
        return zipf[smashed]
    # The table holds wordfreq's rounded figure of a list entry, 9 - bucket/100 exactly.
    bucket = round((9 - zipf[smashed]) * 100)
    frequency = 1.0 / (1.0 / (10 ** (-bucket / 100) * _digit_frequency(word)))
    frequency = max(frequency, 10 ** (0.0 - 9))
    frequency = round(frequency, math.floor(-math.log(frequency, 10)) + 3)
    return max(RARE_ZIPF, round(math.log(frequency, 10) + 9, 2))


class _Figures(Mapping[str, float]):
    """Zipf figures of words, as saved: the words in sorted order, and each one's figure in
    hundredths, three digits a word, in one string. Reading a table back is then splitting
    one string, not building a dict of thirty thousand entries (json.loads: 15-20 ms); a
    lookup is a binary search."""

    __slots__ = ("_hundredths", "_words")

    def __init__(self, words: list[str], hundredths: str) -> None:
        self._words = words
        self._hundredths = hundredths

    def _index(self, word: object) -> int:
        i = bisect_left(self._words, word) if isinstance(word, str) else len(self._words)
        return i if i < len(self._words) and self._words[i] == word else -1

    def __getitem__(self, word: str) -> float:
        i = self._index(word)
        if i < 0:
            raise KeyError(word)
        return self._figure(i)

    def _figure(self, i: int) -> float:
        # The figure wordfreq gave, rounded to hundredths, and so exactly this quotient.
        return int(self._hundredths[3 * i : 3 * i + 3]) / 100

    def __contains__(self, word: object) -> bool:
        return self._index(word) >= 0

    def get(self, word: str, default: float | None = None) -> float | None:  # type: ignore[override]
        i = self._index(word)
        return default if i < 0 else self._figure(i)

    def __iter__(self) -> Iterator[str]:
        return iter(self._words)

    def __len__(self) -> int:
        return len(self._words)


def _dumps(data: dict) -> str | None:
    """A table as saved: a JSON line (what the table is), the figures line (:class:`_Figures`),
    then the words, one a line. None if a figure or a word does not fit the format (no figure
    of wordfreq's does: each is rounded to hundredths, from 0 to 9): the table is then kept in
    memory only."""
    header = {key: value for key, value in data.items() if key != "zipf"}
    zipf = data.get("zipf", {})
    words = sorted(zipf)
    hundredths = [round(zipf[word] * 100) for word in words]
    if any(
        not 0 <= h <= 999 or h / 100 != zipf[word] or "\n" in word or "\r" in word
        for word, h in zip(words, hundredths, strict=True)
    ):
        return None
    return "\n".join([json.dumps(header), "".join(f"{h:03d}" for h in hundredths), *words])


def _read(path: Path) -> _Table | None:
    # Bytes decoded, not read_text: its newline translation took longer than the rest of the
    # reading. No word holds a "\r", so one is a newline that a platform wrote as "\r\n".
    text = path.read_bytes().decode("utf-8")
    return _loads(text.replace("\r\n", "\n") if "\r" in text else text)


def _loads(text: str) -> _Table | None:
    header, hundredths, *rest = text.split("\n", 2)
    data = json.loads(header)
    if not data["known"]:
        return None
    words = rest[0].split("\n") if rest and rest[0] else []
    if len(hundredths) != 3 * len(words) or (words and not (hundredths.isascii() and hundredths.isdigit())):
        raise ValueError("a damaged table")
    return _Table(_Figures(words, hundredths), data["normal_form"], data["lookup"])


def _keep(path: Path, data: dict) -> None:
    text = _dumps(data)
    if text is not None:
        keep_text(path, text)


class _Table:
    """One language's common words and how to tell the words its lookup answers for."""

    def __init__(self, zipf: Mapping[str, float], normal_form: str, lookup: str) -> None:
        self.zipf = zipf
        self._normal_form = normal_form
        self._digits = lookup != "none"
        self._letters = lookup == "digits and letters"

    def alphanumeric(self, word: str) -> bool:
        """Whether ``word`` is lower-case ASCII letters and digits that wordfreq keeps as one token."""
        if not (word.isascii() and word.isalnum() and word == word.lower()):
            return False
        return self._letters or (self._digits and word.isdigit())

    def form(self, word: str) -> str | None:
        """The word wordfreq looks ``word`` up as, where the table answers for it exactly; else None.

        That is wordfreq's ``preprocess_text`` (the language's normal form, then case folding:
        "Straße" is looked up as "strasse") for a word of letters only, in a language whose
        preprocessing changes no other letter: a letter has no combining mark or tatweel to
        drop, and the folded word must be one the table answers for (:meth:`eligible`).
        """
        if not self._letters:
            return None
        normal = unicodedata.normalize(self._normal_form, word)
        head, apostrophe, tail = normal.partition("'") if "'" in normal else normal.partition(_CURLY_APOSTROPHE)
        if apostrophe:
            return self._form_with_apostrophe(head, tail)
        if not normal.isalpha() or _TATWEEL in normal:
            return None
        folded = normal.casefold()
        return folded if self.eligible(folded) else None

    def _form_with_apostrophe(self, head: str, tail: str) -> str | None:
        """Latin letters, one apostrophe, Latin letters ("O'Brien", "McDonald’s"): wordfreq's
        tokenizer keeps such a word whole (Unicode's word breaks: no break around an
        apostrophe between letters), and ftfy's uncurl_quotes makes a curly apostrophe
        straight; except that a word of one or two letters before a plain apostrophe and a
        vowel or h after it is cut in two, as French elides ("l'Europe"). That one, and
        others, go to wordfreq (None)."""
        folded_head, folded_tail = head.casefold(), tail.casefold()
        if not (
            self.eligible(folded_head)
            and self.eligible(folded_tail)
            and head.isalpha()
            and tail.isalpha()
            and all(unicodedata.name(c, "").startswith("LATIN ") for c in head + tail)
        ):
            return None
        if len(folded_head) <= 2 and folded_tail[0] in _ELIDED_BEFORE:
            return None
        return f"{folded_head}'{folded_tail}"

    def eligible(self, word: str) -> bool:
        """Whether wordfreq would look ``word`` up as it is (so the table's answer is exact)."""
        if word.isascii() and word.isdigit():
            return self._digits and len(word) <= _DIGIT_TOKENS
        return (
            self._letters
            and word.isalpha()
            and word == word.casefold()
            and not has_unspaced(word)
            and _TATWEEL not in word
            and _MODIFIER_APOSTROPHE not in word
            and unicodedata.is_normalized(self._normal_form, word)
        )


@cache
def _table(language: str) -> _Table | None:
    spec = find_spec("wordfreq")
    if spec is None or spec.origin is None:
        return None
    if not _LANGUAGE_CODE.fullmatch(language):
        # Not a code a file may be named after: every word goes to wordfreq, as before the table.
        return _Table({}, "NFC", "none")
    return _cached(Path(spec.origin), language, f"common {language} words", lambda: _build(language))


def _cached(wordfreq: Path, name: str, what: str, build: Callable[[], dict]) -> _Table | None:
    """The table saved in the cache as ``name`` for this ``wordfreq`` (its module file), or ``build()``'s, saved."""
    stat = wordfreq.stat()
    path = cache_dir() / f"wordfreq-v{_TABLE_VERSION}-{stat.st_size}-{stat.st_mtime_ns}-{name}.txt"
    try:
        return _read(path)
    except (OSError, ValueError, KeyError, TypeError):
        pass  # not built yet, or not a table this version wrote: built again
    # About a second a language, once per cache: said, as the other one-time steps are.
    print(f"copytrail: listing wordfreq's {what} once, into {path.parent} ...", file=sys.stderr)
    data = build()
    _keep(path, data)
    return _from_saved(data)


@dataclass(frozen=True)
class TwoZipfs:
    """wordfreq's Zipf figures of one word in its language and in another, as far as the tables tell them."""

    # The exact figure; or RARE_ZIPF, meaning "at most Zipf 3" (the table keeps no rarer word).
    own: float
    # The exact figure in the other language; None where ``own`` is below the floor asked for.
    other: float | None


def zipf_here_and_in(word: str, language: str, other: str, floor: float) -> TwoZipfs | None:
    """wordfreq's Zipf figures of ``word`` in ``language`` and, where that is at least ``floor``,
    in ``other``, from the cached tables, without loading wordfreq; None where the tables cannot
    tell them exactly (ask wordfreq).

    The figure in ``other`` comes from a second table, written on first use: for each word of
    ``language``'s table at Zipf ``floor`` or more, its figure in ``other`` however rare (German
    "Menschen": 5.9, and 2.1 in English).
    """
    table = _table(language)
    if table is None:
        return None
    form = table.form(word)
    if form is None:
        # A word of ASCII letters and digits ("Psych2Goers", "G7"): its figure as the evidence
        # rule reads it (lower case is wordfreq's case folding of ASCII), when below the floor.
        lowered = word.lower() if word.isascii() else ""
        if lowered and table.alphanumeric(lowered):
            own = _alphanumeric_zipf(lowered, table.zipf)
            return TwoZipfs(own, None) if own < floor else None
        return None
    own = table.zipf.get(form)
    if own is None:
        return TwoZipfs(RARE_ZIPF, None)
    if own < floor:
        return TwoZipfs(own, None)
    elsewhere = _table_in(language, other, floor)
    # The same word to ``other``'s preprocessing too, so that its figure is the word's.
    if elsewhere is None or elsewhere.form(word) != form or form not in elsewhere.zipf:
        return None
    return TwoZipfs(own, elsewhere.zipf[form])


@cache
def _table_in(language: str, other: str, floor: float) -> _Table | None:
    """``other``'s figures of the words of ``language``'s table at Zipf ``floor`` or more."""
    table = _table(language)
    spec = find_spec("wordfreq")
    if table is None or spec is None or spec.origin is None or not _LANGUAGE_CODE.fullmatch(other):
        return None
    return _cached(
        Path(spec.origin),
        f"{language}-in-{other}-from-{floor:g}",
        f"{other} figures of common {language} words",
        lambda: _build_in(sorted(word for word, zipf in table.zipf.items() if zipf >= floor), other),
    )


def _build_in(words: list[str], other: str) -> dict:
    from wordfreq import zipf_frequency
    from wordfreq.language_info import get_language_info

    try:
        figures = {word: zipf_frequency(word, other) for word in words}
    except LookupError:
        return {"known": False}
    info = get_language_info(other)
    changes_letters = info["tokenizer"] != "regex" or any(
        info[step] for step in ("transliteration", "lookup_transliteration", "dotless_i", "diacritics_under")
    )
    # Where ``other``'s preprocessing may change letters, no word's form there is known: wordfreq answers.
    lookup = "none" if changes_letters else "digits and letters"
    zipf = {} if changes_letters else figures
    return {"known": True, "zipf": zipf, "normal_form": info["normal_form"], "lookup": lookup}


def _from_saved(data: dict) -> _Table | None:
    return _Table(data["zipf"], data["normal_form"], data["lookup"]) if data["known"] else None


def _build(language: str) -> dict:
    """The table of ``language``, computed with wordfreq itself."""
    from wordfreq import get_frequency_list, zipf_frequency
    from wordfreq.language_info import get_language_info

    try:
        buckets = get_frequency_list(language)
    except LookupError:
        return {"known": False}
    info = get_language_info(language)
    if info["tokenizer"] != "regex":
        # Chinese, Japanese and Korean are split by a dictionary (jieba, MeCab): wordfreq
        # answers every word, as before the table.
        return {"known": True, "zipf": {}, "normal_form": info["normal_form"], "lookup": "none"}
    # Only these preprocessing steps leave a lower-case word in normal form as it is;
    # the others (transliteration, dotless i, cedillas) can change it. Dropped marks
    # cannot: ``eligible`` asks for letters only, and no tatweel.
    changes_letters = any(
        info[step] for step in ("transliteration", "lookup_transliteration", "dotless_i", "diacritics_under")
    )
    # wordfreq's lists are buckets of one centibel each, the commonest first: Zipf 9 - index/100.
    above_rare = round((9 - RARE_ZIPF) * 100)
    words = set() if changes_letters else {word for bucket in buckets[:above_rare] for word in bucket}
    numbers = {str(n).zfill(width) for width in range(1, _DIGIT_TOKENS + 1) for n in range(10**width)}
    zipf = {}
    for word in sorted(words | numbers):
        value = zipf_frequency(word, language)
        if value > RARE_ZIPF:
            zipf[word] = value
    return {
        "known": True,
        "zipf": zipf,
        "normal_form": info["normal_form"],
        "lookup": "digits" if changes_letters else "digits and letters",
    }
