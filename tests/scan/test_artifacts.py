"""Temporary files of the output folder: removed on SIGTERM, and on the next run after a SIGKILL."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from copytrail.scan.artifacts import ArtifactStore

ROOT = Path(__file__).resolve().parents[2]
DEAD = 999_999_999  # above any pid_max, so no process has it

# The CLI, with the read stage held up after its first document (its temporary files open).
SLOW_CLI = """
import sys, time
import copytrail.scan.driver_read as run

real = run.iter_documents

def slow(*args, **kwargs):
    for number, item in enumerate(real(*args, **kwargs)):
        yield item
        if number == 0:
            print("READY", flush=True)
            time.sleep(60)

run.iter_documents = slow
from copytrail.cli.main import entry_point
sys.argv[0] = "copytrail"
entry_point()
"""


def test_stale_temporaries_of_dead_processes_are_removed(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / ".spill" / f"pid-{DEAD}").mkdir(parents=True)
    (out / ".spill" / f"pid-{DEAD}" / "0.hashes").write_bytes(b"x")
    (out / ".stages").mkdir()
    stale = [out / f".pairs.jsonl.tmp-{DEAD}", out / ".stages" / f".read.json.tmp-{DEAD}"]
    live = [out / f".documents.jsonl.tmp-{os.getpid()}", out / "notes.tmp-1"]  # a running writer; not ours
    for path in stale + live:
        path.write_text("half written")
    (out / ".spill" / f"pid-{os.getpid()}").mkdir()
    ArtifactStore(out)
    assert not any(p.exists() for p in stale) and not (out / ".spill" / f"pid-{DEAD}").exists()
    assert all(p.exists() for p in live) and (out / ".spill" / f"pid-{os.getpid()}").exists()


def _start(tmp_path: Path, *args: str) -> subprocess.Popen:
    feed = tmp_path / "feed.jsonl"
    feed.write_text(
        "".join(json.dumps({"id": f"d{i}", "text": f"Document {i} has words of its own."}) + "\n" for i in range(3)),
        encoding="utf-8",
    )
    (tmp_path / "tmp").mkdir()
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"), TMPDIR=str(tmp_path / "tmp"))
    proc = subprocess.Popen(
        [sys.executable, "-c", SLOW_CLI, *args, str(feed), "--no-progress"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        text=True,
    )
    assert proc.stdout.readline().strip() == "READY", proc.stderr.read()
    return proc


def _temporaries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*") if ".tmp-" in p.name)


@pytest.mark.parametrize("command", ["scan", "dedup"])
def test_sigterm_removes_temporary_files_and_says_a_rerun_resumes(tmp_path: Path, command: str) -> None:
    out = tmp_path / "out"
    args = ["scan", "--out", str(out)] if command == "scan" else ["dedup", "--out", str(tmp_path / "u.jsonl")]
    proc = _start(tmp_path, *args)
    try:
        if command == "scan":
            assert _temporaries(out)  # the read stage's artifacts are being written
        else:
            (work,) = (tmp_path / "tmp").iterdir()
            assert work.name.startswith(f"copytrail-dedup-{proc.pid}-") and _temporaries(work)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 143
        stderr = proc.stderr.read()
        assert "Traceback" not in stderr
        if command == "scan":
            assert f"Terminated; rerun the same command to resume from the stages finished in {out}." in stderr
            assert _temporaries(out) == []
        else:
            assert "Terminated; rerun the same command to start again" in stderr
            assert list((tmp_path / "tmp").iterdir()) == []
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.stdout.close()
        proc.stderr.close()


def _feed(tmp_path: Path) -> Path:
    story = "The council approved the new budget on Tuesday after a long debate about road repairs. " * 4
    other = "A storm closed the northern ferry route for two days and stranded hundreds of travellers. " * 4
    feed = tmp_path / "feed.jsonl"
    rows = [{"id": "a", "text": story}, {"id": "b", "text": story}, {"id": "c", "text": other}]
    feed.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return feed


def test_a_damaged_or_foreign_artifact_is_made_again_not_read(tmp_path: Path) -> None:
    from copytrail.scan import scan

    feed, out = _feed(tmp_path), tmp_path / "out"
    first = scan([feed], out)
    whole = (out / "pairs.jsonl").read_text(encoding="utf-8")
    assert [(p.id_a, p.id_b) for p in first.pairs] == [("a", "b")]
    # Truncated mid-line: resuming read it back (JSONDecodeError). Now verify, and what follows, runs again.
    (out / "pairs.jsonl").write_text(whole[:20], encoding="utf-8")
    again = scan([feed], out)
    assert (out / "pairs.jsonl").read_text(encoding="utf-8") == whole
    assert [(p.id_a, p.id_b) for p in again.pairs] == [("a", "b")]
    assert again.stats["stages"]["verify"]["resumed"] is False and again.stats["stages"]["read"]["resumed"] is True
    # Lines of documents.jsonl deleted: dedup over the work folder once dropped them silently.
    docs = (out / "documents.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)
    (out / "documents.jsonl").write_text(docs[0], encoding="utf-8")
    assert scan([feed], out).stats["stages"]["read"]["resumed"] is False
    assert len((out / "documents.jsonl").read_text(encoding="utf-8").splitlines()) == 3
    # A stage marker that is valid JSON but not ours (it raised AttributeError).
    (out / ".stages" / "read.json").write_text("[]", encoding="utf-8")
    assert scan([feed], out).stats["stages"]["read"]["resumed"] is False
    assert all(stage["resumed"] for stage in scan([feed], out).stats["stages"].values())


def test_a_folder_of_other_files_is_no_scan_folder(tmp_path: Path) -> None:
    from copytrail.errors import OutputError
    from copytrail.scan import scan

    feed = _feed(tmp_path)
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "report.html").write_text("my own article", encoding="utf-8")
    link = tmp_path / "link"
    link.symlink_to(mine)
    for out in (mine, link, tmp_path):  # the user's folder, a link to it, the input's own folder
        with pytest.raises(OutputError, match="holds other files and no scan"):
            scan([feed], out)
    assert (mine / "report.html").read_text(encoding="utf-8") == "my own article"
    assert sorted(p.name for p in mine.iterdir()) == ["report.html"]
    empty = tmp_path / "empty"
    empty.mkdir()
    assert [(p.id_a, p.id_b) for p in scan([feed], empty).pairs] == [("a", "b")]


def test_a_second_run_into_a_folder_being_written_is_refused(tmp_path: Path) -> None:
    from copytrail.errors import OutputError
    from copytrail.scan import scan

    feed, out = _feed(tmp_path), tmp_path / "out"
    scan([feed], out)
    held = ArtifactStore.scan_folder(out).held()  # as a run in another process holds it
    with held, pytest.raises(OutputError, match="another copytrail run is writing to this folder"):
        scan([feed], out)
    assert [(p.id_a, p.id_b) for p in scan([feed], out).pairs] == [("a", "b")]
