"""The German noun test decided from copytrail's cached tables is wordfreq's own decision.

``is_common_noun`` used to ask wordfreq for every capitalised German word (importing it and
reading its lists: half a second a process); now the cached tables of
:mod:`copytrail.align.word_frequency` decide it, and wordfreq only where they cannot. These
tests hold the two equal on every capitalised word of WMT's German news, on the table's own
words written as news writes them, and on random strings.
"""

from __future__ import annotations

import json
import os
import re
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from copytrail.align import word_frequency
from copytrail.explain import languages
from copytrail.explain.facts import _ANY_WORD
from copytrail.explain.languages import COMMON_NOUN_GAP, COMMON_NOUN_ZIPF
from tests.conftest import SHARED, require_shared

wordfreq = pytest.importorskip("wordfreq")

WMT_GERMAN = SHARED / "data" / "wmt_multilingual" / "en-de.jsonl"
# bench/name_words.py's grid, and the chosen setting.
SETTINGS = [(z, g) for z in (0.0, 3.5, 4.0, 4.5, 5.0) for g in (1.5, 2.0, 2.5, 3.0)]


def reference(word: str, language: str, min_zipf: float, min_gap: float) -> bool:
    """``_common_word`` as it was: wordfreq itself for every word."""
    places = languages._place_names(language)
    if word.isupper() or word in places or word.removesuffix("s") in places:
        return False
    try:
        own = wordfreq.zipf_frequency(word, language)
        english = wordfreq.zipf_frequency(word, "en")
    except (LookupError, ValueError):
        return False
    return own >= min_zipf and own - english >= min_gap


def common_word(word: str, language: str, min_zipf: float = COMMON_NOUN_ZIPF, min_gap: float = COMMON_NOUN_GAP) -> bool:
    return languages._common_word.__wrapped__(word, language, min_zipf, min_gap)


@pytest.fixture(scope="module", autouse=True)
def fresh_tables(tmp_path_factory):
    """Every table built by this module's tests, in an empty cache."""
    saved = os.environ.get("COPYTRAIL_CACHE")
    os.environ["COPYTRAIL_CACHE"] = str(tmp_path_factory.mktemp("cache"))
    word_frequency._table.cache_clear()
    word_frequency._table_in.cache_clear()
    yield
    word_frequency._table.cache_clear()
    word_frequency._table_in.cache_clear()
    if saved is None:
        os.environ.pop("COPYTRAIL_CACHE")
    else:
        os.environ["COPYTRAIL_CACHE"] = saved


def _wmt_capitalised_words() -> set[str]:
    """Every capitalised word and word part of WMT's German documents, split as the detectors split them."""
    words: set[str] = set()
    for line in require_shared(WMT_GERMAN).read_text(encoding="utf-8").splitlines():
        for segment in json.loads(line)["de"]:
            for match in _ANY_WORD.finditer(segment):  # facts.names
                words.update(part for part in re.split(r"[-‐‑]", match.group()) if part[:1].isupper())
            words.update(part for part in re.findall(r"[^\W_]+", segment) if part[:1].isupper())  # changes
    return words


def test_the_same_decision_as_wordfreq_on_wmt_german() -> None:
    words = _wmt_capitalised_words()
    assert len(words) > 4000
    for min_zipf, min_gap in SETTINGS:
        wrong = [w for w in words if common_word(w, "de", min_zipf, min_gap) != reference(w, "de", min_zipf, min_gap)]
        assert not wrong, (min_zipf, min_gap, wrong[:10])
    # Both answers occur: the test can fail.
    assert {common_word(w, "de") for w in words} == {True, False}


def test_the_tables_decide_nearly_every_wmt_word(monkeypatch) -> None:
    """With the chosen setting no capitalised word of WMT's German news asks wordfreq."""
    asked: list[str] = []
    decide = languages._common_word_from_tables

    def counting(word: str, *args: float) -> bool | None:
        found = decide(word, *args)
        if found is None:
            asked.append(word)
        return found

    monkeypatch.setattr(languages, "_common_word_from_tables", counting)
    for word in _wmt_capitalised_words():
        common_word(word, "de")
    assert not asked, asked
    # The words that did before the tables learned apostrophes are decided, and as wordfreq decides.
    for word in ("McDonald's", "O'Brien", "Grey's", "O'Neal", "Al's", "Anton's", "Hell's", "Merkel’s"):
        assert common_word(word, "de") == reference(word, "de", COMMON_NOUN_ZIPF, COMMON_NOUN_GAP), word


@pytest.mark.parametrize(
    ("word", "noun"),
    # wordfreq cuts a French elision in two ("d" and "haus"), and its figures are then a noun's;
    # not with a curly apostrophe, which it straightens only after cutting.
    [("D'Haus", True), ("L'Unternehmen", True), ("d'Experten", True), ("O'Haus", True), ("L’Unternehmen", False)],
)
def test_an_elided_word_is_wordfreqs_two_words(word: str, noun: bool) -> None:
    assert reference(word, "de", COMMON_NOUN_ZIPF, COMMON_NOUN_GAP) is noun
    assert common_word(word, "de") is noun


