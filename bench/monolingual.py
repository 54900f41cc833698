"""Same quality in every script: compare and scan on real non-English news, against English.

    python bench/monolingual.py                      # everything, about 5 minutes on 2 cores
    python bench/monolingual.py --units jieba        # Chinese split into words by jieba instead of characters
    python bench/monolingual.py --units fugashi      # Japanese split by MeCab (fugashi, unidic-lite)
    python bench/monolingual.py --calibrate          # characters per English word (zh, ja)

Documents, per language (at most ``--docs`` per split):

* zh, ja, ru, de: the ``xx`` side of the WMT news documents (``domain == "news"``) in
  ``shared/data/wmt_multilingual``; fi: the Finnish side of ``wmt16_newstest_en_fi``;
  en: the English side of the en-ru documents (the reference every language is held to).
* ar: there is no Arabic news text in shared/data, so Arabic documents are pseudo-documents
  of 12 consecutive Tatoeba sentences (the first as a title line, the rest in paragraphs of
  three): short everyday sentences, not news. ``en-tatoeba`` builds
  the same pseudo-documents from the English side of the same Tatoeba pairs: Arabic is
  held to that, not to English news.

A document is its first segment (the headline) and paragraphs of three segments
(wmttest2024's segments are paragraphs already). Documents are split before any tuning
by ``sha1(docid)``: the parity of the second-last hex digit (the last one is even for
every document of wmt_multilingual, whose other half is held back) picks ``dev`` (even)
or ``held-out`` (odd).

Tasks (``copytrail.compare`` with ``embedder="none"``: words alone, as ``scan`` runs by default):

* a document against itself: ``duplicate``;
* against a light edit of itself (5-10 % of words replaced, deleted or followed by an
  inserted word, one number changed: ``bench/_scan_corpus.py``'s ``edit_words`` and
  ``change_one_number``): ``near_duplicate``;
* against the next document of the same language and split: ``unrelated``;
* chrome: the share of a document's characters that its roles call boilerplate (these
  documents have none, so every character so called is story text taken for chrome).

In Chinese and Japanese a "word" for the edits is a run of two characters (a Chinese word
is 1.7 characters on average), so that 5-10 % of words changes about as much text as in
English; the copies do not depend on how copytrail itself cuts words.

Scan: per language and split, a collection of the originals, a light and a heavy copy of
each (heavy: 20-30 % of sentences dropped, sentences and paragraphs reordered, 20-30 % of
words edited, as ``_scan_corpus.derive``) and, as distractors, up to ``--distractors``
WMT documents of the same language and split from other domains (social, literary,
speech, reviews; not conversation, e-commerce or manuals, which repeat templates among
themselves; none for fi, ar and en-tatoeba), run through ``copytrail.scan`` with its
defaults. Recall is the share of (original, copy) pairs among the reported pairs; a
false pair links a planted family (an original and its copies) to any other document.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _scan_corpus import change_one_number, drop_and_reorder, edit_words  # noqa: E402
from copytrail import compare, load_bytes  # noqa: E402
from copytrail.compare import CompareConfig  # noqa: E402
from copytrail.normalize import prepare_document  # noqa: E402
from copytrail.records import Role  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
# shared/ lies beside the checkout (../shared), or beside the folder of git worktrees.
DATA = next((p / "shared" / "data" for p in ROOT.parents if (p / "shared" / "data").is_dir()), ROOT.parent / "shared")
WMT = DATA / "wmt_multilingual"
SEED = 20261202
LANGUAGES = ("en", "de", "fi", "ru", "zh", "ja", "ar", "en-tatoeba")
UNSPACED_LANGUAGES = ("zh", "ja")
# Han, kana (as copytrail.normalize.UNSPACED; repeated so the benchmark also runs on older trees).
UNSPACED = "\u3005-\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3041-\u309f\u30a0-\u30ff\u31f0-\u31ff"
_CJK_WORD = re.compile(f"[{UNSPACED}]{{1,2}}")


@dataclass(frozen=True)
class Doc:
    docid: str
    lang: str
    paragraphs: tuple[str, ...]  # the headline first

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)

    @property
    def split(self) -> str:
        return split_of(self.docid)


def split_of(docid: str) -> str:
    return "dev" if int(hashlib.sha1(docid.encode()).hexdigest()[-2], 16) % 2 == 0 else "held-out"


def _paragraphs(segments: list[str], lang: str, *, segments_are_paragraphs: bool) -> tuple[str, ...]:
    segments = [s.strip() for s in segments if s.strip()]
    if not segments:
        return ()
    joiner = "" if lang in UNSPACED_LANGUAGES else " "
    body = segments[1:]
    if segments_are_paragraphs:
        return (segments[0], *body)
    return (segments[0], *(joiner.join(body[i : i + 3]) for i in range(0, len(body), 3)))


def load_documents(lang: str, *, news: bool = True) -> list[Doc]:
    """The language's news documents; with ``news=False``, its WMT documents of every other domain."""
    if not news and lang not in ("en", "de", "ru", "zh", "ja"):
        return []
    if lang == "fi":
        rows = [json.loads(line) for line in (DATA / "wmt16_newstest_en_fi" / "documents.jsonl").open()]
        return [Doc(r["docid"], "fi", _paragraphs(r["fi"], "fi", segments_are_paragraphs=False)) for r in rows]
    if lang in ("ar", "en-tatoeba"):
        side = "ara" if lang == "ar" else "eng"
        lines = [x.strip() for x in (DATA / "tatoeba" / f"tatoeba.ara-eng.{side}").open() if x.strip()]
        docs = []
        for k in range(0, len(lines) - 11, 12):
            chunk = lines[k : k + 12]
            paras = (chunk[0], *(" ".join(chunk[i : i + 3]) for i in range(1, 12, 3)))
            docs.append(Doc(f"tatoeba-ara-{k // 12}", lang, paras))
        return docs
    pair = "ru" if lang == "en" else lang
    rows = [json.loads(line) for line in (WMT / f"en-{pair}.jsonl").open()]
    # Customer-service chats, shop pages and manuals repeat templates among themselves: not distractors.
    wanted = {"news"} if news else {"social", "literary", "speech", "reviews"}
    rows = [r for r in rows if r.get("domain") in wanted]
    docs = []
    for r in rows:
        paras = _paragraphs(r[lang], lang, segments_are_paragraphs=r["testset"] == "wmttest2024")
        if len(paras) >= 3 or (not news and len(paras) >= 2):
            docs.append(Doc(r["docid"], lang, paras))
    return docs


