"""Sentence splitters against copytrail's sentences: could a much smaller one replace blingfire?

Usage::

    python bench/sentence_split.py                        # the sentencex candidate, DEV split, differences listed
    python bench/sentence_split.py --split held-out       # score HELD-OUT (once, after tuning on DEV)
    python bench/sentence_split.py --candidates sentencex-rules,sentencex,pysbd --split dev --limit 400 --speed

The reference is what copytrail uses: the spans of ``prepare_document``'s segments, i.e.
blingfire's sentences cut by ``normalize.segment.split_sentences`` and corrected for the
scripts blingfire does not know, with the roles ``normalize.boilerplate`` gives them (it calls
the splitter too). A candidate is the same pipeline with ``segment.sentence_offsets`` (the
splitter proper) replaced: ``sentencex-rules`` is sentencex read with the rules written on DEV
(``bench/_sentencex_candidate.py``), ``sentencex`` is sentencex alone (``"en"``), ``sentencex-lang`` sentencex
told the document's true language, ``pysbd`` pysbd alone. Reported per source and language:
documents, the share with identical spans (and
identical spans and roles), and precision and recall of the candidate's sentence starts inside
a unit (a cut the splitter made; unit starts come from ``split_units`` and are shared).

Documents: BBC (raw files), Reuters-21578 (wire bodies as written, hard wraps kept), PAN13
source and suspicious documents, WMT multilingual (both sides of every file, segments in
paragraphs of four), WMT16 en-fi (both sides), Tatoeba pseudo-posts (both sides of every
language pair, a title and paragraphs of three sentences) and the Kherson example.
Scripts without spaces (Chinese, Japanese) join sentences without a space, as they are written.

The DEV / HELD-OUT split is ``sha1("sentence-split:" + doc id)``, odd is HELD-OUT, fixed
before any candidate was run. Wrapper rules are tuned on DEV; HELD-OUT is scored once.
Results go to ``bench/results/sentence_split-<split>.{json,md}``; ``--diffs N`` writes up to N
differing sentences per source to ``bench/results/sentence_split-<split>-diffs.md``.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import random
import sys
import time
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import DATA, SHARED, markdown_table, reproduce_command, source_state, write_json  # noqa: E402
from _wmt import TATOEBA_LANGUAGES  # noqa: E402
from copytrail.normalize import boilerplate, prepare_document, segment  # noqa: E402
from copytrail.normalize.scripts import strip_span  # noqa: E402
from copytrail.records import LoadedText, SourceFormat  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"
UNSPACED = {"zh", "ja", "cmn", "jpn"}

Splitter = Callable[[str], list[tuple[int, int]]]


@dataclass(frozen=True)
class Doc:
    docid: str
    source: str
    language: str
    text: str

    @property
    def split(self) -> str:
        digest = hashlib.sha1(("sentence-split:" + self.docid).encode()).hexdigest()
        return "held-out" if int(digest, 16) % 2 else "dev"


# --------------------------------------------------------------------------- documents


def _read(path: Path) -> str:
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def _paragraphs(segments: list[str], language: str, size: int) -> str:
    joiner = "" if language in UNSPACED else " "
    segments = [" ".join(s.split()) for s in segments if s.strip()]
    return "\n\n".join(joiner.join(segments[i : i + size]) for i in range(0, len(segments), size))


def bbc() -> Iterator[Doc]:
    for path in sorted((DATA / "bbc_news").glob("*/*.txt")):
        yield Doc(f"bbc/{path.parent.name}/{path.stem}", "bbc", "en", _read(path))


def reuters(files: int) -> Iterator[Doc]:
    for path in sorted((DATA / "reuters21578").glob("reut2-*.xml"))[:files]:
        for node in ET.parse(path).getroot():
            text = node.find("TEXT")
            body = ((text.findtext("BODY") if text is not None else None) or "").replace("\x03", "")
            if body.strip():
                yield Doc(f"reuters/{node.get('NEWID')}", "reuters", "en", body)


def pan13() -> Iterator[Doc]:
    root = DATA / "pan13_text_alignment_subset"
    for folder in ("src", "susp"):
        for path in sorted((root / folder).glob("*.txt")):
            yield Doc(f"pan13/{folder}/{path.stem}", "pan13", "en", _read(path))


def wmt() -> Iterator[Doc]:
    seen: set[str] = set()
    for path in sorted((DATA / "wmt_multilingual").glob("en-*.jsonl")):
        xx = path.stem.split("-")[1]
        for line in path.open(encoding="utf-8"):
            row = json.loads(line)
            for language in ("en", xx):
                docid = f"wmt/{language}/{row['docid']}"
                if docid not in seen:  # one English document is in several files
                    seen.add(docid)
                    yield Doc(docid, "wmt", language, _paragraphs(row[language], language, 4))
    for line in (DATA / "wmt16_newstest_en_fi" / "documents.jsonl").open(encoding="utf-8"):
        row = json.loads(line)
        for language in ("en", "fi"):
            yield Doc(f"wmt16/{language}/{row['docid']}", "wmt16", language, _paragraphs(row[language], language, 4))


def tatoeba() -> Iterator[Doc]:
    for code, language in TATOEBA_LANGUAGES.items():
        for side, lang in ((code, language), ("eng", "en")):
            path = DATA / "tatoeba" / f"tatoeba.{code}-eng.{side}"
            lines = [x.strip() for x in path.open(encoding="utf-8") if x.strip()]
            for k in range(0, len(lines) - 11, 12):
                chunk = lines[k : k + 12]
                text = chunk[0] + "\n\n" + _paragraphs(chunk[1:], lang, 3)
                yield Doc(f"tatoeba/{code}-{side}/{k // 12}", "tatoeba", lang, text)


def kherson() -> Iterator[Doc]:
    for path in sorted((SHARED / "examples" / "kherson").glob("*.txt")):
        yield Doc(f"kherson/{path.stem}", "kherson", "en", _read(path))


def documents(reuters_files: int) -> list[Doc]:
    return [*bbc(), *reuters(reuters_files), *pan13(), *wmt(), *tatoeba(), *kherson()]


# --------------------------------------------------------------------------- candidates


def _sentencex(language: str | None) -> Callable[[str, str], list[tuple[int, int]]]:
    import sentencex

    def split(text: str, doc_language: str) -> list[tuple[int, int]]:
        out, pos = [], 0
        for piece in sentencex.segment(language or doc_language, text):
            out.append((pos, pos + len(piece)))
            pos += len(piece)
        return out

    return split


def _sentencex_rules(text: str, _language: str) -> list[tuple[int, int]]:
    from _sentencex_candidate import sentence_offsets

    return sentence_offsets(text)


def _pysbd(text: str, doc_language: str) -> list[tuple[int, int]]:
    import pysbd

    seg = pysbd.Segmenter(language="en", clean=False, char_span=True)
    return [(s.start, s.end) for s in seg.segment(text)]


CANDIDATES: dict[str, Callable[[], Callable[[str, str], list[tuple[int, int]]]]] = {
    "sentencex-rules": lambda: _sentencex_rules,
    "sentencex": lambda: _sentencex("en"),
    "sentencex-lang": lambda: _sentencex(None),  # the document's true language (copytrail would have to guess it)
    "pysbd": lambda: _pysbd,
}


def _strip(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out = []
    for s, e in spans:
        s, e = strip_span(text, s, e)
        if e > s:
            out.append((s, e))
    return out


def _use(splitter: Splitter) -> Callable[[], None]:
    """Make ``splitter`` copytrail's sentence splitter; returns the undo."""
    old = segment.sentence_offsets
    segment.sentence_offsets = splitter
    boilerplate.sentence_offsets = splitter

    def undo() -> None:
        segment.sentence_offsets = old
        boilerplate.sentence_offsets = old

    return undo


