"""Clauses inside aligned sentences that the other sentence does not say.

A rewrite often keeps a sentence and bolts a clause onto it ("... over the winter, when
the fighting is expected to slow"). Sentence alignment alone calls the whole sentence
aligned, so each aligned sentence is cut at clause punctuation and a clause counts as
unmatched when almost none of its content words (compared on a 5-letter stem, so that
"withdrawing" meets "withdrawn") occurs in the partner sentence. Comparing whole clauses
with the whole partner, not diff blocks, keeps reworded stretches from being mistaken
for new ones.
"""

from __future__ import annotations

import re

import numpy as np

from copytrail.align.sentences import stem_set
from copytrail.embed.base import Embedder
from copytrail.normalize.scripts import count_words
from copytrail.records import Segment, Span

# The clause thresholds came with clause-level gaps and bench/pan13.py (c22b398); the
# Kherson acceptance test (tests/test_kherson.py) checks the clauses they find. No sweep
# of them is on record.
# A clause shorter than this many words, or with fewer distinct stems, is never reported.
CLAUSE_MIN_WORDS = 5
CLAUSE_MIN_STEMS = 2
# A clause counts as unmatched when under this share of its stems occurs in the partner sentence.
CLAUSE_MAX_SHARED = 0.34
# With an embedder, a candidate clause is kept only when no clause of the partner reaches this cosine.
CLAUSE_MAX_COSINE = 0.5

# ASCII clause punctuation, and its fullwidth (CJK), ideographic and Arabic forms.
_CLAUSE_BREAK = re.compile(r"[,;:()\u2014\u2013\uff0c\uff1b\uff1a\uff08\uff09\u3001\u060c\u061b]|\s-\s|\.\s")


def _clauses(segment: Segment) -> list[Span]:
    spans, begin = [], 0
    for match in _CLAUSE_BREAK.finditer(segment.text):
        spans.append((begin, match.start()))
        begin = match.end()
    spans.append((begin, len(segment.text)))
    out = []
    for s, e in spans:
        piece = segment.text[s:e]
        lead = len(piece) - len(piece.lstrip(" \"'\u201c\u201d\u2018\u2019"))
        trail = len(piece) - len(piece.rstrip(" .!?\"'\u201c\u201d\u2018\u2019\u3002\uff01\uff1f\u300d\u300f"))
        if e - trail > s + lead:
            out.append(Span(segment.start + s + lead, segment.start + e - trail))
    return out


def unmatched_clauses(
    segment: Segment,
    partner: Segment,
    text: str,
    *,
    min_words: int = CLAUSE_MIN_WORDS,
    max_shared: float = CLAUSE_MAX_SHARED,
) -> list[Span]:
    """Spans (offsets into ``text``, the segment's document) of clauses the partner may lack.

    These are lexical candidates; :func:`confirm_with_embeddings` drops the ones the
    partner paraphrases.
    """
    partner_stems = stem_set(partner.text)
    found = []
    for clause in _clauses(segment):
        words = text[clause.start : clause.end]
        stems = stem_set(words)
        if count_words(words) < min_words or len(stems) < CLAUSE_MIN_STEMS:
            continue
        if len(stems & partner_stems) / len(stems) < max_shared:
            found.append(clause)
    return found


def confirm_with_embeddings(
    candidates: list[tuple[Span, Segment]],
    text: str,
    partner_text: str,
    embedder: Embedder,
    *,
    max_cosine: float = CLAUSE_MAX_COSINE,
) -> list[Span]:
    """Keep the candidate clauses that no clause of their partner sentence paraphrases.

    Args:
        candidates: (clause span in ``text``, partner segment in ``partner_text``) pairs.
    """
    if not candidates:
        return []
    clause_texts = [text[span.start : span.end] for span, _ in candidates]
    partner_clauses = [[partner_text[c.start : c.end] for c in _clauses(p)] for _, p in candidates]
    flat = [c for group in partner_clauses for c in group]
    vectors = embedder.embed(clause_texts + flat)
    kept, offset = [], len(clause_texts)
    for k, (span, _) in enumerate(candidates):
        group = vectors[offset : offset + len(partner_clauses[k])]
        offset += len(partner_clauses[k])
        if not len(group) or float(np.max(group @ vectors[k])) < max_cosine:
            kept.append(span)
    return kept