def vocabulary(docs: list[Doc]) -> list[str]:
    if docs and docs[0].lang in UNSPACED_LANGUAGES:
        counts = Counter(w for d in docs for p in d.paragraphs for w in _CJK_WORD.findall(p))
    else:
        counts = Counter(w for d in docs for p in d.paragraphs for w in re.findall(r"\w+", p))
    return sorted(w for w, c in counts.items() if c >= 3)


def edit_units(paragraphs: list[str], rate: float, vocab: list[str], rng: random.Random) -> list[str]:
    """``edit_words`` for text without spaces: a word is a run of (at most) two characters of the script."""
    pieces = [re.findall(f"[{UNSPACED}]{{1,2}}|\\s+|[^\\s{UNSPACED}]+", p) for p in paragraphs]
    positions = [(i, j) for i, ps in enumerate(pieces) for j, piece in enumerate(ps) if _CJK_WORD.fullmatch(piece)]
    chosen = rng.sample(positions, round(rate * len(positions)))
    ops = {pos: rng.choice(("replace", "delete", "insert")) for pos in chosen}
    out = []
    for i, ps in enumerate(pieces):
        new = []
        for j, piece in enumerate(ps):
            op = ops.get((i, j))
            if op == "delete":
                continue
            new.append(rng.choice(vocab) if op == "replace" else piece)
            if op == "insert":
                new.append(rng.choice(vocab))
        out.append("".join(new) or ps[0])
    return out


def edit(doc: Doc, paragraphs: list[str], rate: float, vocab: list[str], rng: random.Random) -> list[str]:
    if doc.lang in UNSPACED_LANGUAGES:
        return edit_units(paragraphs, rate, vocab, rng)
    return edit_words(paragraphs, rate, vocab, rng)


def light_copy(doc: Doc, vocab: list[str], rng: random.Random) -> str:
    body = edit(doc, list(doc.paragraphs[1:]), rng.uniform(0.05, 0.10), vocab, rng)
    return "\n\n".join([doc.paragraphs[0], *change_one_number(body, rng)])


def _sentences(paragraph: str) -> list[str]:
    spans = prepare_document(load_bytes(paragraph.encode(), name="p")).segments
    return [paragraph[s.start : s.end] for s in spans] or [paragraph]


