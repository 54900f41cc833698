"""Where a scan's verify stage spends its time, in one process (issue 12).

Usage::

    python bench/verify_parts.py SCAN_FOLDER     # a finished `copytrail scan` output folder

For example the graded benchmark's own scan, after ``python bench/scan_bench.py``:
``<cache>/corpus-*/runs/copytrail/scan``. First the documents that some candidate compares are
prepared once each, step by step (segmentation and roles, the language of each paragraph, the
collection's chrome marks), then every candidate goes through the stage's
:class:`~copytrail.scan.verify.PairVerifier` with the rare word pairs the stage hands it, each
document prepared again inside, as in one worker. Prints seconds; writes nothing.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from copytrail.lang import identify_languages  # noqa: E402
from copytrail.normalize import prepare_document  # noqa: E402
from copytrail.normalize.common import CommonText, document_source  # noqa: E402
from copytrail.scan.artifacts import ArtifactStore  # noqa: E402
from copytrail.scan.candidates import EXACT  # noqa: E402
from copytrail.scan.config import FingerprintConfig, VerifyConfig  # noqa: E402
from copytrail.scan.records import CandidatePair, ScanDocument  # noqa: E402
from copytrail.scan.stages.verify import shared_rare_pairs  # noqa: E402
from copytrail.scan.verify import PairVerifier, as_loaded  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scan", type=Path, help="a finished scan's output folder")
    args = parser.parse_args()
    store = ArtifactStore(args.scan)
    documents = {d.id: d for d in store.read_jsonl("documents.jsonl", ScanDocument)}
    candidates = list(store.read_jsonl("candidates.jsonl", CandidatePair))
    common = CommonText.load(args.scan / "common-text.npz")
    compared = sorted({x for c in candidates if c.sources != (EXACT,) for x in (c.id_a, c.id_b)})

    started = time.perf_counter()
    prepared = [prepare_document(as_loaded(documents[i])) for i in compared]
    segmented = time.perf_counter()
    identified = [identify_languages(d) for d in prepared]
    languages = time.perf_counter()
    for doc_id, doc in zip(compared, identified):
        common.mark(doc, document_source(documents[doc_id].source, documents[doc_id].url))
    marked = time.perf_counter()
    print(
        f"preparing the {len(compared):,} documents candidates compare, once each: segmentation and roles "
        f"{segmented - started:.1f} s, languages {languages - segmented:.1f} s, chrome marks {marked - languages:.1f} s"
    )

    fingerprint = FingerprintConfig()
    rare = shared_rare_pairs(args.scan / "fingerprints", candidates, fingerprint.pair_max_docs)
    verifier = PairVerifier(documents, VerifyConfig(), common, fingerprint)
    started = time.perf_counter()
    verdicts = [verifier.verify(c, rare_pairs=rare.get((c.id_a, c.id_b))) for c in candidates]
    outcomes = Counter(v.skipped or ("kept" if v.pair is not None else "rejected") for v in verdicts)
    print(f"verifying all {len(candidates):,} candidates: {time.perf_counter() - started:.1f} s ({dict(outcomes)})")


if __name__ == "__main__":
    main()
