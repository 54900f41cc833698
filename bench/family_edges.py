"""Why every edge of the largest families holds: the BBC and Reuters scans, edge by edge.

Usage::

    python bench/family_edges.py                 # BBC folder and Reuters (~5 minutes)
    python bench/family_edges.py --only bbc

For each collection it runs ``copytrail scan`` (defaults: words only), then takes the 10
largest families and, for every pair inside them, compares the two documents again the
way the verify stage did (the collection's learned chrome and stock text taken out) and
writes the relation, both coverages, the aligned sentences and story words (on the side
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

from _scan_corpus import reuters_articles  # noqa: E402
from copytrail.align.evidence import reuse_evidence  # noqa: E402
from copytrail.compare import CompareConfig, compare_documents  # noqa: E402
from copytrail.normalize import prepare_document  # noqa: E402
from copytrail.normalize.common import CommonText, document_source  # noqa: E402
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
from copytrail.scan.records import ScanDocument  # noqa: E402
from copytrail.scan.verify import aligned_extent, as_loaded  # noqa: E402

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
    common = CommonText.load(store.path("common-text.npz"))
    families = list(result.families)[:TOP]
    members = {m for f in families for m in f.members}
    docs = {d.id: d for d in store.read_jsonl("documents.jsonl", ScanDocument) if d.id in members}

    def prepared(doc_id: str):  # noqa: ANN202
        doc = docs[doc_id]
        return common.mark(prepare_document(as_loaded(doc)), document_source(doc.source, doc.url))

    config = CompareConfig(embedder="none", explain=False)
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
            a, b = prepared(p.id_a), prepared(p.id_b)
            report = compare_documents(a, b, embedder=None, config=config)
            best = max(report.passages, key=lambda x: reuse_evidence(a, b, x.pairs), default=None)
            ev = reuse_evidence(a, b, best.pairs) if best else 0.0
            text_a = opening(a.text[best.a_span.start : best.a_span.end]) if best else ""
            text_b = opening(b.text[best.b_span.start : best.b_span.end]) if best else ""
            sentences, words = aligned_extent(a, b, report.passages)
            lines.append(
                f"| {p.id_a} – {p.id_b} | {p.relation.value} | {p.coverage_a:.2f} / {p.coverage_b:.2f} "
                f"| {sentences} / {words} | {'yes' if is_strong(p) else 'related only'} | {ev:.1f} "
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
