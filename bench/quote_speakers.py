"""Who said it, outside English: quote speakers in German, Spanish, Russian and Finnish news against the English side.

Usage::

    python bench/quote_speakers.py                 # de, es, ru, fi; DEV and HELD-OUT
    python bench/quote_speakers.py --split dev --show 10

WMT news documents (../shared/data/wmt_multilingual, wmt16_newstest_en_fi) are translated
segment by segment, so a quote in segment *i* of the German text is a quote in segment *i*
of the English one. Where the English quotes of that segment are given one speaker (the
English attribution rules of ``copytrail.explain.quotes``: "…," Milley said) that is a
person's name, not a description ("the University of Liverpool") or a pronoun, its last
word is the reference. Per language and split:

- ``quotes``: quotes of three words or more found in the language's text;
- ``with speaker``: how many of them ``extract_quotes`` gives a speaker;
- ``named reference``: quotes whose English counterpart names its speaker;
- ``correct``: of those, quotes whose speaker holds the same name: a word with the same
  first three consonants, so that case endings and transliteration meet ("Healyn" /
  "Healy", "Голошейкин" / "Golosheykin", "Джонсон" / "Johnson");
- ``wrong``: a speaker given that holds no such word;
- ``precision`` = correct / (correct + wrong), ``recall`` = correct / named reference.

The DEV / HELD-OUT split is ``bench/_wmt.py``'s; the speech verbs of each language
(``copytrail/explain/quotes.py``) were chosen on DEV quotes. Writes
bench/results/quote_speakers.json and .md.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parents[1] / "src"), str(Path(__file__).resolve().parent)]

from _common import ROOT, fmt, git_revision, markdown_table, reproduce_command, write_results  # noqa: E402
from _wmt import wmt_documents  # noqa: E402
from copytrail.explain.quotes import extract_quotes  # noqa: E402

OUT = ROOT / "bench" / "results" / "quote_speakers"
LANGUAGES = ("de", "es", "ru", "fi")
_DESCRIPTORS = ("the ", "a ", "an ")
_CYRILLIC = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
        ("a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p", "r", "s", "t", "u", "f")
        + ("h", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya"),
        strict=True,
    )
)


_SPELLINGS = (
    ("dzh", "j"),
    ("zh", "j"),
    ("kh", "h"),
    ("ch", "k"),
    ("ck", "k"),
    ("c", "k"),
    ("q", "k"),
    ("x", "ks"),
    ("ph", "f"),
)


def _skeleton(word: str) -> str:
    """A name's first three consonants, Cyrillic transliterated and spellings evened out:
    "Голошейкин" and "Golosheykin" are "gls", "Мохбер" and "Mokhber" "mbr", "Джонсон" and
    "Johnson" "jns" (vowels, h, w and y dropped)."""
    latin = "".join(_CYRILLIC.get(ch, ch) for ch in word.lower())
    for spelling, even in _SPELLINGS:
        latin = latin.replace(spelling, even)
    return re.sub(r"[^a-z]|[aeiouyhw]", "", latin)[:3]


def _reference(speaker: str | None) -> str | None:
    """The surname of an English speaker that is a person's name ("Will Christie", "Healy"); none
    for a description ("the University of Liverpool", "The ex-Brentford gaffer") or a pronoun."""
    if not speaker or speaker.lower().startswith(_DESCRIPTORS):
        return None
    last = speaker.split()[-1]
    return last if last[:1].isupper() and len(last) >= 3 and last not in {"He", "She", "They"} else None


def _same_person(speaker: str, reference: str) -> bool:
    return _skeleton(reference) in {_skeleton(w) for w in re.findall(r"[^\W\d_]{3,}", speaker)}


def measure(language: str, held: bool, show: int) -> dict:
    found = {"quotes": 0, "with_speaker": 0, "named_reference": 0, "correct": 0, "wrong": 0}
    examples: list[str] = []
    for doc in wmt_documents(language):
        if doc.held_out != held:
            continue
        english = extract_quotes(doc.en.text, "en")
        for quote in extract_quotes(doc.xx.text, language):
            found["quotes"] += 1
            found["with_speaker"] += quote.speaker is not None
            segment = next((i for i, (s, e) in enumerate(doc.xx.spans) if s <= quote.span.start < e), None)
            if segment is None:
                continue
            start, end = doc.en.spans[segment]
            speakers = {q.speaker for q in english if start <= q.span.start < end and q.speaker}
            reference = _reference(next(iter(speakers))) if len(speakers) == 1 else None
            if not reference:
                continue
            found["named_reference"] += 1
            if quote.speaker and _same_person(quote.speaker, reference):
                found["correct"] += 1
            else:
                found["wrong"] += quote.speaker is not None
                if len(examples) < show and not held:
                    after = doc.xx.text[quote.span.end : quote.span.end + 60].replace("\n", " ")
                    examples.append(f"[{doc.docid}] speaker {quote.speaker!r}, English {reference}: …{after!r}")
    given = found["correct"] + found["wrong"]
    found["precision"] = found["correct"] / given if given else None
    found["recall"] = found["correct"] / found["named_reference"] if found["named_reference"] else None
    return {"language": language, "split": "held-out" if held else "dev", **found, "examples": examples}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--languages", default=",".join(LANGUAGES))
    parser.add_argument("--split", choices=("dev", "held-out", "both"), default="both")
    parser.add_argument("--show", type=int, default=5, help="DEV misses shown per language")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    command = reproduce_command().rstrip()
    print(command)
    runs = []
    for language in args.languages.split(","):
        for held in {"dev": (False,), "held-out": (True,), "both": (False, True)}[args.split]:
            run = measure(language, held, args.show)
            runs.append(run)
            for line in run["examples"]:
                print(f"  {language}: {line}")
    header = [
        "language",
        "split",
        "quotes",
        "with speaker",
        "named reference",
        "correct",
        "wrong",
        "precision",
        "recall",
    ]
    rows = [
        [
            r["language"],
            r["split"],
            r["quotes"],
            r["with_speaker"],
            r["named_reference"],
            r["correct"],
            r["wrong"],
            fmt(r["precision"]),
            fmt(r["recall"]),
        ]
        for r in runs
    ]
    table = markdown_table(header, rows)
    print("\n".join(table))
    markdown = "\n".join(
        [
            "# Quote speakers outside English (bench/quote_speakers.py)",
            "",
            f"`{command}` at {git_revision() or 'unknown'}.",
            "",
            "Quotes in WMT news and the speaker `extract_quotes` gives them, against the name the English side's",
            "attribution gives the same quote (segment by segment). precision = correct / speakers given on",
            "quotes with a named reference; recall = correct / quotes with a named reference.",
            "",
            *table,
            "",
        ]
    )
    write_results(args.out, {"command": command, "revision": git_revision() or "unknown", "runs": runs}, markdown)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
