"""Read a collection: folders of .txt/.html files, JSONL, CSV/TSV, Parquet and WARC files.

Each reader yields :class:`ScanDocument` records, and a :class:`SkippedDocument` for every
document it cannot use (binary, bad encoding, empty, malformed line, no text field,
damaged WARC record) instead of raising: one bad record must not end a scan of a million.
Problems with an input as a whole (missing path, unknown format, no text column, a
``.warc`` that is no WARC, a FIFO or device given as an input) raise at once, before any
work, through :func:`check_inputs` or the reader.

One bad item never stops a run. Inside folders, files that vanish after the listing,
dangling symbolic links, link loops, FIFOs, devices and unreadable sub-folders are
skipped with the reason (FIFOs are opened with ``O_NONBLOCK`` and checked with ``fstat``,
so they never block). A compressed file that ends early or is corrupt keeps every record
before the break and reports the break as a skip; a Parquet file keeps its readable row
groups and skips the rows of the others; a CSV quote that does not close is reported
(the ``csv`` module's strict mode) and reading goes on at the next line, instead of the
record swallowing the records after it. Every unit a reader takes in is counted in a
:class:`~copytrail.scan.tally.ReadTally`, so documents in = documents read + skipped is
checked at the end.

Records without an id get ``<file name>:<line>``; if that id is taken, ``#2``, ``#3``, ...
is appended, and a later record whose own id equals a made-up one is skipped with a
reason that says so.

WARC files (``.warc``, ``.warc.gz``; read with FastWARC, record by record) give one
document per ``response`` record with HTTP status 200 and an HTML or plain-text content
type, and per ``resource`` record of type text/html or text/plain: id and url are the
WARC-Target-URI (else the WARC-Record-ID), date the WARC-Date. Other records (requests,
metadata, images, redirects, errors) are not documents: they are counted in ``ignored``,
not listed as skipped. A skipped record's ``line`` is its number in the file (1-based,
counting every record).

Every text goes through :func:`copytrail.ingest.load_bytes`, so decoding, newline
handling and HTML extraction are the same as for ``copytrail compare``.
"""

from __future__ import annotations

import csv
import dataclasses
import glob
import gzip
import io
import itertools
import json
import os
import re
import stat
import sys
import zlib
from collections import Counter, deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from copytrail.errors import InputError, InputNotFound, NotAFile, UnusableInput, require
from copytrail.ingest import load_bytes
from copytrail.ingest.load import describe_file_type, open_regular, printable_name, stat_error
from copytrail.lang import MIN_DOCUMENT_CHARS, detect_languages
from copytrail.scan.config import ReaderConfig
from copytrail.scan.records import ScanDocument, SkippedDocument
from copytrail.scan.tally import ReadTally

__all__ = [
    "check_inputs",
    "duplicate_reason",
    "input_kind",
    "input_signature",
    "is_made_up",
    "iter_documents",
    "jsonl_line_item",
    "kind_by_name",
    "record_to_item",
    "settle_ids",
    "spark_only",
]

ScanItem = ScanDocument | SkippedDocument

_KINDS = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
    ".tsv": "tsv",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".warc": "warc",
}
_FORMATS_HINT = "give a folder, .jsonl, .csv, .tsv, .parquet, .warc (optionally .gz for jsonl/csv/warc), .txt or .html"


def input_kind(path: Path, config: ReaderConfig | None = None) -> str:
    """Name the reader for ``path``: folder, jsonl, csv, tsv, parquet, warc or file.

    Raises:
        UnusableInput: the file's ending matches no reader.
    """
    config = config or ReaderConfig()
    if os.path.isdir(path):
        return "folder"
    kind = kind_by_name(path.name, config)
    if kind is None:
        raise UnusableInput(str(path), f"unknown input format; {_FORMATS_HINT}")
    return kind


def kind_by_name(name: str, config: ReaderConfig) -> str | None:
    """The reader a file's name calls for (jsonl, csv, tsv, parquet, warc or file), None for none."""
    lower = name.lower()
    base = lower.removesuffix(".gz")
    for suffix, kind in _KINDS.items():
        if base.endswith(suffix):
            if kind == "parquet" and lower.endswith(".gz"):
                break
            return kind
    if Path(lower).suffix in config.suffixes:
        return "file"
    return None


_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_GLOB_CHARACTERS = frozenset("*?[{")


def spark_only(given: str | os.PathLike[str]) -> str | None:
    """What makes an input one only Spark reads: ``"a URI"`` (``s3a://``, ``hdfs://``, ``file://``),
    ``"a glob pattern"`` (a name with ``*?[{`` that is no existing path), or None for a local path."""
    text = os.fspath(given)
    if isinstance(text, bytes):
        return None
    if _URI.match(text):
        return "a URI"
    if _GLOB_CHARACTERS & set(text) and not os.path.lexists(text):
        return "a glob pattern"
    return None


