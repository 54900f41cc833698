"""The Spark executor: the same kernels as the local one, run as ``mapInArrow`` functions on a cluster.

- :meth:`read_documents` has Spark read JSONL and Parquet inputs (paths, folders, globs,
  URIs) with the local reader's rules (:mod:`copytrail.executors.spark_read`); other
  formats are read on the driver.
- :meth:`map_documents` reads ``documents.jsonl`` (line-delimited, so Spark splits it),
  runs the kernel in Python workers with ``mapInArrow`` and writes a Parquet dataset.
- :meth:`shared_key_pairs` is a DataFrame shuffle: keys exploded, grouped by key into
  sorted id lists, each group turned into pairs by :func:`group_pairs` (the rule the local
  executor applies with numpy), then counted and weighted per pair by a second shuffle.
- :meth:`map_pairs` joins each pair with both its documents and runs the kernel.
- :meth:`common_text` counts sentence keys with shuffles (:mod:`copytrail.executors.spark_common`).

Kernels are set up once per Python worker (Spark reuses workers), not once per task:
loading an embedder costs seconds. The output folder must be visible to the driver and
the executors alike (a local path in local mode; a shared file system on a cluster).
"""

from __future__ import annotations

import os
import shutil
import sys
import uuid
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa

from copytrail.errors import EngineError, require
from copytrail.executors.spark_common import spark_common_text
from copytrail.executors.spark_read import plan_inputs, read_with_spark, spark_signature
from copytrail.normalize.common import CommonText, CommonTextConfig
from copytrail.pipeline.executor import PAIR_SCHEMA, DocumentKernel, Executor, KeyRule, PairKernel
from copytrail.scan.config import ReaderConfig
from copytrail.scan.driver_read import read_on_driver
from copytrail.scan.readers import check_inputs, input_signature
from copytrail.scan.records import ScanDocument
from copytrail.scan.tally import ReadSummary

__all__ = ["SparkExecutor", "group_pairs"]

_DOCUMENT_DDL = "id string, text string, date string, source string, url string, language string"
_DOCUMENT_FIELDS = ("id", "text", "date", "source", "url", "language")
# Rows per Arrow batch handed to a kernel: the local executor's chunk size.
_BATCH_ROWS = 256


def group_pairs(ids: Sequence[str], rule: KeyRule) -> list[tuple[str, str, float]]:
    """The pairs one key makes among its carriers (``ids`` sorted), each weighted ``2 / len(ids)``.

    The rule of :class:`~copytrail.pipeline.executor.KeyRule`, for one group.
    """
    size = len(ids)
    weight = 2.0 / size
    if size < 2:
        return []
    if rule.star:
        return [(ids[0], other, weight) for other in ids[1:]]
    if rule.max_docs is None or size <= rule.max_docs:
        return [(ids[i], ids[j], weight) for i in range(size) for j in range(i + 1, size)]
    if rule.oversize == "chain":
        return [(ids[i], ids[i + 1], weight) for i in range(size - 1)]
    return []


# --- worker side: kernels set up once per Python worker ---------------------------------

_READY: dict[str, Any] = {}


def _ready(token: str, kernel: Any) -> Any:
    if token not in _READY:
        kernel.setup()
        _READY.clear()  # one scan's kernels at a time
        _READY[token] = kernel
    return _READY[token]


def _document_mapper(
    token: str, kernel: DocumentKernel
) -> Callable[[Iterator[pa.RecordBatch]], Iterator[pa.RecordBatch]]:
    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        ready = _ready(token, kernel)
        for batch in batches:
            docs = [ScanDocument(**row) for row in batch.to_pylist()]
            for start in range(0, len(docs), _BATCH_ROWS):
                yield ready(docs[start : start + _BATCH_ROWS])

    return run


def _pair_mapper(token: str, kernel: PairKernel) -> Callable[[Iterator[pa.RecordBatch]], Iterator[pa.RecordBatch]]:
    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        ready = _ready(token, kernel)
        for batch in batches:
            triples = []
            for row in batch.to_pylist():
                a = ScanDocument(**{f: row.pop(f"a_{f}") for f in _DOCUMENT_FIELDS})
                b = ScanDocument(**{f: row.pop(f"b_{f}") for f in _DOCUMENT_FIELDS})
                triples.append((a, b, row))
            for start in range(0, len(triples), _BATCH_ROWS):
                yield ready(triples[start : start + _BATCH_ROWS])

    return run


