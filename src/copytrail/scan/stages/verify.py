"""The ``verify`` stage: every candidate pair through the pair engine; reuse pairs are kept.

The kernel (:class:`VerifyKernel`) receives each candidate with both its documents, so
no worker ever holds the collection. Each kept pair's compare report is saved
(``pair-reports.parquet``): the report stage renders it, and finds what changed only for
the pairs it shows, unless ``VerifyConfig.explain_all`` had verify explain them all.

Two kinds of candidate are decided without the pair engine, unless ``VerifyConfig.compare_all``:
those only page chrome or stock text made (:mod:`copytrail.scan.common_only`), and those whose
shared rare word pairs lie scattered (:mod:`copytrail.scan.scattered`; the stage finds each such
candidate's rare pairs from the fingerprints, :func:`shared_rare_pairs`). ``stats.json`` counts both.
"""

from __future__ import annotations

import json
import pickle
import zlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from copytrail.normalize.common import CommonText
from copytrail.pipeline.datasets import dataset_batches, dataset_rows
from copytrail.pipeline.stage import Stage, StageContext
from copytrail.records import CompareReport
from copytrail.scan.candidates import EXACT, RARE_PAIRS
from copytrail.scan.config import FingerprintConfig, VerifyConfig
from copytrail.scan.progress import progress_bar
from copytrail.scan.records import CandidatePair, ReusePair, ScanDocument, from_json_dict, to_json_dict
from copytrail.scan.stages.names import (
    CANDIDATES,
    COMMON,
    DOCUMENTS,
    FINGERPRINTS,
    PAIR_REPORTS,
    PAIRS,
    PAIRS_PARQUET,
)
from copytrail.scan.verify import COMMON_ONLY, SCATTERED, SCATTERED_RARE, PairVerifier

VERDICT_SCHEMA = pa.schema(
    [
        ("id_a", pa.string()),
        ("id_b", pa.string()),
        ("relation", pa.string()),
        ("seconds", pa.float64()),
        ("pair", pa.string()),  # the ReusePair as JSON, null when rejected
        ("report", pa.binary()),  # the compare report (pickled, compressed), null when rejected
        ("skipped", pa.string()),  # the rule that decided it without the pair engine, null when compared
    ]
)
_CANDIDATE_SCHEMA = pa.schema(
    [
        ("id_a", pa.string()),
        ("id_b", pa.string()),
        ("sources", pa.list_(pa.string())),
        ("jaccard", pa.float64()),
        ("shared_ngrams", pa.int64()),
        # Only for a candidate the rare-word-pair index alone proposed: the rare pairs its
        # documents share (hashes as int64, their bits unchanged), for copytrail.scan.scattered.
        ("rare_pairs", pa.list_(pa.int64())),
    ]
)


def pack_report(report: CompareReport) -> bytes:
    """A compare report as bytes for the artifact (only copytrail's own output folder is ever read back)."""
    return zlib.compress(pickle.dumps(report, protocol=pickle.HIGHEST_PROTOCOL), 6)


def unpack_report(data: bytes) -> CompareReport:
    return pickle.loads(zlib.decompress(data))  # noqa: S301 - written by pack_report into this scan's folder


@dataclass(frozen=True)
class VerifyKernel:
    """Candidate pairs, each with its documents, to verdicts (:data:`VERDICT_SCHEMA`)."""

    config: VerifyConfig
    common: CommonText = field(default_factory=CommonText)
    #: the settings the candidates were found with, for verify's shortcuts (copytrail.scan.common_only,
    #: copytrail.scan.scattered); None: every candidate is compared
    fingerprint: FingerprintConfig | None = None
    schema = VERDICT_SCHEMA

    def setup(self) -> None:
        # Loaded once per worker: embedders are the costly part of starting.
        object.__setattr__(self, "_verifier", PairVerifier({}, self.config, self.common, self.fingerprint))

    def __call__(self, pairs: Sequence[tuple[ScanDocument, ScanDocument, dict]]) -> pa.RecordBatch:
        verifier: PairVerifier = self.__dict__["_verifier"]  # set by setup(), which every executor calls first
        rows: dict[str, list[Any]] = {name: [] for name in VERDICT_SCHEMA.names}
        for doc_a, doc_b, row in pairs:
            candidate = CandidatePair(
                row["id_a"], row["id_b"], tuple(row["sources"]), row["jaccard"], row["shared_ngrams"]
            )
            rare = row.get("rare_pairs")
            rare_pairs = np.asarray(rare, dtype=np.int64).view(np.uint64) if rare is not None else None
            verdict = verifier.verify(candidate, doc_a, doc_b, rare_pairs)
            rows["id_a"].append(verdict.id_a)
            rows["id_b"].append(verdict.id_b)
            rows["relation"].append(verdict.relation.value)
            rows["seconds"].append(verdict.seconds)
            rows["pair"].append(json.dumps(to_json_dict(verdict.pair)) if verdict.pair is not None else None)
            rows["report"].append(pack_report(verdict.report) if verdict.report is not None else None)
            rows["skipped"].append(verdict.skipped)
        return pa.RecordBatch.from_pydict(rows, schema=VERDICT_SCHEMA)


