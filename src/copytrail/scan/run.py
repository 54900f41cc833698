"""Run a scan: read → candidates → verify → families, each stage resumable from its artifacts.

==============  =============================================  ===============================
stage           artifacts                                      key (what makes it stale)
==============  =============================================  ===============================
``read``        documents.jsonl, documents-skipped.jsonl       inputs (path, size, mtime), reader config
``candidates``  candidates.jsonl                               read key, fingerprint config
``common``      common-text.npz                                read key, common-text config
``verify``      pairs.jsonl (+ pairs.parquet)                  candidates and common keys, verify config
``families``    families.jsonl (+ families.parquet)            verify key
``report``      report.html, compare/*.html                    families key, report settings
==============  =============================================  ===============================

``stats.json`` gathers every stage's counters and seconds, and says which stages were
resumed. Once one stage runs, every later stage runs too.
"""

from __future__ import annotations

import importlib.util
import json
import os
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from copytrail.embed import check_embedder
from copytrail.normalize.common import CommonText, CommonTextCounter
from copytrail.scan import common as common_kernel
from copytrail.scan.artifacts import ArtifactStore
from copytrail.scan.candidates import find_candidates
from copytrail.scan.config import ScanConfig, config_hash
from copytrail.scan.engine import chunked, chunked_stream, map_chunks
from copytrail.scan.errors import require
from copytrail.scan.families import DocumentFacts, build_families
from copytrail.scan.progress import progress_bar
from copytrail.scan.readers import check_inputs, input_signature, iter_documents
from copytrail.scan.records import (
    SCHEMA_VERSION,
    CandidatePair,
    ReuseFamily,
    ReusePair,
    ScanDocument,
    SkippedDocument,
    to_json_dict,
)
from copytrail.scan.tally import ReadTally, nothing_read
from copytrail.scan.verify import PairVerifier, init_worker, verify_chunk

__all__ = ["STAGES", "ScanResult", "scan"]

DOCUMENTS = "documents.jsonl"
SKIPPED = "documents-skipped.jsonl"
CANDIDATES = "candidates.jsonl"
COMMON = "common-text.npz"
PAIRS = "pairs.jsonl"
FAMILIES = "families.jsonl"
STATS = "stats.json"
REPORT = "report.html"
STAGES = ("read", "candidates", "common", "verify", "families", "report")


@dataclass(frozen=True)
class ScanResult:
    """What a scan found; the same data as its artifacts in ``out_dir``."""

    out_dir: Path
    documents: int
    skipped: tuple[SkippedDocument, ...]
    candidates: int
    pairs: tuple[ReusePair, ...]
    families: tuple[ReuseFamily, ...]
    stats: dict[str, Any] = field(default_factory=dict)

    def relation_counts(self) -> dict[str, int]:
        """Kept pairs per relation."""
        return dict(sorted(Counter(p.relation.value for p in self.pairs).items()))


