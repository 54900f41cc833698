"""What makes a partial reuse "substantial" enough to join a family: a rule calibrated on a dev split.

Usage::

    python bench/family_calibration.py                  # the scan of scan_bench's corpus (run that first)
    python bench/family_calibration.py --scan-dir DIR   # any scan of that corpus

A family is joined only by strong pairs (:func:`copytrail.scan.families.is_strong`):
duplicates, near-duplicates, rewrites, and partial reuse of a substantial passage. Until
this calibration "substantial" meant a coverage of 20 % of either side; one sentence of a
five-sentence wire item is that much, and the Reuters eurobond items chained into a
family of 34 through one- and two-sentence passages ("The selling concession is 1-3/8 pct
while management and underwriting combined pays 1/2 pct."). The rule swept here adds a
size: a partial reuse joins a family only when its aligned text holds at least
``min_sentences`` sentences or ``min_words`` story words (on the side with fewer). Both
are counted over all of the pair's aligned passages, and, as the alternative measure,
over its largest passage only.

The rule moves no pair: a weak pair is still reported, and links two families as related.
So pair recall cannot change; what is measured is what the rule is for, on the graded
benchmark's truth (``bench/_scan_corpus.py``):

- family purity of the families :func:`~copytrail.scan.families.build_families` makes from
  the scan's pairs, per labelled member (as ``bench/scan_bench.py`` computes it);
- family recall of every kind of positive pair: both documents in one family.

Every labelled document and positive pair is put in one split by a hash of its truth family,
the same split as ``bench/template_calibration.py`` (``sha1("template-split:" + family)``,
even: DEV, odd: HELD-OUT), fixed before any sweep. Purity alone cannot choose the rule: it
leaves out originals with no made copy, and the template chains are made of those. So the
sweep also counts *doubtful edges*: partial reuse between two different Reuters originals
(the benchmark cannot label them: template sentences and stock lines, now and then a real
update) that still joins a family, by the split of both truth families. The rule kept is,
among those that lose no DEV family recall, the one with the fewest doubtful DEV edges;
ties go to the higher DEV purity, then to fewer pairs demoted. HELD-OUT is only scored.

Sizes come from each pair's saved compare report (``pair-reports.parquet``), measured by
:func:`copytrail.scan.verify.aligned_extent`, the function the verify stage uses to fill the
pair record. Results: bench/results/family_calibration.{json,md}.
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import pyarrow.parquet as pq  # noqa: E402

import scan_bench  # noqa: E402
from _common import ROOT, markdown_table, source_state, write_results  # noqa: E402
from copytrail.align.evidence import reuse_evidence  # noqa: E402
from copytrail.records import Relation  # noqa: E402
from copytrail.scan.artifacts import ArtifactStore  # noqa: E402
from copytrail.scan.families import (  # noqa: E402
    STRONG_PARTIAL_COVERAGE,
    STRONG_PARTIAL_WORDS,
    STRONG_RELATIONS,
    build_families,
    is_strong,
)
from copytrail.scan.records import ReusePair  # noqa: E402
from copytrail.scan.stages.names import PAIR_REPORTS, PAIRS  # noqa: E402
from copytrail.scan.stages.verify import unpack_report  # noqa: E402
from copytrail.scan.verify import aligned_extent  # noqa: E402
from template_calibration import member_purity, split_of  # noqa: E402

RESULTS = ROOT / "bench" / "results"
NEVER = math.inf
MIN_SENTENCES = (2, 3, 4, 5, NEVER)
MIN_WORDS = (0, 20, 30, 40, 50, 60, 80, 100, NEVER)
MEASURES = ("all passages", "largest passage")
# Reuse evidence (align.evidence.reuse_evidence, rarity-weighted aligned words) over all passages: shown beside
# the sizes the rule is written in, as the measure the pair gate already uses.
MIN_EVIDENCE = (6, 8, 10, 12, 15, 20)


@dataclasses.dataclass(frozen=True)
class Sizes:
    """A partial reuse's aligned text: over all its passages, and its largest passage alone."""

    sentences: int
    words: int
    best_sentences: int
    best_words: int
    evidence: float


