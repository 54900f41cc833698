"""The ``read`` stage: inputs to ``documents.jsonl`` and ``documents-skipped.jsonl``.

Where the reading runs is the executor's choice (:meth:`~copytrail.pipeline.executor.Executor.read_documents`):
the local executor streams every input through the driver; the Spark executor has Spark
read JSONL and Parquet inputs (local paths, folders, globs, or URIs such as ``s3a://``)
in parallel, with the same per-record rules and the same first-record-per-id rule. The
documents file is line-delimited, so a Spark cluster splits it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from copytrail.pipeline.stage import Stage, StageContext
from copytrail.scan.config import ReaderConfig
from copytrail.scan.progress import progress_bar
from copytrail.scan.records import SCHEMA_VERSION
from copytrail.scan.stages.names import DOCUMENTS, SKIPPED
from copytrail.scan.tally import nothing_read


@dataclass(frozen=True)
class ReadStage(Stage):
    """Read every input into documents, and a skip record for each document that cannot be read.

    ``signature`` identifies the inputs' contents for resuming (every file read, its size
    and modification time): the executor works it out
    (:meth:`~copytrail.pipeline.executor.Executor.input_signature`), as only Spark can list a URI.
    """

    locations: tuple[str, ...]  # the inputs as given (``inputs`` names the artifacts a stage reads)
    reader: ReaderConfig
    signature: tuple[Any, ...] = ()

    name = "read"
    outputs = (DOCUMENTS, SKIPPED)

    def settings(self) -> tuple[Any, ...]:
        return (SCHEMA_VERSION, list(self.signature), self.reader)

    def run(self, ctx: StageContext) -> dict[str, Any]:
        with progress_bar("read", None, enabled=ctx.progress) as advance:
            summary = ctx.executor.read_documents(
                self.locations, self.reader, ctx.store.path(DOCUMENTS), ctx.store.path(SKIPPED), advance=advance
            )
        if summary.documents == 0:
            # Nothing to scan is bad input (exit 2), not an empty success; the skip list stays in --out.
            raise nothing_read(summary.tally, self.reader.suffixes)
        return summary.counters()
