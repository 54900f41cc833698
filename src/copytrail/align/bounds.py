"""The classifier bound of :func:`~copytrail.align.features.may_reach` for many sentence pairs at once.

The aligner asks ``may_reach`` about every sentence pair of two documents whose characters
are somewhat alike (char ratio 0.45 and up). Two long unrelated documents have thousands of
such pairs and almost all are ruled out, each in a Python call of about 30 us: a quarter of
the quick scan benchmark's comparison time. :func:`may_reach_many` takes the same first two
steps of the bound for all of a pair's cells at once, in numpy: the features it computes
exactly (word and n-gram containment, lengths, numbers, negation, the tokens each side finds
in the other, the longest runs of unmatched words) and the char ratio at the top of its
range, each to the last bit as ``may_reach`` computes it but summed in numpy, so a cell is
ruled out only with :data:`_MARGIN` to spare. A cell it leaves open is asked of
``may_reach`` itself, which alone computes ``token_set_ratio``; so the aligner takes the
same decisions with it and without it (``tests/align/test_classifier_bound.py``).

What a sentence contributes is laid out once per document (:class:`SentenceArrays`): each
set (distinct words, word bigram and trigram hashes, numbers, content-word stems) as sorted
ids into the document's vocabulary, one array for all its sentences. A pair's cells then
cost a few array passes: each cell's sets laid end to end, keyed by cell, and looked up in
the other side's with one binary search.
"""

from __future__ import annotations

import itertools
import sys
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from functools import cached_property

import numpy as np

from copytrail.align.features import (
    _STOPWORDS,
    FEATURE_NAMES,
    PairClassifier,
    _analyse,
    _best_end,
    _linear_form,
    logit,
)
from copytrail.normalize import scripts

# may_reach sums its terms in Python and this module in numpy, in the same order, with
# math.log1p against numpy's log1p: a cell is ruled out only this far below the threshold.
_MARGIN = 1e-9
# The sets held as hashes (features._analyse hashes word bigrams and trigrams); the rest are words.
_HASHED = frozenset({"bigrams", "trigrams"})
_STOPWORD_ARRAY = np.array(sorted(_STOPWORDS))


class _Sets:
    """One set per sentence, as ids sorted within each sentence, the sentences end to end."""

    def __init__(self, ids: np.ndarray, owner: np.ndarray, sentences: int, vocabulary: int) -> None:
        keys = np.unique(owner * vocabulary + ids)
        self.ids = keys % vocabulary if vocabulary else keys
        self.owner = keys // vocabulary if vocabulary else keys
        self.start = np.searchsorted(self.owner, np.arange(sentences + 1))
        self.sizes = np.diff(self.start)

    def keys(self, mapping: np.ndarray, size: int) -> np.ndarray:
        """Each (sentence, id) as one sorted key, the ids mapped into a vocabulary of ``size`` (in order)."""
        return self.owner * size + mapping[self.ids]


class _Sequences:
    """One id sequence per sentence, in order, the sentences end to end."""

    def __init__(self, ids: np.ndarray, lengths: Sequence[int]) -> None:
        self.ids = ids
        self.start = np.concatenate(([0], np.cumsum(np.asarray(lengths, dtype=np.int64))))


class _Vocabulary:
    """Ids for items, one per distinct item (not consecutive: a number is drawn for every item seen)."""

    def __init__(self) -> None:
        self._ids: dict = {}
        self._draw = itertools.count()

    def ids(self, items: list) -> np.ndarray:
        return np.fromiter(map(self._ids.setdefault, items, self._draw), dtype=np.int64, count=len(items))

    def items(self) -> list:
        return list(self._ids)

    def drawn(self) -> np.ndarray:
        """The id of each of :meth:`items`."""
        return np.fromiter(self._ids.values(), dtype=np.int64, count=len(self._ids))

    def sorted(self, dtype: object) -> tuple[np.ndarray, np.ndarray]:
        """The distinct items sorted, and each id's place among them (so ids in sorted order merge in order)."""
        values = np.array(list(self._ids), dtype=dtype) if self._ids else np.array([], dtype=dtype)
        order = np.argsort(values, kind="stable")
        place = np.zeros(next(self._draw), dtype=np.int64)
        place[self.drawn()[order]] = np.arange(len(values))
        return values[order], place


