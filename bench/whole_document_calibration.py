"""Choose ``RelationConfig.whole_document_coverage`` on DEV data only.

    python bench/whole_document_calibration.py [--languages de,es,ru,ja,zh] [--quick]

The evidence rule (``bench/evidence_calibration.py``) counts only aligned sentences of 10+
words, which English news calibrated: a short post of eight-word sentences and its
translation, aligned sentence for sentence, then has no evidence at all. The rule this
script sets: an alignment that covers at least a share ``C`` of *both* documents counts
every aligned sentence. ``C`` must keep out the negatives that only partly align.

Pairs (DEV only; HELD-OUT is scored afterwards by ``bench/wmt_compare.py`` and
``bench/evidence_calibration.py``):

- WMT DEV documents of en-de, es, ru, ja, zh (``bench/_wmt.py``): each English document
  against its translation (positive) and against the translations of 5 other documents
  (decoys), compared as ``bench/wmt_compare.py`` does, with the rule off;
- the dev negatives of ``bench/evidence_calibration.py`` (PAN13 no-plagiarism, Clough
  ``non``, unrelated articles in shared page chrome), read from its results file.

For each pair the rule can only turn a non-reuse relation into a rewrite, when the
alignment covers ``C`` of both documents and all its aligned sentences together reach
``min_passage_evidence``. The script lists every pair the rule would turn at ``C = 0``,
and ships the midpoint between the highest lower coverage (the smaller of a pair's two
coverages) of any DEV negative, whatever its evidence, and the lowest of the DEV
translations the rule turns: the widest margin on both sides that DEV allows. Coverage
must keep negatives out on its own: evidence is the rule's other half, not a second
chance for a negative that aligns half of both documents.

Results: bench/results/whole_document_calibration.json.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _wmt import RESULTS, wmt_documents  # noqa: E402
from copytrail.align.evidence import reuse_evidence  # noqa: E402
from copytrail.align.relation import RelationConfig, is_template  # noqa: E402
from copytrail.compare import CompareConfig, compare_documents  # noqa: E402
from copytrail.embed import load_embedder  # noqa: E402
from copytrail.lang import identify_languages  # noqa: E402
from copytrail.normalize import prepare_document  # noqa: E402
from copytrail.records import CompareReport  # noqa: E402

REUSE = {"duplicate", "near_duplicate", "rewrite", "partial_reuse"}
DECOYS = 5
# Any coverage is a share of at most 1, so this switches the rule off.
RULE_OFF = 2.0


def whole_row(report: CompareReport, relation: RelationConfig) -> dict:
    """What the rule looks at: the relation without it, both coverages, every aligned pair's evidence."""
    a, b = report.a, report.b
    pairs = [p for passage in report.passages for p in passage.pairs]
    template = bool(pairs) and is_template(a, b, pairs, relation)
    return {
        "relation": report.relation.value,
        "coverage": [report.coverage.a, report.coverage.b],
        "whole_evidence": 0.0 if template else round(reuse_evidence(a, b, pairs), 3),
    }


def turned(row: dict, coverage: float, relation: RelationConfig) -> bool:
    """Whether the whole-document rule at ``coverage`` turns this pair into a rewrite."""
    low = min(row["coverage"])
    return (
        row["relation"] not in REUSE
        and low >= max(coverage, relation.rewrite_min_coverage)
        and max(row["coverage"]) >= relation.rewrite_max_coverage
        and row["whole_evidence"] >= relation.min_passage_evidence
    )


