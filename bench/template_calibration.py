"""Template stories against copies: calibrate the fact-agreement rule on a dev split, score it on a held-out one.

Usage::

    python bench/template_calibration.py --scan-dir DIR     # re-compares DIR's pairs, sweeps the rule

``DIR`` is a ``copytrail scan`` of the scan benchmark's corpus made *without* the rule (the
rule only takes pairs away, so a scan made with it has nothing left to sweep): the committed
results come from the scan ``python bench/scan_bench.py --systems copytrail`` made at 40f41d5,
the commit before the rule. At a later commit, set ``RelationConfig.template_min_swapped`` out
of reach for that scan.

A wire's template stories (eurobond issues, convertible debentures: the same wording with
another issuer, amount, coupon and dates) align as rewrites or partial reuse and chain the
scan's families together. A copy keeps its story's facts; a template instance swaps them.
:func:`copytrail.align.evidence.fact_counts` counts, over an alignment, the fact tokens
(figures, words of names) kept and swapped. The rule: an alignment whose facts were
swapped at least ``min_swapped`` times and kept less than ``max_agreement`` of the time is a
template, not reuse (``RelationConfig.template_min_swapped`` / ``template_max_agreement``).

There are no template labels. What is measured is what the rule is for, on the graded
benchmark's own truth (``bench/_scan_corpus.py``):

- family purity of copytrail's own families (the scan's strong/weak rule,
  :func:`copytrail.scan.families.build_families`), per member: the share of labelled members
  that sit in their predicted family's majority truth family;
- recall of every kind of positive pair, and its family recall.

Every labelled document and positive pair is put in one split by a hash of its truth family
(``sha1("template-split:" + family)``, even: DEV, odd: HELD-OUT), fixed before any sweep.
The rule kept is the one with the highest DEV purity among those that lose no DEV positive
pair; ties go to the rule that drops fewer pairs. HELD-OUT is only scored.

The pairs are the scan's kept pairs (the rule can only take pairs away), compared again as
the verify stage compared them: the collection's learned chrome taken out, words only.
Results: bench/results/template_calibration.{json,md}.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import scan_bench  # noqa: E402
from _common import ROOT, markdown_table, source_state, write_results  # noqa: E402
from copytrail.align.evidence import fact_counts  # noqa: E402
from copytrail.compare import compare_documents  # noqa: E402
from copytrail.normalize.common import CommonText  # noqa: E402
from copytrail.records import Relation  # noqa: E402
from copytrail.scan.artifacts import ArtifactStore  # noqa: E402
from copytrail.scan.families import build_families  # noqa: E402
from copytrail.scan.records import ReusePair, ScanDocument  # noqa: E402
from copytrail.scan.verify import PairVerifier  # noqa: E402

RESULTS = ROOT / "bench" / "results"
# Only these relations are tested for a template: a duplicate is verbatim, so it keeps every fact.
TESTED = (Relation.NEAR_DUPLICATE, Relation.REWRITE, Relation.PARTIAL_REUSE)
MIN_SWAPPED = (1, 2, 3, 4, 6, 8)
MAX_AGREEMENT = (0.2, 0.3, 0.4, 0.5, 0.6, 0.7)


def split_of(family: str) -> str:
    """DEV or HELD-OUT, by a hash of the truth family: fixed before any figure was looked at."""
    digest = hashlib.sha1(f"template-split:{family}".encode()).hexdigest()
    return "dev" if int(digest, 16) % 2 == 0 else "held_out"


def member_purity(families: list[list[str]], truth: scan_bench.Truth) -> dict[str, float | None]:
    """Per split: share of labelled members that are in their predicted family's majority truth family."""
    hit: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for members in families:
        labelled = [m for m in members if m in truth.purity_labelled]
        if not labelled:
            continue
        majority, _ = Counter(truth.family(m) for m in labelled).most_common(1)[0]
        for m in labelled:
            split = split_of(truth.family(m))
            hit[split][0] += truth.family(m) == majority
            hit[split][1] += 1
    out: dict[str, float | None] = {s: (h / n if n else None) for s, (h, n) in hit.items()}
    total = sum(n for _, n in hit.values())
    out["all"] = sum(h for h, _ in hit.values()) / total if total else None
    return out


