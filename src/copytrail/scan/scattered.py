"""Candidates whose shared word pairs are scattered: decided without the pair engine.

The rare-word-pair index proposes two documents that share ten rare word pairs, so that a
rewrite or a machine translation, which breaks nearly every 5-gram, is still compared. Two
long articles on different subjects share that many by chance, and comparing them was most of
a scan's verify time (the quick graded benchmark: 422 such candidates, 11 kept, 11 of 20 s).
A copied passage, even reworded, keeps the word pairs it shares with its source together; a
chance overlap scatters them over the two texts.

Two rules measure that, both over a window of :data:`WINDOW_WORDS` words (fixed before
looking), on the side where the count is lower, and both only for a candidate that the
rare-word-pair index alone proposed, compared on words alone between two English texts (the
evidence below is English; embeddings align rewrites that share no word pairs at all):

- **rare pairs, on by default** (``VerifyConfig.min_dense_rare_pairs``, 3):
  :func:`densest_rare` counts the shared *rare* word pairs (those the index paired the two
  on: in 2 to ``FingerprintConfig.pair_max_docs`` documents) inside the densest window. The
  verify stage hands each such candidate the rare pairs its documents share.
- **content pairs, off by default** (``VerifyConfig.min_dense_shared``, 0):
  :func:`densest_shared` counts the shared *content* word pairs (neither word a stopword),
  whatever their frequency, from the two texts alone.

Where the thresholds come from (``python bench/rare_pair_gate.py``, the graded benchmark's
full corpus, 823 rare-pair-only candidates; DEV and HELD-OUT split by truth family, fixed
before looking; results in ``bench/results/rare_pair_gate.md``): each threshold is the rule's,
half the smallest value among DEV pairs the scan reports.

- Rare pairs: 3 (DEV edge 6). It skips 223 of the 823 candidates (DEV 47, HELD-OUT 59, mixed
  117) and loses no reported pair in any split. Independent check, set after the threshold:
  ``copytrail scan`` of the PAN13 subset's ``susp`` and ``src`` folders (1,695 documents):
  it skips 451 of the 1,391 rare-pair-only candidates and loses none of the 60 pairs reported
  from them (the smallest of their values is 6).
- Content pairs: 2.5, so 3 (DEV edge 5). It skips 166 of the 823 (DEV 32, HELD-OUT 59, mixed
  75) and loses no reported pair in any split, but on the PAN13 check it skipped 356 and lost
  1 of the 1,304 reported pairs, a true PAN13 pair (suspicious-document00075 /
  source-document02905, random obfuscation, a 1,147-character source: its 2 shared content
  pairs sit within 100 words, against 3 needed). A threshold set after seeing this would be
  fitted to it, so the rule stays an option for a scan that trades that recall for speed.
"""

from __future__ import annotations

import numpy as np

from copytrail.align.features import STOPWORDS
from copytrail.scan.fingerprint import rolling_ngram_hashes, word_hashes, words

__all__ = ["WINDOW_WORDS", "content_word_pairs", "densest_rare", "densest_shared", "word_pairs"]

WINDOW_WORDS = 100


def word_pairs(text: str, n: int = 2) -> np.ndarray:
    """The hash of each ``n`` consecutive words of ``text`` (``FingerprintConfig.pair_words``), in text order.

    Hashed as the rare-word-pair index hashes them.
    """
    return rolling_ngram_hashes(word_hashes(words(text)), n)


def content_word_pairs(text: str) -> np.ndarray:
    """The hash of each two consecutive words of ``text``, in text order; 0 where either is a stopword."""
    tokens = words(text)
    pairs = rolling_ngram_hashes(word_hashes(tokens), 2)
    stop = np.fromiter((t in STOPWORDS for t in tokens), dtype=bool, count=len(tokens))
    pairs[stop[:-1] | stop[1:]] = 0
    return pairs


def densest_rare(a: np.ndarray, b: np.ndarray, rare: np.ndarray, window: int = WINDOW_WORDS) -> int:
    """How many of the ``rare`` word pairs lie in the densest ``window`` words of A and of B; the lower.

    ``a`` and ``b`` are :func:`word_pairs` of the two texts; ``rare`` the rare pairs the two
    share (uint64; :func:`densest_shared` passes the content pairs they share). A pair met
    twice in a window counts twice.
    """
    if not len(rare):
        return 0
    return min(_densest(np.flatnonzero(np.isin(side, rare)), window) for side in (a, b))


def densest_shared(a: np.ndarray, b: np.ndarray, window: int = WINDOW_WORDS) -> int:
    """How many of the content word pairs A and B share lie in the densest ``window`` words of each; the lower.

    ``a`` and ``b`` are :func:`content_word_pairs` of the two texts. A pair met twice in a
    window counts twice: a passage that repeats a phrase is denser for it.
    """
    shared = np.intersect1d(a, b)
    return densest_rare(a, b, shared[shared != 0], window)


def _densest(positions: np.ndarray, window: int) -> int:
    """The most ``positions`` (ascending) inside any ``window`` consecutive words; 0 for none."""
    if not len(positions):
        return 0
    return int((np.searchsorted(positions, positions + window) - np.arange(len(positions))).max())