def run_pipeline(doc: Doc) -> tuple[list[tuple[int, int]], list[str], set[int]]:
    """Segment spans, their roles, and the unit starts (not cuts of the splitter)."""
    loaded = LoadedText(doc.docid, doc.text, SourceFormat.TEXT, "utf-8", len(doc.text.encode()))
    prepared = prepare_document(loaded)
    spans = [(s.start, s.end) for s in prepared.segments]
    roles = [s.role.value for s in prepared.segments]
    units = {u.start for u in segment.split_units(doc.text)}
    return spans, roles, units


# --------------------------------------------------------------------------- scoring


@dataclass
class Tally:
    docs: int = 0
    same_spans: int = 0
    same_roles: int = 0
    ref_cuts: int = 0
    cand_cuts: int = 0
    both_cuts: int = 0

    def row(self, name: str) -> list[object]:
        p = self.both_cuts / self.cand_cuts if self.cand_cuts else 1.0
        r = self.both_cuts / self.ref_cuts if self.ref_cuts else 1.0
        union = self.ref_cuts + self.cand_cuts - self.both_cuts
        agree = self.both_cuts / union if union else 1.0
        return [
            name,
            self.docs,
            f"{self.same_spans / self.docs:.3f}",
            f"{self.same_roles / self.docs:.3f}",
            self.ref_cuts,
            self.cand_cuts,
            f"{p:.4f}",
            f"{r:.4f}",
            f"{agree:.4f}",
        ]