def measure(scan_dir: Path) -> tuple[list[ReusePair], dict[tuple[str, str], Sizes]]:
    """The scan's pairs, and the aligned sizes of each partial reuse from its saved report."""
    store = ArtifactStore(scan_dir)
    pairs = list(store.read_jsonl(PAIRS, ReusePair))
    partial = {(p.id_a, p.id_b) for p in pairs if p.relation is Relation.PARTIAL_REUSE}
    sizes: dict[tuple[str, str], Sizes] = {}
    table = pq.read_table(store.path(PAIR_REPORTS))
    for id_a, id_b, packed in zip(*(table.column(c).to_pylist() for c in ("id_a", "id_b", "report")), strict=True):
        if (id_a, id_b) not in partial or packed is None:
            continue
        report = unpack_report(packed)
        total = aligned_extent(report.a, report.b, report.passages)
        largest = max(
            (aligned_extent(report.a, report.b, [x]) for x in report.passages),
            default=(0, 0),
            key=lambda e: (e[1], e[0]),
        )
        evidence = reuse_evidence(report.a, report.b, [x for passage in report.passages for x in passage.pairs])
        sizes[(id_a, id_b)] = Sizes(total[0], total[1], *largest, round(evidence, 3))
    missing = partial - set(sizes)
    if missing:
        raise SystemExit(f"{len(missing)} partial reuse pairs have no saved report in {scan_dir}")
    return pairs, sizes


def substantial(size: Sizes, measure_name: str, min_sentences: float, min_words: float) -> bool:
    """Does the rule find the aligned text big enough (for "evidence", ``min_words`` is the evidence needed)?"""
    if measure_name == "evidence":
        return size.evidence >= min_words
    sentences, words = (
        (size.sentences, size.words) if measure_name == "all passages" else (size.best_sentences, size.best_words)
    )
    return sentences >= min_sentences or words >= min_words


def strength(sizes: dict[tuple[str, str], Sizes], rule: tuple | None):  # noqa: ANN201 - a predicate
    """:func:`is_strong` with the rule's size test added to a partial reuse (``None``: no size test).

    The sizes come from the saved reports, not the pair record, so the sweep runs on a scan
    made before the record carried them.
    """

    def strong(p: ReusePair) -> bool:
        if p.relation is not Relation.PARTIAL_REUSE or rule is None:
            return covered(p)
        return covered(p) and substantial(sizes[(p.id_a, p.id_b)], *rule)

    return strong


def covered(p: ReusePair) -> bool:
    """The rule before this calibration: a copy, a rewrite, or partial reuse of 20 % of a side."""
    if p.relation is not Relation.PARTIAL_REUSE:
        return p.relation in STRONG_RELATIONS
    return max(p.coverage_a, p.coverage_b) >= STRONG_PARTIAL_COVERAGE


def evaluate(pairs: list[ReusePair], sizes: dict, truth: scan_bench.Truth, rule: tuple | None) -> dict:
    strong = strength(sizes, rule)
    families = build_families(pairs, {}, strong=strong)
    demoted = sum(1 for p in pairs if covered(p) and not strong(p))
    family_of = {m: i for i, f in enumerate(families) for m in f.members}
    found = {frozenset((p.id_a, p.id_b)) for p in pairs}
    recall: dict[str, dict[str, dict[str, int]]] = {}
    for a, b, kind in truth.positives:
        row = recall.setdefault(split_of(truth.family(a)), {}).setdefault(
            kind, {"positives": 0, "found": 0, "same_family": 0}
        )
        row["positives"] += 1
        row["found"] += frozenset((a, b)) in found
        row["same_family"] += a in family_of and family_of.get(a) == family_of.get(b)
    doubtful: Counter[str] = Counter()
    for p in pairs:
        if (
            p.relation is Relation.PARTIAL_REUSE
            and strong(p)
            and truth.classify(p.id_a, p.id_b) == "reuters-unlabelled"
        ):
            doubtful[pair_split(truth, p.id_a, p.id_b)] += 1
    return {
        "doubtful": dict(doubtful),
        "rule": None
        if rule is None
        else {"measure": rule[0], "min_sentences": _num(rule[1]), "min_words": _num(rule[2])},
        "demoted": demoted,
        "purity": member_purity([list(f.members) for f in families], truth),
        "largest_family": max((f.size for f in families), default=0),
        "families": len(families),
        "recall": recall,
    }