class SentenceArrays:
    """What ``may_reach`` reads of each of a document's sentences, as arrays (built once per document)."""

    def __init__(self, texts: tuple[str, ...]) -> None:
        analysed = [_analyse(text) for text in texts]
        n = len(analysed)
        words = _Vocabulary()  # words, their stems and numbers: each set is compared with its own kind only
        hashes = _Vocabulary()
        flat: dict[str, list] = {name: [] for name in ("tokens", "token_stems", "numbers", "bigrams", "trigrams")}
        for s in analysed:
            for name, items in (
                ("tokens", s.tokens),
                ("token_stems", s.token_stems),
                ("numbers", s.numbers),
                ("bigrams", s.bigrams),
                ("trigrams", s.trigrams),
            ):
                flat[name].extend(items)
        ids = {name: (hashes if name in _HASHED else words).ids(flat[name]) for name in flat}
        self.words, word_place = words.sorted(str)
        # Each word's place in ``words``: two documents' shared words are found by a set intersection
        # of these keys (see _merged_words).
        self.word_places = dict(zip(words.items(), word_place[words.drawn()].tolist()))
        self.hashes, hash_place = hashes.sorted(np.int64)
        ids = {name: (hash_place if name in _HASHED else word_place)[ids[name]] for name in ids}
        sizes = {name: [len(getattr(s, name)) for s in analysed] for name in flat}
        owner = {name: np.repeat(np.arange(n, dtype=np.int64), sizes[name]) for name in flat}
        # A sentence's words are its tokens, its content words those not stopwords (features._analyse),
        # and its stems the stems of its content words' tokens.
        tokens, token_owner = ids["tokens"], owner["tokens"]
        content = ~np.isin(self.words, _STOPWORD_ARRAY)[tokens] if len(tokens) else np.zeros(0, dtype=bool)
        n_words, n_hashes = len(self.words), len(self.hashes)
        self.sets = {
            "unigrams": _Sets(tokens, token_owner, n, n_words),
            "content": _Sets(tokens[content], token_owner[content], n, n_words),
            "stems": _Sets(ids["token_stems"][content], token_owner[content], n, n_words),
            "numbers": _Sets(ids["numbers"], owner["numbers"], n, n_words),
            "bigrams": _Sets(ids["bigrams"], owner["bigrams"], n, n_hashes),
            "trigrams": _Sets(ids["trigrams"], owner["trigrams"], n, n_hashes),
        }
        self.tokens = _Sequences(tokens, sizes["tokens"])
        self.token_stems = _Sequences(ids["token_stems"], sizes["tokens"])
        self.token_count = np.array(sizes["tokens"], dtype=np.float64)
        self.negated = np.array([s.negated for s in analysed], dtype=bool)

    @cached_property
    def nbytes(self) -> int:
        arrays = [self.words, self.hashes, self.tokens.ids, self.token_stems.ids, self.token_count, self.negated]
        arrays += [a for sets in self.sets.values() for a in (sets.ids, sets.owner, sets.start, sets.sizes)]
        # The words' places: the dict's table and its ints (its words are those of the _analyse cache).
        return sum(a.nbytes for a in arrays) + sys.getsizeof(self.word_places) + 32 * len(self.word_places)


# A document meets several others in a scan, most of them in a row (candidates come sorted), so
# its arrays are kept for its next pairs, up to this many bytes in all (about 28 bytes a character).
_CACHE_BYTES = 64 << 20
_cache: OrderedDict[tuple, SentenceArrays] = OrderedDict()
_held = 0  # the bytes of the arrays in _cache: summing them at every insertion took 1% of a scan's verify


def sentence_arrays(texts: tuple[str, ...]) -> SentenceArrays:
    """:class:`SentenceArrays` of these texts, shared with the last pairs that had them.

    Keyed by the word segmenter too (bench/monolingual.py swaps it), as the aligner's other
    per-document indexes.
    """
    global _held
    key = (texts, scripts._segmenter)
    arrays = _cache.get(key)
    if arrays is not None:
        _cache.move_to_end(key)
        return arrays
    arrays = _cache[key] = SentenceArrays(texts)
    _held += arrays.nbytes
    while _held > _CACHE_BYTES and len(_cache) > 1:
        _held -= _cache.popitem(last=False)[1].nbytes
    return arrays


