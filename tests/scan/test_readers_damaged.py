"""Damaged and odd inputs: one bad item never stops a read, and every document taken in is read or skipped."""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import signal
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from copytrail.errors import InputError, NotAFile
from copytrail.scan import ReaderConfig, ScanDocument, SkippedDocument, iter_documents, readers
from copytrail.scan.readers import input_signature
from copytrail.scan.tally import ReadTally, reason_kind


def text(n: int) -> str:
    return f"Document {n} tells its own story in a few plain words, number {n} of many."


Read = tuple[list[ScanDocument], list[SkippedDocument], ReadTally]


def read(*inputs: Path, config: ReaderConfig | None = None) -> Read:
    tally = ReadTally()
    items = list(iter_documents(list(inputs), config, tally=tally))
    docs = [i for i in items if isinstance(i, ScanDocument)]
    skips = [i for i in items if isinstance(i, SkippedDocument)]
    # The accounting this file is about: documents in = documents read + documents skipped.
    assert tally.taken_in == len(docs) + len(skips) == tally.documents + tally.skipped_total
    assert tally.check() == 0
    return docs, skips, tally


@pytest.fixture
def no_hang() -> Iterator[None]:
    """Fail, instead of hanging the suite, if a read blocks (on a FIFO, say)."""

    def hung(signum: int, frame: object) -> None:
        raise TimeoutError("the read blocked")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(10)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def test_links_loops_and_fifos_in_a_folder_are_skipped_with_the_reason(tmp_path: Path, no_hang: None) -> None:
    (tmp_path / "good.txt").write_text(text(1), encoding="utf-8")
    (tmp_path / "dangling.txt").symlink_to(tmp_path / "nowhere.txt")
    (tmp_path / "loop.txt").symlink_to(tmp_path / "loop.txt")
    os.mkfifo(tmp_path / "fifo.txt")
    (tmp_path / "feed.xml").write_text("<rss/>", encoding="utf-8")
    docs, skips, tally = read(tmp_path)
    assert [d.id for d in docs] == ["good.txt"]
    reasons = {Path(s.file).name: s.reason for s in skips}
    assert set(reasons) == {"dangling.txt", "loop.txt", "fifo.txt"}
    assert "symbolic link to a file that does not exist" in reasons["dangling.txt"]
    assert "symbolic links" in reasons["loop.txt"]
    assert "FIFO" in reasons["fifo.txt"] and "not a regular file" in reasons["fifo.txt"]
    assert tally.ignored_files == {str(tmp_path): {".xml": 1}}
    assert input_signature([tmp_path])  # a dangling link or loop no longer breaks the resume key


def test_a_file_that_vanishes_after_the_listing_is_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "a.txt").write_text(text(1), encoding="utf-8")
    (tmp_path / "b.txt").write_text(text(2), encoding="utf-8")
    listed = readers._list_folder(tmp_path, ReaderConfig())
    (tmp_path / "b.txt").unlink()  # deleted just after the scan listed the folder
    monkeypatch.setattr(readers, "_list_folder", lambda root, config: listed)
    signature = input_signature([tmp_path])
    assert [row[1:] for row in signature if row[1] == "b.txt"] == [["b.txt", None, None]]
    docs, skips, _ = read(tmp_path)
    assert [d.id for d in docs] == ["a.txt"]
    assert [(s.id, s.reason) for s in skips] == [
        ("b.txt", "vanished before it could be read (deleted or moved during the scan)")
    ]


def test_an_unreadable_sub_folder_is_skipped_with_the_reason(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "open").mkdir()
    (tmp_path / "open" / "a.txt").write_text(text(1), encoding="utf-8")
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "b.txt").write_text(text(2), encoding="utf-8")
    scandir = os.scandir

    def refusing(path: str | os.PathLike[str] = ".") -> object:
        # chmod 000 does not stop root, so the listing is refused here instead.
        if Path(path).name == "locked":
            raise PermissionError(13, "Permission denied", str(path))
        return scandir(path)

    monkeypatch.setattr(os, "scandir", refusing)
    docs, skips, _ = read(tmp_path)
    assert [d.id for d in docs] == ["open/a.txt"]
    assert [(s.file, s.line) for s in skips] == [(str(tmp_path / "locked"), None)]
    assert "folder cannot be read (Permission denied)" in skips[0].reason


def test_fifos_devices_and_loops_given_as_inputs_fail_at_once(tmp_path: Path, no_hang: None) -> None:
    fifo = tmp_path / "feed.jsonl"
    os.mkfifo(fifo)
    with pytest.raises(NotAFile, match="FIFO"):
        list(iter_documents([fifo]))
    with pytest.raises(NotAFile, match="character device"):
        list(iter_documents(["/dev/zero"]))
    loop = tmp_path / "loop.jsonl"
    loop.symlink_to(loop)
    with pytest.raises(InputError, match="symbolic links"):
        list(iter_documents([loop]))
    with pytest.raises(InputError, match="file name is too long"):
        list(iter_documents([tmp_path / ("x" * 300 + ".jsonl")]))


