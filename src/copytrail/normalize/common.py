"""Page chrome and stock text learned from a collection, not from a list of shapes.

Every page of a site carries the same navigation, prompts, share bars and legal lines,
and an outlet repeats the same background sentence ("Once the country's richest man, Mr
Khodorkovsky …") across its articles. Pattern rules (:mod:`copytrail.normalize.boilerplate`)
only know the chrome they were written for. Counting does not need to know it: a
normalised sentence that many documents carry is furniture, wherever it sits.

Counting alone would also bury a wire story republished by fifty sites: each of its
sentences is in fifty documents too. What tells the two apart is what else the carriers
hold. Pages that share chrome or a stock sentence each have a story of their own, text
no other document has; copies of one story have little text of their own. So a sentence
is common text when it is in at least ``min_documents`` documents of the collection (or
``min_source_documents`` pages of one source) *and* the typical carrier has most of its
words to itself (``min_own_share``).

The model is two sorted arrays of 64-bit sentence keys (collection-wide, and keyed by
source), so it pickles cheaply into worker processes and is saved as ``.npz``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit

import numpy as np

from copytrail.normalize import normalise_for_match
from copytrail.normalize.scripts import count_words, fold_ascii
from copytrail.normalize.segment import split_sentences, split_units
from copytrail.records import Document, Role

__all__ = [
    "COMMON_REASONS",
    "CommonText",
    "CommonTextConfig",
    "CommonTextCounter",
    "document_source",
    "learn_common_text",
    "segment_key",
    "sentence_keys",
    "source_mixed_keys",
    "text_sentence_keys",
]

SITE_CHROME = "site-chrome"
STOCK_TEXT = "stock-text"
COMMON_REASONS = (SITE_CHROME, STOCK_TEXT)


@dataclass(frozen=True, slots=True)
class CommonTextConfig:
    """When a sentence counts as chrome or stock text.

    Attributes:
        min_documents: carriers anywhere in the collection. Five keeps a passage that two
            or three articles quote from each other (the graded benchmark's partial copies
            and the BBC folder's real rewrites) out of it.
        min_source_documents: carriers among the pages of one source (``source`` field or
            URL host): a site's chrome is on every page, so three pages show it.
        min_own_share: the median carrier must have at least this share of its words in
            sentences that are not themselves frequent (in fewer than ``min_documents``).
            Copies of one story fall far below it (their text is shared); pages around
            their own stories far above.
    """

    min_documents: int = 5
    min_source_documents: int = 3
    min_own_share: float = 0.5

    def __post_init__(self) -> None:
        if self.min_documents < 2 or self.min_source_documents < 2:
            raise ValueError("min_documents and min_source_documents must be >= 2 (one document shares nothing)")
        if not 0.0 <= self.min_own_share <= 1.0:
            raise ValueError("min_own_share must be in [0, 1]")


def segment_key(text: str) -> int:
    """A 64-bit key of a sentence's matching form (0 for text with no words)."""
    norm = normalise_for_match(text)
    return _norm_key(norm) if norm else 0


def sentence_keys(document: Document) -> tuple[np.ndarray, np.ndarray]:
    """The key of each segment of a prepared document, and its word count (what is counted)."""
    return _keys_and_words([s.text for s in document.segments])


def text_sentence_keys(text: str) -> tuple[np.ndarray, np.ndarray]:
    """:func:`sentence_keys` of ``prepare_document`` of ``text``, without preparing it.

    The keys depend only on where the segments are, not on their roles, so this skips
    role classification (a third of ``prepare_document``'s time), which matters where
    every document of a collection or archive is counted.
    """
    spans = [(s.start, s.end) for s in split_sentences(text, split_units(text))]
    if not text.isascii():
        return _keys_and_words([text[start:end] for start, end in spans])
    # ASCII (most news): normalise folds and drops punctuation character by character, so the
    # whole text is folded once and each sentence's part of it only has its spaces squeezed
    # (fold_ascii); count_words is len(split()). The same keys and counts, without a call of
    # normalise_for_match per sentence, where every sentence of a collection is counted.
    folded = fold_ascii(text)
    keys = np.zeros(len(spans), dtype=np.uint64)
    words = np.zeros(len(spans), dtype=np.int32)
    for k, (start, end) in enumerate(spans):
        norm = " ".join(folded[start:end].split())
        if norm:
            keys[k] = _norm_key(norm)
        words[k] = len(text[start:end].split())
    return keys, words


def _keys_and_words(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    keys = np.fromiter((segment_key(t) for t in texts), dtype=np.uint64, count=len(texts))
    words = np.fromiter((count_words(t) for t in texts), dtype=np.int32, count=len(texts))
    return keys, words


def _norm_key(norm: str) -> int:
    return int.from_bytes(hashlib.blake2b(norm.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "little")


def document_source(source: str | None, url: str | None) -> str | None:
    """The site a document comes from: its ``source`` field, else its URL's host.

    A URL whose host part cannot be read (a stray bracket: "http://[broken/page") names no
    site: the document's chrome is then counted collection-wide only, like a document
    without a URL. urlsplit raises for such hosts, and a crawl's URLs are what they are.
    """
    if source:
        return source.strip().lower() or None
    if url:
        try:
            host = urlsplit(url if "//" in url else "//" + url).hostname
        except ValueError:
            return None
        if host:
            return host.removeprefix("www.")
    return None


def source_mixed_keys(keys: np.ndarray, source: str) -> np.ndarray:
    """Sentence keys (uint64) mixed with a source's name: the keys a site's chrome is counted under."""
    salt = int.from_bytes(hashlib.blake2b(source.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "little")
    # A 64-bit odd multiplier mixes the salt in; keys of different sources never collide in practice.
    return (keys ^ np.uint64(salt)) * np.uint64(0x9E3779B97F4A7C15)


@dataclass(frozen=True)
class CommonText:
    """Sentence keys that are chrome or stock text in one collection.

    Attributes:
        collection_keys: sorted keys common across the whole collection.
        source_keys: sorted keys common within one source (mixed with the source's name).
        documents: how many documents the counts came from.
    """

    collection_keys: np.ndarray = field(default_factory=lambda: np.zeros(0, np.uint64))
    source_keys: np.ndarray = field(default_factory=lambda: np.zeros(0, np.uint64))
    documents: int = 0

    def __len__(self) -> int:
        return len(self.collection_keys) + len(self.source_keys)

    def reasons(self, keys: Sequence[int], source: str | None) -> list[str | None]:
        """For each key: ``"site-chrome"``, ``"stock-text"`` or None."""
        arr = np.asarray(keys, dtype=np.uint64)
        out: list[str | None] = [None] * len(arr)
        if len(arr) == 0:
            return out
        in_collection = _member(arr, self.collection_keys)
        in_source = _member(source_mixed_keys(arr, source), self.source_keys) if source else np.zeros(len(arr), bool)
        for i, key in enumerate(arr):
            if key == 0:
                continue
            if in_source[i]:
                out[i] = SITE_CHROME
            elif in_collection[i]:
                out[i] = STOCK_TEXT
        return out

    def mark(self, document: Document, source: str | None = None) -> Document:
        """The document with its common sentences turned into boilerplate (reason site-chrome or stock-text).

        Offsets and text are untouched; only roles change, so common text neither aligns
        nor counts in coverage.
        """
        if not len(self):
            return document
        reasons = self.reasons([segment_key(s.text) for s in document.segments], source)
        if not any(reasons):
            return document
        segments = tuple(
            replace(s, role=Role.BOILERPLATE, reason=r) if r is not None and s.role is not Role.BOILERPLATE else s
            for s, r in zip(document.segments, reasons)
        )
        return replace(document, segments=segments)

    def save(self, target: str | Path | BinaryIO) -> None:
        """Write the model as ``.npz`` to a path or a binary file (see :meth:`load`)."""
        np.savez(
            target,
            collection_keys=self.collection_keys,
            source_keys=self.source_keys,
            documents=np.array([self.documents]),
        )

    @classmethod
    def load(cls, path: str | Path) -> CommonText:
        """Read a model written by :meth:`save`."""
        with np.load(path) as data:
            return cls(data["collection_keys"], data["source_keys"], int(data["documents"][0]))


def _member(values: np.ndarray, sorted_keys: np.ndarray) -> np.ndarray:
    if len(sorted_keys) == 0:
        return np.zeros(len(values), bool)
    pos = np.minimum(np.searchsorted(sorted_keys, values), len(sorted_keys) - 1)
    return sorted_keys[pos] == values


class CommonTextCounter:
    """Counts sentence keys across documents, then decides which are common (:meth:`build`).

    Memory is three small integers per distinct sentence of each document; a million
    news articles of forty sentences take about 0.6 GB while counting.
    """

    def __init__(self) -> None:
        self._keys: list[np.ndarray] = []
        self._words: list[np.ndarray] = []
        self._sources: list[str | None] = []

    def add_keys(self, keys: Sequence[int], words: Sequence[int], source: str | None) -> None:
        """Count one document, given its sentence keys and their word counts."""
        k = np.asarray(keys, dtype=np.uint64)
        w = np.asarray(words, dtype=np.int64)
        keep = k != 0
        k, w = k[keep], w[keep]
        # A sentence repeated inside one document counts once, with its words once.
        k, first = np.unique(k, return_index=True)
        self._keys.append(k)
        self._words.append(w[first])
        self._sources.append(source)

    def add(self, document: Document, source: str | None = None) -> None:
        """Count one prepared document."""
        self.add_keys(*sentence_keys(document), source)

    def __len__(self) -> int:
        return len(self._keys)

    def build(self, config: CommonTextConfig = CommonTextConfig()) -> CommonText:
        """Decide which counted sentences are common text."""
        n = len(self._keys)
        if n == 0:
            return CommonText()
        lengths = np.array([len(k) for k in self._keys])
        doc_of = np.repeat(np.arange(n), lengths)
        keys = np.concatenate(self._keys) if n else np.zeros(0, np.uint64)
        words = np.concatenate(self._words).astype(np.int64)
        uniq, inverse, df = np.unique(keys, return_inverse=True, return_counts=True)
        row_df = df[inverse]
        totals = np.bincount(doc_of, weights=words, minlength=n)
        # A carrier's own text: sentences that are not themselves frequent. A story posted on
        # two sites is still its carriers' own; one copied into min_documents is not.
        own = np.bincount(doc_of, weights=np.where(row_df < config.min_documents, words, 0), minlength=n)
        own_share = np.divide(own, totals, out=np.zeros(n), where=totals > 0)

        collection = self._common(uniq[df >= config.min_documents], keys, doc_of, own_share, config)
        source_keys = self._source_common(keys, doc_of, own_share, config)
        return CommonText(np.sort(collection), np.sort(source_keys), n)

    @staticmethod
    def _common(
        frequent: np.ndarray, keys: np.ndarray, doc_of: np.ndarray, own_share: np.ndarray, config: CommonTextConfig
    ) -> np.ndarray:
        """Those ``frequent`` keys whose median carrier has mostly text of its own."""
        if len(frequent) == 0:
            return frequent
        rows = np.flatnonzero(_member(keys, np.sort(frequent)))
        order = np.argsort(keys[rows], kind="stable")
        rows = rows[order]
        grouped_keys = keys[rows]
        starts = np.flatnonzero(np.r_[True, grouped_keys[1:] != grouped_keys[:-1]])
        shares = own_share[doc_of[rows]]
        medians = np.array([np.median(part) for part in np.split(shares, starts[1:])])
        return grouped_keys[starts][medians >= config.min_own_share]

    def _source_common(
        self, keys: np.ndarray, doc_of: np.ndarray, own_share: np.ndarray, config: CommonTextConfig
    ) -> np.ndarray:
        names = {s for s in self._sources if s}
        if not names:
            return np.zeros(0, np.uint64)
        mixed = np.zeros(len(keys), np.uint64)
        known = np.zeros(len(keys), bool)
        lengths = np.array([len(k) for k in self._keys])
        ends = np.cumsum(lengths)
        for i, source in enumerate(self._sources):
            if source:
                lo = ends[i] - lengths[i]
                mixed[lo : ends[i]] = source_mixed_keys(keys[lo : ends[i]], source)
                known[lo : ends[i]] = True
        mixed, doc_of = mixed[known], doc_of[known]
        uniq, df = np.unique(mixed, return_counts=True)
        return self._common(uniq[df >= config.min_source_documents], mixed, doc_of, own_share, config)


def learn_common_text(
    documents: Iterable[tuple[Document, str | None]], config: CommonTextConfig = CommonTextConfig()
) -> CommonText:
    """Count prepared documents (each with its source, or None) and decide their common text."""
    counter = CommonTextCounter()
    for document, source in documents:
        counter.add(document, source)
    return counter.build(config)
