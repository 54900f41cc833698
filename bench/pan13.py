"""PAN 2013 text alignment: pair-level detection and character-level plagdet.

Usage::

    python bench/pan13.py                          # every pair of every category (~20+ min on 2 cores)
    python bench/pan13.py --limit 20               # the first 20 pairs of each category
    python bench/pan13.py --categories 02 --embedder none
    python bench/pan13.py --self-test              # check the PAN measures on hand-made cases

Data: ../shared/data/pan13_text_alignment_subset (see its README.md). Every pair is compared
as ``copytrail.compare(suspicious, source)``, so document A is the suspicious document and
B the source, exactly as a user would run it (the files go through copytrail's loader).

Pair level: a pair counts as *detected* when the report names reuse (duplicate,
near_duplicate, rewrite or partial_reuse). For 02-05 the detected share is recall; for
01-no-plagiarism it is the false-positive rate. Precision/recall/F1 pool 02-05 as positives
and 01 as negatives.

Character level (category 02 only, the one with truth offsets): the PAN measures of
Potthast et al. (COLING 2010), as computed by PAN's perfmeasures script: macro-averaged
precision and recall over detections and cases, granularity, and
plagdet = F1 / log2(1 + granularity). Cases are the rows of
``02-no-obfuscation/truth_realigned.jsonl`` with ``realign_ok`` true; a pair with any case
that failed realignment is left out of plagdet altogether (its detections could not be
judged). Detections are the report's passages, ``(a_span, b_span)``. A detection overlaps a
case when both sit on the same document pair and their spans overlap in the suspicious
*and* the source document. The truth offsets index the raw file text; the script checks
that ``report.a.text``/``report.b.text`` equal the file text and, where they do not (the
loader took the file for HTML, say), keeps the cases but drops the detections.

Results go to bench/results/pan13.json (per-pair records included) and a table to stdout.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import statistics
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import NamedTuple

sys.path[:0] = [str(Path(__file__).resolve().parents[1] / "src"), str(Path(__file__).resolve().parent)]

import copytrail  # noqa: E402
from _common import DATA as SHARED_DATA  # noqa: E402
from _common import ROOT, git_revision, reproduce_command, timed  # noqa: E402
from copytrail.embed import EMBEDDERS, load_embedder  # noqa: E402

DATA = SHARED_DATA / "pan13_text_alignment_subset"
OUT = ROOT / "bench" / "results" / "pan13.json"
CATEGORIES = {
    "01": "01-no-plagiarism",
    "02": "02-no-obfuscation",
    "03": "03-random-obfuscation",
    "04": "04-translation-obfuscation",
    "05": "05-summary-obfuscation",
}
NEGATIVE = "01-no-plagiarism"
REUSE = frozenset(
    {
        copytrail.Relation.DUPLICATE,
        copytrail.Relation.NEAR_DUPLICATE,
        copytrail.Relation.REWRITE,
        copytrail.Relation.PARTIAL_REUSE,
    }
)
PROGRESS_EVERY = 50


# --------------------------------------------------------------------------- PAN measures


class Annotation(NamedTuple):
    """A case or a detection: a span of the suspicious document and one of the source."""

    susp: str
    susp_offset: int
    susp_length: int
    src: str
    src_offset: int
    src_length: int

    @property
    def susp_end(self) -> int:
        return self.susp_offset + self.susp_length

    @property
    def src_end(self) -> int:
        return self.src_offset + self.src_length


def overlaps(x: Annotation, y: Annotation) -> bool:
    """PAN's "detects": same document pair, overlapping in both documents."""
    return (
        x.susp == y.susp
        and x.src == y.src
        and y.susp_offset < x.susp_end
        and x.susp_offset < y.susp_end
        and y.src_offset < x.src_end
        and x.src_offset < y.src_end
    )


def _covered(start: int, end: int, others: Iterable[tuple[int, int]]) -> int:
    """Characters of [start, end) inside the union of the ``others`` ranges."""
    clipped = sorted((max(start, s), min(end, e)) for s, e in others if s < end and e > start)
    total, reach = 0, start
    for s, e in clipped:
        s = max(s, reach)
        if e > s:
            total += e - s
            reach = e
    return total


