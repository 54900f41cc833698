"""Property tests: every reader turns odd but well-formed input into documents or skips, never an error.

Each test writes a random collection (odd texts, weird JSON types, missing fields, BOMs,
legacy encodings, NULs, long fields) in one format and checks the reader against a naive
reference: one item per record, in order; a document exactly when ``load_bytes``
accepts the record's text, with the text ``load_bytes`` gives and the record's metadata;
a skip otherwise, and for a repeated id. The containers are always well formed (damaged
files are the hardening tests'). Examples are bounded by the hypothesis profile in
``tests/conftest.py``; ``bench/fuzz.py`` runs the same readers on tens of thousands of inputs.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from copytrail.errors import InputError
from copytrail.ingest import load_bytes
from copytrail.scan import ReaderConfig, ScanDocument, SkippedDocument, iter_documents
from tests.strategies import any_text, encoded, json_record, odd_text, prose

CONFIG = ReaderConfig()

# What the reader yields for one record, as the reference expects it.
Doc = tuple[str, str, str, str | None, str | None, str | None]  # ("doc", id, text, date, source, url)
Skip = tuple[str, str | None]  # ("skip", id or None)


def _opt_str(value: Any) -> str | None:
    if value is None:
        return None
    return str(value).strip() or None


def expected_record(record: dict, default_id: str) -> Doc | Skip:
    """The naive reference for one JSON/CSV/Parquet record (before duplicate ids are removed)."""
    doc_id = _opt_str(record.get("id")) or default_id
    text = record.get("text")
    if not isinstance(text, str):
        return ("skip", doc_id)
    try:
        loaded = load_bytes(text.encode("utf-8"), name=doc_id, max_bytes=CONFIG.max_bytes)
    except (UnicodeEncodeError, InputError):
        return ("skip", doc_id)
    return (
        "doc",
        doc_id,
        loaded.text,
        _opt_str(record.get("date")) or loaded.meta.date,
        _opt_str(record.get("source")) or loaded.meta.sitename,
        _opt_str(record.get("url")) or loaded.meta.url,
    )


def without_repeats(expected: list[Doc | Skip]) -> list[Doc | Skip]:
    """A document whose id was seen before becomes a skip."""
    seen: set[str] = set()
    out: list[Doc | Skip] = []
    for item in expected:
        if item[0] == "doc":
            if item[1] in seen:
                out.append(("skip", item[1]))
                continue
            seen.add(item[1])
        out.append(item)
    return out


def outcome(item: ScanDocument | SkippedDocument) -> Doc | Skip:
    if isinstance(item, ScanDocument):
        return ("doc", item.id, item.text, item.date, item.source, item.url)
    assert isinstance(item, SkippedDocument)
    assert item.reason and "\n" not in item.reason
    return ("skip", item.id)


def read(path: Path, **kwargs: Any) -> list[Doc | Skip]:
    items = list(iter_documents([path], **kwargs))
    for item in items:
        if isinstance(item, ScanDocument):
            assert item.text.strip()
            item.text.encode("utf-8")  # no lone surrogates reach the documents
    return [outcome(item) for item in items]


def same_items(got: list[Doc | Skip], want: list[Doc | Skip]) -> None:
    """Equal outcomes; a skip's id is compared only where the reference knows it for sure."""
    assert [g[0] for g in got] == [w[0] for w in want]
    for g, w in zip(got, want):
        if g[0] == "doc":
            assert g == w
        elif w[1] is not None:
            assert g[1] == w[1]


# --- JSONL -------------------------------------------------------------------------------

jsonl_line = st.one_of(
    json_record().map(lambda r: ("record", r)),
    st.one_of(st.integers(), any_text, st.lists(st.integers(), max_size=3)).map(lambda v: ("json", v)),
    st.binary(max_size=60).filter(lambda b: b"\n" not in b).map(lambda b: ("bytes", b)),
    st.sampled_from([b"", b"   ", b"\t\r"]).map(lambda b: ("bytes", b)),
)


def _jsonl_bytes(lines: list[tuple[str, Any]], ascii_only: bool) -> bytes:
    out = []
    for kind, value in lines:
        if kind == "bytes":
            out.append(value)
        else:
            out.append(json.dumps(value, ensure_ascii=ascii_only).encode("utf-8", "surrogatepass"))
    return b"\n".join(out) + b"\n"


