"""Reading collections: folders, JSONL, CSV/TSV and Parquet, with bad documents skipped, not fatal."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from copytrail.errors import InputNotFound
from copytrail.scan import ReaderConfig, ScanDocument, SkippedDocument, UnusableInput, iter_documents
from tests.conftest import BBC, require_shared

ARTICLE = "business/001.txt"


def _split(items: list) -> tuple[list[ScanDocument], list[SkippedDocument]]:
    docs = [i for i in items if isinstance(i, ScanDocument)]
    skips = [i for i in items if isinstance(i, SkippedDocument)]
    assert len(docs) + len(skips) == len(items)
    return docs, skips


@pytest.fixture
def article() -> str:
    return (require_shared(BBC) / ARTICLE).read_text(encoding="utf-8")


def test_folder_ids_are_relative_paths_and_bad_files_are_skipped(tmp_path: Path, article: str) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "story.txt").write_text(article, encoding="utf-8")
    (tmp_path / "page.HTML").write_text(
        "<html><head><title>T</title></head><body><article><p>"
        + "</p><p>".join(article.split("\n\n")[1:])
        + "</p></article></body></html>",
        encoding="utf-8",
    )
    (tmp_path / "empty.txt").write_text("  \n", encoding="utf-8")
    (tmp_path / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    (tmp_path / "notes.md").write_text("not read: wrong ending", encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text(article, encoding="utf-8")

    docs, skips = _split(list(iter_documents([tmp_path])))
    assert [d.id for d in docs] == ["a/b/story.txt", "page.HTML"]
    assert docs[0].text.startswith("Ad sales boost Time Warner profit")
    assert "<p>" not in docs[1].text and "TimeWarner jumped 76%" in docs[1].text
    assert {Path(s.file).name: s.line for s in skips} == {"empty.txt": None, "image.txt": None}
    reasons = {s.id: s.reason for s in skips}
    assert "empty" in reasons["empty.txt"] and "PNG" in reasons["image.txt"]


def test_jsonl_lists_bad_lines_as_skipped(tmp_path: Path, article: str) -> None:
    path = tmp_path / "feed.jsonl"
    lines = [
        json.dumps({"id": "good-1", "text": article, "date": "2005-01-02", "source": "BBC", "url": "http://x/1"}),
        '{"id": "broken", "text": "unterminated',
        json.dumps({"id": "empty", "text": "   "}),
        json.dumps({"id": "no-text", "body": article}),
        json.dumps(["not", "an", "object"]),
        "",
        json.dumps({"id": 7, "text": "Seven is a number id, kept as a string."}),
    ]
    path.write_bytes("\n".join(lines).encode() + b"\n" + b'{"id": "latin", "text": "caf\xe9"}\n')

    docs, skips = _split(list(iter_documents([path])))
    assert [d.id for d in docs] == ["good-1", "7"]
    assert (docs[0].date, docs[0].source, docs[0].url) == ("2005-01-02", "BBC", "http://x/1")
    assert [(s.line, s.id) for s in skips] == [(2, None), (3, "empty"), (4, "no-text"), (5, None), (8, None)]
    reasons = [s.reason for s in skips]
    assert reasons[0].startswith("malformed JSON")
    assert "empty" in reasons[1]
    assert reasons[2] == "no 'text' field"
    assert "not a JSON object" in reasons[3]
    assert "UTF-8" in reasons[4]
    assert all(s.file == str(path) for s in skips)


def test_jsonl_field_names_are_configurable(tmp_path: Path, article: str) -> None:
    path = tmp_path / "feed.ndjson"
    path.write_text(json.dumps({"guid": "g1", "body": article, "published": "2005-03-04"}) + "\n", encoding="utf-8")
    config = ReaderConfig(id_field="guid", text_field="body", date_field="published")
    (doc,) = iter_documents([path], config)
    assert (doc.id, doc.date) == ("g1", "2005-03-04")
    assert doc.text.startswith("Ad sales boost")


def test_csv_and_tsv_inputs(tmp_path: Path, article: str) -> None:
    path = tmp_path / "dump.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["id", "text", "date"])
        writer.writerow(["c1", article, "2005-01-01"])  # quoted newlines inside the field
        writer.writerow(["c2", "", "2005-01-02"])
        writer.writerow(["c3", "Short, but a document all the same.", ""])
    docs, skips = _split(list(iter_documents([path])))
    assert [(d.id, d.date) for d in docs] == [("c1", "2005-01-01"), ("c3", None)]
    assert docs[0].text == article
    assert [(s.id, s.line) for s in skips] == [("c2", skips[0].line)] and "empty" in skips[0].reason

    tsv = tmp_path / "dump.tsv"
    tsv.write_text("id\ttext\nt1\tTabs separate these fields.\n", encoding="utf-8")
    assert [d.id for d in iter_documents([tsv]) if isinstance(d, ScanDocument)] == ["t1"]


def test_csv_without_the_text_column_is_an_error_naming_the_columns(tmp_path: Path) -> None:
    path = tmp_path / "dump.csv"
    path.write_text("id,body\n1,hello\n", encoding="utf-8")
    with pytest.raises(UnusableInput, match=r"no 'text' column \(columns: id, body\); name it with --text-field"):
        list(iter_documents([path]))


def test_parquet_input(tmp_path: Path, article: str) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    path = tmp_path / "docs.parquet"
    table = pa.table({"id": ["p1", "p2", "p3"], "text": [article, None, "A second, short document."]})
    pq.write_table(table, path)
    docs, skips = _split(list(iter_documents([path])))
    assert [d.id for d in docs] == ["p1", "p3"]
    assert [(s.id, s.line, s.reason) for s in skips] == [("p2", 2, "no 'text' field")]


def test_duplicate_ids_across_inputs_are_skipped(tmp_path: Path) -> None:
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    one.write_text(json.dumps({"id": "x", "text": "The first document named x."}) + "\n", encoding="utf-8")
    two.write_text(json.dumps({"id": "x", "text": "Another document also named x."}) + "\n", encoding="utf-8")
    docs, skips = _split(list(iter_documents([one, two])))
    assert [d.text for d in docs] == ["The first document named x."]
    assert [(s.id, s.reason) for s in skips] == [("x", "duplicate id 'x'")]


def test_several_folders_prefix_ids_with_the_folder_name(tmp_path: Path) -> None:
    for name in ("left", "right"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "a.txt").write_text(f"The {name} copy of a.", encoding="utf-8")
    ids = [d.id for d in iter_documents([tmp_path / "left", tmp_path / "right"])]
    assert ids == ["left/a.txt", "right/a.txt"]


def test_missing_paths_and_unknown_formats_fail_at_once(tmp_path: Path) -> None:
    with pytest.raises(InputNotFound, match="no such file or folder"):
        list(iter_documents([tmp_path / "nope"]))
    odd = tmp_path / "data.xlsx"
    odd.write_bytes(b"PK\x03\x04")
    with pytest.raises(UnusableInput, match="unknown input format"):
        list(iter_documents([odd]))


def test_a_quoted_glob_pattern_reads_what_the_shell_would_expand_it_to(tmp_path: Path) -> None:
    """The local engine expands a pattern as Spark does, in sorted order; one that matches nothing is an error."""
    for name in ("b.jsonl", "a.jsonl", "c.txt"):
        (tmp_path / name).write_text(json.dumps({"id": name, "text": f"The text of {name}."}) + "\n", encoding="utf-8")
    pattern = str(tmp_path / "*.jsonl")
    by_pattern = list(iter_documents([pattern]))
    assert [d.id for d in by_pattern] == ["a.jsonl", "b.jsonl"]
    assert by_pattern == list(iter_documents([tmp_path / "a.jsonl", tmp_path / "b.jsonl"]))
    with pytest.raises(InputNotFound, match="matches no file or folder"):
        list(iter_documents([str(tmp_path / "*.parquet")]))
    with pytest.raises(InputNotFound, match=r"brace list .* only by --engine spark"):
        list(iter_documents([str(tmp_path / "{a,b}.jsonl")]))


def test_which_inputs_spark_reads_itself(tmp_path: Path) -> None:
    """In local mode Spark reads local JSONL and Parquet; on a cluster a plain path stays the driver's."""
    from types import SimpleNamespace

    pytest.importorskip("pyarrow")
    from copytrail.executors.spark_read import plan_inputs

    feed = tmp_path / "feed.jsonl"
    feed.write_text(json.dumps({"id": "a", "text": "A text."}) + "\n", encoding="utf-8")
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "a.html").write_text("<p>A page.</p>", encoding="utf-8")
    cluster = SimpleNamespace(sparkContext=SimpleNamespace(master="yarn"))
    local = SimpleNamespace(sparkContext=SimpleNamespace(master="local[2]"))
    config = ReaderConfig()
    assert plan_inputs(cluster, [str(feed)], config) is None  # the driver reads it
    assert plan_inputs(local, [str(pages), str(feed)], config) is None  # a folder of pages: the driver reads all
    for spark in (local, cluster):
        with pytest.raises(UnusableInput, match="is read on the driver, and s3a://b/x.jsonl only by Spark"):
            plan_inputs(spark, [str(pages), "s3a://b/x.jsonl"], config)
    with pytest.raises(UnusableInput, match="only by Spark"):
        plan_inputs(cluster, [str(feed), "hdfs:///x.parquet"], config)


