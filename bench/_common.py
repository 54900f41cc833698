"""Helpers the bench scripts share: where the data is, which source ran, the command, timing and tables."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def shared_dir() -> Path:
    """The ``shared`` folder beside the checkout (data and examples).

    ``$COPYTRAIL_SHARED`` wins; otherwise the first ``shared`` folder found beside the checkout or
    beside one of its parents, so that a git worktree kept in a subfolder (``wt/<branch>``) finds it
    too. Falls back to ``ROOT.parent / "shared"`` (which may not exist: scripts say so when they read).
    """
    if os.environ.get("COPYTRAIL_SHARED"):
        return Path(os.environ["COPYTRAIL_SHARED"])
    for folder in ROOT.parents:
        if (folder / "shared").is_dir():
            return folder / "shared"
    return ROOT.parent / "shared"


SHARED = shared_dir()
DATA = SHARED / "data"


def _git(*args: str) -> str:
    return subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True, check=True).stdout.strip()


def git_revision(*, short: bool = True) -> str | None:
    """HEAD, marked ``+dirty-src`` when src/ has changes or new files (others edit the engine meanwhile).

    None when git cannot tell (not a checkout, no git).
    """
    try:
        head = _git("rev-parse", *(["--short"] if short else []), "HEAD")
        dirty = _git("status", "--porcelain", "--", "src")
    except (OSError, subprocess.CalledProcessError):
        return None
    return head + ("+dirty-src" if dirty else "")


def source_state() -> dict[str, object]:
    """The commit the measured copytrail came from, and its uncommitted src/ files."""
    try:
        commit = _git("rev-parse", "HEAD")
        changed = [line[3:] for line in _git("status", "--porcelain", "--", "src").splitlines()]
    except (OSError, subprocess.CalledProcessError):
        return {"commit": None, "uncommitted_src_files": []}
    return {"commit": commit, "uncommitted_src_files": changed}


def reproduce_command(script: str) -> str:
    """A shell line that reruns this script with the same arguments: ``cd ROOT && python bench/x.py ...``."""
    python = Path(sys.executable)
    try:
        shown = str(python.relative_to(ROOT))
    except ValueError:
        shown = str(python)
    return f"cd {shlex.quote(str(ROOT))} && " + shlex.join([shown, script, *sys.argv[1:]])


class Stopwatch:
    """Wall-clock seconds since it was made (``seconds``), and named laps (``lap(name)``)."""

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.laps: dict[str, float] = {}
        self._last = self.started

    @property
    def seconds(self) -> float:
        return time.perf_counter() - self.started

    def lap(self, name: str) -> float:
        now = time.perf_counter()
        self.laps[name] = now - self._last
        self._last = now
        return self.laps[name]


@contextmanager
def timed() -> Iterator[list[float]]:
    """``with timed() as t: ...``; afterwards ``t[0]`` holds the block's wall-clock seconds."""
    box: list[float] = []
    started = time.perf_counter()
    try:
        yield box
    finally:
        box.append(time.perf_counter() - started)


def markdown_table(header: Sequence[str], rows: Iterable[Sequence[object]], *, align: str = "") -> list[str]:
    """A markdown table as lines; ``align`` is one character per column (``l``, ``r``, ``c``), left by default."""
    marks = {"l": "---", "r": "---:", "c": ":---:"}
    rule = [marks.get(align[i] if i < len(align) else "l", "---") for i in range(len(header))]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(rule) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return lines


def fmt(x: float | None, digits: int = 3) -> str:
    """A figure with ``digits`` decimals, or an en dash when there is none."""
    return "–" if x is None else f"{x:.{digits}f}"
