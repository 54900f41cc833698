"""What the change detectors must know of a language other than English.

Month and weekday names are CLDR's, from a table the package ships (``models/cldr_names.json``,
43 KB: every language copytrail identifies), built from ``babel`` (34 MB, a dev dependency)
by ``bench/build_cldr_names.py``. Languages that inflect them get a small rule on top: Russian
(and the other East Slavic languages) changes the ending ("январь", "января", "в январе";
"среда", "в среду"), Finnish and Estonian add case endings to the nominative
("tammikuussa", "maanantaista"). Chinese and Japanese write months and days with digits
("5月3日") and weekdays as "星期一" / "周一" / "月曜日".

Negation is a short list of words per language (German "nicht", "kein…"; Spanish "no";
Russian "не"; Finnish "ei" and its persons; Japanese "ない", "ません"; Chinese "不", "没"),
enough to tell that one version of a sentence says the opposite of the other.

German capitalises every noun, so a capital says little there: :func:`is_common_noun` tells
a noun from a name by how the word is used across languages (wordfreq). A name travels:
"Merkel", "Berlin", "Ukraine" are written the same in English news, nearly as often. A
noun stays home: "Menschen", "Gebäude" are frequent in German and rare or absent in English.
``bench/edits_multilingual.py`` measures all of it on labelled edits of WMT news;
``bench/name_words.py`` measures the noun test on the words of WMT's German documents.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

# Languages written without capitals for names (or without case at all): no name detector.
UNCASED = frozenset({"ja", "zh", "ko", "th", "lo", "km", "my", "ar", "fa", "ur", "he", "hi", "bn", "ta", "te", "ka"})
UNSPACED = frozenset({"ja", "zh", "th", "lo", "km", "my"})
# Languages that write every noun with a capital, not only names.
NOUNS_CAPITALISED = frozenset({"de", "lb"})
# A common noun of such a language (tuned on DEV, bench/name_words.py): at least this
# frequent in it (zipf 4.5: about 30 in a million words; rarer words, such as most German
# politicians' surnames, keep the benefit of the doubt) ...
COMMON_NOUN_ZIPF = 4.5
# ... and this much more frequent than in English: names travel ("Merkel" 4.8 in German,
# 3.4 in English; the widest gap of a name on DEV was 1.6), nouns do not ("Menschen" 5.9, 2.1).
COMMON_NOUN_GAP = 2.0
# East Slavic case endings of month and weekday names, after the nominative's last vowel or soft sign
# goes ("январ|ь", "сред|а"); "и" is left out, so that "среди" ("among") is no Wednesday.
_SLAVIC_ENDINGS = ("", "а", "я", "е", "у", "ю", "ь", "й", "ы", "ом", "ем", "ём", "ой", "ей", "ью")
_SLAVIC = frozenset({"ru", "uk", "be"})
_AGGLUTINATIVE = frozenset({"fi", "et"})

_NEGATORS = {
    "de": r"\b(?:nicht|kein|keine|keinen|keinem|keiner|keines|nie|niemals|nichts|niemand)\b",
    "es": r"\b(?:no|nunca|jamás|tampoco|nadie|nada|ningún|ninguna|ninguno|ni)\b",
    "ru": r"\b(?:не|ни|нет|никогда|ничего|никто|нельзя)\b",
    # Finnish negation verb in every person, also fused with "että", "jotta", "jos" and "-kä": ettei, ellei, eikä.
    "fi": r"\b(?:ett|jott|ell)?(?:ei|en|et|emme|ette|eivät)(?:kä)?\b|\b(?:älä|älkää)\b",
    # Japanese negative endings; Chinese negators, but not inside 非常 (very), 不过 (however),
    # 不断 (constantly), 未来 (future) and the like.
    "ja": r"ない|なかった|ません|ず(?=[、。にとも])",
    "zh": r"不(?![过仅断少同久论管但])|没有?|未(?![来知])|无(?![论])|非(?![常])|别(?![人的])",
}


@dataclass(frozen=True)
class Calendar:
    """A language's month and weekday names as one pattern, and the key each match means."""

    pattern: re.Pattern[str]
    keys: dict[str, str]

    def key(self, text: str) -> str:
        """``month:3`` or ``weekday:1`` for a name, whatever its case ending."""
        lowered = text.lower()
        if lowered in self.keys:
            return self.keys[lowered]
        for length in range(len(lowered) - 1, 1, -1):
            if lowered[:length] in self.keys:
                return self.keys[lowered[:length]]
        return lowered


