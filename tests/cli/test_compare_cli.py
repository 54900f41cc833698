"""`copytrail compare` from the command line: output, exit codes and bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from copytrail.cli.main import main
from copytrail.report.json import schema
from tests.conftest import KHERSON_COPY, KHERSON_ORIGINAL, bbc_article, require_shared

STORY = (
    "The city council voted on Tuesday to close the old bridge over the river for repairs.\n\n"
    "Engineers said the steel beams had corroded far more than expected since the last inspection in 2019.\n\n"
    "Drivers will be sent through the northern tunnel, adding about twenty minutes to a typical commute.\n"
)


def run(*args: str, input: bytes | None = None):
    return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)


def validate(report: dict) -> None:
    jsonschema.validate(report, schema(), cls=jsonschema.Draft202012Validator)


def test_help_teaches_usage() -> None:
    result = run("compare", "--help")
    assert result.exit_code == 0
    flat = " ".join(result.output.split())
    for words in ("plain-text or HTML", "--json", "standard input", "Examples"):
        assert words in flat


def test_kherson_json_validates_and_names_the_rewrite() -> None:
    result = run("compare", str(require_shared(KHERSON_COPY)), str(require_shared(KHERSON_ORIGINAL)), "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    validate(report)
    assert report["relation"] == "rewrite"
    text_a = report["documents"]["a"]["text"]
    for passage in report["passages"]:
        assert text_a[passage["a"]["start"] : passage["a"]["end"]] == passage["a"]["text"]


def test_terminal_report_shows_relation_and_passages() -> None:
    result = run("compare", str(require_shared(KHERSON_COPY)), str(require_shared(KHERSON_ORIGINAL)))
    assert result.exit_code == 0
    assert "rewrite" in result.output
    assert "passage 1" in result.output
    assert "only in A" in result.output and "only in B" in result.output


def test_stdin_as_one_side(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text(STORY, encoding="utf-8")
    result = run("compare", str(path), "-", "--json", "--embedder", "none", input=STORY.encode())
    assert result.exit_code == 0
    report = json.loads(result.output)
    assert report["relation"] == "duplicate"
    assert report["documents"]["b"]["name"] == "-"


def test_both_sides_stdin_is_a_usage_error() -> None:
    result = CliRunner().invoke(main, ["compare", "-", "-"], input=b"x")
    assert result.exit_code == 2
    assert "only one of A and B" in result.output


def _one_line_error(result, *needles: str) -> None:
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.strip().splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert "Traceback" not in result.output
    for needle in needles:
        assert needle in lines[0], lines[0]


def test_missing_path(tmp_path: Path) -> None:
    missing = tmp_path / "nope.txt"
    _one_line_error(run("compare", str(missing), str(missing)), "nope.txt", "InputNotFound")


def test_empty_file(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    other = tmp_path / "other.txt"
    other.write_text(STORY, encoding="utf-8")
    _one_line_error(run("compare", str(empty), str(other)), "empty.txt", "empty")


def test_binary_file(tmp_path: Path) -> None:
    binary = tmp_path / "photo.png"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40)
    other = tmp_path / "other.txt"
    other.write_text(STORY, encoding="utf-8")
    _one_line_error(run("compare", str(other), str(binary)), "photo.png", "BinaryInput")


def test_fifty_megabyte_file_is_refused_quickly(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    with big.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)  # sparse: size without writing 50 MB
    other = tmp_path / "other.txt"
    other.write_text(STORY, encoding="utf-8")
    _one_line_error(run("compare", str(big), str(other)), "big.txt", "MB", "--max-size")


@pytest.mark.parametrize(
    ("encoding", "prefix"),
    [("latin-1", b""), ("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff")],
)
def test_other_encodings_compare_like_utf8(tmp_path: Path, encoding: str, prefix: bytes) -> None:
    text = STORY.replace("council", "conseil municipal de Zürich (café)")
    utf8 = tmp_path / "a.txt"
    utf8.write_text(text, encoding="utf-8")
    other = tmp_path / f"b-{encoding}.txt"
    other.write_bytes(prefix + text.encode(encoding))
    result = run("compare", str(utf8), str(other), "--json", "--embedder", "none")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["documents"]["b"]["text"] == text
    assert report["relation"] == "duplicate"


def test_html_input_goes_through_the_extractor(tmp_path: Path) -> None:
    article = bbc_article("politics", "001").read_text(encoding="utf-8")
    title, _, body = article.partition("\n")
    paragraphs = "".join(f"<p>{p}</p>\n" for p in body.split("\n\n") if p.strip())
    html = (
        f"<!doctype html><html><head><title>{title}</title></head><body>"
        "<nav><a href='/'>Home</a> <a href='/news'>News</a> <a href='/sport'>Sport</a></nav>"
        f"<article><h1>{title}</h1>{paragraphs}</article>"
        "<footer>Copyright 2005 Example Media. All rights reserved.</footer></body></html>"
    )
    page = tmp_path / "page.html"
    page.write_text(html, encoding="utf-8")
    plain = tmp_path / "plain.txt"
    plain.write_text(article, encoding="utf-8")
    result = run("compare", str(page), str(plain), "--json", "--embedder", "none")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    validate(report)
    assert report["documents"]["a"]["source_format"] == "html"
    assert "Sport" not in report["documents"]["a"]["text"]
    assert report["relation"] in {"duplicate", "near_duplicate"}


def test_installed_console_script_runs_without_traceback(tmp_path: Path) -> None:
    missing = tmp_path / "missing.txt"
    env = dict(os.environ, NO_COLOR="1")
    exe = Path(sys.executable).with_name("copytrail")
    if not exe.exists():
        pytest.skip("console script not installed in this environment")
    proc = subprocess.run([str(exe), "compare", str(missing), str(missing)], capture_output=True, text=True, env=env)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "missing.txt" in proc.stderr


def test_background_folder_takes_shared_chrome_out_of_the_evidence(tmp_path: Path) -> None:
    from tests.test_chrome_and_stock_text import BUSINESS, SITE_A, article, page

    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text(page(article(BUSINESS[10]), SITE_A), encoding="utf-8")
    b.write_text(page(article(BUSINESS[11]), SITE_A), encoding="utf-8")
    pages = tmp_path / "site"
    pages.mkdir()
    for i, rel in enumerate(BUSINESS[20:26]):
        (pages / f"{i}.txt").write_text(page(article(rel), SITE_A), encoding="utf-8")
    result = run("compare", str(a), str(b), "--embedder", "none", "--json", "--no-text", "--background", str(pages))
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["relation"] == "unrelated" and len(data["shared_boilerplate"]) >= 3
    empty = tmp_path / "empty"
    empty.mkdir()
    refused = CliRunner().invoke(main, ["compare", str(a), str(b), "--background", str(empty)])
    assert refused.exit_code == 2 and "holds no .txt or .html files" in refused.output


def test_compare_imports_no_scan_or_service_code(tmp_path: Path) -> None:
    """scan, dedup, index and serve load on first use: compare pays nothing for pyarrow or FastAPI."""
    a = tmp_path / "a.txt"
    a.write_text(STORY, encoding="utf-8")
    code = (
        "import sys; from copytrail.cli.main import main\n"
        f"try: main(['compare', '--embedder', 'none', {str(a)!r}, {str(a)!r}])\n"
        "except SystemExit as exit: assert exit.code == 0, exit.code\n"
        "print(sorted(m for m in ('pyarrow', 'fastapi', 'copytrail.scan', 'copytrail.archive') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    assert done.stdout.strip().splitlines()[-1] == "[]"
    listed = run("--help").output
    for command in ("compare", "dedup", "index", "scan", "serve"):
        assert f"  {command} " in listed