def _cut_gzip(lines: list[str], keep: float) -> tuple[bytes, int]:
    """The gzip of ``lines`` cut to ``keep`` of its length, and how many whole lines the cut keeps."""
    data = gzip.compress("".join(lines).encode("utf-8"))
    cut = data[: int(len(data) * keep)]
    readable = zlib.decompressobj(wbits=31).decompress(cut)
    return cut, readable.count(b"\n")


def test_a_cut_jsonl_gz_keeps_every_line_before_the_cut(tmp_path: Path) -> None:
    lines = [json.dumps({"id": f"d{i}", "text": text(i) + " " + os.urandom(40).hex()}) + "\n" for i in range(60)]
    cut, whole = _cut_gzip(lines, 0.9)
    assert whole >= 50
    path = tmp_path / "feed.jsonl.gz"
    path.write_bytes(cut)
    docs, skips, _ = read(path)
    assert [d.id for d in docs] == [f"d{i}" for i in range(whole)]
    (skip,) = skips
    assert skip.line == whole + 1
    assert f"the compressed file ends early (cut short?); the {whole} lines before were read" in skip.reason


def test_a_corrupt_gzip_keeps_the_lines_before_the_damage(tmp_path: Path) -> None:
    lines = [json.dumps({"id": f"d{i}", "text": text(i)}) + "\n" for i in range(30)]
    # A sound first gzip member, then a second one whose deflate data is garbage.
    damaged = gzip.compress("".join(lines).encode("utf-8")) + b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff" + b"\xff" * 64
    path = tmp_path / "feed.jsonl.gz"
    path.write_bytes(damaged)
    docs, skips, _ = read(path)
    assert [d.id for d in docs] == [f"d{i}" for i in range(30)]
    (skip,) = skips
    assert skip.line == 31
    assert "the compressed file is damaged here" in skip.reason and "the 30 lines before were read" in skip.reason


def test_a_cut_csv_gz_keeps_the_records_before_the_cut(tmp_path: Path) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["id", "text"])
    writer.writerows([f"c{i}", text(i) + " " + os.urandom(40).hex()] for i in range(60))
    cut, whole = _cut_gzip(buffer.getvalue().splitlines(keepends=True), 0.8)
    path = tmp_path / "dump.csv.gz"
    path.write_bytes(cut)
    docs, skips, _ = read(path)
    assert [d.id for d in docs] == [f"c{i}" for i in range(whole - 1)]  # the header is one of the lines
    assert len(skips) == 1 and "ends early" in skips[0].reason