def _expected_jsonl(name: str, data: bytes) -> list[Doc | Skip]:
    want: list[Doc | Skip] = []
    for number, raw in enumerate(io.BytesIO(data), start=1):
        if not raw.strip():
            continue
        try:
            record = json.loads(raw.decode("utf-8"))
        except ValueError:  # UnicodeDecodeError and JSONDecodeError
            want.append(("skip", None))
            continue
        want.append(expected_record(record, f"{name}:{number}") if isinstance(record, dict) else ("skip", None))
    return without_repeats(want)


@given(lines=st.lists(jsonl_line, max_size=8), ascii_only=st.booleans(), compressed=st.booleans())
def test_jsonl_reader_matches_reference(lines: list[tuple[str, Any]], ascii_only: bool, compressed: bool) -> None:
    data = _jsonl_bytes(lines, ascii_only)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / ("feed.jsonl.gz" if compressed else "feed.jsonl")
        path.write_bytes(gzip.compress(data) if compressed else data)
        same_items(read(path), _expected_jsonl(path.name, data))


# --- CSV / TSV ---------------------------------------------------------------------------

csv_cell = st.one_of(odd_text, st.text(max_size=10))
csv_row = st.fixed_dictionaries({"id": st.text(max_size=10), "text": csv_cell, "date": st.text(max_size=12)})


def _csv_expected(name: str, text: str, delimiter: str) -> list[Doc | Skip]:
    """The reference for a CSV file; a row without an id is named by the line it starts on."""
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""), delimiter=delimiter)
    header = next(reader)
    want: list[Doc | Skip] = []
    start = reader.line_num + 1
    for cells in reader:
        first_line, start = start, reader.line_num + 1
        if not any(cell.strip() for cell in cells):  # a row of blank cells is no record
            continue
        want.append(expected_record(dict(zip(header, cells)), f"{name}:{first_line}"))
    return without_repeats(want)


@given(
    rows=st.lists(csv_row, max_size=8),
    tsv=st.booleans(),
    quoting=st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]),
    bom=st.booleans(),
    compressed=st.booleans(),
)
def test_csv_reader_matches_reference(rows: list[dict], tsv: bool, quoting: int, bom: bool, compressed: bool) -> None:
    delimiter = "\t" if tsv else ","
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, ["id", "text", "date"], delimiter=delimiter, quoting=quoting)
    writer.writeheader()
    writer.writerows(rows)
    text = buffer.getvalue()
    data = text.encode("utf-8-sig" if bom else "utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / ("table." + ("tsv" if tsv else "csv") + (".gz" if compressed else ""))
        path.write_bytes(gzip.compress(data) if compressed else data)
        got = read(path)
    # The cells read back are the cells written: csv keeps \r, \n and quotes inside a field.
    cells = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))[1:]
    assert [dict(zip(["id", "text", "date"], c)) for c in cells] == rows
    same_items(got, _csv_expected(path.name, text, delimiter))


# --- Parquet -----------------------------------------------------------------------------

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

parquet_columns = st.fixed_dictionaries(
    {
        "id": st.sampled_from([pa.string(), pa.int64(), pa.large_string()]),
        "text": st.sampled_from([pa.string(), pa.large_string(), pa.binary(), pa.int32()]),
        "date": st.sampled_from([pa.string(), pa.timestamp("s"), pa.float64()]),
    }
)


@st.composite
def parquet_table(draw: st.DrawFn) -> tuple[list[dict], Any]:
    types = draw(parquet_columns)
    n = draw(st.integers(0, 8))
    values = {
        "id": {
            pa.string(): st.text(max_size=8),
            pa.large_string(): st.text(max_size=8),
            pa.int64(): st.integers(-3, 3),
        },
        "text": {
            pa.string(): odd_text,
            pa.large_string(): odd_text,
            pa.binary(): st.binary(max_size=40),
            pa.int32(): st.integers(-(2**31), 2**31 - 1),
        },
        "date": {
            pa.string(): st.text(max_size=12),
            pa.timestamp("s"): st.datetimes(),
            pa.float64(): st.floats(allow_nan=False),
        },
    }
    columns = {
        name: draw(st.lists(st.one_of(st.none(), values[name][types[name]]), min_size=n, max_size=n))
        for name in ("id", "text", "date")
    }
    table = pa.table({name: pa.array(columns[name], type=types[name]) for name in columns})
    return table.to_pylist(), table


