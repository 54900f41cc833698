"""The local executor resumes a document dataset shard by shard, and never mixes shards of other settings."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pytest

from copytrail.executors.local import CHUNK_DOCUMENTS, SHARD_DOCUMENTS, LocalExecutor
from copytrail.pipeline.datasets import dataset_rows
from copytrail.scan.records import ScanDocument

SCHEMA = pa.schema([("id", pa.string()), ("length", pa.int64())])


@dataclass
class Lengths:
    """A trivial kernel that remembers what it saw and can fail on a given document."""

    fail_on: str | None = None
    seen: list[str] = field(default_factory=list)
    schema = SCHEMA

    def setup(self) -> None:
        pass

    def __call__(self, documents: Sequence[ScanDocument]) -> pa.RecordBatch:
        for doc in documents:
            if doc.id == self.fail_on:
                raise KeyboardInterrupt  # as if the run were stopped here
            self.seen.append(doc.id)
        return pa.RecordBatch.from_pydict(
            {"id": [d.id for d in documents], "length": [len(d.text) for d in documents]}, schema=SCHEMA
        )


def _documents(tmp_path: Path, count: int) -> Path:
    path = tmp_path / "documents.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        for k in range(count):
            fh.write(json.dumps({"id": f"doc{k:05}", "text": "x" * (k % 7 + 1)}) + "\n")
    return path


def test_a_stopped_stage_keeps_its_finished_shards_and_computes_only_the_rest(tmp_path: Path) -> None:
    count = 2 * SHARD_DOCUMENTS + 10  # three shards, the last one short
    documents = _documents(tmp_path, count)
    target = tmp_path / "lengths"
    first = Lengths(fail_on=f"doc{SHARD_DOCUMENTS + 5:05}")  # inside the second shard
    with pytest.raises(KeyboardInterrupt):
        LocalExecutor(1).map_documents(documents, first, target, key="k1")
    assert sorted(p.name for p in target.glob("part-*.parquet")) == ["part-000000.parquet"]
    assert not list(target.glob(".*tmp*"))

    second = Lengths()
    counters = LocalExecutor(1).map_documents(documents, second, target, key="k1")
    assert counters == {"documents": count, "shards": 3, "shards_resumed": 1}
    assert second.seen[0] == f"doc{SHARD_DOCUMENTS:05}" and len(second.seen) == count - SHARD_DOCUMENTS
    rows = dataset_rows(target).to_pylist()
    assert sorted(r["id"] for r in rows) == [f"doc{k:05}" for k in range(count)]
    assert all(r["length"] == int(r["id"][3:]) % 7 + 1 for r in rows)


def test_shards_of_other_settings_are_not_reused(tmp_path: Path) -> None:
    documents = _documents(tmp_path, CHUNK_DOCUMENTS + 3)
    target = tmp_path / "lengths"
    LocalExecutor(1).map_documents(documents, Lengths(), target, key="old settings")
    again = Lengths()
    counters = LocalExecutor(1).map_documents(documents, again, target, key="new settings")
    assert counters["shards_resumed"] == 0 and len(again.seen) == CHUNK_DOCUMENTS + 3


def test_workers_write_the_same_dataset(tmp_path: Path) -> None:
    documents = _documents(tmp_path, SHARD_DOCUMENTS + 300)
    one = LocalExecutor(1).map_documents(documents, Lengths(), tmp_path / "one", key="k")
    two = LocalExecutor(2).map_documents(documents, Lengths(), tmp_path / "two", key="k")
    assert one == two
    assert dataset_rows(tmp_path / "one").to_pylist() == dataset_rows(tmp_path / "two").to_pylist()
