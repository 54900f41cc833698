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

import itertools
import math
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TypeVar

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Indel, LCSseq

from copytrail.align.bounds import may_reach_many, sentence_arrays, worth_arrays
from copytrail.align.crosslingual import CrossLingualClassifier
from copytrail.align.features import RATIO_ROUNDING, PairClassifier, content_words, may_reach, pair_features
from copytrail.align.stem import stem
from copytrail.align.windows import WindowConfig, window_cells
from copytrail.cores import process_cores
from copytrail.embed.base import Embedder
from copytrail.errors import PairTooLong
from copytrail.normalize import match_words, normalise_for_match, scripts
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
# ... and neither may be a run-on segment rather than a sentence (thousands of characters with
# no sentence punctuation: PAN13 documents, transcripts, lists). Past 64 characters rapidfuzz's
# partial_ratio costs about the square of the shorter text's length times the longer's (rapidfuzz
# issue 430): one 7,875-character segment against a 54,746-character one took 8.2 s, 6% of the
# graded scan's whole verify, for a pair that took nothing. The contained pairs taken on the graded
# scan corpus (1,201) and on every PAN13 pair (300, bench/pan13.py's 1,324 pairs, words only) have
# a short text of at most 700 characters and a long one of at most 4,525: the caps change neither.
CONTAINED_MAX_CHARS = 1_000
CONTAINING_MAX_CHARS = 10_000
# The context pass repeats (a pair taken puts its neighbours in context) at most this often (db792ac).
CONTEXT_PASSES = 5
# In windowed alignment (long documents) a cell is embedded only when its sentences share this
# many content-word stems (or are lexically close); see _share_content.
WINDOW_MIN_SHARED_STEMS = 2
# Within one language, a pair of documents with no lexical pair at all, none of whose sentence
# pairs shares more than this many content stems, embeds nothing (see _clearly_unrelated). On
# PAN13 (--limit 20, 100 pairs) every pair called same_story or reuse had a sentence pair
# sharing 5 or more, and the five unrelated BBC pairs of bench/bench_compare.py share 2-3.
# Gating pairs that had lexical pairs too cost one PAN13 random-obfuscation pair coverage.
UNRELATED_MAX_SHARED_STEMS = 3
# From this many cells to bound, bounds.may_reach_many rules them out in numpy before may_reach
# is asked about each (below it, laying out the arrays costs more than it saves); results are the same either way.
MANY_BOUND_MIN_CELLS = 64
# Words of fewer letters are left out of the stem sets of the shuffled pass and the clause gaps (e12e1c6).
STEM_SET_MIN_LETTERS = 3
# rapidfuzz's cdist computes a matrix from this many cells on this process's cores (copytrail.cores;
# its threads start anew for each call, about half a millisecond, which a smaller matrix does not
# win back); the cells are the same whichever thread computes them. Char ratios: 2 cores break even
# near 3,000-4,000 cells of news or PAN13 sentences; shared-word counts, about 4 times cheaper a
# cell, near 16,000 (bench/cdist_threads.py).
PARALLEL_RATIO_CELLS = 4_000
PARALLEL_SHARED_WORD_CELLS = 32_000


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
    # 500 x 500 sentences (about 10,000 words a side): every pair of two news articles,
    # even long ones, is still scored, so their results are those of the dense aligner;
    # past it the windows keep time linear (bench/long_compare.py).
    max_dense_cells: int = 250_000
    windows: WindowConfig = field(default_factory=WindowConfig)

    def __post_init__(self) -> None:
        if self.max_dense_cells < 1:
            raise ValueError(f"max_dense_cells must be at least 1, got {self.max_dense_cells}")
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
    # Long documents: only the cells in windows around anchors were scored (align.windows).
    windowed: bool = False


def ratio_cutoff(config: AlignConfig) -> float:
    """The char ratio (in percent) below which no decision reads a cell's ratio: cdist reports such cells as 0.

    The lowest threshold a ratio is held to is ``candidate_ratio`` or ``anchor_ratio``; a whole
    percent under it, so that cdist's rounding to whole percent decides nothing. The cutoff lets
    rapidfuzz skip most of the work for dissimilar sentences (most of a long pair's cells).
    """
    return max(100.0 * min(config.candidate_ratio, config.anchor_ratio) - 1.0, 0.0)


def alignable_indices(doc: Document) -> list[int]:
    return [s.index for s in doc.segments if s.role.alignable and _long_enough(s.text)]


