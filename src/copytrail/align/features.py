"""Pair features and the pair classifier that decides whether two sentences say the same.

One decision serves both the sentence aligner and the MRPC benchmark: a logistic
regression over cheap features, whose weights were fitted on MRPC's training pairs by
``bench/mrpc.py --fit`` (cross-validated figures in that script's report) and ship as
``copytrail/models/pair_classifier.json``.

The features, all symmetric in the two sentences (each directional measure enters as the
min and the max of its two directions):

* ``cosine`` of the sentence embeddings, and ``cosine_x_char`` (cosine times char_ratio);
* surface similarity: ``char_ratio`` (indel ratio of the normalised texts),
  ``token_set_ratio``, ``content_jaccard`` (Jaccard of non-stopwords), ``length_ratio``;
* word n-gram containment, n = 1..3 (``unigram_min`` ... ``trigram_max``): the share of
  one sentence's n-grams found in the other, BLEU/ROUGE-like precision and recall;
* ``lcs_min`` / ``lcs_max``: longest common word subsequence over the shorter / longer
  sentence's length (word order);
* numbers: ``number_mismatch`` (the sets differ), ``numbers_only_min/max`` (numbers found
  in one sentence only), ``numbers_shared``;
* ``negation_mismatch``: one sentence negates (not, no, never, n't ...) and the other not;
* ``unmatched_run_min/max``: log(1 + the longest stretch of words absent from the other
  sentence); a long stretch is an added clause, i.e. extra information, which is what
  MRPC's annotators (and a reader tracing copied content) count against a pair.

Everything a sentence contributes is computed once per text and cached (``_analyse``), so
the aligner, which scores each sentence against many, pays for it once.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import ClassVar, NamedTuple, TypeVar

import numpy as np
from rapidfuzz import fuzz
from rapidfuzz.distance import LCSseq

from copytrail.align.stem import stem
from copytrail.normalize import match_words, normalise_for_match
from copytrail.normalize.scripts import fold

FEATURE_NAMES = (
    "cosine",
    "char_ratio",
    "token_set_ratio",
    "content_jaccard",
    "length_ratio",
    "number_mismatch",
    "cosine_x_char",
    "unigram_min",
    "unigram_max",
    "bigram_min",
    "bigram_max",
    "trigram_min",
    "trigram_max",
    "lcs_min",
    "lcs_max",
    "numbers_only_min",
    "numbers_only_max",
    "numbers_shared",
    "negation_mismatch",
    "unmatched_run_min",
    "unmatched_run_max",
)

_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_STOPWORDS = frozenset(
    [
        *("a", "an", "the", "and", "or", "but", "if", "of", "to", "in", "on", "at", "by", "for", "with"),
        *("from", "as", "is", "are", "was", "were", "be", "been", "being", "it", "its", "this", "that"),
        *("these", "those", "he", "she", "they", "we", "you", "i", "his", "her", "their", "our", "your"),
        *("them", "him", "us", "has", "have", "had", "do", "does", "did", "not", "no", "so", "than"),
        *("then", "there", "here", "which", "who", "whom", "what", "when", "where", "why", "how", "all"),
        *("any", "some", "more", "most", "such", "can", "could", "will", "would", "shall", "should"),
        *("may", "might", "must", "said", "says", "say", "about", "into", "over", "after", "before"),
        *("up", "down", "out", "also", "just", "very"),
    ]
)
STOPWORDS = _STOPWORDS  # English; also what copytrail.scan.scattered leaves out of shared word pairs
# Negation words; "t" is what normalisation leaves of n't (doesn't -> "doesn t").
_NEGATIONS = frozenset(["not", "no", "never", "nothing", "none", "nobody", "neither", "nor", "without", "cannot", "t"])


def content_words(text: str) -> set[str]:
    return {w for w in match_words(normalise_for_match(text)) if w not in _STOPWORDS}


def numbers(text: str) -> set[str]:
    return {m.group().replace(",", "") for m in _NUMBER.finditer(fold(text))}


def char_ratio(a: str, b: str) -> float:
    """Indel similarity of the normalised texts, in [0, 1]."""
    return fuzz.ratio(normalise_for_match(a), normalise_for_match(b)) / 100.0


class _Sentence(NamedTuple):
    """What the features need from one sentence, computed once per text (see ``_analyse``)."""

    normalised: str
    tokens: tuple[str, ...]
    token_stems: tuple[str, ...]  # the stem of each token, for the unmatched runs against every partner
    unigrams: frozenset[str]
    bigrams: frozenset[int]  # hashes of word bigrams: ints keep the cache clear of tuples,
    trigrams: frozenset[int]  # which the garbage collector would have to walk
    content: frozenset[str]
    stems: frozenset[str]
    numbers: frozenset[str]
    negated: bool


@lru_cache(maxsize=1024)  # about 10 kB a sentence; room for two long documents
def _analyse(text: str) -> _Sentence:
    norm = normalise_for_match(text)
    tokens = tuple(match_words(norm))
    unigrams = frozenset(tokens)
    content = unigrams - _STOPWORDS
    return _Sentence(
        norm,
        tokens,
        tuple(map(stem, tokens)),
        unigrams,
        frozenset(map(hash, zip(tokens, tokens[1:]))),
        frozenset(map(hash, zip(tokens, tokens[1:], tokens[2:]))),
        content,
        frozenset([stem(w) for w in content]),
        frozenset([n.replace(",", "") for n in _NUMBER.findall(fold(text))]),
        not _NEGATIONS.isdisjoint(unigrams),
    )


def _containment(x: frozenset, y: frozenset) -> tuple[float, float]:
    """Share of x's items found in y and of y's found in x, as (min, max)."""
    if not x or not y:
        return (1.0, 1.0) if not x and not y else (0.0, 0.0)
    shared = len(x & y)
    p, r = shared / len(x), shared / len(y)
    return (p, r) if p <= r else (r, p)


def _unmatched_run(sentence: _Sentence, other: _Sentence) -> int:
    """Longest stretch of words that the other sentence lacks (by word or by stem)."""
    best = run = 0
    for w, w_stem in zip(sentence.tokens, sentence.token_stems):
        if w in other.unigrams or w_stem in other.stems:
            run = 0
        else:
            run += 1
            if run > best:
                best = run
    return best


def pair_features(a: str, b: str, cosine: float) -> np.ndarray:
    """The classifier's feature vector for one sentence pair (order of FEATURE_NAMES)."""
    sa, sb = _analyse(a), _analyse(b)
    ratio = fuzz.ratio(sa.normalised, sb.normalised) / 100.0
    token_set = fuzz.token_set_ratio(sa.normalised, sb.normalised) / 100.0
    union = sa.content | sb.content
    jaccard = len(sa.content & sb.content) / len(union) if union else 1.0
    la, lb = len(sa.tokens), len(sb.tokens)
    shorter, longer = (la, lb) if la <= lb else (lb, la)
    lcs = LCSseq.similarity(sa.tokens, sb.tokens)
    num_a, num_b = sa.numbers, sb.numbers
    only_a, only_b = len(num_a - num_b), len(num_b - num_a)
    run_a, run_b = _unmatched_run(sa, sb), _unmatched_run(sb, sa)
    return np.array(
        [
            cosine,
            ratio,
            token_set,
            jaccard,
            shorter / max(longer, 1),
            1.0 if num_a != num_b else 0.0,
            cosine * ratio,
            *_containment(sa.unigrams, sb.unigrams),
            *_containment(sa.bigrams, sb.bigrams),
            *_containment(sa.trigrams, sb.trigrams),
            lcs / max(shorter, 1),
            lcs / max(longer, 1),
            min(only_a, only_b),
            max(only_a, only_b),
            len(num_a & num_b),
            1.0 if sa.negated != sb.negated else 0.0,
            math.log1p(min(run_a, run_b)),
            math.log1p(max(run_a, run_b)),
        ],
        dtype=np.float64,
    )