def _index(annotations: Iterable[Annotation]) -> dict[tuple[str, str], list[Annotation]]:
    index: dict[tuple[str, str], list[Annotation]] = defaultdict(list)
    for ann in annotations:
        index[(ann.susp, ann.src)].append(ann)
    return index


def case_recall(case: Annotation, detections: Sequence[Annotation]) -> float:
    """Share of the case's characters (suspicious plus source) inside overlapping detections."""
    hits = [d for d in detections if overlaps(case, d)]
    if not hits:
        return 0.0
    susp = _covered(case.susp_offset, case.susp_end, ((d.susp_offset, d.susp_end) for d in hits))
    src = _covered(case.src_offset, case.src_end, ((d.src_offset, d.src_end) for d in hits))
    return (susp + src) / max(case.susp_length + case.src_length, 1)


def macro_recall(cases: Sequence[Annotation], detections: Sequence[Annotation]) -> float:
    if not cases and not detections:
        return 1.0
    if not cases or not detections:
        return 0.0
    index = _index(detections)
    return sum(case_recall(c, index.get((c.susp, c.src), [])) for c in cases) / len(cases)


def macro_precision(cases: Sequence[Annotation], detections: Sequence[Annotation]) -> float:
    # Precision is recall with the roles swapped: how much of each detection is a case.
    return macro_recall(detections, cases)


def granularity(cases: Sequence[Annotation], detections: Sequence[Annotation]) -> float:
    """Mean number of detections per detected case (1 when nothing is detected)."""
    index = _index(detections)
    counts = [sum(overlaps(c, d) for d in index.get((c.susp, c.src), [])) for c in cases]
    detected = [n for n in counts if n > 0]
    return sum(detected) / len(detected) if detected else 1.0


def plagdet(recall: float, precision: float, gran: float) -> float:
    if recall <= 0 and precision <= 0 or gran < 1:
        return 0.0
    return (2 * recall * precision / (recall + precision)) / math.log2(1 + gran)


def pan_scores(cases: Sequence[Annotation], detections: Sequence[Annotation]) -> dict:
    recall = macro_recall(cases, detections)
    precision = macro_precision(cases, detections)
    gran = granularity(cases, detections)
    index = _index(detections)
    found = sum(any(overlaps(c, d) for d in index.get((c.susp, c.src), [])) for c in cases)
    return {
        "cases": len(cases),
        "detections": len(detections),
        "cases_detected": found,
        "recall": round(recall, 4),
        "precision": round(precision, 4),
        "granularity": round(gran, 4),
        "plagdet": round(plagdet(recall, precision, gran), 4),
    }


def self_test() -> None:
    """Expected values are those of the unit tests shipped with PAN's perfmeasures script."""
    a1 = Annotation("t1", 0, 100, "s1", 0, 100)
    a3 = Annotation("t1", 100, 100, "s1", 100, 100)
    a4 = Annotation("t1", 0, 200, "s1", 0, 200)
    a5 = Annotation("t1", 0, 1, "s1", 0, 1)
    a6 = Annotation("t1", 99, 1, "s1", 99, 1)
    a7 = Annotation("t2", 0, 100, "s2", 0, 100)
    a9 = Annotation("t2", 50, 100, "s2", 50, 100)
    a10 = Annotation("t2", 25, 75, "s2", 25, 75)
    checks = [
        (macro_recall([], []), 1.0),
        (macro_recall([a1], []), 0.0),
        (macro_recall([a1], [a1]), 1.0),
        (macro_recall([a1, a7], [a1]), 0.5),
        (macro_recall([a1], [a7]), 0.0),
        (case_recall(a1, [a3]), 0.0),
        (case_recall(a1, [a4]), 1.0),
        (case_recall(a1, [a4, a7]), 1.0),
        (case_recall(a1, [a7, a9]), 0.0),
        (case_recall(a7, [a9]), 0.5),
        (case_recall(a7, [a10]), 0.75),
        (case_recall(a7, [a9, a10]), 0.75),
        (macro_precision([a1, a7], [a1]), 1.0),
        (macro_precision([a1], [a4]), 0.5),
        (macro_precision([a7], [a10]), 1.0),
        (macro_precision([a7], [a9, a10]), 0.75),
        (macro_precision([a1], [a3, a4]), 0.25),
        (granularity([], []), 1.0),
        (granularity([a1], [a3]), 1.0),
        (granularity([a1], [a4, a5, a6]), 3.0),
        (granularity([a1, a3], [a4, a1]), 1.5),
        (plagdet(1, 1, 1), 1.0),
        (plagdet(0.5, 1, 1), 2 / 3),
        (plagdet(1, 1, 2), 0.63092975),
        (plagdet(0.25, 0.75, 2), 0.23659865),
        (plagdet(0, 0, 1), 0.0),
    ]
    for k, (got, want) in enumerate(checks):
        assert abs(got - want) < 1e-7, f"check {k}: got {got}, want {want}"
    assert overlaps(a1, a5) and overlaps(a1, a6) and not overlaps(a1, a3) and not overlaps(a1, a7)
    print(f"PAN measures: {len(checks) + 1} checks passed")


