"""Run a scan: the stages of :mod:`copytrail.scan.stages` on an executor, each resumable from its artifacts.

``stats.json`` gathers every stage's counters and seconds, and says which stages were
resumed. Once one stage runs, every later stage runs too.
"""

from __future__ import annotations

import importlib.util
import os
import time
from collections import Counter
from collections.abc import Iterable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from copytrail.embed import check_embedder
from copytrail.pipeline.executor import Executor
from copytrail.pipeline.stage import StageContext, run_stages
from copytrail.scan.artifacts import ArtifactStore
from copytrail.scan.config import ScanConfig, config_hash
from copytrail.scan.errors import require
from copytrail.scan.readers import check_inputs, spark_only
from copytrail.scan.records import SCHEMA_VERSION, ReuseFamily, ReusePair, SkippedDocument
from copytrail.scan.stages import STAGES, scan_stages
from copytrail.scan.stages.names import DOCUMENTS, FAMILIES, PAIRS, SKIPPED, STATS

__all__ = ["DOCUMENTS", "SKIPPED", "STAGES", "ScanResult", "scan"]


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


def scan(
    inputs: Iterable[str | os.PathLike[str]],
    out_dir: str | os.PathLike[str],
    *,
    config: ScanConfig | None = None,
    executor: Executor | None = None,
) -> ScanResult:
    """Find every pair of documents in a collection where one reuses the other.

    Args:
        inputs: folders of .txt/.html files, JSONL, CSV/TSV, Parquet or WARC files; with the
            Spark executor also URIs (``s3a://``, ``hdfs://``, ``file://``), folders and glob
            patterns of JSONL and Parquet files, which Spark reads itself.
        out_dir: where artifacts go; an earlier run's finished stages there are reused.
        config: reader fields, fingerprint and verify settings, workers and engine (defaults when None).
        executor: run on this executor instead of the one ``config.engine`` names (it is
            not closed: one Spark session can serve several scans).

    Returns:
        Counts, skipped documents, reuse pairs and families (also written to ``out_dir``).

    Raises:
        InputNotFound: an input path does not exist.
        UnusableInput: an input's format is unknown or it lacks the text column.
        MissingExtra: pyarrow is not installed (or pyspark, for ``engine="spark"``).
        EmbedderError: the chosen embedder cannot be loaded.

    Note:
        With ``workers > 1`` the verify stage starts worker processes (forkserver or
        spawn), which import the caller's ``__main__``: call ``scan`` from under
        ``if __name__ == "__main__":`` in scripts.
    """
    config = config or ScanConfig()
    started = time.perf_counter()
    inputs = [os.fspath(i) for i in inputs]
    # Local paths are checked before an executor starts (Spark takes seconds); URIs and
    # glob patterns by the executor, which alone can list them.
    local = [i for i in inputs if spark_only(i) is None]
    if local or not inputs:
        check_inputs(local, config.reader)
    # Fail before the read stage, not after it: the stages need pyarrow, verify the embedders.
    require("pyarrow")
    for embedder in (config.verify.embedder, config.verify.second_look, config.fingerprint.translation_embedder):
        check_embedder(embedder)
    store = ArtifactStore.scan_folder(out_dir)
    with store.held():
        return _run(store, inputs, config, executor, started)


def _run(
    store: ArtifactStore, inputs: list[str], config: ScanConfig, executor: Executor | None, started: float
) -> ScanResult:
    parquet = config.parquet if config.parquet is not None else importlib.util.find_spec("pyarrow") is not None
    with _executor(config, executor) as running:
        ctx = StageContext(store, running, config.progress)
        first_key = config_hash(SCHEMA_VERSION)
        signature = running.input_signature(inputs, config.reader)
        plan = scan_stages(inputs, config, parquet=parquet, signature=signature)
        stages = run_stages(plan, ctx, first_key=first_key, force=config.force)
    stats = {
        "schema_version": SCHEMA_VERSION,
        "config": config_hash(config.reader, config.fingerprint, config.verify),
        "engine": running.name,
        "stages": stages,
        "seconds_total": round(time.perf_counter() - started, 3),
    }
    store.write_json(STATS, stats)
    return ScanResult(
        out_dir=store.root,
        documents=stages["read"]["documents"],
        skipped=tuple(store.read_jsonl(SKIPPED, SkippedDocument)),
        candidates=stages["candidates"]["candidates"],
        pairs=tuple(store.read_jsonl(PAIRS, ReusePair)),
        families=tuple(store.read_jsonl(FAMILIES, ReuseFamily)),
        stats=stats,
    )


def _executor(config: ScanConfig, given: Executor | None) -> AbstractContextManager[Executor]:
    """The executor the config names (``engine``), or the caller's, which is used and not closed."""
    if given is not None:
        return nullcontext(given)
    from copytrail.executors import make_executor

    return make_executor(config.engine, workers=config.workers, master=config.spark_master, progress=config.progress)