@dataclass(frozen=True)
class VerifyStage(Stage):
    """Compare every candidate pair; keep the reuse pairs (``pairs.jsonl``) and their reports."""

    config: VerifyConfig
    parquet: bool = True
    #: the settings the candidates were found with, for verify's shortcuts; None compares every candidate
    fingerprint: FingerprintConfig | None = None

    name = "verify"
    inputs = (CANDIDATES, COMMON, DOCUMENTS, FINGERPRINTS)
    outputs = (PAIRS, PAIRS_PARQUET, PAIR_REPORTS)

    def settings(self) -> tuple[Any, ...]:
        return (self.config, self.parquet, self.fingerprint, "verify-v6")

    def artifacts(self) -> tuple[str, ...]:
        return (PAIRS, PAIR_REPORTS, *([PAIRS_PARQUET] if self.parquet else []))

    def run(self, ctx: StageContext) -> dict[str, Any]:
        records = list(ctx.store.read_jsonl(CANDIDATES, CandidatePair))
        rare: dict[tuple[str, str], np.ndarray] = {}
        # Only where the rule can apply: the fingerprints are read again for it.
        if self.config.min_dense_rare_pairs and self.config.skips_scattered and self.fingerprint is not None:
            rare = shared_rare_pairs(ctx.store.path(FINGERPRINTS), records, self.fingerprint.pair_max_docs)
        candidates = [to_json_dict(c) for c in records]
        for row in candidates:
            found = rare.get((row["id_a"], row["id_b"]))
            row["rare_pairs"] = found.view(np.int64).tolist() if found is not None else None
        table = pa.Table.from_pylist(candidates, schema=_CANDIDATE_SCHEMA)
        kernel = VerifyKernel(self.config, CommonText.load(ctx.store.path(COMMON)), self.fingerprint)
        relations: Counter[str] = Counter()
        pairs: list[ReusePair] = []
        reports: list[dict[str, Any]] = []
        engine_seconds = 0.0
        skipped: Counter[str] = Counter()
        with progress_bar("verify", len(candidates), enabled=ctx.progress) as advance:
            for batch in ctx.executor.map_pairs(table, ctx.store.path(DOCUMENTS), kernel, advance=advance):
                for row in batch.to_pylist():
                    relations[row["relation"]] += 1
                    engine_seconds += row["seconds"]
                    if row["skipped"] is not None:
                        skipped[row["skipped"]] += 1
                    if row["pair"] is not None:
                        pairs.append(from_json_dict(ReusePair, json.loads(row["pair"])))
                        reports.append({"id_a": row["id_a"], "id_b": row["id_b"], "report": row["report"]})
        pairs.sort(key=lambda p: (p.id_a, p.id_b))
        reports.sort(key=lambda r: (r["id_a"], r["id_b"]))
        ctx.store.write_jsonl(PAIRS, pairs)
        if self.parquet:
            ctx.store.write_parquet(PAIRS_PARQUET, [to_json_dict(p) for p in pairs], "pairs")
        report_schema = pa.schema([("id_a", pa.string()), ("id_b", pa.string()), ("report", pa.binary())])
        with ctx.store.atomic(PAIR_REPORTS, "wb") as fh:
            pq.write_table(pa.Table.from_pylist(reports, schema=report_schema), fh)
        return {
            "candidates": len(candidates),
            "pairs": len(pairs),
            "rejected": len(candidates) - len(pairs),
            "relations": dict(sorted(relations.items())),
            # Called unrelated without comparing (copytrail.scan.scattered, copytrail.scan.common_only).
            "scattered_rare": skipped[SCATTERED_RARE],
            "scattered": skipped[SCATTERED],
            "common_only": skipped[COMMON_ONLY],
            "workers": ctx.executor.pair_workers(len(candidates)),
            "embedder": self.config.embedder,
            "compare_seconds": round(engine_seconds, 3),
        }


def shared_rare_pairs(
    fingerprints: Path, candidates: Sequence[CandidatePair], max_docs: int
) -> dict[tuple[str, str], np.ndarray]:
    """The rare word pairs each candidate only the rare-word-pair index proposed shares (sorted uint64).

    Rare as the index counts it (:meth:`~copytrail.pipeline.executor.Executor.shared_key_pairs`):
    carried by 2 to ``max_docs`` documents, exact copies left out. Only the keys those
    candidates share are counted, in one pass over the fingerprints' ``word_pairs``.
    """
    wanted = [c for c in candidates if c.sources == (RARE_PAIRS,)]
    if not wanted:
        return {}
    ids = sorted({x for c in wanted for x in (c.id_a, c.id_b)})
    rows = dataset_rows(fingerprints, ["id", "word_pairs"], ids=ids)
    pairs_of = {
        doc_id: np.asarray(keys, dtype=np.int64).view(np.uint64)
        for doc_id, keys in zip(rows.column("id").to_pylist(), rows.column("word_pairs").to_numpy(zero_copy_only=False))
    }
    shared = {(c.id_a, c.id_b): np.intersect1d(pairs_of[c.id_a], pairs_of[c.id_b], assume_unique=True) for c in wanted}
    keys = np.unique(np.concatenate(list(shared.values())))
    keys = keys[keys != 0]  # key 0 is "no key" and pairs nothing
    carriers = np.zeros(len(keys), dtype=np.int64)
    copies = pa.array(sorted({c.id_b for c in candidates if EXACT in c.sources}), pa.string())
    for batch in dataset_batches(fingerprints, ["id", "word_pairs"]):
        lists = batch.column("word_pairs").filter(pc.invert(pc.is_in(batch.column("id"), value_set=copies)))
        # A document's keys are distinct: each hit is one more document carrying that key.
        values = lists.flatten().to_numpy().view(np.uint64)
        at = np.minimum(np.searchsorted(keys, values), max(len(keys) - 1, 0))
        hit = keys[at] == values if len(keys) else np.zeros(len(values), bool)
        carriers += np.bincount(at[hit], minlength=len(keys))
    rare = keys[(carriers >= 2) & (carriers <= max_docs)]
    return {pair: np.intersect1d(found, rare, assume_unique=True) for pair, found in shared.items()}
