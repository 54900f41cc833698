"""German nouns versus names: how well ``is_common_noun`` tells them apart on WMT's German news.

Usage::

    python bench/name_words.py                 # DEV and HELD-OUT, the grid and the chosen setting
    python bench/name_words.py --split dev     # tuning: DEV only (examples are shown for DEV only)

German writes every noun with a capital, so the change detectors would read "Menschen" ->
"Leute" as a name changed. :func:`copytrail.explain.languages.is_common_noun` calls a
capitalised word a common noun when wordfreq finds it frequent in German (zipf at least
``min_zipf``) and much more frequent there than in English (by ``min_gap``); CLDR's country
names ("Deutschland") and acronyms stay names.

Labels come from the documents' English side (../shared/data/wmt_multilingual, en-de, news):
a capitalised German word that does not open a sentence or clause is a *name* when the same
word stands in the English text ("Merkel", "Kyiv" does not count for "Kiew"), otherwise
*other* (nouns, mostly; German-only spellings of places such as "Russland" land here too,
so the share of others dropped is a lower bound of what the rule gets right). Per
setting: names kept (should be all), others dropped, by word type and by occurrence. The
DEV / HELD-OUT split is ``bench/_wmt.py``'s; the setting was chosen on DEV. Writes
bench/results/name_words.json and .md.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parents[1] / "src"), str(Path(__file__).resolve().parent)]

from _common import ROOT, git_revision, markdown_table, reproduce_command, write_results  # noqa: E402
from _wmt import wmt_documents  # noqa: E402
from copytrail.explain.languages import COMMON_NOUN_GAP, COMMON_NOUN_ZIPF, is_common_noun  # noqa: E402

OUT = ROOT / "bench" / "results" / "name_words"
GRID = [(z, g) for z in (0.0, 3.5, 4.0, 4.5, 5.0) for g in (1.5, 2.0, 2.5, 3.0)]
# A capitalised word after a lower-case word or a comma: not the first of a sentence or clause.
_INSIDE = re.compile(r"(?<=[a-zäöüß,] )[A-ZÄÖÜ][^\W\d_]{2,}(?:-[^\W\d_]+)*\b")


def labelled_words(held: bool) -> tuple[Counter[str], Counter[str]]:
    """(names, others): capitalised words inside sentences, counted by occurrence."""
    names: Counter[str] = Counter()
    others: Counter[str] = Counter()
    for doc in wmt_documents("de"):
        if doc.held_out != held:
            continue
        for match in _INSIDE.finditer(doc.xx.text):
            word = match.group()
            in_english = re.search(rf"(?<!\w){re.escape(word)}(?!\w)", doc.en.text) is not None
            (names if in_english else others)[word] += 1
    return names, others


def measure(names: Counter[str], others: Counter[str], min_zipf: float, min_gap: float) -> dict:
    lost = sorted(w for w in names if is_common_noun(w, "de", min_zipf=min_zipf, min_gap=min_gap))
    dropped = [w for w in others if is_common_noun(w, "de", min_zipf=min_zipf, min_gap=min_gap)]
    return {
        "min_zipf": min_zipf,
        "min_gap": min_gap,
        "name_types": len(names),
        "names_kept": len(names) - len(lost),
        "names_lost": lost,
        "other_types": len(others),
        "others_dropped": len(dropped),
        "other_occurrences": sum(others.values()),
        "other_occurrences_dropped": sum(others[w] for w in dropped),
    }


def _row(split: str, m: dict) -> list[object]:
    chosen = " (chosen)" if (m["min_zipf"], m["min_gap"]) == (COMMON_NOUN_ZIPF, COMMON_NOUN_GAP) else ""
    return [
        split,
        f"{m['min_zipf']} / {m['min_gap']}{chosen}",
        f"{m['names_kept']}/{m['name_types']}",
        f"{m['others_dropped']}/{m['other_types']} ({m['others_dropped'] / max(m['other_types'], 1):.2f})",
        f"{m['other_occurrences_dropped']}/{m['other_occurrences']}"
        f" ({m['other_occurrences_dropped'] / max(m['other_occurrences'], 1):.2f})",
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--split", choices=("dev", "held-out", "both"), default="both")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    command = reproduce_command().rstrip()
    print(command)
    header = ["split", "min zipf / min gap", "names kept", "others dropped (types)", "others dropped (occurrences)"]
    rows, runs = [], []
    for split in ("dev", "held-out"):
        if args.split not in (split, "both"):
            continue
        names, others = labelled_words(split == "held-out")
        # The grid on DEV (where the setting was chosen); HELD-OUT gets the chosen setting only.
        settings = GRID if split == "dev" else [(COMMON_NOUN_ZIPF, COMMON_NOUN_GAP)]
        for min_zipf, min_gap in settings:
            found = measure(names, others, min_zipf, min_gap)
            runs.append({"split": split, **found})
            rows.append(_row(split, found))
            if split == "dev" and found["names_lost"]:
                print(f"  dev {min_zipf}/{min_gap}: names read as nouns: {', '.join(found['names_lost'][:8])}")
    table = markdown_table(header, rows)
    print("\n".join(table))
    markdown = "\n".join(
        [
            "# German nouns versus names (bench/name_words.py)",
            "",
            f"`{command}` at {git_revision() or 'unknown'}.",
            "",
            "Capitalised words inside sentences of WMT's German news; a *name* stands in the English side too.",
            "A setting drops a word as a common noun when its German zipf is at least *min zipf* and exceeds",
            "its English zipf by *min gap*. Names kept should be all; others dropped is a lower bound.",
            "",
            *table,
            "",
        ]
    )
    write_results(args.out, {"command": command, "revision": git_revision() or "unknown", "runs": runs}, markdown)
    print(f"wrote {args.out}.json and .md")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
