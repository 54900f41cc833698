"""The ``fingerprint`` stage: every document's MinHash signature, LSH band keys and n-gram hashes.

The costly, embarrassingly parallel part of finding candidates. Its output is a
dataset keyed by document id (one row per document), so the grouping that follows
(:mod:`copytrail.scan.stages.candidates`) never recomputes it, and a run killed in the
middle keeps its finished shards. Hashes are stored as int64 (their bits unchanged):
Parquet and Spark have no unsigned 64-bit type.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa

from copytrail.pipeline.stage import Stage, StageContext
from copytrail.scan.candidates import band_keys, fingerprint_texts
from copytrail.scan.config import FingerprintConfig
from copytrail.scan.fingerprint import lsh_bands
from copytrail.scan.progress import progress_bar
from copytrail.scan.records import ScanDocument
from copytrail.scan.stages.names import DOCUMENTS, FINGERPRINTS

FINGERPRINT_SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("content_key", pa.int64()),
        ("signature", pa.binary()),
        ("bands", pa.list_(pa.int64())),
        ("ngrams", pa.list_(pa.int64())),
        ("word_pairs", pa.list_(pa.int64())),
    ]
)


def _lists(values: np.ndarray, owners: np.ndarray, count: int) -> pa.ListArray:
    """Per-document lists of int64 from concatenated uint64 ``values`` and their owners (ascending)."""
    offsets = np.searchsorted(owners, np.arange(count + 1)).astype(np.int32)
    return pa.ListArray.from_arrays(pa.array(offsets), pa.array(values.view(np.int64)))


@dataclass(frozen=True)
class FingerprintKernel:
    """Documents to fingerprint rows (:data:`FINGERPRINT_SCHEMA`); pure, so any worker may run it."""

    config: FingerprintConfig
    schema = FINGERPRINT_SCHEMA

    def setup(self) -> None:
        lsh_bands(self.config)  # worked out once per process (cached), not per chunk

    def __call__(self, documents: Sequence[ScanDocument]) -> pa.RecordBatch:
        prints = fingerprint_texts([d.text for d in documents], self.config)
        bands, rows = lsh_bands(self.config)
        keys = band_keys(prints.signatures, bands, rows)
        n = len(documents)
        with_bands = np.flatnonzero(prints.has_shingles)
        band_owner = np.repeat(with_bands, bands)
        return pa.RecordBatch.from_arrays(
            [
                pa.array([d.id for d in documents], pa.string()),
                pa.array(prints.content_keys.view(np.int64)),
                pa.array([row.tobytes() for row in prints.signatures], pa.binary()),
                _lists(keys[with_bands].ravel(), band_owner, n),
                _lists(prints.ngrams, prints.ngram_docs, n),
                _lists(prints.word_pairs, prints.word_pair_docs, n),
            ],
            schema=FINGERPRINT_SCHEMA,
        )


@dataclass(frozen=True)
class FingerprintStage(Stage):
    """Fingerprint every document (a dataset keyed by document id)."""

    config: FingerprintConfig

    name = "fingerprint"
    inputs = (DOCUMENTS,)
    outputs = (FINGERPRINTS,)

    def settings(self) -> tuple[Any, ...]:
        return (self.config,)

    def run(self, ctx: StageContext) -> dict[str, Any]:
        with progress_bar("fingerprint", ctx.document_count, enabled=ctx.progress) as advance:
            counters = ctx.executor.map_documents(
                ctx.store.path(DOCUMENTS),
                FingerprintKernel(self.config),
                ctx.store.path(FINGERPRINTS),
                key=ctx.key,
                advance=advance,
            )
        return counters
