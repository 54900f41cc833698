"""Pseudo-posts of the Tatoeba languages ``bench/monolingual.py`` leaves out: an outside check.

Usage::

    python bench/tatoeba_posts.py                       # pol, tur, fra, ukr, spa
    python bench/tatoeba_posts.py --languages pol,ukr

``bench/monolingual.py`` holds Arabic to English on pseudo-documents of twelve consecutive
Tatoeba sentences (a title line, then paragraphs of three). This script builds the same
documents for the other Tatoeba languages in ``shared/data/tatoeba``, both sides of each
pair (the language's sentences and their English translations), and runs the same
compare tasks with the same seeds' scheme: a document against itself (``duplicate``),
against a light edit of itself (``near_duplicate``), against the next document
(``unrelated``), and the share of characters read as page chrome. Nothing was tuned on
these languages; the sentences-without-full-stop rule of ``normalize/boilerplate.py`` was
found on the Polish side, so Polish is no clean check of it.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import monolingual  # noqa: E402

LANGUAGES = {"pol": "pl", "tur": "tr", "fra": "fr", "ukr": "uk", "spa": "es"}


def pseudo_posts(code: str, side: str) -> list[monolingual.Doc]:
    """``bench/monolingual.py``'s Arabic construction for one side of the ``code``-English pairs."""
    path = monolingual.DATA / "tatoeba" / f"tatoeba.{code}-eng.{side}"
    lines = [line.strip() for line in path.open(encoding="utf-8") if line.strip()]
    language = "en" if side == "eng" else LANGUAGES[code]
    docs = []
    for k in range(0, len(lines) - 11, 12):
        chunk = lines[k : k + 12]
        paragraphs = (chunk[0], *(" ".join(chunk[i : i + 3]) for i in range(1, 12, 3)))
        docs.append(monolingual.Doc(f"tatoeba-{code}-{side}-{k // 12}", language, paragraphs))
    return docs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--languages", default=",".join(LANGUAGES))
    args = parser.parse_args(argv)
    print("| language | side | docs | duplicate | near-dup | unrelated | story as chrome |")
    print("|---|---|---|---|---|---|---|")
    for code in args.languages.split(","):
        for side in (code, "eng"):
            docs = pseudo_posts(code, side)
            row = monolingual.compare_tasks(
                docs, monolingual.vocabulary(docs), random.Random(f"{monolingual.SEED}-{code}-{side}")
            )
            print(
                f"| {code} | {side} | {row['docs']} | {row['duplicate']:.2f} | {row['near_duplicate']:.2f} | "
                f"{row['unrelated']:.2f} | {row['chrome']:.3f} ({row['docs_with_chrome']} docs) |",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
