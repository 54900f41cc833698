"""Two pages of one site: the text they share around two different stories is the site's frame.

A page is its site's template (cookie notice, menus, newsletter prompt, author box,
legal lines) around a story. Two pages of one site share the template and nothing
else, and where the pattern rules do not know the site, the template's prose-like lines
pass for story text and align. What gives them away is where they stand: every aligned
sentence lies before the two stories in both pages, or after them in both, and the
stories themselves, the longest unaligned run of each page, share nothing. A passage
lifted from one story into another stands inside a story, so it is never framed this
way; nor is a copy whose story aligns, nor a rewrite whose retold middle shares the
names and rare words a different story would not.

This needs a frame on both sides of the stories (a page header *and* a page footer in
common): a lead paragraph lifted into the top of an otherwise new article is before the
story in both texts too, and it is reuse.
"""

from __future__ import annotations

from collections.abc import Sequence

from copytrail.align.sentences import UNRELATED_MAX_SHARED_STEMS, stem_set
from copytrail.records import Document, SentencePair

__all__ = ["site_frame"]

# The stories: each page's longest run of unaligned story sentences must hold at least this
# many sentences, and at least this share of the page's unaligned story characters.
MIN_STORY_SENTENCES = 3
MIN_STORY_SHARE = 0.5
# Sentence pairs looked through to tell the two stories apart; longer pages claim no frame.
_MAX_STORY_CELLS = 250_000


def site_frame(
    a: Document, b: Document, pairs: Sequence[SentencePair], alignable_a: Sequence[int], alignable_b: Sequence[int]
) -> bool:
    """Whether every aligned pair is the two pages' shared frame around two different stories."""
    if not pairs:
        return False
    aligned_a, aligned_b = {p.a for p in pairs}, {p.b for p in pairs}
    story_a = _story_run(a, alignable_a, aligned_a)
    story_b = _story_run(b, alignable_b, aligned_b)
    if story_a is None or story_b is None:
        return False
    # The two stories outweigh what the pages share: in a copy, however edited, the shared
    # text is the story, and the longest unaligned run is an edited stretch of it.
    for doc, story, aligned in ((a, story_a, aligned_a), (b, story_b, aligned_b)):
        if story[2] < sum(len(doc.segments[i].text) for i in aligned):
            return False
    before = after = False
    for pair in pairs:
        side_a, side_b = _side(pair.a, story_a), _side(pair.b, story_b)
        if side_a != side_b:
            return False  # before one story and after the other: text moved, not a frame
        before, after = before or side_a < 0, after or side_a > 0
    # Last, as the costliest test: a rewrite keeps its opening and close and retells the middle.
    return before and after and _different_stories(a, b, story_a, story_b, alignable_a, alignable_b)


def _story_run(doc: Document, alignable: Sequence[int], aligned: set[int]) -> tuple[int, int, int] | None:
    """The first and last segment and the characters of the document's longest run (in
    characters) of unaligned alignable sentences, when it is long enough to be the page's story."""
    runs: list[list[int]] = [[]]
    for index in alignable:
        if index in aligned:
            if runs[-1]:
                runs.append([])
        else:
            runs[-1].append(index)
    lengths = [sum(len(doc.segments[i].text) for i in run) for run in runs]
    best = max(range(len(runs)), key=lengths.__getitem__)
    unaligned = sum(lengths)
    run = runs[best]
    if len(run) < MIN_STORY_SENTENCES or not unaligned or lengths[best] < MIN_STORY_SHARE * unaligned:
        return None
    return run[0], run[-1], lengths[best]


def _different_stories(
    a: Document,
    b: Document,
    story_a: tuple[int, int, int],
    story_b: tuple[int, int, int],
    alignable_a: Sequence[int],
    alignable_b: Sequence[int],
) -> bool:
    """Whether no sentence of one story shares more content stems with one of the other than
    two articles on different subjects do (the aligner's ``UNRELATED_MAX_SHARED_STEMS``)."""
    run_a = [stem_set(a.segments[i].text) for i in alignable_a if story_a[0] <= i <= story_a[1]]
    run_b = [stem_set(b.segments[i].text) for i in alignable_b if story_b[0] <= i <= story_b[1]]
    if len(run_a) * len(run_b) > _MAX_STORY_CELLS:
        return False  # too long to look through: no frame is claimed
    return not any(len(x & y) > UNRELATED_MAX_SHARED_STEMS for x in run_a for y in run_b)


def _side(index: int, story: tuple[int, int, int]) -> int:
    return -1 if index < story[0] else 1
