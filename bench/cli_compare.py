"""The whole ``copytrail compare`` process on the Kherson pair (or ``--pair A B``), against a baseline, in one run.

Usage::

    git -C . archive <commit> src | tar -x -C /tmp/base    # the baseline's src/
    python bench/cli_compare.py --baseline-src /tmp/base/src --runs 7

Each run is a fresh ``python -c 'from copytrail.cli.main import entry_point; ...' compare A B``
with PYTHONPATH set to one checkout's ``src``, output to /dev/null; the two checkouts
alternate, so a machine busy with other work slows both alike. One unmeasured run of
each first fills the caches (ONNX graph, unpacked language model). Prints the median
and p90 wall seconds of each and the ratio (this checkout / baseline), with a 90% interval
from resampling the rounds (:func:`ratio_interval`).

This checkout runs twice per round: **new texts**, with the sentence-vector store off
(``COPYTRAIL_EMBEDDING_CACHE=0``: what the first compare of two texts costs), and **texts
seen before**, with the store on and already holding the pair's vectors (a story checked
again, or against another suspect: its sentences are not embedded again). The baseline has
no store. The first figure is the one the target is judged on.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import ROOT, SHARED, git_revision, reproduce_command  # noqa: E402

KHERSON = SHARED / "examples" / "kherson"
_CLI = "import sys; from copytrail.cli.main import entry_point; sys.argv[0] = 'copytrail'; entry_point()"


def run(src: Path, a: Path, b: Path, *, store: bool = False) -> float:
    started = time.perf_counter()
    env = {"PYTHONPATH": str(src), "PATH": "/usr/bin:/bin", "HOME": str(Path.home())}
    subprocess.run(
        [sys.executable, "-c", _CLI, "compare", str(a), str(b)],
        env={**env, "COPYTRAIL_EMBEDDING_CACHE": "1" if store else "0"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=True,
    )
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--baseline-src", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument(
        "--pair",
        nargs=2,
        type=Path,
        metavar=("A", "B"),
        default=(KHERSON / "000_e2934cbb52dca54b.txt", KHERSON / "001_99e61fcb9db1a932.txt"),
        help="the two files to compare (default: the Kherson pair, which the target is judged on)",
    )
    args = parser.parse_args()
    print(f"$ {reproduce_command('bench/cli_compare.py')}  (at {git_revision()})", flush=True)
    a, b = args.pair
    runs = {
        "new texts": (ROOT / "src", False),
        "seen before": (ROOT / "src", True),
        "baseline": (args.baseline_src.resolve(), False),
    }
    times: dict[str, list[float]] = {name: [] for name in runs}
    for src, store in runs.values():
        run(src, a, b, store=store)  # warm the caches (and fill the vector store)
    for _ in range(args.runs):
        for name, (src, store) in runs.items():
            times[name].append(run(src, a, b, store=store))
    for name, values in times.items():
        print(
            f"  {name:12s} median {statistics.median(values):6.2f} s  p90 {np.percentile(values, 90):6.2f} s  "
            f"runs {' '.join(f'{v:.2f}' for v in values)}"
        )
    baseline = statistics.median(times["baseline"])
    for name in ("new texts", "seen before"):
        ratio = statistics.median(times[name]) / baseline
        low, high = ratio_interval(times[name], times["baseline"])
        print(
            f"  ratio of medians ({name} / baseline): {ratio:.2f}, 90% interval {low:.2f}-{high:.2f} "
            "(target <= 0.35 for new texts)"
        )


def ratio_interval(new: list[float], baseline: list[float], *, resamples: int = 2000) -> tuple[float, float]:
    """A 90% interval of the ratio of medians, by resampling whole rounds (bootstrap).

    A round is one run of each checkout, taken back to back, so a round resampled keeps its
    new run and its baseline run together: a stretch of host load slows both. The host's
    noise moved a 31-run ratio from 0.35 to 0.37 between two runs of this script; the
    interval says whether a target is met beyond that noise, not only in one draw of it.
    """
    rounds = np.random.default_rng(0).integers(0, len(new), size=(resamples, len(new)))
    ratios = np.median(np.asarray(new)[rounds], axis=1) / np.median(np.asarray(baseline)[rounds], axis=1)
    low, high = np.percentile(ratios, [5, 95])
    return float(low), float(high)


if __name__ == "__main__":
    main()
