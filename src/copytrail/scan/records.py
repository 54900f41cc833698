"""Frozen records of a collection scan: documents, skips, candidates, reuse pairs and families.

Every record is written to its stage's artifact as one JSON object per line, with the
field names below; :data:`SCHEMA_VERSION` changes whenever a field does.

Artifacts: each line type has a JSON Schema (draft 2020-12) in ``copytrail/schemas/``,
versioned with :data:`SCHEMA_VERSION`: ``scan-document.v2.schema.json``
(documents.jsonl), ``scan-skipped.v2.schema.json`` (documents-skipped.jsonl),
``scan-candidate.v2.schema.json`` (candidates.jsonl), ``scan-pair.v2.schema.json``
(pairs.jsonl), ``scan-family.v2.schema.json`` (families.jsonl) and
``scan-stats.v2.schema.json`` (stats.json). A field added, renamed or retyped here
needs the schema changed with it.

Version 2 added ``aligned_words`` to the reuse pair (what decides whether a partial
reuse joins a family); nothing else changed.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, TypeVar

from copytrail.records import Relation

SCHEMA_VERSION = 2

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class ScanDocument:
    """One document of the collection, as read (HTML already reduced to article text).

    Attributes:
        id: unique in the scan: the path relative to its folder, or the ``id`` field.
        text: the document's text; offsets in later reports point into it.
        date, source, url: optional metadata; dates are compared as ISO strings.
        language: ISO 639-1 code identified from the start of the text (see
            :mod:`copytrail.lang`), None when there is too little text to tell.
    """

    id: str
    text: str
    date: str | None = None
    source: str | None = None
    url: str | None = None
    language: str | None = None


@dataclass(frozen=True, slots=True)
class SkippedDocument:
    """A document that could not be read, and why; the scan goes on without it.

    Attributes:
        file: the input file (or the file inside an input folder).
        line: the line (JSONL, CSV) or row (Parquet, 1-based) in ``file``, if any.
        reason: one line a user can act on.
        id: the document's id when it was known.
    """

    file: str
    line: int | None
    reason: str
    id: str | None = None


@dataclass(frozen=True, slots=True)
class CandidatePair:
    """Two documents a cheap index proposed for a full comparison (``id_a < id_b``).

    Attributes:
        sources: which indexes proposed the pair: ``"minhash"``, ``"rare_ngrams"`` or both.
        jaccard: MinHash estimate of the Jaccard similarity of their word shingles.
        shared_ngrams: rare word n-grams both contain.
    """

    id_a: str
    id_b: str
    sources: tuple[str, ...]
    jaccard: float
    shared_ngrams: int


@dataclass(frozen=True, slots=True)
class ReusePair:
    """A candidate pair the pair engine confirmed as reuse.

    Attributes:
        relation: duplicate, near_duplicate, rewrite or partial_reuse.
        score: the engine's confidence in ``relation``.
        coverage_a, coverage_b: share of each side's story text that aligns.
        passages: number of aligned passages.
        original: id of the side the evidence names as the original, or None if undecided.
        confidence: the provenance confidence (0 when undecided).
        sources: the candidate indexes that proposed the pair.
        shared_boilerplate: sentences of page chrome or stock text both carry word for
            word; shared, but never counted as evidence of reuse.
        aligned_words: story words in the aligned sentences, on the side with fewer
            (:func:`copytrail.scan.verify.aligned_extent`): how big the shared text is,
            whatever share of either document it makes.
    """

    id_a: str
    id_b: str
    relation: Relation
    score: float
    coverage_a: float
    coverage_b: float
    passages: int
    original: str | None
    confidence: float
    sources: tuple[str, ...]
    shared_boilerplate: int = 0
    aligned_words: int = 0


@dataclass(frozen=True, slots=True)
class ReuseFamily:
    """Documents joined by strong reuse pairs (a connected component), with a likely original.

    Attributes:
        id: stable id derived from the smallest member id (``fam-`` + 12 hex digits).
        members: member ids, sorted.
        original: the member the evidence names as the likely original, or None.
        original_reason: the evidence: ``votes`` (the pair comparisons name it),
            ``earliest`` (the one earliest date), or ``undecided`` (no evidence; no
            member is called the original).
        related: ids of families linked to this one only by weak pairs (partial reuse of
            a small passage, :func:`copytrail.scan.families.is_strong`), which never merge
            families.
        pairs: number of reuse pairs inside the family.
        relations: ``(relation, count)`` for the family's pairs, sorted by relation (a JSON
            object in the artifact).
    """

    id: str
    members: tuple[str, ...]
    original: str | None
    original_reason: str
    pairs: int
    relations: tuple[tuple[str, int], ...]
    related: tuple[str, ...] = ()

    @property
    def size(self) -> int:
        return len(self.members)


def to_json_dict(record: Any) -> dict[str, Any]:
    """A record as a JSON-ready dict (enums become their values, tuples lists)."""
    out: dict[str, Any] = {}
    for f in dataclasses.fields(record):
        value = getattr(record, f.name)
        if isinstance(value, Relation):
            value = value.value
        elif f.name == "relations":
            value = dict(value)
        elif isinstance(value, tuple):
            value = [list(v) if isinstance(v, tuple) else v for v in value]
        out[f.name] = value
    if isinstance(record, ReuseFamily):
        out["size"] = record.size
    return out


def from_json_dict(cls: type[T], data: dict[str, Any]) -> T:
    """Rebuild a record of type ``cls`` from :func:`to_json_dict`'s output."""
    kwargs: dict[str, Any] = {}
    for f in dataclasses.fields(cls):  # type: ignore[arg-type]
        if f.name not in data and f.default is not dataclasses.MISSING:
            continue  # a field newer than the record (an older schema version): its default
        value = data.get(f.name)
        if f.name == "relation":
            value = Relation(value)
        elif isinstance(value, dict):
            value = tuple(sorted(value.items()))
        elif isinstance(value, list):
            value = tuple(tuple(v) if isinstance(v, list) else v for v in value)
        kwargs[f.name] = value
    return cls(**kwargs)