# A scan asks this of a document's sentences in every pair it is in: one lookup, not normalising
# (a cache lookup too) and counting again.
@lru_cache(maxsize=1 << 15)
def _long_enough(text: str) -> bool:
    """Whether a sentence has the ``MIN_WORDS`` words to align on its own."""
    return count_words(normalise_for_match(text)) >= MIN_WORDS


# The words of a sentence as written (punctuation tokens too), asked of every loose sentence of
# every pair (_contained_sentences): cached as _long_enough is.
_raw_word_count = lru_cache(maxsize=1 << 15)(count_words)


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
    alignable: tuple[list[int], list[int]] | None = None,
) -> SentenceAlignment:
    """Find the sentence pairs of A and B that carry the same content.

    Every pair of alignable sentences is a candidate *cell*, up to
    ``config.max_dense_cells`` of them; past that, only the cells in windows around
    anchor pairs (:mod:`copytrail.align.windows`), so that long documents cost time and
    memory in proportion to their length. The steps below are the same either way.

    Args:
        a, b: the documents, segmented and roled.
        embedder: embeds sentences left unpaired by lexical anchors; None compares on
            words alone.
        classifier: turns pair features into a probability of "same content".
        config: thresholds.
        crosslingual: for documents in two languages, the decision on multilingual
            cosines and language-independent anchors that replaces ``classifier``.
        alignable: ``(alignable_indices(a), alignable_indices(b))`` when the caller has them.

    Raises:
        PairTooLong: a pair in two languages past ``max_dense_cells`` (anchor windows need
            shared words, which a translation lacks).
    """
    started = time.perf_counter()
    ia, ib = alignable if alignable is not None else (alignable_indices(a), alignable_indices(b))
    ta = [normalise_for_match(a.segments[i].text) for i in ia]
    tb = [normalise_for_match(b.segments[j].text) for j in ib]
    if not ia or not ib:
        return SentenceAlignment((), time.perf_counter() - started, 0.0, 0, {}, {})
    dense = len(ia) * len(ib) <= config.max_dense_cells
    if dense:
        rows, cols = np.divmod(np.arange(len(ia) * len(ib)), len(ib))
        ratio = (
            process.cdist(
                ta,
                tb,
                scorer=fuzz.ratio,
                dtype=np.uint8,
                workers=_cdist_workers(len(ta) * len(tb), PARALLEL_RATIO_CELLS),
                score_cutoff=ratio_cutoff(config),
            )
            .ravel()
            .astype(np.float32)
            / 100.0
        )
    else:
        if crosslingual is not None:
            raise PairTooLong(
                f"{a.name} and {b.name}",
                f"{len(ia):,} x {len(ib):,} sentences in two languages: translated documents are aligned "
                f"sentence by sentence up to {config.max_dense_cells:,} sentence pairs "
                f"(about {math.isqrt(config.max_dense_cells):,} sentences a side); compare them in parts",
            )
        rows, cols = window_cells(ta, tb, config.windows, min_ratio=config.anchor_ratio)
        # Rounded to whole percent as cdist's uint8 matrix is, so both paths take the same decisions.
        ratio = np.array(
            [round(fuzz.ratio(ta[r], tb[c])) for r, c in zip(rows.tolist(), cols.tolist())], dtype=np.float32
        ) / np.float32(100.0)
    position_a = {seg: r for r, seg in enumerate(ia)}
    position_b = {seg: c for c, seg in enumerate(ib)}

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

    for k in _descending_from(ratio, config.anchor_ratio):
        r, c = int(rows[k]), int(cols[k])
        if r not in taken_a and c not in taken_b:
            take(r, c, ratio[k], None)
    neighbours = None if dense else _neighbours(rows, cols)
    contained = _contained_sentences(a, b, ia, ib, pairs, config, neighbours)
    taken_a.update(position_a[p.a] for p in contained)
    taken_b.update(position_b[p.b] for p in contained)
    cells = None if dense else zip(rows.tolist(), cols.tolist())
    for r, c, share in _shuffled_pairs(a, b, ia, ib, taken_a, taken_b, config, cells):
        take(r, c, share, None)
    lexical_seconds = time.perf_counter() - started

    # The cells still open: neither sentence paired. Only their sentences are embedded.
    embed_started = time.perf_counter()
    open_cells = ~np.isin(rows, list(taken_a)) & ~np.isin(cols, list(taken_b))
    rows, cols, ratio = rows[open_cells], cols[open_cells], ratio[open_cells]
    if not dense:
        keep = _share_content(a, b, ia, ib, rows, cols) | (ratio >= config.candidate_ratio)
        rows, cols, ratio = rows[keep], cols[keep], ratio[keep]
    elif (
        crosslingual is None
        and embedder is not None
        and not pairs
        and not contained
        and len(rows)
        and _clearly_unrelated(a, b, ia, ib, rows, cols)
    ):
        # Nothing to embed for: the embeddings could only confirm "unrelated" (its score is then 1.0).
        rows, cols, ratio = rows[:0], cols[:0], ratio[:0]
    # The distinct rows and columns, sorted: counted in numpy (a Python set of a dense pair's every
    # cell was 3% of a rejected scan candidate's compare; np.unique sorts them all, no faster).
    rest_a = np.flatnonzero(np.bincount(rows, minlength=len(ia))).tolist()
    rest_b = np.flatnonzero(np.bincount(cols, minlength=len(ib))).tolist()
    a_vectors: dict[int, np.ndarray] = {}
    b_vectors: dict[int, np.ndarray] = {}
    if embedder is not None and rest_a and rest_b:
        va = embedder.embed([a.segments[ia[r]].text for r in rest_a])
        vb = embedder.embed([b.segments[ib[c]].text for c in rest_b])
        a_vectors = {ia[r]: va[k] for k, r in enumerate(rest_a)}
        b_vectors = {ib[c]: vb[k] for k, c in enumerate(rest_b)}
        if dense:
            cosine = (va @ vb.T).ravel()
        else:
            row_of = np.full(len(ia), -1)
            row_of[rest_a] = np.arange(len(rest_a))
            col_of = np.full(len(ib), -1)
            col_of[rest_b] = np.arange(len(rest_b))
            cosine = np.concatenate(
                [
                    np.einsum("ij,ij->i", va[row_of[rows[k : k + 20_000]]], vb[col_of[cols[k : k + 20_000]]])
                    for k in range(0, len(rows), 20_000)
                ]
                or [np.zeros(0, dtype=np.float32)]
            )
    else:
        cosine = np.zeros(len(rows), dtype=np.float32)
    embed_seconds = time.perf_counter() - embed_started

    scores = np.zeros(len(rows), dtype=np.float64)
    threshold = classifier.threshold
    if crosslingual is not None:
        threshold = crosslingual.threshold
        if a_vectors and b_vectors:
            scores = crosslingual.score(
                [a.segments[ia[r]].text for r in rest_a],
                [b.segments[ib[c]].text for c in rest_b],
                cosine.reshape(len(rest_a), len(rest_b)),
            ).ravel()
    else:
        # Only the cells past the gate are scored; finding them in numpy spares a Python pass over every cell.
        gated = np.flatnonzero((cosine >= config.candidate_cosine) | (ratio >= config.candidate_ratio))
        # A score below both the taking threshold and the context pass's is never read (the context
        # pass also takes cells by cosine alone, so those keep their score): such cells, most of an
        # unrelated pair's, are ruled out by a cheaper bound (features.may_reach) and keep the score 0.
        lowest_read = min(threshold, config.gap_threshold)
        # A ratio cdist cut to 0 was below the cutoff.
        ratio_floor = ratio_cutoff(config) / 100.0
        bounded = gated[cosine[gated] < config.context_cosine]
        open_cells = np.ones(len(rows), dtype=bool)
        texts_a = tuple(a.segments[i].text for i in ia) if len(bounded) >= MANY_BOUND_MIN_CELLS else ()
        texts_b = tuple(b.segments[j].text for j in ib) if texts_a else ()
        if texts_a and worth_arrays(texts_a, texts_b, len(bounded)):
            # The bound's first steps for all these cells at once; may_reach decides the rest as before.
            open_cells[bounded] = may_reach_many(
                sentence_arrays(texts_a),
                sentence_arrays(texts_b),
                rows[bounded],
                cols[bounded],
                np.maximum(ratio[bounded].astype(np.float64), ratio_floor) + RATIO_ROUNDING,
                cosine[bounded],
                classifier,
                lowest_read,
            )
        for k, r, c in zip(gated.tolist(), rows[gated].tolist(), cols[gated].tolist()):
            if not open_cells[k]:
                continue
            text_a, text_b = a.segments[ia[r]].text, b.segments[ib[c]].text
            ratio_high = max(float(ratio[k]), ratio_floor) + RATIO_ROUNDING
            if cosine[k] < config.context_cosine and not may_reach(
                text_a, text_b, ratio_high, float(cosine[k]), classifier, lowest_read
            ):
                continue
            scores[k] = classifier.probability(pair_features(text_a, text_b, float(cosine[k])))[0]

    if scores.size:
        for k in _descending_from(scores, threshold):
            r, c = int(rows[k]), int(cols[k])
            if r not in taken_a and c not in taken_b:
                take(r, c, scores[k], cosine[k])

        # Context pass: a weak pair whose neighbours align next to each other is kept.
        def in_context(r: int, c: int) -> bool:
            before = pairs.get(r - 1)
            after = pairs.get(r + 1)
            follows = before is not None and c > 0 and before.b == ib[c - 1]
            precedes = after is not None and c + 1 < len(ib) and after.b == ib[c + 1]
            return follows or precedes

        # Repeat: a pair taken here puts its own neighbours in context. Cells too weak to be
        # taken even in context are left out of the passes up front (same order, same pairs).
        by_cosine = np.argsort(-cosine, kind="stable")
        strong_enough = (scores >= config.gap_threshold) | (cosine >= config.context_cosine)
        by_cosine = by_cosine[strong_enough[by_cosine]]
        context_cells = list(zip(by_cosine.tolist(), rows[by_cosine].tolist(), cols[by_cosine].tolist()))
        for _ in range(CONTEXT_PASSES):
            found = len(pairs)
            for k, r, c in context_cells:
                if r in taken_a or c in taken_b or not in_context(r, c):
                    continue
                take(r, c, scores[k], cosine[k])
            if len(pairs) == found:
                break

    ordered = tuple(sorted([*pairs.values(), *contained], key=lambda p: (p.a, p.b)))
    return SentenceAlignment(
        ordered, lexical_seconds, embed_seconds, len(a_vectors) + len(b_vectors), a_vectors, b_vectors, not dense
    )


