"""The pair decision for sentences in two languages: cosine, its margin, and language-independent anchors.

The monolingual pair classifier (:mod:`copytrail.align.features`) leans on shared words
and was fitted on MiniLM cosines; across languages its lexical features mean nothing
and a multilingual embedder's cosines sit on another scale. This classifier is a
logistic regression over features that survive translation:

* ``cosine`` of the multilingual embeddings, and its ``margin``: the cosine over the
  mean cosine of each sentence's nearest neighbours on the other side (Artetxe &
  Schwenk 2019, arXiv:1811.01136), which discounts sentences that are close to
  everything; ``mutual_best``: each is the other's nearest neighbour;
* anchors a translator keeps: numbers written in digits (``numbers_shared``,
  ``numbers_only``), Latin-script names (``names_shared``) and the sentence length
  relative to the documents' length ratio (``length_gap``).

The weights are fitted on the DEV half of WMT news documents (en-de, en-es, en-ru) by
``bench/fit_crosslingual.py`` and ship as ``copytrail/models/crosslingual_classifier.json``;
the HELD-OUT half scores them (figures in that script's results).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import ClassVar

import numpy as np

from copytrail.align.features import LogisticModel

FEATURE_NAMES = (
    "cosine",
    "margin",
    "mutual_best",
    "numbers_shared",
    "numbers_only",
    "names_shared",
    "length_gap",
)
_NEIGHBOURS = 4
# Digits with thousands or decimal separators; "1,000", "1.000" and "1 000" are one number.
_NUMBER = re.compile(r"\d+(?:[.,\u00a0\u202f ]\d+)*")
_NAME = re.compile(r"\b[A-Z][a-z]{2,}(?:[A-Z][a-z]+)?\b")


def number_keys(text: str) -> frozenset[str]:
    """Numbers written in digits, separators resolved across conventions.

    Groups of three digits after separators are thousands ("1,000", "1.000", "1 000" are
    all 1000); one separator before one, two or four digits is a decimal mark ("1,5" and
    "1.5" are both 1.5); anything else is read as separate numbers.
    """
    out = set()
    for match in _NUMBER.finditer(text):
        head, *rest = re.split(r"[.,\u00a0\u202f ]", match.group())
        if rest and all(len(p) == 3 for p in rest):
            out.add((head + "".join(rest)).lstrip("0") or "0")
        elif len(rest) == 1 and match.group()[len(head)] not in " \u00a0\u202f":
            out.add(f"{head.lstrip('0') or '0'}.{rest[0]}")
        else:
            out.update(p.lstrip("0") or "0" for p in (head, *rest))
    return frozenset(out)


def name_keys(text: str) -> frozenset[str]:
    """Capitalised Latin-script words (names, mostly), cut to five letters."""
    return frozenset(m.group()[:5].lower() for m in _NAME.finditer(text))


def _top_mean(matrix: np.ndarray, axis: int) -> np.ndarray:
    k = min(_NEIGHBOURS, matrix.shape[axis])
    if k == 0:
        return np.zeros(matrix.shape[1 - axis])
    part = -np.partition(-matrix, k - 1, axis=axis)
    part = part[:k] if axis == 0 else part[:, :k]
    return part.mean(axis=axis)


def crosslingual_features(texts_a: Sequence[str], texts_b: Sequence[str], cosine: np.ndarray) -> np.ndarray:
    """Features of every pair, shape ``(len(texts_a), len(texts_b), len(FEATURE_NAMES))``.

    Args:
        texts_a, texts_b: the sentences of each side.
        cosine: their cosine matrix in a multilingual embedding space.
    """
    n, m = cosine.shape
    out = np.zeros((n, m, len(FEATURE_NAMES)), dtype=np.float64)
    if n == 0 or m == 0:
        return out
    row_top = _top_mean(cosine, 1)[:, None]
    col_top = _top_mean(cosine, 0)[None, :]
    out[..., 0] = cosine
    out[..., 1] = cosine - (row_top + col_top) / 2
    best_b = cosine.argmax(axis=1)
    best_a = cosine.argmax(axis=0)
    out[np.arange(n), best_b, 2] = (best_a[best_b] == np.arange(n)).astype(np.float64)
    nums_a, nums_b = [number_keys(t) for t in texts_a], [number_keys(t) for t in texts_b]
    names_a, names_b = [name_keys(t) for t in texts_a], [name_keys(t) for t in texts_b]
    len_a = np.array([max(len(t), 1) for t in texts_a], dtype=np.float64)
    len_b = np.array([max(len(t), 1) for t in texts_b], dtype=np.float64)
    ratio = math.log(len_a.sum() / len_b.sum())
    out[..., 6] = np.abs(np.log(len_a[:, None] / len_b[None, :]) - ratio)
    for i in range(n):
        if not nums_a[i] and not names_a[i]:
            continue
        for j in range(m):
            shared = len(nums_a[i] & nums_b[j])
            out[i, j, 3] = shared
            out[i, j, 5] = len(names_a[i] & names_b[j])
    for i in range(n):
        for j in range(m):
            out[i, j, 4] = len(nums_a[i] ^ nums_b[j])
    return out


@dataclass(frozen=True, slots=True)
class CrossLingualClassifier(LogisticModel):
    """Standardise, then logistic regression, as :class:`~copytrail.align.features.PairClassifier`.

    Attributes:
        threshold: probability from which a pair is taken on its own.
        embedder: the embedder whose cosines it was fitted on; another one's cosines
            sit on another scale.
    """

    FEATURES: ClassVar[tuple[str, ...]] = FEATURE_NAMES
    REFIT: ClassVar[str] = "refit with bench/fit_crosslingual.py"
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    intercept: float
    threshold: float = 0.5
    embedder: str = "universal-sentence-encoder-multilingual-3"

    def score(self, texts_a: Sequence[str], texts_b: Sequence[str], cosine: np.ndarray) -> np.ndarray:
        """Probability that each pair says the same, shape ``cosine.shape``."""
        return self.probability(crosslingual_features(texts_a, texts_b, cosine))


@cache
def default_crosslingual_classifier() -> CrossLingualClassifier:
    """The classifier shipped with the package (fitted on WMT DEV documents with multilingual USE)."""
    text = resources.files("copytrail.models").joinpath("crosslingual_classifier.json").read_text()
    return CrossLingualClassifier.from_json(text)