# cdist's uint8 scores are rounded to whole percent (half a percent either way); a full percent is the safe slack.
RATIO_ROUNDING = 0.01
# Sums in another order than numpy's dot product differ in the last bits; a bound keeps this much room.
_LOGIT_MARGIN = 1e-9


class _Coefficients(NamedTuple):
    """A logistic model's logit as ``constant + sum(coefficient * feature)``, one field per feature."""

    constant: float
    cosine: float
    char_ratio: float
    token_set_ratio: float
    content_jaccard: float
    length_ratio: float
    number_mismatch: float
    cosine_x_char: float
    unigram_min: float
    unigram_max: float
    bigram_min: float
    bigram_max: float
    trigram_min: float
    trigram_max: float
    lcs_min: float
    lcs_max: float
    numbers_only_min: float
    numbers_only_max: float
    numbers_shared: float
    negation_mismatch: float
    unmatched_run_min: float
    unmatched_run_max: float


# The classifier last folded, and its coefficients: the aligner asks may_reach about thousands of cells
# with one classifier, and hashing it for the cache below (three tuples of 21 floats) took a tenth of
# may_reach's time. Compared by identity; a frozen classifier's coefficients never change.
_last_form: tuple[object, _Coefficients] | None = None


def _linear_form(classifier: PairClassifier) -> _Coefficients:
    """The classifier's standardisation and weights folded into one coefficient per feature."""
    global _last_form
    last = _last_form
    if last is not None and last[0] is classifier:
        return last[1]
    form = _folded(classifier)
    _last_form = (classifier, form)
    return form


