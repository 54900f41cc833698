"""Short posts and their translations, and two outlets on one event: real WMT DEV documents (en-ru).

The posts (generaltest2022 social) have sentences of four to nine words, under the ten
the evidence rule counts, and the story-window rule took those before the first sentence
of twelve words for a menu. The two forecasts (newstest2021) are the same day's weather
from two forecasters.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

import copytrail
from copytrail.compare import CompareConfig
from copytrail.ingest import load_bytes
from copytrail.normalize import prepare_document
from copytrail.records import Relation, Role
from tests.align.test_crosslingual import needs_use

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
REUSE = {Relation.DUPLICATE, Relation.NEAR_DUPLICATE, Relation.REWRITE, Relation.PARTIAL_REUSE}
PHONE_POST = "wmt_social_ru_164"  # five lines: "Hat, not a telephone..."
MOTHERLAND_POST = "wmt_social_ru_69"  # four lines: "Viktor, I do not know how old you are, ..."


def post(name: str, language: str) -> Path:
    return FIXTURES / f"{name}.{language}.txt"


@pytest.mark.parametrize("language", ["en", "ru"])
def test_a_post_of_short_sentences_is_story_from_first_line_to_last(language: str) -> None:
    doc = prepare_document(copytrail.ingest.load_text(post(PHONE_POST, language)))
    assert [s.role for s in doc.segments] == [Role.STORY] * 5


def test_a_paragraph_that_lost_its_full_stop_keeps_the_post_story() -> None:
    # Paragraphs of sentences whose last one ends on a word (a post ending on a word, a copy
    # that dropped the full stop) are still sentences, not a menu: the whole text stays story.
    text = (
        "Faktycznie mój kot jest bojaźliwy.\n\n"
        "Kupiłem dobry aparat. Umyj ręce. To jest mój kot.\n\n"
        "On bierze kąpiel każdego ranka. Lubię wyzwania. Włóż\n\n"
        "Francuski wyraz 'chat' znaczy 'kot'. To pagoda. Kochasz swego męża?\n\n"
        "To nie jest kot. To jest pies. Jestem odważny i mam silną wolę.\n"
    )
    doc = prepare_document(load_bytes(text.encode(), name="post.txt"))
    assert {s.role for s in doc.segments} == {Role.STORY}
    # A line of one unfinished phrase is no sentence: the menu rule applies again.
    menu = text.replace("On bierze kąpiel każdego ranka. Lubię wyzwania. Włóż", "Zobacz też")
    assert Role.STORY not in {s.role for s in prepare_document(load_bytes(menu.encode(), name="m.txt")).segments[:3]}


def test_a_menu_above_the_same_post_is_still_chrome() -> None:
    text = "Home | Phones | Reviews\n\n" + post(PHONE_POST, "en").read_text(encoding="utf-8")
    doc = prepare_document(load_bytes(text.encode(), name="page.txt"))
    assert doc.segments[0].role is Role.BOILERPLATE
    # Not a text of sentences only: the short lines above the one long one are chrome again.
    assert doc.segments[1].role is Role.BOILERPLATE


@needs_use
@pytest.mark.parametrize("name", [PHONE_POST, MOTHERLAND_POST])
def test_a_short_post_aligned_whole_with_its_translation_is_reuse(name: str) -> None:
    report = copytrail.compare(post(name, "en"), post(name, "ru"), config=CompareConfig(explain=False))
    assert report.languages is not None and report.languages.translated
    assert min(report.coverage.a, report.coverage.b) >= CompareConfig().relation.whole_document_coverage
    assert report.relation is Relation.REWRITE
    # The whole-document rule is what finds it: without it the short sentences carry no evidence.
    off = CompareConfig(explain=False, relation=replace(CompareConfig().relation, whole_document_coverage=2.0))
    assert copytrail.compare(post(name, "en"), post(name, "ru"), config=off).relation not in REUSE


@needs_use
def test_another_post_in_translation_is_not_reuse() -> None:
    report = copytrail.compare(post(PHONE_POST, "en"), post(MOTHERLAND_POST, "ru"), config=CompareConfig(explain=False))
    assert report.relation not in REUSE


WEATHER_EN = FIXTURES / "wmt_argumenti.ru.186903.en.txt"  # Argumenti's forecast, in English
WEATHER_RU = FIXTURES / "wmt_gazeta.ru.151338.ru.txt"  # Gazeta's forecast for the same day, in Russian


@needs_use
def test_two_outlets_reports_of_one_event_in_two_languages_are_not_partial_reuse() -> None:
    # Both open with the same headline and a lead of the same facts (Sunday, July 26, rain,
    # Moscow) from different forecasters: two aligned sentences in a row, nothing more.
    report = copytrail.compare(WEATHER_EN, WEATHER_RU, config=CompareConfig(explain=False))
    assert report.languages is not None and report.languages.translated
    assert any(len(p.pairs) == 2 for p in report.passages)
    assert report.relation is Relation.SAME_STORY
    # A run of two was enough before translations needed a run of partial_min_pairs.
    two = CompareConfig(explain=False, relation=replace(CompareConfig().relation, partial_min_pairs=2))
    assert copytrail.compare(WEATHER_EN, WEATHER_RU, config=two).relation is Relation.PARTIAL_REUSE
