"""The cached common-word table gives wordfreq's own Zipf figures, and spares loading wordfreq."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from copytrail.align import word_frequency
from copytrail.align.word_frequency import RARE_ZIPF, zipf_at_least_rare
from copytrail.normalize import text_words
from tests.conftest import ROOT, SHARED, require_shared

wordfreq = pytest.importorskip("wordfreq")

TATOEBA = SHARED / "data" / "tatoeba"
# Tatoeba's file code and the two-letter code copytrail's language identification gives.
TATOEBA_LANGUAGES = {
    "ara": "ar", "cmn": "zh", "deu": "de", "fin": "fi", "fra": "fr", "jpn": "ja",
    "pol": "pl", "rus": "ru", "spa": "es", "tur": "tr", "ukr": "uk",
}  # fmt: skip


def reference(word: str, language: str) -> float | None:
    """What the evidence rule read before the table: wordfreq itself, floored at Zipf 3."""
    try:
        return max(RARE_ZIPF, wordfreq.zipf_frequency(word, language))
    except (ImportError, LookupError, ValueError):
        return None


@pytest.fixture(scope="module", autouse=True)
def fresh_tables(tmp_path_factory):
    """Every table built by this module's tests, in an empty cache."""
    saved = os.environ.get("COPYTRAIL_CACHE")
    os.environ["COPYTRAIL_CACHE"] = str(tmp_path_factory.mktemp("cache"))
    word_frequency._table.cache_clear()
    yield
    word_frequency._table.cache_clear()
    if saved is None:
        os.environ.pop("COPYTRAIL_CACHE")
    else:
        os.environ["COPYTRAIL_CACHE"] = saved


@pytest.mark.parametrize("code", sorted(TATOEBA_LANGUAGES))
def test_the_same_figure_as_wordfreq_on_real_sentences(code: str) -> None:
    language = TATOEBA_LANGUAGES[code]
    words: set[str] = set()
    for side, lang in ((code, language), ("eng", "en")):
        lines = require_shared(TATOEBA / f"tatoeba.{code}-eng.{side}").read_text(encoding="utf-8").splitlines()
        for line in lines:
            # The words the evidence rule weighs, and the raw tokens with capitals and punctuation.
            words.update((w, lang) for w in text_words(line) + line.split())
    wrong = [(w, lang) for w, lang in words if zipf_at_least_rare(w, lang) != reference(w, lang)]
    assert not wrong, wrong[:10]
    assert any((zipf_at_least_rare(w, lang) or 0) > RARE_ZIPF for w, lang in words)  # the table is not empty


def test_numbers_and_common_words_are_read_from_the_table() -> None:
    assert zipf_at_least_rare("the", "en") == wordfreq.zipf_frequency("the", "en") > 7
    assert zipf_at_least_rare("2022", "en") == wordfreq.zipf_frequency("2022", "en") > RARE_ZIPF
    assert zipf_at_least_rare("007", "en") == reference("007", "en")
    assert zipf_at_least_rare("1234567", "en") == reference("1234567", "en")  # past the table: wordfreq
    assert zipf_at_least_rare("zyzzogeton", "en") == RARE_ZIPF


def test_a_language_without_a_list_weighs_nothing() -> None:
    assert zipf_at_least_rare("sawubona", "xx") is None
    assert zipf_at_least_rare("sawubona", "xx") is None  # from the saved table now