@lru_cache(maxsize=8)
def _folded(classifier: PairClassifier) -> _Coefficients:
    coefficients = dict.fromkeys(_Coefficients._fields, 0.0)
    constant = classifier.intercept
    for name, weight, scale, mean in zip(classifier.FEATURES, classifier.weights, classifier.scale, classifier.mean):
        coefficients[name] = weight / scale
        constant -= weight / scale * mean
    coefficients["constant"] = constant
    return _Coefficients(**coefficients)


def logit(probability: float) -> float:
    """The classifier logit at which it gives ``probability``, less a margin for rounding (a bound compares with it)."""
    if probability <= 0.0:
        return -math.inf
    if probability >= 1.0:
        return math.inf
    return math.log(probability / (1.0 - probability)) - _LOGIT_MARGIN


def _best_end(coefficient: float, high: float) -> float:
    """The most ``coefficient * x`` can add for a feature ``x`` somewhere in ``[0, high]``."""
    return coefficient * high if coefficient > 0.0 else 0.0


def may_reach(a: str, b: str, ratio_high: float, cosine: float, classifier: PairClassifier, probability: float) -> bool:
    """Whether the classifier could give the pair ``probability`` or more; False only when it cannot.

    The aligner scores every sentence pair whose characters are somewhat alike (char ratio
    0.45 and up), and two unrelated articles have hundreds of them; computing their full
    features was the largest part of a rejected scan candidate's alignment. This is a sound
    upper bound of the logit, at about a third of the cost of :func:`pair_features` (26 against
    91 us a pair on the quick scan benchmark's PAN13 pairs): the cheap
    features (word and n-gram containment, lengths, numbers, negation) are exact; ``char_ratio``
    is at most ``ratio_high`` (cdist's rounded ratio plus :data:`RATIO_ROUNDING`); the word
    LCS at most the tokens each side finds in the other; ``token_set_ratio`` and the unmatched
    runs are taken anywhere in their ranges first and computed only when that leaves room.
    Each estimated feature enters at the end of its range that its coefficient's sign
    prefers, so the bound holds for any weights: a pair it rules out is one the classifier
    would have scored below ``probability``.
    """
    if not isinstance(classifier, PairClassifier) or classifier.FEATURES != FEATURE_NAMES:
        return True
    w = _linear_form(classifier)
    needed = logit(probability)
    sa, sb = _analyse(a), _analyse(b)
    la, lb = len(sa.tokens), len(sb.tokens)
    shorter, longer = (la, lb) if la <= lb else (lb, la)
    content_union = len(sa.content | sb.content)
    num_a, num_b = sa.numbers, sb.numbers
    only_a, only_b = len(num_a - num_b), len(num_b - num_a)
    uni_min, uni_max = _containment(sa.unigrams, sb.unigrams)
    bi_min, bi_max = _containment(sa.bigrams, sb.bigrams)
    tri_min, tri_max = _containment(sa.trigrams, sb.trigrams)
    bound = (
        w.constant
        + w.cosine * cosine
        + w.content_jaccard * (len(sa.content & sb.content) / content_union if content_union else 1.0)
        + w.length_ratio * (shorter / max(longer, 1))
        + w.number_mismatch * (1.0 if num_a != num_b else 0.0)
        + w.numbers_only_min * min(only_a, only_b)
        + w.numbers_only_max * max(only_a, only_b)
        + w.numbers_shared * len(num_a & num_b)
        + w.negation_mismatch * (1.0 if sa.negated != sb.negated else 0.0)
        + w.unigram_min * uni_min
        + w.unigram_max * uni_max
        + w.bigram_min * bi_min
        + w.bigram_max * bi_max
        + w.trigram_min * tri_min
        + w.trigram_max * tri_max
        # char_ratio and cosine_x_char are both linear in the char ratio, which lies in [0, ratio_high].
        + _best_end(w.char_ratio + w.cosine_x_char * cosine, min(ratio_high, 1.0))
    )
    # lcs_min and lcs_max are both linear in the LCS, at most the tokens of each side found in the other.
    lcs_slope = w.lcs_min / max(shorter, 1) + w.lcs_max / max(longer, 1)
    if lcs_slope > 0.0:
        found_a = sum(w_ in sb.unigrams for w_ in sa.tokens)
        found_b = sum(w_ in sa.unigrams for w_ in sb.tokens)
        bound += lcs_slope * min(found_a, found_b)
    room = (
        _best_end(w.token_set_ratio, 1.0)
        + _best_end(w.unmatched_run_min, math.log1p(shorter))
        + _best_end(w.unmatched_run_max, math.log1p(longer))
    )
    if bound + room < needed:
        return False
    run_a, run_b = _unmatched_run(sa, sb), _unmatched_run(sb, sa)
    bound += w.unmatched_run_min * math.log1p(min(run_a, run_b)) + w.unmatched_run_max * math.log1p(max(run_a, run_b))
    if bound + _best_end(w.token_set_ratio, 1.0) < needed:
        return False
    return bound + w.token_set_ratio * fuzz.token_set_ratio(sa.normalised, sb.normalised) / 100.0 >= needed