def _group_mapper(rule: KeyRule) -> Callable[[Iterator[pa.RecordBatch]], Iterator[pa.RecordBatch]]:
    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            found = [p for ids in batch.column("ids").to_pylist() for p in group_pairs(ids, rule)]
            yield pa.RecordBatch.from_pydict(
                {"id_a": [p[0] for p in found], "id_b": [p[1] for p in found], "w": [p[2] for p in found]},
                schema=pa.schema([("id_a", pa.string()), ("id_b", pa.string()), ("w", pa.float64())]),
            )

    return run


class SparkExecutor(Executor):
    """Runs a scan's data-parallel work on Spark.

    Args:
        master: the Spark master URL (``local[*]``, ``spark://host:7077``, ``yarn``, ...);
            None takes the one spark-submit was given, else ``local[*]``. Ignored when
            ``session`` is given.
        session: an existing SparkSession to use (it is not stopped by :meth:`close`).
        conf: extra Spark settings for a new session.
        progress: Spark's per-stage progress bars on stderr (default: when stderr is a terminal).

    Raises:
        MissingExtra: pyspark is not installed.
        EngineError: Spark cannot start (no Java runtime, an unreachable master).
    """

    name = "spark"

    def __init__(
        self,
        master: str | None = None,
        *,
        session: Any = None,
        conf: dict[str, str] | None = None,
        progress: bool | None = None,
    ) -> None:
        require("pyspark", extra="spark", purpose="copytrail scan --engine spark")
        from pyspark.sql import SparkSession

        self._owned = session is None
        if session is None:
            # Under spark-submit, the driver JVM started this Python and holds the --master.
            submitted = "PYSPARK_GATEWAY_PORT" in os.environ
            master = master or (None if submitted else "local[*]")
            if master is not None and master.startswith("local"):
                # Spark's Python workers must be this interpreter (it has copytrail and its
                # dependencies); on a cluster, the environment's own setting decides.
                os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
            builder = SparkSession.builder if master is None else SparkSession.builder.master(master)
            builder = (
                builder.appName("copytrail scan")
                .config("spark.sql.execution.arrow.maxRecordsPerBatch", str(_BATCH_ROWS * 8))
                .config("spark.sql.adaptive.enabled", "true")
                .config(
                    "spark.ui.showConsoleProgress", str(sys.stderr.isatty() if progress is None else progress).lower()
                )
            )
            for key, value in (conf or {}).items():
                builder = builder.config(key, value)
            try:
                session = builder.getOrCreate()
            except Exception as exc:  # py4j and pyspark raise several types when the JVM cannot start
                raise EngineError(
                    f"Spark could not start ({type(exc).__name__}: {str(exc).strip().splitlines()[0][:200]}). "
                    "It needs a Java runtime 17 or newer on PATH or in JAVA_HOME "
                    "(Debian: apt install default-jre-headless) and a reachable master "
                    f"({master!r}); or scan with --engine local."
                ) from None
        if self._owned:
            session.sparkContext.setLogLevel("ERROR")  # Spark's INFO and WARN lines would bury the scan's output
        self.spark = session
        self.workers = int(session.sparkContext.defaultParallelism)

    def close(self) -> None:
        if self._owned:
            self.spark.stop()

    def input_signature(self, inputs: Sequence[str], config: ReaderConfig) -> list[Any]:
        plan = plan_inputs(self.spark, inputs, config)
        if plan is None:
            return input_signature(check_inputs(inputs, config), config)
        return spark_signature(plan)

    def read_documents(
        self,
        inputs: Sequence[str],
        config: ReaderConfig,
        documents: Path,
        skipped: Path,
        *,
        advance: Callable[[int], None] | None = None,
    ) -> ReadSummary:
        plan = plan_inputs(self.spark, inputs, config)
        if plan is None:  # formats only the driver reads (folders of .txt/.html, CSV, WARC), from local paths
            return read_on_driver(inputs, config, documents, skipped, advance=advance)
        return read_with_spark(self.spark, plan, config, documents, skipped, advance=advance)

    def common_text(self, dataset: Path, config: CommonTextConfig) -> CommonText:
        staging = dataset.parent / f".common-{uuid.uuid4().hex[:12]}"
        try:
            return spark_common_text(self.spark, dataset, config, staging)
        finally:
            shutil.rmtree(staging, ignore_errors=True)

    def _documents(self, documents: Path) -> Any:
        return self.spark.read.schema(_DOCUMENT_DDL).json(str(documents))

    def _spark_schema(self, schema: pa.Schema) -> Any:
        from pyspark.sql.pandas.types import from_arrow_schema

        return from_arrow_schema(schema)

    def map_documents(
        self,
        documents: Path,
        kernel: DocumentKernel,
        target: Path,
        *,
        key: str = "",
        advance: Callable[[int], None] | None = None,
    ) -> dict[str, int]:
        from pyspark.sql import Observation
        from pyspark.sql import functions as F  # noqa: N812

        # The documents are counted as the write reads them (an observed metric), not by
        # reading the output back: a kernel may write any number of rows per document.
        seen = Observation(f"documents-{uuid.uuid4().hex}")
        docs = self._documents(documents).observe(seen, F.count(F.lit(1)).alias("documents"))
        mapped = docs.mapInArrow(_document_mapper(uuid.uuid4().hex, kernel), self._spark_schema(kernel.schema))
        mapped.write.mode("overwrite").parquet(str(target))
        count = int(seen.get["documents"])
        if advance is not None:
            advance(count)
        return {"documents": count}

    def shared_key_pairs(
        self,
        dataset: Path,
        column: str,
        rule: KeyRule,
        *,
        exclude: frozenset[str] = frozenset(),
        also: pa.Table | None = None,
    ) -> pa.Table:
        from pyspark.sql import functions as F  # noqa: N812 - Spark's own convention

        rows = self.spark.read.parquet(str(dataset)).select("id", column)
        if exclude:
            excluded = self.spark.createDataFrame([(i,) for i in sorted(exclude)], "id string")
            rows = rows.join(F.broadcast(excluded), "id", "left_anti")
        is_list = rows.schema[column].dataType.typeName() == "array"
        keys = rows.select("id", (F.explode(column) if is_list else F.col(column)).alias("key"))
        keys = keys.where(F.col("key") != 0)
        if rule.oversize == "drop" and not rule.star and rule.max_docs is not None:
            # Keys too common to pair anything are dropped before their id lists are built.
            df = keys.groupBy("key").count().where(F.col("count").between(2, rule.max_docs))
            keys = keys.join(df.select("key"), "key", "left_semi")
        groups = keys.groupBy("key").agg(F.sort_array(F.collect_list("id")).alias("ids"))
        groups = groups.where(F.size("ids") >= 2).select("ids")
        pairs = groups.mapInArrow(_group_mapper(rule), "id_a string, id_b string, w double")
        counted = pairs.groupBy("id_a", "id_b").agg(F.count(F.lit(1)).alias("shared"), F.sum("w").alias("evidence"))
        keep = (F.col("shared") >= rule.min_shared) & (F.col("evidence") >= rule.min_evidence - 1e-9)
        if also is not None and len(also):
            listed = self.spark.createDataFrame(also.select(["id_a", "id_b"]).to_pylist(), "id_a string, id_b string")
            listed = listed.withColumn("listed", F.lit(True))
            counted = counted.join(F.broadcast(listed), ["id_a", "id_b"], "left")
            keep = keep | F.col("listed").isNotNull()
        result = counted.where(keep).select("id_a", "id_b", "shared", "evidence").toArrow()
        result = result.cast(PAIR_SCHEMA)
        return result.sort_by([("id_a", "ascending"), ("id_b", "ascending")])

    def map_pairs(
        self,
        pairs: pa.Table,
        documents: Path,
        kernel: PairKernel,
        *,
        advance: Callable[[int], None] | None = None,
    ) -> Iterator[pa.RecordBatch]:
        if not len(pairs):
            return
        from pyspark.sql import functions as F  # noqa: N812

        table = self.spark.createDataFrame(pairs)
        docs = self._documents(documents)
        side_a = docs.select([F.col(f).alias(f"a_{f}") for f in _DOCUMENT_FIELDS])
        side_b = docs.select([F.col(f).alias(f"b_{f}") for f in _DOCUMENT_FIELDS])
        joined = table.join(side_a, table.id_a == side_a.a_id).join(side_b, table.id_b == side_b.b_id)
        # Comparisons are the costly part: spread them over every core, whatever the join left.
        joined = joined.repartition(max(1, self.workers * 4))
        mapped = joined.mapInArrow(_pair_mapper(uuid.uuid4().hex, kernel), self._spark_schema(kernel.schema))
        for batch in mapped.toArrow().to_batches():
            if advance is not None:
                advance(batch.num_rows)
            yield batch
