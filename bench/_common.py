"""Helpers the bench scripts share: where the data is, which source ran, the command, timing and tables."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Benchmarks time the work, not copytrail's on-disk store of sentence vectors
# (copytrail.embed.store): a second run would otherwise embed nothing. Child processes
# inherit this; a script that measures the store sets it per run (bench/cli_compare.py).
os.environ.setdefault("COPYTRAIL_EMBEDDING_CACHE", "0")


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


def reproduce_command(script: str | None = None) -> str:
    """A shell line that reruns this script with the same arguments: ``cd ROOT && python bench/x.py ...``.

    ``script`` defaults to the running one (``sys.argv[0]``), relative to the checkout.
    """
    python = Path(sys.executable)
    try:
        shown = str(python.relative_to(ROOT))
    except ValueError:
        shown = str(python)
    script = script or shown_path(Path(sys.argv[0]).resolve())
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


def shown_path(path: Path) -> str:
    """``path`` relative to the checkout when inside it (for messages)."""
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def write_json(path: Path, data: object) -> str:
    """Write ``data`` as indented UTF-8 JSON (folders made as needed); returns the path as shown."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    return shown_path(path)


def write_results(stem: Path, data: object, markdown: str) -> None:
    """``stem.json`` (everything) and ``stem.md`` (the tables), folders made as needed."""
    write_json(Path(f"{stem}.json"), data)
    Path(f"{stem}.md").write_text(markdown, encoding="utf-8")


# --------------------------------------------------------------------------- process trees

_PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024


def child_pids(pid: int) -> list[int]:
    """Child pids of ``pid``, from /proc/PID/task/*/children (cheap: only the tree is read)."""
    out: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return out
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as fh:
                out.extend(int(c) for c in fh.read().split())
        except OSError:
            continue
    return out


def rss_kb(pid: int) -> int:
    """Resident set size of one process, in kB (0 when it has gone).

    Not PSS: /proc/PID/smaps_rollup walks the page tables, ~50 ms for a 1 GB process,
    which sampled several times a second would take a good part of a core from the run.
    """
    try:
        with open(f"/proc/{pid}/statm", encoding="ascii") as fh:
            return int(fh.read().split()[1]) * _PAGE_KB
    except OSError:
        return 0


def tree_rss_mb(root: int, *, include_root: bool = True) -> float:
    """Summed RSS of ``root`` (unless ``include_root`` is false) and all its descendants, in MB.

    Pages shared between processes count once per process, so this is an upper bound.
    """
    todo = [root] if include_root else child_pids(root)
    total = 0
    while todo:
        pid = todo.pop()
        total += rss_kb(pid)
        todo.extend(child_pids(pid))
    return total / 1024
