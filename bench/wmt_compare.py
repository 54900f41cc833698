"""Translated copies found by ``copytrail compare``: WMT news documents against their human translations.

    python bench/wmt_compare.py [--quick] [--languages de,es,ru,fi]

For each English news document of en-de, en-es and en-ru (``domain == "news"``), the
compare engine runs on the English text against its translation (found when the relation
is a reuse relation: duplicate, near duplicate, rewrite, partial reuse) and against the
translations of 5 other documents of the same file (decoys: same language and domain;
flagged when a reuse relation is named). en-fi (WMT16): every pair must be found or
reported ``not_covered``. Time per cross-language pair is set beside the time of an
English pair (the English document against the English side of a decoy, MiniLM). DEV and
HELD-OUT (``bench/_wmt.py``) are reported apart; the cross-lingual classifier was fitted on
DEV only. ``--quick``: 6 documents per language and split.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _wmt import RESULTS, wmt_documents  # noqa: E402
from copytrail.compare import CompareConfig, compare_documents  # noqa: E402
from copytrail.embed import load_embedder  # noqa: E402
from copytrail.lang import identify_languages  # noqa: E402
from copytrail.normalize import prepare_document  # noqa: E402
from copytrail.records import Relation  # noqa: E402

REUSE = {Relation.DUPLICATE, Relation.NEAR_DUPLICATE, Relation.REWRITE, Relation.PARTIAL_REUSE}
DECOYS = 5


def run_language(xx: str, limit: int | None, config: CompareConfig) -> dict:
    minilm = load_embedder("minilm")
    out = {}
    for split, flag in (("dev", False), ("held_out", True)):
        docs = [d for d in wmt_documents(xx) if d.held_out == flag][:limit]
        en = [identify_languages(prepare_document(d.en.loaded(f"{d.docid}.en"))) for d in docs]
        tr = [identify_languages(prepare_document(d.xx.loaded(f"{d.docid}.{xx}"))) for d in docs]
        found, not_covered, missed, flagged, decoy_pairs = 0, 0, [], [], 0
        cross_seconds, english_seconds = [], []
        relations: dict[str, int] = {}
        for n, d in enumerate(docs):
            started = time.perf_counter()
            report = compare_documents(en[n], tr[n], embedder=minilm, config=config)
            cross_seconds.append(time.perf_counter() - started)
            relations[report.relation.value] = relations.get(report.relation.value, 0) + 1
            if report.relation in REUSE:
                found += 1
            elif report.relation is Relation.NOT_COVERED:
                not_covered += 1
            else:
                missed.append(f"{d.docid}: {report.relation.value} ({report.coverage.a:.2f}/{report.coverage.b:.2f})")
            for k in range(1, min(DECOYS, len(docs) - 1) + 1):
                m = (n + k) % len(docs)
                decoy = compare_documents(en[n], tr[m], embedder=minilm, config=config)
                decoy_pairs += 1
                if decoy.relation in REUSE:
                    flagged.append(f"{d.docid} vs {docs[m].docid}: {decoy.relation.value}")
                if k == 1:
                    started = time.perf_counter()
                    compare_documents(en[n], en[m], embedder=minilm, config=config)
                    english_seconds.append(time.perf_counter() - started)
        out[split] = {
            "documents": len(docs),
            "found": found,
            "found_share": round(found / max(len(docs), 1), 4),
            "not_covered": not_covered,
            "missed": missed,
            "relations": relations,
            "decoy_pairs": decoy_pairs,
            "decoys_flagged": flagged,
            "seconds_per_cross_language_pair_median": round(statistics.median(cross_seconds), 3) if docs else None,
            "seconds_per_english_pair_median": (
                round(statistics.median(english_seconds), 3) if english_seconds else None
            ),
        }
        print(xx, split, json.dumps({k: v for k, v in out[split].items() if k not in ("missed",)}), file=sys.stderr)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--languages", default="de,es,ru,fi")
    args = parser.parse_args()
    config = CompareConfig(explain=False)
    results = {"command": " ".join(["python bench/wmt_compare.py", *sys.argv[1:]])}
    for xx in args.languages.split(","):
        results[f"en-{xx}"] = run_language(xx, 6 if args.quick else None, config)
    RESULTS.mkdir(exist_ok=True)
    target = RESULTS / ("wmt_compare_quick.json" if args.quick else "wmt_compare.json")
    # A run over some languages updates theirs and keeps the others' figures.
    previous = json.loads(target.read_text()) if target.exists() else {}
    commands = previous.get("commands", {})
    commands.update({key: results["command"] for key in results if key != "command"})
    results = {**previous, **results, "commands": commands}
    results.pop("command", None)
    target.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps(results, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