def _descending_from(values: np.ndarray, floor: float) -> list[int]:
    """The indices of the values of at least ``floor``, highest first, ties in index order.

    The order a stable argsort of all values gives them, without sorting the values below the
    floor: most of a dense pair's cells, which the loops over this order never reach.
    """
    kept = np.flatnonzero(values >= floor)
    return kept[np.argsort(-values[kept], kind="stable")].tolist()


def _share_content(
    a: Document, b: Document, ia: list[int], ib: list[int], rows: np.ndarray, cols: np.ndarray
) -> np.ndarray:
    """Whether the sentences of each windowed cell share ``WINDOW_MIN_SHARED_STEMS`` content-word stems.

    A window's open cells are mostly a dropped story facing an inserted one; embedding
    them all was most of a long pair's time. A paraphrase keeps some names and rare
    words, so cells without them are not embedded.
    """
    stems_a: dict[int, set[str]] = {}
    stems_b: dict[int, set[str]] = {}
    keep = np.zeros(len(rows), dtype=bool)
    for k, (r, c) in enumerate(zip(rows.tolist(), cols.tolist())):
        if r not in stems_a:
            stems_a[r] = stem_set(a.segments[ia[r]].text)
        if c not in stems_b:
            stems_b[c] = stem_set(b.segments[ib[c]].text)
        keep[k] = len(stems_a[r] & stems_b[c]) >= WINDOW_MIN_SHARED_STEMS
    return keep


