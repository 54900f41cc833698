"""Segmentation keeps offsets into the original text, whatever the text."""

from __future__ import annotations

import os
import subprocess
import sys

from hypothesis import example, given, settings
from hypothesis import strategies as st

from copytrail import LoadedText, SourceFormat, prepare_document
from copytrail.normalize.segment import split_units
from tests.conftest import BBC, require_shared


def doc(text: str):
    return prepare_document(LoadedText("t", text, SourceFormat.TEXT, "utf-8", len(text)))


@settings(max_examples=200, deadline=None)
@given(
    st.text(
        alphabet=st.one_of(st.characters(blacklist_categories=("Cs", "Cc", "Cf", "Co")), st.sampled_from(' \n\n\t."')),
        max_size=400,
    )
)
def test_segments_are_ordered_disjoint_and_exact(text: str) -> None:
    segments = doc(text).segments
    previous_end = 0
    for s in segments:
        assert text[s.start : s.end] == s.text
        assert s.text == s.text.strip() and s.text
        assert previous_end <= s.start < s.end
        previous_end = s.end
    # Nothing but whitespace is left out (control characters are excluded above: blingfire drops them).
    covered = "".join(s.text for s in segments)
    assert len("".join(covered.split())) == len("".join(text.split()))


def test_hard_wrapped_prose_is_rejoined_but_menus_are_not() -> None:
    wrapped = (
        "The committee published its findings on Monday after a long inquiry into the\n"
        "collapse of the company, which left thousands of savers out of pocket.\n"
    )
    menu = "Home\nNews\nSport\nWeather\n"
    assert len(split_units(wrapped)) == 1
    assert len(split_units(menu)) == 4


def test_sentence_split_before_an_initialism() -> None:
    text = "The general spoke in recent days. U.S. officials say they are not forcing talks."
    assert [s.text for s in doc(text).segments] == [
        "The general spoke in recent days.",
        "U.S. officials say they are not forcing talks.",
    ]


def test_repeated_sentence_is_marked_once() -> None:
    sentence = "A woman walks through the village of Arkhanhelske outside Kherson on Nov. 3."
    segments = doc(f"{sentence}\n\nSomething else happened that day in the city.\n\n{sentence}").segments
    assert [s.role.value for s in segments] == ["story", "story", "boilerplate"]
    assert segments[2].reason == "repeated"


def test_list_items_are_not_rejoined_as_wrapped_prose() -> None:
    items = (
        "- CHINESE BANKS TO ISSUE MORE BONDS, OFFICIAL SAYS AFTER A LONG MEETING OF THE CABINET\n"
        "- KUWAIT MINISTER SAYS NO EMERGENCY OPEC TALKS SET\n"
        "1. Norton to sell South African operations\n"
    )
    assert len(split_units(items)) == 3


def test_site_furniture_is_boilerplate_and_the_story_is_not() -> None:
    story = (
        "The Brazilian government has played down claims that it could step in to save the country's "
        "biggest airline, which owes billions to its creditors.\n\n"
        "The airline's shares fell by a tenth in early trading on the news from the ministry."
    )
    text = (
        f"{story}\n\nRelated stories\n- Liverpool revel in night of glory\n- Fantasy book wins Hollywood deal\n\n"
        "Share this page\n\nDaily Courier is not responsible for the content of external internet sites.\n\n"
        "About us | Contact us | Terms of use | Privacy policy"
    )
    segments = doc(text).segments
    roles = {s.text: (s.role.value, s.reason) for s in segments}
    assert roles["Related stories"] == ("boilerplate", "related-links")
    assert roles["- Fantasy book wins Hollywood deal"] == ("boilerplate", "related-links")
    footer = "About us | Contact us | Terms of use | Privacy policy"
    assert roles["Share this page"][0] == roles[footer][0] == "boilerplate"
    assert roles["Daily Courier is not responsible for the content of external internet sites."][0] == "boilerplate"
    assert all(role == "story" for text, (role, _) in roles.items() if text in story)


def test_a_table_without_running_text_is_the_story() -> None:
    table = (
        "BOOKER PLC 1986 YEAR\n\nShr 27.89p vs 24.24p\n\nDiv 9.0p vs 7.75p making 13.75p vs 12.0p\n\n"
        "Turnover 1.26 billion stg vs 1.19 billion\n\nPretax profit 54.6 mln vs 46.5 mln\n\nREUTER\n"
    )
    roles = {s.text: s.role.value for s in doc(table).segments}
    assert roles["Shr 27.89p vs 24.24p"] == roles["Pretax profit 54.6 mln vs 46.5 mln"] == "story"


