"""Does the blingfire copytrail pins cut the same sentences as the newest blingfire?

Usage::

    python bench/blingfire_versions.py                      # the pinned version against 0.1.8
    python bench/blingfire_versions.py --fuzz 300000        # more random strings

copytrail pins blingfire 0.1.2 (pyproject.toml): its wheel installs 25 MB, against 99 MB for
0.1.8, whose extra 74 MB are tokenizer models (XLM-R, LASER, URI, GPT-2...) that copytrail
never loads. copytrail calls one function of the library, ``TextToSentencesWithOffsets``, whose
sentence model is built into the shared library of each version.

This script downloads both wheels from the package index (``pip download --no-deps``, kept in
``bench/.cache/blingfire-wheels``), loads each wheel's Linux library with ctypes in one
process and compares, for every document of ``bench/sentence_split.py`` (BBC, Reuters-21578,
PAN13, WMT in six languages, WMT16 en-fi, Tatoeba in eleven, Kherson):

* the library's raw answer (the sentence text and the start and end byte offsets) for the
  whole document and for each of its non-empty lines;
* ``prepare_document``'s segments (spans, roles, languages), the pipeline run once with each
  library in place of the installed one;
* the raw answer for ``--fuzz`` random strings mixing Latin, Cyrillic, Greek, Arabic,
  Devanagari and CJK letters, digits, abbreviations and every kind of punctuation and space.

Any difference is listed. Results go to ``bench/results/blingfire_versions.{json,md}``.
"""

from __future__ import annotations

import argparse
import ctypes
import random
import subprocess
import sys
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import blingfire  # noqa: E402

from _common import ROOT, markdown_table, reproduce_command, source_state, write_results  # noqa: E402
from copytrail.normalize import prepare_document, segment  # noqa: E402
from copytrail.records import LoadedText, SourceFormat  # noqa: E402
from sentence_split import documents  # noqa: E402

WHEELS = ROOT / "bench" / ".cache" / "blingfire-wheels"
RESULTS = ROOT / "bench" / "results" / "blingfire_versions"
LIBRARY = "blingfire/libblingfiretokdll.so"


def library(version: str) -> ctypes.CDLL:
    """The Linux library of blingfire ``version``'s wheel, downloaded once."""
    folder = WHEELS / version
    path = folder / LIBRARY
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "-q", "--no-deps", f"blingfire=={version}", "-d", str(folder)],
            check=True,
        )
        (wheel,) = folder.glob("blingfire-*.whl")
        with zipfile.ZipFile(wheel) as archive:
            archive.extract(LIBRARY, folder)
    return ctypes.CDLL(str(path))


def raw_sentences(lib: ctypes.CDLL, text: str) -> tuple:
    """The library's whole answer for ``text``: its output text and both offset arrays."""
    encoded = text.encode("utf-8")
    if not encoded:
        return ()
    capacity = 2 * len(encoded) + 16
    output, starts, ends = (ctypes.c_char * capacity)(), (ctypes.c_int32 * capacity)(), (ctypes.c_int32 * capacity)()
    found = lib.TextToSentencesWithOffsets(
        ctypes.c_char_p(encoded), ctypes.c_int(len(encoded)), ctypes.byref(output),
        ctypes.byref(starts), ctypes.byref(ends), ctypes.c_int(capacity),
    )  # fmt: skip
    if found == -1 or found > capacity:
        return ("failed", found)
    count = output.value.count(b"\n") + 1
    return output.value, tuple(starts[:count]), tuple(ends[:count])


def segments_with(lib: ctypes.CDLL, text: str) -> list[tuple]:
    """``prepare_document``'s segments of ``text`` with ``lib`` as blingfire's library."""
    # segment.py calls the library it loaded itself; blingfire's own wrapper (its fallback for
    # odd offsets) calls its module's: both are swapped.
    installed = segment._BLINGFIRE, blingfire.blingfire
    segment._BLINGFIRE = blingfire.blingfire = lib
    try:
        prepared = prepare_document(LoadedText("doc", text, SourceFormat.TEXT, "utf-8", len(text.encode())))
    finally:
        segment._BLINGFIRE, blingfire.blingfire = installed
    return [(s.start, s.end, s.role, s.reason) for s in prepared.segments] + [prepared.language, prepared.languages]


_ALPHABET = [
    *"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,;:!?\"'()[]-—–…«»„“”‘’\n\t\u00a0\u2028",
    *"аброзЖЯΩλ你好。！？日本語です。ãéüß؟،العربية।हिन्दी",
    *["Mr.", "U.S.", "Dr.", "  ", ". ", "? ", "! ", "...", "e.g.", "No.", "Jan.", "\U0001f600"],
]


def fuzz_strings(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(_ALPHABET) for _ in range(rng.randint(1, 300))) for _ in range(count)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pinned", default="0.1.2", help="the version pyproject.toml pins (default 0.1.2)")
    parser.add_argument("--newest", default="0.1.8", help="the version to compare it with (default 0.1.8)")
    parser.add_argument("--fuzz", type=int, default=100_000, help="random strings to compare (default 100,000)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    pinned, newest = library(args.pinned), library(args.newest)

    started = time.perf_counter()
    docs = documents(reuters_files=22)
    differences: list[str] = []
    per_source: dict[str, list[int]] = {}
    for doc in docs:
        tally = per_source.setdefault(doc.source, [0, 0, 0, 0])  # documents, chunks, sentences, differing
        tally[0] += 1
        for chunk in [doc.text, *(line for line in doc.text.split("\n") if line.strip())]:
            a, b = raw_sentences(newest, chunk), raw_sentences(pinned, chunk)
            tally[1] += 1
            tally[2] += len(a[1]) if len(a) == 3 else 0
            if a != b:
                tally[3] += 1
                differences.append(f"raw {doc.docid}: {chunk[:120]!r}")
        if segments_with(newest, doc.text) != segments_with(pinned, doc.text):
            tally[3] += 1
            differences.append(f"segments {doc.docid}")
    fuzz_differing = 0
    for text in fuzz_strings(args.fuzz, args.seed):
        if raw_sentences(newest, text) != raw_sentences(pinned, text):
            fuzz_differing += 1
            differences.append(f"fuzz: {text[:120]!r}")

    rows = [(source, *tally) for source, tally in sorted(per_source.items())]
    total = [sum(r[i] for r in rows) for i in range(1, 5)]
    lines = [
        f"# blingfire {args.pinned} against {args.newest}: the sentences copytrail cuts",
        "",
        f"`{reproduce_command()}`",
        "",
        *markdown_table(
            ("source", "documents", "texts split (documents and their lines)", "sentences", "differing"),
            [*rows, ("**all**", *total)],
            align="lrrrr",
        ),
        "",
        f"Differing also counts a document whose `prepare_document` segments differ. Random strings: "
        f"{args.fuzz:,} (seed {args.seed}), {fuzz_differing} differing. {time.perf_counter() - started:.0f} s.",
        "",
        *(f"- {d}" for d in differences[:50]),
    ]
    data = {
        "source": source_state(),
        "pinned": args.pinned,
        "newest": args.newest,
        "per_source": {r[0]: dict(zip(("documents", "texts", "sentences", "differing"), r[1:])) for r in rows},
        "fuzz": {"strings": args.fuzz, "seed": args.seed, "differing": fuzz_differing},
        "differences": differences,
    }
    write_results(RESULTS, data, "\n".join(lines) + "\n")
    print("\n".join(lines))
    return 1 if differences else 0


if __name__ == "__main__":
    raise SystemExit(main())