class _Run:
    """One scan's state: artifacts are loaded from the store only when a later stage needs them."""

    def __init__(self, paths: list[Path], config: ScanConfig, store: ArtifactStore) -> None:
        self.paths, self.config, self.store = paths, config, store
        self.parquet = config.parquet if config.parquet is not None else importlib.util.find_spec("pyarrow") is not None
        self.document_count: int | None = None
        self._candidates: list[CandidatePair] | None = None
        self._pairs: list[ReusePair] | None = None
        self._common: CommonText | None = None
        self.families: list[ReuseFamily] | None = None

    def documents(self) -> Iterator[ScanDocument]:
        """The read documents, streamed from their artifact (a million do not fit in memory)."""
        return self.store.read_jsonl(DOCUMENTS, ScanDocument)

    def documents_by_id(self, ids: set[str]) -> dict[str, ScanDocument]:
        """The documents among ``ids``, in one pass over the artifact."""
        return {d.id: d for d in self.documents() if d.id in ids}

    def candidates(self) -> list[CandidatePair]:
        if self._candidates is None:
            self._candidates = list(self.store.read_jsonl(CANDIDATES, CandidatePair))
        return self._candidates

    def common_text(self) -> CommonText:
        if self._common is None:
            self._common = CommonText.load(self.store.path(COMMON))
        return self._common

    def pairs(self) -> list[ReusePair]:
        if self._pairs is None:
            self._pairs = list(self.store.read_jsonl(PAIRS, ReusePair))
        return self._pairs

    # --- stages: each writes its artifacts and returns its counters -------------------

    def read(self) -> dict[str, Any]:
        documents = characters = skipped = 0
        ignored: Counter[str] = Counter()
        tally = ReadTally()
        with (
            self.store.atomic(DOCUMENTS) as docs_fh,
            self.store.atomic(SKIPPED) as skip_fh,
            progress_bar("read", None, enabled=self.config.progress) as advance,
        ):
            for item in iter_documents(self.paths, self.config.reader, ignored=ignored, tally=tally):
                record = to_json_dict(item)
                if isinstance(item, ScanDocument):
                    documents += 1
                    characters += len(item.text)
                    docs_fh.write(_json_line(record))
                else:
                    skipped += 1
                    skip_fh.write(_json_line(record))
                advance(1)
        self.document_count = documents
        if documents == 0:
            # Nothing to scan is bad input (exit 2), not an empty success; the skip list stays in --out.
            raise nothing_read(tally, self.config.reader.suffixes)
        counters: dict[str, Any] = {"documents": documents, "skipped": skipped, "characters": characters}
        counters.update(tally.counters())  # documents_in, skipped_by_reason (and unaccounted, ignored_files)
        if ignored:
            # Web archive records that are no article (requests, images, redirects), by kind.
            counters["ignored_records"] = dict(sorted(ignored.items()))
        return counters

    def find_candidates(self) -> dict[str, Any]:
        with progress_bar("fingerprint", self.document_count, enabled=self.config.progress) as advance:
            self._candidates, counters = find_candidates(
                self.documents(),
                self.config.fingerprint,
                workers=self.config.workers,
                spill_dir=self.store.path(".spill"),
                advance=advance,
            )
        self.store.write_jsonl(CANDIDATES, self._candidates)
        return counters

    def learn_common_text(self) -> dict[str, Any]:
        """Count every document's sentences: what many documents carry is chrome or stock text."""
        counter = CommonTextCounter()
        chunks = chunked_stream(self.documents(), size=256)
        with progress_bar("common text", self.document_count, enabled=self.config.progress) as advance:
            for results in map_chunks(
                common_kernel.keys_chunk,
                chunks,
                workers=self.config.workers,
                initializer=common_kernel.init_worker,
                initargs=(),
            ):
                for keys, words, source in results:
                    counter.add_keys(keys, words, source)
                advance(len(results))
        self._common = counter.build(self.config.common_text)
        with self.store.atomic(COMMON, "wb") as fh:
            self._common.save(fh)
        return {
            "documents": len(counter),
            "collection_sentences": len(self._common.collection_keys),
            "site_sentences": len(self._common.source_keys),
        }

    def verify(self) -> dict[str, Any]:
        candidates = self.candidates()
        needed = {c.id_a for c in candidates} | {c.id_b for c in candidates}
        docs = self.documents_by_id(needed)
        chunks = chunked(candidates, workers=self.config.workers)
        # One chunk is not worth starting a pool for.
        workers = self.config.workers if len(chunks) > 1 else 1
        common = self.common_text()
        local = PairVerifier(docs, self.config.verify, common) if workers == 1 else None
        relations: Counter[str] = Counter()
        pairs: list[ReusePair] = []
        engine_seconds = 0.0
        with progress_bar("verify", len(candidates), enabled=self.config.progress) as advance:
            results = map_chunks(
                verify_chunk,
                chunks,
                workers=workers,
                initializer=init_worker,
                initargs=(docs, self.config.verify, common),
                local=local,
            )
            for verdicts in results:
                for v in verdicts:
                    relations[v.relation.value] += 1
                    engine_seconds += v.seconds
                    if v.pair is not None:
                        pairs.append(v.pair)
                advance(len(verdicts))
        pairs.sort(key=lambda p: (p.id_a, p.id_b))
        self._pairs = pairs
        self.store.write_jsonl(PAIRS, pairs)
        if self.parquet:
            self.store.write_parquet("pairs.parquet", [to_json_dict(p) for p in pairs], "pairs")
        return {
            "candidates": len(candidates),
            "pairs": len(pairs),
            "rejected": len(candidates) - len(pairs),
            "relations": dict(sorted(relations.items())),
            "workers": self.config.workers,
            "embedder": self.config.verify.embedder,
            "compare_seconds": round(engine_seconds, 3),
        }

    def build_families(self) -> dict[str, Any]:
        pairs = self.pairs()
        members = {p.id_a for p in pairs} | {p.id_b for p in pairs}
        facts = {d.id: DocumentFacts(d.date, len(d.text)) for d in self.documents() if d.id in members}
        self.families = build_families(pairs, facts)
        self.store.write_jsonl(FAMILIES, self.families)
        if self.parquet:
            self.store.write_parquet("families.parquet", [to_json_dict(f) for f in self.families], "families")
        sizes = [f.size for f in self.families]
        return {
            "families": len(sizes),
            "documents_in_families": sum(sizes),
            "largest_family": max(sizes, default=0),
        }

    def write_report(self, stages: dict[str, Any]) -> dict[str, Any]:
        from copytrail.scan.report import write_collection_report

        families = self.families if self.families is not None else list(self.store.read_jsonl(FAMILIES, ReuseFamily))
        pairs = self.pairs()
        documents = self.documents_by_id({m for f in families for m in f.members})
        pages = min(self.config.compare_pages, len(pairs))
        with progress_bar("report", pages, enabled=self.config.progress) as advance:
            write_collection_report(
                self.store.root,
                documents,
                pairs,
                families,
                stats={"stages": stages},
                compare_pages=self.config.compare_pages,
                embedder=self.config.verify.embedder,
                advance=advance,
            )
        return {"families": len(families), "compare_pages": pages}

    def stage_plan(self, stages: dict[str, Any]) -> list[tuple[str, list[str], Callable[[], dict[str, Any]], str]]:
        """``(name, artifacts, run, key)`` per stage; each key chains the previous one.

        ``stages`` is the run's counters so far, filled in as stages finish (the report shows them).
        """
        pq = self.parquet
        reader_key = config_hash(SCHEMA_VERSION, input_signature(self.paths, self.config.reader), self.config.reader)
        cand_key = config_hash(reader_key, self.config.fingerprint)
        common_key = config_hash(reader_key, self.config.common_text, "common-v1")
        verify_key = config_hash(cand_key, common_key, self.config.verify, pq)
        family_key = config_hash(verify_key, "families-v1")
        report_key = config_hash(family_key, "report-v1", self.config.compare_pages)
        return [
            ("read", [DOCUMENTS, SKIPPED], self.read, reader_key),
            ("candidates", [CANDIDATES], self.find_candidates, cand_key),
            ("common", [COMMON], self.learn_common_text, common_key),
            ("verify", [PAIRS, *(["pairs.parquet"] if pq else [])], self.verify, verify_key),
            ("families", [FAMILIES, *(["families.parquet"] if pq else [])], self.build_families, family_key),
            ("report", [REPORT], lambda: self.write_report(stages), report_key),
        ]


