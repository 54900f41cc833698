"""Turn loaded text into a :class:`~copytrail.records.Document` of roled segments."""

from __future__ import annotations

from functools import lru_cache

from copytrail.normalize.boilerplate import classify_units
from copytrail.normalize.scripts import count_words, match_words, normalise
from copytrail.normalize.segment import split_sentences, split_units
from copytrail.records import Document, LoadedText, Role, Segment

__all__ = ["prepare_document", "normalise_for_match", "match_words", "text_words"]

# Sentences shorter than this are too common to call a repeat of each other.
_MIN_REPEAT_WORDS = 6


# The aligner, the pair features and the explainer all normalise the same sentences again,
# and a scan does it in every pair a document is in.
@lru_cache(maxsize=1 << 15)
def normalise_for_match(text: str) -> str:
    """Case-fold, drop punctuation and squeeze spaces: the form lexical matching sees.

    Its words are ``match_words(normalise_for_match(text))`` (see :mod:`copytrail.normalize.scripts`):
    ``.split()`` for scripts with spaces, one unit per character for Chinese, Japanese and Thai.
    """
    return normalise(text)


def text_words(text: str) -> list[str]:
    """A whole text's words as lexical matching sees them: ``match_words(normalise_for_match(text))``.

    Not through :func:`normalise_for_match`'s cache: whole documents (a scan's fingerprints,
    compare's same-words test) would crowd out the sentences it keeps, and hold their texts.
    Each character is a word in scripts without spaces (Chinese, Japanese, Thai).
    """
    return match_words(normalise(text))


def prepare_document(loaded: LoadedText) -> Document:
    """Segment a loaded text and give every segment its role.

    A sentence that repeats an earlier one word for word (a caption shown twice, a
    pull quote) is marked boilerplate with reason ``"repeated"``, so that it neither
    aligns twice nor counts twice in coverage.
    """
    text = loaded.text
    units = split_units(text)
    unit_roles = classify_units(text, units)
    seen: set[str] = set()
    segments: list[Segment] = []
    for raw in split_sentences(text, units):
        unit_role = unit_roles[raw.unit]
        role, reason = unit_role.role, unit_role.reason
        key = normalise_for_match(text[raw.start : raw.end])
        if role.alignable and count_words(key) >= _MIN_REPEAT_WORDS:
            if key in seen:
                role, reason = Role.BOILERPLATE, "repeated"
            seen.add(key)
        segments.append(
            Segment(
                index=len(segments),
                start=raw.start,
                end=raw.end,
                text=text[raw.start : raw.end],
                block=units[raw.unit].block,
                role=role,
                reason=reason,
            )
        )
    return Document(
        name=loaded.name,
        text=text,
        source_format=loaded.source_format,
        encoding=loaded.encoding,
        meta=loaded.meta,
        segments=tuple(segments),
    )
