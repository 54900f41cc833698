"""Common text decided on Spark: what ``CommonTextCounter.build`` decides, as DataFrame shuffles.

The local executor counts every document's sentence keys on the driver (about 0.6 GB per
million news articles). Here nothing of that size reaches the driver:

1. each document's keys are made unique (the first occurrence's word count kept) and
   mixed with its source, in Python workers (the counter's own rules);
2. a key's documents are a ``groupBy(key).count()``; the frequent keys (in at least
   ``min_documents``) are joined back to give each document the share of its words in
   sentences that are not frequent;
3. each frequent key's carriers' shares are grouped and their median taken with numpy,
   as the counter takes it; the same for source-mixed keys and ``min_source_documents``.

Only the common keys (a site's chrome, stock sentences) and the document count come back.
The result is the counter's, array for array (``tests/scan/test_spark_parity.py`` compares
``common-text.npz`` byte for byte).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from copytrail.normalize.common import CommonText, CommonTextConfig, source_mixed_keys

__all__ = ["spark_common_text"]

_UNIQUE_SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("keys", pa.list_(pa.int64())),
        ("words", pa.list_(pa.int64())),
        ("mixed", pa.list_(pa.int64())),
    ]
)
_KEPT_SCHEMA = pa.schema([("key", pa.int64())])


def _unique_keys(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """Each document's non-zero keys once (with their first sentence's word count), and mixed with its source."""
    for batch in batches:
        out: dict[str, list[Any]] = {name: [] for name in _UNIQUE_SCHEMA.names}
        for doc_id, keys, words, source in zip(
            batch.column("id").to_pylist(),
            batch.column("keys").to_numpy(zero_copy_only=False),
            batch.column("words").to_numpy(zero_copy_only=False),
            batch.column("source").to_pylist(),
        ):
            k = np.asarray(keys, np.int64).view(np.uint64)
            w = np.asarray(words, np.int64)
            keep = k != 0
            k, first = np.unique(k[keep], return_index=True)
            out["id"].append(doc_id)
            out["keys"].append(k.view(np.int64))
            out["words"].append(w[keep][first])
            out["mixed"].append(source_mixed_keys(k, source).view(np.int64) if source else np.zeros(0, np.int64))
        yield pa.RecordBatch.from_pydict(out, schema=_UNIQUE_SCHEMA)


def _median_kept(min_share: float) -> Any:
    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            keys = [
                key
                for key, shares in zip(batch.column("key").to_pylist(), batch.column("shares").to_pylist())
                if np.median(np.asarray(shares, np.float64)) >= min_share
            ]
            yield pa.RecordBatch.from_pydict({"key": keys}, schema=_KEPT_SCHEMA)

    return run


def spark_common_text(spark: Any, dataset: Path, config: CommonTextConfig, staging: Path) -> CommonText:
    """The common text of the sentence-key dataset ``dataset`` (id, keys, words, source); see the module."""
    from pyspark.sql import functions as F  # noqa: N812 - Spark's own convention
    from pyspark.sql.pandas.types import from_arrow_schema

    rows = spark.read.parquet(str(dataset)).select("id", "keys", "words", "source")
    unique_path = staging / "unique-keys"
    rows.mapInArrow(_unique_keys, from_arrow_schema(_UNIQUE_SCHEMA)).write.mode("overwrite").parquet(str(unique_path))
    docs = spark.read.parquet(str(unique_path))
    documents = docs.count()
    if documents == 0:
        return CommonText()
    pairs = docs.select("id", F.explode(F.arrays_zip("keys", "words")).alias("p")).select(
        "id", F.col("p.keys").alias("key"), F.col("p.words").alias("words")
    )
    frequent = pairs.groupBy("key").count().where(F.col("count") >= config.min_documents).select("key")
    flagged = pairs.join(frequent.withColumn("frequent", F.lit(True)), "key", "left")
    own = F.sum(F.when(F.col("frequent").isNull(), F.col("words")).otherwise(0)).cast("double")
    total = F.sum("words").cast("double")
    shares = flagged.groupBy("id").agg(
        F.when(total > 0, own / total).otherwise(F.lit(0.0)).alias("share")
    )  # a document's words in sentences that are not frequent, as a share
    collection = _kept(pairs.join(frequent, "key", "left_semi"), shares, config, from_arrow_schema(_KEPT_SCHEMA))
    mixed = docs.select("id", F.explode("mixed").alias("key"))
    by_source = mixed.groupBy("key").count().where(F.col("count") >= config.min_source_documents).select("key")
    source = _kept(mixed.join(by_source, "key", "left_semi"), shares, config, from_arrow_schema(_KEPT_SCHEMA))
    return CommonText(collection, source, documents)


def _kept(carriers: Any, shares: Any, config: CommonTextConfig, kept_type: Any) -> np.ndarray:
    """Those keys of ``carriers`` (id, key) whose median carrier's share is at least ``min_own_share``, sorted."""
    from pyspark.sql import functions as F  # noqa: N812

    grouped = (
        carriers.select("id", "key").join(shares, "id").groupBy("key").agg(F.collect_list("share").alias("shares"))
    )
    kept = grouped.mapInArrow(_median_kept(config.min_own_share), kept_type).toArrow()
    keys = np.asarray(kept.column("key").to_numpy(), np.int64).view(np.uint64)
    return np.sort(keys)
