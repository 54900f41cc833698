"""Which sentence pairs of two long documents are worth scoring: windows around anchor cells.

Two ~1,000-word articles have some 50 x 50 sentence pairs, and the aligner scores every
one. Two 1 MB texts have 10,000 x 10,000: a dense matrix of 100 M cells is minutes of
work and gigabytes of memory, and embedding every unpaired sentence of an unrelated
pair is minutes more. Copied text, though, lies along diagonals of that matrix, and
almost every copied stretch keeps some rare word n-grams intact.

So, past :data:`~copytrail.align.sentences.AlignConfig.max_dense_cells`, the aligner
scores only the *windows*: an **anchor** is a pair of sentences sharing a word n-gram
that is rare in both documents (in at most ``max_df`` sentences on either side) and
similar enough on characters to be a lexical anchor of the dense aligner (rapidfuzz
``ratio``), or two identical sentences; every cell within ``radius`` rows and columns
of an anchor that has another anchor that near is a candidate, and so is every anchor
(see :func:`window_cells`). (Shared rare n-grams alone are not enough: in two
unrelated megabytes of Reuters wire, 5,909 sentence pairs share one, and windows
around them all meant embedding 7,000 sentences; 164 of them are also similar.) Edited and paraphrased sentences between
anchors (the point of the embedder) fall inside the windows; a passage with no anchor
at all (a rewrite that keeps no rare n-gram, a translation) is not found in a long
pair. The number of cells grows with the number of anchors, so with the text, not with
its square (``bench/long_compare.py``).

This is the banding idea of passim's alignment around shared n-grams (Smith et al.,
"Infectious texts", 2013), applied to sentences.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz

from copytrail.normalize.scripts import match_words


@dataclass(frozen=True, slots=True)
class WindowConfig:
    """Knobs of the anchor windows.

    Attributes:
        ngram: words in an anchor n-gram.
        max_df: an n-gram in more sentences than this, on either side, is too common to anchor.
        min_shared: rare n-grams two sentences must share to be looked at as an anchor.
        radius: rows and columns around an anchor that are scored.
    """

    ngram: int = 4
    max_df: int = 3
    min_shared: int = 1
    radius: int = 4

    def __post_init__(self) -> None:
        for name in ("ngram", "max_df", "min_shared"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1, got {getattr(self, name)}")
        if self.radius < 0:
            raise ValueError(f"radius must not be negative, got {self.radius}")


def _word_codes(ta: list[str], tb: list[str]) -> tuple[list[list[int]], list[list[int]], int]:
    """Both sides' sentences as lists of word ids, from one vocabulary, and its size."""
    vocabulary: dict[str, int] = {}
    sides = [[[vocabulary.setdefault(w, len(vocabulary)) for w in match_words(t)] for t in texts] for texts in (ta, tb)]
    return sides[0], sides[1], len(vocabulary)


def _gram_rows(sentences: list[list[int]], n: int, base: int) -> tuple[np.ndarray, np.ndarray]:
    """(gram code, sentence) once per distinct word n-gram of each sentence of at least n words.

    A gram's code is its word ids as the digits of a number in ``base``: exact, for
    ``base ** n`` below 2**63 (the caller checks).
    """
    lengths = np.fromiter((len(s) for s in sentences), np.int64, len(sentences))
    ids = np.fromiter((w for s in sentences for w in s), np.int64, int(lengths.sum()))
    row_of = np.repeat(np.arange(len(sentences), dtype=np.int64), lengths)
    sentence_end = np.repeat(np.cumsum(lengths), lengths)
    starts = np.flatnonzero(np.arange(len(ids)) + n <= sentence_end)  # the grams inside one sentence
    codes = np.zeros(len(starts), np.int64)
    for k in range(n):
        codes = codes * base + ids[starts + k]
    # A stable sort by code keeps each code's sentences in order (positions are in sentence order).
    order = np.argsort(codes, kind="stable")
    codes, rows = codes[order], row_of[starts][order]
    first = np.ones(len(codes), dtype=bool)
    first[1:] = (codes[1:] != codes[:-1]) | (rows[1:] != rows[:-1])
    return codes[first], rows[first]


