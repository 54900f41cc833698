"""Account for every document a scan takes in: documents in = documents read + documents skipped.

The readers count what they take in where they take it (a file listed, a line or CSV
record read, a Parquet row group's rows, a WARC record), independently of what they then
yield; :class:`ReadTally` adds up what was yielded, by input and by skip reason, and
:meth:`ReadTally.check` says whether the two agree. A run that reads no document ends
with :class:`~copytrail.errors.NothingRead`, which names every input and why it gave
nothing (:func:`nothing_read`).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from copytrail.errors import NothingRead

__all__ = ["ReadSummary", "ReadTally", "nothing_read", "reason_kind"]

_SHOWN = 5
_NUMBER = re.compile(r"\d[\d,.]*")
_QUOTED_ID = re.compile(r"\bid '.*'")


def reason_kind(reason: str) -> str:
    """A skip reason without its particulars, to count skips by kind.

    ``"malformed JSON (expecting value at column 3)"`` and ``"… at column 9"`` are one kind,
    as are ``"duplicate id 'a'"`` and ``"duplicate id 'b'"``; numbers become ``N``.
    """
    head = re.split(r" \(|: |; ", reason, maxsplit=1)[0]
    head = _QUOTED_ID.sub("id", head)
    return _NUMBER.sub("N", head).strip() or reason


@dataclass
class ReadTally:
    """What the read stage took in and what became of it.

    Attributes:
        taken_in: units the readers took in (files, lines, records, rows), counted at the source.
        documents: documents read.
        skipped: skipped documents by :func:`reason_kind`.
        per_input: ``[documents, skipped]`` per input path, in input order.
        ignored_files: files in input folders that no reader reads, by ending (``".xml"``).
        examples: the first few skips (file, line, reason), for messages.
    """

    taken_in: int = 0
    documents: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    per_input: dict[str, list[int]] = field(default_factory=dict)
    ignored_files: dict[str, Counter[str]] = field(default_factory=dict)
    examples: list[tuple[str, int | None, str]] = field(default_factory=list)

    def start_input(self, path: str) -> None:
        self.per_input.setdefault(path, [0, 0])

    def add_document(self, path: str) -> None:
        self.documents += 1
        self.per_input.setdefault(path, [0, 0])[0] += 1

    def add_skip(self, path: str, file: str, line: int | None, reason: str) -> None:
        self.skipped[reason_kind(reason)] += 1
        self.per_input.setdefault(path, [0, 0])[1] += 1
        if len(self.examples) < _SHOWN:
            self.examples.append((file, line, reason))

    def ignore_file(self, folder: str, suffix: str) -> None:
        self.ignored_files.setdefault(folder, Counter())[suffix or "(no ending)"] += 1

    @property
    def skipped_total(self) -> int:
        return sum(self.skipped.values())

    def check(self) -> int:
        """Units taken in that became neither a document nor a skip (0 unless a reader has a bug)."""
        return self.taken_in - self.documents - self.skipped_total

    def counters(self) -> dict[str, Any]:
        """The read stage's extra counters for ``stats.json``."""
        out: dict[str, Any] = {
            "documents_in": self.taken_in,
            "skipped_by_reason": dict(sorted(self.skipped.items(), key=lambda kv: (-kv[1], kv[0]))),
        }
        if self.check():
            out["unaccounted"] = self.check()
        ignored = Counter[str]()
        for suffixes in self.ignored_files.values():
            ignored.update(suffixes)
        if ignored:
            out["ignored_files"] = dict(sorted(ignored.items()))
        empty = [path for path, (documents, skipped) in self.per_input.items() if not documents and not skipped]
        if empty:
            out["empty_inputs"] = empty
        return out


@dataclass
class ReadSummary:
    """What reading the inputs gave, whichever executor read them.

    Attributes:
        documents, skipped: records written to the documents and the skip list.
        characters: the documents' characters.
        tally: what was taken in and what became of it.
        ignored: web archive records that are no article (requests, images, redirects), by kind.
    """

    documents: int = 0
    skipped: int = 0
    characters: int = 0
    tally: ReadTally = field(default_factory=ReadTally)
    ignored: Counter[str] = field(default_factory=Counter)

    def counters(self) -> dict[str, Any]:
        """The read stage's counters for ``stats.json``."""
        out: dict[str, Any] = {"documents": self.documents, "skipped": self.skipped, "characters": self.characters}
        out.update(self.tally.counters())  # documents_in, skipped_by_reason (and unaccounted, ignored_files)
        if self.ignored:
            out["ignored_records"] = dict(sorted(self.ignored.items()))
        return out


def _ignored_text(suffixes: Counter[str]) -> str:
    return ", ".join(f"{n} {s}" for s, n in sorted(suffixes.items(), key=lambda kv: (-kv[1], kv[0])))


def nothing_read(tally: ReadTally, suffixes: tuple[str, ...]) -> NothingRead:
    """The error for a read stage that read no document: every input, and why it gave none."""
    wanted = ", ".join(suffixes)
    parts: list[str] = []
    for path, (_, skipped) in tally.per_input.items():
        if skipped:
            continue
        ignored = tally.ignored_files.get(path)
        if ignored:
            parts.append(f"{path} has no {wanted} file (ignored: {_ignored_text(ignored)})")
        elif Path(path).is_dir():
            parts.append(f"{path} has no {wanted} file")
        else:
            parts.append(f"{path} holds no document")
    if tally.skipped_total:
        kinds = "; ".join(f"{kind} ({n})" for kind, n in tally.skipped.most_common(_SHOWN))
        shown = "; ".join(f"{f}{'' if line is None else f':{line}'}: {r}" for f, line, r in tally.examples[:3])
        parts.append(f"{tally.skipped_total} skipped: {kinds}; first: {shown}")
    what = "; ".join(parts) or "the inputs hold no document"
    fix = (
        "check the inputs (folders are read for "
        f"{wanted} files; JSONL, CSV and Parquet fields are named with --id-field and --text-field)"
    )
    return NothingRead(", ".join(tally.per_input) or "-", f"no document was read: {what}; {fix}")
