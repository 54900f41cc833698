"""The dateline moments of provenance (``_dateline_moment``) against dateutil's fuzzy parser,
which they replaced: equal on every dateline that names a month, and no moment where dateutil
guessed one from the day the program ran."""

from __future__ import annotations

from datetime import datetime

import pytest
from dateutil import parser as date_parser
from hypothesis import given, settings
from hypothesis import strategies as st

from copytrail.explain.provenance import _DATELINE, _MONTHS, _dateline_moment

_MONTH_WORDS = sorted(_MONTHS) + ["January", "SEPT", "Sept", "mAy"]
_OTHER_WORDS = ["Friday", "Monday", "Yesterday", "Today", "Janu", "Noon", "Summer"]


def _case(word: str, pattern: list[bool]) -> str:
    return "".join(c.upper() if up else c for c, up in zip(word, pattern, strict=True))


@st.composite
def datelines(draw: st.DrawFn, words: list[str]) -> str:
    word = draw(st.sampled_from(words))
    word = _case(word, draw(st.lists(st.booleans(), min_size=len(word), max_size=len(word))))
    text = f"{word}{draw(st.sampled_from(['', '.']))} {draw(st.integers(0, 39))}"
    text += f"{draw(st.sampled_from(['', ',']))} {draw(st.integers(1000, 2999))}"
    if draw(st.booleans()):
        half = draw(st.sampled_from(["AM", "PM", "am", "pm", "A.M.", "p.m.", "P.M"]))
        space = draw(st.sampled_from(["", " "]))
        minute = f"{draw(st.integers(0, 69)):02d}"
        at = draw(st.sampled_from([" ", ", ", " at ", ", at "]))
        text += f"{at}{draw(st.integers(0, 25))}:{minute}{space}{half}"
    return f"Updated {text} ET"


def _dateutil(match: object) -> datetime | None:
    try:
        return date_parser.parse(match.group("when").replace(".", ""), fuzzy=True)
    except (ValueError, OverflowError):
        return None


@settings(max_examples=1000, deadline=None)
@given(datelines(_MONTH_WORDS))
def test_a_month_dateline_is_read_as_dateutil_reads_it(line: str) -> None:
    match = _DATELINE.search(line)
    assert match is not None, line
    assert _dateline_moment(match) == _dateutil(match), line


@settings(max_examples=300, deadline=None)
@given(datelines(_OTHER_WORDS))
def test_a_dateline_without_a_month_states_no_moment(line: str) -> None:
    match = _DATELINE.search(line)
    assert match is not None, line
    assert _dateline_moment(match) is None, line


@pytest.mark.parametrize(
    ("line", "moment"),
    [
        ("Updated November 11, 2022 at 8:18 AM ET", datetime(2022, 11, 11, 8, 18)),
        ("Published Sept. 5, 2022, 12:05 a.m.", datetime(2022, 9, 5, 0, 5)),
        ("posted: nov 3 2022 12:00 PM", datetime(2022, 11, 3, 12, 0)),
        ("Updated Nov 3, 2022 13:00 PM", datetime(2022, 11, 3, 13, 0)),
        ("Updated Nov. 31, 2022", None),
        ("Updated Friday 11, 2022", None),
        ("Updated Nov 3, 0999", None),
    ],
)
def test_dateline_examples(line: str, moment: datetime | None) -> None:
    assert _dateline_moment(_DATELINE.search(line)) == moment


def test_the_month_words_are_dateutils() -> None:
    expected = {name.lower(): number for number, names in enumerate(date_parser.parserinfo.MONTHS, 1) for name in names}
    assert expected == _MONTHS
