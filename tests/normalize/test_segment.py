"""Segmentation keeps offsets into the original text, whatever the text."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from copytrail import LoadedText, SourceFormat, prepare_document
from copytrail.normalize.segment import split_units


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
