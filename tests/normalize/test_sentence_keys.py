"""Sentence keys counted from a whole text equal those of each sentence on its own."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from copytrail.normalize.common import _keys_and_words, text_sentence_keys
from copytrail.normalize.segment import split_sentences, split_units
from tests.strategies import prose

# ASCII with what folding and punctuation turn into spaces: capitals, digits, underscores,
# controls, tabs, a sentence of punctuation only.
_PIECES = [*"aZ9_ .,!?'\"-:;()\t\n\x00\x1c\x7f", "U.S.", "?!", "\n\n", "Mr. Smith", "Prices rose"]
_ASCII = st.lists(st.sampled_from(_PIECES), max_size=60).map("".join)


def _one_sentence_at_a_time(text: str) -> tuple[list[int], list[int]]:
    keys, words = _keys_and_words([text[s.start : s.end] for s in split_sentences(text, split_units(text))])
    return keys.tolist(), words.tolist()


@given(text=st.one_of(prose(), _ASCII, st.text(max_size=200)))
@settings(max_examples=300, deadline=None)
def test_text_sentence_keys_equal_each_sentences_own(text: str) -> None:
    keys, words = text_sentence_keys(text)
    assert keys.dtype.name == "uint64" and words.dtype.name == "int32"
    assert (keys.tolist(), words.tolist()) == _one_sentence_at_a_time(text)


def test_a_sentence_without_words_has_key_zero_and_others_differ() -> None:
    keys, words = text_sentence_keys("Prices rose by 3.5% in March.\n\n?!\n\nPRICES ROSE, by 3.5% in March!")
    assert keys.tolist()[1] == 0 and keys.tolist()[0] == keys.tolist()[2] != 0
    assert words.tolist() == [6, 1, 6]