def _clearly_unrelated(
    a: Document, b: Document, ia: list[int], ib: list[int], rows: np.ndarray, cols: np.ndarray
) -> bool:
    """Whether no open pair of sentences shares more than ``UNRELATED_MAX_SHARED_STEMS`` content stems.

    Two articles on different subjects share a few common words at most; a paraphrase or
    the same story told again shares names and rare words. Embedding the ~100 sentences of
    an unrelated pair was 90% of its time (``bench/bench_compare.py``).
    """
    stems_a = {r: stem_set(a.segments[ia[r]].text) for r in set(rows.tolist())}
    stems_b = {c: stem_set(b.segments[ib[c]].text) for c in set(cols.tolist())}
    limit = UNRELATED_MAX_SHARED_STEMS
    return not any(len(stems_a[r] & stems_b[c]) > limit for r, c in zip(rows.tolist(), cols.tolist()))


def _neighbours(rows: np.ndarray, cols: np.ndarray) -> tuple[dict[int, list[int]], dict[int, list[int]]]:
    """For the windowed cells: the columns each row may pair with, and the rows each column may."""
    of_row: dict[int, list[int]] = defaultdict(list)
    of_col: dict[int, list[int]] = defaultdict(list)
    for r, c in zip(rows.tolist(), cols.tolist()):
        of_row[r].append(c)
        of_col[c].append(r)
    return of_row, of_col


