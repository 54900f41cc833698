"""The driver's view of a dataset: a folder of Parquet files, whichever executor wrote it."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds

__all__ = ["dataset_batches", "dataset_rows"]


def dataset_rows(path: Path, columns: list[str] | None = None, ids: Sequence[str] | None = None) -> pa.Table:
    """Rows of a dataset, optionally only those whose ``id`` is in ``ids``."""
    data = ds.dataset(path, format="parquet")
    if ids is None:
        return data.to_table(columns=columns)
    return data.to_table(columns=columns, filter=pc.field("id").isin(pa.array(list(ids), pa.string())))


def dataset_batches(path: Path, columns: list[str] | None = None) -> Iterator[pa.RecordBatch]:
    """The dataset's rows, batch by batch, never all in memory."""
    yield from ds.dataset(path, format="parquet").to_batches(columns=columns)