def recall(pairs: list[ReusePair], families: list[list[str]], truth: scan_bench.Truth) -> dict[str, dict]:
    """Per split and kind: positives, pairs found, pairs whose two documents share a family."""
    found = {frozenset((p.id_a, p.id_b)) for p in pairs}
    family_of = {m: i for i, members in enumerate(families) for m in members}
    out: dict[str, dict] = defaultdict(lambda: defaultdict(lambda: {"positives": 0, "found": 0, "same_family": 0}))
    for a, b, kind in truth.positives:
        row = out[split_of(truth.family(a))][kind]
        row["positives"] += 1
        row["found"] += frozenset((a, b)) in found
        row["same_family"] += a in family_of and family_of.get(a) == family_of.get(b)
    return {s: dict(v) for s, v in out.items()}


def families_of(pairs: list[ReusePair]) -> list[list[str]]:
    return [list(f.members) for f in build_families(pairs, {})]


def measure(scan_dir: Path, truth: scan_bench.Truth) -> list[dict]:
    """Each kept pair of the scan, compared again: its relation and fact counts."""
    store = ArtifactStore(scan_dir)
    pairs = list(store.read_jsonl("pairs.jsonl", ReusePair))
    wanted = {x for p in pairs for x in (p.id_a, p.id_b)}
    docs = {d.id: d for d in store.read_jsonl("documents.jsonl", ScanDocument) if d.id in wanted}
    verifier = PairVerifier(docs, common=CommonText.load(store.path("common-text.npz")))
    rows = []
    for i, p in enumerate(sorted(pairs, key=lambda p: (p.id_a, p.id_b))):
        row = {"pair": p, "class": truth.classify(p.id_a, p.id_b), "kept": 0, "swapped": 0}
        if p.relation in TESTED:
            a, b = verifier.prepared(p.id_a), verifier.prepared(p.id_b)
            report = compare_documents(a, b, embedder=None, config=verifier.compare_config)
            if report.languages is None or not report.languages.translated:
                counts = fact_counts(a, b, [x for passage in report.passages for x in passage.pairs])
                row.update(kept=counts.kept, swapped=counts.swapped)
        rows.append(row)
        if i % 250 == 0:
            print(f"[template_calibration] {i}/{len(pairs)} pairs", file=sys.stderr, flush=True)
    return rows


def is_template(row: dict, min_swapped: int, max_agreement: float) -> bool:
    kept, swapped = row["kept"], row["swapped"]
    return swapped >= min_swapped and kept / (kept + swapped) < max_agreement


def evaluate(rows: list[dict], truth: scan_bench.Truth, rule: tuple[int, float] | None) -> dict:
    kept_pairs = [r["pair"] for r in rows if rule is None or not is_template(r, *rule)]
    dropped = [r for r in rows if rule is not None and is_template(r, *rule)]
    families = families_of(kept_pairs)
    return {
        "rule": None if rule is None else {"min_swapped": rule[0], "max_agreement": rule[1]},
        "pairs": len(kept_pairs),
        "dropped": len(dropped),
        "dropped_by_class": dict(Counter(r["class"] for r in dropped)),
        "dropped_positives": sorted(
            f"{r['pair'].id_a} {r['pair'].id_b}" for r in dropped if r["class"] in ("correct", "reuters-identical")
        ),
        "purity": member_purity(families, truth),
        "recall": recall(kept_pairs, families, truth),
    }


