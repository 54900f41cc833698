"""``copytrail serve`` refuses to start without a usable token, with one line that says how to make one."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from copytrail.cli.main import main


def test_no_token_is_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COPYTRAIL_TOKEN", raising=False)
    result = CliRunner().invoke(main, ["serve", "--index", str(tmp_path / "a.db")])
    assert result.exit_code == 2
    assert "COPYTRAIL_TOKEN" in result.stderr and "openssl rand -hex 32" in result.stderr


def test_a_short_or_missing_token_file_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COPYTRAIL_TOKEN", "long-enough-token-in-the-environment")
    short = tmp_path / "token"
    short.write_text("abc\n")
    result = CliRunner().invoke(main, ["serve", "--index", str(tmp_path / "a.db"), "--token-file", str(short)])
    assert result.exit_code == 2 and "at least 16 characters" in result.stderr
    missing = tmp_path / "nope"
    result = CliRunner().invoke(main, ["serve", "--index", str(tmp_path / "a.db"), "--token-file", str(missing)])
    assert result.exit_code == 2 and "no such token file" in result.stderr