HEADER = ["group", "docs", "same spans", "same spans+roles", "ref cuts", "cand cuts", "precision", "recall", "agree"]


def _context(text: str, at: int, width: int = 60) -> str:
    snippet = text[max(0, at - width) : at] + " ‖ " + text[at : at + width]
    return snippet.replace("\n", "⏎").replace("|", "\\|")


def compare(docs: list[Doc], name: str, max_diffs: int, seed: int = 7) -> tuple[dict, list[str]]:
    factory = CANDIDATES[name]()
    tallies: dict[str, Tally] = defaultdict(Tally)
    diffs: dict[str, list[str]] = defaultdict(list)
    reference = [run_pipeline(d) for d in docs]
    current: dict[str, str] = {"language": "en"}

    def splitter(chunk: str) -> list[tuple[int, int]]:
        return _strip(chunk, factory(chunk, current["language"]))

    undo = _use(splitter)
    try:
        for doc, (ref_spans, ref_roles, units) in zip(docs, reference):
            current["language"] = doc.language
            spans, roles, _ = run_pipeline(doc)
            ref_cuts = {s for s, _ in ref_spans} - units
            cand_cuts = {s for s, _ in spans} - units
            for key in ("all", doc.source, f"{doc.source}/{doc.language}"):
                t = tallies[key]
                t.docs += 1
                t.same_spans += spans == ref_spans
                t.same_roles += spans == ref_spans and roles == ref_roles
                t.ref_cuts += len(ref_cuts)
                t.cand_cuts += len(cand_cuts)
                t.both_cuts += len(ref_cuts & cand_cuts)
            key = f"{doc.source}/{doc.language}"
            for at in sorted(ref_cuts ^ cand_cuts):
                kind = "missed" if at in ref_cuts else "extra"
                diffs[key].append(f"| {doc.docid} | {kind} | {_context(doc.text, at)} |")
            if spans != ref_spans and not ref_cuts ^ cand_cuts:
                diffs[key].append(f"| {doc.docid} | span ends | {_first_span_diff(doc.text, ref_spans, spans)} |")
    finally:
        undo()
    rng = random.Random(seed)
    lines: list[str] = []
    for key in sorted(diffs):
        rows = diffs[key]
        shown = rows if len(rows) <= max_diffs else rng.sample(rows, max_diffs)
        lines += [f"\n### {name}: {key} ({len(rows)} differences, {len(shown)} shown)\n"]
        lines += ["| doc | kind | context |", "|---|---|---|", *shown]
    return {k: vars(v) for k, v in tallies.items()}, lines


def _first_span_diff(text: str, ref: list[tuple[int, int]], cand: list[tuple[int, int]]) -> str:
    for a, b in zip(ref, cand):
        if a != b:
            return f"ref {text[a[0] : a[1]][-40:]!r} / cand {text[b[0] : b[1]][-40:]!r}".replace("|", "\\|")
    return f"{len(ref)} vs {len(cand)} spans"


