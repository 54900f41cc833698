"""The one word stemmer of copytrail: a plural or verb ending dropped, then the first five letters.

Used wherever two wordings of a sentence are compared word by word: the pair classifier's
unmatched-word runs (``align.features``), the shuffled-sentence pass
(``align.sentences``), the clauses one sentence adds (``align.gaps``) and the keys of verb
groups and names in the change detectors (``explain.facts``, ``explain.changes``).

It is deliberately crude and dependency-free: "withdrawing" meets "withdrawn", "signs"
meets "sign", "shares" meets "share", "Ukraine's" meets "Ukrainian". A real stemmer
(Snowball) is no dependency of copytrail, and the five-letter cut already does most of
its work on news English.
"""

from __future__ import annotations

from functools import lru_cache

__all__ = ["STEM_LETTERS", "stem"]

# Words that share their first STEM_LETTERS letters, once an ending is dropped, count as one word.
STEM_LETTERS = 5
_SUFFIXES = ("ing", "ed", "es", "s")
# An ending is dropped only when at least this many letters remain ("bed", "sing" keep theirs).
_MIN_ROOT = 3


@lru_cache(maxsize=1 << 16)  # called for every word of every sentence pair; news vocabulary repeats
def stem(word: str) -> str:
    """A crude stem of a lower-case word: "signs" -> "sign", "withdrawing" -> "withd".

    "-ies" becomes "-y" and a final "e" goes, so that "cities" meets "city" and "shares",
    "shared" and "sharing" meet "share" (the first two by the ending, the last by the cut).
    """
    if word.endswith("ies") and len(word) - 3 >= _MIN_ROOT:
        word = word[:-3] + "y"
    else:
        for suffix in _SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= _MIN_ROOT and not word.endswith("ss"):
                word = word[: -len(suffix)]
                break
    if word.endswith("e") and len(word) > _MIN_ROOT:
        word = word[:-1]
    return word[:STEM_LETTERS]
