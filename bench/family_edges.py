"""Why every edge of the largest families holds: the BBC and Reuters scans, edge by edge.

Usage::

    python bench/family_edges.py                 # BBC folder and Reuters (~5 minutes)
    python bench/family_edges.py --only bbc

For each collection it runs ``copytrail scan`` (defaults: words only), then takes the 10
largest families and, for every pair inside them, reads the compare report the verify
stage saved (``pair-reports.parquet``: the collection's learned chrome and stock text
taken out) and writes the relation, both coverages, the aligned sentences and story words (on the side
with fewer, :func:`copytrail.scan.verify.aligned_extent`), whether the pair joins the
family (:func:`copytrail.scan.families.is_strong`) or only relates it, the evidence of the
strongest passage (:mod:`copytrail.align.evidence`) and the opening words of that passage
on each side. A family held together by line-ups, tables or one stock sentence shows here
as a joining edge whose passage is a list of names or a single sentence.

The header also gives the sizes of the 10 largest families under the rule before partial
reuse needed a size (20 % coverage of a side alone), from the same pairs.

Results: bench/results/family_edges_{bbc,reuters}.md
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

import pyarrow.parquet as pq  # noqa: E402

from _scan_corpus import reuters_articles  # noqa: E402
from copytrail.align.evidence import reuse_evidence  # noqa: E402
from copytrail.records import Relation  # noqa: E402
from copytrail.scan import ScanConfig, scan  # noqa: E402
from copytrail.scan.artifacts import ArtifactStore  # noqa: E402
from copytrail.scan.families import (  # noqa: E402
    STRONG_PARTIAL_COVERAGE,
    STRONG_PARTIAL_WORDS,
    STRONG_RELATIONS,
    build_families,
    is_strong,
)
from copytrail.scan.stages.names import PAIR_REPORTS  # noqa: E402
from copytrail.scan.stages.verify import unpack_report  # noqa: E402
from copytrail.scan.verify import aligned_extent  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
CACHE = ROOT / "bench" / ".cache"
RESULTS = ROOT / "bench" / "results"
TOP = 10


def reuters_jsonl() -> Path:
    path = CACHE / "reuters-bodies.jsonl"
    if not path.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        with path.open("w", encoding="utf-8") as fh:
            # Stories with no body at all are left out: "(no title)" alone is no document.
            for art in reuters_articles(None, 1):
                fh.write(json.dumps({"id": art.id, "text": art.text}) + "\n")
    return path


def opening(text: str, words: int = 18) -> str:
    parts = text.split()
    return " ".join(parts[:words]) + (" …" if len(parts) > words else "")


def coverage_only(pair) -> bool:  # noqa: ANN001 - a ReusePair
    """The family rule before partial reuse needed a size: a copy, a rewrite, or 20 % of a side."""
    if pair.relation is Relation.PARTIAL_REUSE:
        return max(pair.coverage_a, pair.coverage_b) >= STRONG_PARTIAL_COVERAGE
    return pair.relation in STRONG_RELATIONS


def explain_edges(name: str, inputs: list[Path], out: Path) -> str:
    result = scan(inputs, out, config=ScanConfig(workers=2, progress=False, report=False, force=True))
    store = ArtifactStore(out)
    families = list(result.families)[:TOP]
    members = {m for f in families for m in f.members}
    # The verify stage's own reports: the alignment each pair's relation and aligned_words came from.
    table = pq.read_table(store.path(PAIR_REPORTS))
    reports = {
        (a, b): packed
        for a, b, packed in zip(*(table.column(c).to_pylist() for c in ("id_a", "id_b", "report")), strict=True)
        if a in members and b in members
    }
    before = build_families(list(result.pairs), {}, strong=coverage_only)
    lines = [
        f"# Why the {TOP} largest families of the {name} scan hold",
        "",
        f"{result.documents:,} documents, {len(result.pairs):,} pairs, {len(result.families):,} families. "
        "Each edge: relation, coverage of each side, aligned sentences / story words (side with fewer), "
        "whether it joins the family (or only relates two), evidence of the strongest passage, and that "
        "passage's opening.",
        "",
        f"Sizes of the {TOP} largest families: {', '.join(str(f.size) for f in families)}; with the rule before "
        f"partial reuse needed {STRONG_PARTIAL_WORDS} aligned story words (coverage alone): "
        f"{', '.join(str(f.size) for f in before[:TOP])} ({len(before):,} families).",
        "",
    ]
    for rank, fam in enumerate(families, 1):
        original = fam.original or "undecided"
        related = f"; related families {', '.join(fam.related)}" if fam.related else ""
        lines += [f"## {rank}. {fam.id}: {fam.size} documents (original: {original}{related})", ""]
        lines += [
            "| pair | relation | coverage A / B | sentences / words | joins | passage evidence "
            "| strongest passage (A) | (B) |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for p in (p for p in result.pairs if p.id_a in fam.members and p.id_b in fam.members):
            packed = reports.get((p.id_a, p.id_b))
            joins = "yes" if is_strong(p) else "related only"
            if packed is None:  # the same word sequence: a duplicate found without aligning
                lines.append(
                    f"| {p.id_a} – {p.id_b} | {p.relation.value} | 1.00 / 1.00 | – / {p.aligned_words} | {joins} "
                    "| – | (the same words) | |"
                )
                continue
            report = unpack_report(packed)
            a, b = report.a, report.b
            best = max(report.passages, key=lambda x: reuse_evidence(a, b, x.pairs), default=None)
            ev = reuse_evidence(a, b, best.pairs) if best else 0.0
            text_a = opening(a.text[best.a_span.start : best.a_span.end]) if best else ""
            text_b = opening(b.text[best.b_span.start : best.b_span.end]) if best else ""
            sentences, words = aligned_extent(a, b, report.passages)
            lines.append(
                f"| {p.id_a} – {p.id_b} | {p.relation.value} | {p.coverage_a:.2f} / {p.coverage_b:.2f} "
                f"| {sentences} / {words} | {joins} | {ev:.1f} "
                f"| {text_a.replace('|', '/')} | {text_b.replace('|', '/')} |"
            )
        lines.append("")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=("bbc", "reuters"))
    args = parser.parse_args()
    RESULTS.mkdir(parents=True, exist_ok=True)
    runs = {"bbc": [DATA / "bbc_news"], "reuters": None}
    for name in ("bbc", "reuters"):
        if args.only and name != args.only:
            continue
        inputs = runs[name] or [reuters_jsonl()]
        text = explain_edges(name.upper() if name == "bbc" else "Reuters-21578", inputs, CACHE / f"scan-{name}")
        (RESULTS / f"family_edges_{name}.md").write_text(text + "\n", encoding="utf-8")
        print(text)


if __name__ == "__main__":
    main()
