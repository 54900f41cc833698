"""Where an archive keeps its documents and candidate indexes: a small interface, and an in-memory fake.

:class:`ArchiveStore` is everything the archive asks of storage. :class:`SQLiteStore`
(:mod:`copytrail.archive.sqlite`) is the embedded default; :class:`MemoryStore` is the
fake the tests use and the scratch store a batch of new documents is checked against
(:func:`copytrail.archive.check_documents`). A server database (PostgreSQL) would be one
more implementation; nothing above this interface changes.

Every ``write`` is one atomic step: removals first, then additions (an addition whose id
is stored replaces it; the archive passes the old record among the removals so its
postings go). Readers never see half a write.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from copytrail.archive.fingerprints import PostingSource
from copytrail.archive.records import StoredDocument
from copytrail.normalize.common import CommonText, document_source
from copytrail.scan.records import ScanDocument

__all__ = ["ArchiveStore", "MemoryStore", "StoreCounts", "KINDS"]

#: The posting lists a store keeps besides the LSH bands.
KINDS = ("ngrams", "word_pairs")


@dataclass(frozen=True, slots=True)
class StoreCounts:
    """Sizes a store reports (see :class:`~copytrail.archive.records.ArchiveStats`)."""

    documents: int
    indexed: int
    characters: int
    postings: int
    bytes_on_disk: int


class ArchiveStore(PostingSource, ABC):
    """Storage of an archive: documents, their fingerprints, and chrome learned from them.

    Attributes:
        path: where the store is (for messages and stats).
    """

    path: str = ""

    @abstractmethod
    def settings(self) -> str | None:
        """The fingerprint settings the store was built with (JSON), or None when it is new."""

    @abstractmethod
    def set_settings(self, value: str) -> None:
        """Record the fingerprint settings (once, when the store is created)."""

    @abstractmethod
    def known(self, ids: Iterable[str]) -> dict[str, str]:
        """The content hash of each of ``ids`` the store holds."""

    @abstractmethod
    def holders(self, content_key: int) -> list[tuple[str, bool]]:
        """``(id, indexed)`` of the documents with this shingle set, in the order they were added."""

    @abstractmethod
    def write(self, add: Sequence[StoredDocument], remove: Sequence[StoredDocument]) -> None:
        """Remove, then add, in one atomic step."""

    @abstractmethod
    def documents(self, ids: Iterable[str]) -> dict[str, ScanDocument]:
        """The stored documents among ``ids``."""

    @abstractmethod
    def sentence_keys(self) -> Iterator[tuple[np.ndarray, np.ndarray, str | None]]:
        """Every document's sentence keys, word counts and site, for learning chrome and stock text."""

    @abstractmethod
    def common_text(self) -> tuple[CommonText | None, int]:
        """The chrome and stock text learned last, and the write generation it was learned at."""

    @abstractmethod
    def save_common_text(self, common: CommonText, generation: int) -> None:
        """Keep what was learned, with the generation it reflects."""

    @abstractmethod
    def common_generation(self) -> int:
        """The generation the saved chrome was learned at (-1 when none was): cheap, so a reader can poll it."""

    @abstractmethod
    def generation(self) -> int:
        """How many documents were added or removed since the store was created (a change counter)."""

    @abstractmethod
    def counts(self) -> StoreCounts:
        """Sizes, for stats."""

    def with_content(self, key: int) -> list[str]:
        return [doc_id for doc_id, _ in self.holders(key)]

    def close(self) -> None:
        """Release connections and files (a no-op by default)."""


class MemoryStore(ArchiveStore):
    """An archive store in dictionaries: the fake of the interface, and a scratch store for a batch."""

    def __init__(self) -> None:
        self.path = ":memory:"
        self._settings: str | None = None
        self._docs: dict[str, StoredDocument] = {}
        self._order: dict[str, int] = {}
        self._next = 0
        self._bands: dict[int, list[str]] = defaultdict(list)
        self._postings: dict[str, dict[int, list[str]]] = {kind: defaultdict(list) for kind in KINDS}
        self._common: tuple[CommonText | None, int] = (None, 0)
        self._generation = 0

    def settings(self) -> str | None:
        return self._settings

    def set_settings(self, value: str) -> None:
        self._settings = value

    def known(self, ids: Iterable[str]) -> dict[str, str]:
        return {i: self._docs[i].content_hash for i in ids if i in self._docs}

    def holders(self, content_key: int) -> list[tuple[str, bool]]:
        found = [d for d in self._docs.values() if content_key and d.content_key == content_key]
        return [(d.id, d.indexed) for d in sorted(found, key=lambda d: self._order[d.id])]

    def write(self, add: Sequence[StoredDocument], remove: Sequence[StoredDocument]) -> None:
        for old in remove:
            stored = self._docs.pop(old.id, None)
            if stored is None:
                continue
            self._order.pop(old.id)
            for table, keys in self._tables(stored):
                for key in keys:
                    table[key].remove(stored.id)
            self._generation += 1
        for new in add:
            self._docs[new.id] = new
            self._order[new.id] = self._next
            self._next += 1
            for table, keys in self._tables(new):
                for key in keys:
                    table[key].append(new.id)
            self._generation += 1

    def _tables(self, doc: StoredDocument) -> list[tuple[dict[int, list[str]], list[int]]]:
        if not doc.indexed:
            return []
        return [
            (self._bands, doc.band_keys.tolist()),
            (self._postings["ngrams"], doc.ngrams.tolist()),
            (self._postings["word_pairs"], doc.word_pairs.tolist()),
        ]

    def documents(self, ids: Iterable[str]) -> dict[str, ScanDocument]:
        return {i: self._docs[i].document for i in ids if i in self._docs}

    def band_members(self, keys: np.ndarray, limit: int) -> dict[int, list[str]]:
        return {k: self._bands[k][:limit] for k in keys.tolist() if self._bands.get(k)}

    def rare_postings(self, kind: str, hashes: np.ndarray, limit: int) -> tuple[dict[int, list[str]], set[int]]:
        table = self._postings[kind]
        rare, common = {}, set()
        for h in hashes.tolist():
            ids = table.get(h)
            if ids and len(ids) >= limit:
                common.add(h)
            elif ids:
                rare[h] = list(ids)
        return rare, common

    def signatures(self, ids: Iterable[str]) -> dict[str, np.ndarray]:
        return {i: self._docs[i].signature for i in ids if i in self._docs}

    def sentence_keys(self) -> Iterator[tuple[np.ndarray, np.ndarray, str | None]]:
        for doc_id in sorted(self._docs, key=self._order.__getitem__):
            stored = self._docs[doc_id]
            yield (
                stored.sentence_keys,
                stored.sentence_words,
                document_source(stored.document.source, stored.document.url),
            )

    def common_text(self) -> tuple[CommonText | None, int]:
        return self._common

    def save_common_text(self, common: CommonText, generation: int) -> None:
        self._common = (common, generation)

    def generation(self) -> int:
        return self._generation

    def common_generation(self) -> int:
        return self._common[1] if self._common[0] is not None else -1

    def counts(self) -> StoreCounts:
        docs = self._docs.values()
        postings = sum(len(v) for v in self._bands.values()) + sum(
            len(v) for table in self._postings.values() for v in table.values()
        )
        return StoreCounts(
            documents=len(self._docs),
            indexed=sum(d.indexed for d in docs),
            characters=sum(len(d.document.text) for d in docs),
            postings=postings,
            bytes_on_disk=0,
        )