def _contained_sentences(
    a: Document,
    b: Document,
    ia: list[int],
    ib: list[int],
    pairs: dict[int, SentencePair],
    config: AlignConfig,
    neighbours: tuple[dict[int, list[int]], dict[int, list[int]]] | None = None,
) -> list[SentencePair]:
    """Pairs for sentences that an editor merged into (or split out of) a longer one.

    One-to-one matching leaves "He left. She stayed." against "He left and she stayed."
    unaligned. An unpaired sentence of at least ``MIN_CONTAINED_WORDS`` words whose text
    sits almost whole inside a longer sentence of the other side (rapidfuzz
    ``partial_ratio``) joins it, even if that sentence already has a partner.

    Args:
        neighbours: for windowed alignment, the positions each row (A) and each column
            (B) may pair with; None: any.
    """
    paired_a = {p.a for p in pairs.values()}
    paired_b = {p.b for p in pairs.values()}
    extra: list[SentencePair] = []
    shared: np.ndarray | None = None  # words each sentence of A shares with each of B (dense alignment)
    for side in ("a", "b"):
        own, other = (ia, ib) if side == "a" else (ib, ia)
        own_doc, other_doc = (a, b) if side == "a" else (b, a)
        paired = paired_a if side == "a" else paired_b
        allowed = None if neighbours is None else neighbours[0 if side == "a" else 1]
        loose = [
            (k, i)
            for k, i in enumerate(own)
            if i not in paired and _raw_word_count(own_doc.segments[i].text) >= MIN_CONTAINED_WORDS
        ]
        if allowed is not None:
            loose = [(k, i) for k, i in loose if k in allowed]
        if not loose or not other:
            continue
        long = _sentence_texts(tuple(other_doc.segments[i].text for i in other))
        if allowed is None and shared is None:
            shared = _shared_words(
                _sentence_texts(tuple(a.segments[i].text for i in ia)),
                _sentence_texts(tuple(b.segments[j].text for j in ib)),
            )
        if allowed is None:
            own_texts = _sentence_texts(tuple(own_doc.segments[i].text for i in own))
            loose = _may_be_contained(loose, own_texts, long, shared if side == "a" else shared.T)
        for k, index in loose:
            short = normalise_for_match(own_doc.segments[index].text)
            candidates = None if allowed is None else allowed[k]
            needed = config.anchor_ratio + CONTAINED_MARGIN
            counts = None if shared is None or allowed is not None else shared[k] if side == "a" else shared[:, k]
            for score, m in _containment_scores(short, long, candidates, needed, counts)[:CONTAINED_TOP]:
                if score < needed:
                    break
                seg_a, seg_b = (index, other[m]) if side == "a" else (other[m], index)
                words = word_ratio(a.segments[seg_a].text, b.segments[seg_b].text)
                extra.append(
                    SentencePair(seg_a, seg_b, round(score, 4), round(words, 4), None, label_for(score, config))
                )
                paired.add(index)
                break
    return extra


def _may_be_contained(
    loose: list[tuple[int, int]], own: _SentenceTexts, long: _SentenceTexts, shared: np.ndarray
) -> list[tuple[int, int]]:
    """Those ``(position, segment)`` of ``loose`` with a sentence of the other side that
    ``_containment_scores`` would score at all (long enough, and sharing enough words).

    The same two conditions, checked for every loose sentence at once; a sentence with no
    such partner gets no scores there, so leaving it out changes nothing. ``own``: the
    sentences of the loose ones' side; ``shared``: the words each of them shares with each
    sentence of the other side.
    """
    if not loose:
        return loose
    rows = np.array([k for k, _ in loose], dtype=np.int64)
    words = own.sorted_words()
    distinct = np.array([len(words[k]) for k in rows.tolist()], dtype=np.int64)
    worth_it = (long.lengths[None, :] >= CONTAINED_MIN_LENGTH_RATIO * own.lengths[rows][:, None]) & (
        shared[rows] >= CONTAINED_MIN_SHARED_WORDS * distinct[:, None]
    )
    return [item for item, any_worth in zip(loose, worth_it.any(axis=1).tolist()) if any_worth]