def test_languages_identified_a_batch_at_a_time_equal_each_documents_own(tmp_path: Path) -> None:
    """Past a batch, with skips, short texts, text without letters and texts in capitals in between."""
    from copytrail.scan.readers import _LANGUAGE_BATCH, make_document

    texts = [
        "Russia announced on Friday that it has withdrawn all its troops from the city of Kherson, a setback.",
        "Russland hat am Freitag angekündigt, alle seine Truppen aus der Stadt Cherson abgezogen zu haben, sagte er.",
        "Россия заявила, что выводит войска с правого берега Днепра и из Херсона, сообщило министерство обороны.",
        "俄罗斯周五宣布已从赫尔松市撤出全部军队。" * 5,
        "RUSSIA ANNOUNCED ON FRIDAY THAT IT HAS WITHDRAWN ALL ITS TROOPS FROM THE CITY OF KHERSON, A SETBACK.",
        "12:30 — 45.6% / 2022 " * 10,
        "too short to tell",
        "",
    ]
    records = [{"id": f"d{k}", "text": texts[k % len(texts)] + f" {k}" * (k % 3)} for k in range(_LANGUAGE_BATCH + 40)]
    path = tmp_path / "feed.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n", encoding="utf-8")
    items = list(iter_documents([path]))
    assert len(items) == len(records)
    one_by_one = [
        make_document(r["id"], r["text"].encode(), file=str(path), line=k + 1, meta={}, config=ReaderConfig())
        for k, r in enumerate(records)
    ]
    assert items == one_by_one
    languages = {d.language for d in items if isinstance(d, ScanDocument)}
    assert {"en", "de", "ru", "zh", None} <= languages


def test_items_before_a_reader_error_come_out_first() -> None:
    from copytrail.scan.readers import _identified

    def reader():  # noqa: ANN202
        text = "Russia announced on Friday that it has withdrawn all its troops from the city of Kherson, a setback."
        yield ScanDocument("a", text)
        yield SkippedDocument("f", 2, "malformed JSON")
        raise OSError("disk gone")

    seen = []
    with pytest.raises(OSError, match="disk gone"):
        for item in _identified(reader()):
            seen.append(item)
    assert [type(i).__name__ for i in seen] == ["ScanDocument", "SkippedDocument"]
    assert seen[0].language == "en"