def heavy_copy(doc: Doc, vocab: list[str], rng: random.Random) -> str:
    """``_scan_corpus.drop_and_reorder`` then ``edit_words`` at 20-30 %, over any script's sentences."""
    joiner = "" if doc.lang in UNSPACED_LANGUAGES else " "
    body = drop_and_reorder(list(doc.paragraphs[1:]), rng, split_sentences=_sentences, joiner=joiner)
    return "\n\n".join(edit(doc, [doc.paragraphs[0], *body], rng.uniform(0.20, 0.30), vocab, rng))


def _compare(a: str, b: str) -> tuple[str, float]:
    report = compare(load_bytes(a.encode(), name="a"), load_bytes(b.encode(), name="b"), config=_CONFIG)
    return report.relation.value, min(report.coverage.a, report.coverage.b)


_CONFIG = CompareConfig(embedder="none", explain=False)


def chrome_share(text: str) -> float:
    doc = prepare_document(load_bytes(text.encode(), name="d"))
    chrome = sum(s.end - s.start for s in doc.segments if s.role is Role.BOILERPLATE)
    return chrome / max(sum(s.end - s.start for s in doc.segments), 1)


def shingle_jaccard(a: str, b: str) -> float:
    """Jaccard of the two texts' 5-word shingles, as ``scan`` fingerprints them (characters, in Chinese)."""
    from copytrail.scan.fingerprint import ngram_hashes, words

    x, y = set(ngram_hashes(words(a), 5).tolist()), set(ngram_hashes(words(b), 5).tolist())
    return len(x & y) / max(len(x | y), 1)


def compare_tasks(docs: list[Doc], vocab: list[str], rng: random.Random) -> dict:
    hits = Counter()
    chrome, light_j, heavy_j, other_j = [], [], [], []
    started = time.perf_counter()
    for k, doc in enumerate(docs):
        other = docs[(k + 1) % len(docs)]
        light = light_copy(doc, vocab, rng)
        hits["duplicate"] += _compare(doc.text, doc.text)[0] == "duplicate"
        hits["near_duplicate"] += _compare(doc.text, light)[0] == "near_duplicate"
        hits["unrelated"] += _compare(doc.text, other.text)[0] == "unrelated"
        chrome.append(chrome_share(doc.text))
        light_j.append(shingle_jaccard(doc.text, light))
        heavy_j.append(shingle_jaccard(doc.text, heavy_copy(doc, vocab, random.Random(k))))
        other_j.append(shingle_jaccard(doc.text, other.text))
    n = max(len(docs), 1)
    return {
        "docs": len(docs),
        **{task: hits[task] / n for task in ("duplicate", "near_duplicate", "unrelated")},
        "chrome": sum(chrome) / n,
        "docs_with_chrome": sum(c > 0 for c in chrome),
        "jaccard_light": sum(light_j) / n,
        "jaccard_heavy": sum(heavy_j) / n,
        "jaccard_unrelated_max": max(other_j, default=0.0),
        "compare_seconds": round(time.perf_counter() - started, 2),
    }


def scan_recall(docs: list[Doc], distractors: list[Doc], vocab: list[str], rng: random.Random, workdir: Path) -> dict:
    from copytrail.scan import scan

    records = [{"id": d.docid, "text": d.text} for d in distractors]
    truth = {d.docid: d.docid for d in distractors}
    for doc in docs:
        records.append({"id": doc.docid, "text": doc.text})
        truth[doc.docid] = doc.docid
        for kind, make in (("light", light_copy), ("heavy", heavy_copy)):
            copy_id = f"{doc.docid}#{kind}"
            records.append({"id": copy_id, "text": make(doc, vocab, rng)})
            truth[copy_id] = doc.docid
    corpus = workdir / "corpus.jsonl"
    corpus.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))
    result = scan([corpus], workdir / "out")
    found = {frozenset((p.id_a, p.id_b)) for p in result.pairs}
    out = {}
    for kind in ("light", "heavy"):
        hit = [frozenset((d.docid, f"{d.docid}#{kind}")) in found for d in docs]
        out[kind] = sum(hit) / max(len(hit), 1)
        out[f"{kind}_misses"] = [d.docid for d, h in zip(docs, hit) if not h]
    # A false pair links a planted family to another document; pairs among distractors
    # (other domains' own reuse, if any) are counted apart.
    planted = {d.docid for d in docs}
    false = [p for p in result.pairs if truth[p.id_a] != truth[p.id_b] and planted & {truth[p.id_a], truth[p.id_b]}]
    out["false_pairs"] = len(false)
    out["distractor_pairs"] = sum(1 for p in result.pairs if not planted & {truth[p.id_a], truth[p.id_b]})
    out["false_examples"] = [f"{p.id_a} ~ {p.id_b}: {p.relation.value}" for p in false[:5]]
    return out


