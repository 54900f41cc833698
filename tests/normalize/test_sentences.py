"""The sentence splitter: offsets into the original text, and the rules it reads sentencex with.

Its agreement with blingfire on real news is tested in test_segment.py."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from copytrail.normalize.sentences import sentence_offsets

# Pieces of text that exercise the rules: quotes, brackets, abbreviations, numbers, scripts
# without spaces, characters outside the BMP, combining marks, no-break and zero-width spaces.
_PIECES = st.sampled_from(
    [
        *"Ab z.!?,;:'\"()[]<>@1\n\t  \u201c\u201d\u00ab\u00bb",
        *"\u00e9\u00df\u0416\u0436\u03a9\u5317\u4eac\u3002\uff01\uff1f",
    ]
    + ["\U0001f600", "\U00020000", "\u0301", "\u00a0", "\u200b", "Ms", "U.S.", "3.5", "...", "Dr.", "\u0964"]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(_PIECES, max_size=150).map("".join))
@example('He met Ms. Smith. \U0001f600 Then \U00020000. "Go," he said. It rose 3.5 pct.It fell.')
@example('"')
@example(". . .")
def test_sentences_tile_the_text_with_code_point_offsets(text: str) -> None:
    spans = sentence_offsets(text)
    previous_end = 0
    for start, end in spans:
        assert previous_end <= start < end <= len(text)
        piece = text[start:end]
        assert piece == piece.strip() and piece
        assert not text[previous_end:start].strip()  # only whitespace between sentences
        previous_end = end
    assert not text[previous_end:].strip()
    assert bool(spans) == bool(text.strip())


def test_offsets_count_code_points_not_bytes_or_utf16_units() -> None:
    text = "\U0001f600 \u5317\u4eac\u3002 Caf\u00e9. \U00020000 Ende. Zweiter Satz."
    spans = sentence_offsets(text)
    assert [text[s:e] for s, e in spans] == [
        "\U0001f600 \u5317\u4eac\u3002",
        "Caf\u00e9.",
        "\U00020000 Ende.",
        "Zweiter Satz.",
    ]


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        # A quote left open paragraphs before must not swallow the boundaries after it.
        (
            'I can do it now," said the American. "He played much better than me."',
            ['I can do it now," said the American.', '"He played much better than me."'],
        ),
        (
            'The ball went between the posts." Hodgson, who kicks for Sale, agreed.',
            ['The ball went between the posts."', "Hodgson, who kicks for Sale, agreed."],
        ),
        ('"I am here. You are there," he said.', ['"I am here.', 'You are there," he said.']),
        ("He said (see above). Then what?", ["He said (see above).", "Then what?"]),
        ("He met Ms. Smith today. She agreed.", ["He met Ms. Smith today.", "She agreed."]),
        ("It rose 3.5 pct.It fell back.", ["It rose 3.5 pct.It fell back."]),
        ("He came back to America . But the talks failed.", ["He came back to America .", "But the talks failed."]),
        ("Prices rose in Jan. and Feb. this year.", ["Prices rose in Jan. and Feb. this year."]),
        ("Net profit rose. 1986 results follow.", ["Net profit rose. 1986 results follow."]),
        (
            "Stocks were mixed. Shares of Dr. Smith's firm rose.",
            ["Stocks were mixed.", "Shares of Dr. Smith's firm rose."],
        ),
    ],
)
def test_sentences_of_news_text(text: str, sentences: list[str]) -> None:
    assert [text[s:e] for s, e in sentence_offsets(text)] == sentences
