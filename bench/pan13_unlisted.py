"""PAN13 links copytrail finds that PAN does not list, and that share no run of text: real reuse, or false links?

Usage::

    python bench/pan13_unlisted.py                  # the scan of scan_bench's corpus (run that first)
    python bench/pan13_unlisted.py --scan-dir DIR

The scan benchmark counts a found pair of two PAN13 documents that PAN does not list together
as unlabelled, and its diagnostic purity joins PAN13 truth families whose documents share 3+
word 8-grams (``scan_bench.pan13_text_families``). The links left over share fewer: for each,
this lists the shared word 8-grams and 5-grams of the two texts, the relation, coverage,
aligned sentences and story words, reuse evidence, the facts kept and swapped, and the first
aligned sentence pairs, so a person can judge them. It changes no truth and no metric.

Results: bench/results/pan13_unlisted.md.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import pyarrow.parquet as pq  # noqa: E402

import _scan_corpus as corpus_builder  # noqa: E402
import scan_bench  # noqa: E402
from _common import ROOT  # noqa: E402
from copytrail.align.evidence import fact_counts, reuse_evidence  # noqa: E402
from copytrail.scan.stages.verify import unpack_report  # noqa: E402
from copytrail.scan.verify import aligned_extent  # noqa: E402

RESULTS = ROOT / "bench" / "results"
SHOWN_SENTENCES = 3


def ngrams(text: str, n: int) -> set[tuple[str, ...]]:
    words = corpus_builder.normalised(text).split()
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def clip(text: str, chars: int = 160) -> str:
    text = " ".join(text.split()).replace("|", "/")
    return text if len(text) <= chars else text[: chars - 1] + "…"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--cache", type=Path, default=scan_bench.DEFAULT_CACHE, help="scan_bench's cache folder")
    p.add_argument("--scan-dir", type=Path, default=None, help="a scan of the corpus (default: scan_bench's)")
    p.add_argument("--out", type=Path, default=RESULTS / "pan13_unlisted.md")
    args = p.parse_args(argv)
    _, texts, truth, scan_dir = scan_bench.corpus_and_truth(args.cache, args.scan_dir)
    joined = truth.pan13_families()
    pairs = list(scan_bench._read_jsonl(scan_dir / "pairs.jsonl"))
    unlisted = [x for x in pairs if truth.classify(x["id_a"], x["id_b"]) == "pan13-unlabelled"]
    left = [x for x in unlisted if joined[x["id_a"]] != joined[x["id_b"]]]
    table = pq.read_table(scan_dir / "pair-reports.parquet")
    reports = dict(
        zip(
            zip(table.column("id_a").to_pylist(), table.column("id_b").to_pylist(), strict=True),
            table.column("report").to_pylist(),
            strict=True,
        )
    )
    rows, examples = [], []
    for x in left:
        a, b = x["id_a"], x["id_b"]
        report = unpack_report(reports[(a, b)])
        aligned = [s for passage in report.passages for s in passage.pairs]
        sentences, words = aligned_extent(report.a, report.b, report.passages)
        facts = fact_counts(report.a, report.b, aligned)
        shared8 = len(ngrams(texts[a], 8) & ngrams(texts[b], 8))
        shared5 = len(ngrams(texts[a], 5) & ngrams(texts[b], 5))
        rows.append(
            f"| {a} – {b} | {x['relation']} | {x['coverage_a']:.2f} / {x['coverage_b']:.2f} | {shared8} | {shared5} "
            f"| {sentences} / {words} | {reuse_evidence(report.a, report.b, aligned):.1f} "
            f"| {facts.kept} / {facts.swapped} | {truth.family(a)} ; {truth.family(b)} |"
        )
        examples.append(f"### {a} – {b}")
        examples.append("")
        for s in aligned[:SHOWN_SENTENCES]:
            examples.append(f"- A: {clip(report.a.segments[s.a].text)}")
            examples.append(f"  B: {clip(report.b.segments[s.b].text)} (words kept {s.lexical:.2f})")
        examples.append("")
    lines = [
        "# PAN13 links PAN does not list, and that share fewer than 3 word 8-grams",
        "",
        f"`python bench/pan13_unlisted.py` over the scan at `{scan_dir}`: {len(unlisted)} found pairs of two "
        f"PAN13 documents PAN does not list together; {len(left)} of them are between truth families that "
        f"share no 3 word 8-grams (so the diagnostic purity does not join them); "
        f"{sum(1 for r in rows if r.split('|')[4].strip() == '0')} share no word 8-gram at all.",
        "",
        "| pair | relation | coverage A / B | shared 8-grams | shared 5-grams | aligned sentences / words "
        "| evidence | facts kept / swapped | truth families |",
        "|---|---|---|---|---|---|---|---|---|",
        *rows,
        "",
        "## The first aligned sentences of each",
        "",
        *examples,
    ]
    text = "\n".join(lines)
    args.out.write_text(text + "\n", encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