@cache
def _cldr() -> dict[str, dict[str, list]]:
    """CLDR's names as ``bench/build_cldr_names.py`` took them from babel: per language, the
    wide forms of each month then each weekday; the one-word country names of German and
    Luxembourgish."""
    text = resources.files("copytrail.models").joinpath("cldr_names.json").read_text(encoding="utf-8")
    return json.loads(text)


def _names(language: str) -> tuple[list[set[str]], list[set[str]]] | None:
    """Per month and per weekday (Monday first), every wide CLDR form of its name, lower-cased."""
    table = _cldr()["calendars"].get(language)
    if table is None:
        return None
    return [set(forms) for forms in table[:12]], [set(forms) for forms in table[12:]]


def _stem(name: str, language: str) -> str:
    if language in _SLAVIC and name[-1:] in "ьйаяео":
        return name[:-1]
    return name


@cache
def calendar(language: str | None) -> Calendar | None:
    """Month and weekday names of ``language`` (ISO 639-1), or None for English or a code that
    copytrail's language identifier does not give or CLDR does not know."""
    if not language or language == "en" or language in UNSPACED:
        return None
    found = _names(language)
    if found is None:
        return None
    months, days = found
    keys: dict[str, str] = {}
    alternatives: list[str] = []
    for kind, table in (("month", months), ("weekday", days)):
        for index, forms in enumerate(table, start=1):
            for form in forms:
                keys[form] = f"{kind}:{index}"
                if language in _SLAVIC:
                    stem = _stem(form, language)
                    keys[stem] = f"{kind}:{index}"
                    endings = "|".join(sorted(_SLAVIC_ENDINGS, key=len, reverse=True))
                    alternatives.append(rf"{re.escape(stem)}(?:{endings})")
                elif language in _AGGLUTINATIVE:
                    alternatives.append(rf"{re.escape(form)}[^\W\d_]{{0,5}}")
                else:
                    # German genitive and adverb: "des Januars", "montags" (not "Mais", corn).
                    alternatives.append(rf"{re.escape(form)}s?" if len(form) > 4 else re.escape(form))
    alternatives.sort(key=len, reverse=True)
    pattern = re.compile(rf"(?<!\w)(?:{'|'.join(alternatives)})(?!\w)", re.IGNORECASE)
    return Calendar(pattern, keys)


# Korean's Sino-Korean numerals are single syllables (삼, 사) that stand inside other words.
NO_NUMBER_WORDS = UNSPACED | {"ko"}
# Cardinals from two (one is mostly an article: "ein", "un", "uno") and ordinals to tenth.
_CARDINALS = (*range(2, 21), 30, 40, 50, 60, 70, 80, 90, 100, 1000)
_ORDINALS = range(2, 11)


@dataclass(frozen=True)
class NumberWords:
    """A language's number words as written in full ("drei", "чотири", "kolmas") and their values."""

    pattern: re.Pattern[str]
    values: dict[str, int]

    def value(self, word: str) -> int:
        return self.values[re.sub(r"\s+", " ", word.lower())]


def spelled_by_num2words(language: str) -> dict[str, int] | None:
    """The number words ``num2words`` writes for ``language`` (lower-cased) and their values:
    cardinals from two, "hundert"/"tausend" alone, ordinals to tenth; None where it does not spell
    the language."""
    from num2words import num2words

    values: dict[str, int] = {}
    try:
        for n in _CARDINALS:
            values.setdefault(num2words(n, lang=language).lower(), n)
        two = num2words(2, lang=language).lower()
        for n in (100, 1000):
            # num2words writes "einhundert"; news writes "hundert", the word "zweihundert" ends in.
            twice = num2words(2 * n, lang=language).lower()
            if twice.startswith(two) and len(twice) > len(two):
                values.setdefault(twice[len(two) :].strip(), n)
    except NotImplementedError:
        return None
    for n in _ORDINALS:
        try:
            values.setdefault(num2words(n, lang=language, to="ordinal").lower(), n)
        except NotImplementedError:
            break
    return values


@cache
def _inflected_number_words() -> dict[str, dict[str, int]]:
    """Per language, inflected number words and their values ("трёх": 3, "kolmessa": 3, "dritten": 3),
    built from simplemma's dictionaries by ``bench/build_number_forms.py``."""
    text = resources.files("copytrail.models").joinpath("number_forms.json").read_text(encoding="utf-8")
    return json.loads(text)["languages"]


def _trie_pattern(words: list[str]) -> str:
    """One alternation of ``words`` as a trie ("drei(?:ßig|zehn)?"): Python's regex engine tries the
    branches of a flat alternation one by one, which for a thousand Finnish forms is slow."""
    trie: dict[str, dict] = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def emit(node: dict[str, dict]) -> str:
        branches = [(r"\s+" if char == " " else re.escape(char)) + emit(child) for char, child in node.items() if char]
        if not branches:
            return ""
        ends_here = "" in node
        if len(branches) == 1 and not ends_here:
            return branches[0]
        return f"(?:{'|'.join(branches)})" + ("?" if ends_here else "")

    return emit(trie)