def calibrate() -> None:
    unspaced = re.compile(f"[{UNSPACED}]")
    for lang in ("zh", "ja"):
        rows = [json.loads(line) for line in (WMT / f"en-{lang}.jsonl").open()]
        for split in ("dev", "held-out"):
            sel = [r for r in rows if r["domain"] == "news" and split_of(r["docid"]) == split]
            chars = sum(len(unspaced.findall(s)) for r in sel for s in r[lang])
            other = sum(len(re.findall(r"\w+", unspaced.sub(" ", s))) for r in sel for s in r[lang])
            words = sum(len(s.split()) for r in sel for s in r["en"])
            print(f"{lang} {split}: {chars / (words - other):.2f} characters per English word ({len(sel)} documents)")


def use_segmenter(name: str) -> None:
    if name == "jieba":
        import logging

        import jieba

        from copytrail.normalize import scripts

        jieba.setLogLevel(logging.WARNING)
        scripts._segmenter = lambda run: list(jieba.cut(run))
    elif name == "fugashi":
        import fugashi

        from copytrail.normalize import scripts

        tagger = fugashi.Tagger()  # with the unidic-lite dictionary
        scripts._segmenter = lambda run: [w.surface for w in tagger(run)]
    elif name != "char":
        raise SystemExit(f"unknown --units {name}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=60, help="documents per language and split")
    parser.add_argument("--languages", default=",".join(LANGUAGES))
    parser.add_argument(
        "--distractors", type=int, default=100, help="WMT documents of other domains added to each scan, per split"
    )
    parser.add_argument(
        "--units", default="char", help="char (default), jieba or fugashi: how Chinese and Japanese are cut"
    )
    parser.add_argument("--no-scan", action="store_true")
    parser.add_argument("--calibrate", action="store_true")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    if args.calibrate:
        calibrate()
        return 0
    use_segmenter(args.units)
    rows = []
    for lang in args.languages.split(","):
        docs = load_documents(lang)
        vocab = vocabulary(docs)
        others = load_documents(lang, news=False)
        for split in ("dev", "held-out"):
            part = [d for d in docs if d.split == split][: args.docs]
            distractors = [d for d in others if d.split == split][: args.distractors]
            rng = random.Random(f"{SEED}-{lang}-{split}")
            started = time.perf_counter()
            row = {"lang": lang, "split": split, **compare_tasks(part, vocab, rng), "distractors": len(distractors)}
            if not args.no_scan:
                with tempfile.TemporaryDirectory() as tmp:
                    row |= {f"scan_{k}": v for k, v in scan_recall(part, distractors, vocab, rng, Path(tmp)).items()}
            row["seconds"] = round(time.perf_counter() - started, 1)
            rows.append(row)
            print(json.dumps(row), file=sys.stderr, flush=True)
    print(markdown(rows, args.units))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))
    return 0


def markdown(rows: list[dict], units: str) -> str:
    head = "| lang | split | docs | duplicate | near-dup | unrelated | story as chrome | scan light | scan heavy |"
    head += " 5-gram Jaccard light / heavy / unrelated (max) | compare s |"
    lines = [f"units for zh/ja: {units}", "", head, "|" + "---|" * 11]
    for r in rows:
        scan_cells = (
            f"{r['scan_light']:.2f} | {r['scan_heavy']:.2f} ({r['scan_false_pairs']} false, "
            f"{r['distractors']} distractors, {r['scan_distractor_pairs']} pairs among them)"
            if "scan_light" in r
            else "– | –"
        )
        lines.append(
            f"| {r['lang']} | {r['split']} | {r['docs']} | {r['duplicate']:.2f} | {r['near_duplicate']:.2f} | "
            f"{r['unrelated']:.2f} | {r['chrome']:.3f} ({r['docs_with_chrome']} docs) | {scan_cells} | "
            f"{r['jaccard_light']:.2f} / {r['jaccard_heavy']:.2f} / {r['jaccard_unrelated_max']:.2f} | "
            f"{r['compare_seconds']:.1f} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
