"""Read a collection: folders of .txt/.html files, JSONL, CSV/TSV and Parquet files.

Each reader yields :class:`ScanDocument` records, and a :class:`SkippedDocument` for every
document it cannot use (binary, bad encoding, empty, malformed line, no text field)
instead of raising: one bad record must not end a scan of a million. Problems with an
input as a whole (missing path, unknown format, no text column) raise at once, before any
work, through :func:`check_inputs` or the reader.

Every text goes through :func:`copytrail.ingest.load_bytes`, so decoding, newline
handling and HTML extraction are the same as for ``copytrail compare``.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from copytrail.errors import InputError, InputNotFound
from copytrail.ingest import load_bytes
from copytrail.scan.config import ReaderConfig
from copytrail.scan.errors import UnusableInput, require
from copytrail.scan.records import ScanDocument, SkippedDocument

__all__ = ["check_inputs", "input_kind", "input_signature", "iter_documents"]

ScanItem = ScanDocument | SkippedDocument

_KINDS = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
    ".tsv": "tsv",
    ".parquet": "parquet",
    ".pq": "parquet",
}
_FORMATS_HINT = "give a folder, .jsonl, .csv, .tsv, .parquet (optionally .gz for jsonl/csv), .txt or .html"


def input_kind(path: Path, config: ReaderConfig | None = None) -> str:
    """Name the reader for ``path``: folder, jsonl, csv, tsv, parquet or file.

    Raises:
        UnusableInput: the file's ending matches no reader.
    """
    config = config or ReaderConfig()
    if path.is_dir():
        return "folder"
    name = path.name.lower()
    name = name.removesuffix(".gz")
    for suffix, kind in _KINDS.items():
        if name.endswith(suffix):
            if kind == "parquet" and path.name.lower().endswith(".gz"):
                break
            return kind
    if path.suffix.lower() in config.suffixes:
        return "file"
    raise UnusableInput(str(path), f"unknown input format; {_FORMATS_HINT}")


def check_inputs(inputs: Iterable[str | os.PathLike[str]], config: ReaderConfig | None = None) -> list[Path]:
    """Check every input exists and has a reader, before any work starts.

    Raises:
        InputNotFound: a path does not exist.
        UnusableInput: a file's format is unknown, or Parquet without pyarrow.
    """
    paths = [Path(p) for p in inputs]
    if not paths:
        raise UnusableInput("-", f"no input given; {_FORMATS_HINT}")
    for path in paths:
        if not path.exists():
            raise InputNotFound(str(path), "no such file or folder; check the path")
        if input_kind(path, config) == "parquet":
            require("pyarrow", purpose="reading Parquet")
    return paths


def input_signature(paths: Iterable[Path], config: ReaderConfig | None = None) -> list[list[Any]]:
    """What identifies the inputs for resuming: path, size and mtime of every file read."""
    config = config or ReaderConfig()
    out: list[list[Any]] = []
    for path in paths:
        for f in _folder_files(path, config) if path.is_dir() else [path]:
            st = f.stat()
            rel = f.relative_to(path).as_posix() if path.is_dir() else ""
            out.append([str(path.resolve()), rel, st.st_size, st.st_mtime_ns])
    return out


def iter_documents(inputs: Iterable[str | os.PathLike[str]], config: ReaderConfig | None = None) -> Iterator[ScanItem]:
    """Yield the documents of every input, in input order, and a skip record for each bad one.

    Folder documents are named by their path relative to the folder, prefixed by the
    folder's name when several inputs are given. A document whose id was already seen is
    skipped with reason ``duplicate id``.
    """
    config = config or ReaderConfig()
    paths = check_inputs(inputs, config)
    seen: dict[str, str] = {}
    for path in paths:
        kind = input_kind(path, config)
        prefix = f"{path.name}/" if len(paths) > 1 else ""
        if kind == "folder":
            items = _read_folder(path, prefix, config)
        elif kind == "file":
            items = iter([_read_folder_file(path, str(path), config)])
        elif kind == "jsonl":
            items = _read_jsonl(path, config)
        elif kind in ("csv", "tsv"):
            items = _read_csv(path, "\t" if kind == "tsv" else ",", config)
        else:
            items = _read_parquet(path, config)
        for item in items:
            if isinstance(item, ScanDocument):
                if item.id in seen:
                    yield SkippedDocument(seen[item.id], None, f"duplicate id {item.id!r}", item.id)
                    continue
                seen[item.id] = str(path)
            yield item


def make_document(
    doc_id: str, data: bytes, *, file: str, line: int | None, meta: dict[str, Any], config: ReaderConfig
) -> ScanItem:
    """Load one document's bytes with :func:`load_bytes`; an :class:`InputError` becomes a skip."""
    try:
        loaded = load_bytes(data, name=doc_id, max_bytes=config.max_bytes)
    except InputError as exc:
        reason = str(exc).removeprefix(f"{exc.source}: ")
        return SkippedDocument(file, line, reason, doc_id)
    return ScanDocument(
        id=doc_id,
        text=loaded.text,
        # Fields given in the record win over what the text itself declares.
        date=_opt_str(meta.get("date")) or loaded.meta.date,
        source=_opt_str(meta.get("source")) or loaded.meta.sitename,
        url=_opt_str(meta.get("url")) or loaded.meta.url,
    )


