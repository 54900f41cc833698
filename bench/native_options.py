"""What each way of running copytrail's inner loops natively would cost a user (issue 12).

Usage::

    python bench/native_options.py          # about a minute: pip installs numba into a scratch venv

The scan's profile is flat (no function holds more than 6% of the samples as its own time),
so matching MinHash's speed needs compiled code across segmentation, language identification
and alignment. This script measures what the routes open to a Python project cost, so that the
choice between them is made on numbers:

- **numba** (a wheel, no compiler): the room numba and llvmlite take in a venv, and the time
  ``import numba`` adds to a process that has numpy already (median of fresh processes);
- **a C or Cython extension**: whether a C compiler and Python's headers are on this machine,
  as ``pip install`` of copytrail from source would need them on every user's machine;
- **Rust (pyo3, maturin)**: whether crates.io, where pyo3 comes from, can be reached.

Results: ``bench/results/native_options.{json,md}``.
"""

from __future__ import annotations

import json
import shutil
import socket
import statistics
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import ROOT, reproduce_command, write_results  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "native_options"
IMPORT_RUNS = 7
# Each distribution's files, from its RECORD (what the venv holds for it).
_SIZES = r"""
import importlib.metadata as md, json, os
out = {}
for name in ("numba", "llvmlite"):
    dist = md.distribution(name)
    paths = [dist.locate_file(f) for f in dist.files or []]
    out[name] = {"version": dist.version, "bytes": sum(os.path.getsize(p) for p in paths if os.path.exists(p))}
print(json.dumps(out))
"""
_IMPORT = "import time, numpy; t = time.perf_counter(); import numba; print(time.perf_counter() - t)"


def numba_cost() -> dict:
    """numba's and llvmlite's size in a fresh venv, and the median time of ``import numba`` after numpy."""
    with tempfile.TemporaryDirectory(prefix="native-options-") as scratch:
        venv = Path(scratch) / "venv"
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        python = str(venv / "bin" / "python")
        subprocess.run([python, "-m", "pip", "install", "-q", "numba"], check=True)
        sizes = json.loads(subprocess.run([python, "-c", _SIZES], check=True, capture_output=True, text=True).stdout)
        seconds = [
            float(subprocess.run([python, "-c", _IMPORT], check=True, capture_output=True, text=True).stdout)
            for _ in range(IMPORT_RUNS)
        ]
    return {
        "distributions": sizes,
        "added_mb": round(sum(d["bytes"] for d in sizes.values()) / 2**20, 1),
        "import_seconds_median": round(statistics.median(seconds), 3),
        "import_seconds": [round(s, 3) for s in seconds],
    }


def reachable(host: str, port: int = 443, timeout: float = 5.0) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def toolchains() -> dict:
    compiler = (sysconfig.get_config_var("CC") or "cc").split()[0]
    return {
        "c_compiler": shutil.which(compiler),
        "python_headers": (Path(sysconfig.get_paths()["include"]) / "Python.h").exists(),
        "crates_io_reachable": reachable("index.crates.io"),
    }


def main() -> None:
    data = {"numba": numba_cost(), "toolchains": toolchains(), "command": reproduce_command()}
    numba, tools = data["numba"], data["toolchains"]
    versions = ", ".join(f"{k} {v['version']}" for k, v in numba["distributions"].items())
    lines = [
        "# Native code for copytrail's inner loops: what each route costs (issue 12)",
        "",
        f"`{data['command']}`",
        "",
        f"- **numba** ({versions}): **+{numba['added_mb']} MB** in the venv; `import numba` after numpy takes "
        f"**{numba['import_seconds_median']} s** (median of {IMPORT_RUNS} fresh processes).",
        f"- **C / Cython extension**: C compiler here: {tools['c_compiler'] or 'none'}; Python headers here: "
        f"{'yes' if tools['python_headers'] else 'no'}. A source install (`pip install -e .`, the README's "
        "commands) would need both on every user's machine, or copytrail would need built wheels.",
        f"- **Rust (pyo3 with maturin)**: crates.io reachable: {'yes' if tools['crates_io_reachable'] else 'no'}.",
        "",
    ]
    write_results(RESULTS, data, "\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
