"""Candidates that only page chrome or stock text made: decided without the pair engine.

The rare n-gram index (the ``candidates`` stage) pairs two documents that share at least
``FingerprintConfig.rare_min_shared`` units of evidence, each shared n-gram in 2 to
``rare_max_docs`` documents giving ``2 / df``. It runs before the ``common`` stage has
learned a collection's chrome and stock text, so the 30 pages of one site share its menu,
its "Tell a friend" and its footer, and every two of them become a candidate. The pair
engine then takes that common text out (``CommonText.mark``) and finds nothing: on the
graded benchmark's full corpus, 4,100 of the 5,272 candidates only the rare n-gram index
proposed were such pairs, each costing a full comparison.

The rule needs no threshold of its own. A candidate that only the rare n-gram index
proposed is decided unrelated, without comparing it, when the *alignable* text of its two
documents (the segments the aligner reads: chrome, stock text and other boilerplate taken
out) shares fewer than ``rare_min_shared`` distinct n-grams of ``ngram_words`` words. Each
shared n-gram gives at most 1 unit of evidence (``df >= 2``), so such a pair would not
have been proposed at all had the index seen only that text: whatever made it a candidate
lies in text the engine does not compare. Candidates another index also proposed (MinHash,
rare word pairs, translations) are always compared.

What it changed when it was built (every scan's ``pairs.jsonl`` byte-identical): the graded
benchmark's full corpus, 4,100 of 8,876 candidates skipped, none of them reported before;
its quick corpus, 19 of 1,059; the PAN13 subset's folders scanned as a collection (an
independent check, documents with little chrome), 1 of 3,140.
"""

from __future__ import annotations

import numpy as np

from copytrail.records import Document
from copytrail.scan.fingerprint import ngram_hashes, words

__all__ = ["alignable_ngrams", "shares_too_few"]


def alignable_ngrams(document: Document, n: int) -> np.ndarray:
    """The distinct word n-gram hashes of a prepared document's alignable segments, hashed as fingerprints are.

    The segments are joined in order: an n-gram across two adjacent alignable segments is
    counted, one across removed text is not.
    """
    text = "\n".join(s.text for s in document.segments if s.role.alignable)
    return ngram_hashes(words(text), n)


def shares_too_few(ngrams_a: np.ndarray, ngrams_b: np.ndarray, min_shared: int) -> bool:
    """Whether two sorted, distinct n-gram hash arrays share fewer than ``min_shared`` values."""
    return len(np.intersect1d(ngrams_a, ngrams_b, assume_unique=True)) < min_shared