def _opt_str(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _folder_files(root: Path, config: ReaderConfig) -> list[Path]:
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        found.extend(
            Path(dirpath) / f for f in filenames if not f.startswith(".") and Path(f).suffix.lower() in config.suffixes
        )
    # Sorted by relative path, so document order (and "first" in dedup) is the same on every run and machine.
    return sorted(found, key=lambda f: f.relative_to(root).as_posix())


def _read_folder(root: Path, prefix: str, config: ReaderConfig) -> Iterator[ScanItem]:
    for f in _folder_files(root, config):
        yield _read_folder_file(f, prefix + f.relative_to(root).as_posix(), config)


def _read_folder_file(path: Path, doc_id: str, config: ReaderConfig) -> ScanItem:
    try:
        if path.stat().st_size > config.max_bytes:
            return SkippedDocument(str(path), None, f"over the {config.max_bytes} byte limit", doc_id)
        data = path.read_bytes()
    except OSError as exc:
        return SkippedDocument(str(path), None, f"cannot be read ({exc.strerror or exc})", doc_id)
    # load_bytes decides HTML by the name's ending, which the id keeps.
    return make_document(doc_id, data, file=str(path), line=None, meta={}, config=config)


def _open_binary(path: Path) -> IO[bytes]:
    return gzip.open(path, "rb") if path.name.lower().endswith(".gz") else open(path, "rb")


def _record_to_item(record: dict[str, Any], file: str, line: int, config: ReaderConfig) -> ScanItem:
    """One JSON/CSV/Parquet record as a document, or a skip saying what is wrong with it."""
    raw_id = record.get(config.id_field)
    doc_id = _opt_str(raw_id) or f"{Path(file).name}:{line}"
    text = record.get(config.text_field)
    if text is None:
        return SkippedDocument(file, line, f"no {config.text_field!r} field", doc_id)
    if not isinstance(text, str):
        return SkippedDocument(file, line, f"field {config.text_field!r} is not a string", doc_id)
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:
        # Lone surrogates: from JSON "\ud800" escapes or undecodable bytes kept by the CSV reader.
        return SkippedDocument(file, line, "text is not valid UTF-8/Unicode", doc_id)
    meta = {
        "date": record.get(config.date_field),
        "source": record.get(config.source_field),
        "url": record.get(config.url_field),
    }
    return make_document(doc_id, data, file=file, line=line, meta=meta, config=config)


def _read_jsonl(path: Path, config: ReaderConfig) -> Iterator[ScanItem]:
    file = str(path)
    try:
        fh = _open_binary(path)
    except OSError as exc:
        raise UnusableInput(file, f"cannot be read ({exc.strerror or exc})") from None
    with fh:
        for number, raw in enumerate(fh, start=1):
            if not raw.strip():
                continue
            try:
                record = json.loads(raw.decode("utf-8"))
            except UnicodeDecodeError:
                yield SkippedDocument(file, number, "line is not valid UTF-8")
                continue
            except json.JSONDecodeError as exc:
                yield SkippedDocument(file, number, f"malformed JSON ({exc.msg} at column {exc.colno})")
                continue
            if not isinstance(record, dict):
                yield SkippedDocument(file, number, f"not a JSON object but {type(record).__name__}")
                continue
            yield _record_to_item(record, file, number, config)


def _read_csv(path: Path, delimiter: str, config: ReaderConfig) -> Iterator[ScanItem]:
    file = str(path)
    # Articles are long; the csv module's default 128 KiB field limit would cut them.
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    # surrogateescape keeps undecodable bytes as lone surrogates, so one bad row is
    # skipped (its text fails to encode) instead of ending the read.
    with io.TextIOWrapper(_open_binary(path), encoding="utf-8-sig", errors="surrogateescape", newline="") as fh:
        reader = csv.reader(fh, delimiter=delimiter)
        try:
            header = next(reader)
        except StopIteration:
            return
        _require_columns(file, header, config)
        while True:
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                yield SkippedDocument(file, reader.line_num, f"malformed CSV ({exc})")
                continue
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                yield SkippedDocument(file, reader.line_num, f"{len(row)} fields where the header has {len(header)}")
                continue
            yield _record_to_item(dict(zip(header, row)), file, reader.line_num, config)


def _require_columns(file: str, columns: list[str], config: ReaderConfig) -> None:
    if config.text_field not in columns:
        shown = ", ".join(columns[:12]) or "none"
        raise UnusableInput(file, f"has no {config.text_field!r} column (columns: {shown}); name it with --text-field")


def _read_parquet(path: Path, config: ReaderConfig) -> Iterator[ScanItem]:
    pq = require("pyarrow.parquet", purpose="reading Parquet")
    file = str(path)
    try:
        pfile = pq.ParquetFile(path)
    except Exception as exc:  # pyarrow raises several unrelated types for a bad file
        raise UnusableInput(file, f"is not a readable Parquet file ({exc})") from None
    names = pfile.schema_arrow.names
    _require_columns(file, names, config)
    wanted = [
        c
        for c in (config.id_field, config.text_field, config.date_field, config.source_field, config.url_field)
        if c in names
    ]
    row = 0
    for batch in pfile.iter_batches(batch_size=1024, columns=wanted):
        for record in batch.to_pylist():
            row += 1
            yield _record_to_item(record, file, row, config)
