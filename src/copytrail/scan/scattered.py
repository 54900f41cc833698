"""Candidates whose shared word pairs are scattered: decided without the pair engine.

The rare-word-pair index proposes two documents that share ten rare word pairs, so that a
rewrite or a machine translation, which breaks nearly every 5-gram, is still compared. Two
long articles on different subjects share that many by chance, and comparing them was most of
a scan's verify time (the quick graded benchmark: 422 such candidates, 11 kept, 11 of 20 s).
A copied passage, even reworded, keeps the word pairs it shares with its source together; a
chance overlap scatters them over the two texts.

:func:`densest_shared` counts the content word pairs (neither word a stopword) two texts
share inside the densest window of :data:`WINDOW_WORDS` words, on the side where that count
is lower. Below ``VerifyConfig.min_dense_shared``, a candidate that only the rare-word-pair
index proposed is called unrelated without comparing it (``copytrail.scan.verify``), when it
is compared on words alone and both texts are English: the stopwords, and the evidence
below, are English, and embeddings align rewrites that share no word pairs at all.

**Off by default** (``min_dense_shared=0``), because it failed a check on data it was not
set on (below).

Where the figures come from (``python bench/rare_pair_gate.py``, the graded benchmark's full
corpus, 823 rare-pair-only candidates; DEV and HELD-OUT split by truth family, fixed before
looking): the window (100 words) was fixed first; the threshold is the rule's, half the
smallest value among DEV pairs the scan reports (5), so at least 3. It skips 166 of the 823
candidates (DEV 32, HELD-OUT 59, mixed 75) and loses no reported pair in any split; the
graded scan's ``pairs.jsonl`` is unchanged, quick and full.

The independent check: ``copytrail scan`` of the PAN13 subset's ``susp`` and ``src`` folders
(1,695 documents, 3,140 candidates). At 3 the rule skipped 356 candidates and lost 1 of the
1,304 reported pairs, a true PAN13 pair (suspicious-document00075 / source-document02905,
random obfuscation, a 1,147-character source: its 2 shared content pairs sit within 100
words, against 3 needed). 19 of the true pairs found there came from rare-pair-only
candidates, so the rule cost one in 19 of them. A threshold set after seeing this would be
fitted to it; the rule stays an option for a scan that trades that recall for speed.
"""

from __future__ import annotations

import numpy as np

from copytrail.align.features import STOPWORDS
from copytrail.scan.fingerprint import rolling_ngram_hashes, word_hashes, words

__all__ = ["WINDOW_WORDS", "content_word_pairs", "densest_shared"]

WINDOW_WORDS = 100


def content_word_pairs(text: str) -> np.ndarray:
    """The hash of each two consecutive words of ``text``, in text order; 0 where either is a stopword."""
    tokens = words(text)
    pairs = rolling_ngram_hashes(word_hashes(tokens), 2)
    stop = np.fromiter((t in STOPWORDS for t in tokens), dtype=bool, count=len(tokens))
    pairs[stop[:-1] | stop[1:]] = 0
    return pairs


def densest_shared(a: np.ndarray, b: np.ndarray, window: int = WINDOW_WORDS) -> int:
    """How many of the content word pairs A and B share lie in the densest ``window`` words of each; the lower.

    ``a`` and ``b`` are :func:`content_word_pairs` of the two texts. A pair met twice in a
    window counts twice: a passage that repeats a phrase is denser for it.
    """
    shared = np.intersect1d(a, b)
    shared = shared[shared != 0]
    if not len(shared):
        return 0
    return min(_densest(np.flatnonzero(np.isin(side, shared)), window) for side in (a, b))


def _densest(positions: np.ndarray, window: int) -> int:
    """The most ``positions`` (ascending) inside any ``window`` consecutive words."""
    return int((np.searchsorted(positions, positions + window) - np.arange(len(positions))).max())
