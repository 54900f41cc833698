"""Where a scan's verify time goes: per candidate source and outcome, in one process (issue 12).

Usage::

    python bench/verify_breakdown.py --scan-dir SCAN_OUT [--limit N]

Reads a finished scan's folder (documents, candidates, common text, fingerprints) and runs
every candidate through :class:`~copytrail.scan.verify.PairVerifier` as the verify stage's
kernel does (the same settings, the rare word pairs handed over), in this process. Each
document is prepared (segmented, roled, its languages identified, its common text marked)
when a candidate first needs it (and again if the verifier's cache let it go), timed apart,
so the table separates preparing documents from comparing pairs. Outcomes: ``kept``,
``rejected``, or the shortcut that decided it without the engine (``common_only``,
``scattered_rare``, ``scattered``). The scan's own pairs are not touched; results go to
``bench/results/verify_breakdown.{json,md}``.

This is the table behind the session notes' "verify is spread over ..." lines; rerun it
before choosing what to make faster next.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import ROOT, git_revision, markdown_table, reproduce_command, write_results  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--scan-dir", type=Path, required=True, help="a finished `copytrail scan` output folder")
    p.add_argument("--limit", type=int, default=None, help="only the first N candidates (in their sorted order)")
    p.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "verify_breakdown")
    args = p.parse_args(argv)

    from copytrail.normalize.common import CommonText
    from copytrail.scan.artifacts import ArtifactStore
    from copytrail.scan.config import FingerprintConfig, VerifyConfig
    from copytrail.scan.records import CandidatePair, ScanDocument
    from copytrail.scan.stages.verify import shared_rare_pairs
    from copytrail.scan.verify import PairVerifier

    store = ArtifactStore(args.scan_dir)
    documents = {d.id: d for d in store.read_jsonl("documents.jsonl", ScanDocument)}
    candidates = list(store.read_jsonl("candidates.jsonl", CandidatePair))[: args.limit]
    fingerprint, config = FingerprintConfig(), VerifyConfig()
    rare = shared_rare_pairs(args.scan_dir / "fingerprints", candidates, fingerprint.pair_max_docs)
    verifier = PairVerifier(documents, config, CommonText.load(args.scan_dir / "common-text.npz"), fingerprint)

    # Preparing a document is timed apart from the candidates that need it (a cache miss of the
    # verifier's prepared documents; a hit costs nothing), as the stage's workers prepare them.
    prepare = verifier.prepared
    spent = [0.0, 0]

    def timed_prepare(doc_id: str, scan_doc: ScanDocument | None = None):  # noqa: ANN202 - a Document
        if doc_id in verifier._prepared:
            return prepare(doc_id, scan_doc)
        t = time.perf_counter()
        document = prepare(doc_id, scan_doc)
        spent[0] += time.perf_counter() - t
        spent[1] += 1
        return document

    verifier.prepared = timed_prepare
    cells: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0, 0.0])
    started = time.perf_counter()
    for candidate in candidates:
        before = spent[0]
        verdict = verifier.verify(candidate, rare_pairs=rare.get((candidate.id_a, candidate.id_b)))
        outcome = verdict.skipped or ("kept" if verdict.pair is not None else "rejected")
        cell = cells[("+".join(candidate.sources), outcome)]
        cell[0] += 1
        cell[1] += verdict.seconds - (spent[0] - before)
    total = time.perf_counter() - started
    prepare_seconds, prepared = spent[0], int(spent[1])

    ordered = sorted(cells.items(), key=lambda item: -item[1][1])
    rows = [
        [sources, outcome, int(n), f"{seconds:.2f}", f"{1000 * seconds / n:.1f}", f"{seconds / total:.1%}"]
        for (sources, outcome), (n, seconds) in ordered
    ]
    rows.append(
        [
            "(preparing documents)",
            f"{prepared:,} times",
            "",
            f"{prepare_seconds:.2f}",
            f"{1000 * prepare_seconds / max(prepared, 1):.1f}",
            f"{prepare_seconds / total:.1%}",
        ]
    )
    report = {
        "command": reproduce_command(),
        "revision": git_revision(),
        "scan_dir": str(args.scan_dir),
        "candidates": len(candidates),
        "documents_prepared": prepared,
        "seconds": round(total, 2),
        "prepare_seconds": round(prepare_seconds, 2),
        "cells": [
            {"sources": s, "outcome": o, "candidates": int(n), "seconds": round(t, 3)} for (s, o), (n, t) in ordered
        ],
    }
    lines = [
        "# Where verify's time goes (one process)",
        "",
        f"`{report['command']}` at {report['revision']}: {len(candidates):,} candidates in {total:.1f} s, "
        f"of which {prepare_seconds:.1f} s preparing documents ({prepared:,} times).",
        "",
        *markdown_table(["sources", "outcome", "candidates", "seconds", "ms each", "share"], rows, align="llrrrr"),
    ]
    write_results(args.out, report, "\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
