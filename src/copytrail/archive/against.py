"""``scan --against``: a batch of new documents checked against an archive and among themselves."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from copytrail.archive.archive import Archive, check_documents
from copytrail.archive.json import query_result_to_dict
from copytrail.archive.records import QueryResult
from copytrail.scan.artifacts import ArtifactStore
from copytrail.scan.config import ReaderConfig
from copytrail.scan.readers import iter_documents
from copytrail.scan.records import ScanDocument, SkippedDocument
from copytrail.scan.tally import ReadTally, nothing_read

__all__ = ["AgainstResult", "scan_against"]

MATCHES = "matches.jsonl"
SKIPPED = "documents-skipped.jsonl"


@dataclass(frozen=True)
class AgainstResult:
    """What :func:`scan_against` found and wrote."""

    out_dir: Path
    results: tuple[QueryResult, ...]
    skipped: int
    added: bool

    def summary(self) -> str:
        matched = sum(1 for r in self.results if r.matches)
        added = ", then added to the archive" if self.added else ""
        return (
            f"Checked {len(self.results):,} documents ({self.skipped:,} skipped): {matched:,} reuse an archived or "
            f"earlier document{added} -> {self.out_dir / MATCHES}"
        )


def scan_against(
    inputs: Iterable[str | os.PathLike[str]],
    out_dir: str | os.PathLike[str],
    archive_path: str | os.PathLike[str],
    *,
    reader: ReaderConfig | None = None,
    add: bool = False,
    top: int = 10,
) -> AgainstResult:
    """Read ``inputs`` as ``scan`` does and check each document against the archive and the inputs before it.

    Writes ``matches.jsonl`` (one line per input document: its matches, strongest first)
    and ``documents-skipped.jsonl`` to ``out_dir``.

    Raises:
        ArchiveError: the archive does not exist or cannot be opened.
        NothingRead: no input document could be read.
    """
    reader = reader or ReaderConfig()
    store = ArtifactStore(out_dir)
    tally = ReadTally()
    documents: list[ScanDocument] = []
    skipped: list[SkippedDocument] = []
    for item in iter_documents(inputs, reader, tally=tally):
        (documents if isinstance(item, ScanDocument) else skipped).append(item)  # type: ignore[arg-type]
    store.write_jsonl(SKIPPED, skipped)
    if not documents:
        raise nothing_read(tally, reader.suffixes)
    with Archive.open(archive_path, create=False) as archive:
        results = check_documents(archive, documents, add=add, top=top)
    with store.atomic(MATCHES) as fh:
        for result in results:
            fh.write(json.dumps(query_result_to_dict(result), ensure_ascii=False) + "\n")
    return AgainstResult(Path(out_dir), tuple(results), len(skipped), add)
