"""Translated copies in a collection: ``copytrail scan`` over both sides of WMT news documents.

Usage::

    python bench/wmt_scan.py                       # en-de, en-ru; a few minutes each
    python bench/wmt_scan.py --languages de --embedder none

For each language pair, the English and the other-language side of every WMT news
document go into one collection (ids ``en/DOCID`` and ``xx/DOCID``), and ``copytrail
scan`` runs over it as a user would (``--embedder use-multilingual`` by default, since
words alone cannot align a translation). A translation pair is found when
``(en/DOCID, xx/DOCID)`` is among the reuse pairs. Precision counts every pair between
different WMT documents as wrong, in one language or across two; some may be real
same-event coverage or a story the set holds twice, so it is a lower bound. The
translation source's cosine was chosen on the DEV split (``--split dev``: 0.4 found the
most translations in every language) and is scored on HELD-OUT. Issue 9's target: recall >= 0.90 at precision >= 0.95.

Results: bench/results/wmt_scan.{json,md}, with the candidates stage's counts, so a
miss shows whether no candidate source proposed the pair or the comparison rejected it.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _wmt import RESULTS, wmt_documents  # noqa: E402
from copytrail.scan import ScanConfig, scan  # noqa: E402
from copytrail.scan.config import FingerprintConfig, VerifyConfig  # noqa: E402


def measure(xx: str, embedder: str, workers: int, translations: str, min_cosine: float, split: str) -> dict:
    documents = [d for d in wmt_documents(xx) if split == "all" or d.held_out == (split == "held_out")]
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus.jsonl"
        with corpus.open("w", encoding="utf-8") as fh:
            for doc in documents:
                for side in (doc.en, doc.xx):
                    fh.write(json.dumps({"id": f"{side.language}/{doc.docid}", "text": side.text}) + "\n")
        started = time.perf_counter()
        config = ScanConfig(
            fingerprint=FingerprintConfig(translation_embedder=translations, translation_min_cosine=min_cosine),
            verify=VerifyConfig(embedder=embedder, translation_embedder=translations),
            workers=workers,
            progress=False,
            report=False,
        )
        result = scan([corpus], Path(tmp) / "out", config=config)
        seconds = time.perf_counter() - started
        candidates = {tuple(sorted((c["id_a"], c["id_b"]))) for c in _jsonl(Path(tmp) / "out" / "candidates.jsonl")}
    truth = {tuple(sorted((f"en/{d.docid}", f"{xx}/{d.docid}"))) for d in documents}
    found = {tuple(sorted((p.id_a, p.id_b))) for p in result.pairs}
    cross = {p for p in found if p[0].split("/", 1)[0] != p[1].split("/", 1)[0]}
    right = found & truth
    wrong = {p for p in found if p[0].split("/", 1)[1] != p[1].split("/", 1)[1]}
    relation_of = {tuple(sorted((p.id_a, p.id_b))): p.relation.value for p in result.pairs}
    return {
        "pair": f"en-{xx}",
        "documents": len(documents),
        "translation_pairs": len(truth),
        "found": len(right),
        "recall": round(len(right) / len(truth), 4) if truth else None,
        "candidates_for_translations": len(candidates & truth),
        "wrong_pairs": len(wrong),
        "wrong_pairs_across_languages": len(wrong & cross),
        "precision": round(len(right) / (len(right) + len(wrong)), 4) if right or wrong else None,
        "cross_language_pairs_found": len(cross),
        "relations": result.relation_counts(),
        # Listed so that a wrong pair can be looked at (some may be real same-event coverage).
        "wrong": sorted(f"{a} {b}: {relation_of[a, b]}" for a, b in wrong),
        "seconds": round(seconds, 1),
        "embedder": embedder,
        "translations": translations,
        "min_cosine": min_cosine,
        "split": split,
    }


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--languages", default="de,ru")
    parser.add_argument("--embedder", default="use-multilingual")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--translations", default="none", help="scan --translations (the translation candidates)")
    parser.add_argument("--min-cosine", type=float, default=FingerprintConfig().translation_min_cosine)
    parser.add_argument("--split", choices=("all", "dev", "held_out"), default="all")
    args = parser.parse_args()
    rows = [
        measure(xx, args.embedder, args.workers, args.translations, args.min_cosine, args.split)
        for xx in args.languages.split(",")
    ]
    RESULTS.mkdir(parents=True, exist_ok=True)
    stem = RESULTS / f"wmt_scan_{args.split}{'' if args.translations == 'none' else '_translations'}"
    # A run over some languages replaces their rows and keeps the others'.
    previous = json.loads(Path(f"{stem}.json").read_text()) if Path(f"{stem}.json").exists() else []
    ran = {r["pair"] for r in rows}
    rows = [r for r in previous if r["pair"] not in ran] + rows
    Path(f"{stem}.json").write_text(json.dumps(rows, indent=1) + "\n")
    lines = [
        f"# Translated copies in a scan (`python bench/wmt_scan.py --languages {','.join(r['pair'][3:] for r in rows)} "
        f"--embedder {args.embedder} --translations {args.translations} --min-cosine {args.min_cosine} "
        f"--split {args.split}`; last run: --languages {args.languages})",
        "",
        "| pair | documents | translations proposed | found (recall) | wrong pairs (across languages) | precision | s |",  # noqa: E501
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['pair']} | {r['documents']} | {r['candidates_for_translations']} / {r['translation_pairs']} "
            f"| {r['found']} ({r['recall']}) | {r['wrong_pairs']} ({r['wrong_pairs_across_languages']}) "
            f"| {r['precision']} | {r['seconds']} |"
        )
    text = "\n".join(lines) + "\n"
    Path(f"{stem}.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