def pair_split(truth: scan_bench.Truth, a: str, b: str) -> str:
    """The split of a pair whose two documents are in different truth families: theirs if they agree, else mixed."""
    sa, sb = split_of(truth.family(a)), split_of(truth.family(b))
    return sa if sa == sb else "mixed"


def _num(x: float) -> float | int | None:
    return None if x == NEVER else int(x)


def family_recall_lost(result: dict, base: dict, split: str) -> int:
    """Positive pairs of ``split`` in one family without the rule and not with it."""
    return sum(
        base["recall"][split][k]["same_family"] - result["recall"][split][k]["same_family"]
        for k in base["recall"][split]
    )


def choose(results: list[dict], base: dict) -> dict:
    """Among rules that lose no DEV family recall, the fewest doubtful DEV edges; ties: higher DEV purity,
    then fewer pairs demoted."""
    safe = [r for r in results if family_recall_lost(r, base, "dev") <= 0]
    return min(
        safe,
        key=lambda r: (r["doubtful"].get("dev", 0), -round(r["purity"]["dev"], 6), r["demoted"]),
        default=base,
    )


def _rule_label(rule: dict | None) -> str:
    if rule is None:
        return "coverage >= 0.2 only"
    if rule["measure"] == "evidence":
        return f"reuse evidence >= {rule['min_words']}"
    parts = []
    if rule["min_sentences"] is not None:
        parts.append(f">= {rule['min_sentences']} sentences")
    if rule["min_words"] is not None:
        parts.append(f">= {rule['min_words']} words")
    return f"{rule['measure']}: " + (" or ".join(parts) if parts else "never")


def _recall_rows(name: str, r: dict) -> list[list[str]]:
    rows = []
    for split in ("dev", "held_out"):
        for kind in scan_bench.KIND_ORDER:
            v = r["recall"][split].get(kind)
            if v:
                rows.append([name, split, kind, f"{v['found']} / {v['positives']}", f"{v['same_family']}"])
    return rows


def markdown(report: dict) -> str:
    base, best = report["baseline"], report["chosen"]
    lines = [
        "# Families: when a partial reuse is substantial enough to join one",
        "",
        f"`{report['command']}` at {report['source'].get('commit', '?')[:10]}; {report['pairs']:,} pairs "
        f"({report['partial']:,} partial reuse with coverage >= 0.2 on a side) of the scan at `{report['scan_dir']}`.",
        "",
        "Splits by a hash of the truth family, as in `bench/template_calibration.py` (DEV tuned on, HELD-OUT "
        "only scored). Purity per labelled member. No pair is added or removed by the rule: pair recall is "
        "the same for every rule; family recall (both documents in one family) is what it can cost.",
        "",
    ]
    rows = []
    for name, r in (("before", base), ("chosen", best)):
        for split in ("dev", "held_out", "all"):
            rows.append(
                [
                    name,
                    _rule_label(r["rule"]),
                    split,
                    f"{r['purity'][split]:.3f}",
                    str(sum(r["doubtful"].values()) if split == "all" else r["doubtful"].get(split, 0)),
                    str(r["demoted"]),
                    str(r["largest_family"]),
                ]
            )
    lines += markdown_table(["", "rule", "split", "purity", "doubtful edges", "pairs demoted", "largest family"], rows)
    lines += [
        "",
        "*Doubtful edges*: partial reuse between two different Reuters originals that still joins a family "
        "(template sentences, stock lines; the benchmark cannot label them, and its purity leaves such "
        "originals out), by the split of both truth families.",
    ]
    lib = report.get("library_rule", {})
    if lib.get("checked"):
        lines += [
            "",
            f"The library's rule (`families.is_strong`, {lib['min_words']} words, on the pair records) agrees with "
            f"the sweep's on {lib['agree']:,} of {lib['checked']:,} partial reuse pairs of this scan.",
        ]
    lines += ["", "Pair recall (found / positives) and family recall (same family) per kind:", ""]
    lines += markdown_table(
        ["", "split", "kind", "pairs found", "same family"], _recall_rows("before", base) + _recall_rows("chosen", best)
    )
    lines += ["", "Every rule swept:", ""]
    sweep = [
        [
            r["rule"]["measure"],
            str(r["rule"]["min_sentences"] if r["rule"]["min_sentences"] is not None else "–"),
            str(r["rule"]["min_words"] if r["rule"]["min_words"] is not None else "–"),
            f"{r['purity']['dev']:.4f}",
            str(family_recall_lost(r, base, "dev")),
            f"{r['purity']['held_out']:.4f}",
            str(family_recall_lost(r, base, "held_out")),
            str(r["doubtful"].get("dev", 0)),
            str(r["doubtful"].get("held_out", 0)),
            str(r["demoted"]),
            str(r["largest_family"]),
        ]
        for r in report["sweep"]
    ]
    lines += markdown_table(
        [
            "measure",
            "min sentences",
            "min words (evidence)",
            "DEV purity",
            "DEV family recall lost",
            "HELD-OUT purity",
            "HELD-OUT lost",
            "DEV doubtful",
            "HELD-OUT doubtful",
            "demoted",
            "largest family",
        ],
        sweep,
    )
    return "\n".join(lines) + "\n"