_Index = TypeVar("_Index")


class _KeyHolders:
    """Which of a document's sentences hold each key (word or stem), to count shared keys for all at once.

    The holders of all keys sit in one array, grouped by key (one argsort, not an array per
    key: building a long document's index was most of its cost when it met few others).
    """

    def __init__(self, key_sets: Iterable[Iterable[str]]) -> None:
        key_sets = list(key_sets)
        self._size = len(key_sets)
        # Keys and lookups go through map() and chain(), in C: a loop in Python over every key of
        # every sentence was most of this index's cost. A number is drawn for every key seen, so a
        # key's id is the number drawn when it was first seen (ids are not consecutive).
        self._index: dict[str, int] = {}
        keys = list(itertools.chain.from_iterable(key_sets))
        ids = np.fromiter(map(self._index.setdefault, keys, itertools.count()), dtype=np.int64, count=len(keys))
        owners = np.repeat(np.arange(self._size, dtype=np.int64), _lengths(key_sets))
        order = np.argsort(ids, kind="stable")
        self._holders = owners[order]
        self._start = np.searchsorted(ids[order], np.arange(len(keys) + 1))

    def key_ids(self, keys: Iterable[str]) -> np.ndarray:
        """The ids of those of ``keys`` some sentence holds."""
        found = self._lookup(keys)
        return found[found >= 0]

    def _lookup(self, keys: Iterable[str]) -> np.ndarray:
        """Each key's id, -1 for one no sentence holds."""
        return np.fromiter(map(self._index.get, keys, itertools.repeat(-1)), dtype=np.int64)

    def shared(self, keys: Iterable[str]) -> np.ndarray:
        """How many of ``keys`` each sentence holds (``len(keys & its key set)``)."""
        start, holders = self._start, self._holders
        found = [holders[start[k] : start[k + 1]] for k in self.key_ids(keys).tolist()]
        if not found:
            return np.zeros(self._size, dtype=np.int64)
        return np.bincount(np.concatenate(found), minlength=self._size)

    def shared_matrix(self, key_sets: list[Iterable[str]]) -> np.ndarray:
        """``shared`` of each key set at once: row k counts what ``key_sets[k]`` shares with each sentence."""
        found = self._lookup(itertools.chain.from_iterable(key_sets))
        known = found >= 0
        rows = np.repeat(np.arange(len(key_sets), dtype=np.int64), _lengths(key_sets))[known]
        start, key = self._start, found[known]
        counts = start[key + 1] - start[key]
        # Every (row, holder) of every key: the holders' slices laid end to end.
        first = np.repeat(start[key] - (np.cumsum(counts) - counts), counts)
        held = self._holders[first + np.arange(int(counts.sum()))]
        cells = np.repeat(rows, counts) * self._size + held
        size = len(key_sets) * self._size
        return np.bincount(cells, minlength=size).reshape(len(key_sets), self._size)


def _lengths(sets: list) -> np.ndarray:
    return np.fromiter(map(len, sets), dtype=np.int64, count=len(sets))


class _SentenceTexts:
    """Normalised texts of a document's sentences, their lengths, and which sentences hold each word."""

    def __init__(self, texts: tuple[str, ...]) -> None:
        self._texts = [normalise_for_match(text) for text in texts]
        self.lengths = np.array([len(t) for t in self._texts], dtype=np.int64)
        self._holders: _KeyHolders | None = None
        self._sorted_words: list[list[str]] | None = None

    def text(self, m: int) -> str:
        return self._texts[m]

    def sorted_words(self) -> list[list[str]]:
        """Each sentence's distinct words, sorted (see ``_shared_words``)."""
        if self._sorted_words is None:
            self._sorted_words = [sorted(set(match_words(text))) for text in self._texts]
        return self._sorted_words

    def shared_words(self, words: set[str]) -> np.ndarray:
        """How many of ``words`` each sentence holds (``len(words & its word set)``), all sentences at once."""
        if self._holders is None:
            self._holders = _KeyHolders(set(match_words(text)) for text in self._texts)
        return self._holders.shared(words)


# Candidates come sorted: a document meets several others in a row, so its indexes are kept
# for the next pairs; long documents' are big, hence few. Keyed by the word segmenter too,
# which bench/monolingual.py swaps.
@lru_cache(maxsize=16)
def _document_index(kind: type[_Index], texts: tuple[str, ...], segmenter: object) -> _Index:
    return kind(texts)


