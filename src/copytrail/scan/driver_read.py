"""Read the inputs on the driver, as one stream: every format, local paths only.

The local executor reads this way, and so does the Spark executor for what Spark cannot
read itself (folders of .txt/.html files, CSV/TSV, WARC). Input order decides which of
two records with one id is kept.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from pathlib import Path

from copytrail.scan.artifacts import ArtifactStore
from copytrail.scan.config import ReaderConfig
from copytrail.scan.readers import iter_documents
from copytrail.scan.records import ScanDocument, to_json_dict
from copytrail.scan.tally import ReadSummary

__all__ = ["read_on_driver"]


def read_on_driver(
    inputs: Sequence[str | os.PathLike[str]],
    config: ReaderConfig,
    documents: Path,
    skipped: Path,
    *,
    advance: Callable[[int], None] | None = None,
) -> ReadSummary:
    """Write the documents of ``inputs`` to ``documents`` and their skip records to ``skipped`` (JSONL, atomically)."""
    summary = ReadSummary()
    with (
        ArtifactStore(documents.parent).atomic(documents.name) as docs_fh,
        ArtifactStore(skipped.parent).atomic(skipped.name) as skip_fh,
    ):
        items = iter_documents([Path(i) for i in inputs], config, ignored=summary.ignored, tally=summary.tally)
        for item in items:
            line = json.dumps(to_json_dict(item), ensure_ascii=False) + "\n"
            if isinstance(item, ScanDocument):
                summary.documents += 1
                summary.characters += len(item.text)
                docs_fh.write(line)
            else:
                summary.skipped += 1
                skip_fh.write(line)
            if advance is not None:
                advance(1)
    return summary
