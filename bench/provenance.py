"""Which text is the original? copytrail's provenance verdict on real pairs whose direction is known.

Usage::

    python bench/provenance.py                     # all three sets, ~5-12 minutes on 2 cores (PAN13 dominates)
    python bench/provenance.py --sets reuters      # one set (reuters, pan13, edits)
    python bench/provenance.py --reuters 300 --pan13 150 --edits 150

Three sets of pairs, each compared with ``copytrail.compare``; which document goes in as A
and which as B is drawn at random (``random.Random(20261123)``), so a lean towards A or B
shows up as errors instead of hiding in the order.

- ``reuters``: Reuters-21578 (../shared/data/reuters21578, this half: reut2-000..010).
  Pairs of stories that are reissues, corrections or updates of each other: body word
  5-gram Jaccard >= 0.5, or the same title once markers ("CORRECTED -", "(RPT)", "UPDATE 2",
  "REPEAT", "REFILED") are stripped with body Jaccard >= 0.3; both within 3 days of each
  other. The <DATE> fields give the truth (earlier = original); pairs stamped the same
  second are skipped. copytrail sees only ``TITLE\\n\\nBODY`` (entities unescaped, the body
  hard-wrapped as in the file) through ``copytrail.load_bytes``: no DATE, no DATELINE.
  Sub-sets: ``marked`` (exactly one title carries a reissue marker), ``exact`` (title and
  body the same but for whitespace and letter case, e.g. a "REUTER" sign-off against
  "Reuter": no content clue can order them, so "undecided" is the right answer and any
  A/B verdict is wrong) and ``near`` (the rest). Up to ``--reuters``
  pairs: every marked pair, up to a fifth exact pairs, the rest near pairs, drawn at random.
- ``pan13``: PAN13 text alignment (../shared/data/pan13_text_alignment_subset): the source
  document is the original, the suspicious document reuses it. ``--pan13`` pairs drawn
  evenly from categories 02-05.
- ``edits``: the edited BBC copies of bench/edits.py (same seed and size): the unedited
  article is the original.

Per set: pairs, right, wrong, undecided (counts and shares), accuracy among decided
verdicts, how often A and B were named, and for wrong verdicts the evidence kinds that
favoured the wrong side, with examples. Writes bench/results/provenance.json (every pair
with its evidence) and prints a table.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import re
import sys
import time
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from datetime import datetime
from itertools import combinations
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parents[1] / "src"), str(Path(__file__).resolve().parent)]

import copytrail  # noqa: E402
from _common import DATA, ROOT, git_revision, reproduce_command, write_json  # noqa: E402
from copytrail.explain.provenance import MIN_MARGIN  # noqa: E402
from edits import SEED, build_cases  # noqa: E402

REUTERS = DATA / "reuters21578"
PAN13 = DATA / "pan13_text_alignment_subset"
OUT = ROOT / "bench" / "results" / "provenance.json"
PAN_CATEGORIES = ("02-no-obfuscation", "03-random-obfuscation", "04-translation-obfuscation", "05-summary-obfuscation")
MARKER = re.compile(r"\(?\b(?:CORRECTED|CORRECTION|REPEAT|RPT|UPDATE(?:\s*\d+)?|REFILED)\b\)?\s*-?\s*")
MAX_GAP_DAYS = 3
SHINGLE = 5
COMMON_SHINGLE = 50  # shingles in more documents than this are boilerplate, not evidence of a pair


# --------------------------------------------------------------------------- pairs


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def _shingles(text: str) -> set[tuple[str, ...]]:
    w = _words(text)
    return {tuple(w[i : i + SHINGLE]) for i in range(len(w) - SHINGLE + 1)}


def _bare_title(title: str) -> str:
    return re.sub(r"\s+", " ", MARKER.sub(" ", title)).strip(" -")


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def reuters_stories() -> list[dict]:
    stories = []
    for path in sorted(REUTERS.glob("reut2-*.xml")):
        for node in ET.parse(path).getroot():
            text = node.find("TEXT")
            body = text.findtext("BODY") or ""
            if not body.strip():
                continue
            title = (text.findtext("TITLE") or "").strip()
            stamp = node.findtext("DATE").strip()
            when = datetime.strptime(stamp.split(".")[0], "%d-%b-%Y %H:%M:%S")
            stories.append({"newid": int(node.get("NEWID")), "date": stamp, "when": when, "title": title, "body": body})
    return stories


def reuters_pairs(limit: int, rng: random.Random) -> tuple[list[dict], dict]:
    stories = reuters_stories()
    shingles = [_shingles(s["body"]) for s in stories]
    index: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for i, sh in enumerate(shingles):
        for g in sh:
            index[g].append(i)
    shared: Counter[tuple[int, int]] = Counter()
    for docs in index.values():
        if len(docs) <= COMMON_SHINGLE:
            for i, j in combinations(docs, 2):
                shared[(i, j)] += 1

    def jaccard(i: int, j: int) -> float:
        union = len(shingles[i] | shingles[j])
        return shared.get((i, j), 0) / union if union else 0.0

    found: dict[tuple[int, int], tuple[float, str]] = {}
    for (i, j), _ in shared.items():
        jac = jaccard(i, j)
        if jac >= 0.5:
            found[(i, j)] = (jac, "body 5-gram Jaccard >= 0.5")
    by_title: dict[str, list[int]] = defaultdict(list)
    for i, s in enumerate(stories):
        by_title[_bare_title(s["title"])].append(i)
    for title, docs in by_title.items():
        if not title or len(docs) > 8:
            continue
        for i, j in combinations(docs, 2):
            jac = jaccard(i, j)
            if (i, j) not in found and jac >= 0.3:
                found[(i, j)] = (jac, "same title without markers, body Jaccard >= 0.3")
    stats = Counter(candidates=len(found))
    groups: dict[str, list[dict]] = defaultdict(list)
    for (i, j), (jac, why) in found.items():
        x, y = stories[i], stories[j]
        if x["when"] == y["when"]:
            stats["skipped_same_second"] += 1
            continue
        if abs((x["when"] - y["when"]).total_seconds()) > MAX_GAP_DAYS * 86400:
            stats["skipped_over_3_days"] += 1
            continue
        first, later = (x, y) if x["when"] < y["when"] else (y, x)
        marked = [bool(MARKER.search(s["title"])) for s in (first, later)]
        if (
            _squash(first["title"] + "\n" + first["body"]).lower()
            == _squash(later["title"] + "\n" + later["body"]).lower()
        ):
            group = "exact"
        elif marked[0] != marked[1]:
            group = "marked"
        else:
            group = "near"
        groups[group].append(
            {
                "set": "reuters",
                "group": group,
                "id": f"reuters {first['newid']}->{later['newid']}",
                "original": f"{first['title']}\n\n{first['body']}",
                "copy": f"{later['title']}\n\n{later['body']}",
                "original_label": f"NEWID {first['newid']} {first['date']} {first['title']}",
                "copy_label": f"NEWID {later['newid']} {later['date']} {later['title']}",
                "jaccard": round(jac, 3),
                "why": why,
                "marked_side": "original" if marked[0] and not marked[1] else "copy" if marked[1] else None,
            }
        )
    for group in groups.values():
        group.sort(key=lambda p: p["id"])
        rng.shuffle(group)
    stats.update({f"found_{g}": len(v) for g, v in groups.items()})
    chosen = groups["marked"][:limit]
    chosen += groups["exact"][: min(len(groups["exact"]), max(0, limit // 5), limit - len(chosen))]
    chosen += groups["near"][: max(0, limit - len(chosen))]
    return chosen, dict(stats)


def pan13_pairs(limit: int, rng: random.Random) -> list[dict]:
    rows = list(csv.DictReader((PAN13 / "pairs_with_category.tsv").open(encoding="utf-8"), delimiter="\t"))
    out = []
    per = limit // len(PAN_CATEGORIES)
    for k, category in enumerate(PAN_CATEGORIES):
        pool = sorted((r for r in rows if r["category"] == category), key=lambda r: (r["susp"], r["src"]))
        rng.shuffle(pool)
        take = per + (1 if k < limit - per * len(PAN_CATEGORIES) else 0)
        for r in pool[:take]:
            out.append(
                {
                    "set": "pan13",
                    "group": category,
                    "id": f"pan13 {r['src']}->{r['susp']}",
                    "original_path": str(PAN13 / "src" / r["src"]),
                    "copy_path": str(PAN13 / "susp" / r["susp"]),
                    "original_label": r["src"],
                    "copy_label": r["susp"],
                }
            )
    return out


def edit_pairs(n_articles: int) -> list[dict]:
    out = []
    for case in build_cases(n_articles, SEED):
        kinds = Counter(e.kind for e in case.edits)
        out.append(
            {
                "set": "edits",
                "group": "date edit" if kinds["date"] else "no date edit",
                "id": f"edits {case.name}",
                "original": case.original,
                "copy": case.copy,
                "original_label": case.name,
                "copy_label": f"{case.name} edited ({', '.join(f'{k} x{n}' for k, n in sorted(kinds.items()))})",
            }
        )
    return out


# --------------------------------------------------------------------------- run


def _load(pair: dict, side: str) -> copytrail.LoadedText:
    if f"{side}_path" in pair:
        path = Path(pair[f"{side}_path"])
        return copytrail.load_bytes(path.read_bytes(), name=path.name)
    return copytrail.load_bytes(pair[side].encode(), name=f"{side}.txt")


def run_pairs(pairs: list[dict], rng: random.Random, config: copytrail.CompareConfig) -> list[dict]:
    records = []
    started = time.perf_counter()
    for n, pair in enumerate(pairs, 1):
        original_is_a = rng.random() < 0.5
        first, second = ("original", "copy") if original_is_a else ("copy", "original")
        exact = pair["set"] == "reuters" and pair["group"] == "exact"
        truth = "undecided" if exact else ("a" if original_is_a else "b")
        t0 = time.perf_counter()
        try:
            a, b = _load(pair, first), _load(pair, second)
            report = copytrail.compare(a, b, config=config)
        except copytrail.CopytrailError as err:
            # Counted apart: no verdict to score (see the reply's loader bug).
            records.append(
                {
                    "set": pair["set"],
                    "group": pair["group"],
                    "id": pair["id"],
                    "a": pair[f"{first}_label"],
                    "b": pair[f"{second}_label"],
                    "original_is": "a" if original_is_a else "b",
                    "truth": truth,
                    "verdict": None,
                    "outcome": "error",
                    "error": f"{type(err).__name__}: {err}",
                    "evidence": [],
                }
            )
            continue
        seconds = time.perf_counter() - t0
        prov = report.explanation.provenance
        verdict = prov.original.value
        records.append(
            {
                "set": pair["set"],
                "group": pair["group"],
                "id": pair["id"],
                "a": pair[f"{first}_label"],
                "b": pair[f"{second}_label"],
                "original_is": "a" if original_is_a else "b",
                "truth": truth,
                "verdict": verdict,
                "outcome": "undecided"
                if verdict == "undecided" and truth != "undecided"
                else ("right" if verdict == truth else "wrong"),
                "confidence": prov.confidence,
                "relation": report.relation.value,
                "coverage": [round(report.coverage.a, 3), round(report.coverage.b, 3)],
                "evidence": [
                    {"kind": e.kind, "favours": e.favours.value, "weight": e.weight, "detail": e.detail}
                    for e in prov.evidence
                ],
                "seconds": round(seconds, 3),
                **({k: pair[k] for k in ("jaccard", "why", "marked_side") if k in pair}),
            }
        )
        if n % 50 == 0:
            print(f"  {pair['set']}: {n}/{len(pairs)}, {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return records


def reweigh(evidence: list[dict], without: str) -> str:
    """The verdict the engine's rule (larger sum, margin >= MIN_MARGIN) gives without one evidence kind."""
    kept = [e for e in evidence if e["kind"] != without]
    score_a = sum(e["weight"] for e in kept if e["favours"] == "a")
    score_b = sum(e["weight"] for e in kept if e["favours"] == "b")
    if abs(score_a - score_b) < MIN_MARGIN:
        return "undecided"
    return "a" if score_a > score_b else "b"