def test_a_table_above_a_note_in_prose_is_the_story_not_navigation() -> None:
    # reuters/04732: before the fix every row above the note was taken for navigation, so a
    # copy of the report could align only the note.
    report = (
        "D.H. HOLMES CO LTD <HLME> 4TH QTR NET\n\nShr 39 cts vs 1.34 dlrs\n\nNet 1,392,000 vs 4,686,000\n\n"
        "Sales 81.9 mln vs 81.7 mln\n\nYear\n\nShr 10 cts vs 97 cts\n\n"
        "Pretax net profits 3,052,000 dlrs vs 4,498,000 dlrs in quarter and loss 572,000 dlrs vs profit "
        "2,922,000 dlrs in year.\n\nReuter\n"
    )
    roles = {s.text: s.role for s in doc(report).segments}
    rows = ("Shr 39 cts vs 1.34 dlrs", "Net 1,392,000 vs 4,686,000", "Sales 81.9 mln vs 81.7 mln")
    assert all(roles[row].counts_for_coverage for row in rows)
    assert roles["D.H. HOLMES CO LTD <HLME> 4TH QTR NET"].value == "heading"


def test_a_time_stamp_above_a_story_is_no_table_row() -> None:
    page = (
        "Edited 3 September 2005 at 07:13 GMT\n\nStory from Wednesday, February 10, 2016\n\n"
        "Council approves budget\n\n"
        "The council approved the new budget on Monday after a long debate about road repairs and schools.\n"
    )
    roles = {s.text: s.role.value for s in doc(page).segments}
    assert roles["Edited 3 September 2005 at 07:13 GMT"] == "boilerplate"
    assert roles["Story from Wednesday, February 10, 2016"] == "boilerplate"
    assert roles["Council approves budget"] == "heading"


_SENTENCE_TEXT = st.text(
    alphabet=st.sampled_from(list("Ab z.!?,;:'\"\n\t  \u201c\u201d0123") + list("éßЖжΩ北京。！？😀\u0301\u00a0")),
    min_size=1,
    max_size=200,
)


@settings(max_examples=300, deadline=None)
@given(_SENTENCE_TEXT)
@example("\u00a0 ")  # blingfire ends this one mid-character; its wrapper's loop has the last word
@example("Caf\u00e9. \u5317\u4eac\u3002\U0001f600 End")
def test_sentence_offsets_are_blingfires_own(text: str) -> None:
    """The fast byte-to-code-point mapping gives exactly blingfire's own offsets, in every script."""
    import blingfire

    from copytrail.normalize.segment import sentence_offsets

    assert sentence_offsets(text) == blingfire.text_to_sentences_and_offsets(text)[1]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("Ab z.!?,;:'\"\n\t()0123-")), min_size=1, max_size=200))
@example(" ")
@example("...")
def test_sentence_offsets_are_blingfires_own_on_ascii(text: str) -> None:
    """ASCII text takes a path of its own (no byte-to-code-point mapping); it too gives blingfire's offsets."""
    import blingfire

    from copytrail.normalize.segment import sentence_offsets

    assert text.isascii()
    assert sentence_offsets(text) == blingfire.text_to_sentences_and_offsets(text)[1]


def test_sentence_offsets_match_blingfire_on_real_news() -> None:
    import blingfire

    from copytrail.normalize.segment import sentence_offsets

    paths = sorted(require_shared(BBC).glob("*/0[0-2]*.txt"))
    texts = [p for path in paths for p in path.read_text(encoding="utf-8", errors="replace").split("\n\n") if p]
    assert len(texts) > 200
    for text in texts:
        assert sentence_offsets(text) == blingfire.text_to_sentences_and_offsets(text)[1]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(list("ab Zq.!?'\"\u201c\u201d\u2019\n\t") + ["etc", "U.S", "no"]), max_size=40))
@example(list("in days.' The end"))
@example(list("he said.\u201d \u201cNo"))
@example(list("see etc. The"))
def test_missed_boundaries_precheck_changes_nothing(pieces: list[str]) -> None:
    """A span without a full stop (or ! ?) before a space is returned whole before the boundary regex runs."""
    from copytrail.normalize.segment import _cut_missed, _missed_boundaries

    text = "".join(pieces)
    for start in range(0, len(text) + 1, 5):
        assert _missed_boundaries(text, start, len(text)) == _cut_missed(text, start, len(text))


def test_the_sentence_breaker_is_the_library_blingfire_loads() -> None:
    """copytrail loads blingfire's library itself (its module's import took 12-17 ms): the same file."""
    import blingfire

    from copytrail.normalize import segment

    assert os.path.samefile(segment._BLINGFIRE._name, blingfire.blingfire._name)


def test_importing_copytrail_leaves_blingfires_module_unloaded() -> None:
    code = "import sys, copytrail; copytrail.prepare_document; print('blingfire' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_the_blingfire_hint_names_the_pinned_version() -> None:
    """The reinstall hint of a missing blingfire names the version pyproject.toml pins."""
    from pathlib import Path

    from copytrail.normalize.segment import BLINGFIRE_REQUIREMENT

    pyproject = (Path(__file__).resolve().parents[2] / "pyproject.toml").read_text(encoding="utf-8")
    assert f'"{BLINGFIRE_REQUIREMENT}"' in pyproject
