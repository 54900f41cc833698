"""Property tests of the word diff both reports mark changed words with (``report.words.word_diff``).

The marked ranges and the text between them rebuild each text exactly; the text between
them holds the same words on both sides (the words kept), and no more words than a naive
longest common subsequence allows; the terminal report marks the same ranges.
"""

from __future__ import annotations

import re

from hypothesis import example, given
from hypothesis import strategies as st

from copytrail.normalize.scripts import UNSPACED
from copytrail.report.terminal import marked_pair
from copytrail.report.words import word_diff
from tests.strategies import WORDS, any_text, prose

# Words as the diff counts them: ``\w+`` and each punctuation mark, and each character of a
# script written without spaces (Chinese, Japanese, Thai, Myanmar...): "0ဿ" is two.
_TOKEN = re.compile(rf"[{UNSPACED}]|[^\W{UNSPACED}]+|[^\w\s]")
RICH_DROPS = dict.fromkeys(map(ord, "\a\b\v\f\r"))


def tokens(text: str) -> list[str]:
    return [t.lower() for t in _TOKEN.findall(text)]


def lcs_length(a: list[str], b: list[str]) -> int:
    """Plain dynamic programming: the reference for how many words two texts can share in order."""
    previous = [0] * (len(b) + 1)
    for x in a:
        current = [0]
        for j, y in enumerate(b, start=1):
            current.append(previous[j - 1] + 1 if x == y else max(previous[j], current[j - 1]))
        previous = current
    return previous[-1]


def pieces(text: str, ranges: list[tuple[int, int]]) -> tuple[list[str], list[str]]:
    """The text cut at the ranges: (kept pieces between the ranges, marked pieces)."""
    kept, marked, at = [], [], 0
    for start, end in ranges:
        assert at <= start < end <= len(text), (at, start, end)
        kept.append(text[at:start])
        marked.append(text[start:end])
        at = end
    kept.append(text[at:])
    return kept, marked


@st.composite
def reworded(draw: st.DrawFn) -> tuple[str, str]:
    """A text and a copy with words replaced, inserted, dropped and recased."""
    a = draw(prose(max_sentences=4))
    words = a.split(" ")
    out = []
    for word in words:
        op = draw(st.sampled_from(["keep", "keep", "keep", "drop", "swap", "add", "case"]))
        if op == "keep":
            out.append(word)
        elif op == "swap":
            out.append(draw(st.sampled_from(WORDS)))
        elif op == "add":
            out += [word, draw(st.sampled_from(WORDS))]
        elif op == "case":
            out.append(word.upper())
    return a, " ".join(out)


texts = st.one_of(reworded(), st.tuples(prose(), prose()), st.tuples(any_text, any_text))


@given(pair=texts)
@example(pair=("0\u103f", "0"))  # a digit against a Myanmar letter: hypothesis found the old oracle's \w+ wrong
@example(pair=("2019年5月", "2019年6月"))
def test_ranges_and_the_text_between_rebuild_both_texts(pair: tuple[str, str]) -> None:
    a, b = pair
    ranges_a, ranges_b = word_diff(a, b)
    kept_a, marked_a = pieces(a, ranges_a)
    kept_b, marked_b = pieces(b, ranges_b)
    # Cut and glued back, each text is whole: no character lost, none doubled.
    assert "".join(k + m for k, m in zip(kept_a, [*marked_a, ""])) == a
    assert "".join(k + m for k, m in zip(kept_b, [*marked_b, ""])) == b
    # Ranges start and end on word boundaries: the words of the pieces are the words of the text.
    assert [t for k, m in zip(kept_a, [*marked_a, ""]) for t in tokens(k) + tokens(m)] == tokens(a)
    assert [t for k, m in zip(kept_b, [*marked_b, ""]) for t in tokens(k) + tokens(m)] == tokens(b)
    # What is not marked is the same words on both sides, and never more than the texts can share.
    shared_a = [t for k in kept_a for t in tokens(k)]
    shared_b = [t for k in kept_b for t in tokens(k)]
    assert shared_a == shared_b
    assert len(shared_a) <= lcs_length(tokens(a), tokens(b))
    # Every marked range holds a word or punctuation mark.
    assert all(tokens(m) for m in marked_a + marked_b)


@given(text=st.one_of(prose(), any_text))
def test_a_text_against_itself_or_recased_has_nothing_marked(text: str) -> None:
    assert word_diff(text, text) == ([], [])
    assert word_diff(text, text.upper()) == ([], []) or tokens(text) != tokens(text.upper())


@given(pair=texts)
@example(pair=("", "\r0"))
@example(pair=("Page one.\fPage two was added.", "Page one.\fPage two."))
def test_the_terminal_report_marks_the_same_ranges(pair: tuple[str, str]) -> None:
    a, b = pair
    text_a, text_b = marked_pair(a, b)
    # rich keeps every character but a few control characters (a form feed, say, which
    # load_bytes leaves in a text); marks shifted past them before marked_pair tokenised
    # the text rich keeps.
    assert text_a.plain == a.translate(RICH_DROPS) and text_b.plain == b.translate(RICH_DROPS)
    ranges_a, ranges_b = word_diff(text_a.plain, text_b.plain)
    assert [(s.start, s.end) for s in text_a.spans] == ranges_a
    assert [(s.start, s.end) for s in text_b.spans] == ranges_b


def _word_diff_one_call_at_a_time(a: str, b: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """word_diff as it was before its shortcuts and its token cache: the reference they must equal."""
    from difflib import SequenceMatcher

    from copytrail.normalize.scripts import DIFF_TOKEN

    ta = [(m.group().lower(), m.start(), m.end()) for m in DIFF_TOKEN.finditer(a)]
    tb = [(m.group().lower(), m.start(), m.end()) for m in DIFF_TOKEN.finditer(b)]
    matcher = SequenceMatcher(None, [t for t, _, _ in ta], [t for t, _, _ in tb], autojunk=False)
    out_a, out_b = [], []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        if i2 > i1:
            out_a.append((ta[i1][1], ta[i2 - 1][2]))
        if j2 > j1:
            out_b.append((tb[j1][1], tb[j2 - 1][2]))
    return out_a, out_b


@given(pair=st.one_of(reworded(), st.tuples(any_text, any_text), any_text.map(lambda t: (t, t))))
@example(pair=("Prices ROSE, by 3%.", "prices rose  by 3%."))  # the same tokens, other case and spacing
@example(pair=("", ""))
@example(pair=("the long vote", "the short vote"))  # as many tokens, one of them other
def test_word_diff_equals_the_uncached_diff_both_ways(pair: tuple[str, str]) -> None:
    a, b = pair
    for x, y in ((a, b), (b, a), (a, a), (a, b)):  # again: the second time from the token cache
        assert word_diff(x, y) == _word_diff_one_call_at_a_time(x, y)
