"""How much an alignment says about reuse: aligned story words, weighted by how rare they are.

Two articles can align a sentence or three without one taking from the other: a site's
newsletter prompt, a legal line, a stock background sentence, a quote both reporters
heard. Such sentences are short, or made of the commonest words of the language, or
both. The *reuse evidence* of an alignment is the sum, over its aligned sentence pairs,
of the pair's probability times the rarity mass of the shorter sentence: each word
weighs from 0 (the language's commonest words: "the", "our", "to") to 1 (words rarer
than about once in a million: names, figures, technical terms), by its Zipf frequency
in the wordfreq lists (``(6 - zipf) / 3``, clipped). A copied paragraph of news
reaches tens of units; "Sign up for our morning briefing …" about three.

Each side's words are weighed in that side's own language (``Document.language``;
English when it was not identified), so a German copy is held to the same rule as an
English one. Languages wordfreq does not know, or cannot split without an extra
segmenter, weigh every word 1: evidence then degrades to a word count, never to zero.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from copytrail.align.word_frequency import RARE_ZIPF, zipf_at_least_rare
from copytrail.normalize import match_words, normalise_for_match
from copytrail.normalize.scripts import count_words, has_unspaced
from copytrail.records import Document, Passage, SentencePair

__all__ = [
    "FactCounts",
    "fact_counts",
    "pair_evidence",
    "passage_evidence",
    "reuse_evidence",
    "word_count",
    "word_weight",
]

# Zipf 6 is one word in a thousand ("about", "people"); 3 is one in a million.
_COMMON_ZIPF = 6.0


@lru_cache(maxsize=1 << 18)
def word_weight(word: str, language: str = "en") -> float:
    """How much one word says about reuse: 0 for the commonest words, 1 for rare ones."""
    zipf = zipf_at_least_rare(word, language)
    if zipf is None:
        return 1.0
    return min(1.0, max(0.0, (_COMMON_ZIPF - zipf) / (_COMMON_ZIPF - RARE_ZIPF)))


@lru_cache(maxsize=1 << 16)
def sentence_mass(text: str, language: str = "en") -> float:
    """The rarity mass of a sentence: the sum of its words' weights.

    Cached: the strongest passage and the whole alignment weigh the same sentences.

    Chinese, Japanese and Thai cannot be split into wordfreq's words without a
    segmenter, so their characters weigh 1 per English word they are worth
    (:func:`~copytrail.normalize.scripts.count_words`).
    """
    tokens = match_words(normalise_for_match(text))
    mass = sum(word_weight(w, language) for w in tokens if len(w) > 1 or not has_unspaced(w))
    unspaced = "".join(w for w in tokens if len(w) == 1 and has_unspaced(w))
    return mass + count_words(unspaced) if unspaced else mass


def pair_evidence(
    text_a: str, text_b: str, probability: float, language_a: str = "en", language_b: str = "en"
) -> float:
    """One aligned pair's evidence: its probability times the rarity mass of the shorter side."""
    return probability * min(sentence_mass(text_a, language_a), sentence_mass(text_b, language_b))


def reuse_evidence(a: Document, b: Document, pairs: Iterable[SentencePair]) -> float:
    """The reuse evidence of aligned sentence pairs between ``a`` and ``b`` (see the module docstring)."""
    lang_a, lang_b = a.language or "en", b.language or "en"
    return sum(pair_evidence(a.segments[p.a].text, b.segments[p.b].text, p.similarity, lang_a, lang_b) for p in pairs)


def passage_evidence(a: Document, b: Document, passages: Iterable[Passage], *, min_words: int = 0) -> float:
    """The evidence of the strongest single passage (a run of aligned sentences).

    Chrome that two pages share is scattered: a prompt in the header, one between
    paragraphs, a legal line at the foot, each its own one-sentence passage. A lifted
    paragraph is one passage of several sentences, so its evidence stands together.
    Pairs whose shorter sentence has fewer than ``min_words`` words count for nothing:
    menus, share bars, labels and one-line prompts are short; copied prose is not.
    """
    best = 0.0
    for passage in passages:
        kept = [p for p in passage.pairs if min(word_count(a, p.a), word_count(b, p.b)) >= min_words]
        best = max(best, reuse_evidence(a, b, kept))
    return best


def word_count(doc: Document, index: int) -> int:
    """Words of one segment, as matching sees them (Chinese, Japanese, Thai in English-word equivalents)."""
    return count_words(normalise_for_match(doc.segments[index].text))


@dataclass(frozen=True, slots=True)
class FactCounts:
    """Facts (figures, words of names) of an alignment, kept or swapped between the two sides.

    Attributes:
        kept: fact tokens both sentences of an aligned pair carry.
        swapped: per pair, the smaller of the two sides' own fact tokens, summed: a fact
            of one side that stands where the other has a different one. A fact only one
            side has (dropped, or added) is an edit, not a swap, and is not counted.
    """

    kept: int
    swapped: int

    @property
    def agreement(self) -> float:
        """Share of the compared facts that were kept (1.0 when there are none)."""
        total = self.kept + self.swapped
        return self.kept / total if total else 1.0


def fact_counts(a: Document, b: Document, pairs: Iterable[SentencePair]) -> FactCounts:
    """How many facts the aligned sentences keep, and how many they swap for others.

    A copy, however heavily edited, keeps its story's names and figures: edits drop or
    reword them, they rarely put other ones in their place. Two instances of a template
    (a wire's bond-issue or earnings announcement) share the wording and swap the facts:
    issuer, amount, coupon, dates, lead manager.
    """
    from copytrail.explain.facts import fact_tokens  # explain builds on align; only this reaches back

    kept = swapped = 0
    for p in pairs:
        ta, tb = Counter(fact_tokens(a.segments[p.a])), Counter(fact_tokens(b.segments[p.b]))
        kept += sum((ta & tb).values())
        swapped += min(sum((ta - tb).values()), sum((tb - ta).values()))
    return FactCounts(kept, swapped)
