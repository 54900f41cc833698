"""The archive and the service under load: add throughput, archive size, query latency and a loopback load test.

Usage::

    python bench/archive_bench.py                       # 10k documents, 20 s load test with 8 clients
    python bench/archive_bench.py --size 100000 --load-seconds 120
    python bench/archive_bench.py --size 10000 --skip-load

The collection is bench/scan_scale.py's (synthetic filler from a word trigram chain over
BBC and Reuters, with 200 real BBC articles and a copy of each planted at random places;
cached in /tmp/copytrail-scale/), **used for speed and size only**.

Measured, in this order, one heavy process at a time:

1. **add**: ``Archive.add(collection.jsonl)`` into a fresh archive (its default batches,
   which grow with the archive; one process), documents per second; beside it, the scan's
   candidate stage (``find_candidates``, one worker) over the same documents.
2. **size**: the SQLite file after a WAL checkpoint, bytes per document.
3. **query latency**: 100 queries in one process, after 5 warm-up queries: 50 documents
   drawn from the collection with their first paragraph dropped (so each finds at least
   itself as a near copy, and planted copies find their pair), 50 real BBC articles from
   the other categories (mostly no match). Words only, then with the rewrite check
   (minilm second look). p50, p99, mean, and matches found.
4. **load test**: ``copytrail serve --embedder none`` on 127.0.0.1, N client threads each
   posting ``/v1/query`` back to back for ``--load-seconds``; throughput, p50/p99 and
   errors (any status but 200, or a transport error).

Targets (issue 13, on 2 cores): query p50 <= 50 ms words-only, <= 300 ms with the
rewrite check; >= 50 queries/s at p99 <= 1 s; 0 errors.

Writes bench/results/archive_bench.json and .md.
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(BENCH.parent / "src"))

from _common import ROOT, git_revision, markdown_table, shared_dir, write_results  # noqa: E402

WORK = Path("/tmp/copytrail-archive-bench")
TOKEN = "bench-token-0123456789abcdef"
SEED = 20261123


def percentiles(seconds: list[float]) -> dict[str, float]:
    ms = np.array(seconds) * 1000
    return {
        "n": len(ms),
        "p50_ms": round(float(np.percentile(ms, 50)), 1),
        "p99_ms": round(float(np.percentile(ms, 99)), 1),
        "mean_ms": round(float(ms.mean()), 1),
        "max_ms": round(float(ms.max()), 1),
    }


def collection_path(size: int) -> Path:
    from scan_scale import collection

    path, _ = collection(size, SEED)
    return path


def measure_add(path: Path, db: Path, workers: int = 1) -> dict[str, Any]:
    from copytrail.archive import Archive

    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    started = time.perf_counter()
    with Archive.open(db) as archive:
        result = archive.add([path], workers=workers)
        seconds = time.perf_counter() - started
        archive.store._conn().execute("PRAGMA wal_checkpoint(TRUNCATE)")  # noqa: SLF001 - size without the log
        stats = archive.stats()
    return {
        "workers": workers,
        "documents": result.added,
        "seconds": round(seconds, 1),
        "docs_per_second": round(result.added / seconds, 1),
        "bytes": stats.bytes_on_disk,
        "bytes_per_document": round(stats.bytes_on_disk / stats.documents),
        "characters_per_document": round(stats.characters / stats.documents),
        "postings": stats.postings,
        "common_sentences": stats.common_sentences,
    }


def measure_scan_candidates(path: Path) -> dict[str, Any]:
    """The scan's candidate stage over the same documents (read first, not timed)."""
    from copytrail.scan.candidates import find_candidates
    from copytrail.scan.readers import iter_documents
    from copytrail.scan.records import ScanDocument

    docs = [d for d in iter_documents([path]) if isinstance(d, ScanDocument)]
    started = time.perf_counter()
    pairs, _ = find_candidates(docs)
    seconds = time.perf_counter() - started
    return {"seconds": round(seconds, 1), "docs_per_second": round(len(docs) / seconds, 1), "candidates": len(pairs)}