# Building a document's arrays costs about as much as bounding a few cells one at a time per
# sentence; a document met for the first time gets them only when its pair has this many cells
# per sentence to build (a document met before is likely met again, so its build pays later).
CELLS_PER_NEW_SENTENCE = 4
_MET_DOCUMENTS = 4096
_met: OrderedDict[tuple, None] = OrderedDict()


def worth_arrays(texts_a: tuple[str, ...], texts_b: tuple[str, ...], cells: int) -> bool:
    """Whether to bound ``cells`` cells of these two documents at once (see :data:`CELLS_PER_NEW_SENTENCE`).

    Only a matter of time: :func:`may_reach_many` and ``may_reach`` take the same decisions.
    """
    new_sentences = 0
    for texts in (texts_a, texts_b):
        key = (texts, scripts._segmenter)
        if key not in _cache and key not in _met:
            new_sentences += len(texts)
        _met[key] = None
        _met.move_to_end(key)
        if len(_met) > _MET_DOCUMENTS:
            _met.popitem(last=False)
    return cells >= CELLS_PER_NEW_SENTENCE * new_sentences


def clear_cache() -> None:
    global _held
    _cache.clear()
    _held = 0
    _met.clear()


def _laid_out(start: np.ndarray, sentences: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The flat positions of each given sentence's items, end to end, and the cell (its index) of each."""
    lengths = start[sentences + 1] - start[sentences]
    cell = np.repeat(np.arange(len(sentences), dtype=np.int64), lengths)
    first = np.cumsum(lengths) - lengths
    return np.arange(int(lengths.sum()), dtype=np.int64) - (first - start[sentences])[cell], cell


# The most cells (sentences x shared items) a membership table may have; past it, binary search.
_TABLE_MAX_CELLS = 1 << 25


class _Held:
    """Which items each sentence of a document holds, among the items both documents have.

    A dense table (sentence, item) when it is small; sorted (sentence, item) keys otherwise.
    """

    def __init__(self, sets: _Sets, mapping: np.ndarray, size: int) -> None:
        ids = mapping[sets.ids]
        keep = ids >= 0
        owner, ids = sets.owner[keep], ids[keep]
        self._size = size
        self._table = None
        if len(sets.sizes) * (size + 1) <= _TABLE_MAX_CELLS:
            # A row per sentence, and one column more that stays False: item -1 of sentence s lands
            # on it (row s - 1's; the last row's for s = 0), so lookups need no mask for unknown items.
            self._table = np.zeros(len(sets.sizes) * (size + 1), dtype=bool)
            self._table[owner * (size + 1) + ids] = True
        else:
            self._keys = owner * size + ids  # sorted: by sentence, then by id (the mapping keeps the order)

    def found(self, items: np.ndarray, sentence: np.ndarray) -> np.ndarray:
        """Whether each item (mapped, -1 for one the other document lacks) is held by the given sentence."""
        if self._table is not None:
            return self._table[sentence * (self._size + 1) + items]
        known = items >= 0
        hit = np.zeros(len(items), dtype=bool)
        wanted = sentence[known] * self._size + items[known]
        if len(self._keys):
            at = np.minimum(np.searchsorted(self._keys, wanted), len(self._keys) - 1)
            hit[known] = self._keys[at] == wanted
        return hit


def _merged(own: np.ndarray, other: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
    """Each document's vocabulary numbered among the items both have, in sorted order (-1: only this one has it).

    Both vocabularies are sorted and distinct (:meth:`_Vocabulary.sorted`), so the items both have
    come in the same order in each, and a binary search of each in the other finds them (sorting
    the two together, np.unique, cost twice as much: string words sort slowly).
    """
    in_other, in_own = _members(own, other), _members(other, own)
    return (
        np.where(in_other, np.cumsum(in_other) - 1, -1),
        np.where(in_own, np.cumsum(in_own) - 1, -1),
        int(in_other.sum()),
    )


def _merged_words(a: SentenceArrays, b: SentenceArrays) -> tuple[np.ndarray, np.ndarray, int]:
    """``_merged(a.words, b.words)``, with the words both have found by a set intersection (in C).

    The shared words come in the same order in both sorted vocabularies, so their places, sorted,
    pair up. A binary search of one vocabulary in the other compared strings in numpy, twice
    as slow, and np.unique four times (a rejected scan candidate's vocabularies hold ~2,500 words).
    """
    common = a.word_places.keys() & b.word_places.keys()
    numbers = []
    for own in (a, b):
        at = np.fromiter(map(own.word_places.__getitem__, common), dtype=np.int64, count=len(common))
        at.sort()
        number = np.full(len(own.words), -1, dtype=np.int64)
        number[at] = np.arange(len(common))
        numbers.append(number)
    return numbers[0], numbers[1], len(common)


def _members(items: np.ndarray, pool: np.ndarray) -> np.ndarray:
    """Whether each of ``items`` is in ``pool`` (sorted)."""
    if not len(pool):
        return np.zeros(len(items), dtype=bool)
    at = np.minimum(np.searchsorted(pool, items), len(pool) - 1)
    return pool[at] == items


def _shared(a: _Sets, b: _Held, rows: np.ndarray, cols: np.ndarray, map_a: np.ndarray) -> np.ndarray:
    """``len(set_a[r] & set_b[c])`` for each cell."""
    at, cell = _laid_out(a.start, rows)
    return np.bincount(cell, weights=b.found(map_a[a.ids[at]], cols[cell]), minlength=len(rows))


def _tokens_found(
    own: SentenceArrays, words: _Held, stems: _Held, rows: np.ndarray, cols: np.ndarray, mapping: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """For each cell: how many of the row sentence's tokens the column sentence holds, and the longest run it lacks.

    A token is lacking when neither it nor its stem is among the other's words or content stems
    (``features._unmatched_run``); found tokens count words only (``may_reach``'s LCS bound).
    """
    at, cell = _laid_out(own.tokens.start, rows)
    partner = cols[cell]
    by_word = words.found(mapping[own.tokens.ids[at]], partner)
    by_stem = stems.found(mapping[own.token_stems.ids[at]], partner)
    found = np.bincount(cell, weights=by_word, minlength=len(rows))
    matched = by_word | by_stem
    # The run of unmatched tokens ending at each position: its distance from the last match,
    # or from just before its cell's first token.
    position = np.arange(len(matched), dtype=np.int64)
    lengths = own.tokens.start[rows + 1] - own.tokens.start[rows]
    first = np.cumsum(lengths) - lengths
    stop = np.where(matched, position, -1)
    nonempty = first[lengths > 0]
    stop[nonempty] = np.maximum(stop[nonempty], nonempty - 1)
    run = position - np.maximum.accumulate(stop) if len(stop) else position
    longest = np.zeros(len(rows), dtype=np.int64)
    if len(nonempty):
        longest[lengths > 0] = np.maximum.reduceat(run, nonempty)
    return found, longest


def _containment(size_x: np.ndarray, size_y: np.ndarray, shared: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``features._containment`` of each cell, as (min, max)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        p, r = shared / size_x, shared / size_y
    low, high = np.minimum(p, r), np.maximum(p, r)
    either_empty = (size_x == 0) | (size_y == 0)
    both_empty = (size_x == 0) & (size_y == 0)
    low = np.where(either_empty, np.where(both_empty, 1.0, 0.0), low)
    high = np.where(either_empty, np.where(both_empty, 1.0, 0.0), high)
    return low, high


def may_reach_many(
    a: SentenceArrays,
    b: SentenceArrays,
    rows: Iterable[int],
    cols: Iterable[int],
    ratio_high: Iterable[float],
    cosine: Iterable[float],
    classifier: PairClassifier,
    probability: float,
) -> np.ndarray:
    """For each cell (sentence ``rows[k]`` of A, ``cols[k]`` of B): False where ``may_reach`` is sure to say False.

    ``ratio_high`` and ``cosine`` are what ``may_reach`` would be given for the cell. True
    leaves the cell to ``may_reach``: the first two steps of its bound did not rule it out.
    """
    rows = np.asarray(rows, dtype=np.int64)
    cols = np.asarray(cols, dtype=np.int64)
    if not isinstance(classifier, PairClassifier) or classifier.FEATURES != FEATURE_NAMES or not len(rows):
        return np.ones(len(rows), dtype=bool)
    cosine = np.asarray(cosine, dtype=np.float64)
    ratio_high = np.minimum(np.asarray(ratio_high, dtype=np.float64), 1.0)
    w = _linear_form(classifier)
    needed = logit(probability) - _MARGIN
    words_a, words_b, words_size = _merged_words(a, b)
    hashes_a, hashes_b, hashes_size = _merged(a.hashes, b.hashes)
    held_b = {
        name: _Held(b.sets[name], *((hashes_b, hashes_size) if name in _HASHED else (words_b, words_size)))
        for name in ("unigrams", "content", "stems", "numbers", "bigrams", "trigrams")
    }
    shared = {
        name: _shared(a.sets[name], held_b[name], rows, cols, hashes_a if name in _HASHED else words_a)
        for name in ("unigrams", "content", "numbers", "bigrams", "trigrams")
    }
    shared_content = shared["content"]
    la, lb = a.token_count[rows], b.token_count[cols]
    shorter, longer = np.minimum(la, lb), np.maximum(la, lb)
    content_union = a.sets["content"].sizes[rows] + b.sets["content"].sizes[cols] - shared_content
    with np.errstate(divide="ignore", invalid="ignore"):
        jaccard = np.where(content_union > 0, shared_content / content_union, 1.0)
    only_a = a.sets["numbers"].sizes[rows] - shared["numbers"]
    only_b = b.sets["numbers"].sizes[cols] - shared["numbers"]
    number_mismatch = ((only_a > 0) | (only_b > 0)).astype(np.float64)
    ngram = {}
    for name in ("unigrams", "bigrams", "trigrams"):
        ngram[name] = _containment(a.sets[name].sizes[rows], b.sets[name].sizes[cols], shared[name])
    char_slope = w.char_ratio + w.cosine_x_char * cosine
    bound = (
        w.constant
        + w.cosine * cosine
        + w.content_jaccard * jaccard
        + w.length_ratio * (shorter / np.maximum(longer, 1.0))
        + w.number_mismatch * number_mismatch
        + w.numbers_only_min * np.minimum(only_a, only_b)
        + w.numbers_only_max * np.maximum(only_a, only_b)
        + w.numbers_shared * shared["numbers"]
        + w.negation_mismatch * (a.negated[rows] != b.negated[cols]).astype(np.float64)
        + w.unigram_min * ngram["unigrams"][0]
        + w.unigram_max * ngram["unigrams"][1]
        + w.bigram_min * ngram["bigrams"][0]
        + w.bigram_max * ngram["bigrams"][1]
        + w.trigram_min * ngram["trigrams"][0]
        + w.trigram_max * ngram["trigrams"][1]
        + np.where(char_slope > 0.0, char_slope * ratio_high, 0.0)
    )
    found_a, run_a = _tokens_found(a, held_b["unigrams"], held_b["stems"], rows, cols, words_a)
    held_a = {name: _Held(a.sets[name], words_a, words_size) for name in ("unigrams", "stems")}
    found_b, run_b = _tokens_found(b, held_a["unigrams"], held_a["stems"], cols, rows, words_b)
    lcs_slope = w.lcs_min / np.maximum(shorter, 1.0) + w.lcs_max / np.maximum(longer, 1.0)
    bound = bound + np.where(lcs_slope > 0.0, lcs_slope * np.minimum(found_a, found_b), 0.0)
    room = (
        _best_end(w.token_set_ratio, 1.0)
        + np.where(w.unmatched_run_min > 0.0, w.unmatched_run_min * np.log1p(shorter), 0.0)
        + np.where(w.unmatched_run_max > 0.0, w.unmatched_run_max * np.log1p(longer), 0.0)
    )
    runs = w.unmatched_run_min * np.log1p(np.minimum(run_a, run_b)) + w.unmatched_run_max * np.log1p(
        np.maximum(run_a, run_b)
    )
    return (bound + room >= needed) & (bound + runs + _best_end(w.token_set_ratio, 1.0) >= needed)


__all__ = ["SentenceArrays", "may_reach_many", "sentence_arrays"]
