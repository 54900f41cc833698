"""The one stemmer (``copytrail.align.stem``): inflections meet, and the stem is short and stable."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from copytrail.align.stem import STEM_LETTERS, stem


@pytest.mark.parametrize(
    "words",
    [
        ("withdrawing", "withdrawn", "withdraw"),
        ("sign", "signs"),
        ("share", "shares", "shared", "sharing"),
        ("city", "cities"),
        ("price", "prices"),
        ("house", "houses"),
        ("class", "classes"),
        ("eject", "ejection"),
    ],
)
def test_inflections_of_a_word_meet(words: tuple[str, ...]) -> None:
    assert len({stem(w) for w in words}) == 1


@pytest.mark.parametrize(
    "word, expected",
    [
        ("bed", "bed"),  # an ending is dropped only when three letters remain
        ("sing", "sing"),
        ("class", "class"),  # "-ss" is no plural
        ("the", "the"),
        ("jones", "jon"),  # why names are only cut to STEM_LETTERS, never stemmed (explain.changes)
    ],
)
def test_short_roots_and_double_s(word: str, expected: str) -> None:
    assert stem(word) == expected


@given(st.text(st.characters(categories=["Ll"]), min_size=1, max_size=30))
def test_a_stem_is_a_short_head_of_the_word(word: str) -> None:
    once = stem(word)
    assert len(once) <= STEM_LETTERS
    assert once and once[:2] == word[:2]


@given(st.text(st.characters(codec="ascii", categories=["Ll"]), min_size=3, max_size=30))
def test_a_plural_s_on_a_plain_word_leaves_its_stem(word: str) -> None:
    if not word.endswith(("s", "e", "i", "ed", "ing")):
        assert stem(word + "s") == stem(word)
