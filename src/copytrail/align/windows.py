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
of an anchor is a candidate. (Shared rare n-grams alone are not enough: in two
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


def _postings(texts: list[str], n: int) -> dict[tuple[str, ...], list[int]]:
    """Each word n-gram (or whole sentence, when shorter) and the sentences that hold it."""
    found: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for row, text in enumerate(texts):
        words = match_words(text)
        grams = {tuple(words[k : k + n]) for k in range(len(words) - n + 1)} or {tuple(words)}
        for gram in grams:
            found[gram].append(row)
    return found


def anchor_cells(ta: list[str], tb: list[str], config: WindowConfig) -> tuple[np.ndarray, np.ndarray]:
    """(rows, columns) of the candidate anchors of two lists of normalised sentences, sorted.

    Candidates share ``min_shared`` rare n-grams or are identical; :func:`window_cells`
    keeps those similar enough on characters.
    """
    post_a = _postings(ta, config.ngram)
    post_b = _postings(tb, config.ngram)
    shared: dict[tuple[int, int], int] = defaultdict(int)
    for gram, rows in post_a.items():
        cols = post_b.get(gram)
        if cols is None or len(rows) > config.max_df or len(cols) > config.max_df:
            continue
        for r in rows:
            for c in cols:
                shared[r, c] += 1
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
    """(rows, columns) of every cell within ``radius`` of an anchor, unique, in row-major order.

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
    offsets = np.arange(-config.radius, config.radius + 1)
    # In chunks, so that the squares of many anchors never make one large temporary array.
    keys = []
    for begin in range(0, len(rows), 20_000):
        rr = rows[begin : begin + 20_000, None, None] + offsets[None, :, None]
        cc = cols[begin : begin + 20_000, None, None] + offsets[None, None, :]
        rr, cc = np.broadcast_arrays(rr, cc)
        inside = (rr >= 0) & (rr < len(ta)) & (cc >= 0) & (cc < len(tb))
        keys.append(np.unique(rr[inside] * len(tb) + cc[inside]))
    flat = np.unique(np.concatenate(keys))
    return flat // len(tb), flat % len(tb)