@cache
def number_words(language: str | None) -> NumberWords | None:
    """Number words of ``language``: those ``num2words`` writes (cardinals, ordinals to tenth: the
    nominative), and their inflected forms from simplemma's dictionaries (Russian "трёх", "двумя",
    Finnish "kolmen", "kolmessa", German "dritten", Spanish "segunda"). None for English (its own
    rules), an unspaced script or Korean, and a language ``num2words`` does not spell.
    """
    if not language or language == "en" or language in NO_NUMBER_WORDS:
        return None
    values = spelled_by_num2words(language)
    if values is None:
        return None
    for form, value in _inflected_number_words().get(language, {}).items():
        values.setdefault(form, value)
    pattern = re.compile(rf"(?<!\w){_trie_pattern(sorted(values))}(?!\w)", re.IGNORECASE)
    return NumberWords(pattern, values)


@cache
def negator(language: str | None) -> re.Pattern[str] | None:
    """The pattern of the words that negate a sentence in ``language``; None where none is known."""
    return re.compile(_NEGATORS[language], re.IGNORECASE) if language in _NEGATORS else None


def has_case(language: str | None) -> bool:
    """Whether capitals mark names in ``language`` (German capitalises every noun too: see facts.names)."""
    return language not in UNCASED


@cache
def _place_names(language: str) -> frozenset[str]:
    """CLDR's one-word country and region names in ``language`` ("Deutschland", "Frankreich"):
    names, though only that language writes them so."""
    return frozenset(_cldr()["places"].get(language, ()))


@cache
def _common_word(word: str, language: str, min_zipf: float, min_gap: float) -> bool:
    if word.isupper() or word in _place_names(language) or word.removesuffix("s") in _place_names(language):
        return False  # an acronym, or a country in the genitive too: "Deutschlands"
    decided = _common_word_from_tables(word, language, min_zipf, min_gap)
    if decided is not None:
        return decided
    try:
        from wordfreq import zipf_frequency

        own = zipf_frequency(word, language)
        english = zipf_frequency(word, "en")
    except (ImportError, LookupError, ValueError):
        return False
    return own >= min_zipf and own - english >= min_gap


def _common_word_from_tables(word: str, language: str, min_zipf: float, min_gap: float) -> bool | None:
    """The test of :func:`_common_word` from copytrail's cached copies of wordfreq's figures
    (:func:`~copytrail.align.word_frequency.zipf_here_and_in`), exactly as wordfreq would decide
    it: importing wordfreq (0.45 s) and reading its German and English lists cost a German
    compare more than a second of its two (bench/cli_compare.py on a WMT document, load 3).
    None where the tables cannot tell: a French elision ("L'Europe", two words to wordfreq)
    or another word whose form in wordfreq's lookup is its tokenizer's to say, a word with a
    digit at Zipf 4.5 or more (no English figure is kept for it), or a word between
    ``min_zipf`` and the floor of the English figures kept (COMMON_NOUN_ZIPF;
    bench/name_words.py tries lower settings): wordfreq decides."""
    from copytrail.align.word_frequency import zipf_here_and_in

    figures = zipf_here_and_in(word, language, "en", floor=COMMON_NOUN_ZIPF)
    if figures is None:
        return None
    if figures.own < min_zipf:
        # Exact, or RARE_ZIPF meaning "at most Zipf 3": below min_zipf either way.
        return False
    if figures.other is None:
        return None  # min_zipf is below COMMON_NOUN_ZIPF, the floor of the English figures kept
    return figures.own - figures.other >= min_gap


def is_common_noun(
    word: str, language: str | None, *, min_zipf: float = COMMON_NOUN_ZIPF, min_gap: float = COMMON_NOUN_GAP
) -> bool:
    """Whether a capitalised ``word`` is a common noun of a language that capitalises every noun
    ("Menschen", "Gebäude", "Unternehmen"), not a name ("Merkel", "Berlin", "Deutschland").

    Always False in a language that writes nouns in lower case: there a capital inside a
    sentence is a name. A compound with a hyphen is a noun only if every part is one:
    "Corona-Pandemie" and "Karen-Feuer" name something.
    """
    if language not in NOUNS_CAPITALISED:
        return False
    parts = [part for part in re.split(r"[-‐‑]", word) if part]
    return bool(parts) and all(_common_word(part, language, min_zipf, min_gap) for part in parts)