def _sentence_texts(texts: tuple[str, ...]) -> _SentenceTexts:
    """:class:`_SentenceTexts` of these texts, shared with the last pairs that had them."""
    return _document_index(_SentenceTexts, texts, scripts._segmenter)


def _shared_words(texts_a: _SentenceTexts, texts_b: _SentenceTexts) -> np.ndarray:
    """How many words each sentence of A shares with each of B (``len(words_a & words_b)``), in C.

    The longest common subsequence of two sorted lists of distinct words is the words they
    share, so rapidfuzz's ``cdist`` counts them for all pairs at once; the per-sentence word
    index this replaces was built again for most pairs of a scan (a document meets few others).
    """
    words_a, words_b = texts_a.sorted_words(), texts_b.sorted_words()
    workers = _cdist_workers(len(words_a) * len(words_b), PARALLEL_SHARED_WORD_CELLS)
    return process.cdist(words_a, words_b, scorer=LCSseq.similarity, dtype=np.int32, workers=workers)


def _cdist_workers(cells: int, parallel_from: int) -> int:
    """rapidfuzz's ``workers``: this process's cores for a matrix of at least ``parallel_from`` cells, else one."""
    return process_cores() if cells >= parallel_from else 1


def _containment_scores(
    short: str,
    long: _SentenceTexts,
    candidates: Iterable[int] | None,
    needed: float = 0.0,
    shared: np.ndarray | None = None,
) -> list[tuple[float, int]]:
    """rapidfuzz ``partial_ratio`` (0..1) of a short text in each long enough candidate, best first.

    A long enough text is at least ``CONTAINED_MIN_LENGTH_RATIO`` (1.2) times longer, and
    neither is a run-on segment (``CONTAINED_MAX_CHARS``, ``CONTAINING_MAX_CHARS``).

    ``partial_ratio`` slides the short text along the long one and is the costliest
    scorer here (it was 40% of the scan's verify time as a full matrix), so it runs only
    where at least half of the short text's words occur in the long one: a sentence
    that sits almost whole inside another shares most of its words with it. Other
    candidates are left out. Ties keep the candidates' order (None: every sentence, in order).
    ``shared``: each long sentence's words in common with the short one, when counted already
    (``_shared_words``); else they are counted here.
    Both conditions are checked on all sentences at once, in numpy.
    """
    if len(short) > CONTAINED_MAX_CHARS:
        return []
    words = set(match_words(short))
    shared = long.shared_words(words) if shared is None else shared
    worth_it = (
        (long.lengths >= CONTAINED_MIN_LENGTH_RATIO * len(short))
        & (long.lengths <= CONTAINING_MAX_CHARS)
        & (shared >= CONTAINED_MIN_SHARED_WORDS * len(words))
    )
    kept = np.flatnonzero(worth_it).tolist() if candidates is None else [m for m in candidates if worth_it[m]]
    # Scores below ``needed`` only matter as "too low": rapidfuzz gives them as 0, and its cutoff
    # lets it skip most windows of a long sentence (a little under, so that rounding decides nothing).
    cutoff = max(needed * 100.0 - 1e-6, 0.0)
    scored = [(fuzz.partial_ratio(short, long.text(m), score_cutoff=cutoff) / 100.0, m) for m in kept]
    scored.sort(key=lambda item: -item[0])
    return scored


def _shuffled_pairs(
    a: Document,
    b: Document,
    ia: list[int],
    ib: list[int],
    taken_a: set[int],
    taken_b: set[int],
    config: AlignConfig,
    cells: Iterable[tuple[int, int]] | None = None,
) -> list[tuple[int, int, float]]:
    """Rows (r, c) whose sentences share most content-word stems, in whatever order.

    Word shuffles and synonym swaps defeat character similarity and pull embeddings
    apart, but leave the bag of names and rare words mostly intact.

    Args:
        cells: for windowed alignment, the (r, c) that may pair; None: any.
    """
    if cells is not None:
        return _best_first(_shuffled_cells(a, b, ia, ib, taken_a, taken_b, config, cells))
    index = _stem_index(tuple(b.segments[i].text for i in ib))
    open_b = np.ones(len(ib), dtype=bool)
    open_b[list(taken_b)] = False
    # A pair needs at least one shared stem, whatever the configured minimum.
    min_shared = max(config.shuffled_min_shared, 1)
    open_rows = [r for r in range(len(ia)) if r not in taken_a]
    stems_a = [stem_set(a.segments[ia[r]].text) for r in open_rows]
    # Every open row's shared stems with every sentence of B at once (a row at a time was
    # most of an unrelated pair's time here); only the cells with enough are scored.
    shared = index.shared_stems_matrix(stems_a) * open_b
    scored = []
    for k, c in zip(*(x.tolist() for x in np.nonzero(shared >= min_shared))):
        jaccard = _shuffled_score(int(shared[k, c]), stems_a[k], index.stems[c], config)
        if jaccard is not None:
            scored.append((jaccard, open_rows[k], c))
    return _best_first(scored)