def _json_line(record: dict[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False) + "\n"


def scan(
    inputs: Iterable[str | os.PathLike[str]], out_dir: str | os.PathLike[str], *, config: ScanConfig | None = None
) -> ScanResult:
    """Find every pair of documents in a collection where one reuses the other.

    Args:
        inputs: folders of .txt/.html files, JSONL, CSV/TSV or Parquet files.
        out_dir: where artifacts go; an earlier run's finished stages there are reused.
        config: reader fields, fingerprint and verify settings, workers (defaults when None).

    Returns:
        Counts, skipped documents, reuse pairs and families (also written to ``out_dir``).

    Raises:
        InputNotFound: an input path does not exist.
        UnusableInput: an input's format is unknown or it lacks the text column.
        MissingExtra: datasketch (or pyarrow, for Parquet inputs) is not installed.
        EmbedderError: the chosen embedder cannot be loaded.

    Note:
        With ``workers > 1`` the verify stage starts worker processes (forkserver or
        spawn), which import the caller's ``__main__``: call ``scan`` from under
        ``if __name__ == "__main__":`` in scripts.
    """
    config = config or ScanConfig()
    started = time.perf_counter()
    paths = check_inputs(inputs, config.reader)
    # Fail before the read stage, not after it: the candidates stage needs datasketch, verify the embedders.
    require("datasketch")
    for embedder in (config.verify.embedder, config.verify.second_look, config.fingerprint.translation_embedder):
        check_embedder(embedder)
    store = ArtifactStore(out_dir)
    run = _Run(paths, config, store)
    stages: dict[str, Any] = {}
    rerun = config.force
    for name, artifacts, action, key in run.stage_plan(stages):
        if name == "report" and not config.report:
            continue
        marker = None if rerun else store.finished(name, key, artifacts)
        if marker is not None:
            stages[name] = {**marker["counters"], "seconds": marker["seconds"], "resumed": True}
            if name == "read":
                run.document_count = marker["counters"]["documents"]
            continue
        # Everything downstream of a recomputed stage is recomputed too.
        rerun = True
        store.forget(name)
        t0 = time.perf_counter()
        counters = action()
        seconds = time.perf_counter() - t0
        store.mark(name, key, counters, seconds)
        stages[name] = {**counters, "seconds": round(seconds, 3), "resumed": False}
    stats = {
        "schema_version": SCHEMA_VERSION,
        "config": config_hash(config.reader, config.fingerprint, config.verify),
        "stages": stages,
        "seconds_total": round(time.perf_counter() - started, 3),
    }
    store.write_json(STATS, stats)
    families = run.families if run.families is not None else list(store.read_jsonl(FAMILIES, ReuseFamily))
    return ScanResult(
        out_dir=Path(out_dir),
        documents=stages["read"]["documents"],
        skipped=tuple(store.read_jsonl(SKIPPED, SkippedDocument)),
        candidates=stages["candidates"]["candidates"],
        pairs=tuple(run.pairs()),
        families=tuple(families),
        stats=stats,
    )
