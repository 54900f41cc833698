"""Choose the cross-lingual pair threshold at document level, on WMT DEV documents only.

    python bench/calibrate_crosslingual_docs.py [--thresholds 0.51,0.6,0.7,0.8] [--quick]

``bench/fit_crosslingual.py`` sets the pair threshold for the best sentence-pair F1. A
document decision is another matter: a few scattered pairs just over that threshold can
make two stories on the same topic look like partial reuse. For each candidate
threshold this runs ``bench/wmt_compare.py``'s protocol on the DEV documents of en-de,
es, ru, ja and zh (translation found; 5 decoys flagged) and reports both counts; the
smallest threshold that flags no DEV decoy while finding as many translations as the
fitted one is the one to ship. HELD-OUT is then scored by ``bench/wmt_compare.py``.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _wmt import RESULTS, wmt_documents  # noqa: E402
from copytrail.align.crosslingual import default_crosslingual_classifier  # noqa: E402
from copytrail.compare import CompareConfig, compare_documents  # noqa: E402
from copytrail.embed import load_embedder  # noqa: E402
from copytrail.lang import identify_languages  # noqa: E402
from copytrail.normalize import prepare_document  # noqa: E402
from copytrail.records import Relation  # noqa: E402

REUSE = {Relation.DUPLICATE, Relation.NEAR_DUPLICATE, Relation.REWRITE, Relation.PARTIAL_REUSE}
DECOYS = 5


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--thresholds", default="0.509,0.6,0.7,0.8")
    parser.add_argument("--languages", default="de,es,ru,ja,zh")
    parser.add_argument("--quick", action="store_true", help="10 documents per language")
    args = parser.parse_args()
    thresholds = [float(t) for t in args.thresholds.split(",")]
    base = default_crosslingual_classifier()
    minilm = load_embedder("minilm")
    config = CompareConfig(explain=False)
    tally = {t: {"documents": 0, "found": 0, "decoy_pairs": 0, "flagged": []} for t in thresholds}
    for xx in args.languages.split(","):
        docs = [d for d in wmt_documents(xx) if not d.held_out][: 10 if args.quick else None]
        en = [identify_languages(prepare_document(d.en.loaded(f"{d.docid}.en"))) for d in docs]
        tr = [identify_languages(prepare_document(d.xx.loaded(f"{d.docid}.{xx}"))) for d in docs]
        for t in thresholds:
            model = dataclasses.replace(base, threshold=t)
            row = tally[t]
            for n, d in enumerate(docs):
                own = compare_documents(en[n], tr[n], embedder=minilm, crosslingual=model, config=config)
                row["documents"] += 1
                row["found"] += own.relation in REUSE
                for k in range(1, min(DECOYS, len(docs) - 1) + 1):
                    m = (n + k) % len(docs)
                    decoy = compare_documents(en[n], tr[m], embedder=minilm, crosslingual=model, config=config)
                    row["decoy_pairs"] += 1
                    if decoy.relation in REUSE:
                        row["flagged"].append(f"en-{xx} {d.docid} vs {docs[m].docid}")
            print(xx, t, row["found"], row["documents"], len(row["flagged"]), file=sys.stderr)
    results = {str(t): row for t, row in tally.items()}
    RESULTS.mkdir(exist_ok=True)
    name = "calibrate_crosslingual_docs_quick.json" if args.quick else "calibrate_crosslingual_docs.json"
    (RESULTS / name).write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