def test_a_damaged_table_is_built_again_and_an_odd_code_names_no_file(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("COPYTRAIL_CACHE", str(tmp_path))
    word_frequency._table.cache_clear()
    assert zipf_at_least_rare("the", "en") == reference("the", "en")
    (table,) = tmp_path.glob("wordfreq-*-en.txt")
    saved = table.read_text(encoding="utf-8")
    for damaged in ('{"known": true}', saved[: len(saved) // 2], saved.replace("\n", "\n1", 1)):
        table.write_text(damaged, encoding="utf-8")  # valid JSON, not a table; cut short; a figure too many
        word_frequency._table.cache_clear()
        assert zipf_at_least_rare("the", "en") == reference("the", "en")
        assert table.read_text(encoding="utf-8") == saved
    word_frequency._table.cache_clear()
    assert zipf_at_least_rare("the", "../en") == reference("the", "../en")
    assert sorted(p.name for p in tmp_path.iterdir()) == [table.name]
    word_frequency._table.cache_clear()


@pytest.mark.parametrize(("word", "language"), [("пʼять", "uk"), ("itʼs", "en"), ("Іʼм", "uk")])
def test_a_modifier_letter_apostrophe_is_wordfreqs_apostrophe(word: str, language: str) -> None:
    assert zipf_at_least_rare(word, language) == reference(word, language)
    assert zipf_at_least_rare("пʼять", "uk") > RARE_ZIPF  # "п'ять", five


def test_a_saved_table_reads_back_every_figure_exactly() -> None:
    built = word_frequency._build("de")
    saved = word_frequency._loads(word_frequency._dumps(built))
    assert saved is not None and len(saved.zipf) == len(built["zipf"]) > 10_000
    assert dict(saved.zipf.items()) == built["zipf"]  # equal floats, not close ones
    assert "zyzzogeton" not in saved.zipf and saved.zipf.get("zyzzogeton", RARE_ZIPF) == RARE_ZIPF
    assert "" not in saved.zipf and 3 not in saved.zipf and "~" not in saved.zipf  # past either end
    assert word_frequency._loads(word_frequency._dumps({"known": False})) is None
    assert word_frequency._dumps({"known": True, "zipf": {"a\nb": 4.0}, "normal_form": "NFC", "lookup": "none"}) is None


# Scripts and letters whose preprocessing in wordfreq changes a word: capitals, ß and
# final sigma (case folding), Turkish dotted and dotless i, Romanian commas and
# cedillas, Arabic marks and tatweel, combining accents (normal form), mixed scripts,
# the modifier letter apostrophe (a letter, made a plain apostrophe).
_LETTERS = "aeiouzßAİIıişşșţțéЁёжЖλέξιςΣابتـَُ1234567890'’ʼ-\u0301"
_LANGUAGES = ["en", "de", "tr", "ro", "ar", "el", "ru", "sr", "sh", "zh", "fa"]


@given(word=st.text(alphabet=_LETTERS, min_size=1, max_size=8), language=st.sampled_from(_LANGUAGES))
def test_the_same_figure_as_wordfreq_on_any_string(word: str, language: str) -> None:
    assert zipf_at_least_rare(word, language) == reference(word, language)


# Words of letters and digits as news writes them: "£35m", "21st", "1960s", "x800", "2,500".
_ALPHANUMERIC_LANGUAGES = ["en", "de", "fr", "ru", "tr", "es", "pl", "fi", "ar", "ja", "ro"]


@given(
    word=st.from_regex(r"[a-z]{0,3}[0-9]{1,6}[a-z]{0,3}|[a-z0-9]{1,8}", fullmatch=True),
    language=st.sampled_from(_ALPHANUMERIC_LANGUAGES),
)
def test_the_same_figure_as_wordfreq_on_words_of_letters_and_digits(word: str, language: str) -> None:
    assert zipf_at_least_rare(word, language) == reference(word, language)


def test_the_digit_frequency_is_wordfreqs() -> None:
    from wordfreq.numbers import digit_freq

    runs = [str(n) for n in range(100_000)] + [str(n).zfill(6) for n in range(0, 1_000_000, 997)]
    assert [word_frequency._digit_frequency(f"x{run}m{run}") for run in runs] == [
        digit_freq(f"x{run}m{run}") for run in runs
    ]


_NEWS_SENTENCE = "Russia said on Friday it had withdrawn 30,000 troops in 2022, £35m in the 21st year."


def test_a_later_process_weighs_words_without_importing_wordfreq() -> None:
    zipf_at_least_rare("the", "en")  # the table is in the module's cache now
    script = (
        "import sys\n"
        "from copytrail.align.evidence import sentence_mass\n"
        f"mass = sentence_mass({_NEWS_SENTENCE!r}, 'en')\n"
        "assert 'wordfreq' not in sys.modules, 'wordfreq was imported'\n"
        "print(mass)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    from copytrail.align.evidence import sentence_mass

    sentence_mass.cache_clear()
    assert float(done.stdout) == pytest.approx(sentence_mass(_NEWS_SENTENCE, "en"))