def check_inputs(inputs: Iterable[str | os.PathLike[str]], config: ReaderConfig | None = None) -> list[Path]:
    """Check every input exists and has a reader, before any work starts.

    Raises:
        InputNotFound: a path does not exist.
        NotAFile: a path is a FIFO, device or socket (never read: it could block or never end).
        InputError: a path cannot be looked up (link loop, name too long, permission).
        UnusableInput: a file's format is unknown, or a .warc file is not a WARC.
        MissingExtra: Parquet without pyarrow, WARC without fastwarc.
    """
    inputs = list(inputs)
    if not inputs:
        raise UnusableInput("-", f"no input given; {_FORMATS_HINT}")
    expanded: list[str | os.PathLike[str]] = []
    for given in inputs:
        what = spark_only(given)
        if what == "a URI":
            raise UnusableInput(
                os.fspath(given),  # type: ignore[arg-type]
                "is a URI, which only `copytrail scan --engine spark` reads (JSONL and Parquet); "
                "give a local path, or scan with --engine spark",
            )
        if what is not None:
            # A quoted pattern ("crawl/*.jsonl"), as Spark reads one: expanded in sorted order,
            # as a shell would, so both engines read the same files in the same order.
            matches = sorted(glob.glob(os.fspath(given), recursive=True))
            if not matches:
                braces = "; a brace list ({a,b}) is expanded only by --engine spark" if "{" in os.fspath(given) else ""
                raise InputNotFound(
                    os.fspath(given), f"the glob pattern matches no file or folder; check the pattern{braces}"
                )
            expanded.extend(matches)
        else:
            expanded.append(given)
    paths = [Path(p) for p in expanded]
    for path in paths:
        try:
            mode = os.stat(path).st_mode
        except OSError as exc:
            error = stat_error(str(path), exc)
            if isinstance(error, InputNotFound):
                raise InputNotFound(str(path), "no such file or folder; check the path") from None
            raise error from None
        if not (stat.S_ISDIR(mode) or stat.S_ISREG(mode)):
            raise NotAFile(
                str(path),
                f"is {describe_file_type(mode)}, not a file or folder, and is not read; save its contents to a file",
            )
        kind = input_kind(path, config)
        if kind == "parquet":
            require("pyarrow", purpose="reading Parquet")
        elif kind == "warc":
            require("fastwarc", purpose="reading WARC")
            _check_warc(path)
    return paths


def input_signature(paths: Iterable[Path], config: ReaderConfig | None = None) -> list[list[Any]]:
    """What identifies the inputs for resuming: path, size and mtime of every file read."""
    config = config or ReaderConfig()
    out: list[list[Any]] = []
    for path in paths:
        is_dir = os.path.isdir(path)
        for f in _list_folder(path, config).files if is_dir else [path]:
            rel = f.relative_to(path).as_posix() if is_dir else ""
            try:
                st = f.stat()
            except OSError:  # vanished, a dangling link or a loop: the read stage skips it and says why
                out.append([str(path.resolve()), rel, None, None])
                continue
            out.append([str(path.resolve()), rel, st.st_size, st.st_mtime_ns])
    return out


def iter_documents(
    inputs: Iterable[str | os.PathLike[str]],
    config: ReaderConfig | None = None,
    *,
    ignored: Counter[str] | None = None,
    tally: ReadTally | None = None,
) -> Iterator[ScanItem]:
    """Yield the documents of every input, in input order, and a skip record for each bad one.

    Folder documents are named by their path relative to the folder, prefixed by the
    folder's name when several inputs are given. A document whose id was already seen is
    skipped with reason ``duplicate id``.

    Args:
        inputs: folders and files, see :func:`input_kind`.
        config: field names and the size limit.
        ignored: if given, counts the WARC records that are not documents by what they
            are (``"request"``, ``"http 404"``, ``"image/jpeg"``, ...).
        tally: if given, counts what was taken in, read and skipped (by reason and input).
    """
    config = config or ReaderConfig()
    tally = tally if tally is not None else ReadTally()
    paths = check_inputs(inputs, config)
    seen: dict[str, str] = {}
    made_up: set[str] = set()  # ids given to records without one
    for path in paths:
        kind = input_kind(path, config)
        prefix = f"{printable_name(path.name)}/" if len(paths) > 1 else ""
        key = printable_name(str(path))
        tally.start_input(key)
        if kind == "folder":
            items = _read_folder(path, prefix, config, tally)
        elif kind == "file":
            tally.taken_in += 1
            items = iter([_read_folder_file(path, key, config)])
        elif kind == "jsonl":
            items = _read_jsonl(path, config, tally)
        elif kind in ("csv", "tsv"):
            items = _read_csv(path, "\t" if kind == "tsv" else ",", config, tally)
        elif kind == "warc":
            items = _counted(_read_warc(path, config, ignored if ignored is not None else Counter()), tally)
        else:
            items = _read_parquet(path, config, tally)
        # The readers leave languages out; they are identified a batch at a time, the same as one by one.
        for item in _identified(items):
            if isinstance(item, ScanDocument):
                if isinstance(item.id, _MadeUpId):
                    item = dataclasses.replace(item, id=_free_id(item.id, seen))
                    made_up.add(item.id)
                elif item.id in seen:
                    item = SkippedDocument(seen[item.id], None, duplicate_reason(item.id, item.id in made_up), item.id)
            if isinstance(item, ScanDocument):
                seen[item.id] = key
                tally.add_document(key)
            else:
                tally.add_skip(key, item.file, item.line, item.reason)
            yield item


