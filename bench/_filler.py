"""Synthetic filler documents for the scan scale benchmark (bench/scan_scale.py).

These documents are **synthetic filler, used for speed and memory measurements only**:
word salad with the statistics of news text, not news. No finding about what copytrail
detects in real text may be drawn from them; the only detection check is the recall of
the real copies planted among them (:func:`write_collection`).

Why a Markov chain and not random words: the scan's cost depends on the text's statistics
(vocabulary, word frequencies, how many word 5-grams recur across documents, sentence and
paragraph lengths, document lengths). A word trigram chain trained on the real BBC and
Reuters bodies keeps those close to real news; uniform random words would make every
5-gram unique and the rare n-gram index artificially cheap.

The model (:class:`TrigramModel`): whitespace tokens of the real texts (punctuation stays
on its word, so joining with spaces is the detokeniser), with a paragraph-break token
between paragraphs and between documents. Each next word comes from the trigram
distribution with probability ``TRIGRAM``, else from the bigram (``BIGRAM``) or the unigram
distribution (an interpolated backoff, sampled by first drawing the order).

Verbatim runs are capped at ``max_run`` = 4 words. A trigram chain over ~2M training
words copies long runs of its training text (most two-word contexts occur once), and
every copied 5-gram comes from the same finite pool, so unrelated filler documents would
share passages more and more often as the collection grows: at 10k documents the
uncapped chain already gave 3.5 times the capped one's chance pairs (329 against 93 per
1k documents, counted as below). With the cap, 5-grams recur across filler documents only where common short
phrases chain up, the way stock phrases recur in news. Calibration (share of 5-gram
occurrences whose 5-gram is in 2+ documents; pairs sharing 5+ 5-grams that are in 2-20
documents, per 1k documents): real BBC + Reuters, 11,164 documents: 17.7%, 653 (mostly
real reissues and templated wire stories); filler at 10k: 9.6%, 93; at 20k: 14.1%, 173;
at 40k: 19.1%, 316. The chance pairs still grow faster than the collection.

Speed: the chain runs in ``lanes`` parallel streams, one numpy step for all lanes at a
time (each distribution is a slice of an array of training continuations sorted by
context, so sampling is a lookup and a random offset). Each lane's stream is then cut into
documents at sentence ends, with lengths drawn from the real documents' word counts
(BBC and Reuters weighted equally: Reuters stories are short wire items, BBC articles
long features). Documents stream to disk; only one batch of lanes is in memory.
Measured: 1M documents (278M words, 1.75 GB of JSONL) in 126 s on a quiet 2-core
machine (one core; 2.2M words per second).
"""

from __future__ import annotations

import json
import os
import re
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

__all__ = ["GENERATOR_VERSION", "PlantConfig", "TrigramModel", "load_real_corpus", "write_collection"]

GENERATOR_VERSION = 2
DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
BBC = DATA / "bbc_news"
REUTERS = DATA / "reuters21578"

PARA = "\n\n"
TRIGRAM, BIGRAM = 0.75, 0.20  # the unigram gets the rest (0.05)
_SENTENCE_END = re.compile(r"[.!?][\"')\]]*$")
_REUTERS_SIGNOFF = re.compile(r"\s*Reuter\s*\x03?\s*$")


@dataclass(frozen=True)
class RealDoc:
    """A real article: its id, full text (headline, blank line, body) and paragraphs."""

    id: str
    text: str
    paragraphs: tuple[str, ...]


def _bbc_docs() -> list[RealDoc]:
    docs = []
    for path in sorted(BBC.glob("*/*.txt")):
        text = path.read_text(encoding="utf-8").strip()
        paragraphs = tuple(p.strip() for p in re.split(r"\n\s*\n", text) if p.strip())
        docs.append(RealDoc(f"bbc/{path.parent.name}/{path.name}", text, paragraphs))
    return docs