def query_texts(path: Path, n: int = 100) -> list[str]:
    """Half drawn from the collection (first paragraph dropped), half real BBC articles not in it."""
    import json

    rng = random.Random(SEED)
    with open(path, encoding="utf-8") as fh:
        lines = fh.readlines()
    drawn = [json.loads(line)["text"] for line in rng.sample(lines, n // 2)]
    drawn = [t.split("\n\n", 1)[-1] if "\n\n" in t else t for t in drawn]
    in_collection = {json.loads(line)["text"] for line in lines if '"id": "filler-' not in line}
    bbc = shared_dir() / "data" / "bbc_news"
    real = [p.read_text(encoding="utf-8", errors="replace") for p in sorted(bbc.glob("*/*.txt"))]
    real = [t for t in real if t not in in_collection]
    return drawn + rng.sample(real, n - len(drawn))


def measure_queries(db: Path, texts: list[str], *, rewrite_check: bool) -> dict[str, Any]:
    from copytrail.archive import Archive

    with Archive.open(db, create=False) as archive:
        for text in texts[:5]:
            archive.query_text(text, rewrite_check=rewrite_check)
        seconds, matches, candidates = [], 0, 0
        for text in texts:
            started = time.perf_counter()
            result = archive.query_text(text, rewrite_check=rewrite_check)
            seconds.append(time.perf_counter() - started)
            matches += len(result.matches)
            candidates += result.candidates
    return {**percentiles(seconds), "matches": matches, "candidates": candidates}


def load_test(db: Path, texts: list[str], clients: int, duration: float, workers: int = 2) -> dict[str, Any]:
    import httpx

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "COPYTRAIL_TOKEN": TOKEN, "PYTHONPATH": str(ROOT / "src")}
    args = ["serve", "--index", str(db), "--port", str(port), "--embedder", "none", "--rate", "1000000"]
    args += ["--workers", str(workers)]
    server = subprocess.Popen(
        [sys.executable, "-c", "from copytrail.cli.main import main; main()", *args], env=env, stderr=subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                if httpx.get(base + "/v1/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        latencies: list[float] = []
        errors: list[str] = []
        lock = threading.Lock()
        ready = threading.Barrier(clients + 1)
        clock: dict[str, float] = {}

        def client(k: int) -> None:
            rng = random.Random(k)
            with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=60) as http:
                # Warm-up, not timed: the connection, and the worker processes' first queries
                # (imports, language models, the archive's first pages).
                for text in texts[k::clients][:3]:
                    http.post("/v1/query", json={"text": text})
                ready.wait()
                while time.monotonic() < clock["ends"]:
                    started = time.perf_counter()
                    try:
                        response = http.post("/v1/query", json={"text": rng.choice(texts)})
                        error = None if response.status_code == 200 else f"status {response.status_code}"
                    except httpx.HTTPError as exc:
                        error = type(exc).__name__
                    with lock:
                        latencies.append(time.perf_counter() - started)
                        if error:
                            errors.append(error)

        threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
        for t in threads:
            t.start()
        clock["ends"] = time.monotonic() + 3600  # set for real once every client is warm
        ready.wait()
        started = time.monotonic()
        clock["ends"] = started + duration
        for t in threads:
            t.join()
        wall = time.monotonic() - started
    finally:
        server.terminate()
        server.wait(timeout=30)
    return {
        "clients": clients,
        "workers": workers,
        "seconds": round(wall, 1),
        "requests": len(latencies),
        "queries_per_second": round(len(latencies) / wall, 1),
        "errors": len(errors),
        "error_kinds": sorted(set(errors)),
        **percentiles(latencies),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=10_000, help="documents in the archive")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients of the load test")
    parser.add_argument("--load-seconds", type=float, default=20.0, help="length of the load test")
    parser.add_argument("--skip-load", action="store_true", help="leave the load test out")
    parser.add_argument("--skip-scan", action="store_true", help="leave the scan candidate stage out")
    parser.add_argument("--reuse", action="store_true", help="reuse an archive of this size built before")
    parser.add_argument("--skip-queries", action="store_true", help="leave the in-process query latencies out")
    parser.add_argument("--workers", type=int, default=2, help="query processes of the server in the load test")
    parser.add_argument("--add-workers", type=int, default=1, help="processes that fingerprint documents in the add")
    args = parser.parse_args()

    WORK.mkdir(parents=True, exist_ok=True)
    path = collection_path(args.size)
    db = WORK / f"archive-{args.size}.db"
    results: dict[str, Any] = {"revision": git_revision(), "size": args.size, "cpus": os.cpu_count()}
    results["load_average_start"] = os.getloadavg()[0]
    if not (args.reuse and db.exists()):
        results["add"] = measure_add(path, db, args.add_workers)
        print("add", results["add"], flush=True)
    if not args.skip_scan:
        results["scan_candidates"] = measure_scan_candidates(path)
        print("scan candidates", results["scan_candidates"], flush=True)
    texts = query_texts(path)
    if not args.skip_queries:
        results["query_words_only"] = measure_queries(db, texts, rewrite_check=False)
        print("query words only", results["query_words_only"], flush=True)
        results["query_rewrite_check"] = measure_queries(db, texts, rewrite_check=True)
        print("query rewrite check", results["query_rewrite_check"], flush=True)
    if not args.skip_load:
        results["load"] = load_test(db, texts, args.clients, args.load_seconds, args.workers)
        print("load", results["load"], flush=True)
    results["load_average_end"] = os.getloadavg()[0]

    rows = []
    if "add" in results:
        a = results["add"]
        label = f"add, {a['workers']} process{'es' if a['workers'] > 1 else ''}"
        rows.append([label, f"{a['docs_per_second']} docs/s ({a['documents']:,} in {a['seconds']} s)", "–"])
        rows.append(["archive size", f"{a['bytes_per_document'] / 1000:.1f} kB/doc ({a['bytes'] / 1e6:.0f} MB)", "–"])
    if "scan_candidates" in results:
        s = results["scan_candidates"]
        rows.append(["scan candidate stage (same docs)", f"{s['docs_per_second']} docs/s", "–"])
    for key, target in (("query_words_only", "p50 ≤ 50 ms"), ("query_rewrite_check", "p50 ≤ 300 ms")):
        if key not in results:
            continue
        q = results[key]
        rows.append(
            [key.replace("_", " "), f"p50 {q['p50_ms']} ms, p99 {q['p99_ms']} ms, mean {q['mean_ms']} ms", target]
        )
    if "load" in results:
        load = results["load"]
        rows.append(
            [
                f"load, {load['clients']} clients, {load['workers']} query processes, {load['seconds']} s",
                f"{load['queries_per_second']} q/s, p50 {load['p50_ms']} ms, p99 {load['p99_ms']} ms, "
                f"{load['errors']} errors",
                "≥ 50 q/s at p99 ≤ 1 s, 0 errors",
            ]
        )
    table = "\n".join(markdown_table(["measure", f"{args.size:,} documents", "target"], rows))
    print(table)
    partial = args.reuse or args.skip_queries or args.skip_load or args.skip_scan
    stem = "archive_bench" if not partial else "archive_bench-partial"
    write_results(ROOT / "bench" / "results" / stem, results, table + "\n")


if __name__ == "__main__":
    main()