def _postings(sentences: list[list[int]], n: int, rows: Iterable[int]) -> dict[tuple[int, ...], list[int]]:
    """Each word n-gram of the sentences ``rows`` (a whole sentence, when shorter: the empty one too)
    and the sentences that hold it."""
    found: dict[tuple[int, ...], list[int]] = defaultdict(list)
    for row in rows:
        words = sentences[row]
        for gram in {tuple(words[k : k + n]) for k in range(len(words) - n + 1)} or {tuple(words)}:
            found[gram].append(row)
    return found


def _rare_shared_grams(
    a: tuple[np.ndarray, np.ndarray], b: tuple[np.ndarray, np.ndarray], max_df: int
) -> tuple[np.ndarray, np.ndarray]:
    """(row, column) once for each gram in both sides and in at most ``max_df`` sentences of each."""
    cells = []
    codes_a, rows_a = a
    codes_b, rows_b = b
    kinds_a, first_a, df_a = np.unique(codes_a, return_index=True, return_counts=True)
    kinds_b, first_b, df_b = np.unique(codes_b, return_index=True, return_counts=True)
    _, in_a, in_b = np.intersect1d(kinds_a, kinds_b, assume_unique=True, return_indices=True)
    rare = (df_a[in_a] <= max_df) & (df_b[in_b] <= max_df)
    in_a, in_b = in_a[rare], in_b[rare]
    # Codes are sorted, so a gram's sentences are df consecutive entries from its first.
    for i in range(max_df):
        for j in range(max_df):
            ok = (i < df_a[in_a]) & (j < df_b[in_b])
            cells.append((rows_a[first_a[in_a[ok]] + i], rows_b[first_b[in_b[ok]] + j]))
    return np.concatenate([r for r, _ in cells]), np.concatenate([c for _, c in cells])


def anchor_cells(ta: list[str], tb: list[str], config: WindowConfig) -> tuple[np.ndarray, np.ndarray]:
    """(rows, columns) of the candidate anchors of two lists of normalised sentences, sorted.

    Candidates share ``min_shared`` rare n-grams or are identical; :func:`window_cells`
    keeps those similar enough on characters.
    """
    n = config.ngram
    words_a, words_b, vocabulary = _word_codes(ta, tb)
    base = max(vocabulary, 1)
    if base**n >= 2**63:  # too many distinct words for a gram to fit an int64: count in Python
        return _anchor_cells_in_python(words_a, words_b, ta, tb, config)
    rows, cols = _rare_shared_grams(_gram_rows(words_a, n, base), _gram_rows(words_b, n, base), config.max_df)
    shared: dict[tuple[int, int], int] = defaultdict(int)
    width = max(len(tb), 1)
    keys, counts = np.unique(rows * width + cols, return_counts=True)
    for key, count in zip(keys.tolist(), counts.tolist()):
        shared[divmod(key, width)] = count
    # A sentence shorter than n words is its own gram, counted apart.
    short_a, short_b = ([r for r, words in enumerate(side) if len(words) < n] for side in (words_a, words_b))
    _count_shared(_postings(words_a, n, short_a), _postings(words_b, n, short_b), config.max_df, shared)
    return _with_identical(shared, ta, tb, config)


def _count_shared(
    post_a: dict[tuple[int, ...], list[int]],
    post_b: dict[tuple[int, ...], list[int]],
    max_df: int,
    shared: dict[tuple[int, int], int],
) -> None:
    for gram, rows in post_a.items():
        cols = post_b.get(gram)
        if cols is None or len(rows) > max_df or len(cols) > max_df:
            continue
        for r in rows:
            for c in cols:
                shared[r, c] += 1