def test_a_corrupt_parquet_row_group_costs_its_own_rows_only(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    path = tmp_path / "docs.parquet"
    table = pa.table({"id": [f"p{i}" for i in range(30)], "text": [text(i) for i in range(30)]})
    pq.write_table(table, path, row_group_size=10, compression="NONE")
    column = pq.ParquetFile(path).metadata.row_group(1).column(1)
    start = column.dictionary_page_offset or column.data_page_offset
    data = bytearray(path.read_bytes())
    data[start : start + column.total_compressed_size] = b"\xff" * column.total_compressed_size
    path.write_bytes(bytes(data))
    docs, skips, tally = read(path)
    assert [d.id for d in docs] == [f"p{i}" for i in [*range(10), *range(20, 30)]]
    assert [s.line for s in skips] == list(range(11, 21))
    assert all(s.reason.startswith("row group 2 of 3 cannot be read") for s in skips)
    assert tally.taken_in == 30


def test_an_unclosed_csv_quote_is_reported_not_merged(tmp_path: Path) -> None:
    path = tmp_path / "dump.csv"
    path.write_text(
        'id,text,date\n1,"First, fine.",2005\n2,"Second has an unclosed quote,2005\n3,"Third, fine.",2005\n'
        "4,Fourth fine,2005\n",
        encoding="utf-8",
    )
    docs, skips, _ = read(path)
    assert [(d.id, d.text) for d in docs] == [("1", "First, fine."), ("3", "Third, fine."), ("4", "Fourth fine")]
    assert [s.line for s in skips] == [3]
    assert "malformed CSV" in skips[0].reason and "quote" in skips[0].reason

    at_the_end = tmp_path / "end.csv"
    at_the_end.write_text('id,text\n1,"Unclosed to the end\n2,Two\n3,Three\n', encoding="utf-8")
    docs, skips, _ = read(at_the_end)
    assert [d.id for d in docs] == ["2", "3"]
    assert [s.line for s in skips] == [2] and "lines 2-4" in skips[0].reason


def test_jsonl_reasons_read_well(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    path.write_text('{"id": oops}\n{"id": "a", "text": "unterminated', encoding="utf-8")
    _, skips, _ = read(path)
    assert [s.reason for s in skips] == [
        "malformed JSON (expecting value at column 8)",
        "malformed JSON (unterminated string starting at column 21)",
    ]
    assert not any("at at" in s.reason for s in skips)


@pytest.mark.parametrize("field", ["id", "text"])
def test_a_lone_surrogate_in_the_id_or_text_skips_its_record(tmp_path: Path, field: str) -> None:
    # JSON may escape half a surrogate pair ("\\ud800"), and the CSV reader keeps bytes that are
    # not UTF-8 as lone surrogates; no artifact can hold one as UTF-8.
    path = tmp_path / "feed.jsonl"
    bad = {"id": "a", "text": text(1), field: ("half \ud800 a pair" if field == "text" else "a\ud800")}
    path.write_text(json.dumps(bad) + "\n" + json.dumps({"id": "b", "text": text(2)}) + "\n", encoding="utf-8")
    docs, skips, _ = read(path)
    assert [d.id for d in docs] == ["b"]
    (skip,) = skips
    name = "text" if field == "text" else "field 'id'"
    assert skip.line == 1 and skip.reason.startswith(f"{name} is not valid Unicode (")
    assert skip.id == ("a\\ud800" if field == "id" else "a")  # escaped, so that it can be saved
    skip.id.encode("utf-8")
    assert reason_kind(skip.reason) == f"{name} is not valid Unicode"


@pytest.mark.parametrize("field", ["date", "source", "url"])
def test_a_lone_surrogate_in_metadata_becomes_a_replacement_character(tmp_path: Path, field: str) -> None:
    # A date or URL with one bad byte is no reason to lose the document; written as it was, it
    # ended the scan with a traceback when documents.jsonl was written.
    path = tmp_path / "feed.jsonl"
    value = {"date": "2024-\udcff-01", "source": "Wire\udcff", "url": "http://ex\udcffample.com/a"}[field]
    path.write_text(json.dumps({"id": "a", "text": text(1), field: value}) + "\n", encoding="utf-8")
    (doc,), skips, _ = read(path)
    assert skips == []
    assert getattr(doc, field) == value.replace("\udcff", "\ufffd")


def test_json_past_pythons_own_limits_skips_its_line(tmp_path: Path) -> None:
    # Valid JSON that json.loads still refuses: an integer of over 4,300 digits, nesting past the
    # recursion limit. Only JSONDecodeError was caught, so the scan ended with a traceback.
    path = tmp_path / "feed.jsonl"
    lines = [
        json.dumps({"id": "a", "text": text(1)})[:-1] + ', "n": ' + "9" * 4301 + "}",
        "[" * 5000 + "]" * 5000,
        json.dumps({"id": "c", "text": text(3)}),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    docs, skips, _ = read(path)
    assert [d.id for d in docs] == ["c"]
    assert [(s.line, reason_kind(s.reason)) for s in skips] == [
        (1, "JSON that Python cannot read"),
        (2, "JSON nested too deeply to read"),
    ]


def test_a_file_name_that_is_not_utf8_gets_an_escaped_id(tmp_path: Path) -> None:
    # os.walk hands such a name over with a lone surrogate, which documents.jsonl could not hold.
    folder = tmp_path / "folder"
    folder.mkdir()
    with open(os.path.join(os.fsencode(folder), b"b\xff.txt"), "wb") as fh:
        fh.write(text(1).encode("utf-8"))
    with open(os.path.join(os.fsencode(folder), b"e\xfe.txt"), "wb") as fh:
        fh.write(b"  \n")
    docs, skips, _ = read(folder)
    assert [d.id for d in docs] == ["b\\xff.txt"]
    (skip,) = skips
    assert skip.id == "e\\xfe.txt" and skip.file.endswith("folder/e\\xfe.txt")
    for written in (docs[0].id, skip.id, skip.file):
        written.encode("utf-8")


def test_made_up_ids_never_take_a_real_id(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    records = [
        {"id": "feed.jsonl:2", "text": text(1)},  # a real id that looks made up
        {"text": text(2)},  # line 2, no id: would be made up as feed.jsonl:2
        {"text": text(3)},  # line 3, made up as feed.jsonl:3
        {"id": "feed.jsonl:3", "text": text(4)},  # a real id equal to an earlier made-up one
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    docs, skips, _ = read(path)
    assert [(d.id, d.text) for d in docs] == [
        ("feed.jsonl:2", text(1)),
        ("feed.jsonl:2#2", text(2)),
        ("feed.jsonl:3", text(3)),
    ]
    assert all(type(d.id) is str for d in docs)
    (skip,) = skips
    assert skip.id == "feed.jsonl:3" and "made up for an earlier record without one" in skip.reason


def test_reason_kinds_group_skips() -> None:
    assert reason_kind("malformed JSON (expecting value at column 8)") == "malformed JSON"
    assert reason_kind("duplicate id 'a'") == reason_kind("duplicate id 'zz'") == "duplicate id"
    assert reason_kind("over the 20971520 byte limit") == "over the N byte limit"
    assert reason_kind("is empty (only whitespace): nothing to compare") == "is empty"