def wmt_rows(languages: list[str], limit: int | None) -> list[dict]:
    minilm = load_embedder("minilm")
    relation = dataclasses.replace(RelationConfig(), whole_document_coverage=RULE_OFF)
    config = CompareConfig(explain=False, relation=relation)
    rows = []
    for xx in languages:
        docs = [d for d in wmt_documents(xx) if not d.held_out][:limit]
        en = [identify_languages(prepare_document(d.en.loaded(f"{d.docid}.en"))) for d in docs]
        tr = [identify_languages(prepare_document(d.xx.loaded(f"{d.docid}.{xx}"))) for d in docs]
        for n, d in enumerate(docs):
            targets = [(n, True)] + [((n + k) % len(docs), False) for k in range(1, min(DECOYS, len(docs) - 1) + 1)]
            for m, own in targets:
                report = compare_documents(en[n], tr[m], embedder=minilm, config=config)
                rows.append(
                    {
                        "key": f"en-{xx} {d.docid} vs {docs[m].docid}",
                        "kind": "translation" if own else "decoy",
                        "reuse": own,
                        **whole_row(report, relation),
                    }
                )
        print(f"en-{xx}: {len(docs)} DEV documents", file=sys.stderr)
    return rows


def evidence_negatives() -> list[dict]:
    """The dev negatives of bench/evidence_calibration.py, as its last run recorded them."""
    path = RESULTS / "evidence_calibration.json"
    rows = json.loads(path.read_text())["rows"]
    if any("coverage" not in r for r in rows):
        sys.exit(f"{path} predates coverage in its rows: run python bench/evidence_calibration.py first")
    return [r for r in rows if r["split"] == "dev" and not r["reuse"]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--languages", default="de,es,ru,ja,zh")
    parser.add_argument("--quick", action="store_true", help="10 DEV documents per language")
    args = parser.parse_args()
    relation = RelationConfig()
    rows = wmt_rows(args.languages.split(","), 10 if args.quick else None) + evidence_negatives()
    candidates = [r for r in rows if turned(r, 0.0, relation)]
    positives = sorted(min(r["coverage"]) for r in candidates if r["reuse"])
    negatives = sorted((r for r in rows if not r["reuse"]), key=lambda r: -min(r["coverage"]))
    if not positives:
        sys.exit("no DEV translation needs the rule: nothing to calibrate")
    highest_negative = min(negatives[0]["coverage"]) if negatives else 0.0
    if highest_negative >= positives[0]:
        sys.exit(f"a DEV negative covers {highest_negative} of both: no coverage keeps it out and lets translations in")
    chosen = round((highest_negative + positives[0]) / 2, 2)
    sweep = {}
    for c in [x / 20 for x in range(8, 21)]:
        turned_rows = [r for r in rows if turned(r, c, relation)]
        sweep[str(c)] = {
            "translations_gained": sum(r["reuse"] for r in turned_rows),
            "negatives_flagged": [r["key"] for r in turned_rows if not r["reuse"]],
        }
    translations = [r for r in rows if r["kind"] == "translation"]
    result = {
        "command": " ".join(["python bench/whole_document_calibration.py", *sys.argv[1:]]),
        "whole_document_coverage": chosen,
        "dev_translations": len(translations),
        "dev_translations_found_without_rule": sum(r["relation"] in REUSE for r in translations),
        "dev_translations_found_with_rule": sum(
            r["relation"] in REUSE or turned(r, chosen, relation) for r in translations
        ),
        "dev_negatives": sum(not r["reuse"] for r in rows),
        "dev_negatives_flagged_by_rule": [r["key"] for r in rows if not r["reuse"] and turned(r, chosen, relation)],
        "lower_coverage_of_translations_the_rule_turns": positives,
        "dev_negatives_covering_most": [
            {k: r[k] for k in ("key", "kind", "relation", "coverage", "whole_evidence")} for r in negatives[:5]
        ],
        "sweep": sweep,
        "candidates": [
            {k: r[k] for k in ("key", "kind", "relation", "coverage", "whole_evidence")} for r in candidates
        ],
    }
    RESULTS.mkdir(exist_ok=True)
    name = "whole_document_calibration_quick.json" if args.quick else "whole_document_calibration.json"
    (RESULTS / name).write_text(json.dumps(result, indent=1) + "\n")
    print(json.dumps({k: v for k, v in result.items() if k != "candidates"}, indent=1))


if __name__ == "__main__":
    main()