class _MadeUpId(str):
    """An id made up for a record without one (``file:line``); it yields to real ids."""

    __slots__ = ()


def is_made_up(doc_id: str) -> bool:
    """Whether :func:`record_to_item` made ``doc_id`` up (``file name:line``) for a record without an id."""
    return isinstance(doc_id, _MadeUpId)


def duplicate_reason(doc_id: str, made_up_taken: bool) -> str:
    """The skip reason of a record whose id an earlier document has (``made_up_taken``: an id made up for it)."""
    reason = f"duplicate id {doc_id!r}"
    if made_up_taken:
        reason += " (the id made up for an earlier record without one; give this record another id)"
    return reason


def settle_ids(doc_id: str, made_up: Sequence[bool]) -> list[tuple[str, str | None]]:
    """The documents that share ``doc_id``, in input order: each one's final id, and a skip reason or None.

    The rule of :func:`iter_documents` for one id, for readers that see the records of an
    id together rather than in one stream (Spark): the first record with a real id keeps
    it, later ones are duplicates; a record without one (its id made up, ``made_up``)
    takes ``doc_id`` if it is free, else the first free ``#2``, ``#3``, ... It differs
    from the stream only when such a ``doc_id#2`` is also some other record's real id.
    """
    seen: dict[str, str] = {}
    made: set[str] = set()
    out: list[tuple[str, str | None]] = []
    for is_made in made_up:
        if is_made:
            final = _free_id(doc_id, seen)
            made.add(final)
            seen[final] = ""
            out.append((final, None))
        elif doc_id in seen:
            out.append((doc_id, duplicate_reason(doc_id, doc_id in made)))
        else:
            seen[doc_id] = ""
            out.append((doc_id, None))
    return out


def _free_id(made_up: str, seen: dict[str, str]) -> str:
    """``made_up`` as a plain string, with ``#2``, ``#3``, ... appended while it is taken."""
    base = str(made_up)
    candidate, n = base, 2
    while candidate in seen:
        candidate, n = f"{base}#{n}", n + 1
    return candidate


def _counted(items: Iterator[ScanItem], tally: ReadTally) -> Iterator[ScanItem]:
    for item in items:
        tally.taken_in += 1
        yield item


def make_document(
    doc_id: str,
    data: bytes,
    *,
    file: str,
    line: int | None,
    meta: dict[str, Any],
    config: ReaderConfig,
    html: bool = False,
    identify: bool = True,
) -> ScanItem:
    """Load one document's bytes with :func:`load_bytes`; an :class:`InputError` becomes a skip.

    ``html`` says the bytes are HTML whatever ``doc_id`` ends with (a WARC's Content-Type).
    ``identify=False`` leaves the language out, for a caller that identifies many documents'
    languages at once (:func:`iter_documents`'s readers, through :func:`_identified`).
    """
    # load_bytes tells HTML by the name's ending (else by sniffing the first bytes, which a
    # long <head> can defeat); a URL seldom ends in .html, so HTML input gets a name that does.
    name = f"{doc_id}#.html" if html else doc_id
    try:
        loaded = load_bytes(data, name=name, max_bytes=config.max_bytes)
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
        language=_languages([loaded.text])[0] if identify else None,
    )


# The language is told from this many characters at the start of a document: enough for
# py3langid to be right on news paragraphs, and cheap (about 0.5 ms a document).
_LANGUAGE_SAMPLE = 1000


# Documents whose languages are identified together: one byte walk for them all costs half
# as much as one per document (detect_languages), and 256 openings are about 256 KB.
_LANGUAGE_BATCH = 256


def _languages(texts: Sequence[str]) -> list[str | None]:
    """The language of each text, told from its start; None for too little text."""
    samples = [text[:_LANGUAGE_SAMPLE] for text in texts]
    enough = [k for k, sample in enumerate(samples) if len(sample.strip()) >= MIN_DOCUMENT_CHARS]
    found: list[str | None] = [None] * len(texts)
    for k, (code, _) in zip(enough, detect_languages([samples[k] for k in enough])):
        found[k] = code
    return found


def _identified(items: Iterator[ScanItem]) -> Iterator[ScanItem]:
    """``items`` (documents made with ``identify=False``) with their languages, identified a batch at a time.

    The items come out in order; when the reader raises, the items it gave before come out first, as unbatched.
    """
    batch: list[ScanItem] = []
    while True:
        try:
            item = next(items)
        except StopIteration:
            break
        except Exception:
            yield from _with_languages(batch)
            raise
        batch.append(item)
        if len(batch) == _LANGUAGE_BATCH:
            yield from _with_languages(batch)
            batch = []
    yield from _with_languages(batch)


