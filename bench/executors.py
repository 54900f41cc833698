"""The stage/executor scan against the engine before it, and the Spark executor beside the local one.

Usage::

    python bench/executors.py                              # 10k and 100k documents
    python bench/executors.py --sizes 10000 --spark-max 10000
    python bench/executors.py --kill-resume 100000         # kill -9 during fingerprint, then resume
    python bench/executors.py --baseline 40f41d5           # the engine to compare with (a git revision)

Same collections (synthetic filler with planted copies, bench/_filler.py) and the same
measuring wrapper as bench/scan_scale.py: wall seconds, peak RSS of the whole process
tree (Spark's JVM and Python workers included), per-stage seconds from stats.json, and
the recall of the planted pairs. Per size, in one run and one after the other:

- ``before``: the scan at ``--baseline`` (default 40f41d5, the last commit before stages
  and executors), from a git worktree in /tmp, ``--workers 2``;
- ``local``: this checkout's scan, ``--engine local --workers 2``;
- ``spark``: this checkout's scan, ``--engine spark --spark-master local[2]`` (sizes up
  to ``--spark-max``).

All three must find the same pairs (``same pairs as before`` in the table); the ratios
are against ``before`` of the same run. ``--kill-resume N`` starts the local scan of N
documents, kills it (SIGKILL, the whole process group) once half the fingerprint shards
are written, runs the same command again and reports how many shards it reused.

Writes bench/results/executors.json and .md, and prints the table.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from _common import ROOT, git_revision, markdown_table, write_json  # noqa: E402
from scan_scale import CACHE, PYTHON, SEED, collection, measure, pair_summary, read_pairs  # noqa: E402

RESULTS = ROOT / "bench" / "results"
CLI = "import sys; from copytrail.cli.main import entry_point; sys.argv[0] = 'copytrail'; entry_point()"
SHARD_DOCUMENTS = 4096


def baseline_checkout(revision: str) -> Path:
    """A worktree of ``revision`` in /tmp (made once), whose src/ the ``before`` runs import."""
    folder = CACHE / f"baseline-{revision}"
    if not (folder / "src").exists():
        shutil.rmtree(folder, ignore_errors=True)
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(folder), revision], check=True)
    return folder


def run_scan(name: str, size: int, path: Path, src: Path, extra: list[str], truth: list[dict]) -> dict[str, Any]:
    out_dir = CACHE / f"executors-{name}-{size}"
    shutil.rmtree(out_dir, ignore_errors=True)
    cmd = [str(PYTHON), "-c", CLI, "scan", str(path), "--out", str(out_dir), "--no-progress", "--no-report", *extra]
    old = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = str(src)
    try:
        m = measure(
            cmd, log=CACHE / f"executors-{name}-{size}.log", out_dir=None, time_limit=3600, memory_limit_mb=16000
        )
    finally:
        os.environ.pop("PYTHONPATH") if old is None else os.environ.__setitem__("PYTHONPATH", old)
    stats_file = out_dir / "stats.json"
    stats = json.loads(stats_file.read_text(encoding="utf-8")) if stats_file.exists() else {}
    pairs = read_pairs(out_dir / "pairs.jsonl") if (out_dir / "pairs.jsonl").exists() else []
    return {
        "engine": name,
        "size": size,
        "command": " ".join(cmd[3:]),
        "returncode": m.returncode,
        "wall_seconds": m.wall_seconds,
        "peak_mb": m.peak_mb,
        "load_mean": m.load_mean,
        "stages": {k: v.get("seconds") for k, v in stats.get("stages", {}).items()},
        "pairs": sorted((p["id_a"], p["id_b"], p["relation"]) for p in pairs),
        "recall": _share(pair_summary(pairs, truth)["recall"]["all"]),
        "log_tail": (CACHE / f"executors-{name}-{size}.log").read_text(errors="replace")[-800:],
    }


def _share(counts: dict[str, int]) -> float:
    return counts["found"] / counts["planted"] if counts["planted"] else 0.0


def kill_and_resume(size: int, path: Path, truth: list[dict]) -> dict[str, Any]:
    """Kill a local scan during fingerprint, once half its shards are written; rerun; count reused shards."""
    out_dir = CACHE / f"executors-resume-{size}"
    shutil.rmtree(out_dir, ignore_errors=True)
    cmd = [str(PYTHON), "-c", CLI, "scan", str(path), "--out", str(out_dir), "--no-progress", "--no-report"]
    cmd += ["--workers", "2"]
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    shards = -(-size // SHARD_DOCUMENTS)
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    written = 0
    while proc.poll() is None:
        written = len(list((out_dir / "fingerprints").glob("part-*.parquet")))
        if written >= shards // 2:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            break
        time.sleep(0.2)
    killed_after = time.perf_counter() - t0
    # The rerun is measured like any scan: at 1M it is the run that shows time and memory at that size.
    old = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = env["PYTHONPATH"]
    try:
        rerun = measure(
            cmd, log=CACHE / f"executors-resume-{size}.log", out_dir=None, time_limit=3 * 3600, memory_limit_mb=16000
        )
    finally:
        os.environ.pop("PYTHONPATH") if old is None else os.environ.__setitem__("PYTHONPATH", old)
    stats = json.loads((out_dir / "stats.json").read_text(encoding="utf-8"))
    fingerprint = stats["stages"]["fingerprint"]
    return {
        "size": size,
        "shards": shards,
        "shards_written_when_killed": written,
        "killed_after_seconds": round(killed_after, 1),
        "rerun_returncode": rerun.returncode,
        "rerun_seconds": rerun.wall_seconds,
        "rerun_peak_mb": rerun.peak_mb,
        "rerun_load_mean": rerun.load_mean,
        "rerun_stage_seconds": {k: v.get("seconds") for k, v in stats["stages"].items()},
        "rerun_shards_resumed": fingerprint.get("shards_resumed"),
        "rerun_fingerprint_seconds": fingerprint.get("seconds"),
        "read_resumed": stats["stages"]["read"]["resumed"],
        "planted": pair_summary(read_pairs(out_dir / "pairs.jsonl"), truth),
    }


def table(runs: list[dict[str, Any]]) -> list[str]:
    before = {r["size"]: r for r in runs if r["engine"] == "before"}
    rows = []
    for r in runs:
        base = before.get(r["size"])
        ratio = f"{r['wall_seconds'] / base['wall_seconds']:.2f}" if base and base["wall_seconds"] else "-"
        mem = f"{r['peak_mb'] / base['peak_mb']:.2f}" if base and base["peak_mb"] else "-"
        same = "-" if not base or r is base else ("yes" if r["pairs"] == base["pairs"] else "NO")
        stages = ", ".join(f"{k} {v:.0f}" for k, v in r["stages"].items() if v is not None)
        rows.append(
            [
                r["size"],
                r["engine"],
                f"{r['wall_seconds']:.1f}",
                ratio,
                f"{r['peak_mb']:.0f}",
                mem,
                f"{r['recall']:.3f}",
                same,
                r["load_mean"],
                stages,
            ]
        )
    header = [
        "documents",
        "engine",
        "wall s",
        "× before",
        "peak MB",
        "× before",
        "planted recall",
        "same pairs as before",
        "load",
        "stages (s)",
    ]
    return markdown_table(header, rows, align="lllrrrrrlr")


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--spark-max", type=int, default=100_000, help="largest size the Spark executor runs")
    parser.add_argument("--baseline", default="40f41d5", help="git revision of the engine to compare with")
    parser.add_argument("--engines", default="before,local,spark")
    parser.add_argument("--kill-resume", type=int, default=0, metavar="N", help="only the kill/resume check on N docs")
    args = parser.parse_args(argv)
    CACHE.mkdir(parents=True, exist_ok=True)
    result: dict[str, Any] = {"command": "python bench/executors.py " + " ".join(argv), "revision": git_revision()}
    if args.kill_resume:
        path, meta = collection(args.kill_resume, SEED)
        result["kill_resume"] = kill_and_resume(args.kill_resume, path, meta["planted"])
        print(json.dumps(result["kill_resume"], indent=1))
        write_json(RESULTS / f"executors-resume-{args.kill_resume}.json", result)
        return
    engines = args.engines.split(",")
    runs = []
    for size in [int(s) for s in args.sizes.split(",")]:
        path, meta = collection(size, SEED)
        truth = meta["planted"]
        if "before" in engines:
            runs.append(
                run_scan("before", size, path, baseline_checkout(args.baseline) / "src", ["--workers", "2"], truth)
            )
        if "local" in engines:
            runs.append(run_scan("local", size, path, ROOT / "src", ["--workers", "2"], truth))
        if "spark" in engines and size <= args.spark_max:
            extra = ["--engine", "spark", "--spark-master", "local[2]"]
            runs.append(run_scan("spark", size, path, ROOT / "src", extra, truth))
        for r in runs[-3:]:
            line = f"{r['size']:>8} {r['engine']:<7} {r['wall_seconds']:>8.1f} s {r['peak_mb']:>8.0f} MB"
            print(f"{line} rc={r['returncode']}")
    result["runs"] = runs
    lines = table(runs)
    print("\n".join(lines))
    write_json(RESULTS / "executors.json", result)
    (RESULTS / "executors.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1:])