def _reuters_docs() -> list[RealDoc]:
    """Reuters stories with a body; paragraphs start with an indented line in the files."""
    docs = []
    for path in sorted(REUTERS.glob("reut2-*.xml")):
        for story in ET.parse(path).getroot().iter("REUTERS"):
            body, title = story.find(".//BODY"), story.find(".//TITLE")
            if body is None or not body.text:
                continue
            text = _REUTERS_SIGNOFF.sub("", body.text)
            paragraphs = [" ".join(p.split()) for p in re.split(r"\n {2,}", text) if p.strip()]
            if title is not None and title.text:
                paragraphs.insert(0, " ".join(title.text.split()))
            docs.append(RealDoc(f"reuters/{story.get('NEWID')}", PARA.join(paragraphs), tuple(paragraphs)))
    return docs


def load_real_corpus() -> tuple[list[RealDoc], list[RealDoc]]:
    """The real BBC articles and Reuters stories the filler model is trained on."""
    return _bbc_docs(), _reuters_docs()


class TrigramModel:
    """A word trigram chain with interpolated backoff, sampled for many streams at once.

    Every distribution is stored as a slice of training continuations sorted by context:
    picking a uniform position in the slice samples the continuation with its training
    frequency, with no probability tables. Each stream carries, instead of its last two
    words, a training position where those two words occur (a trigram or bigram draw
    always lands on one), so finding the next trigram slice is one lookup, not a search;
    after a unigram draw there is none, and the next draw backs off to the bigram.
    """

    def __init__(self, docs: list[RealDoc], max_run: int = 4) -> None:
        self.max_run = max_run
        vocab: dict[str, int] = {PARA: 0}
        stream: list[int] = []
        for doc in docs:
            for paragraph in doc.paragraphs:
                stream.extend(vocab.setdefault(w, len(vocab)) for w in paragraph.split())
                stream.append(0)
        self.words = np.array(list(vocab), dtype=object)
        self.tokens = toks = np.array(stream, dtype=np.int64)
        v = len(vocab)
        self.is_end = np.array([w == PARA or bool(_SENTENCE_END.search(w)) for w in self.words])
        self.is_para = np.arange(v) == 0
        # The stream is read cyclically, so every position has two continuations.
        nxt, nxt2 = np.roll(toks, -1), np.roll(toks, -2)
        # Bigram: the continuations of word w are next2[start2[w] : start2[w] + count2[w]];
        # pos2 is where each one's pair (w, continuation) starts in the stream.
        self.pos2 = np.argsort(toks, kind="stable")
        self.next2 = nxt[self.pos2]
        self.count2 = np.bincount(toks, minlength=v)
        self.start2 = np.concatenate(([0], np.cumsum(self.count2)[:-1]))
        # Trigram: contexts (w1, w2) are keys w1 * V + w2; context_at[i] is the context at position i.
        keys = toks * v + nxt
        order = np.argsort(keys, kind="stable")
        self.next3 = nxt2[order]
        self.pos3 = (order + 1) % len(toks)
        _, self.start3, inverse, self.count3 = np.unique(
            keys[order], return_index=True, return_counts=True, return_inverse=True
        )
        self.context_at = np.empty(len(toks), dtype=np.int64)
        self.context_at[order] = inverse

    def start_states(self, rng: np.random.Generator, lanes: int) -> tuple[np.ndarray, np.ndarray]:
        """Streams start right after a paragraph break: ``(last word, its pair's position)``."""
        breaks = np.flatnonzero(self.tokens == 0)
        pos = rng.choice(breaks[breaks > 0], size=lanes) - 1
        return self.tokens[pos + 1], pos

    def step(
        self, rng: np.random.Generator, word: np.ndarray, pos: np.ndarray, run: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Every lane's next word, the position of its new last two words (-1: unseen pair), and its run.

        ``run`` counts the words that continue the training text verbatim; a lane whose run
        has reached ``self.max_run`` may not extend it (it jumps to another occurrence of
        its word, or draws from the unigram when the word occurs once).
        """
        lanes = len(word)
        u, r = rng.random((2, lanes))
        blocked = run >= self.max_run
        # Unigram for everyone first, then overwrite with the bigram and trigram draws.
        out = self.tokens[(r * len(self.tokens)).astype(np.int64)]
        new_pos = np.full(lanes, -1, dtype=np.int64)
        j2 = self.start2[word] + (r * self.count2[word]).astype(np.int64)
        use2 = ((u < TRIGRAM + BIGRAM) | blocked) & ~(blocked & (self.pos2[j2] == pos + 1))
        out = np.where(use2, self.next2[j2], out)
        new_pos = np.where(use2, self.pos2[j2], new_pos)
        use3 = (u < TRIGRAM) & (pos >= 0) & ~blocked
        context = self.context_at[pos]  # pos -1 reads the last entry, discarded by use3
        j3 = self.start3[context] + (r * self.count3[context]).astype(np.int64)
        out = np.where(use3, self.next3[j3], out)
        new_pos = np.where(use3, self.pos3[j3], new_pos)
        extended = (pos >= 0) & (new_pos == pos + 1)
        run = np.where(extended, run + 1, np.where(new_pos >= 0, 2, 1))
        return out, new_pos, run

    def run(self, rng: np.random.Generator, lanes: int, steps: int) -> np.ndarray:
        """``(lanes, steps)`` token ids: ``lanes`` independent streams of ``steps`` words."""
        word, pos = self.start_states(rng, lanes)
        run = np.ones(lanes, dtype=np.int64)
        out = np.empty((steps, lanes), dtype=np.int32)
        for t in range(steps):
            word, pos, run = self.step(rng, word, pos, run)
            out[t] = word
        return np.ascontiguousarray(out.T)

    def text(self, ids: np.ndarray) -> str:
        """Token ids back to text: words joined by spaces, paragraph breaks as blank lines."""
        para = self.is_para[ids]
        repeated = np.concatenate(([False], para[1:] & para[:-1]))  # keep one break of a run
        ids = ids[~repeated]
        joined = " ".join(self.words[ids].tolist())
        return joined.replace(" \n\n ", PARA).strip()


class LengthSampler:
    """Document lengths in words, drawn from the real documents (each corpus weighted equally)."""

    def __init__(self, *corpora: list[RealDoc]) -> None:
        self.lengths = [np.array([len(d.text.split()) for d in docs]) for docs in corpora]

    def draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        which = rng.integers(len(self.lengths), size=n)
        out = np.empty(n, dtype=np.int64)
        for i, lengths in enumerate(self.lengths):
            mask = which == i
            out[mask] = rng.choice(lengths, size=int(mask.sum()))
        return np.maximum(out, 5)


def cut_documents(
    model: TrigramModel, lane: np.ndarray, lengths: Iterator[int], pending: list[int]
) -> Iterator[np.ndarray]:
    """Cut one lane's stream into documents of the drawn lengths, each ending at a sentence end.

    ``pending`` holds a length drawn but not used when the lane ran out, so the next lane
    uses it: long documents are not dropped in favour of short ones (that would bias the
    length distribution).
    """
    words_before = np.cumsum(~model.is_para[lane])  # words up to and including each position
    ends = np.flatnonzero(model.is_end[lane])
    words_at_ends = words_before[ends]
    start = 0
    while True:
        target = pending.pop() if pending else next(lengths)
        base = words_before[start - 1] if start else 0
        k = int(np.searchsorted(words_at_ends, base + target))
        if k >= len(ends):
            pending.append(target)
            return
        stop = int(ends[k]) + 1
        yield lane[start:stop]
        start = stop


def filler_texts(
    model: TrigramModel, sampler: LengthSampler, rng: np.random.Generator, *, lanes: int = 8192, steps: int = 4096
) -> Iterator[str]:
    """An endless stream of filler document texts, generated ``lanes * steps`` words at a time."""
    pending: list[int] = []

    def lengths() -> Iterator[int]:
        while True:
            yield from np.minimum(sampler.draw(rng, 4096), steps // 2).tolist()

    length_iter = lengths()
    while True:
        block = model.run(rng, lanes, steps)
        for lane in block:
            for ids in cut_documents(model, lane, length_iter, pending):
                text = model.text(ids)
                if text:
                    yield text


@dataclass(frozen=True)
class PlantConfig:
    """The real copies planted into every collection, so a scan's recall can be checked.

    Attributes:
        exact: BBC articles included together with one exact copy each.
        edited: BBC articles included together with a light edit each (``edit_rate`` of
            the words replaced by words drawn from the corpus's word distribution).
    """

    exact: int = 100
    edited: int = 100
    edit_rate: float = 0.05


def _edit(text: str, rate: float, model: TrigramModel, rng: np.random.Generator) -> str:
    """Replace about ``rate`` of the words of ``text``, keeping its whitespace and paragraphs."""
    parts = re.split(r"(\s+)", text)
    for i in range(0, len(parts), 2):
        if parts[i] and rng.random() < rate:
            word = model.words[model.tokens[rng.integers(len(model.tokens))]]
            parts[i] = word if word != PARA else "the"
    return "".join(parts)


def planted_documents(
    bbc: list[RealDoc], model: TrigramModel, plant: PlantConfig, rng: np.random.Generator
) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """The real articles and their copies, and the truth: one ``{a, b, kind}`` per planted pair.

    Articles in the corpus's own exact-duplicate groups are left out, so that every
    planted pair is the only true pair of its article.
    """
    dup_lines = (BBC / "exact_duplicate_groups.tsv").read_text(encoding="utf-8").split()
    duplicated = {f"bbc/{p}" for p in dup_lines}
    pool = [d for d in bbc if d.id not in duplicated]
    chosen = rng.choice(len(pool), size=plant.exact + plant.edited, replace=False)
    records: list[dict[str, str]] = []
    truth: list[dict[str, str]] = []
    for n, index in enumerate(chosen.tolist()):
        doc = pool[index]
        kind = "exact" if n < plant.exact else "edited"
        copy_id = f"copy-{kind}-{n:03d}"
        text = doc.text if kind == "exact" else _edit(doc.text, plant.edit_rate, model, rng)
        records += [{"id": doc.id, "text": doc.text}, {"id": copy_id, "text": text}]
        a, b = sorted((doc.id, copy_id))
        truth.append({"a": a, "b": b, "kind": kind})
    return records, truth


def write_collection(
    path: Path, size: int, *, seed: int = 20261123, plant: PlantConfig | None = None
) -> dict[str, object]:
    """Write ``size`` documents as JSONL (``id``, ``text``): filler with the planted copies mixed in.

    The file is written under a temporary name and renamed at the end, so an interrupted
    run never leaves a half collection in the cache. The truth (planted pairs) goes to
    ``<path>.truth.json`` with the generator's statistics.

    Returns:
        The truth file's content: planted pairs, seed, sizes, words and seconds.
    """
    plant = plant or PlantConfig()
    t0 = time.perf_counter()
    bbc, reuters = load_real_corpus()
    model = TrigramModel(bbc + reuters)
    sampler = LengthSampler(bbc, reuters)
    model_seconds = time.perf_counter() - t0
    gen_rng, plant_rng = (np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(2))
    planted, truth = planted_documents(bbc, model, plant, plant_rng)
    # Planted documents go to random places in the file (scan order must not group them).
    slots = dict(zip(sorted(plant_rng.choice(size, size=len(planted), replace=False).tolist()), planted))
    # Fewer lanes for small collections: a block of lanes * steps words is made at once.
    lanes = int(min(8192, max(256, size // 10)))
    filler = filler_texts(model, sampler, gen_rng, lanes=lanes)
    words = 0
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(tmp, "w", encoding="utf-8") as fh:
        n_filler = 0
        for i in range(size):
            record = slots.get(i)
            if record is None:
                n_filler += 1
                record = {"id": f"filler-{n_filler:07d}", "text": next(filler)}
            words += len(record["text"].split()) if i % 100 == 0 else 0
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    os.replace(tmp, path)
    seconds = time.perf_counter() - t0
    meta = {
        "generator_version": GENERATOR_VERSION,
        "seed": seed,
        "documents": size,
        "filler_documents": size - len(planted),
        "planted": truth,
        "plant": {"exact": plant.exact, "edited": plant.edited, "edit_rate": plant.edit_rate},
        "training": {"bbc_documents": len(bbc), "reuters_documents": len(reuters), "words": len(model.tokens)},
        "words_estimate": words * 100,
        "bytes": path.stat().st_size,
        "model_seconds": round(model_seconds, 2),
        "seconds": round(seconds, 2),
        "docs_per_second": round(size / seconds),
    }
    Path(f"{path}.truth.json").write_text(json.dumps(meta, indent=1), encoding="utf-8")
    return meta
