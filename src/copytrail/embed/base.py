"""The sentence-embedder plug-in point.

An embedder turns sentences into unit-length vectors so that a dot product is the cosine
similarity. Anything with ``name`` and ``embed`` fits; :class:`HashingEmbedder` is the
deterministic fake for tests, and :class:`CachedEmbedder` wraps any embedder so that a
sentence seen before (the same wire story in many documents) is embedded once.

An embedder may also say which languages it covers, as a ``languages`` attribute: a
frozenset of ISO 639-1 codes, or :data:`ANY_LANGUAGE`. One without the attribute is
taken to compare texts of one language only (whatever it is), never across two:
:func:`covers` is the rule.
"""

from __future__ import annotations

import hashlib
import re
from collections import OrderedDict
from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol, runtime_checkable

import numpy as np

if TYPE_CHECKING:
    from copytrail.embed.store import VectorStore


@runtime_checkable
class Embedder(Protocol):
    """Maps sentences to L2-normalised float32 vectors, one row per sentence."""

    name: str

    def embed(self, sentences: Sequence[str]) -> np.ndarray: ...


class _AnyLanguage(frozenset):
    """The languages of a model that declares none: every code is in it."""

    def __contains__(self, code: object) -> bool:
        return True

    def __repr__(self) -> str:
        return "ANY_LANGUAGE"


ANY_LANGUAGE: frozenset[str] = _AnyLanguage()


def covers(embedder: object | None, a: str | None, b: str | None) -> bool:
    """Whether ``embedder`` can tell reuse between a text in language ``a`` and one in ``b``.

    An unidentified language (None) is given the benefit of the doubt. No embedder, or one
    that declares no languages, compares within one language only (by words).
    """
    if a is None or b is None:
        return True
    languages = getattr(embedder, "languages", None) if embedder is not None else None
    if languages is None:
        return a == b
    return a in languages and b in languages


def l2_normalise(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return (vectors / np.maximum(norms, 1e-12)).astype(np.float32)


class HashingEmbedder:
    """Bag of hashed word unigrams and bigrams: no model, fully deterministic.

    Useful as a fake in tests and as a last resort where no model is installed; it
    only sees shared words, so it finds no paraphrase a lexical matcher would not.
    """

    name = "hashing"

    def __init__(self, dim: int = 512) -> None:
        self.dim = dim

    def _bucket(self, token: str) -> int:
        return int.from_bytes(hashlib.blake2b(token.encode(), digest_size=4).digest(), "little") % self.dim

    def embed(self, sentences: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(sentences), self.dim), dtype=np.float32)
        for row, sentence in enumerate(sentences):
            words = re.findall(r"\w+", sentence.lower())
            for token in words + [a + " " + b for a, b in zip(words, words[1:])]:
                out[row, self._bucket(token)] += 1.0
        return l2_normalise(out)


class CachedEmbedder:
    """Remembers the vectors of the last ``max_items`` distinct sentences, and keeps them in ``store``.

    ``store`` (a :class:`~copytrail.embed.store.VectorStore`) is used only when the wrapped
    embedder names its weights in a ``cache_key`` attribute: a vector is stored under the
    model that made it, never under a name another model could share.
    """

    def __init__(self, inner: Embedder, max_items: int = 50_000, store: VectorStore | None = None) -> None:
        self.inner = inner
        self.name = inner.name
        self.languages = getattr(inner, "languages", None)
        self.max_items = max_items
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._model_key = getattr(inner, "cache_key", None)
        self.store = store if self._model_key else None

    def embed(self, sentences: Sequence[str]) -> np.ndarray:
        missing = list(dict.fromkeys(s for s in sentences if s not in self._cache))
        if missing and self.store is not None:
            stored = self.store.get(self._model_key, missing)
            self._cache.update(stored)
            missing = [s for s in missing if s not in stored]
        if missing:
            vectors = self.inner.embed(missing)
            for sentence, vector in zip(missing, vectors):
                self._cache[sentence] = vector
            if self.store is not None:
                self.store.put(self._model_key, missing, vectors)
        rows = []
        for sentence in sentences:
            self._cache.move_to_end(sentence)
            rows.append(self._cache[sentence])
        while len(self._cache) > self.max_items:
            self._cache.popitem(last=False)
        if not rows:
            return np.zeros((0, 0), dtype=np.float32)
        return np.stack(rows)
