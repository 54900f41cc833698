"""Spelled-out numbers changed in non-English news: does "what changed" report them?

Usage::

    python bench/number_words.py                 # de, es, ru, fi; DEV and HELD-OUT
    python bench/number_words.py --languages ru --show 5
    python bench/number_words.py --split dev     # tuning: DEV only
    python bench/number_words.py --timing        # also: compare time with / without the case forms

The documents and the DEV / HELD-OUT split are ``bench/edits_multilingual.py``'s (WMT news,
split by ``sha1("held-out:" + docid)``, fixed before any tuning). In each document every
number word of this bench's own lists below (outside nothing: quotes too) is a candidate;
one per document and copy is replaced with another word of the same list and form, with
the same capital, and the copy is compared with the original
(``copytrail.compare``, minilm). An edit is found when a ``number`` change overlaps it in
either text (``bench/edits.py``'s rule).

The lists are written for this bench, not taken from the detector's sources (``num2words``,
and simplemma's dictionaries through ``bench/build_number_forms.py``), and hold inflected
forms (Russian "трёх", Finnish "kolmen", German "dritten"), which ``num2words`` does not
write: the ``nominative`` and ``inflected`` columns are reported apart. False alarms of the number detector on text
whose numbers did not change are measured by ``bench/edits_multilingual.py`` (its wording
controls and the two independent Finnish translations).

``--timing`` compares every copy again, with the table of case forms
(``copytrail/models/number_forms.json``) and with it emptied (num2words' words only), the two
interleaved copy by copy, three rounds: the ratio of the two mean compare times.

Writes bench/results/number_words.json and .md.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import sys
import time
from collections import Counter
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import copytrail  # noqa: E402
from _common import ROOT, git_revision, markdown_table, reproduce_command, timed, write_json  # noqa: E402
from copytrail.explain import languages as detector_languages  # noqa: E402
from edits import Candidate, Case, apply, case_like, evaluate, matches  # noqa: E402
from edits_multilingual import load_sources  # noqa: E402

SEED = 20261202
OUT = ROOT / "bench" / "results" / "number_words.json"

# Per language, groups of words in one grammatical form: a word is replaced by another of its group.
NOMINATIVE = {
    "de": ["zwei", "drei", "vier", "fünf", "sechs", "sieben", "acht", "neun", "zehn", "zwölf", "zwanzig", "hundert"],
    "es": ["dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve", "diez", "doce", "veinte", "cien"],
    "ru": ["два", "три", "четыре", "пять", "шесть", "семь", "восемь", "девять", "десять", "двадцать", "сто"],
    "fi": ["kaksi", "kolme", "neljä", "viisi", "kuusi", "seitsemän", "kahdeksan", "yhdeksän", "kymmenen", "sata"],
}
INFLECTED = {
    "de": [["zweiten", "dritten", "vierten", "fünften"], ["zweite", "dritte", "vierte", "fünfte"]],
    "es": [["segunda", "tercera", "cuarta", "quinta"], ["segundo", "tercer", "cuarto", "quinto"]],
    "ru": [["двух", "трёх", "трех", "четырёх", "пяти", "шести", "десяти"], ["двумя", "тремя", "четырьмя"]],
    "fi": [["kahden", "kolmen", "neljän", "viiden", "kuuden"], ["kahdessa", "kolmessa", "neljässä", "viidessä"]],
}
LANGUAGES = tuple(NOMINATIVE)


def candidates(text: str, language: str) -> list[tuple[Candidate, str]]:
    """Every number word of the lists in ``text``, each with a replacement and its form."""
    groups = [("nominative", NOMINATIVE[language])] + [("inflected", g) for g in INFLECTED[language]]
    out = []
    for form, group in groups:
        pattern = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, group)) + r")(?!\w)", re.IGNORECASE)
        for m in pattern.finditer(text):
            old = m.group()
            others = [w for w in group if w != old.lower() and not {w, old.lower()} <= {"трёх", "трех"}]
            new = case_like(random.Random(f"{m.start()}:{old}").choice(others), old)
            out.append((Candidate("number", -1, [(m.start(), m.end(), new)], f"{old} -> {new}"), form))
    return out


def build_cases(sources: list, copies: int, rng: random.Random) -> tuple[list[Case], dict[str, str]]:
    """Up to ``copies`` single-edit copies, spread over the documents; the form of each edit by case name."""
    per_document = [(s, candidates(s.text, s.language)) for s in sources]
    per_document = [(s, c) for s, c in per_document if c]
    cases, forms = [], {}
    n = 0
    while len(cases) < copies and per_document:
        source, found = per_document[n % len(per_document)]
        if n >= len(per_document) * 10:
            break
        cand, form = rng.choice(found)
        copy, edits = apply(source.text, [cand])
        name = f"{source.name}#{n}"
        cases.append(Case(name, source.text, copy, edits))
        forms[name] = form
        n += 1
    return cases, forms


def compare_time_ratio(cases: list[Case], config: copytrail.CompareConfig, rounds: int = 3) -> dict[str, float]:
    """Mean compare seconds of ``cases`` with the case-form table and without it (same run, interleaved)."""
    with_table = detector_languages._inflected_number_words
    tables = {"with case forms": with_table, "without": lambda: {}}
    pairs = [
        (copytrail.load_bytes(c.original.encode(), name="a.txt"), copytrail.load_bytes(c.copy.encode(), name="b.txt"))
        for c in cases
    ]
    totals = dict.fromkeys(tables, 0.0)
    try:
        for n in range(rounds):
            for a, b in pairs:
                for name in sorted(tables, reverse=n % 2 == 1):
                    detector_languages._inflected_number_words = tables[name]
                    detector_languages.number_words.cache_clear()
                    for language in LANGUAGES:
                        detector_languages.number_words(language)  # built outside the timed call
                    with timed() as seconds:
                        copytrail.compare(a, b, config=config)
                    totals[name] += seconds[0]
    finally:
        detector_languages._inflected_number_words = with_table
        detector_languages.number_words.cache_clear()
    count = rounds * len(pairs)
    out = {f"{name} ms": round(1000 * total / count, 2) for name, total in totals.items()}
    out["ratio"] = round(totals["with case forms"] / totals["without"], 3)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--languages", default=",".join(LANGUAGES))
    parser.add_argument("--split", choices=("dev", "held-out", "both"), default="both")
    parser.add_argument("--copies", type=int, default=40, help="per language and split")
    parser.add_argument("--show", type=int, default=2, help="missed edits shown per language and split")
    parser.add_argument("--timing", action="store_true", help="compare time with / without the case forms")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    command = reproduce_command().rstrip()
    print(command)
    config = copytrail.CompareConfig(embedder="minilm")
    started = time.perf_counter()
    rows, runs, all_cases = [], [], []
    languages = tuple(args.languages.split(","))
    for language, sources in load_sources(languages).items():
        for held in (False, True):
            split = "held-out" if held else "dev"
            if args.split not in ("both", split):
                continue
            rng = random.Random(f"{SEED}:{language}:{split}")
            cases, forms = build_cases([s for s in sources if s.held_out == held], args.copies, rng)
            records, _ = evaluate(cases, config)
            all_cases += cases
            found, total, missed = Counter(), Counter(), []
            for case, rec in zip(cases, records, strict=True):
                edit = case.edits[0]
                total[forms[case.name]] += 1
                if any(ch["kind"] == "number" and matches(ch, edit) for ch in rec["changes"]):
                    found[forms[case.name]] += 1
                else:
                    missed.append(f"{edit.detail} ({forms[case.name]}, {rec['relation']})")
            run = {
                "language": language,
                "split": split,
                "copies": len(cases),
                "found": dict(found),
                "edits": dict(total),
                "missed_examples": missed[:10],
            }
            runs.append(run)
            cells = [f"{found[f]}/{total[f]}" if total[f] else "-" for f in ("nominative", "inflected")]
            rows.append([language, split, len(cases), *cells])
            print(f"{language} {split}: nominative {cells[0]}, inflected {cells[1]}")
            for line in missed[: args.show]:
                print(f"    missed: {line}")
    out = {"command": command, "revision": git_revision() or "unknown", "seed": SEED, "runs": runs}
    table = markdown_table(["language", "split", "copies", "nominative found", "inflected found"], rows)
    print("\n".join(table))
    if args.timing:
        out["compare_time"] = compare_time_ratio(all_cases, config)
        out["compare_time"]["load_average"] = round(os.getloadavg()[0], 2)
        line = ", ".join(f"{k} {v}" for k, v in out["compare_time"].items())
        table += ["", f"Compare time, {len(all_cases)} copies x 3 rounds, same run: {line}."]
        print(table[-1])
    wall = time.perf_counter() - started
    out["wall_seconds"] = round(wall, 1)
    write_json(args.out, out)
    header = f"# Spelled-out numbers changed — `{command}` at {out['revision']}\n\n"
    args.out.with_suffix(".md").write_text(header + "\n".join(table) + "\n", encoding="utf-8")
    print(f"wall {wall:.1f} s; wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