def _as_news_writes(word: str) -> list[str]:
    """A table word as news may write it: capitalised, in capitals, with a capital sharp s,
    decomposed marks, a genitive s or apostrophe, or folded away."""
    capital = word[:1].upper() + word[1:]
    return [
        capital,
        word.upper(),
        capital.replace("ß", "ẞ"),
        capital.replace("ss", "ß"),
        unicodedata.normalize("NFD", capital),
        unicodedata.normalize("NFKD", capital),
        f"{capital}s",
        f"{capital}’s",
        capital.replace("i", "İ"),
        capital.replace("s", "ſ"),
    ]


@pytest.mark.parametrize("language", ["de", "lb"])
def test_the_same_decision_as_wordfreq_on_the_tables_words(language: str) -> None:
    table = word_frequency._table(language)
    assert table is not None
    near = sorted(w for w, z in table.zipf.items() if z >= COMMON_NOUN_ZIPF - 0.5)
    words = {variant for w in near for variant in _as_news_writes(w)}
    wrong = [w for w in words if common_word(w, language) != reference(w, language, COMMON_NOUN_ZIPF, COMMON_NOUN_GAP)]
    assert not wrong, wrong[:10]


# Letters whose preprocessing in wordfreq changes a word: capitals, ß and ẞ, long s, ligatures,
# dotted İ, final sigma, combining marks (normal form), apostrophes, digits and mixed scripts.
_LETTERS = "aeinrstuäöüßẞAEINRSTUÄÖÜſﬀİıςΣЁё'’-17\u0308\u0301"
_WORDS = st.sampled_from(["Menschen", "Leute", "Haus", "Regierung", "Straße", "Präsident", "Merkel", "Zeit"])


@given(
    word=st.one_of(
        st.text(alphabet=_LETTERS, min_size=1, max_size=8),
        st.tuples(_WORDS, st.text(alphabet=_LETTERS, max_size=3)).map("".join),
        st.tuples(st.text(alphabet=_LETTERS, max_size=2), _WORDS).map("".join),
    ),
    setting=st.sampled_from(SETTINGS),
)
def test_the_same_decision_as_wordfreq_on_any_string(word: str, setting: tuple[float, float]) -> None:
    assert common_word(word, "de", *setting) == reference(word, "de", *setting)


@given(
    word=st.from_regex(r"[A-Z][a-z]{0,4}[0-9]{1,5}[a-z]{0,4}|[0-9]{1,4}[a-zA-Z]{1,4}|[A-Za-z0-9]{1,8}", fullmatch=True),
    setting=st.sampled_from(SETTINGS),
)
def test_the_same_decision_as_wordfreq_on_words_of_letters_and_digits(word: str, setting: tuple[float, float]) -> None:
    assert common_word(word, "de", *setting) == reference(word, "de", *setting)


@pytest.mark.parametrize("word", ["Psych2Goers", "G7", "G20", "Covid19", "COVID19", "90er", "2020er", "3D", "A380"])
def test_news_words_of_letters_and_digits(word: str) -> None:
    for setting in SETTINGS:
        assert common_word(word, "de", *setting) == reference(word, "de", *setting), setting


# Words with an apostrophe as news writes them, the French elision wordfreq splits among them
# ("L'Europe", "d'Hondt", "l’Etat"): letters with an apostrophe between, or two.
_WITH_APOSTROPHE = r"[A-Za-zÄÖÜäöüßÉéÈèŒœİıſ]{1,4}['’ʼ‘][A-Za-zÄÖÜäöüßÉéÈèŒœİıſ]{0,6}(?:['’][a-z]{1,2})?"


@given(
    word=st.one_of(
        st.from_regex(_WITH_APOSTROPHE, fullmatch=True),
        st.tuples(_WORDS, st.sampled_from(["'s", "’s", "'", "'n", "’N"])).map("".join),
        st.tuples(st.sampled_from(["L'", "d'", "O'", "Mc", "l’", "Qu'", "A'"]), _WORDS).map("".join),
    ),
    setting=st.sampled_from(SETTINGS),
)
def test_the_same_decision_as_wordfreq_on_words_with_an_apostrophe(word: str, setting: tuple[float, float]) -> None:
    assert common_word(word, "de", *setting) == reference(word, "de", *setting)


def test_the_table_words_with_an_apostrophe() -> None:
    """Every word of the German table with an apostrophe, capitalised, with either apostrophe."""
    table = word_frequency._table("de")
    words = [w for w in table.zipf if "'" in w]
    assert len(words) > 20
    variants = {v for w in words for v in (w[:1].upper() + w[1:], (w[:1].upper() + w[1:]).replace("'", "’"))}
    wrong = [w for w in variants if common_word(w, "de") != reference(w, "de", COMMON_NOUN_ZIPF, COMMON_NOUN_GAP)]
    assert not wrong, wrong[:10]