def _anchor_cells_in_python(
    words_a: list[list[int]], words_b: list[list[int]], ta: list[str], tb: list[str], config: WindowConfig
) -> tuple[np.ndarray, np.ndarray]:
    shared: dict[tuple[int, int], int] = defaultdict(int)
    post_a = _postings(words_a, config.ngram, range(len(words_a)))
    post_b = _postings(words_b, config.ngram, range(len(words_b)))
    _count_shared(post_a, post_b, config.max_df, shared)
    return _with_identical(shared, ta, tb, config)


def _with_identical(
    shared: dict[tuple[int, int], int], ta: list[str], tb: list[str], config: WindowConfig
) -> tuple[np.ndarray, np.ndarray]:
    # Identical sentences anchor whatever their n-grams (a repeated wire story repeats
    # them); the k-th copy on one side pairs with the k-th on the other, so a sentence
    # repeated throughout both texts adds a diagonal, not a square.
    by_text: dict[str, list[int]] = defaultdict(list)
    for c, text in enumerate(tb):
        by_text[text].append(c)
    seen: dict[str, int] = defaultdict(int)
    for r, text in enumerate(ta):
        cols = by_text.get(text)
        if cols:
            k = seen[text]
            seen[text] += 1
            shared[r, cols[min(k, len(cols) - 1)]] = config.min_shared
    cells = sorted(cell for cell, n in shared.items() if n >= config.min_shared)
    if not cells:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    rows, cols = np.array(cells, dtype=np.int64).T
    return rows, cols


def window_cells(
    ta: list[str], tb: list[str], config: WindowConfig, *, min_ratio: float
) -> tuple[np.ndarray, np.ndarray]:
    """(rows, columns) of every cell within ``radius`` of a supported anchor, and of every
    other anchor, unique, in row-major order.

    An anchor is *supported* when another anchor lies within ``radius`` rows and columns:
    copied text keeps anchors close together along its diagonal, so the window between and
    around them holds its edited and paraphrased sentences. An anchor alone is scored as its
    own cell (a single copied sentence still aligns) but opens no window. Two unrelated
    texts share similar stock sentences ("terms were not disclosed", "he did not elaborate")
    by chance, as many as the product of their lengths: in two unrelated 5 MB halves of
    Reuters and BBC, 1,035 of 1,230 anchors were alone, and windows around them all were
    most of the comparison (``bench/long_compare.py``, non-copy); in an edited copy of the
    same 5 MB, 802 of 31,851 were.

    Args:
        min_ratio: rapidfuzz ``ratio`` (0..1) an anchor's two sentences must reach.
    """
    rows, cols = anchor_cells(ta, tb, config)
    similar = np.array(
        [fuzz.ratio(ta[r], tb[c], score_cutoff=100 * min_ratio) > 0 for r, c in zip(rows.tolist(), cols.tolist())],
        dtype=bool,
    )
    rows, cols = rows[similar], cols[similar]
    if not len(rows):
        return rows, cols
    anchors = rows * len(tb) + cols  # unique: anchor_cells gives each cell once
    offsets = np.arange(-config.radius, config.radius + 1)
    keys = [anchors]
    # In chunks, so that the squares of many anchors never make one large temporary array.
    for begin in range(0, len(rows), 20_000):
        rr = rows[begin : begin + 20_000, None, None] + offsets[None, :, None]
        cc = cols[begin : begin + 20_000, None, None] + offsets[None, None, :]
        rr, cc = np.broadcast_arrays(rr, cc)
        inside = (rr >= 0) & (rr < len(ta)) & (cc >= 0) & (cc < len(tb))
        square = np.where(inside, rr * len(tb) + cc, -1).reshape(len(rr), -1)
        # Each square holds its own anchor; a supported one holds another.
        supported = np.isin(square, anchors).sum(axis=1) > 1
        window = square[supported]
        keys.append(window[window >= 0])
    flat = np.unique(np.concatenate(keys))
    return flat // len(tb), flat % len(tb)
