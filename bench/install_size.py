"""The size of a fresh install of the README's main command, and what takes the room (issue 12: venv <= 500 MB).

Usage::

    python bench/install_size.py                 # clone HEAD, run the README's first command, measure its venv
    python bench/install_size.py --install-only  # only its `python3 -m venv` and `pip install` steps

The README's first command (the line that starts ``python3 -m venv .venv && .venv/bin/pip
install -e '.[embed``) is run in a fresh clone of this checkout's HEAD (uncommitted changes are
not in it), with ``../shared`` linked beside it and a fresh ``COPYTRAIL_CACHE``, and with
Python's bytecode written as a user's first run writes it. The venv is then measured: its whole
size on disk, and each installed distribution's files (from its RECORD), largest first, with
the packages that only one other package needs named as such. Results go to
``bench/results/install_size.{json,md}``; it takes one to two minutes (pip reads the package index).
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import ROOT, SHARED, git_revision, markdown_table, reproduce_command, write_results  # noqa: E402

TARGET_MB = 500
RESULTS = ROOT / "bench" / "results" / "install_size"
_MARKER = "python3 -m venv .venv && .venv/bin/pip install -e '.[embed"

# Run with the venv's own Python: each distribution's size from its RECORD, and who requires it.
_MEASURE = r"""
import importlib.metadata as md, json, os, re
sizes, needs = {}, {}
for dist in md.distributions():
    name = re.sub(r"[-_.]+", "-", dist.metadata["Name"]).lower()
    total = 0
    for f in dist.files or []:
        try:
            total += os.path.getsize(dist.locate_file(f))
        except OSError:
            pass
    sizes[name] = total
    needs[name] = sorted({re.sub(r"[-_.]+", "-", re.split(r"[ ;<>=!~\[(]", r)[0]).lower()
                          for r in dist.requires or [] if "extra ==" not in r})
print(json.dumps({"sizes": sizes, "needs": needs}))
"""


def readme_command(install_only: bool) -> str:
    """The README's first command (all of it, or its venv and pip steps)."""
    line = next(x for x in (ROOT / "README.md").read_text(encoding="utf-8").splitlines() if x.startswith(_MARKER))
    if not install_only:
        return line
    steps = [s for s in line.split(" && ") if s.startswith(("python3 -m venv", ".venv/bin/pip install"))]
    return " && ".join(steps)


def du_bytes(path: Path, *, apparent: bool = False) -> int:
    """Bytes under ``path``: the disk blocks they take, as ``du -sh`` counts them, or their apparent size."""
    flags = ["-sb"] if apparent else ["-sk"]
    out = subprocess.run(["du", *flags, str(path)], capture_output=True, text=True, check=True).stdout
    return int(out.split()[0]) * (1 if apparent else 1024)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--install-only", action="store_true", help="run only the venv and pip install steps")
    args = parser.parse_args(argv)
    command = readme_command(args.install_only)
    with tempfile.TemporaryDirectory(prefix="copytrail-install-") as tmp:
        checkout = Path(tmp) / "main"
        subprocess.run(["git", "clone", "-q", str(ROOT), str(checkout)], check=True)
        (Path(tmp) / "shared").symlink_to(SHARED)
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "VIRTUAL_ENV", "PYTHONPATH")}
        env["COPYTRAIL_CACHE"] = str(Path(tmp) / "cache")
        started = time.perf_counter()
        done = subprocess.run(["bash", "-c", command], cwd=checkout, env=env, capture_output=True, text=True)
        seconds = time.perf_counter() - started
        if done.returncode != 0:
            print(done.stdout[-3000:], done.stderr[-3000:], sep="\n")
            print(f"the README's command failed (exit {done.returncode})", file=sys.stderr)
            return 1
        venv = checkout / ".venv"
        total, apparent = du_bytes(venv), du_bytes(venv, apparent=True)
        python = str(venv / "bin" / "python")
        found = subprocess.run([python, "-c", _MEASURE], capture_output=True, text=True, check=True)
        measured = json.loads(found.stdout)
    sizes, needs = measured["sizes"], measured["needs"]
    required_by: dict[str, list[str]] = {}
    for name, wanted in needs.items():
        for dependency in wanted:
            required_by.setdefault(dependency, []).append(name)
    rows = [
        (name, f"{size / 2**20:.1f}", ", ".join(sorted(required_by.get(name, []))) or "(installed by the command)")
        for name, size in sorted(sizes.items(), key=lambda item: -item[1])
        if size >= 2**20
    ]
    total_mb = total / 2**20
    verdict = "met" if total_mb <= TARGET_MB else "missed"
    lines = [
        "# A fresh install of the README's main command",
        "",
        f"`{reproduce_command()}` at {git_revision()}: `{shlex.quote(command)[:120]}...` "
        f"ran in {seconds:.0f} s. The venv takes **{total_mb:.0f} MB** on disk, as `du -sh` counts it "
        f"({apparent / 2**20:.0f} MB of file contents; target {TARGET_MB} MB: **{verdict}**).",
        "",
        "Distributions of 1 MB or more, by the size of the files their RECORD lists:",
        "",
        *markdown_table(("distribution", "MB", "required by"), rows, align="lrl"),
    ]
    data = {
        "revision": git_revision(),
        "command": command,
        "seconds": round(seconds, 1),
        "venv_bytes": total,
        "venv_apparent_bytes": apparent,
        "target_mb": TARGET_MB,
        "distributions": dict(sorted(sizes.items(), key=lambda item: -item[1])),
        "required_by": required_by,
    }
    write_results(RESULTS, data, "\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
