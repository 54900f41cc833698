"""Merge sentence pairs into passages, and find what stayed unaligned."""

from __future__ import annotations

import bisect
from collections.abc import Sequence

from copytrail.records import Document, Passage, PassageLabel, SentencePair, Span


def _label(pairs: Sequence[SentencePair], weights: Sequence[int]) -> PassageLabel:
    """The passage's label is the one covering most of its characters, with ties to the looser."""
    share = {label: 0 for label in PassageLabel}
    for pair, weight in zip(pairs, weights):
        share[pair.label] += weight
    if share[PassageLabel.VERBATIM] == sum(weights):
        return PassageLabel.VERBATIM
    if share[PassageLabel.PARAPHRASED] * 2 >= sum(weights):
        return PassageLabel.PARAPHRASED
    return PassageLabel.EDITED


def build_passages(
    a: Document, b: Document, pairs: Sequence[SentencePair], alignable_a: Sequence[int], alignable_b: Sequence[int]
) -> tuple[Passage, ...]:
    """Group pairs that follow each other in both documents into passages.

    "Follow" is counted over alignable sentences, so page chrome or a short fragment
    between two aligned sentences does not break a passage.
    """
    rank_a = {seg: r for r, seg in enumerate(alignable_a)}
    rank_b = {seg: r for r, seg in enumerate(alignable_b)}
    runs: list[list[SentencePair]] = []
    for pair in sorted(pairs, key=lambda p: (p.a, p.b)):
        if runs:
            last = runs[-1][-1]
            step_a = rank_a[pair.a] - rank_a[last.a]
            step_b = rank_b[pair.b] - rank_b[last.b]
            # (1, 1) is the next sentence on both sides; (1, 0) and (0, 1) a merge or split.
            if (step_a, step_b) in {(1, 1), (1, 0), (0, 1)}:
                runs[-1].append(pair)
                continue
        runs.append([pair])
    passages = []
    for run in runs:
        weights = [a.segments[p.a].end - a.segments[p.a].start for p in run]
        similarity = sum(p.similarity * w for p, w in zip(run, weights)) / max(sum(weights), 1)
        passages.append(
            Passage(
                a_span=Span(a.segments[run[0].a].start, a.segments[run[-1].a].end),
                b_span=Span(b.segments[run[0].b].start, b.segments[run[-1].b].end),
                pairs=tuple(run),
                label=_label(run, weights),
                similarity=round(similarity, 4),
            )
        )
    return tuple(passages)


def unaligned_spans(doc: Document, aligned: set[int]) -> tuple[Span, ...]:
    """Story, heading and caption text without a counterpart, merged per run of sentences."""
    spans: list[Span] = []
    current: Span | None = None
    for seg in doc.segments:
        if seg.index in aligned or not seg.role.alignable:
            if current is not None:
                spans.append(current)
                current = None
            continue
        current = Span(seg.start, seg.end) if current is None else Span(current.start, seg.end)
    if current is not None:
        spans.append(current)
    return tuple(spans)


def coverage(doc: Document, aligned: set[int]) -> float:
    """Share of the document's story characters (story and headings) that align."""
    total = doc.story_chars()
    if total == 0:
        return 0.0
    covered = sum(len(s.text) for s in doc.segments if s.index in aligned and s.role.counts_for_coverage)
    return round(covered / total, 4)


def with_fragments(doc: Document, aligned: set[int], alignable: set[int]) -> set[int]:
    """Add the too-short-to-align fragments ("Never again.") that go with an aligned sentence.

    Such a fragment belongs to the nearest alignable sentence before it in the same
    paragraph (page chrome in between, such as a line marked as repeated, is passed
    over), or, when it opens the paragraph, to the first one after it; it is covered when
    that sentence is. A text compared with itself is then fully covered unless one of
    its paragraphs holds no alignable sentence at all.
    """
    result = set(aligned)
    blocks: dict[int, list[int]] = {}
    for seg in doc.segments:
        if seg.index in alignable:
            blocks.setdefault(seg.block, []).append(seg.index)
    for seg in doc.segments:
        if seg.index in alignable or not seg.role.alignable:
            continue
        sentences = blocks.get(seg.block, [])
        k = bisect.bisect_left(sentences, seg.index)
        owner = sentences[k - 1] if k > 0 else sentences[0] if sentences else None
        if owner is not None and owner in aligned:
            result.add(seg.index)
    return result