_Model = TypeVar("_Model", bound="LogisticModel")


@lru_cache(maxsize=16)
def _as_arrays(*values: tuple[float, ...]) -> tuple[np.ndarray, ...]:
    """A model's parameters as arrays, made once: the aligner asks for a probability per sentence pair."""
    arrays = tuple(np.asarray(v) for v in values)
    for array in arrays:
        array.flags.writeable = False  # shared by every call
    return arrays


class LogisticModel:
    """Standardise, then logistic regression: ``p = sigmoid(w · (x - mean) / scale + b)``.

    The behaviour both pair classifiers share (this one and the cross-lingual one in
    :mod:`copytrail.align.crosslingual`); each is a frozen dataclass with the fields
    ``mean``, ``scale``, ``weights``, ``intercept``, ``threshold`` and ``embedder``, and
    names its features and how to refit it.
    """

    __slots__ = ()
    FEATURES: ClassVar[tuple[str, ...]] = ()
    REFIT: ClassVar[str] = ""
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    intercept: float
    threshold: float
    embedder: str

    def __post_init__(self) -> None:
        n = len(self.FEATURES)
        if not len(self.mean) == len(self.scale) == len(self.weights) == n:
            raise ValueError(f"{type(self).__name__} needs {n} features, got {len(self.weights)}")

    def probability(self, features: np.ndarray) -> np.ndarray:
        mean, scale, weights = _as_arrays(self.mean, self.scale, self.weights)
        x = (np.atleast_2d(features) - mean) / scale
        return 1.0 / (1.0 + np.exp(-(x @ weights + self.intercept)))

    def to_json(self) -> str:
        return json.dumps(
            {
                "features": list(self.FEATURES),
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
    def from_json(cls: type[_Model], text: str) -> _Model:
        data = json.loads(text)
        if tuple(data["features"]) != cls.FEATURES:
            raise ValueError(f"{cls.__name__} was fitted on other features; {cls.REFIT}")
        optional = {k: data[k] for k in ("threshold", "embedder") if k in data}
        return cls(
            mean=tuple(data["mean"]),
            scale=tuple(data["scale"]),
            weights=tuple(data["weights"]),
            intercept=float(data["intercept"]),
            **optional,
        )


@dataclass(frozen=True, slots=True)
class PairClassifier(LogisticModel):
    """The monolingual pair classifier (see :class:`LogisticModel`), fitted on MiniLM cosines."""

    FEATURES: ClassVar[tuple[str, ...]] = FEATURE_NAMES
    REFIT: ClassVar[str] = "refit with bench/mrpc.py --fit"
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    intercept: float
    threshold: float = 0.5
    embedder: str = "all-MiniLM-L6-v2"


@cache
def default_classifier() -> PairClassifier:
    """The classifier shipped with the package (fitted on MRPC train)."""
    text = resources.files("copytrail.models").joinpath("pair_classifier.json").read_text()
    return PairClassifier.from_json(text)