def library_agreement(pairs: list[ReusePair], sizes: dict[tuple[str, str], Sizes]) -> dict:
    """Does the library's rule (:func:`is_strong` on the pair record) agree with the sweep's rule of the
    same thresholds (sizes from the saved reports)? Only for a scan whose records carry ``aligned_words``."""
    rule = strength(sizes, ("all passages", NEVER, STRONG_PARTIAL_WORDS))
    partial = [p for p in pairs if p.relation is Relation.PARTIAL_REUSE]
    if not any(p.aligned_words for p in partial):
        return {"checked": 0, "agree": 0, "note": "scan made before pair records carried aligned_words"}
    agree = sum(is_strong(p) == rule(p) for p in partial)
    return {"checked": len(partial), "agree": agree, "min_words": STRONG_PARTIAL_WORDS}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--cache", type=Path, default=scan_bench.DEFAULT_CACHE, help="scan_bench's cache folder")
    p.add_argument("--scan-dir", type=Path, default=None, help="a scan of the corpus (default: scan_bench's)")
    p.add_argument("--out", type=Path, default=RESULTS / "family_calibration")
    args = p.parse_args(argv)
    _, _, truth, scan_dir = scan_bench.corpus_and_truth(args.cache, args.scan_dir)
    pairs, sizes = measure(scan_dir)
    base = evaluate(pairs, sizes, truth, None)
    sweep = [
        evaluate(pairs, sizes, truth, (m, n, w))
        for m in MEASURES
        for n in MIN_SENTENCES
        for w in MIN_WORDS
        if not (n == NEVER and w == 0)
    ] + [evaluate(pairs, sizes, truth, ("evidence", NEVER, e)) for e in MIN_EVIDENCE]
    partial = sum(1 for p in pairs if p.relation is Relation.PARTIAL_REUSE and max(p.coverage_a, p.coverage_b) >= 0.2)
    report = {
        "command": "python bench/family_calibration.py" + (f" --scan-dir {args.scan_dir}" if args.scan_dir else ""),
        "source": source_state(),
        "scan_dir": str(scan_dir),
        "pairs": len(pairs),
        "partial": partial,
        "sizes": {f"{a} {b}": dataclasses.asdict(s) for (a, b), s in sorted(sizes.items())},
        "classes": dict(Counter(truth.classify(a, b) for a, b in sizes)),
        "baseline": base,
        "sweep": sweep,
        "chosen": choose(sweep, base),
        "library_rule": library_agreement(pairs, sizes),
    }
    text = markdown(report)
    write_results(args.out, report, text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
