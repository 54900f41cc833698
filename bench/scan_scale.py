"""How ``copytrail scan`` scales past the real text: 10k, 100k (and 1M) documents, against rensa.

Usage::

    python bench/scan_scale.py                            # 10k and 100k documents
    python bench/scan_scale.py --sizes 10000,100000,1000000
    python bench/scan_scale.py --sizes 10000 --tools copytrail
    python bench/scan_scale.py --report-only             # rebuild the table from the last JSON

**The collections are synthetic filler**, used for speed and memory only: word trigram
chains trained on the real BBC and Reuters bodies (bench/_filler.py says how and why),
with the real structure's statistics (paragraphs, sentences, document lengths) but no
meaning. Into each collection go 200 real BBC articles and a copy of each: 100 exact
copies and 100 light edits (5% of the words replaced), at random places. The only
detection figure is the recall of these planted pairs: does the scan still find them
among N filler documents. Collections are cached in /tmp/copytrail-scale/ (seeded, so a
rerun reads the same documents). Filler documents also pair up by chance (they draw on
the same training text) more often as the collection grows; those pairs are counted
apart ("with filler") and they are part of the scan's load, as stock phrases and
syndicated text would be in a real collection.

Per size, each tool runs in its own process tree under a small wrapper process:

- ``copytrail scan FILE --out DIR --workers 2 --no-progress``: the ``copytrail`` installed
  in this checkout's .venv (whatever the engine is at the time); per-stage seconds from
  DIR/stats.json.
- rensa baseline (``_rensa`` below): RMinHash + RMinHashLSH, 128 permutations, word
  5-gram shingles (lower case, ``\\w+`` words), 32 bands of 4 rows (the S-curve midpoint
  0.42 sits below the 0.5 threshold; 128 permutations allow no banding nearer 0.5), then
  candidates kept when their estimated Jaccard is >= 0.5. One process, as rensa is used.

Measured: wall seconds and docs/s; peak memory as the larger of the summed RSS of the
whole process tree (the scan's worker processes included, shared pages counted in each,
so an upper bound; sampled every 0.25 s) and the
wrapper's ``getrusage(RUSAGE_CHILDREN).ru_maxrss`` (the largest single process: exact
for one process, a floor for several, and it catches a peak between samples); for
copytrail the peak per stage (from which stage markers exist when the sample is taken)
and the stage seconds. The 1-minute load average is sampled alongside: the machine is shared,
so wall times lean on it. A copytrail run is stopped past ``--time-limit`` (30 min; 1 h
at 1M documents) or ``--memory-limit`` (8 GB), and the stage it was in is reported.
1M documents run only when the 100k scan took under 6 minutes (``--no-guard`` skips that).

Writes bench/results/scan_scale.json and bench/results/scan_scale.md, and prints the table.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from _common import ROOT, git_revision, markdown_table, tree_rss_mb, write_json  # noqa: E402

CACHE = Path("/tmp/copytrail-scale")
RESULTS = ROOT / "bench" / "results"
# The checkout's own virtual environment, or (in a worktree without one) the interpreter running this.
PYTHON = ROOT / ".venv" / "bin" / "python" if (ROOT / ".venv").is_dir() else Path(sys.executable)
COPYTRAIL = PYTHON.with_name("copytrail")
SEED = 20261123
STAGES = ("read", "candidates", "verify", "families")
GUARD_SECONDS = 360  # 1M documents only if 100k took less than this
SAMPLE_SECONDS = 0.25
TARGET_SECONDS_1M, TARGET_MB_1M = 3600, 8192

# rensa baseline
NUM_PERM, BANDS, THRESHOLD, SHINGLE = 128, 32, 0.5, 5
_WORD = re.compile(r"\w+")


# --- collections -----------------------------------------------------------------


def collection(size: int, seed: int) -> tuple[Path, dict[str, Any]]:
    """The cached collection of ``size`` documents (generated on first use) and its truth file."""
    # Imported here: the wrapper and rensa processes run this file too and must stay light.
    sys.path.insert(0, str(BENCH))
    from _filler import GENERATOR_VERSION, write_collection

    path = CACHE / f"collection-v{GENERATOR_VERSION}-seed{seed}-{size}.jsonl"
    truth = Path(f"{path}.truth.json")
    if path.exists() and truth.exists():
        meta = json.loads(truth.read_text(encoding="utf-8"))
        return path, {**meta, "cached": True}
    cpu0 = time.process_time()
    meta = write_collection(path, size, seed=seed)
    meta["cpu_seconds"] = round(time.process_time() - cpu0, 2)
    truth.write_text(json.dumps(meta, indent=1), encoding="utf-8")
    return path, {**meta, "cached": False}


def generator_speed(seed: int) -> dict[str, Any]:
    """The generator's speed for every cached collection of this seed (from the run that built it).

    Collections made in earlier runs count too, so the 1M figure is kept when only the
    smaller sizes are scanned.
    """
    keys = ("documents", "words_estimate", "bytes", "model_seconds", "seconds", "cpu_seconds", "docs_per_second")
    out = {}
    for truth in CACHE.glob(f"collection-v*-seed{seed}-*.jsonl.truth.json"):
        meta = json.loads(truth.read_text(encoding="utf-8"))
        if Path(str(truth).removesuffix(".truth.json")).exists():
            out[meta["documents"]] = {k: meta.get(k) for k in keys}
    return {str(size): out[size] for size in sorted(out)}


# --- measuring a process tree -------------------------------------------------------


def current_stage(out_dir: Path | None) -> str:
    """The scan stage running now: the first one without a completion marker."""
    if out_dir is None:
        return "run"
    for stage in STAGES:
        if not (out_dir / ".stages" / f"{stage}.json").exists():
            return stage
    # Stages added to the scan after this benchmark was written (e.g. an HTML report).
    return "after families"


@dataclass
class Measured:
    """One measured command: time, memory, and the load on the machine meanwhile."""

    wall_seconds: float = 0.0
    returncode: int | None = None
    peak_mb: float = 0.0
    ru_maxrss_mb: float | None = None
    stage_peak_mb: dict[str, float] = field(default_factory=dict)
    stopped: dict[str, Any] | None = None
    load_start: float = 0.0
    load_mean: float = 0.0
    load_max: float = 0.0


def _wrap(result_file: str, cmd: list[str]) -> int:
    """Run ``cmd`` and record its wall time and the largest ru_maxrss in its tree (wrapper side)."""
    t0 = time.perf_counter()
    rc = subprocess.call(cmd)
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    record = {"returncode": rc, "wall_seconds": time.perf_counter() - t0, "ru_maxrss_kb": usage.ru_maxrss}
    Path(result_file).write_text(json.dumps(record), encoding="utf-8")
    return rc


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """End the wrapper's process group (this benchmark started it): TERM, then KILL."""
    for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 15)):
        try:
            os.killpg(proc.pid, sig)
            proc.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue
        except ProcessLookupError:
            return