def _with_languages(batch: list[ScanItem]) -> list[ScanItem]:
    documents = [k for k, item in enumerate(batch) if isinstance(item, ScanDocument)]
    languages = _languages([batch[k].text for k in documents])  # type: ignore[union-attr]
    out = list(batch)
    for k, language in zip(documents, languages):
        out[k] = dataclasses.replace(batch[k], language=language)
    return out


def _opt_str(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


@dataclass
class _Listing:
    """A folder's files to read (sorted), its sub-folders that cannot be listed, and the endings passed over."""

    files: list[Path] = field(default_factory=list)
    unreadable: list[tuple[str, str]] = field(default_factory=list)
    ignored: Counter[str] = field(default_factory=Counter)


def _list_folder(root: Path, config: ReaderConfig) -> _Listing:
    listing = _Listing()

    def unreadable(exc: OSError) -> None:
        listing.unreadable.append((str(exc.filename or root), exc.strerror or str(exc)))

    for dirpath, dirnames, filenames in os.walk(root, onerror=unreadable):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        for name in filenames:
            if name.startswith("."):
                continue
            suffix = Path(name).suffix.lower()
            if suffix in config.suffixes:
                listing.files.append(Path(dirpath) / name)
            else:
                listing.ignored[suffix] += 1
    # Sorted by relative path, so document order (and "first" in dedup) is the same on every run and machine.
    listing.files.sort(key=lambda f: f.relative_to(root).as_posix())
    listing.unreadable.sort()
    return listing


def _read_folder(root: Path, prefix: str, config: ReaderConfig, tally: ReadTally) -> Iterator[ScanItem]:
    listing = _list_folder(root, config)
    for suffix, count in listing.ignored.items():
        for _ in range(count):
            tally.ignore_file(printable_name(str(root)), suffix)
    for f in listing.files:
        tally.taken_in += 1
        yield _read_folder_file(f, prefix + printable_name(f.relative_to(root).as_posix()), config)
    for folder, why in listing.unreadable:
        tally.taken_in += 1
        yield SkippedDocument(
            printable_name(folder),
            None,
            f"folder cannot be read ({why}); its files were not scanned; check its permissions",
        )


def _read_folder_file(path: Path, doc_id: str, config: ReaderConfig) -> ScanItem:
    file = printable_name(str(path))
    try:
        fh, size = open_regular(path)
    except InputError as exc:
        return SkippedDocument(file, None, _open_failure(path, exc), doc_id)
    with fh:
        if size > config.max_bytes:
            return SkippedDocument(file, None, f"over the {config.max_bytes} byte limit", doc_id)
        try:
            data = fh.read(config.max_bytes + 1)
        except OSError as exc:
            return SkippedDocument(file, None, f"cannot be read ({exc.strerror or exc})", doc_id)
    # load_bytes decides HTML by the name's ending, which the id keeps.
    return make_document(doc_id, data, file=file, line=None, meta={}, config=config, identify=False)


def _open_failure(path: Path, exc: InputError) -> str:
    """Why a listed file cannot be opened, as a skip reason."""
    if isinstance(exc, InputNotFound) and "directory" not in exc.detail:
        if os.path.islink(path):
            return "a symbolic link to a file that does not exist; fix or remove the link"
        return "vanished before it could be read (deleted or moved during the scan)"
    return exc.detail


def _open_binary(path: Path) -> IO[bytes]:
    """Open an input file (gunzipped when it ends in .gz), refusing FIFOs and devices.

    Raises:
        InputError: it cannot be opened (see :func:`copytrail.ingest.load.open_regular`).
    """
    fh, _ = open_regular(path)
    return _OwningGzipFile(fileobj=fh, mode="rb") if path.name.lower().endswith(".gz") else fh


class _OwningGzipFile(gzip.GzipFile):
    """A GzipFile that also closes the file it reads from (``GzipFile(fileobj=...)`` leaves it open)."""

    def close(self) -> None:
        inner = self.fileobj
        try:
            super().close()
        finally:
            if inner is not None:
                inner.close()


# What reading a damaged or cut-short file raises: gzip's EOFError and BadGzipFile (an
# OSError), zlib.error for corrupt deflate data, OSError for I/O errors.
_STREAM_ERRORS = (EOFError, OSError, zlib.error)


def _break_reason(path: Path, exc: BaseException, records: int, unit: str) -> str:
    """The skip reason for a file that cannot be read past some point."""
    what = "ends early (cut short?)" if isinstance(exc, EOFError) else f"is damaged here ({_short(exc)})"
    kind = "compressed file" if path.name.lower().endswith(".gz") else "file"
    return (
        f"the {kind} {what}; the {records} {unit} before were read and the rest of the file is lost; "
        "check the file or copy it again"
    )


# No digits before the parenthesis: the summary counts skips by the reason's head, numbers made N.
_NOT_UNICODE = "is not valid Unicode (lone surrogates: JSON escapes such as \\ud800, or bytes that are not UTF-8)"


def record_to_item(
    record: dict[str, Any], file: str, line: int, config: ReaderConfig, *, identify: bool = True
) -> ScanItem:
    """One JSON/CSV/Parquet record as a document, or a skip saying what is wrong with it.

    Pure: the local readers and Spark's workers both call it. A record without an id gets
    ``<file name>:<line>``, marked made up (:func:`is_made_up`). ``identify``: as for :func:`make_document`.
    """
    raw_id = record.get(config.id_field)
    doc_id = _opt_str(raw_id) or _MadeUpId(f"{Path(file).name}:{line}")
    if not _encodable(doc_id):
        # The skip record names the id as written, its lone surrogates escaped, so that it can be saved.
        return SkippedDocument(file, line, f"field {config.id_field!r} {_NOT_UNICODE}", printable_name(doc_id))
    text = record.get(config.text_field)
    if text is None:
        return SkippedDocument(file, line, f"no {config.text_field!r} field", doc_id)
    if not isinstance(text, str):
        return SkippedDocument(file, line, f"field {config.text_field!r} is not a string", doc_id)
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:
        # Lone surrogates: from JSON "\ud800" escapes or undecodable bytes kept by the CSV reader.
        return SkippedDocument(file, line, f"text {_NOT_UNICODE}", doc_id)
    meta = {
        "date": _readable(record.get(config.date_field)),
        "source": _readable(record.get(config.source_field)),
        "url": _readable(record.get(config.url_field)),
    }
    return make_document(doc_id, data, file=file, line=line, meta=meta, config=config, identify=identify)


def _readable(value: Any) -> Any:
    """A metadata value with its lone surrogates shown as U+FFFD, as a WARC's undecodable URL bytes are.

    Every artifact is UTF-8: such a value could be written nowhere (the scan ended with a
    traceback), and a date or URL with one bad byte is no reason to lose its document.
    """
    if isinstance(value, str) and not _encodable(value):
        return "".join("\ufffd" if "\ud800" <= ch <= "\udfff" else ch for ch in value)
    return value


def _encodable(value: str) -> bool:
    """Whether ``value`` can be written as UTF-8 (no lone surrogates)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _read_jsonl(path: Path, config: ReaderConfig, tally: ReadTally) -> Iterator[ScanItem]:
    file = printable_name(str(path))
    try:
        fh = _open_binary(path)
    except InputError as exc:
        tally.taken_in += 1
        yield SkippedDocument(file, None, _open_failure(path, exc))
        return
    with fh:
        lines = iter(fh)
        number = 0
        while True:
            try:
                raw = next(lines)
            except StopIteration:
                break
            except _STREAM_ERRORS as exc:
                tally.taken_in += 1
                yield SkippedDocument(file, number + 1, _break_reason(path, exc, number, "lines"))
                break
            number += 1
            item = jsonl_line_item(raw, file, number, config, identify=False)
            if item is not None:
                tally.taken_in += 1
                yield item


def jsonl_line_item(
    raw: bytes, file: str, number: int, config: ReaderConfig, *, identify: bool = True
) -> ScanItem | None:
    """Line ``number`` (1-based) of the JSONL file ``file`` as a document or a skip; None for a blank line.

    Pure: the local reader and Spark's workers (:mod:`copytrail.executors.spark_read`) both call it.
    ``identify``: as for :func:`make_document`.
    """
    if not raw.strip():
        return None
    try:
        record = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        return SkippedDocument(file, number, "line is not valid UTF-8")
    except json.JSONDecodeError as exc:
        # json's messages end in "at" ("Unterminated string starting at"): the column completes them.
        message = exc.msg[0].lower() + exc.msg[1:].removesuffix(" at")
        return SkippedDocument(file, number, f"malformed JSON ({message} at column {exc.colno})")
    except RecursionError:
        return SkippedDocument(file, number, "JSON nested too deeply to read (past Python's recursion limit)")
    except ValueError as exc:
        # Valid JSON past Python's own limits: an integer of more than 4,300 digits.
        return SkippedDocument(file, number, f"JSON that Python cannot read ({_short(exc)})")
    if not isinstance(record, dict):
        return SkippedDocument(file, number, f"not a JSON object but {type(record).__name__}")
    return record_to_item(record, file, number, config, identify=identify)


class _Lines:
    """The numbered lines fed to ``csv.reader``; the lines of the record being parsed are kept.

    When a record turns out malformed, the lines after its first are fed again, so that an
    unclosed quote costs one record instead of every record up to the next quote.
    """

    def __init__(self, fh: IO[str]) -> None:
        self._fh = fh
        self._replay: deque[tuple[int, str]] = deque()
        self._taken: list[tuple[int, str]] = []
        self._next = 1

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        if self._replay:
            item = self._replay.popleft()
        else:
            item = (self._next, next(self._fh))
            self._next += 1
        self._taken.append(item)
        return item[1]

    def begin(self) -> None:
        self._taken = []

    @property
    def first(self) -> int:
        return self._taken[0][0] if self._taken else self._next

    @property
    def last(self) -> int:
        return self._taken[-1][0] if self._taken else self._next

    def replay_after_first(self) -> None:
        self._replay.extendleft(reversed(self._taken[1:]))


def _read_csv(path: Path, delimiter: str, config: ReaderConfig, tally: ReadTally) -> Iterator[ScanItem]:
    file = printable_name(str(path))
    # Articles are long; the csv module's default 128 KiB field limit would cut them.
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    try:
        binary = _open_binary(path)
    except InputError as exc:
        tally.taken_in += 1
        yield SkippedDocument(file, None, _open_failure(path, exc))
        return
    # surrogateescape keeps undecodable bytes as lone surrogates, so one bad row is
    # skipped (its text fails to encode) instead of ending the read.
    with io.TextIOWrapper(binary, encoding="utf-8-sig", errors="surrogateescape", newline="") as fh:
        lines = _Lines(fh)
        # strict: a quote that does not close where it should is an error, not a record
        # that silently swallows the records after it.
        reader = csv.reader(lines, delimiter=delimiter, strict=True)
        header: list[str] | None = None
        records = 0
        while True:
            lines.begin()
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                tally.taken_in += 1
                span = f"line {lines.first}" if lines.first == lines.last else f"lines {lines.first}-{lines.last}"
                yield SkippedDocument(
                    file,
                    lines.first,
                    f"malformed CSV ({exc}, {span}): a quote does not close where it should; the record on "
                    f"line {lines.first} was skipped and reading went on at the next line; check the quoting",
                )
                lines.replay_after_first()
                continue
            except _STREAM_ERRORS as exc:
                tally.taken_in += 1
                yield SkippedDocument(file, lines.first, _break_reason(path, exc, records, "records"))
                break
            if header is None:
                header = row
                _require_columns(file, header, config)
                continue
            if not any(cell.strip() for cell in row):
                continue
            tally.taken_in += 1
            records += 1
            if len(row) != len(header):
                yield SkippedDocument(file, lines.first, f"{len(row)} fields where the header has {len(header)}")
                continue
            yield record_to_item(dict(zip(header, row)), file, lines.first, config, identify=False)


def _require_columns(file: str, columns: list[str], config: ReaderConfig) -> None:
    if config.text_field not in columns:
        shown = ", ".join(columns[:12]) or "none"
        raise UnusableInput(file, f"has no {config.text_field!r} column (columns: {shown}); name it with --text-field")


def _read_parquet(path: Path, config: ReaderConfig, tally: ReadTally) -> Iterator[ScanItem]:
    pq = require("pyarrow.parquet", purpose="reading Parquet")
    file = printable_name(str(path))
    try:
        pfile = pq.ParquetFile(path)
    except Exception as exc:  # pyarrow raises several unrelated types for a bad file
        raise UnusableInput(
            file, f"is not a readable Parquet file ({_short(exc)}); check the file or write it again"
        ) from None
    names = pfile.schema_arrow.names
    _require_columns(file, names, config)
    wanted = [
        c
        for c in (config.id_field, config.text_field, config.date_field, config.source_field, config.url_field)
        if c in names
    ]
    groups = pfile.num_row_groups
    start = 0
    # Row group by row group, so one corrupt group costs its own rows only.
    for group in range(groups):
        size = pfile.metadata.row_group(group).num_rows
        tally.taken_in += size
        done = 0
        try:
            for batch in pfile.iter_batches(batch_size=1024, row_groups=[group], columns=wanted):
                for record in batch.to_pylist():
                    done += 1
                    yield record_to_item(record, file, start + done, config, identify=False)
        except Exception as exc:  # pyarrow raises several unrelated types for corrupt data
            reason = (
                f"row group {group + 1} of {groups} cannot be read ({_short(exc)}); its rows from here on were "
                "skipped and the other row groups were read; check the file or write it again"
            )
            for row in range(start + done + 1, start + size + 1):
                yield SkippedDocument(file, row, reason)
        start += size


# --- WARC ------------------------------------------------------------------------------

# Payload media types read as documents; everything else in a crawl (images, scripts,
# styles, feeds, PDFs) is counted as ignored.
_WARC_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_WARC_TEXT_TYPES = _WARC_HTML_TYPES | {"text/plain"}
# HTTP Content-Encoding -> the FastWARC stream reader that undoes it, and its options.
_CONTENT_DECODERS: dict[str, tuple[str, dict[str, Any]]] = {
    "gzip": ("GzipReader", {}),
    "x-gzip": ("GzipReader", {}),
    "deflate": ("GzipReader", {"zlib": True}),
    "br": ("BrotliReader", {}),
    "zstd": ("ZstdReader", {}),
}
_GZIP_MAGIC = b"\x1f\x8b"
_CUT = "the file ends inside this record (cut short?); "
_REASON_CHARS = 160


class _BadRecord(Exception):
    """A WARC record that cannot become a document; the message is the skip reason."""


class _DamagedWarc(Exception):
    """The file cannot be read past this record (cut short, corrupt gzip); the message says why."""


def _check_warc(path: Path) -> None:
    """Raise :class:`UnusableInput` unless ``path`` (gunzipped if need be) starts with a WARC record.

    An empty file passes: it is a WARC without records.
    """
    file = printable_name(str(path))
    try:
        with open(path, "rb") as fh:
            if fh.read(len(_GZIP_MAGIC)) == _GZIP_MAGIC:
                fh.seek(0)
                with gzip.GzipFile(fileobj=fh) as unzipped:
                    head = unzipped.read(5)
            else:
                fh.seek(0)
                head = fh.read(5)
    except (OSError, EOFError, zlib.error) as exc:  # gzip.BadGzipFile is an OSError
        raise UnusableInput(file, f"cannot be read as a gzip-compressed WARC ({exc}); check the file") from None
    if head and not head.startswith(b"WARC/"):
        raise UnusableInput(
            file,
            "is not a WARC file: it does not start with a 'WARC/1.0' or 'WARC/1.1' record header; "
            "check that it is a web archive, or rename it after its real format",
        )


def _read_warc(path: Path, config: ReaderConfig, ignored: Counter[str]) -> Iterator[ScanItem]:
    """Stream the documents of a WARC file, one record at a time.

    Damage ends the file with one skip record: FastWARC cannot find the next record after it.
    """
    fastwarc = require("fastwarc", purpose="reading WARC")
    file = printable_name(str(path))
    last_start: int | None = None
    with open(path, "rb") as fh:
        # auto_decode stays off: FastWARC would then fail the whole file on one record whose
        # server mislabelled its Content-Encoding. _http_decoded decodes each record itself.
        records = iter(fastwarc.ArchiveIterator(fh, parse_http=True, auto_decode="none"))
        # Records are numbered as they lie in the file, requests and metadata included.
        for number in itertools.count(1):
            doc_id = None
            try:
                record = _next_record(records)
                if record is None:
                    if last_start is not None and _gzip_cut_short(path, last_start):
                        raise _DamagedWarc(
                            f"the file ends inside a gzip member after record {number - 1} (cut short?); "
                            "any records from here on were not read"
                        )
                    return
                last_start = record.stream_pos
                doc_id = _warc_id(record, file, number)
                item = _warc_item(record, doc_id, number, file, config, ignored)
            except _DamagedWarc as exc:
                yield SkippedDocument(file, number, str(exc), doc_id)
                return
            if item is not None:
                yield item


def _next_record(records: Iterator[Any]) -> Any:
    """The next record, or None at the end of the file.

    Raises:
        _DamagedWarc: the stream cannot be parsed here (corrupt gzip, not a record header).
    """
    try:
        return next(records)
    except StopIteration:
        return None
    except Exception as exc:  # FastWARC raises OSError; whatever it raises, only this file ends
        raise _DamagedWarc(f"damaged WARC ({_short(exc)}); the rest of the file was not read") from None


def _gzip_cut_short(path: Path, start: int) -> bool:
    """Whether ``path`` ends inside a gzip member, checking from the member at offset ``start``.

    FastWARC ends without a word when the file stops inside a member that has not yet
    inflated to any bytes, so the last record's member and what follows are inflated again.
    """
    with open(path, "rb") as fh:
        fh.seek(start)
        if fh.read(len(_GZIP_MAGIC)) != _GZIP_MAGIC:
            return False  # not one member per record (plain WARC, or one gzip stream for all)
        fh.seek(start)
        member, fed = zlib.decompressobj(wbits=31), False
        try:
            while chunk := fh.read(1 << 16):
                while chunk:
                    # The output is dropped (and bounded): only where members end matters here.
                    member.decompress(chunk, 1 << 20)
                    fed = True
                    chunk = member.unconsumed_tail
                    if member.eof:
                        chunk = member.unused_data
                        member, fed = zlib.decompressobj(wbits=31), False
        except zlib.error:
            return False  # trailing garbage, not a cut; FastWARC reports damage it reads into
    return fed


def _warc_item(
    record: Any, doc_id: str, number: int, file: str, config: ReaderConfig, ignored: Counter[str]
) -> ScanItem | None:
    """One WARC record as a document, a skip, or None (counted in ``ignored``) if it is no article.

    Raises:
        _DamagedWarc: the file ends inside the record, or its block cannot be read.
    """
    # FastWARC returns a header cut off by the end of the file as a record of its own.
    if "Content-Length" not in record.headers:
        raise _DamagedWarc(_CUT + "its header is incomplete")
    not_article = _not_an_article(record)
    if not_article is not None:
        # Read past it anyway (FastWARC would) to notice a file that ends inside it: a cut
        # HTTP header looks like a record of no article type.
        size = _consume(record)
        if size < record.content_length:
            raise _DamagedWarc(_CUT + f"{size} of {record.content_length} bytes")
        ignored[not_article] += 1
        return None
    try:
        data = _warc_payload(record, config.max_bytes)
    except _BadRecord as exc:
        return SkippedDocument(file, number, str(exc), doc_id)
    meta = {"date": record.headers.get("WARC-Date"), "url": _target_uri(record)}
    html = _warc_media_type(record) in _WARC_HTML_TYPES
    return make_document(doc_id, data, file=file, line=number, meta=meta, config=config, html=html, identify=False)


def _target_uri(record: Any) -> str | None:
    uri = (record.headers.get("WARC-Target-URI") or "").strip()
    # WARC 1.0 writers disagree on angle brackets around the URI; the brackets are not part of it.
    if uri.startswith("<") and uri.endswith(">"):
        uri = uri[1:-1].strip()
    return uri or None


def _warc_id(record: Any, file: str, number: int) -> str:
    return _target_uri(record) or _opt_str(record.record_id) or f"{Path(file).name}:{number}"


def _warc_media_type(record: Any) -> str:
    """The payload's media type, lower case, without parameters ("" when not declared)."""
    declared = record.http_content_type if record.is_http else record.headers.get("Content-Type")
    return (declared or "").split(";")[0].strip().lower()


def _not_an_article(record: Any) -> str | None:
    """What a record is when it cannot hold an article (the key it is counted under), else None."""
    kind = str(record.record_type)
    if kind == "response":
        if not record.is_http:
            return "response without HTTP"
        status = record.http_headers.status_code
        if status != 200:
            return f"http {status}"
    elif kind != "resource":
        return kind
    media = _warc_media_type(record)
    if media not in _WARC_TEXT_TYPES:
        return media or "no content type"
    return None


def _warc_payload(record: Any, max_bytes: int) -> bytes:
    """The record's payload bytes, HTTP codings undone.

    Raises:
        _BadRecord: the payload is over ``max_bytes``.
        _DamagedWarc: the file ends inside the record, or its block cannot be read.
    """
    size = record.content_length
    if size > max_bytes:
        raise _BadRecord(f"over the {max_bytes} byte limit")
    try:
        raw = _read_bounded(record.reader, size)
    except Exception as exc:  # FastWARC raises OSError; the stream past this point is lost either way
        raise _DamagedWarc(f"damaged WARC ({_short(exc)}); the rest of the file was not read") from None
    if len(raw) < size:
        raise _DamagedWarc(_CUT + f"{len(raw)} of {size} bytes")
    data = _http_decoded(record, raw, max_bytes) if record.is_http else raw
    if len(data) > max_bytes:
        raise _BadRecord(f"over the {max_bytes} byte limit once decompressed")
    return data


def _consume(record: Any) -> int:
    """Skip the rest of the record's block; returns how many bytes there were."""
    try:
        return record.reader.consume()
    except Exception as exc:  # FastWARC raises OSError; the stream past this point is lost either way
        raise _DamagedWarc(f"damaged WARC ({_short(exc)}); the rest of the file was not read") from None


def _http_decoded(record: Any, raw: bytes, max_bytes: int) -> bytes:
    """Undo the chunked transfer coding and the gzip/deflate/br/zstd content coding.

    Crawlers store the HTTP payload as the server sent it, but some store it decoded and keep
    the header. So when decoding fails the bytes are kept as they are, and load_bytes
    judges them (text is read, compressed bytes are skipped as binary).
    """
    headers = record.http_headers
    data = raw
    if "chunked" in (headers.get("Transfer-Encoding") or "").lower():
        data = _decoded_or_raw(data, max_bytes, "ChunkedReader")
    coding = (headers.get("Content-Encoding") or "").strip().lower()
    if coding in _CONTENT_DECODERS:
        reader, options = _CONTENT_DECODERS[coding]
        data = _decoded_or_raw(data, max_bytes, reader, **options)
    return data


def _decoded_or_raw(data: bytes, max_bytes: int, reader: str, **options: Any) -> bytes:
    """``data`` through the FastWARC stream reader named ``reader``, or as is if that fails."""
    from fastwarc import stream_io

    try:
        # One byte over the limit tells it is too large, without inflating a whole bomb.
        return _read_bounded(getattr(stream_io, reader)(io.BytesIO(data), **options), max_bytes + 1)
    except Exception:  # the readers raise OSError on bad input; any failure keeps the raw bytes
        return data


def _read_bounded(reader: Any, limit: int) -> bytes:
    """Read until EOF or ``limit`` bytes (readers may return short reads)."""
    chunks: list[bytes] = []
    remaining = limit
    while remaining > 0:
        chunk = reader.read(min(remaining, 1 << 20))
        if not chunk:
            break
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def _short(exc: BaseException) -> str:
    """An exception as one short line: parser messages can quote whole records."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= _REASON_CHARS else text[: _REASON_CHARS - 1] + "…"
