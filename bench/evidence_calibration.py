"""Calibrate the reuse-evidence rule (``RelationConfig.min_reuse_evidence``) on a development split.

Usage::

    python bench/evidence_calibration.py            # ~10 minutes on 2 busy cores
    python bench/evidence_calibration.py --quick    # a third of the pairs

Every pair is compared with ``embedder="none"`` (the scan default) and with the evidence
gate off, and the script records the relation the other rules give, every aligned pair's
words and reuse evidence (:mod:`copytrail.align.evidence`) by passage, and its longest
aligned sentence. Then, **on the dev split only**, for each minimum sentence length it
takes the highest passage threshold that loses no dev pair of the kinds the recall
targets protect (copies, partial reuse, human rewrites), keeps the length that lets the
fewest dev negatives through, and reports what that rule does on the held-out split it
never looked at.

Pairs, each split by ``sha1(pair key)`` parity (even: dev, odd: held out), fixed before tuning:

- negatives: PAN13 ``01-no-plagiarism``; Clough & Stevenson ``non`` answers against their
  task's source (same story, written independently); two unrelated BBC articles wrapped in
  the same site chrome: six hand-written site templates here (dev), and the templates of
  ``bench/_chrome.py``, by that module's fixed split (DEV templates: dev; SCORE: held out).
- positives: PAN13 ``02`` (verbatim), ``03`` (random obfuscation), ``05`` (summary);
  Clough ``cut``/``light``/``heavy``; 2–4 paragraphs of one BBC article lifted into another.

Results: bench/results/evidence_calibration.json and .md.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import random
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

import copytrail  # noqa: E402
from copytrail.align.evidence import reuse_evidence  # noqa: E402
from copytrail.align.relation import RelationConfig, is_template  # noqa: E402
from copytrail.compare import CompareConfig  # noqa: E402
from copytrail.ingest import load_bytes  # noqa: E402
from copytrail.normalize import normalise_for_match  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
PAN = DATA / "pan13_text_alignment_subset"
CLOUGH = DATA / "clough_stevenson_short_answers"
BBC = DATA / "bbc_news"
RESULTS = ROOT / "bench" / "results"
REUSE = {"duplicate", "near_duplicate", "rewrite", "partial_reuse"}
WORD_MINIMUMS = (0, 4, 6, 8, 10)
# The shipped whole-document rule (bench/whole_document_calibration.py), applied when scoring.
WHOLE_DOCUMENT_COVERAGE = RelationConfig().whole_document_coverage

# Six small site templates for the development chrome pairs: header lines, prompts placed
# mid-article, footer. Written for this script; the scoring templates live in bench/_chrome.py.
DEV_SITES = [
    (
        "The Morning Ledger\nNews | Markets | Tech | Life | Sport\nSubscribe to our free daily newsletter for the "
        "headlines you need before breakfast.",
        "Want more stories like this? Follow us on social media and never miss an update from our reporters.",
        "Share on Facebook | Share on X | Copy link\nThe Morning Ledger is published by Ledger Media Ltd. All "
        "rights reserved.\nPrivacy | Terms | Contact",
    ),
    (
        "HILLTOP GAZETTE\nLocal  National  World  Business  Weather\nThis site uses cookies to improve your "
        "experience and to show you personalised advertising from our partners.",
        "Our journalism is free to read thanks to the support of readers who subscribe each month.",
        "Related: More from the Gazette\nReport a typo or error in this article to our corrections desk.\n"
        "Copyright 2026 Hilltop Gazette Company.",
    ),
    (
        "Riverside Post — independent news since 1921\nMenu\nSearch\nLog in",
        "Read more: the latest analysis from our business desk, updated every weekday afternoon.",
        "About the author: our staff writer covers economics and politics for the Riverside Post.\nTerms of "
        "service | Cookie settings | Accessibility\n(c) Riverside Post Publishing",
    ),
    (
        "CityWire Today\nTop stories  Video  Podcasts  Newsletters\nGet breaking news alerts straight to your "
        "phone when you download the CityWire app for free.",
        "Advertisement\nContinue reading below the advertisement.",
        "Tags: economy, markets, companies\nWe welcome comments that are civil and on topic; see our community "
        "guidelines before posting.\n© CityWire Today 2026",
    ),
    (
        "Northern Courier\nHome > Business > Companies",
        "Sign up to our weekly business briefing to receive the best of our coverage every Monday morning.",
        "Print this page | Email a friend\nNorthern Courier Ltd is regulated by the Independent Press Standards "
        "Organisation.\nAll content copyright Northern Courier.",
    ),
    (
        "THE VALLEY OBSERVER\nMonday 3 March 2026\nToday's paper  Puzzles  Obituaries  Jobs",
        "Support independent local journalism: become a member today and help us keep our reporting free.",
        "You might also like\n- Council approves new budget\n- Rail strike called off\nContact the newsroom: "
        "news@valleyobserver.example\nThe Valley Observer. All rights reserved.",
    ),
]


def split_of(key: str) -> str:
    return "dev" if hashlib.sha1(key.encode()).digest()[-1] % 2 == 0 else "held_out"


def pan_pairs(folder: str, label: bool) -> list[dict]:
    out = []
    for line in (PAN / folder / "pairs").read_text().splitlines():
        susp, src = line.split()
        key = f"pan:{folder}:{susp}:{src}"
        out.append(
            {"key": key, "kind": f"pan-{folder[:2]}", "reuse": label, "a": PAN / "susp" / susp, "b": PAN / "src" / src}
        )
    return out


def clough_pairs() -> list[dict]:
    out = []
    with open(CLOUGH / "file_information.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["Category"] == "orig":
                continue
            a = CLOUGH / "texts" / row["File"]
            b = CLOUGH / "texts" / f"orig_task{row['Task']}.txt"
            out.append(
                {
                    "key": f"clough:{row['File']}",
                    "kind": f"clough-{row['Category']}",
                    "reuse": row["Category"] != "non",
                    "a": a,
                    "b": b,
                }
            )
    return out


def paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.split("\n\n") if p.strip()]


def bbc_pairs(rng: random.Random, n: int) -> list[dict]:
    files = sorted(BBC.glob("*/*.txt"))
    rng.shuffle(files)
    out = []
    for i in range(n):
        x, y = files[2 * i], files[2 * i + 1]
        tx, ty = (f.read_text(encoding="utf-8", errors="replace") for f in (x, y))
        head, mid, foot = DEV_SITES[i % len(DEV_SITES)]
        px, py = paragraphs(tx), paragraphs(ty)

        def page(ps: list[str], head: str = head, mid: str = mid, foot: str = foot) -> str:
            return "\n\n".join([head, *ps[:2], mid, *ps[2:], foot])

        key = f"chrome:{x.name}:{y.name}"
        out.append({"key": key, "kind": "same-chrome", "reuse": False, "a_text": page(px), "b_text": page(py)})
        # A partial copy: 2-4 of x's paragraphs inside y (another article), no shared chrome.
        k = rng.randint(2, 4)
        start = rng.randint(1, max(1, len(px) - k))
        host = py[:3] + px[start : start + k] + py[3:]
        out.append(
            {
                "key": f"partial:{x.name}:{y.name}",
                "kind": "partial",
                "reuse": True,
                "a_text": tx,
                "b_text": "\n\n".join(host),
            }
        )
    return out


def template_pairs(rng: random.Random, per_template: int) -> list[dict]:
    """Two unrelated BBC articles in one site template of ``bench/_chrome.py``: DEV templates
    are tuned on, SCORE templates only scored (the template's split, not a hash, decides)."""
    import _chrome

    files = sorted(BBC.glob("*/*.txt"))
    headlines = [f.read_text(encoding="utf-8", errors="replace").split("\n", 1)[0] for f in files[:200]]
    out = []
    for split in ("dev", "score"):
        for template in _chrome.templates_of(split):
            for n in range(per_template):
                x, y = rng.sample(files, 2)
                pages = []
                for f in (x, y):
                    blocks = paragraphs(f.read_text(encoding="utf-8", errors="replace"))
                    pages.append(template.render(blocks[1:], blocks[0], rng, headlines))
                out.append(
                    {
                        "key": f"template:{template.id}:{n}",
                        "kind": "same-template",
                        "reuse": False,
                        "split": "dev" if split == "dev" else "held_out",
                        "a_text": pages[0],
                        "b_text": pages[1],
                    }
                )
    return out


def measure(pair: dict, config: CompareConfig) -> dict:
    if "a_text" in pair:
        a, b = (load_bytes(pair[s].encode(), name=f"{s}.txt") for s in ("a_text", "b_text"))
    else:
        a, b = pair["a"], pair["b"]
    t0 = time.perf_counter()
    report = copytrail.compare(a, b, config=config)
    ra, rb = report.a, report.b
    pairs = [p for passage in report.passages for p in passage.pairs]
    longest = max((len(ra.segments[p.a].text.split()) for p in pairs), default=0)
    template = bool(pairs) and is_template(ra, rb, pairs, config.relation)
    # Per passage, per aligned pair: (words of the shorter sentence, its evidence), so any
    # (min words, threshold) rule can be scored afterwards without comparing again.
    passages = [
        [
            (
                min(
                    len(normalise_for_match(ra.segments[q.a].text).split()),
                    len(normalise_for_match(rb.segments[q.b].text).split()),
                ),
                round(reuse_evidence(ra, rb, [q]), 3),
            )
            for q in passage.pairs
        ]
        for passage in report.passages
    ]
    return {
        "key": pair["key"],
        "kind": pair["kind"],
        "reuse": pair["reuse"],
        "split": pair.get("split") or split_of(pair["key"]),
        "relation": report.relation.value,
        "passages": passages,
        "pairs": len(pairs),
        "longest_words": longest,
        # For the whole-document rule (RelationConfig.whole_document_coverage): both
        # coverages, and the evidence of every aligned pair, short ones included.
        "coverage": [report.coverage.a, report.coverage.b],
        "whole_evidence": 0.0 if template else round(reuse_evidence(ra, rb, pairs), 3),
        "seconds": round(time.perf_counter() - t0, 3),
    }


def strongest(row: dict, min_words: int) -> float:
    """The evidence of the row's strongest passage, counting pairs of ``min_words`` or more."""
    return max((sum(ev for words, ev in passage if words >= min_words) for passage in row["passages"]), default=0.0)


def overall(row: dict, min_words: int) -> float:
    """The evidence of all the row's passages together, counting pairs of ``min_words`` or more."""
    return sum(ev for passage in row["passages"] for words, ev in passage if words >= min_words)


def gated(row: dict, rule: tuple[int, float], whole: float | None = None) -> bool:
    """Is the pair reuse under the evidence rule ``(min words, threshold)``, as ``classify_relation`` applies it?

    Duplicates and near duplicates need no evidence; a rewrite needs it over all its
    passages (it may reorder them all), a partial reuse in its strongest passage. With
    ``whole`` (the whole-document rule's coverage), a rewrite covering that share of both
    documents counts every aligned pair, short ones included.
    """
    if row["relation"] not in REUSE:
        return False
    if row["relation"] in ("duplicate", "near_duplicate"):
        return True
    min_words, threshold = rule
    found = overall(row, min_words) if row["relation"] == "rewrite" else strongest(row, min_words)
    if whole is not None and row["relation"] == "rewrite" and min(row["coverage"]) >= whole:
        found = max(found, row["whole_evidence"])
    return found >= threshold


PROTECTED = ("clough-cut", "clough-light", "clough-heavy", "partial", "pan-02")


def lost(rows: list[dict], rule: tuple[int, float]) -> int:
    """Pairs of the protected kinds (the recall targets) found without the gate and lost with it."""
    return sum(gated(r, (0, 0.0)) and not gated(r, rule) for r in rows if r["reuse"] and r["kind"] in PROTECTED)


def score(rows: list[dict], threshold: tuple[int, float], whole: float | None = None) -> dict:
    kinds: dict[str, list[int]] = {}
    for r in rows:
        found = gated(r, threshold, whole)
        kinds.setdefault(r["kind"], [0, 0])
        kinds[r["kind"]][0] += found
        kinds[r["kind"]][1] += 1
    neg = [r for r in rows if not r["reuse"]]
    pos = [r for r in rows if r["reuse"]]
    return {
        "false_positives": sum(gated(r, threshold, whole) for r in neg),
        "negatives": len(neg),
        "recall": round(sum(gated(r, threshold, whole) for r in pos) / max(len(pos), 1), 4),
        "kinds": {k: f"{v[0]}/{v[1]}" for k, v in sorted(kinds.items())},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--render", action="store_true", help="only score the rows of the last run again")
    args = parser.parse_args()
    if args.render:
        report(json.loads((RESULTS / "evidence_calibration.json").read_text())["rows"])
        return
    rng = random.Random(20261202)
    pairs = pan_pairs("01-no-plagiarism", False)
    for folder in ("02-no-obfuscation", "03-random-obfuscation", "05-summary-obfuscation"):
        pool = pan_pairs(folder, True)
        rng.shuffle(pool)
        pairs += pool[:80]
    pairs += clough_pairs() + bbc_pairs(rng, 120) + template_pairs(rng, 4)
    if args.quick:
        pairs = pairs[::3]
    relation = replace(RelationConfig(), min_passage_evidence=0.0, min_evidence_words=0)
    config = CompareConfig(embedder="none", explain=False, relation=relation)
    rows = []
    started = time.perf_counter()
    for i, pair in enumerate(pairs):
        rows.append(measure(pair, config))
        if i % 50 == 0:
            print(f"{i}/{len(pairs)} {time.perf_counter() - started:.0f}s", file=sys.stderr)
    report(rows)


def report(rows: list[dict]) -> None:
    dev = [r for r in rows if r["split"] == "dev"]
    held = [r for r in rows if r["split"] == "held_out"]
    # The rule, chosen on the dev split only: the recall targets come first (issue 8: recall
    # unchanged for copies, partial reuse and human rewrites), so for each minimum sentence
    # length take the highest passage threshold that loses no dev pair of those kinds, then
    # the length whose threshold lets the fewest dev negatives through. Rich page chrome that
    # no threshold can stop without losing rewrites is left to the learned chrome. (Chosen
    # without the whole-document rule, which came later and only adds pairs it covers whole.)
    candidates = []
    for min_words in WORD_MINIMUMS:
        safe = [t / 2 for t in range(0, 41) if not lost(dev, (min_words, t / 2))]
        rule = (min_words, max(safe))
        found = score(dev, rule)
        candidates.append((-found["false_positives"], found["recall"], -min_words, rule))
    threshold = max(candidates)[3]
    off = (0, 0.0)
    result = {
        "rule": {
            "min_evidence_words": threshold[0],
            "min_passage_evidence": threshold[1],
            "whole_document_coverage": WHOLE_DOCUMENT_COVERAGE,
        },
        "dev_per_rule": [
            {"min_words": r[0], "threshold": r[1], "dev_false_positives": -fp, "dev_recall": rec}
            for fp, rec, _, r in candidates
        ],
        **{
            split: {
                "ungated": score(part, off),
                "gated": score(part, threshold),
                "gated_whole": score(part, threshold, WHOLE_DOCUMENT_COVERAGE),
            }
            for split, part in (("dev", dev), ("held_out", held))
        },
        "rows": rows,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "evidence_calibration.json").write_text(json.dumps(result, indent=1))
    lines = [
        f"# Reuse-evidence calibration: sentences of {threshold[0]}+ words carry evidence; "
        f"{threshold[1]} needed (partial reuse: in one passage; rewrite: in all)",
        "",
        "Rules tried on the dev split (highest threshold losing no dev copy, partial or human rewrite; "
        "dev false positives): " + ", ".join(f"{r[0]} words / {r[1]}: {-fp}" for fp, _, _, r in candidates) + ".",
        "",
        f"`gated + whole`: the shipped rule, with the whole-document rule (an alignment covering "
        f"{WHOLE_DOCUMENT_COVERAGE} of both documents counts every aligned sentence; "
        "bench/whole_document_calibration.py).",
        "",
        "| split | rule | false positives / negatives | recall | per kind (found / pairs) |",
        "|---|---|---|---|---|",
    ]
    names = {"ungated": "ungated", "gated": "gated", "gated_whole": "gated + whole"}
    for split in ("dev", "held_out"):
        for rule, name in names.items():
            s = result[split][rule]
            kinds = ", ".join(f"{k} {v}" for k, v in s["kinds"].items())
            lines.append(f"| {split} | {name} | {s['false_positives']} / {s['negatives']} | {s['recall']} | {kinds} |")
    text = "\n".join(lines) + "\n"
    (RESULTS / "evidence_calibration.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