@given(table=parquet_table())
def test_parquet_reader_matches_reference(table: tuple[list[dict], Any]) -> None:
    records, arrow = table
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "table.parquet"
        pq.write_table(arrow, path, row_group_size=3)
        got = read(path)
    want = without_repeats([expected_record(r, f"table.parquet:{row}") for row, r in enumerate(records, start=1)])
    same_items(got, want)


# --- folders of .txt and .html files -----------------------------------------------------

folder_file = st.tuples(st.sampled_from([".txt", ".html", ".TXT", ".htm", ".md"]), encoded(), st.booleans())


@given(files=st.lists(folder_file, max_size=6))
def test_folder_reader_matches_reference(files: list[tuple[str, bytes, bool]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "collection"
        (root / "sub").mkdir(parents=True)
        (root / ".hidden").mkdir()
        (root / ".hidden" / "skip.txt").write_text("Hidden folders are not read at all.")
        names = []
        for k, (suffix, data, nested) in enumerate(files):
            name = f"{'sub/' if nested else ''}{k:02d}{suffix}"
            (root / name).write_bytes(data)
            names.append((name, data))
        got = read(root)
    want: list[Doc | Skip] = []
    for name, data in sorted(names):
        if not name.lower().endswith((".txt", ".htm", ".html")):
            continue
        try:
            loaded = load_bytes(data, name=name, max_bytes=CONFIG.max_bytes)
        except InputError:
            want.append(("skip", name))
            continue
        want.append(("doc", name, loaded.text, loaded.meta.date, loaded.meta.sitename, loaded.meta.url))
    same_items(got, want)


# --- WARC --------------------------------------------------------------------------------

pytest.importorskip("fastwarc")
from tests.scan.test_warc import HTTP_RESPONSE, http_response, warc_record  # noqa: E402

warc_entry = st.one_of(
    st.tuples(st.just("response"), st.sampled_from(["200 OK", "404 Not Found", "301 Moved"]), encoded()),
    st.tuples(st.just("resource"), st.sampled_from(["text/plain", "text/html", "image/png"]), encoded()),
    st.tuples(st.just("request"), st.just(""), st.just(b"GET / HTTP/1.1\r\nHost: example.com\r\n\r\n")),
    st.tuples(st.just("metadata"), st.just(""), any_text.map(lambda t: t.encode())),
)


URIS = ["https://a.example/1", "https://b.example/x?y=1", None]


def _warc_bytes(entries: list[tuple[str, str, bytes]], uris: list[str | None], per_record_gzip: bool) -> bytes:
    records = []
    for (kind, detail, body), uri in zip(entries, uris):
        date = "2024-03-01T08:00:00Z"
        if kind == "response":
            block = http_response(body, status=detail, content_type="text/html; charset=utf-8")
            records.append(warc_record(kind, uri, block, content_type=HTTP_RESPONSE, date=date))
        elif kind == "resource":
            records.append(warc_record(kind, uri, body, content_type=detail, date=date))
        elif kind == "request":
            records.append(warc_record(kind, uri, body, content_type="application/http; msgtype=request", date=date))
        else:
            records.append(warc_record(kind, uri, body, content_type="application/warc-fields", date=date))
    if per_record_gzip:
        return b"".join(gzip.compress(r) for r in records)
    return b"".join(records)


@given(
    entries=st.lists(warc_entry, max_size=6),
    uri_pool=st.lists(st.sampled_from(URIS), min_size=6, max_size=6),
    compression=st.sampled_from(["none", "per-record", "whole"]),
)
def test_warc_reader_matches_reference(
    entries: list[tuple[str, str, bytes]], uri_pool: list[str | None], compression: str
) -> None:
    data = _warc_bytes(entries, uri_pool, compression == "per-record")
    if compression == "whole":
        data = gzip.compress(data)
    ignored: Counter[str] = Counter()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / ("crawl.warc.gz" if compression != "none" else "crawl.warc")
        path.write_bytes(data)
        got = read(path, ignored=ignored)
    want: list[Doc | Skip] = []
    others = 0
    for number, ((kind, detail, body), uri) in enumerate(zip(entries, uri_pool), start=1):
        article = (kind == "response" and detail == "200 OK") or (kind == "resource" and detail != "image/png")
        if not article:
            others += 1
            continue
        html = kind == "response" or detail == "text/html"
        doc_id = uri or f"?{number}"  # without a URI, the record is named by its WARC-Record-ID
        try:
            loaded = load_bytes(body, name=f"{doc_id}#.html" if html else doc_id, max_bytes=CONFIG.max_bytes)
        except InputError:
            want.append(("skip", uri))
            continue
        want.append(("doc", doc_id, loaded.text, "2024-03-01T08:00:00Z", loaded.meta.sitename, uri))
    want = without_repeats(want)
    assert sum(ignored.values()) == others
    assert [g[0] for g in got] == [w[0] for w in want]
    for k, (g, w) in enumerate(zip(got, want)):
        if w[0] == "doc" and w[1].startswith("?"):
            assert g[1].startswith("<urn:uuid:")
            want[k] = ("doc", g[1], *w[2:])
        if w[0] == "skip" and w[1] is None:
            assert g[1] is None or g[1].startswith("<urn:uuid:")
    same_items(got, want)


# --- a text through every format gives the same document ---------------------------------


@given(text=st.one_of(prose(), odd_text))
def test_one_text_reads_the_same_from_every_format(text: str) -> None:
    try:
        expected = load_bytes(text.encode("utf-8"), name="doc", max_bytes=CONFIG.max_bytes).text
    except InputError:
        expected = None
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "feed.jsonl").write_text(json.dumps({"id": "doc", "text": text}) + "\n", encoding="utf-8")
        with open(root / "table.csv", "w", encoding="utf-8", newline="") as fh:
            csv.writer(fh).writerows([["id", "text"], ["doc", text]])
        pq.write_table(pa.table({"id": ["doc"], "text": [text]}), root / "table.parquet")
        (root / "folder").mkdir()
        (root / "folder" / "doc.txt").write_bytes(text.encode("utf-8"))
        for name in ("feed.jsonl", "table.csv", "table.parquet", "folder"):
            items = list(iter_documents([root / name]))
            docs = [i for i in items if isinstance(i, ScanDocument)]
            if expected is None:
                assert not docs, name
            else:
                assert [d.text for d in docs] == [expected], name


@given(
    st.lists(
        st.tuples(st.sampled_from(["a.jsonl", "b.jsonl"]), st.sampled_from([None, "x", "y", "a.jsonl:1", "b.jsonl:2"])),
        max_size=12,
    )
)
def test_ids_settled_by_group_are_the_stream_s(records: list[tuple[str, str | None]]) -> None:
    """Spark settles the ids of each group of documents that share one (settle_ids); the stream settles them in order.

    Records without an id get ``<file>:<line>``, which real ids may already hold. Real ids here
    carry no ``#``, the one case the two may differ (a made-up ``a.jsonl:1#2`` that is another
    record's real id).
    """
    from copytrail.scan.readers import is_made_up, settle_ids

    with tempfile.TemporaryDirectory() as tmp:
        files = {name: Path(tmp) / name for name in ("a.jsonl", "b.jsonl")}
        lines: dict[str, list[str]] = {name: [] for name in files}
        for name, doc_id in records:
            record = {"text": "A short text of a few words."} | ({"id": doc_id} if doc_id else {})
            lines[name].append(json.dumps(record))
        for name, path in files.items():
            path.write_text("".join(line + "\n" for line in lines[name]), encoding="utf-8")
        inputs = [files["a.jsonl"], files["b.jsonl"]]
        stream = [(type(i).__name__, i.id) for i in iter_documents(inputs)]
        # The raw records, as Spark's workers see them, in input order.
        from copytrail.scan.readers import jsonl_line_item

        raw = []
        for path in inputs:
            for number, line in enumerate(path.read_bytes().splitlines(keepends=True), 1):
                raw.append(jsonl_line_item(line, str(path), number, CONFIG))
    groups: dict[str, list[int]] = {}
    for position, item in enumerate(raw):
        groups.setdefault(str(item.id), []).append(position)
    settled: dict[int, tuple[str, str]] = {}
    for doc_id, members in groups.items():
        for position, (final, duplicate) in zip(members, settle_ids(doc_id, [is_made_up(raw[p].id) for p in members])):
            settled[position] = ("SkippedDocument", final) if duplicate else ("ScanDocument", final)
    assert [settled[p] for p in range(len(raw))] == stream
