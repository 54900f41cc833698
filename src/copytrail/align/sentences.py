"""Pair the sentences of two documents: lexical anchors first, embeddings for the rest.

1. Every alignable sentence of A is compared with every one of B on normalised
   characters (rapidfuzz's C ``cdist``: a 100 x 100 matrix takes about a millisecond).
   Pairs above ``anchor_ratio`` are anchors: verbatim or edited copies, decided without
   a model.
2. Sentences left without an anchor are embedded (the expensive step, so only they
   are) and scored by the pair classifier on cosine plus lexical features.
3. Pairs are taken greedily, best first, one partner per sentence, so reordered text
   still aligns. A second, laxer pass fills gaps between aligned neighbours, where the
   context vouches for a weaker match.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Indel

from copytrail.align.crosslingual import CrossLingualClassifier
from copytrail.align.features import PairClassifier, content_words, pair_features
from copytrail.align.stem import stem
from copytrail.embed.base import Embedder
from copytrail.normalize import match_words, normalise_for_match
from copytrail.normalize.scripts import count_words, has_unspaced
from copytrail.records import Document, PassageLabel, SentencePair

# Where each threshold below comes from. Where no sweep is on record, the comment names the
# commit and the benchmark or test it came with; a change to any of them should be checked
# against that benchmark (bench/mrpc.py, bench/pan13.py, bench/edits.py, bench/scan_bench.py)
# and tests/test_kherson.py, whose 42 hand-marked Kherson pairs are the acceptance test.

# Sentences of fewer words carry too little to align on their own ("Never again.").
# From the first aligner (112992f, with bench/mrpc.py); fragments ride along (passages.with_fragments).
MIN_WORDS = 3
# A sentence must be this long before it may be found inside a longer one (merged or
# split sentences; 978c2ab, with the BBC copies of tests/align/test_relations.py).
MIN_CONTAINED_WORDS = 6
# ... and sit inside it with rapidfuzz partial_ratio of at least anchor_ratio + this margin
# (978c2ab), in one of the CONTAINED_TOP best-scoring longer sentences,
CONTAINED_MARGIN = 0.05
CONTAINED_TOP = 3
# ... which must be this many times longer (978c2ab),
CONTAINED_MIN_LENGTH_RATIO = 1.2
# ... and hold at least this share of its words before partial_ratio is run at all (ddb142c:
# on 600 Reuters candidate pairs of a scan, 51 -> 24 ms a pair with 598/600 verdicts unchanged).
CONTAINED_MIN_SHARED_WORDS = 0.5
# The context pass repeats (a pair taken puts its neighbours in context) at most this often (db792ac).
CONTEXT_PASSES = 5
# Words of fewer letters are left out of the stem sets of the shuffled pass and the clause gaps (e12e1c6).
STEM_SET_MIN_LETTERS = 3


@dataclass(frozen=True, slots=True)
class AlignConfig:
    """Knobs of the sentence aligner.

    Attributes:
        anchor_ratio: character similarity above which a pair is taken without embedding.
        verbatim_ratio: word similarity (share of words kept) from which a pair counts
            as verbatim.
        edited_ratio: word similarity from which a pair counts as edited rather than
            paraphrased.
        candidate_cosine: pairs below this cosine (and below ``candidate_ratio``) are not
            scored by the classifier at all.
        gap_threshold, context_cosine: a pair next to an aligned pair (its neighbour
            in A aligned to its neighbour in B) is taken when the classifier gives it
            this probability, or its embeddings this cosine: the context vouches for
            sentences that add or drop details and so fail the strict decision.
        shuffled_min_shared, shuffled_min_jaccard: a pair whose content-word stems
            overlap this much is taken even when word order was scrambled (PAN's random
            obfuscation), where neither characters nor embeddings see the copy.

    Where the defaults come from: ``anchor_ratio``, ``candidate_cosine``,
    ``candidate_ratio`` and ``gap_threshold`` were set with the first aligner and the
    pair classifier's benchmark, ``bench/mrpc.py`` (112992f; MRPC scores the classifier,
    not these gates). ``verbatim_ratio`` and ``edited_ratio`` became word-level labels
    with ``bench/pan13.py`` (c22b398; 0.97 / 0.75 on characters before). The shuffled
    pair gates raised PAN13 random-obfuscation recall with no new false positives
    (``bench/pan13.py``, e12e1c6). ``context_cosine`` came with the Kherson acceptance
    test, ``tests/test_kherson.py`` (db792ac). No sweep of any of them is on record.
    """

    anchor_ratio: float = 0.8  # bench/mrpc.py era (112992f)
    verbatim_ratio: float = 0.95  # bench/pan13.py (c22b398)
    edited_ratio: float = 0.8  # bench/pan13.py (c22b398)
    candidate_cosine: float = 0.45  # bench/mrpc.py era (112992f)
    candidate_ratio: float = 0.45  # bench/mrpc.py era (112992f)
    gap_threshold: float = 0.25  # bench/mrpc.py era (112992f)
    context_cosine: float = 0.6  # tests/test_kherson.py (db792ac)
    shuffled_min_shared: int = 5  # bench/pan13.py, random obfuscation (e12e1c6)
    shuffled_min_jaccard: float = 0.5  # bench/pan13.py, random obfuscation (e12e1c6)

    def __post_init__(self) -> None:
        for name in ("anchor_ratio", "verbatim_ratio", "edited_ratio", "gap_threshold"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must lie in [0, 1], got {value}")


@dataclass(frozen=True, slots=True)
class SentenceAlignment:
    pairs: tuple[SentencePair, ...]
    lexical_seconds: float
    embed_seconds: float
    sentences_embedded: int
    a_vectors: dict[int, np.ndarray]
    b_vectors: dict[int, np.ndarray]


def alignable_indices(doc: Document) -> list[int]:
    return [s.index for s in doc.segments if s.role.alignable and count_words(normalise_for_match(s.text)) >= MIN_WORDS]


def word_ratio(a: str, b: str) -> float:
    """Indel similarity over words of the normalised texts: the share of words kept."""
    return Indel.normalized_similarity(match_words(normalise_for_match(a)), match_words(normalise_for_match(b)))


def label_for(ratio: float, config: AlignConfig) -> PassageLabel:
    if ratio >= config.verbatim_ratio:
        return PassageLabel.VERBATIM
    if ratio >= config.edited_ratio:
        return PassageLabel.EDITED
    return PassageLabel.PARAPHRASED


def align_sentences(
    a: Document,
    b: Document,
    *,
    embedder: Embedder | None,
    classifier: PairClassifier,
    config: AlignConfig,
    crosslingual: CrossLingualClassifier | None = None,
) -> SentenceAlignment:
    """Find the sentence pairs of A and B that carry the same content.

    Args:
        a, b: the documents, segmented and roled.
        embedder: embeds sentences left unpaired by lexical anchors; None compares on
            words alone.
        classifier: turns pair features into a probability of "same content".
        config: thresholds.
        crosslingual: for documents in two languages, the decision on multilingual
            cosines and language-independent anchors that replaces ``classifier``.
    """
    started = time.perf_counter()
    ia, ib = alignable_indices(a), alignable_indices(b)
    ta = [normalise_for_match(a.segments[i].text) for i in ia]
    tb = [normalise_for_match(b.segments[j].text) for j in ib]
    if not ia or not ib:
        return SentenceAlignment((), time.perf_counter() - started, 0.0, 0, {}, {})
    ratio = process.cdist(ta, tb, scorer=fuzz.ratio, dtype=np.uint8, workers=1).astype(np.float32) / 100.0

    taken_a: set[int] = set()
    taken_b: set[int] = set()
    pairs: dict[int, SentencePair] = {}

    def take(r: int, c: int, similarity: float, cosine: float | None) -> None:
        taken_a.add(r)
        taken_b.add(c)
        words = word_ratio(a.segments[ia[r]].text, b.segments[ib[c]].text)
        pairs[r] = SentencePair(
            a=ia[r],
            b=ib[c],
            similarity=round(float(similarity), 4),
            lexical=round(words, 4),
            semantic=None if cosine is None else round(float(cosine), 4),
            label=label_for(words, config),
        )

    for flat in np.argsort(-ratio, axis=None, kind="stable"):
        r, c = divmod(int(flat), len(ib))
        if ratio[r, c] < config.anchor_ratio:
            break
        if r not in taken_a and c not in taken_b:
            take(r, c, ratio[r, c], None)
    contained = _contained_sentences(a, b, ia, ib, pairs, config)
    taken_a.update(ia.index(p.a) for p in contained)
    taken_b.update(ib.index(p.b) for p in contained)
    for r, c, share in _shuffled_pairs(a, b, ia, ib, taken_a, taken_b, config):
        take(r, c, share, None)
    lexical_seconds = time.perf_counter() - started

    embed_started = time.perf_counter()
    rest_a = [r for r in range(len(ia)) if r not in taken_a]
    rest_b = [c for c in range(len(ib)) if c not in taken_b]
    a_vectors: dict[int, np.ndarray] = {}
    b_vectors: dict[int, np.ndarray] = {}
    if embedder is not None and rest_a and rest_b:
        va = embedder.embed([a.segments[ia[r]].text for r in rest_a])
        vb = embedder.embed([b.segments[ib[c]].text for c in rest_b])
        a_vectors = {ia[r]: va[k] for k, r in enumerate(rest_a)}
        b_vectors = {ib[c]: vb[k] for k, c in enumerate(rest_b)}
        cosine = va @ vb.T
    else:
        cosine = np.zeros((len(rest_a), len(rest_b)), dtype=np.float32)
    embed_seconds = time.perf_counter() - embed_started

    scores = np.zeros_like(cosine, dtype=np.float64)
    threshold = classifier.threshold
    if crosslingual is not None:
        threshold = crosslingual.threshold
        if a_vectors and b_vectors:
            scores = crosslingual.score(
                [a.segments[ia[r]].text for r in rest_a], [b.segments[ib[c]].text for c in rest_b], cosine
            )
    else:
        for k, r in enumerate(rest_a):
            for m, c in enumerate(rest_b):
                if cosine[k, m] >= config.candidate_cosine or ratio[r, c] >= config.candidate_ratio:
                    features = pair_features(a.segments[ia[r]].text, b.segments[ib[c]].text, float(cosine[k, m]))
                    scores[k, m] = classifier.probability(features)[0]

    if scores.size:
        for flat in np.argsort(-scores, axis=None, kind="stable"):
            k, m = divmod(int(flat), scores.shape[1])
            if scores[k, m] < threshold:
                break
            r, c = rest_a[k], rest_b[m]
            if r not in taken_a and c not in taken_b:
                take(r, c, scores[k, m], cosine[k, m])

        # Context pass: a weak pair whose neighbours align next to each other is kept.
        def in_context(r: int, c: int) -> bool:
            before = pairs.get(r - 1)
            after = pairs.get(r + 1)
            follows = before is not None and c > 0 and before.b == ib[c - 1]
            precedes = after is not None and c + 1 < len(ib) and after.b == ib[c + 1]
            return follows or precedes

        # Repeat: a pair taken here puts its own neighbours in context.
        for _ in range(CONTEXT_PASSES):
            found = len(pairs)
            for flat in np.argsort(-cosine, axis=None, kind="stable"):
                k, m = divmod(int(flat), cosine.shape[1])
                r, c = rest_a[k], rest_b[m]
                if r in taken_a or c in taken_b or not in_context(r, c):
                    continue
                if scores[k, m] >= config.gap_threshold or cosine[k, m] >= config.context_cosine:
                    take(r, c, scores[k, m], cosine[k, m])
            if len(pairs) == found:
                break

    ordered = tuple(sorted([*pairs.values(), *contained], key=lambda p: (p.a, p.b)))
    return SentenceAlignment(
        ordered, lexical_seconds, embed_seconds, len(a_vectors) + len(b_vectors), a_vectors, b_vectors
    )


def _contained_sentences(
    a: Document, b: Document, ia: list[int], ib: list[int], pairs: dict[int, SentencePair], config: AlignConfig
) -> list[SentencePair]:
    """Pairs for sentences that an editor merged into (or split out of) a longer one.

    One-to-one matching leaves "He left. She stayed." against "He left and she stayed."
    unaligned. An unpaired sentence of at least ``MIN_CONTAINED_WORDS`` words whose text
    sits almost whole inside a longer sentence of the other side (rapidfuzz
    ``partial_ratio``) joins it, even if that sentence already has a partner.
    """
    paired_a = {p.a for p in pairs.values()}
    paired_b = {p.b for p in pairs.values()}
    extra: list[SentencePair] = []
    for side in ("a", "b"):
        own, other = (ia, ib) if side == "a" else (ib, ia)
        own_doc, other_doc = (a, b) if side == "a" else (b, a)
        paired = paired_a if side == "a" else paired_b
        loose = [i for i in own if i not in paired and count_words(own_doc.segments[i].text) >= MIN_CONTAINED_WORDS]
        if not loose or not other:
            continue
        short = [normalise_for_match(own_doc.segments[i].text) for i in loose]
        long = [normalise_for_match(other_doc.segments[j].text) for j in other]
        scores = _containment_scores(short, long)
        for k, index in enumerate(loose):
            for m in np.argsort(-scores[k], kind="stable")[:CONTAINED_TOP]:
                if scores[k, m] < config.anchor_ratio + CONTAINED_MARGIN:
                    break
                seg_a, seg_b = (index, other[m]) if side == "a" else (other[m], index)
                words = word_ratio(a.segments[seg_a].text, b.segments[seg_b].text)
                share = float(scores[k, m])
                extra.append(
                    SentencePair(seg_a, seg_b, round(share, 4), round(words, 4), None, label_for(share, config))
                )
                paired.add(index)
                break
    return extra


def _containment_scores(short: list[str], long: list[str]) -> np.ndarray:
    """rapidfuzz ``partial_ratio`` (0..1) of each short text against each long enough text.

    A long enough text is at least ``CONTAINED_MIN_LENGTH_RATIO`` (1.2) times longer.

    ``partial_ratio`` slides the short text along the long one and is the costliest
    scorer here (it was 40% of the scan's verify time as a full matrix), so it runs only
    where at least half of the short text's words occur in the long one: a sentence
    that sits almost whole inside another shares most of its words with it. Other
    cells are 0.
    """
    scores = np.zeros((len(short), len(long)))
    long_words = [set(match_words(text)) for text in long]
    for k, text in enumerate(short):
        words = set(match_words(text))
        for m, other in enumerate(long_words):
            if len(long[m]) >= CONTAINED_MIN_LENGTH_RATIO * len(text) and len(words & other) >= (
                CONTAINED_MIN_SHARED_WORDS * len(words)
            ):
                scores[k, m] = fuzz.partial_ratio(text, long[m]) / 100.0
    return scores


def _shuffled_pairs(
    a: Document, b: Document, ia: list[int], ib: list[int], taken_a: set[int], taken_b: set[int], config: AlignConfig
) -> list[tuple[int, int, float]]:
    """Rows (r, c) whose sentences share most content-word stems, in whatever order.

    Word shuffles and synonym swaps defeat character similarity and pull embeddings
    apart, but leave the bag of names and rare words mostly intact.
    """
    stems_b = {c: stem_set(b.segments[ib[c]].text) for c in range(len(ib)) if c not in taken_b}
    index: dict[str, list[int]] = {}
    for c, stems in stems_b.items():
        for key in stems:
            index.setdefault(key, []).append(c)
    scored = []
    for r in range(len(ia)):
        if r in taken_a:
            continue
        stems_a = stem_set(a.segments[ia[r]].text)
        shared: dict[int, int] = {}
        for key in stems_a:
            for c in index.get(key, ()):
                shared[c] = shared.get(c, 0) + 1
        for c, n in shared.items():
            if n < config.shuffled_min_shared:
                continue
            jaccard = n / len(stems_a | stems_b[c])
            if jaccard >= config.shuffled_min_jaccard:
                scored.append((jaccard, r, c))
    chosen, used_a, used_b = [], set(), set()
    for jaccard, r, c in sorted(scored, reverse=True):
        if r not in used_a and c not in used_b:
            used_a.add(r)
            used_b.add(c)
            chosen.append((r, c, jaccard))
    return chosen


def stem_set(text: str) -> set[str]:
    """Stems of the content words, so "withdrawing" meets "withdrawn" and "signs" meets "sign".

    In scripts without spaces, whose words are single characters here, the character
    bigrams stand in for the stems (a Chinese word is 1.7 characters on average).
    """
    stems = {stem(w) for w in content_words(text) if len(w) >= STEM_SET_MIN_LETTERS}
    if has_unspaced(text):
        chars = match_words(normalise_for_match(text))
        stems.update(x + y for x, y in zip(chars, chars[1:]) if len(x) == len(y) == 1 and has_unspaced(x + y))
    return stems