class _StemIndex:
    """The stem sets of a document's sentences, and which sentences hold each stem."""

    def __init__(self, texts: tuple[str, ...]) -> None:
        self.stems = [stem_set(text) for text in texts]
        self._holders = _KeyHolders(self.stems)

    def shared_stems(self, stems: frozenset[str]) -> np.ndarray:
        """How many of ``stems`` each sentence's stem set holds, all sentences at once."""
        return self._holders.shared(stems)

    def shared_stems_matrix(self, stem_sets: list[frozenset[str]]) -> np.ndarray:
        """``shared_stems`` of each stem set, as the rows of one matrix."""
        return self._holders.shared_matrix(stem_sets)


def _stem_index(texts: tuple[str, ...]) -> _StemIndex:
    """:class:`_StemIndex` of these texts, shared with the last pairs that had them."""
    return _document_index(_StemIndex, texts, scripts._segmenter)


def _shuffled_score(shared: int, stems_a: set[str], stems_b: set[str], config: AlignConfig) -> float | None:
    """The stem Jaccard of two sentences that share ``shared`` stems, or None when it is too weak to pair them."""
    if shared < config.shuffled_min_shared:
        return None
    jaccard = shared / len(stems_a | stems_b)
    return jaccard if jaccard >= config.shuffled_min_jaccard else None


def _shuffled_cells(
    a: Document,
    b: Document,
    ia: list[int],
    ib: list[int],
    taken_a: set[int],
    taken_b: set[int],
    config: AlignConfig,
    cells: Iterable[tuple[int, int]],
) -> list[tuple[float, int, int]]:
    """The shuffled-pair scores of the given open cells (the windowed form of the loop above)."""
    stems_a: dict[int, set[str]] = {}
    stems_b: dict[int, set[str]] = {}
    scored = []
    for r, c in cells:
        if r in taken_a or c in taken_b:
            continue
        if r not in stems_a:
            stems_a[r] = stem_set(a.segments[ia[r]].text)
        if c not in stems_b:
            stems_b[c] = stem_set(b.segments[ib[c]].text)
        jaccard = _shuffled_score(len(stems_a[r] & stems_b[c]), stems_a[r], stems_b[c], config)
        if jaccard is not None:
            scored.append((jaccard, r, c))
    return scored


def _best_first(scored: list[tuple[float, int, int]]) -> list[tuple[int, int, float]]:
    """One partner per sentence, the best-scoring pairs first."""
    chosen, used_a, used_b = [], set(), set()
    for jaccard, r, c in sorted(scored, reverse=True):
        if r not in used_a and c not in used_b:
            used_a.add(r)
            used_b.add(c)
            chosen.append((r, c, jaccard))
    return chosen


def stem_set(text: str) -> frozenset[str]:
    """Stems of the content words, so "withdrawing" meets "withdrawn" and "signs" meets "sign".

    In scripts without spaces, whose words are single characters here, the character
    bigrams stand in for the stems (a Chinese word is 1.7 characters on average).
    """
    return _stem_set(text, scripts._segmenter)


# A scan asks for the stem sets of a document's sentences in every pair it is in. Keyed by
# the word segmenter too, which bench/monolingual.py swaps.
@lru_cache(maxsize=1 << 15)
def _stem_set(text: str, segmenter: object) -> frozenset[str]:
    stems = {stem(w) for w in content_words(text) if len(w) >= STEM_SET_MIN_LETTERS}
    if has_unspaced(text):
        chars = match_words(normalise_for_match(text))
        stems.update(x + y for x, y in zip(chars, chars[1:]) if len(x) == len(y) == 1 and has_unspaced(x + y))
    return frozenset(stems)
