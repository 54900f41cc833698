"""Pair features and the pair classifier that decides whether two sentences say the same.

One decision serves both the sentence aligner and the MRPC benchmark: a logistic
regression over a handful of cheap features, whose weights were fitted on MRPC's training
pairs by ``bench/mrpc.py --fit`` (cross-validated figures in that script's report) and ship
as ``copytrail/models/pair_classifier.json``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np
from rapidfuzz import fuzz

from copytrail.normalize import normalise_for_match

FEATURE_NAMES = (
    "cosine",
    "char_ratio",
    "token_set_ratio",
    "content_jaccard",
    "length_ratio",
    "number_mismatch",
    "cosine_x_char",
)

_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_STOPWORDS = frozenset(
    """a an the and or but if of to in on at by for with from as is are was were be been being
    it its this that these those he she they we you i his her their our your them him us
    has have had do does did not no so than then there here which who whom what when where
    why how all any some more most such can could will would shall should may might must
    said says say about into over after before up down out also just very""".split()
)


def content_words(text: str) -> set[str]:
    return {w for w in normalise_for_match(text).split() if w not in _STOPWORDS}


def numbers(text: str) -> set[str]:
    return {m.group().replace(",", "") for m in _NUMBER.finditer(text)}


def char_ratio(a: str, b: str) -> float:
    """Indel similarity of the normalised texts, in [0, 1]."""
    return fuzz.ratio(normalise_for_match(a), normalise_for_match(b)) / 100.0


def pair_features(a: str, b: str, cosine: float) -> np.ndarray:
    """The classifier's feature vector for one sentence pair (order of FEATURE_NAMES)."""
    na, nb = normalise_for_match(a), normalise_for_match(b)
    ratio = fuzz.ratio(na, nb) / 100.0
    token_set = fuzz.token_set_ratio(na, nb) / 100.0
    ca, cb = content_words(a), content_words(b)
    jaccard = len(ca & cb) / len(ca | cb) if ca | cb else 1.0
    la, lb = len(na.split()), len(nb.split())
    length_ratio = min(la, lb) / max(la, lb, 1)
    num_a, num_b = numbers(a), numbers(b)
    mismatch = 1.0 if (num_a or num_b) and num_a != num_b else 0.0
    return np.array(
        [cosine, ratio, token_set, jaccard, length_ratio, mismatch, cosine * ratio], dtype=np.float64
    )


@dataclass(frozen=True, slots=True)
class PairClassifier:
    """Standardise, then logistic regression: ``p = sigmoid(w · (x - mean) / scale + b)``."""

    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    intercept: float
    threshold: float = 0.5
    embedder: str = "all-MiniLM-L6-v2"

    def __post_init__(self) -> None:
        n = len(FEATURE_NAMES)
        if not len(self.mean) == len(self.scale) == len(self.weights) == n:
            raise ValueError(f"pair classifier needs {n} features, got {len(self.weights)}")

    def probability(self, features: np.ndarray) -> np.ndarray:
        x = (np.atleast_2d(features) - np.asarray(self.mean)) / np.asarray(self.scale)
        return 1.0 / (1.0 + np.exp(-(x @ np.asarray(self.weights) + self.intercept)))

    def to_json(self) -> str:
        return json.dumps(
            {
                "features": list(FEATURE_NAMES),
                "mean": list(self.mean),
                "scale": list(self.scale),
                "weights": list(self.weights),
                "intercept": self.intercept,
                "threshold": self.threshold,
                "embedder": self.embedder,
            },
            indent=2,
        )

    @classmethod
    def from_json(cls, text: str) -> PairClassifier:
        data = json.loads(text)
        if tuple(data["features"]) != FEATURE_NAMES:
            raise ValueError("pair classifier was fitted on other features; refit with bench/mrpc.py --fit")
        return cls(
            mean=tuple(data["mean"]),
            scale=tuple(data["scale"]),
            weights=tuple(data["weights"]),
            intercept=float(data["intercept"]),
            threshold=float(data.get("threshold", 0.5)),
            embedder=data.get("embedder", "all-MiniLM-L6-v2"),
        )


@cache
def default_classifier() -> PairClassifier:
    """The classifier shipped with the package (fitted on MRPC train)."""
    text = resources.files("copytrail.models").joinpath("pair_classifier.json").read_text()
    return PairClassifier.from_json(text)
