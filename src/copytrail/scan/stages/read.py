"""The ``read`` stage: inputs to ``documents.jsonl`` and ``documents-skipped.jsonl``.

Reading runs on the driver whatever the executor: it is a stream (input order decides
which of two records with one id is kept) and costs a few percent of a scan; the
documents file it writes is line-delimited, so a Spark cluster splits it.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from copytrail.pipeline.stage import Stage, StageContext
from copytrail.scan.config import ReaderConfig
from copytrail.scan.progress import progress_bar
from copytrail.scan.readers import input_signature, iter_documents
from copytrail.scan.records import SCHEMA_VERSION, ScanDocument, to_json_dict
from copytrail.scan.stages.names import DOCUMENTS, SKIPPED
from copytrail.scan.tally import ReadTally, nothing_read


@dataclass(frozen=True)
class ReadStage(Stage):
    """Read every input into documents, and a skip record for each document that cannot be read."""

    paths: tuple[Path, ...]
    reader: ReaderConfig

    name = "read"
    outputs = (DOCUMENTS, SKIPPED)

    def settings(self) -> tuple[Any, ...]:
        return (SCHEMA_VERSION, input_signature(self.paths, self.reader), self.reader)

    def run(self, ctx: StageContext) -> dict[str, Any]:
        documents = characters = skipped = 0
        ignored: Counter[str] = Counter()
        tally = ReadTally()
        with (
            ctx.store.atomic(DOCUMENTS) as docs_fh,
            ctx.store.atomic(SKIPPED) as skip_fh,
            progress_bar("read", None, enabled=ctx.progress) as advance,
        ):
            for item in iter_documents(self.paths, self.reader, ignored=ignored, tally=tally):
                line = json.dumps(to_json_dict(item), ensure_ascii=False) + "\n"
                if isinstance(item, ScanDocument):
                    documents += 1
                    characters += len(item.text)
                    docs_fh.write(line)
                else:
                    skipped += 1
                    skip_fh.write(line)
                advance(1)
        if documents == 0:
            # Nothing to scan is bad input (exit 2), not an empty success; the skip list stays in --out.
            raise nothing_read(tally, self.reader.suffixes)
        counters: dict[str, Any] = {"documents": documents, "skipped": skipped, "characters": characters}
        counters.update(tally.counters())  # documents_in, skipped_by_reason (and unaccounted, ignored_files)
        if ignored:
            # Web archive records that are no article (requests, images, redirects), by kind.
            counters["ignored_records"] = dict(sorted(ignored.items()))
        return counters
