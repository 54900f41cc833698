"""Long documents: time and peak memory of ``copytrail.compare`` from 100 KB to 5 MB a side.

Usage::

    python bench/long_compare.py                              # this checkout, every size
    python bench/long_compare.py --sizes 0.1,0.25 --src DIR   # another checkout's src/ (a baseline)

Pairs are built from real news with a fixed seed (``bench/_scan_corpus.py``): BBC and
Reuters-21578 stories, each as a headline and its paragraphs, concatenated until A
holds SIZE bytes.

- **copy**: B is an edited copy of A: per story, 8% are left out, 8% are replaced by an
  unrelated story, the rest have 5% of their words edited (replaced, deleted or a word
  inserted), and one story in five also loses 20-30% of its sentences with some
  sentences and paragraphs moved (``drop_and_reorder``); a few stories swap places.
- **non-copy**: B is as many bytes of other stories that reuse none of A's text: a story
  with 10% or more of its 10-word runs in one story of A is passed over (Reuters-21578 holds
  many reissues and corrections of one story; left in, they made B a partial copy of A whose
  shared text grew with the square of the size, coverage 0.06 at 5 MB, which
  is reuse for the engine to find, not a non-copy). Stock phrases shared below that stay.

Each (size, case) runs in a fresh process that loads the default embedder (``minilm``)
and then times one ``copytrail.compare`` on the two texts (loaded beforehand with
``load_bytes``, so file reading is left out), with its peak RSS (``ru_maxrss``, model
included), its CPU seconds (all threads: on a machine shared with other work they
say more than the wall clock) and the RSS before the comparison. A run past ``--timeout`` is stopped and
reported as such. The growth exponent is the slope of log(seconds) over log(bytes),
fitted by least squares over the sizes that finished; 1.0 is linear.

Writes bench/results/long_compare[-LABEL].json and .md.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parents[1] / "src"), str(Path(__file__).resolve().parent)]

from _common import ROOT, git_revision, markdown_table, reproduce_command, write_results  # noqa: E402
from _scan_corpus import Article, bbc_articles, drop_and_reorder, edit_words, reuters_articles, vocabulary  # noqa: E402

SEED = 20261202
MB = 1_000_000
DEFAULT_SIZES = "0.1,0.25,0.5,1,2,5"

# Runs in a fresh interpreter with the copytrail under test first on sys.path.
_PROBE = """
import json, resource, sys, time
sys.path.insert(0, sys.argv[1])
import copytrail
from copytrail.embed import load_embedder
embedder = load_embedder("minilm")
embedder.embed(["A sentence to warm the model up."])
a = copytrail.load_bytes(open(sys.argv[2], "rb").read(), name="a.txt")
b = copytrail.load_bytes(open(sys.argv[3], "rb").read(), name="b.txt")
def rss_mb():
    return int(open("/proc/self/statm").read().split()[1]) * resource.getpagesize() / 2**20
before = rss_mb()
cpu0 = time.process_time()
t0 = time.perf_counter()
try:
    report = copytrail.compare(a, b, embedder=embedder)
except copytrail.CopytrailError as error:
    print(json.dumps({"refused": str(error), "seconds": time.perf_counter() - t0}))
    sys.exit(0)