def measure(cmd: list[str], *, log: Path, out_dir: Path | None, time_limit: float, memory_limit_mb: float) -> Measured:
    """Run ``cmd`` under the wrapper, sampling memory, stage and load until it ends or hits a limit."""
    result_file = log.with_suffix(".wrap.json")
    result_file.unlink(missing_ok=True)
    m = Measured(load_start=os.getloadavg()[0])
    loads: list[float] = []
    t0 = time.perf_counter()
    with open(log, "wb") as fh:
        proc = subprocess.Popen(
            [str(PYTHON), __file__, "_wrap", str(result_file), *cmd],
            stdout=fh,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        while proc.poll() is None:
            stage = current_stage(out_dir)
            mb = tree_rss_mb(proc.pid, include_root=False)  # the wrapper itself left out
            m.peak_mb = max(m.peak_mb, mb)
            m.stage_peak_mb[stage] = round(max(m.stage_peak_mb.get(stage, 0.0), mb), 1)
            loads.append(os.getloadavg()[0])
            elapsed = time.perf_counter() - t0
            reason = "time" if elapsed > time_limit else "memory" if mb > memory_limit_mb else None
            if reason:
                m.stopped = {"reason": reason, "stage": stage, "seconds": round(elapsed, 1), "memory_mb": round(mb)}
                _stop(proc)
                break
            time.sleep(SAMPLE_SECONDS)
    m.wall_seconds = round(time.perf_counter() - t0, 2)
    m.returncode = proc.returncode
    if result_file.exists():
        wrapped = json.loads(result_file.read_text(encoding="utf-8"))
        m.wall_seconds = round(wrapped["wall_seconds"], 2)
        m.ru_maxrss_mb = round(wrapped["ru_maxrss_kb"] / 1024, 1)
    # A run shorter than a sampling period can slip between samples: ru_maxrss is a floor.
    m.peak_mb = round(max(m.peak_mb, m.ru_maxrss_mb or 0.0), 1)
    m.load_mean = round(sum(loads) / len(loads), 2) if loads else m.load_start
    m.load_max = round(max(loads, default=m.load_start), 2)
    return m


# --- recall of the planted pairs -------------------------------------------------------


def planted_recall(found: set[tuple[str, str]], truth: list[dict[str, str]]) -> dict[str, Any]:
    """Planted pairs among ``found`` (pairs as sorted id tuples), overall and per kind."""
    out: dict[str, Any] = {}
    for kind in ("exact", "edited", "all"):
        wanted = [(t["a"], t["b"]) for t in truth if kind in ("all", t["kind"])]
        out[kind] = {"found": sum(p in found for p in wanted), "planted": len(wanted)}
    return out


def read_pairs(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def pair_summary(pairs: list[dict[str, Any]], truth: list[dict[str, str]]) -> dict[str, Any]:
    """Recall of the planted pairs, and how many pairs involve a filler document.

    Filler pairs are artefacts of the model (it repeats short runs of its training text,
    BBC articles included), not findings; pairs of two real articles may be real reuse.
    """
    found = {tuple(sorted((p["id_a"], p["id_b"]))) for p in pairs}
    filler = sum(p["id_a"].startswith("filler-") or p["id_b"].startswith("filler-") for p in pairs)
    return {"pairs": len(pairs), "filler_pairs": filler, "recall": planted_recall(found, truth)}


# --- the two tools -------------------------------------------------------------------------


def stage_seconds(out_dir: Path) -> dict[str, Any]:
    """Per-stage seconds and counters: stats.json, or the markers of the stages that finished."""
    stats_file = out_dir / "stats.json"
    if stats_file.exists():
        stats = json.loads(stats_file.read_text(encoding="utf-8"))
        return {"stages": stats.get("stages", {}), "seconds_total": stats.get("seconds_total")}
    stages = {}
    for stage in STAGES:
        marker = out_dir / ".stages" / f"{stage}.json"
        if marker.exists():
            data = json.loads(marker.read_text(encoding="utf-8"))
            stages[stage] = {**data.get("counters", {}), "seconds": data.get("seconds")}
    return {"stages": stages, "seconds_total": None}


def run_copytrail(path: Path, size: int, truth: list[dict[str, str]], args: argparse.Namespace) -> dict[str, Any]:
    """``copytrail scan`` on one collection: time, memory per stage, recall of the planted pairs."""
    out_dir = CACHE / f"scan-copytrail-{size}"
    shutil.rmtree(out_dir, ignore_errors=True)
    cmd = [str(COPYTRAIL), "scan", str(path), "--out", str(out_dir), "--workers", str(args.workers), "--no-progress"]
    limit = args.time_limit or (TARGET_SECONDS_1M if size >= 1_000_000 else 1800)
    m = measure(
        cmd, log=CACHE / f"copytrail-{size}.log", out_dir=out_dir, time_limit=limit, memory_limit_mb=args.memory_limit
    )
    record: dict[str, Any] = {"tool": "copytrail", "size": size, "command": " ".join(cmd), **asdict(m)}
    record.update(stage_seconds(out_dir))
    record.update(pair_summary(read_pairs(out_dir / "pairs.jsonl"), truth))
    record["candidates"] = record["stages"].get("candidates", {}).get("candidates")
    candidates = read_pairs(out_dir / "candidates.jsonl")
    if candidates:
        record["candidate_recall"] = pair_summary(candidates, truth)["recall"]["all"]
    record["log_tail"] = (CACHE / f"copytrail-{size}.log").read_text(encoding="utf-8", errors="replace")[-1500:]
    return record


def run_rensa(path: Path, size: int, truth: list[dict[str, str]], args: argparse.Namespace) -> dict[str, Any]:
    """The rensa baseline on one collection, in its own process."""
    out_dir = CACHE / f"scan-rensa-{size}"
    shutil.rmtree(out_dir, ignore_errors=True)
    out_dir.mkdir(parents=True)
    cmd = [str(PYTHON), __file__, "_rensa", str(path), str(out_dir)]
    limit = args.time_limit or (TARGET_SECONDS_1M if size >= 1_000_000 else 1800)
    m = measure(cmd, log=CACHE / f"rensa-{size}.log", out_dir=None, time_limit=limit, memory_limit_mb=args.memory_limit)
    record: dict[str, Any] = {"tool": "rensa", "size": size, "command": " ".join(cmd), **asdict(m)}
    phases = out_dir / "phases.json"
    record["stages"] = json.loads(phases.read_text(encoding="utf-8")) if phases.exists() else {}
    record.update(pair_summary(read_pairs(out_dir / "pairs.jsonl"), truth))
    record["candidates"] = record["stages"].get("query", {}).get("candidates")
    return record


def rensa_baseline(path: str, out_dir: str) -> None:
    """RMinHash + RMinHashLSH over word 5-gram shingles: the usual rensa near-duplicate pipeline.

    Every signature is kept (the LSH query needs them), as in rensa's own examples;
    pairs go to ``out_dir/pairs.jsonl``, phase seconds to ``out_dir/phases.json``.
    """
    import rensa

    t0 = time.perf_counter()
    ids: list[str] = []
    hashes: list[Any] = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            record = json.loads(line)
            words = _WORD.findall(record["text"].lower())
            shingles = {" ".join(words[i : i + SHINGLE]) for i in range(max(1, len(words) - SHINGLE + 1))}
            m = rensa.RMinHash(num_perm=NUM_PERM, seed=42)
            m.update(sorted(shingles))
            ids.append(record["id"])
            hashes.append(m)
    t1 = time.perf_counter()
    lsh = rensa.RMinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM, num_bands=BANDS)
    for i, m in enumerate(hashes):
        lsh.insert(i, m)
    t2 = time.perf_counter()
    candidates = kept = 0
    with open(Path(out_dir) / "pairs.jsonl", "w", encoding="utf-8") as out:
        for i, m in enumerate(hashes):
            for j in lsh.query(m):
                if j <= i:
                    continue
                candidates += 1
                score = m.jaccard(hashes[j])
                if score >= THRESHOLD:
                    kept += 1
                    a, b = sorted((ids[i], ids[j]))
                    out.write(json.dumps({"id_a": a, "id_b": b, "jaccard": round(score, 4)}) + "\n")
    t3 = time.perf_counter()
    phases = {
        "minhash": {"seconds": round(t1 - t0, 3), "documents": len(ids)},
        "lsh_insert": {"seconds": round(t2 - t1, 3)},
        "query": {"seconds": round(t3 - t2, 3), "candidates": candidates, "pairs": kept},
    }
    (Path(out_dir) / "phases.json").write_text(json.dumps(phases, indent=1), encoding="utf-8")


# --- summary ---------------------------------------------------------------------------------


def growth(runs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Memory growth between consecutive sizes: MB per 1k documents, and the power-law exponent.

    An exponent above 1 means memory grows faster than the collection.
    """
    out = []
    done = sorted((r for r in runs if not r.get("stopped") and r["returncode"] == 0), key=lambda r: r["size"])
    for small, large in zip(done, done[1:]):
        dn = (large["size"] - small["size"]) / 1000
        out.append(
            {
                "from": small["size"],
                "to": large["size"],
                "mb_per_1k_docs": round((large["peak_mb"] - small["peak_mb"]) / dn, 2),
                "exponent": round(
                    math.log(large["peak_mb"] / small["peak_mb"]) / math.log(large["size"] / small["size"]), 3
                ),
            }
        )
    return out


def with_rates(run: dict[str, Any]) -> dict[str, Any]:
    finished = not run.get("stopped") and run["returncode"] == 0
    run["docs_per_second"] = round(run["size"] / run["wall_seconds"], 1) if finished else None
    return run


def targets(copytrail: list[dict[str, Any]], rensa: list[dict[str, Any]], grow: list[dict[str, Any]]) -> dict[str, Any]:
    """The issue's three targets, each met / missed / not measured, with the evidence."""
    by_size = {r["size"]: r for r in rensa}
    ratios = {
        c["size"]: round(c["docs_per_second"] / by_size[c["size"]]["docs_per_second"], 3)
        for c in copytrail
        if c.get("docs_per_second") and (by_size.get(c["size"]) or {}).get("docs_per_second")
    }
    throughput = {
        "target": "copytrail docs/s >= rensa docs/s",
        "ratio_by_size": ratios,
        "status": "not measured" if not ratios else "met" if min(ratios.values()) >= 1 else "missed",
    }
    memory = {
        "target": "memory grows no faster than linearly (exponent <= 1)",
        "growth": grow,
        "status": "not measured" if not grow else "met" if max(g["exponent"] for g in grow) <= 1.0 else "missed",
    }
    big = next((c for c in copytrail if c["size"] >= 1_000_000), None)
    if big is None:
        last = max((c for c in copytrail if c.get("docs_per_second")), key=lambda c: c["size"], default=None)
        guess = None
        if last is not None:
            slope = grow[-1]["mb_per_1k_docs"] if grow else last["peak_mb"] / (last["size"] / 1000)
            guess = {
                "from_size": last["size"],
                "seconds": round(1_000_000 / last["docs_per_second"]),
                "peak_mb": round(last["peak_mb"] + slope * (1_000_000 - last["size"]) / 1000),
                "how": "linear extrapolation (time at the last size's docs/s, memory at the last MB per 1k docs)",
            }
        why = f"1M documents run only after a 100k scan under {GUARD_SECONDS} s (or with --no-guard)"
        scale = {"status": "not measured", "why": why, "extrapolated": guess}
    else:
        ok = big.get("docs_per_second") and big["wall_seconds"] < TARGET_SECONDS_1M and big["peak_mb"] < TARGET_MB_1M
        scale = {"status": "met" if ok else "missed", "seconds": big["wall_seconds"], "peak_mb": big["peak_mb"]}
    scale["target"] = "1M documents in under 1 hour within 8 GB"
    return {"throughput": throughput, "memory": memory, "one_million": scale}


def _fmt_recall(run: dict[str, Any]) -> str:
    rec = run.get("recall", {})
    if not rec or run.get("stopped"):
        return "–"
    total = f"{rec['all']['found']}/{rec['all']['planted']}"
    return f"{total} (exact {rec['exact']['found']}, edited {rec['edited']['found']})"


def _fmt_stages(run: dict[str, Any]) -> str:
    stages = run.get("stages", {})
    parts = []
    peaks = run.get("stage_peak_mb", {})
    for name, info in stages.items():
        peak = peaks.get(name) if name in STAGES or run["tool"] != "copytrail" else peaks.get("after families")
        parts.append(f"{name} {info.get('seconds', 0):.0f} s" + (f" / {peak:,.0f} MB" if peak else ""))
    return ", ".join(parts) or "–"


def markdown(result: dict[str, Any]) -> str:
    """The results as a markdown table with the targets underneath."""
    lines = [
        "# copytrail scan at scale (synthetic filler; speed and memory only)",
        "",
        f"`{result['command']}` — {result['date']}, copytrail {result['copytrail']['version']} "
        f"at {result['copytrail']['commit']}{' (src modified)' if result['copytrail']['src_modified'] else ''}, "
        f"{result['machine']['cpus']} CPUs, shared (load averages below).",
        "",
        "Documents are synthetic filler (a word trigram model of BBC + Reuters) with 200 real BBC",
        "articles and a copy of each planted at random places (100 exact, 100 with 5% of words replaced).",
        "",
        "| docs | tool | wall s | docs/s | peak MB | max RSS MB (1 proc) | planted found | candidates | pairs "
        "(with filler) | load mean/max | stages: s / peak MB |",
        "|---:|---|---:|---:|---:|---:|---|---:|---:|---|---|",
    ]
    for run in result["runs"]:
        stopped = run.get("stopped")
        rate = f"{run['docs_per_second']:,.0f}" if run.get("docs_per_second") else "–"
        wall = f"{run['wall_seconds']:,.1f}" + (
            f" (stopped: {stopped['reason']} in {stopped['stage']})" if stopped else ""
        )
        if run.get("projection"):
            wall += f"; verify would need ~{run['projection']['verify_seconds']:,} s"
        lines.append(
            f"| {run['size']:,} | {run['tool']} | {wall} | {rate} | {run['peak_mb']:,.0f} | "
            f"{run['ru_maxrss_mb'] or 0:,.0f} | {_fmt_recall(run)} | {run.get('candidates') or 0:,} | "
            f"{run['pairs']:,} ({run['filler_pairs']:,}) | "
            f"{run['load_mean']}/{run['load_max']} | {_fmt_stages(run)} |"
        )
    lines += [
        "",
        "peak MB: the larger of the summed RSS of the tool's process tree (workers included), sampled every "
        f"{SAMPLE_SECONDS} s, and the largest single process's ru_maxrss. Stage peaks: the highest sample while "
        "that stage ran. Pairs with filler: pairs that involve a filler document (artefacts of the filler model, "
        "which repeats short runs of its training text). Candidates: copytrail's candidate pairs (those from rare "
        "n-grams are mostly chance pairs of filler documents, and grow faster than the collection); rensa's LSH "
        "candidates.",
        "",
        "Memory growth between sizes (MB per 1k documents; exponent of peak vs size, which the fixed "
        "start-up memory flatters when only two sizes ran): "
        + "; ".join(
            f"{tool} {g['from']:,}→{g['to']:,}: {g['mb_per_1k_docs']}, exponent {g['exponent']}"
            for tool, grow in result["growth"].items()
            for g in grow
        ),
    ]
    generated = [
        [f"{int(size):,}", f"{gen['seconds']} ({gen.get('cpu_seconds')})", f"{gen['docs_per_second']:,}"]
        + [f"{gen['bytes'] / 1e6:,.0f}"]
        for size, gen in result["generator"].items()
    ]
    lines += ["", *markdown_table(["collection", "generated in s (CPU s)", "docs/s", "MB"], generated, align="rrrr")]
    lines += ["", "Targets:", ""]
    for name, t in result["targets"].items():
        detail = ""
        if name == "throughput":
            detail = ", ".join(f"{int(s):,}: {r}×" for s, r in t["ratio_by_size"].items())
        elif name == "memory":
            detail = ", ".join(
                f"{g['from']:,}→{g['to']:,}: {g['mb_per_1k_docs']} MB per 1k docs, exponent {g['exponent']}"
                for g in t["growth"]
            )
        elif t.get("extrapolated"):
            e = t["extrapolated"]
            detail = (
                f"{t['why']}; linear extrapolation from {e['from_size']:,}: ~{e['seconds']:,} s, ~{e['peak_mb']:,} MB"
            )
        else:
            detail = f"{t.get('seconds')} s, {t.get('peak_mb')} MB"
        lines.append(f"- {t['target']}: **{t['status']}** ({detail})")
    return "\n".join(lines) + "\n"


def copytrail_version() -> dict[str, Any]:
    """Which copytrail ran: package version, commit, and whether src/ differs from it."""
    version = subprocess.run(
        [str(PYTHON), "-c", "import importlib.metadata as m; print(m.version('copytrail'))"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    revision = git_revision() or ""
    return {
        "version": version,
        "commit": revision.removesuffix("+dirty-src"),
        "src_modified": revision.endswith("+dirty-src"),
    }


# --- main ---------------------------------------------------------------------------------------


def guard_allows_1m(runs: list[dict[str, Any]]) -> bool:
    """1M documents run only after a 100k scan finished in under 6 minutes (this run or the last)."""
    previous = RESULTS / "scan_scale.json"
    if previous.exists():
        runs = runs + json.loads(previous.read_text(encoding="utf-8")).get("runs", [])
    return any(
        r["tool"] == "copytrail"
        and r["size"] == 100_000
        and r.get("docs_per_second")
        and r["wall_seconds"] < GUARD_SECONDS
        for r in runs
    )


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000", help="collection sizes, comma-separated")
    parser.add_argument("--tools", default="rensa,copytrail", help="which tools to run, comma-separated")
    parser.add_argument("--workers", type=int, default=2, help="copytrail scan --workers")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--time-limit", type=float, default=None, help="seconds per run (default 1800; 3600 at 1M)")
    parser.add_argument("--memory-limit", type=float, default=8192, help="MB; a run above it is stopped")
    parser.add_argument("--no-guard", action="store_true", help="run 1M even if 100k took 6 minutes or more")
    parser.add_argument(
        "--report-only", action="store_true", help="rebuild the summary and table from the last results JSON"
    )
    return parser.parse_args(argv)


def project_stopped(runs: list[dict[str, Any]]) -> None:
    """For a copytrail run stopped in verify: how long verify would take at the smaller size's pace.

    Seconds per candidate pair at the largest finished smaller size, times this size's
    candidates (known: the candidates stage finished).
    """
    done = [r for r in runs if r["tool"] == "copytrail" and r.get("docs_per_second")]
    for run in runs:
        stopped = run.get("stopped") or {}
        candidates = (run.get("stages", {}).get("candidates") or {}).get("candidates")
        smaller = [r for r in done if r["size"] < run["size"] and r["stages"].get("verify", {}).get("candidates")]
        if run["tool"] != "copytrail" or stopped.get("stage") != "verify" or not candidates or not smaller:
            continue
        ref = max(smaller, key=lambda r: r["size"])
        pace = ref["stages"]["verify"]["seconds"] / ref["stages"]["verify"]["candidates"]
        run["projection"] = {
            "verify_seconds": round(pace * candidates),
            "from_size": ref["size"],
            "seconds_per_candidate": round(pace, 4),
            "how": "verify seconds per candidate at from_size, times this size's candidates",
        }


def measure_all(args: argparse.Namespace) -> list[dict[str, Any]]:
    """Generate (or reuse) each collection and run each tool on it."""
    sizes = sorted(int(s) for s in args.sizes.split(","))
    CACHE.mkdir(parents=True, exist_ok=True)
    runs: list[dict[str, Any]] = []
    for size in sizes:
        if size >= 1_000_000 and not args.no_guard and not guard_allows_1m(runs):
            print(f"skipping {size:,}: the 100k scan did not finish in under {GUARD_SECONDS} s", flush=True)
            continue
        path, meta = collection(size, args.seed)
        made = "cached" if meta["cached"] else f"made in {meta['seconds']} s"
        print(f"{size:,} documents: {path} ({made})", flush=True)
        for tool in args.tools.split(","):
            run = (run_rensa if tool == "rensa" else run_copytrail)(path, size, meta["planted"], args)
            runs.append(with_rates(run))
            print(f"  {tool}: {run['wall_seconds']} s, peak {run['peak_mb']:,.0f} MB, {_fmt_recall(run)}", flush=True)
    return runs


def summarise(runs: list[dict[str, Any]], command: str, seed: int) -> dict[str, Any]:
    """Everything the JSON holds: setup, generator speed, runs, memory growth and targets."""
    project_stopped(runs)
    copytrail = [r for r in runs if r["tool"] == "copytrail"]
    rensa = [r for r in runs if r["tool"] == "rensa"]
    grow = growth(copytrail)
    return {
        "what": "copytrail scan vs rensa on synthetic filler collections (speed and memory only; "
        "the filler is a word trigram model of BBC + Reuters, not news) with 200 planted real copies",
        "command": command,
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "machine": {"cpus": os.cpu_count(), "load_at_end": [round(x, 2) for x in os.getloadavg()]},
        "copytrail": copytrail_version(),
        "rensa_setup": {"num_perm": NUM_PERM, "bands": BANDS, "threshold": THRESHOLD, "shingle_words": SHINGLE},
        "generator": generator_speed(seed),
        "runs": runs,
        "growth": {"copytrail": grow, "rensa": growth(rensa)},
        "targets": targets(copytrail, rensa, grow),
    }


def main(argv: list[str]) -> None:
    args = parse_args(argv)
    out_json = RESULTS / "scan_scale.json"
    if args.report_only:
        previous = json.loads(out_json.read_text(encoding="utf-8"))
        result = summarise(previous["runs"], previous["command"], args.seed)
        result["date"], result["copytrail"] = previous["date"], previous["copytrail"]
    else:
        result = summarise(measure_all(args), "python bench/scan_scale.py " + " ".join(argv), args.seed)
    write_json(out_json, result)
    table = markdown(result)
    (RESULTS / "scan_scale.md").write_text(table, encoding="utf-8")
    print(table)


if __name__ == "__main__":
    if sys.argv[1:2] == ["_wrap"]:
        sys.exit(_wrap(sys.argv[2], sys.argv[3:]))
    elif sys.argv[1:2] == ["_rensa"]:
        rensa_baseline(sys.argv[2], sys.argv[3])
    else:
        main(sys.argv[1:])
