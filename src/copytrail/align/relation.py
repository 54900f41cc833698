"""Name the relation between two documents from their aligned passages."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

import numpy as np

from copytrail.align.evidence import fact_counts, passage_evidence, reuse_evidence, word_count
from copytrail.normalize import match_words, normalise_for_match
from copytrail.normalize.scripts import count_words
from copytrail.records import Coverage, Document, Passage, PassageLabel, Relation, SentencePair


@dataclass(frozen=True, slots=True)
class RelationConfig:
    """Coverage and similarity thresholds that separate the relations.

    A rewrite must cover a good part of both documents (one may add or drop paragraphs);
    a near-duplicate nearly all of both, in mostly lexical pairs; a duplicate all of
    both, verbatim. Partial reuse is anything less with a real passage in it.

    Where the numbers come from: the coverage and share thresholds and
    ``same_story_cosine`` were set with the first pair engine (112992f) by hand, checked
    against the Kherson acceptance test and bench/pan13.py, and never swept;
    ``partial_min_words``/``partial_min_pairs`` came with bench/pan13.py's obfuscated
    pairs, checked against its negatives (e12e1c6); the evidence pair is calibrated by
    bench/evidence_calibration.py.
    """

    duplicate_coverage: float = 0.95
    # Share of the aligned characters that must be verbatim for a duplicate.
    duplicate_verbatim_share: float = 0.95
    near_duplicate_coverage: float = 0.8
    near_duplicate_lexical_share: float = 0.8
    rewrite_min_coverage: float = 0.4
    rewrite_max_coverage: float = 0.6
    partial_min_words: int = 15
    partial_min_pairs: int = 3
    same_story_cosine: float = 0.55
    # Reuse evidence (copytrail.align.evidence) a rewrite or partial reuse needs in one
    # passage: scattered one-sentence passages (chrome prompts in the header, between
    # paragraphs and in the footer) never add up to it. Set by bench/evidence_calibration.py
    # on its development split (see the README's table).
    min_passage_evidence: float = 4.5
    # Aligned sentences shorter than this (words) carry no evidence: menus, share bars,
    # labels and one-line prompts. Set with min_passage_evidence by the same script.
    min_evidence_words: int = 10
    # An alignment that covers at least this share of both documents counts the evidence
    # of every aligned sentence, short ones included: a short post and its translation
    # (four sentences of eight words) aligned whole have no room for the scattered chrome
    # the word minimum is there to discount. Set by bench/whole_document_calibration.py:
    # the midpoint between the most a DEV negative covers of both documents (0.36, a WMT
    # decoy) and the least a DEV translation it is needed for does (1.0).
    whole_document_coverage: float = 0.68
    # A template, not reuse: two instances of a wire's template story (bond issues,
    # earnings notes) share the wording and swap the facts (issuer, amounts, coupon,
    # dates). An alignment of one language that swaps at least template_min_swapped
    # figures or name words for others (copytrail.align.evidence.fact_counts), and keeps
    # under template_max_agreement of its compared facts, is not a copy: a copy, however
    # edited, keeps its story's facts. Set by bench/template_calibration.py on its DEV split
    # (the highest DEV family purity that loses no DEV positive pair).
    template_min_swapped: int = 8
    template_max_agreement: float = 0.6


def _words(doc: Document, index: int) -> int:
    return count_words(doc.segments[index].text)


def _long_enough(a: Document, b: Document, pair: SentencePair, min_words: int) -> bool:
    return min(word_count(a, pair.a), word_count(b, pair.b)) >= min_words


def _longest_shared_run(text_a: str, text_b: str) -> int:
    """Words in the longest stretch the two texts share word for word.

    A pair whose sentences were cut differently (a web page's run-on "sentence" against
    its source's) scores low on character similarity as a whole, and is labelled
    paraphrased, though sixty of its words are copied verbatim.
    """
    words_a, words_b = match_words(normalise_for_match(text_a)), match_words(normalise_for_match(text_b))
    match = SequenceMatcher(None, words_a, words_b, autojunk=False).find_longest_match(0, len(words_a), 0, len(words_b))
    # In words, whatever the script: a run of Chinese characters counts as the words it holds.
    return count_words(" ".join(words_a[match.a : match.a + match.size]))


def is_template(a: Document, b: Document, pairs: Sequence[SentencePair], config: RelationConfig) -> bool:
    """Whether the alignment is a template filled with other facts (see ``RelationConfig``).

    Only within one language: a translation writes names in another script, so its facts
    cannot be compared token for token.
    """
    if (a.language or "en") != (b.language or "en"):
        return False
    counts = fact_counts(a, b, pairs)
    return counts.swapped >= config.template_min_swapped and counts.agreement < config.template_max_agreement


def classify_relation(
    a: Document,
    b: Document,
    passages: Sequence[Passage],
    cover: Coverage,
    topic_cosine: float | None,
    config: RelationConfig = RelationConfig(),
) -> tuple[Relation, float]:
    """Return the relation and a score in [0, 1] saying how strongly it holds.

    Args:
        topic_cosine: cosine of the two documents' mean sentence embeddings, used to
            tell "same story, written independently" from "unrelated"; None when no
            embeddings were made.
    """
    pairs = [p for passage in passages for p in passage.pairs]
    low, high = sorted((cover.a, cover.b))
    chars = {label: 0 for label in PassageLabel}
    for pair in pairs:
        chars[pair.label] += len(a.segments[pair.a].text)
    aligned_chars = max(sum(chars.values()), 1)
    verbatim_share = chars[PassageLabel.VERBATIM] / aligned_chars
    lexical_share = (chars[PassageLabel.VERBATIM] + chars[PassageLabel.EDITED]) / aligned_chars
    similarity = float(np.mean([p.similarity for p in pairs])) if pairs else 0.0
    # A rewrite may reorder every paragraph, so its evidence adds up over the whole
    # alignment; a partial reuse needs it in one passage (see RelationConfig).
    strongest = passage_evidence(a, b, passages, min_words=config.min_evidence_words)
    overall = reuse_evidence(a, b, [p for p in pairs if _long_enough(a, b, p, config.min_evidence_words)])
    if pairs and low >= config.whole_document_coverage:
        overall = max(overall, reuse_evidence(a, b, pairs))

    if pairs and low >= config.duplicate_coverage and verbatim_share >= config.duplicate_verbatim_share:
        return Relation.DUPLICATE, round(min(low, verbatim_share), 4)
    template = bool(pairs) and is_template(a, b, pairs, config)
    if template:
        # The wording is shared, the story is not: no evidence of reuse, so what is left
        # is "same story" (the aligned pairs are still shown) or less.
        strongest = overall = 0.0
    if (
        pairs
        and not template
        and low >= config.near_duplicate_coverage
        and lexical_share >= config.near_duplicate_lexical_share
    ):
        return Relation.NEAR_DUPLICATE, round(low * lexical_share, 4)
    if (
        overall >= config.min_passage_evidence
        and low >= config.rewrite_min_coverage
        and high >= config.rewrite_max_coverage
    ):
        return Relation.REWRITE, round(min(1.0, (low + high) / 2 * (0.5 + similarity / 2)), 4)
    # Reuse needs more than one sentence that happens to say what the other says: a run
    # of aligned sentences, a long lexical copy, or several pairs (PAN13's negatives
    # show at most one paraphrase-like pair; its obfuscated copies show runs).
    run = any(len(passage.pairs) >= 2 for passage in passages)
    long_copy = any(
        (p.label is not PassageLabel.PARAPHRASED and _words(a, p.a) >= config.partial_min_words)
        or _longest_shared_run(a.segments[p.a].text, b.segments[p.b].text) >= config.partial_min_words
        for p in pairs
    )
    partial = strongest >= config.min_passage_evidence and (run or long_copy or len(pairs) >= config.partial_min_pairs)
    if (a.language or "en") != (b.language or "en"):
        # Across languages every aligned pair is a paraphrase, and two reports of one event
        # (the same announcement, told by two outlets) say the same facts sentence by
        # sentence: a lead of two such sentences, or three scattered ones, is not a copy.
        # A translated passage is a run of partial_min_pairs sentences that follow each
        # other in both, with the evidence in that run.
        runs = [passage for passage in passages if len(passage.pairs) >= config.partial_min_pairs]
        partial = passage_evidence(a, b, runs, min_words=config.min_evidence_words) >= config.min_passage_evidence
    if partial:
        return Relation.PARTIAL_REUSE, round(max(high, similarity * high), 4)
    if topic_cosine is not None and topic_cosine >= config.same_story_cosine:
        return Relation.SAME_STORY, round(topic_cosine, 4)
    if pairs:
        return Relation.SAME_STORY, round(similarity * high, 4)
    return Relation.UNRELATED, round(1.0 - max(topic_cosine or 0.0, 0.0), 4)
