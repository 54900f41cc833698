"""``copytrail index``: add, query, delete and stats through the command line, with its exit statuses."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from copytrail.cli.main import main
from tests.conftest import BBC, KHERSON_COPY, KHERSON_ORIGINAL, require_shared


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_add_query_delete_stats(tmp_path: Path) -> None:
    db = str(tmp_path / "news.db")
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "original.txt").write_text(require_shared(KHERSON_ORIGINAL).read_text())
    (folder / "empty.txt").write_text("   \n")
    code, out, _ = _run("index", "add", "--index", db, str(folder))
    assert code == 0
    assert "2 documents in = 1 read + 1 skipped; 1 added" in out
    assert "empty.txt" in out  # the skip is listed with its reason
    code, out, _ = _run("index", "add", "--index", db, str(folder))
    assert code == 0 and "0 added, 0 replaced, 1 already archived" in out

    code, out, _ = _run("index", "query", "--index", db, str(require_shared(KHERSON_COPY)), "--json")
    assert code == 0
    (query,) = json.loads(out)["queries"]
    (match,) = query["matches"]
    assert match["id"] == "original.txt" and match["relation"] == "rewrite"
    assert match["report"]["relation"] == "rewrite" and match["report"]["passages"]

    code, out, _ = _run("index", "stats", "--index", db, "--json")
    assert code == 0 and json.loads(out)["documents"] == 1

    code, _, err = _run("index", "delete", "--index", db, "original.txt", "missing.txt")
    assert code == 2 and "missing.txt" in err and "nothing was deleted" in err
    code, out, _ = _run("index", "delete", "--index", db, "original.txt")
    assert code == 0 and "deleted 1 documents (0 left)" in out


def test_bad_archive_paths_are_one_line_errors(tmp_path: Path) -> None:
    code, _, err = _run("index", "stats", "--index", str(tmp_path / "nothing.db"))
    assert code == 2 and err.startswith("Error: ArchiveError:") and "no archive here" in err
    code, _, err = _run("index", "add", "--index", str(tmp_path / "no" / "such" / "a.db"), str(tmp_path))
    assert code == 2 and "does not exist" in err
    code, _, err = _run("index", "add", "--index", str(tmp_path / "a.db"), str(tmp_path / "missing-input"))
    assert code == 2 and "InputNotFound" in err


def test_scan_against_an_archive_finds_the_copy_and_can_add_it(tmp_path: Path) -> None:
    db = str(tmp_path / "news.db")
    archived, new = tmp_path / "archived", tmp_path / "new"
    archived.mkdir()
    new.mkdir()
    (archived / "original.txt").write_text(require_shared(KHERSON_ORIGINAL).read_text())
    (new / "copy.txt").write_text(require_shared(KHERSON_COPY).read_text())
    (new / "empty.txt").write_text("  \n")
    assert _run("index", "add", "--index", db, str(archived))[0] == 0

    code, out, _ = _run("scan", str(new), "--out", str(tmp_path / "out"), "--against", db, "--add")
    assert code == 0, out
    assert "rewrite" in out and "original.txt" in out
    assert "Checked 1 documents (1 skipped): 1 reuse an archived or earlier document, then added" in out
    (line,) = (tmp_path / "out" / "matches.jsonl").read_text().splitlines()
    record = json.loads(line)
    assert record["query"] == "copy.txt" and [m["id"] for m in record["matches"]] == ["original.txt"]
    assert "empty.txt" in (tmp_path / "out" / "documents-skipped.jsonl").read_text()
    code, out, _ = _run("index", "stats", "--index", db, "--json")
    assert json.loads(out)["documents"] == 2  # --add put the new document in

    code, _, err = _run("scan", str(new), "--out", str(tmp_path / "out2"), "--add")
    assert code == 2 and "--against" in err
    code, _, err = _run("scan", str(new), "--out", str(tmp_path / "out3"), "--against", str(tmp_path / "none.db"))
    assert code == 2 and "ArchiveError" in err


@pytest.mark.parametrize("field", ["--id-field", "--text-field"])
def test_an_empty_field_name_is_a_usage_error(tmp_path: Path, field: str) -> None:
    result = CliRunner().invoke(main, ["index", "add", "--index", str(tmp_path / "a.db"), str(tmp_path), field, ""])
    assert result.exit_code == 2 and f"Invalid value for '{field}'" in result.output, result.output
    scanned = CliRunner().invoke(main, ["scan", str(tmp_path), "--out", str(tmp_path / "o"), field, ""])
    assert scanned.exit_code == 2 and f"Invalid value for '{field}'" in scanned.output, scanned.output


def test_a_skip_list_in_a_missing_folder_fails_before_anything_is_added(tmp_path: Path) -> None:
    story = tmp_path / "in" / "a.txt"
    story.parent.mkdir()
    story.write_text("The council approved the new budget on Tuesday after a long debate.\n", encoding="utf-8")
    index = tmp_path / "a.db"
    skipped = tmp_path / "missing" / "skipped.jsonl"
    result = CliRunner().invoke(
        main, ["index", "add", "--index", str(index), str(story.parent), "--skipped", str(skipped)]
    )
    assert result.exit_code == 2 and "OutputError" in result.output and "does not exist" in result.output
    assert not index.exists()


def test_a_file_name_that_is_not_utf8_is_archived_and_listed(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    with open(os.path.join(os.fsencode(folder), b"a\xff.txt"), "wb") as fh:
        fh.write(b"The council approved the new budget on Tuesday after a long debate.\n")
    with open(os.path.join(os.fsencode(folder), b"e\xfe.txt"), "wb") as fh:
        fh.write(b"\n")
    skipped = tmp_path / "skipped.jsonl"
    args = ["index", "add", "--index", str(tmp_path / "a.db"), str(folder), "--skipped", str(skipped)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "1 added" in result.output
    assert [json.loads(line)["id"] for line in skipped.read_text(encoding="utf-8").splitlines()] == ["e\\xfe.txt"]


def test_an_archive_damaged_past_its_first_pages_is_one_line_not_a_traceback(tmp_path: Path) -> None:
    folder = require_shared(BBC / "business")
    index = tmp_path / "a.db"
    assert CliRunner().invoke(main, ["index", "add", "--index", str(index), str(folder)]).exit_code == 0
    data = bytearray(index.read_bytes())
    assert len(data) > 2 << 20  # the damaged page below lies inside the file
    data[1 << 20 : (1 << 20) + 4096] = bytes(range(256)) * 16  # one page in the middle, overwritten
    index.write_bytes(bytes(data))
    query = CliRunner().invoke(main, ["index", "query", "--index", str(index), str(folder / "001.txt")])
    assert query.exit_code == 2, query.output
    assert query.output.startswith("Error: ArchiveError: the archive: is damaged (") and "index add" in query.output


def test_a_write_another_process_raced_says_to_run_again() -> None:
    import sqlite3

    from copytrail.cli.handling import _archive_error

    raced = str(_archive_error(sqlite3.IntegrityError("UNIQUE constraint failed: documents.id")))
    assert "another process wrote the same documents at once" in raced and "run the command again" in raced
