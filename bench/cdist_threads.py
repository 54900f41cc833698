"""Where rapidfuzz's ``cdist`` on every core starts to pay, for the aligner's two matrices.

Usage::

    python bench/cdist_threads.py [--repeats 40]

The aligner (``copytrail/align/sentences.py``) computes two matrices per document pair: the
char ratio of every sentence pair (``fuzz.ratio``) and the words every sentence pair shares
(``LCSseq`` over sorted distinct words). rapidfuzz starts its threads anew for each call, so a
small matrix is faster on one. This times both matrices on one thread and on all
(``workers=-1``), alternating, for square blocks of real sentences: BBC news and PAN13 source
documents (longer, Wikipedia-like sentences). ``PARALLEL_RATIO_CELLS`` and
``PARALLEL_SHARED_WORD_CELLS`` come from where the ratio (one / all) crosses 1. The matrices
are the same either way (asserted here); only the time differs.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import LCSseq

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import SHARED, markdown_table, reproduce_command  # noqa: E402
from _scan_corpus import bbc_articles, read_text  # noqa: E402
from copytrail.normalize import match_words, normalise_for_match  # noqa: E402
from copytrail.normalize.segment import split_sentences, split_units  # noqa: E402

PAN13_SOURCES = SHARED / "data" / "pan13_text_alignment_subset" / "src"
SIDES = (20, 40, 64, 90, 128, 180)


def sentences_of(texts: list[str], limit: int) -> list[str]:
    out: list[str] = []
    for text in texts:
        out.extend(normalise_for_match(text[s.start : s.end]) for s in split_sentences(text, split_units(text)))
        if len(out) >= limit:
            break
    return [s for s in out if len(s.split()) >= 3][:limit]


def seconds(call, repeats: int) -> float:
    started = time.perf_counter()
    for _ in range(repeats):
        call()
    return (time.perf_counter() - started) / repeats


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=40)
    args = parser.parse_args()
    print(f"$ {reproduce_command('bench/cdist_threads.py')}  ({os.cpu_count()} cores, load {os.getloadavg()[0]:.1f})")
    news = [a.headline + "\n\n" + "\n\n".join(a.paragraphs) for a in bbc_articles()[:200]]
    pan = [read_text(p) for p in sorted(PAN13_SOURCES.glob("*.txt"))[:20]]
    rows = []
    for name, texts in (("BBC", news), ("PAN13", pan)):
        pool = sentences_of(texts, 2 * max(SIDES))
        a, b = pool[: max(SIDES)], pool[max(SIDES) : 2 * max(SIDES)]
        words_a = [sorted(set(match_words(t))) for t in a]
        words_b = [sorted(set(match_words(t))) for t in b]
        for side in SIDES:
            ta, tb, wa, wb = a[:side], b[:side], words_a[:side], words_b[:side]
            matrices = {
                "char ratio": lambda w, ta=ta, tb=tb: process.cdist(
                    ta, tb, scorer=fuzz.ratio, dtype=np.uint8, workers=w, score_cutoff=44
                ),
                "shared words": lambda w, wa=wa, wb=wb: process.cdist(
                    wa, wb, scorer=LCSseq.similarity, dtype=np.int32, workers=w
                ),
            }
            for matrix, call in matrices.items():
                assert np.array_equal(call(1), call(-1))
                one, every = [], []
                for _ in range(2):  # alternating, so that other work on the machine slows both alike
                    one.append(seconds(lambda c=call: c(1), args.repeats))
                    every.append(seconds(lambda c=call: c(-1), args.repeats))
                t1, tn = min(one), min(every)
                rows.append([name, matrix, f"{side * side:,}", f"{t1 * 1e3:.2f}", f"{tn * 1e3:.2f}", f"{tn / t1:.2f}"])
    header = ["sentences", "matrix", "cells", "ms, 1 thread", "ms, all cores", "all / 1"]
    print("\n".join(markdown_table(header, rows, align="llrrrr")))


if __name__ == "__main__":
    main()