def speed(docs: list[Doc], names: list[str], rounds: int = 2) -> dict[str, object]:
    """Seconds to split every unit of ``docs``: blingfire's wrapper and each candidate, back to back, alternating."""
    chunks = [d.text[u.start : u.end] for d in docs for u in segment.split_units(d.text)]
    splitters: dict[str, Splitter] = {"blingfire": segment.sentence_offsets}
    for name in names:
        factory = CANDIDATES[name]()
        splitters[name] = lambda chunk, f=factory: _strip(chunk, f(chunk, "en"))
    seconds: dict[str, list[float]] = defaultdict(list)
    for r in range(rounds):
        order = list(splitters) if r % 2 == 0 else list(reversed(splitters))
        for name in order:
            started = time.perf_counter()
            for chunk in chunks:
                splitters[name](chunk)
            seconds[name].append(time.perf_counter() - started)
    best = {k: min(v) for k, v in seconds.items()}
    return {
        "units": len(chunks),
        "characters": sum(map(len, chunks)),
        "seconds": dict(seconds),
        "ratio_to_blingfire": {k: best[k] / best["blingfire"] for k in best},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--candidates", default="sentencex-rules", help=f"comma-separated, from {', '.join(CANDIDATES)}"
    )
    parser.add_argument("--split", choices=("dev", "held-out", "all"), default="dev")
    parser.add_argument("--reuters-files", type=int, default=3, help="how many reut2-*.xml files (1,000 stories each)")
    parser.add_argument("--limit", type=int, default=None, help="at most this many documents (a seeded sample)")
    parser.add_argument("--diffs", type=int, default=25, help="differences listed per source and language")
    parser.add_argument("--speed", action="store_true", help="also time the splitters on every unit")
    parser.add_argument(
        "--out", type=Path, default=None, help="results stem (default: bench/results/sentence_split-SPLIT)"
    )
    args = parser.parse_args(argv)

    docs = [d for d in documents(args.reuters_files) if args.split == "all" or d.split == args.split]
    if args.limit and len(docs) > args.limit:
        docs = sorted(random.Random(1).sample(docs, args.limit), key=lambda d: d.docid)
    names = args.candidates.split(",")
    for name in names:
        module = "pysbd" if name == "pysbd" else "sentencex"
        if name not in CANDIDATES or importlib.util.find_spec(module) is None:
            parser.error(
                f"unknown candidate {name!r}" if name not in CANDIDATES else f"{name} needs: pip install {module}"
            )
    out = args.out or RESULTS / f"sentence_split-{args.split}"
    results: dict[str, object] = {"command": reproduce_command(), "source": source_state(), "split": args.split}
    md = [f"# Sentence splitters against copytrail's sentences ({args.split})", "", f"`{results['command']}`", ""]
    diff_lines: list[str] = []
    for name in names:
        started = time.perf_counter()
        tallies, lines = compare(docs, name, args.diffs)
        results[name] = tallies
        diff_lines += lines
        sources = sorted(k for k in tallies if k != "all" and "/" not in k)
        order = ["all", *sources, *sorted(k for k in tallies if "/" in k)]
        md += [f"## {name} ({time.perf_counter() - started:.0f} s)", ""]
        md += markdown_table(HEADER, [Tally(**tallies[k]).row(k) for k in order], align="lrrrrrrrr") + [""]
        print("\n".join(markdown_table(HEADER, [Tally(**tallies[k]).row(k) for k in order])), flush=True)
    if args.speed:
        results["speed"] = speed(docs, names)
        md += ["## Speed (every unit, best of 2, alternating order)", "", "```"]
        md += [json.dumps(results["speed"], indent=1), "```"]
        print(json.dumps(results["speed"], indent=1))
    write_json(out.with_suffix(".json"), results)
    out.with_suffix(".md").write_text("\n".join(md) + "\n", encoding="utf-8")
    if diff_lines:
        text = f"# Differences ({args.split})\n" + "\n".join(diff_lines) + "\n"
        Path(f"{out}-diffs.md").write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