seconds = time.perf_counter() - t0
cpu = time.process_time() - cpu0
t = report.timings
print(json.dumps({
    "seconds": seconds, "cpu_seconds": cpu, "rss_before_mb": before,
    "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "relation": report.relation.value, "coverage": [report.coverage.a, report.coverage.b],
    "passages": len(report.passages), "segments": [len(report.a.segments), len(report.b.segments)],
    "sentences_embedded": t.sentences_embedded,
    "timings": {"segment": t.segment, "lexical": t.lexical, "embed": t.embed, "align": t.align},
}))
"""


def story(article: Article) -> str:
    return article.headline + "\n\n" + "\n\n".join(article.paragraphs)


def pool() -> list[Article]:
    """BBC and Reuters stories, one per distinct body, shuffled."""
    seen: set[str] = set()
    out = []
    for article in [*bbc_articles(), *reuters_articles(None, 60)]:
        key = " ".join(" ".join(article.paragraphs).lower().split())
        if key not in seen:
            seen.add(key)
            out.append(article)
    random.Random(SEED).shuffle(out)
    return out


def take(stories: list[Article], start: int, size: int) -> tuple[list[Article], int]:
    """Stories from ``start`` on until they hold ``size`` bytes; and where the next one begins."""
    chosen, total, k = [], 0, start
    while total < size:
        if k >= len(stories):
            raise SystemExit(f"not enough text for {size} bytes a side")
        chosen.append(stories[k])
        total += len(story(stories[k]).encode()) + 2
        k += 1
    return chosen, k


# A story of B with this share of its 10-word runs in one story of A is a reissue of it (non-copy case).
REISSUE_SHARE = 0.1
RUN_WORDS = 10


def word_runs(article: Article) -> set[int]:
    words = re.findall(r"\w+", " ".join(article.paragraphs).lower())
    return {hash(tuple(words[i : i + RUN_WORDS])) for i in range(len(words) - RUN_WORDS + 1)}


def unrelated_stories(stories: list[Article], start: int, size: int, a_stories: list[Article]) -> list[Article]:
    """Stories from ``start`` on, none a reissue of one of ``a_stories``, until they hold ``size`` bytes."""
    holders: dict[int, list[int]] = {}
    for k, article in enumerate(a_stories):
        for run in word_runs(article):
            holders.setdefault(run, []).append(k)
    chosen, total = [], 0
    for article in stories[start:]:
        if total >= size:
            return chosen
        runs = word_runs(article)
        shared = Counter(k for run in runs for k in holders.get(run, ()))
        if runs and shared and max(shared.values()) >= REISSUE_SHARE * len(runs):
            continue
        chosen.append(article)
        total += len(story(article).encode()) + 2
    if total < size:
        raise SystemExit(f"not enough text for {size} bytes a side of stories unrelated to A")
    return chosen


def edited_copy(stories: list[Article], spare: list[Article], vocab: list[str], rng: random.Random) -> str:
    out = []
    spare_iter = iter(spare)
    for article in stories:
        roll = rng.random()
        if roll < 0.08:
            continue
        if roll < 0.16:
            out.append(story(next(spare_iter)))
            continue
        paragraphs = edit_words(article.paragraphs, 0.05, vocab, rng)
        if rng.random() < 0.2:
            paragraphs = drop_and_reorder(paragraphs, rng)
        out.append(article.headline + "\n\n" + "\n\n".join(paragraphs))
    for _ in range(len(out) // 20):
        i, j = rng.randrange(len(out)), rng.randrange(len(out))
        out[i], out[j] = out[j], out[i]
    return "\n\n".join(out) + "\n"


def build(sizes: list[float], folder: Path) -> dict[tuple[float, str], tuple[Path, Path]]:
    stories = pool()
    vocab = vocabulary(stories)
    files = {}
    for size in sizes:
        rng = random.Random(f"{SEED}:{size}")
        nbytes = int(size * MB)
        a_stories, after = take(stories, 0, nbytes)
        other, _ = take(stories, after, nbytes)
        a_text = "\n\n".join(story(x) for x in a_stories) + "\n"
        copy_text = edited_copy(a_stories, other, vocab, rng)
        noncopy_text = "\n\n".join(story(x) for x in unrelated_stories(stories, after, nbytes, a_stories)) + "\n"
        for case, b_text in (("copy", copy_text), ("non-copy", noncopy_text)):
            pa, pb = folder / f"{size}-a.txt", folder / f"{size}-{case}-b.txt"
            pa.write_text(a_text, encoding="utf-8")
            pb.write_text(b_text, encoding="utf-8")
            files[(size, case)] = (pa, pb)
    return files


def run_one(src: Path, a: Path, b: Path, timeout: float) -> dict:
    started = time.perf_counter()
    try:
        done = subprocess.run(
            [sys.executable, "-c", _PROBE, str(src), str(a), str(b)],
            capture_output=True,
            text=True,
            timeout=timeout,
            env={**os.environ, "PYTHONPATH": str(src)},
        )
    except subprocess.TimeoutExpired:
        return {"timed_out": True, "seconds": None, "process_wall": round(time.perf_counter() - started, 1)}
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-1] if done.stderr.strip() else f"exit {done.returncode}"}
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["bytes"] = [a.stat().st_size, b.stat().st_size]
    return result


def exponent(points: list[tuple[int, float]]) -> float | None:
    """Least-squares slope of log(seconds) over log(bytes)."""
    if len(points) < 2:
        return None
    xs = [math.log(x) for x, _ in points]
    ys = [math.log(y) for _, y in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default=DEFAULT_SIZES, help="MB a side, comma-separated")
    parser.add_argument("--cases", default="copy,non-copy")
    parser.add_argument("--src", type=Path, default=ROOT / "src", help="the src/ folder of the copytrail to measure")
    parser.add_argument("--label", default="", help="suffix of the result files (e.g. baseline)")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds before a run is stopped")
    args = parser.parse_args()
    sizes = [float(s) for s in args.sizes.split(",")]
    cases = args.cases.split(",")
    print(f"$ {reproduce_command('bench/long_compare.py')}", flush=True)
    rows = []
    with tempfile.TemporaryDirectory(prefix="long-compare-") as tmp:
        files = build(sizes, Path(tmp))
        for size in sizes:
            for case in cases:
                a, b = files[(size, case)]
                print(f"{size} MB {case} ...", file=sys.stderr, flush=True)
                result = {"size_mb": size, "case": case, **run_one(args.src.resolve(), a, b, args.timeout)}
                print(json.dumps(result), file=sys.stderr, flush=True)
                rows.append(result)
    fits = {}
    for case in cases:
        points = [(r["bytes"][0], r["seconds"]) for r in rows if r["case"] == case and r.get("relation")]
        fits[case] = exponent(points)

    def cell(r: dict) -> list[object]:
        if r.get("timed_out"):
            return [f"> {args.timeout:.0f} s (stopped)", "–", "–", "–", "–"]
        if "refused" in r:
            return ["refused", "–", "–", "–", r["refused"][:80]]
        if "error" in r:
            return ["error", "–", "–", "–", r["error"][:80]]
        cov = "/".join(f"{c:.2f}" for c in r["coverage"])
        cpu = f" (CPU {r['cpu_seconds']:.1f} s)" if "cpu_seconds" in r else ""
        return [f"{r['seconds']:.2f} s{cpu}", f"{r['peak_rss_mb']:.0f} MB", r["sentences_embedded"], r["relation"], cov]

    table = markdown_table(
        ["MB a side", "case", "seconds", "peak RSS", "sentences embedded", "relation", "coverage A/B"],
        [[r["size_mb"], r["case"], *cell(r)] for r in rows],
        align="rlrrrll",
    )
    fit_line = "; ".join(f"{case}: {'–' if e is None else f'{e:.2f}'}" for case, e in fits.items())
    markdown = "\n".join(
        [
            f"# long_compare {args.label}".rstrip(),
            "",
            f"`{reproduce_command('bench/long_compare.py')}` at {git_revision()}, src {args.src}",
            "",
            *table,
            "",
            f"growth exponent (log seconds over log bytes): {fit_line}",
            "",
        ]
    )
    stem = ROOT / "bench" / "results" / ("long_compare" + (f"-{args.label}" if args.label else ""))
    write_results(
        stem, {"command": reproduce_command(), "src": str(args.src), "rows": rows, "exponent": fits}, markdown
    )
    print(markdown)


if __name__ == "__main__":
    main()