# --------------------------------------------------------------------------- the run


def read_pairs(data: Path, categories: Sequence[str], limit: int | None) -> list[dict]:
    with (data / "pairs_with_category.tsv").open(newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    chosen = []
    for code in categories:
        folder = CATEGORIES[code]
        rows_here = [r for r in rows if r["category"] == folder]
        chosen.extend(rows_here if limit is None else rows_here[:limit])
    return chosen


def read_truth(data: Path) -> tuple[dict[tuple[str, str], list[Annotation]], set[tuple[str, str]]]:
    """Cases per (susp, src) pair, and the pairs with a case that failed realignment."""
    cases: dict[tuple[str, str], list[Annotation]] = defaultdict(list)
    unusable: set[tuple[str, str]] = set()
    with (data / "02-no-obfuscation" / "truth_realigned.jsonl").open() as handle:
        for line in handle:
            row = json.loads(line)
            key = (row["susp"], row["src"])
            if not row["realign_ok"]:
                unusable.add(key)
                continue
            cases[key].append(
                Annotation(
                    row["susp"],
                    row["this_offset"],
                    row["this_length"],
                    row["src"],
                    row["source_offset"],
                    row["source_length"],
                )
            )
    return cases, unusable


def file_text(path: Path) -> str:
    # How the truth offsets were made: the raw file, pure ASCII with LF line endings.
    return path.read_bytes().decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")


def run_pair(row: dict, data: Path, config: copytrail.CompareConfig) -> dict:
    susp_path, src_path = data / "susp" / row["susp"], data / "src" / row["src"]
    record: dict = {"susp": row["susp"], "src": row["src"], "category": row["category"]}
    try:
        with timed() as seconds:
            report = copytrail.compare(susp_path, src_path, config=config)
    except copytrail.CopytrailError as exc:
        record.update(seconds=round(seconds[0], 4), error=f"{type(exc).__name__}: {exc}")
        record.update(relation="error", detected=False, passages=[])
        return record
    record.update(
        seconds=round(seconds[0], 4),
        relation=report.relation.value,
        relation_score=round(report.relation_score, 4),
        detected=report.relation in REUSE,
        coverage_a=report.coverage.a,
        coverage_b=report.coverage.b,
        a_format=report.a.source_format.value,
        b_format=report.b.source_format.value,
        a_text_ok=report.a.text == file_text(susp_path),
        b_text_ok=report.b.text == file_text(src_path),
        timings={
            k: getattr(report.timings, k)
            for k in ("load", "segment", "lexical", "embed", "align", "sentences_embedded")
        },
        passages=[
            [p.a_span.start, p.a_span.end, p.b_span.start, p.b_span.end, p.label.value, len(p.pairs)]
            for p in report.passages
        ],
    )
    return record


def pair_level(records: Sequence[dict]) -> tuple[list[dict], dict]:
    per_category = []
    for folder in CATEGORIES.values():
        here = [r for r in records if r["category"] == folder]
        if not here:
            continue
        detected = sum(r["detected"] for r in here)
        per_category.append(
            {
                "category": folder,
                "pairs": len(here),
                "detected": detected,
                "detected_share": round(detected / len(here), 4),
                "measure": "false-positive rate" if folder == NEGATIVE else "recall",
                "errors": sum("error" in r for r in here),
                "relations": dict(Counter(r["relation"] for r in here).most_common()),
                "seconds_per_pair_median": round(statistics.median(r["seconds"] for r in here), 4),
            }
        )
    positives = [r for r in records if r["category"] != NEGATIVE]
    negatives = [r for r in records if r["category"] == NEGATIVE]
    tp = sum(r["detected"] for r in positives)
    fp = sum(r["detected"] for r in negatives)
    fn = len(positives) - tp
    precision = tp / (tp + fp) if tp + fp else None
    recall = tp / len(positives) if positives else None
    f1 = 2 * tp / (2 * tp + fp + fn) if (tp + fp + fn) else None
    overall = {
        "positives": len(positives),
        "negatives": len(negatives),
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "tn": len(negatives) - fp,
        "precision": None if precision is None else round(precision, 4),
        "recall": None if recall is None else round(recall, 4),
        "f1": None if f1 is None else round(f1, 4),
    }
    return per_category, overall


def char_level(records: Sequence[dict], data: Path) -> dict | None:
    verbatim = [r for r in records if r["category"] == CATEGORIES["02"]]
    if not verbatim:
        return None
    truth, unusable = read_truth(data)
    scored = [r for r in verbatim if (r["susp"], r["src"]) not in unusable]
    cases = [c for r in scored for c in truth.get((r["susp"], r["src"]), [])]
    text_mismatch = [r for r in scored if "error" in r or not (r.get("a_text_ok") and r.get("b_text_ok"))]
    bad = {(r["susp"], r["src"]) for r in text_mismatch}

    def detections(only_reuse: bool) -> list[Annotation]:
        out = []
        for r in scored:
            if (r["susp"], r["src"]) in bad or (only_reuse and not r["detected"]):
                continue
            for a0, a1, b0, b1, *_ in r["passages"]:
                out.append(Annotation(r["susp"], a0, a1 - a0, r["src"], b0, b1 - b0))
        return out

    all_dets = detections(only_reuse=False)
    index = _index(all_dets)
    missed = [
        {
            "susp": c.susp,
            "src": c.src,
            "susp_span": [c.susp_offset, c.susp_end],
            "src_span": [c.src_offset, c.src_end],
        }
        for c in cases
        if not any(overlaps(c, d) for d in index.get((c.susp, c.src), []))
    ]
    return {
        "pairs_scored": len(scored),
        "pairs_left_out_unrealigned_truth": len(verbatim) - len(scored),
        "pairs_text_mismatch_or_error": [
            {
                "susp": r["susp"],
                "src": r["src"],
                "error": r.get("error"),
                "a_text_ok": r.get("a_text_ok"),
                "b_text_ok": r.get("b_text_ok"),
            }
            for r in text_mismatch
        ],
        "all_passages": pan_scores(cases, all_dets),
        "passages_of_reuse_pairs": pan_scores(cases, detections(only_reuse=True)),
        "missed_cases": missed,
    }


def print_tables(result: dict) -> None:
    print(
        f"\nPAN13 text alignment subset, embedder={result['embedder']}, {result['pairs']} pairs, "
        f"revision {result.get('revision')}"
    )
    print("\nPair level (detected = relation is duplicate/near_duplicate/rewrite/partial_reuse)")
    header = f"{'category':28s} {'pairs':>5s} {'detected':>8s} {'share':>6s}  {'measure':19s} {'s/pair':>6s}  relations"
    print(header)
    print("-" * len(header))
    for row in result["per_category"]:
        relations = ", ".join(f"{k} {v}" for k, v in row["relations"].items())
        print(
            f"{row['category']:28s} {row['pairs']:5d} {row['detected']:8d} {row['detected_share']:6.3f}  "
            f"{row['measure']:19s} {row['seconds_per_pair_median']:6.2f}  {relations}"
        )
    o = result["overall"]

    def fmt(x: float | None) -> str:
        return "n/a" if x is None else f"{x:.4f}"

    print(
        f"\nOverall (02-05 positive, 01 negative): precision {fmt(o['precision'])}  recall {fmt(o['recall'])}"
        f"  F1 {fmt(o['f1'])}   (tp {o['tp']}, fp {o['fp']}, fn {o['fn']}, tn {o['tn']})"
    )
    ch = result.get("plagdet_02")
    if ch:
        print(
            f"\nCharacter level, 02-no-obfuscation ({ch['pairs_scored']} pairs scored, "
            f"{ch['pairs_left_out_unrealigned_truth']} left out for unrealigned truth, "
            f"{len(ch['pairs_text_mismatch_or_error'])} with text mismatch/error)"
        )
        print(
            f"{'detections':26s} {'cases':>5s} {'found':>5s} {'dets':>5s} {'recall':>7s} {'prec':>7s} "
            f"{'gran':>6s} {'plagdet':>7s}"
        )
        for name, key in (
            ("all passages", "all_passages"),
            ("passages of reuse pairs", "passages_of_reuse_pairs"),
        ):
            s = ch[key]
            print(
                f"{name:26s} {s['cases']:5d} {s['cases_detected']:5d} {s['detections']:5d} "
                f"{s['recall']:7.4f} "
                f"{s['precision']:7.4f} {s['granularity']:6.3f} {s['plagdet']:7.4f}"
            )
    t = result["timing"]
    print(
        f"\nTiming: {t['wall_seconds']:.1f} s wall for {result['pairs']} pairs; per pair median "
        f"{t['seconds_per_pair_median']:.3f} s, mean {t['seconds_per_pair_mean']:.3f} s, p90 "
        f"{t['seconds_per_pair_p90']:.3f} s (model load {t['model_load_seconds']:.2f} s, not included)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--limit", type=int, default=None, help="pairs per category (default: all)")
    parser.add_argument("--categories", default="01,02,03,04,05", help="comma-separated codes, e.g. 01,02")
    parser.add_argument("--embedder", default="minilm", choices=[*EMBEDDERS, "none"])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--self-test", action="store_true", help="check the PAN measures and exit")
    parser.add_argument(
        "--rescore",
        type=Path,
        default=None,
        metavar="JSON",
        help="recompute the tables from the per-pair records of an earlier run's JSON (no comparing)",
    )
    args = parser.parse_args()

    self_test()
    if args.self_test:
        return
    if args.rescore is not None:
        result = json.loads(args.rescore.read_text())
        result["per_category"], result["overall"] = pair_level(result["records"])
        result["plagdet_02"] = char_level(result["records"], args.data)
        print(f"# rescored {args.rescore}; produced by: {result['command']}")
        print_tables(result)
        return
    codes = [c.strip() for c in args.categories.split(",") if c.strip()]
    unknown = [c for c in codes if c not in CATEGORIES]
    if unknown:
        parser.error(f"unknown categories {unknown}; choose from {', '.join(CATEGORIES)}")
    print(f"$ {reproduce_command('bench/pan13.py')}", flush=True)
    revision = git_revision()  # before the run: the engine is the code imported now

    config = copytrail.CompareConfig(embedder=args.embedder)
    load_started = time.perf_counter()
    if args.embedder != "none":
        load_embedder(args.embedder)
    model_load = time.perf_counter() - load_started

    pairs = read_pairs(args.data, codes, args.limit)
    records = []
    started = time.perf_counter()
    for n, row in enumerate(pairs, 1):
        records.append(run_pair(row, args.data, config))
        if n % PROGRESS_EVERY == 0 or n == len(pairs):
            elapsed = time.perf_counter() - started
            print(
                f"[{n}/{len(pairs)}] {elapsed:.0f} s, {elapsed / n:.2f} s/pair, "
                f"eta {elapsed / n * (len(pairs) - n):.0f} s",
                file=sys.stderr,
                flush=True,
            )
    wall = time.perf_counter() - started

    per_category, overall = pair_level(records)
    seconds = sorted(r["seconds"] for r in records)
    result = {
        "command": reproduce_command(),
        "revision": revision,
        "embedder": args.embedder,
        "cpu_count": os.cpu_count(),
        "pairs": len(records),
        "per_category": per_category,
        "overall": overall,
        "plagdet_02": char_level(records, args.data),
        "timing": {
            "wall_seconds": round(wall, 2),
            "model_load_seconds": round(model_load, 3),
            "seconds_per_pair_median": round(statistics.median(seconds), 4) if seconds else None,
            "seconds_per_pair_mean": round(wall / len(records), 4) if records else None,
            "seconds_per_pair_p90": round(seconds[int(0.9 * (len(seconds) - 1))], 4) if seconds else None,
            "note": "the sentence cache is shared across pairs (suspicious documents recur), as in real use",
        },
        "records": records,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    partial = args.out.with_suffix(".json.tmp")
    partial.write_text(json.dumps(result, indent=1) + "\n")
    partial.replace(args.out)
    print_tables(result)
    print(f"\nwrote {args.out}")


if __name__ == "__main__":
    main()
