"""The aligner's shortcuts (issue 12) against the plain computations, on every candidate of a scan.

Usage::

    python bench/verify_shortcuts.py SCAN_FOLDER [--exclude OTHER_SCAN_FOLDER] [--limit N]

``SCAN_FOLDER`` is the output of ``copytrail scan`` (documents.jsonl, candidates.jsonl and
common-text.npz are read). Each candidate is compared twice in this process, as the verify
stage prepares it: with the shortcuts (``features.may_reach`` ruling out sentence pairs the
classifier cannot score high enough to be read, rapidfuzz cutoffs, the shared-word counts in
C) and without them (every gated pair scored, no cutoffs, the per-document word index). It
reports how many candidates get the same relation and the same whole report (passages,
scores, unaligned spans, explanation), and the CPU seconds of each way: a ratio measured in
one run, so other people's load on the machine cancels out; each comparison starts from cold
sentence caches (in a scan most documents meet one or two others). ``--exclude`` leaves out the
candidates of another scan (e.g. the DEV scan of ``scan_bench.py --quick``), for a held-out set.

Measured for issue 12 (2 shared cores, load 2-4), over the scan folders ``bench/scan_bench.py``
leaves in its cache (``runs/copytrail/scan``):

- DEV, the quick graded corpus (``--quick``), 1,201 candidates: all 1,201 the same relation and
  the same report; CPU 21.5 s plain, 15.3 s with the shortcuts (1.40x).
- HELD-OUT, the full graded corpus's candidates not among the quick one's (``--exclude`` the
  quick scan), 8,402: all the same; CPU 109.9 s plain, 75.2 s with the shortcuts (1.46x).
- Later (the containment pre-filter ``_may_be_contained`` added to the shortcuts), DEV again:
  1,201 of 1,201 the same; CPU 19.0 s plain, 12.8 s with the shortcuts (1.48x), load 2-3.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from copytrail.align import bounds, features, sentences
from copytrail.compare import CompareConfig, compare_documents
from copytrail.normalize.common import CommonText
from copytrail.scan.config import VerifyConfig
from copytrail.scan.records import CandidatePair, ScanDocument, from_json_dict
from copytrail.scan.verify import PairVerifier


@contextlib.contextmanager
def plain_aligner() -> Iterator[None]:
    """The aligner without its shortcuts: every gated pair scored (no classifier bound, one cell or many at
    once), no rapidfuzz cutoffs, the word index, every loose sentence tried for containment."""
    names = ("may_reach", "MANY_BOUND_MIN_CELLS", "ratio_cutoff", "_containment_scores", "_may_be_contained")
    saved = {name: getattr(sentences, name) for name in names}
    with_cutoff = sentences._containment_scores

    def uncut(short, long, candidates, needed=0.0, shared=None):  # noqa: ANN001, ANN202
        return with_cutoff(short, long, candidates, 0.0, None)

    sentences.may_reach = lambda *args: True
    sentences.MANY_BOUND_MIN_CELLS = 1 << 62  # bounds.may_reach_many never asked
    sentences.ratio_cutoff = lambda config: 0.0
    sentences._containment_scores = uncut
    sentences._may_be_contained = lambda loose, *args: loose
    try:
        yield
    finally:
        for name, value in saved.items():
            setattr(sentences, name, value)


def _read_jsonl(path: Path) -> Iterator[dict]:
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("scan", type=Path, help="a copytrail scan output folder")
    p.add_argument("--exclude", type=Path, help="leave out the candidates of this scan folder")
    p.add_argument("--limit", type=int, default=0, help="only the first N candidates (0: all)")
    args = p.parse_args(argv)
    for name in ("documents.jsonl", "candidates.jsonl", "common-text.npz"):
        if not (args.scan / name).exists():
            p.error(f"{args.scan} holds no {name}: give the output folder of a finished copytrail scan")
    documents = {d["id"]: from_json_dict(ScanDocument, d) for d in _read_jsonl(args.scan / "documents.jsonl")}
    candidates = [from_json_dict(CandidatePair, c) for c in _read_jsonl(args.scan / "candidates.jsonl")]
    if args.exclude:
        seen = {(c["id_a"], c["id_b"]) for c in _read_jsonl(args.exclude / "candidates.jsonl")}
        candidates = [c for c in candidates if (c.id_a, c.id_b) not in seen]
    if args.limit:
        candidates = candidates[: args.limit]
    verifier = PairVerifier(documents, VerifyConfig(), CommonText.load(args.scan / "common-text.npz"))
    config = CompareConfig(embedder="none")
    seconds = {"shortcuts": 0.0, "plain": 0.0}
    same_relation = same_report = 0
    relations: Counter[str] = Counter()
    differ = []
    for k, candidate in enumerate(candidates):
        a, b = verifier.prepared(candidate.id_a), verifier.prepared(candidate.id_b)
        reports = {}
        for way in ("shortcuts", "plain") if k % 2 == 0 else ("plain", "shortcuts"):
            # Each way starts from cold sentence and document caches: the second would find them warm.
            for cache in (features._analyse, sentences._stem_set, sentences._document_index):
                cache.cache_clear()
            bounds.clear_cache()
            with plain_aligner() if way == "plain" else contextlib.nullcontext():
                started = time.process_time()
                reports[way] = compare_documents(a, b, embedder=None, config=config)
                seconds[way] += time.process_time() - started
        fast, full = reports["shortcuts"], reports["plain"]
        relations[full.relation.value] += 1
        same_relation += fast.relation is full.relation
        if dataclasses.replace(fast, timings=None) == dataclasses.replace(full, timings=None):
            same_report += 1
        else:
            differ.append((candidate.id_a, candidate.id_b, full.relation.value, fast.relation.value))
    result = {
        "scan": str(args.scan),
        "candidates": len(candidates),
        "same_relation": same_relation,
        "same_report": same_report,
        "relations": dict(relations.most_common()),
        "cpu_seconds": {k: round(v, 2) for k, v in seconds.items()},
        "cpu_ratio_plain_to_shortcuts": round(seconds["plain"] / max(seconds["shortcuts"], 1e-9), 3),
        "differ": differ[:20],
    }
    print(json.dumps(result, indent=2))
    return 0 if same_relation == len(candidates) else 1


if __name__ == "__main__":
    sys.exit(main())
