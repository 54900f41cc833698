"""compare's same-words test takes the same decisions with its early look at the texts' beginnings."""

from __future__ import annotations

from types import SimpleNamespace

from hypothesis import given, settings
from hypothesis import strategies as st

from copytrail.compare import _differ_early, same_words
from copytrail.normalize import text_words

# Texts that share long beginnings and differ in case, spacing, punctuation or a word somewhere.
_piece = st.sampled_from(
    ["Talks", "talks", "resume", "re-sume", "on", "Monday", "  ", "\n", ", ", ".", "x", "é", "東京"]
)
_text = st.lists(_piece, max_size=30).map("".join)


def _same_words_in_full(a: str, b: str) -> bool:
    words_a = text_words(a)
    return bool(words_a) and words_a == text_words(b)


@settings(max_examples=400, deadline=None)
@given(_text, _text, _text, st.integers(0, 40))
def test_same_words_agrees_with_comparing_all_words(common: str, tail_a: str, tail_b: str, chars: int) -> None:
    """Any cut of the beginnings (inside a word too) rules out only texts whose words differ."""
    a = common + tail_a
    for b in (common + tail_b, a.upper(), a.replace(" ", "   "), a.replace(",", " ,"), a):
        full = _same_words_in_full(a, b)
        if _differ_early(a, b, chars):
            assert not full, (a, b, chars)
        assert same_words(SimpleNamespace(text=a), SimpleNamespace(text=b)) == full, (a, b)


def test_the_early_look_decides_unlike_texts() -> None:
    differ = _differ_early
    assert differ("Talks resume on Monday." + " x" * 400, "Talks resumed on Monday." + " x" * 400)
    assert differ("Talks resume on Monday, said", "Talks resume on Friday, said", chars=25)
    assert not differ("Talks  resume on Monday", "Talks resume on Monday", chars=8)  # "r" against "re": cut short
    assert not differ("Talks resume on Monday.", "talks, RESUME on   Monday")
    assert not differ("Talks resume.", "Talks résumé.")  # not ASCII: left to the full comparison