def lost(result: dict, base: dict, split: str) -> int:
    """Positive pairs of ``split`` found without the rule and lost with it."""
    return sum(base["recall"][split][k]["found"] - result["recall"][split][k]["found"] for k in base["recall"][split])


def choose(results: list[dict], base: dict) -> dict:
    """Highest DEV purity among rules that lose no DEV positive pair; ties: fewer pairs dropped."""
    safe = [r for r in results if lost(r, base, "dev") == 0]
    return max(safe, key=lambda r: (r["purity"]["dev"], -r["dropped"]), default=base)


def markdown(report: dict) -> str:
    base, best = report["baseline"], report["chosen"]
    lines = [
        "# Template stories against copies: the fact-agreement rule",
        "",
        f"`{report['command']}` at {report['source'].get('commit', '?')[:10]}; "
        f"{report['pairs']:,} kept pairs of the scan at `{report['scan_dir']}` compared again.",
        "",
        "Splits by a hash of the truth family (DEV tuned on, HELD-OUT only scored). Purity per labelled member.",
        "",
    ]
    rows = []
    for name, r in (("no rule", base), ("chosen", best)):
        rule = r["rule"]
        label = "none" if rule is None else f"swapped >= {rule['min_swapped']}, agreement < {rule['max_agreement']}"
        for split in ("dev", "held_out"):
            rec = r["recall"][split]
            found = sum(v["found"] for v in rec.values())
            positives = sum(v["positives"] for v in rec.values())
            rows.append(
                [
                    name,
                    label,
                    split,
                    f"{r['purity'][split]:.3f}",
                    f"{found} / {positives}",
                    str(r["dropped"]),
                ]
            )
    lines += markdown_table(["", "rule", "split", "purity", "positive pairs found", "pairs dropped"], rows)
    lines += [
        "",
        "Every rule swept (DEV purity, DEV positives lost, HELD-OUT purity, HELD-OUT lost, pairs dropped):",
        "",
    ]
    sweep = [
        [
            str(r["rule"]["min_swapped"]),
            str(r["rule"]["max_agreement"]),
            f"{r['purity']['dev']:.3f}",
            str(lost(r, base, "dev")),
            f"{r['purity']['held_out']:.3f}",
            str(lost(r, base, "held_out")),
            str(r["dropped"]),
        ]
        for r in report["sweep"]
    ]
    lines += markdown_table(
        ["min swapped", "max agreement", "DEV purity", "DEV lost", "HELD-OUT purity", "HELD-OUT lost", "dropped"], sweep
    )
    lines += ["", "Pairs the chosen rule drops, by the benchmark's class:", ""]
    lines += [f"- {k}: {v}" for k, v in sorted(best["dropped_by_class"].items())]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--cache", type=Path, default=scan_bench.DEFAULT_CACHE, help="scan_bench's cache folder")
    p.add_argument(
        "--scan-dir", type=Path, default=None, help="a scan of the corpus made without the rule (default: scan_bench's)"
    )
    p.add_argument("--out", type=Path, default=RESULTS / "template_calibration")
    args = p.parse_args(argv)
    _, _, truth, scan_dir = scan_bench.corpus_and_truth(args.cache, args.scan_dir)
    rows = measure(scan_dir, truth)
    base = evaluate(rows, truth, None)
    sweep = [evaluate(rows, truth, (n, a)) for n in MIN_SWAPPED for a in MAX_AGREEMENT]
    report = {
        "command": "python bench/template_calibration.py",
        "source": source_state(),
        "scan_dir": str(scan_dir),
        "pairs": len(rows),
        "facts": [
            {
                "pair": [r["pair"].id_a, r["pair"].id_b],
                "relation": r["pair"].relation.value,
                "class": r["class"],
                "kept": r["kept"],
                "swapped": r["swapped"],
            }
            for r in rows
        ],
        "baseline": base,
        "sweep": sweep,
        "chosen": choose(sweep, base),
    }
    text = markdown(report)
    write_results(args.out, report, text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
