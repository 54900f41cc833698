"""Frozen records of the archive: what a document is stored as, and what add, query and stats return."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from copytrail.records import CompareReport, Relation
from copytrail.scan.records import ScanDocument, SkippedDocument

__all__ = [
    "AddResult",
    "ArchiveMatch",
    "ArchiveStats",
    "QueryResult",
    "StoredDocument",
]


@dataclass(frozen=True, slots=True, eq=False)
class StoredDocument:
    """A document with everything the archive keeps for it; computed once, when it is added.

    Attributes:
        document: the document as read (text, date, source, url, language).
        content_hash: BLAKE2b of the text and metadata: the same id with the same hash is
            already archived, and adding it again does nothing.
        content_key: 64-bit hash of the document's shingle set (0 when it has none), as
            the scan's exact-duplicate source computes it.
        indexed: False for a copy whose shingle set an archived document already has: like
            the scan, only the first holder of a shingle set goes into the candidate indexes.
        signature: the MinHash signature (``num_perm`` uint32).
        band_keys: one 64-bit key per LSH band (empty when the document has no shingles).
        ngrams: the document's word 5-gram hashes (the rare n-gram index).
        word_pairs: its word-pair hashes (the rare word-pair index).
        sentence_keys, sentence_words: its sentences' keys and word counts, from which the
            archive learns chrome and stock text (:mod:`copytrail.normalize.common`).
    """

    document: ScanDocument
    content_hash: str
    content_key: int
    indexed: bool
    signature: np.ndarray
    band_keys: np.ndarray
    ngrams: np.ndarray
    word_pairs: np.ndarray
    sentence_keys: np.ndarray
    sentence_words: np.ndarray

    @property
    def id(self) -> str:
        return self.document.id


@dataclass(frozen=True, slots=True)
class AddResult:
    """What one ``add`` did.

    Attributes:
        added: documents new to the archive.
        replaced: ids already archived with other content (text or metadata), now updated.
        unchanged: ids already archived with the same content: nothing to do.
        skipped: documents the readers could not read, with the reason (as ``scan`` lists them).
        documents: documents in the archive afterwards.
        seconds: wall time.
    """

    added: int
    replaced: int
    unchanged: int
    skipped: tuple[SkippedDocument, ...]
    documents: int
    seconds: float


@dataclass(frozen=True, slots=True)
class ArchiveMatch:
    """An archived document that reuses the query's text, or whose text the query reuses.

    Attributes:
        id: the archived document's id.
        relation: the pair engine's relation (``report.relation``).
        score: the engine's confidence in it.
        sources: which candidate indexes proposed the pair (as in ``scan``'s candidates).
        jaccard: MinHash estimate of the two shingle sets' Jaccard similarity.
        shared_ngrams: rare word 5-grams the two share.
        report: the full comparison, query as A and the archived document as B: coverage,
            aligned passages, what changed, likely original (the same record as ``compare``).
    """

    id: str
    relation: Relation
    score: float
    sources: tuple[str, ...]
    jaccard: float
    shared_ngrams: int
    report: CompareReport


@dataclass(frozen=True, slots=True)
class QueryResult:
    """One query document's matches in the archive, strongest first.

    Attributes:
        query_id: the query document's id (its file name, or what the caller gave).
        matches: the archived documents the engine calls reuse, at most ``top``.
        candidates: pairs the indexes proposed and the engine compared.
        seconds: wall time of the query.
    """

    query_id: str
    matches: tuple[ArchiveMatch, ...]
    candidates: int
    seconds: float


@dataclass(frozen=True, slots=True)
class ArchiveStats:
    """The archive's size and state.

    Attributes:
        path: where it is.
        documents: documents held.
        indexed: those in the candidate indexes (the others are exact copies of one that is).
        characters: total text length.
        bytes_on_disk: the database and its write-ahead log.
        postings: entries of the band, n-gram and word-pair indexes.
        common_sentences: sentence keys learned as chrome or stock text.
        common_stale: documents added or deleted since chrome and stock text were last learned.
    """

    path: str
    documents: int
    indexed: int
    characters: int
    bytes_on_disk: int
    postings: int
    common_sentences: int
    common_stale: int