def ablations(records: list[dict]) -> dict:
    """For each evidence kind seen: right / wrong / undecided if that kind were dropped."""
    kinds = sorted({e["kind"] for r in records for e in r["evidence"]})
    out = {}
    for kind in kinds:
        outcome = Counter()
        for r in records:
            verdict = reweigh(r["evidence"], kind)
            if verdict == "undecided" and r["truth"] != "undecided":
                outcome["undecided"] += 1
            else:
                outcome["right" if verdict == r["truth"] else "wrong"] += 1
        out[kind] = {k: outcome[k] for k in ("right", "wrong", "undecided")}
    return out


def summarise(records: list[dict]) -> dict:
    errors = [r for r in records if r["outcome"] == "error"]
    records = [r for r in records if r["outcome"] != "error"]
    n = len(records)
    outcome = Counter(r["outcome"] for r in records)
    outcome["error"] = len(errors)
    # Accuracy among decided verdicts, on pairs that have a direction (not the exact duplicates).
    directed = [r for r in records if r["truth"] != "undecided" and r["verdict"] != "undecided"]
    decided = len(directed)
    right_decided = sum(1 for r in directed if r["verdict"] == r["truth"])
    wrong_kinds: Counter[str] = Counter()
    wrong_weight: Counter[str] = Counter()
    right_kinds: Counter[str] = Counter()
    examples: dict[str, list[dict]] = defaultdict(list)
    for r in records:
        if r["verdict"] == "undecided":
            continue
        for e in r["evidence"]:
            if e["favours"] != r["verdict"]:
                continue
            if r["outcome"] == "wrong":
                wrong_kinds[e["kind"]] += 1
                wrong_weight[e["kind"]] += e["weight"]
                examples[e["kind"]].append(
                    {
                        "id": r["id"],
                        "group": r["group"],
                        "a": r["a"][:90],
                        "b": r["b"][:90],
                        "original_is": r["original_is"],
                        "verdict": r["verdict"],
                        "detail": e["detail"][:300],
                    }
                )
            else:
                right_kinds[e["kind"]] += 1
    return {
        "pairs": n,
        "right": outcome["right"],
        "wrong": outcome["wrong"],
        "undecided": outcome["undecided"],
        "errors": outcome["error"],
        "right_share": round(outcome["right"] / n, 3) if n else None,
        "wrong_share": round(outcome["wrong"] / n, 3) if n else None,
        "undecided_share": round(outcome["undecided"] / n, 3) if n else None,
        "decided": decided,
        "accuracy_decided": round(right_decided / decided, 3) if decided else None,
        "verdicts": dict(Counter(r["verdict"] for r in records)),
        "truth": dict(Counter(r["truth"] for r in records)),
        "evidence_in_wrong_verdicts": {
            k: {"pairs": v, "weight": round(wrong_weight[k], 1)} for k, v in wrong_kinds.most_common()
        },
        "evidence_in_right_verdicts": dict(right_kinds.most_common()),
        "without_each_evidence_kind": ablations(records),
        "wrong_examples": {k: v[:5] for k, v in examples.items()},
        "error_examples": [{"id": r["id"], "error": r["error"]} for r in errors[:5]],
    }


def _fmt(x: float | None) -> str:
    return "  -  " if x is None else f"{x:.3f}"


def print_table(summaries: dict[str, dict]) -> None:
    print(
        f"\n{'set':<36}{'pairs':>6}{'right':>7}{'wrong':>7}{'undec':>7}{'right%':>8}{'wrong%':>8}{'undec%':>8}"
        f"{'acc(decided)':>14}{'errors':>8}  verdicts"
    )
    for name, s in summaries.items():
        verdicts = ", ".join(f"{k}:{v}" for k, v in sorted(s["verdicts"].items()))
        print(
            f"{name:<36}{s['pairs']:>6}{s['right']:>7}{s['wrong']:>7}{s['undecided']:>7}"
            f"{_fmt(s['right_share']):>8}{_fmt(s['wrong_share']):>8}{_fmt(s['undecided_share']):>8}"
            f"{_fmt(s['accuracy_decided']):>14}{s['errors']:>8}  {verdicts}"
        )
    print(
        "  (reuters/exact: the right answer is 'undecided'; there 'right' counts undecided verdicts and any"
        " A/B verdict is wrong; accuracy(decided) leaves exact pairs out; errors: compare raised, not scored)"
    )
    for name, s in summaries.items():
        if "/" in name or not s["evidence_in_wrong_verdicts"]:
            continue
        print(
            f"\n{name}: evidence behind wrong verdicts (pairs, summed weight): "
            + ", ".join(f"{k} {v['pairs']} ({v['weight']})" for k, v in s["evidence_in_wrong_verdicts"].items())
            + f"; behind right verdicts: {s['evidence_in_right_verdicts']}"
        )
        print(
            "  if one evidence kind were dropped (right/wrong/undecided): "
            + "; ".join(
                f"-{k}: {v['right']}/{v['wrong']}/{v['undecided']}" for k, v in s["without_each_evidence_kind"].items()
            )
        )
        for kind, exs in s["wrong_examples"].items():
            print(f"  {kind}:")
            for ex in exs[:3]:
                print(f"    [{ex['id']}] original is {ex['original_is'].upper()}, verdict {ex['verdict'].upper()}")
                print(f"      A: {ex['a']}")
                print(f"      B: {ex['b']}")
                print(f"      evidence: {ex['detail']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sets", default="reuters,pan13,edits")
    parser.add_argument("--reuters", type=int, default=300)
    parser.add_argument("--pan13", type=int, default=150)
    parser.add_argument("--edits", type=int, default=150)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--embedder", default="minilm")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    command = reproduce_command()
    print(command.rstrip())
    started = time.perf_counter()
    sets = [s.strip() for s in args.sets.split(",") if s.strip()]
    config = copytrail.CompareConfig(embedder=args.embedder)
    records: list[dict] = []
    stats: dict = {}
    seconds: dict[str, float] = {}
    for name in sets:
        rng = random.Random(f"{args.seed}-{name}")
        t0 = time.perf_counter()
        if name == "reuters":
            pairs, stats = reuters_pairs(args.reuters, rng)
            print(f"reuters: {stats}; using {len(pairs)} ({dict(Counter(p['group'] for p in pairs))})")
        elif name == "pan13":
            pairs = pan13_pairs(args.pan13, rng)
        elif name == "edits":
            pairs = edit_pairs(args.edits)
        else:
            raise SystemExit(f"unknown set {name!r}")
        records += run_pairs(pairs, rng, config)
        seconds[name] = round(time.perf_counter() - t0, 1)
        print(f"{name}: {len(pairs)} pairs in {seconds[name]} s", file=sys.stderr)
    summaries: dict[str, dict] = {}
    for name in sets:
        mine = [r for r in records if r["set"] == name]
        summaries[name] = summarise(mine)
        if name == "reuters":
            summaries["reuters (without exact)"] = summarise([r for r in mine if r["group"] != "exact"])
        for group in sorted({r["group"] for r in mine}):
            summaries[f"{name}/{group}"] = summarise([r for r in mine if r["group"] == group])
    print_table(summaries)
    wall = time.perf_counter() - started
    print(f"\nwall {wall:.1f} s ({', '.join(f'{k} {v} s' for k, v in seconds.items())})")
    out = {
        "command": command.rstrip(),
        "revision": git_revision() or "unknown",
        "seed": args.seed,
        "embedder": args.embedder,
        "cpu_count": os.cpu_count(),
        "wall_seconds": round(wall, 1),
        "seconds_per_set": seconds,
        "reuters_pairing": stats,
        "summaries": summaries,
        "pairs": records,
    }
    print(f"wrote {write_json(args.out, out)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
