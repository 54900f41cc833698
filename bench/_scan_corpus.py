"""The graded reuse corpus of ``bench/scan_bench.py``: real news text, copies of known kinds, and the truth.

Everything is real text except the edits and the page chrome that make the derived copies:

- distractors and originals: every BBC article of ``shared/data/bbc_news`` (its listed exact-duplicate
  groups are truth, kind ``exact-real``) and every Reuters-21578 story with a body of 50+ words;
- derived copies of seeded random originals, half BBC half Reuters, each original used by one kind
  only so that truth families stay clean: ``exact`` (page chrome added), ``light`` (5-10 % of words
  edited, one number changed), ``heavy`` (20-30 % of words edited, 20-30 % of sentences dropped, some
  sentences and paragraphs moved), ``partial`` (2-4 paragraphs, 60+ words, lifted into a host
  article that is itself held out of the corpus);
- human rewrites: Clough & Stevenson short answers (``rewrite-human`` for light/heavy revisions,
  ``cut-human`` for copy-paste, ``non`` answers as negatives);
- machine-translated rewrites (``rewrite-mt``): the Kherson pair and PAN13 translation obfuscation;
- PAN13 verbatim, random and summary obfuscation pairs, and no-plagiarism pairs as negatives.

The truth file says, per document, its truth family and its ``bases`` (the BBC or Reuters articles
whose text it holds: the original, and for a partial copy also its held-out host, whose text is kept
in the truth file), so the scorer can tell which pairs it must leave unlabelled; and it lists the
positive pairs per kind and the explicit negative pairs. The corpus is cached under a folder named after a hash of
:class:`CorpusParams`, so it is rebuilt only when a parameter (or :data:`BUILDER_VERSION`) changes.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

from copytrail.scan.families import UnionFind

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
BBC = DATA / "bbc_news"
REUTERS = DATA / "reuters21578"
CLOUGH = DATA / "clough_stevenson_short_answers"
PAN13 = DATA / "pan13_text_alignment_subset"
KHERSON = ROOT.parent / "shared" / "examples" / "kherson"

SEED = 20261123
# Bump whenever the builder's output changes for the same parameters: the cache key includes it.
BUILDER_VERSION = 4

SYNTHETIC_KINDS = ("exact", "light", "heavy", "partial")
PAN_KINDS = {
    "02-no-obfuscation": "pan13-verbatim",
    "03-random-obfuscation": "pan13-random",
    "04-translation-obfuscation": "rewrite-mt",
    "05-summary-obfuscation": "pan13-summary",
}
PAN_NEGATIVE = "01-no-plagiarism"
CLOUGH_KINDS = {"light": "rewrite-human", "heavy": "rewrite-human", "cut": "cut-human"}

_WORD = re.compile(r"\w+")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'A-Z0-9])")
_AFFIX = re.compile(r"^(\W*)(.*?)(\W*)$", re.S)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


@dataclass(frozen=True)
class CorpusParams:
    """Everything that shapes the corpus; its hash names the cache folder.

    Attributes:
        per_kind: derived documents per synthetic kind (half from BBC, half from Reuters).
        pan_per_category: PAN13 pairs sampled per category (PAN documents are long: this bounds
            the scan's time).
        reuters_limit: keep only the first N Reuters stories (``--quick``); None keeps all.
        min_reuters_words: Reuters stories with a shorter body are left out.
        min_partial_words: the paragraphs lifted into a host hold at least this many words.
    """

    seed: int = SEED
    per_kind: int = 150
    pan_per_category: int = 100
    reuters_limit: int | None = None
    min_reuters_words: int = 50
    min_partial_words: int = 60
    version: int = BUILDER_VERSION

    def key(self) -> str:
        return hashlib.blake2b(json.dumps(asdict(self), sort_keys=True).encode(), digest_size=6).hexdigest()


QUICK = CorpusParams(per_kind=20, pan_per_category=10, reuters_limit=1500)


@dataclass
class Article:
    """A BBC or Reuters article: a headline and body paragraphs (the derived kinds edit these)."""

    id: str
    origin: str  # "bbc" or "reuters"
    headline: str
    paragraphs: list[str]

    @property
    def text(self) -> str:
        return "\n\n".join([self.headline, *self.paragraphs])

    def words(self) -> int:
        return sum(len(p.split()) for p in self.paragraphs)


@dataclass
class Corpus:
    """Documents (in output order) and the truth about them, filled in by the builders below."""

    docs: dict[str, dict] = field(default_factory=dict)  # id -> {"id", "text", "source"?}
    truth: dict[str, dict] = field(default_factory=dict)  # id -> {"family", "bases", "group"}
    held_out: dict[str, str] = field(default_factory=dict)  # host id -> text (not in the corpus)
    positives: list[tuple[str, str, str]] = field(default_factory=list)  # (derived, original, kind)
    negatives: list[tuple[str, str, str]] = field(default_factory=list)
    notes: dict[str, object] = field(default_factory=dict)

    def add(self, doc_id: str, text: str, *, family: str, group: str, bases: tuple[str, ...] = (), source: str = ""):
        if doc_id in self.docs:
            raise ValueError(f"duplicate document id {doc_id}")
        self.docs[doc_id] = {"id": doc_id, "text": text, **({"source": source} if source else {})}
        self.truth[doc_id] = {"family": family, "bases": list(bases), "group": group}


# --------------------------------------------------------------------------- reading the real text


def read_text(path: Path) -> str:
    """Decode a file that may be UTF-8, cp1252 or latin-1 (the Clough & Stevenson files are mixed)."""
    raw = path.read_bytes()
    for encoding in ("utf-8", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")


def bbc_articles() -> list[Article]:
    """The BBC articles: first line the headline, then blank-line separated paragraphs."""
    out = []
    for path in sorted(BBC.glob("*/*.txt")):
        blocks = [b.strip() for b in re.split(r"\n\s*\n", read_text(path)) if b.strip()]
        out.append(Article(f"bbc/{path.parent.name}/{path.stem}", "bbc", blocks[0], blocks[1:]))
    return out


def bbc_duplicate_groups() -> list[list[str]]:
    """The listed groups of byte-identical BBC files, as article ids."""
    groups = []
    for line in (BBC / "exact_duplicate_groups.tsv").read_text().splitlines():
        if line.strip():
            groups.append([f"bbc/{p.removesuffix('.txt')}" for p in line.split("\t")])
    return groups


def reuters_articles(limit: int | None, min_words: int) -> list[Article]:
    """Reuters stories with a body of ``min_words`` or more, hard wraps undone.

    Paragraphs in the wire text start with an indented line; the end-of-text control
    character is dropped. The title is the headline.
    """
    out: list[Article] = []
    seen = 0
    for path in sorted(REUTERS.glob("reut2-*.xml")):
        for node in ET.parse(path).getroot():
            if limit is not None and seen >= limit:
                return out
            seen += 1
            text = node.find("TEXT")
            body = ((text.findtext("BODY") if text is not None else None) or "").replace("\x03", "")
            paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s+(?=\S)", body.strip())]
            paragraphs = [p for p in paragraphs if p]
            if sum(len(p.split()) for p in paragraphs) < min_words:
                continue
            title = " ".join((text.findtext("TITLE") or "").split()) or "(no title)"
            out.append(Article(f"reuters/{int(node.get('NEWID')):05d}", "reuters", title, paragraphs))
    return out


def normalised(text: str) -> str:
    """Lower-cased words only: two texts equal under this are the same story as far as any system cares."""
    return " ".join(_WORD.findall(text.lower()))


# --------------------------------------------------------------------------- edits


def vocabulary(articles: Iterable[Article], min_count: int = 5) -> list[str]:
    """Words seen at least ``min_count`` times: replacements and insertions draw from these."""
    counts = Counter(w for a in articles for w in re.findall(r"[a-z]+", a.text.lower()))
    return sorted(w for w, c in counts.items() if c >= min_count and len(w) > 1)


def change_number(token: str, rng: random.Random) -> str:
    """The token with its (first) number changed to a different plausible value."""
    match = _NUMBER.search(token)
    if match is None:
        return token
    digits = re.sub(r"\D", "", match.group())
    value = int(digits) if digits else 0
    new = value + rng.choice([-1, 1]) * max(1, round(value * rng.uniform(0.05, 0.4)))
    new = abs(new) if new != value else value + 1
    return token[: match.start()] + str(new) + token[match.end() :]


def edit_words(paragraphs: list[str], rate: float, vocab: list[str], rng: random.Random) -> list[str]:
    """Edit ``rate`` of the words: each picked word is replaced, deleted, or gets a word inserted after it.

    Punctuation around a replaced word stays, so sentence boundaries survive the edits.
    """
    tokens = [p.split() for p in paragraphs]
    positions = [(i, j) for i, words in enumerate(tokens) for j in range(len(words))]
    chosen = rng.sample(positions, round(rate * len(positions)))
    ops: dict[tuple[int, int], str] = {pos: rng.choice(("replace", "delete", "insert")) for pos in chosen}
    out = []
    for i, words in enumerate(tokens):
        new: list[str] = []
        for j, word in enumerate(words):
            op = ops.get((i, j))
            if op == "delete":
                continue
            if op == "replace":
                lead, _, trail = _AFFIX.match(word).groups()
                word = f"{lead}{rng.choice(vocab)}{trail}"
            new.append(word)
            if op == "insert":
                new.append(rng.choice(vocab))
        out.append(" ".join(new) if new else words[0])
    return out


def change_one_number(paragraphs: list[str], rng: random.Random) -> list[str]:
    """Change one number of the body, when it has one."""
    spots = [(i, j) for i, p in enumerate(paragraphs) for j, w in enumerate(p.split()) if _NUMBER.search(w)]
    if not spots:
        return paragraphs
    i, j = rng.choice(spots)
    words = paragraphs[i].split()
    words[j] = change_number(words[j], rng)
    return [*paragraphs[:i], " ".join(words), *paragraphs[i + 1 :]]


def sentences(paragraph: str) -> list[str]:
    return [s for s in _SENTENCE_END.split(paragraph) if s.strip()]


def drop_and_reorder(paragraphs: list[str], rng: random.Random) -> list[str]:
    """Drop 20-30 % of the sentences, swap sentences inside some paragraphs, and move a paragraph or two."""
    split = [sentences(p) for p in paragraphs]
    flat = [(i, k) for i, sents in enumerate(split) for k in range(len(sents))]
    dropped = set(rng.sample(flat, round(rng.uniform(0.2, 0.3) * len(flat))))
    kept = [[s for k, s in enumerate(sents) if (i, k) not in dropped] for i, sents in enumerate(split)]
    kept = [sents for sents in kept if sents]
    for sents in kept:
        if len(sents) >= 3 and rng.random() < 0.4:
            a, b = rng.sample(range(len(sents)), 2)
            sents[a], sents[b] = sents[b], sents[a]
    for _ in range(rng.randint(1, 2) if len(kept) >= 3 else 0):
        moved = kept.pop(rng.randrange(len(kept)))
        kept.insert(rng.randrange(len(kept) + 1), moved)
    return [" ".join(sents) for sents in kept] or paragraphs[:1]


NAV = [
    ["Home", "News", "Sport", "Business", "Technology", "Entertainment", "Health"],
    ["World", "UK", "Politics", "Markets", "Science", "Opinion", "Video"],
    ["Front page", "Africa", "Americas", "Asia-Pacific", "Europe", "Middle East"],
]
SHARE = ["Share this article", "Share this page", "Share on Facebook | Share on Twitter | Email", "Print this story"]
STAMP = [
    "Last updated: {d} {m} {y}, {h}:{mi} GMT",
    "Published: {h}:{mi} GMT, {d} {m} {y}",
    "Page last updated {d}/{n}/{y}",
]
FOOTER = [
    "© {y} {site}. All rights reserved.",
    "Copyright {y} {site}. This material may not be published, broadcast, rewritten or redistributed.",
    "{site} is not responsible for the content of external internet sites.",
    "About us | Contact us | Terms of use | Privacy policy | Cookies",
]
SITES = ["Daily Courier", "NewsWire Online", "The Morning Ledger", "Globe Digest", "Metro Herald"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October"]


def add_chrome(article: Article, headlines: list[str], rng: random.Random) -> str:
    """The article's text between page chrome: navigation, time stamp, share links, related stories, footer.

    Headlines in the related-stories list are real headlines of other corpus articles, as on a real
    page; which pieces appear and in what order varies with the seed.
    """
    when = {
        "d": rng.randint(1, 28),
        "m": rng.choice(MONTHS),
        "n": rng.randint(1, 12),
        "y": rng.choice([2004, 2005, 2006]),
        "h": f"{rng.randint(0, 23):02d}",
        "mi": f"{rng.randint(0, 59):02d}",
    }
    site = rng.choice(SITES)
    top = [" | ".join(rng.sample(nav, rng.randint(4, len(nav)))) for nav in rng.sample(NAV, rng.randint(1, 2))]
    top.append(rng.choice(STAMP).format(**when))
    if rng.random() < 0.5:
        top.append(rng.choice(SHARE))
    related = ["Related stories", *(f"- {h}" for h in rng.sample(headlines, rng.randint(3, 5)))]
    bottom = [rng.choice(SHARE), "\n".join(related)]
    rng.shuffle(bottom)
    footer = [f.format(y=when["y"], site=site) for f in rng.sample(FOOTER, rng.randint(1, 3))]
    return "\n\n".join([*top, article.text, *bottom, *footer])


def lift_paragraphs(article: Article, min_words: int, rng: random.Random) -> list[str] | None:
    """2-4 consecutive body paragraphs holding ``min_words`` or more, or None if the article has none."""
    paras = article.paragraphs
    starts = list(range(len(paras)))
    rng.shuffle(starts)
    for start in starts:
        for length in range(rng.randint(2, 4), 5):
            run = paras[start : start + length]
            if len(run) == length and sum(len(p.split()) for p in run) >= min_words:
                return run
    return None


def insert_passage(host: Article, passage: list[str], rng: random.Random) -> str:
    """The host with ``passage`` at a random paragraph boundary strictly inside its body."""
    at = rng.randint(1, len(host.paragraphs) - 1)
    return "\n\n".join([host.headline, *host.paragraphs[:at], *passage, *host.paragraphs[at:]])


# --------------------------------------------------------------------------- the corpus


def add_news(corpus: Corpus, params: CorpusParams, rng: random.Random) -> None:
    """BBC and Reuters originals (minus held-out hosts), the BBC duplicate groups, and the derived copies."""
    bbc = bbc_articles()
    reuters = reuters_articles(params.reuters_limit, params.min_reuters_words)
    groups = bbc_duplicate_groups()
    in_group = {m: g[0] for g in groups for m in g}
    # Originals and hosts must have no twin in the corpus (same words, other spacing or case, as BBC's
    # unlisted near-identical files): a copy would go back to two articles, and its pair with either
    # would be the "right" one.
    seen = Counter(normalised(a.text) for a in [*bbc, *reuters])
    vocab = vocabulary([*bbc, *reuters])
    pools = {
        origin: [a for a in articles if seen[normalised(a.text)] == 1 and len(a.paragraphs) >= 2]
        for origin, articles in (("bbc", bbc), ("reuters", reuters))
    }
    for pool in pools.values():
        rng.shuffle(pool)
    derived: list[tuple[str, str, str, str, tuple[str, ...]]] = []  # (id, text, original id, kind, bases)
    articles = {a.id: a for a in [*bbc, *reuters]}
    per_origin = params.per_kind // 2
    for origin, pool in pools.items():
        headlines = [a.headline for a in (bbc if origin == "bbc" else reuters)]
        for k, kind in enumerate(("exact", "light", "heavy")):
            for n, original in enumerate(pool[k * per_origin : (k + 1) * per_origin]):
                text = derive(kind, original, vocab, headlines, rng)
                derived.append((f"{kind}/{origin}-{n:03d}", text, original.id, kind, (original.id,)))
        # The rest of the pool alternates between possible sources and possible hosts: disjoint by construction.
        rest = pool[3 * per_origin :]
        hosts = [a for a in rest[1::2] if len(a.paragraphs) >= 3 and a.words() >= 120]
        partials = derive_partials(rest[0::2], hosts, per_origin, params.min_partial_words, rng)
        for n, (text, source_id, host_id) in enumerate(partials):
            corpus.held_out[host_id] = articles[host_id].text
            derived.append((f"partial/{origin}-{n:03d}", text, source_id, "partial", (source_id, host_id)))
    for article in [*bbc, *reuters]:
        if article.id in corpus.held_out:
            continue
        family = f"news:{in_group.get(article.id, article.id)}"
        source = "BBC News" if article.origin == "bbc" else "Reuters"
        corpus.add(article.id, article.text, family=family, group=article.origin, bases=(article.id,), source=source)
    for group in groups:
        corpus.positives.extend((m, group[0], "exact-real") for m in group[1:])
    for doc_id, text, original, kind, bases in derived:
        corpus.add(doc_id, text, family=corpus.truth[original]["family"], group=kind, bases=bases)
        corpus.positives.append((doc_id, original, kind))
    corpus.notes["held_out_hosts"] = len(corpus.held_out)
    corpus.notes["reuters_stories_kept"] = len(reuters)


def derive_partials(
    sources: list[Article], hosts: list[Article], wanted: int, min_words: int, rng: random.Random
) -> list[tuple[str, str, str]]:
    """Up to ``wanted`` partial copies ``(text, source id, host id)``, one host per copy."""
    out = []
    hosts = list(hosts)
    for source in sources:
        if len(out) == wanted or not hosts:
            break
        passage = lift_paragraphs(source, min_words, rng)
        if passage is not None:
            host = hosts.pop()
            out.append((insert_passage(host, passage, rng), source.id, host.id))
    return out


def derive(kind: str, original: Article, vocab: list[str], headlines: list[str], rng: random.Random) -> str:
    """The text of an ``exact``, ``light`` or ``heavy`` copy of ``original``."""
    if kind == "exact":
        others = [h for h in headlines if h != original.headline]
        return add_chrome(original, others, rng)
    if kind == "light":
        body = edit_words(original.paragraphs, rng.uniform(0.05, 0.10), vocab, rng)
        return "\n\n".join([original.headline, *change_one_number(body, rng)])
    if kind == "heavy":
        body = drop_and_reorder(original.paragraphs, rng)
        paragraphs = edit_words([original.headline, *body], rng.uniform(0.20, 0.30), vocab, rng)
        return "\n\n".join(paragraphs)
    raise ValueError(kind)


def add_clough(corpus: Corpus) -> None:
    """Short answers: one family per task (source + cut/light/heavy answers); ``non`` answers stand alone."""
    rows = (CLOUGH / "file_information.csv").read_text().splitlines()[1:]
    info = [row.split(",") for row in rows if row.strip()]
    for name, task, category, _encoding in info:
        doc_id = f"clough/{Path(name).stem}"
        family = f"clough:{task}" if category != "non" else f"clough:{Path(name).stem}"
        corpus.add(doc_id, read_text(CLOUGH / "texts" / name), family=family, group=f"clough-{category}")
    for name, task, category, _encoding in info:
        doc_id, original = f"clough/{Path(name).stem}", f"clough/orig_task{task}"
        if category in CLOUGH_KINDS:
            corpus.positives.append((doc_id, original, CLOUGH_KINDS[category]))
        elif category == "non":
            corpus.negatives.append((doc_id, original, "clough-non"))


def add_kherson(corpus: Corpus) -> None:
    """The two Kherson texts: an NPR story and a machine-translated rewrite of an earlier version."""
    first, second = sorted(KHERSON.glob("*.txt"))
    for path in (first, second):
        corpus.add(f"kherson/{path.stem}", read_text(path), family="kherson", group="kherson")
    corpus.positives.append((f"kherson/{second.stem}", f"kherson/{first.stem}", "rewrite-mt"))


def add_pan13(corpus: Corpus, params: CorpusParams, rng: random.Random) -> None:
    """A seeded sample of PAN13 pairs per category; truth from every listed pair among the chosen documents.

    Families are the connected components of the positive pairs, so two suspicious documents
    that reuse one source share a family; a pair listed in a category that was not sampled
    still counts when both its documents made it into the corpus. PAN lists only the pairs it
    built: the scorer leaves other pairs of two PAN documents unlabelled (some share real text,
    such as one catering menu in two web pages).
    """
    rows = [line.split("\t") for line in (PAN13 / "pairs_with_category.tsv").read_text().splitlines()[1:] if line]
    by_category: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for susp, src, category, _present in rows:
        by_category[category].append((f"pan13/{Path(susp).stem}", f"pan13/{Path(src).stem}"))
    chosen: set[str] = set()
    for category in sorted(by_category):
        pairs = sorted(by_category[category])
        for susp, src in rng.sample(pairs, min(params.pan_per_category, len(pairs))):
            chosen.update((susp, src))
    # Families from every listed positive pair, chosen or not: two suspicious documents that reuse one
    # source belong together even when that source was not sampled.
    families = UnionFind()
    for category, pairs in by_category.items():
        if category in PAN_KINDS:
            for susp, src in pairs:
                families.union(susp, src)
    listed = [(s, r, c) for c, pairs in by_category.items() for s, r in pairs if s in chosen and r in chosen]
    for doc_id in sorted(chosen):
        folder = "susp" if "suspicious" in doc_id else "src"
        text = read_text(PAN13 / folder / f"{doc_id.removeprefix('pan13/')}.txt")
        corpus.add(doc_id, text, family=f"pan13:{families.find(doc_id)}", group=f"pan13-{folder}")
    for susp, src, category in sorted(listed):
        if category in PAN_KINDS:
            corpus.positives.append((susp, src, PAN_KINDS[category]))
        elif category == PAN_NEGATIVE:
            corpus.negatives.append((susp, src, "pan13-none"))


def build(params: CorpusParams) -> Corpus:
    """The whole corpus for ``params``; each part draws from its own seeded generator."""
    corpus = Corpus()
    add_news(corpus, params, random.Random(f"{params.seed}-news"))
    add_clough(corpus)
    add_kherson(corpus)
    add_pan13(corpus, params, random.Random(f"{params.seed}-pan13"))
    return corpus


def counts(corpus: Corpus) -> dict[str, object]:
    """Documents per group, positive pairs per kind, negatives per kind: the corpus at a glance."""
    return {
        "documents": len(corpus.docs),
        "documents_by_group": dict(sorted(Counter(t["group"] for t in corpus.truth.values()).items())),
        "positive_pairs_by_kind": dict(sorted(Counter(k for _, _, k in corpus.positives).items())),
        "negative_pairs_by_kind": dict(sorted(Counter(k for _, _, k in corpus.negatives).items())),
        "truth_families_with_2plus": sum(
            1 for c in Counter(t["family"] for t in corpus.truth.values()).values() if c >= 2
        ),
        "words": sum(len(d["text"].split()) for d in corpus.docs.values()),
        **corpus.notes,
    }


def _lines(records: Iterable[dict]) -> Iterator[str]:
    for record in records:
        yield json.dumps(record, ensure_ascii=False) + "\n"


def ensure_corpus(params: CorpusParams, cache: Path) -> Path:
    """The cache folder holding ``corpus.jsonl`` and ``truth.json`` for ``params``, built if missing.

    Documents are written in a seeded random order so that no system sees families side by side.
    """
    folder = cache / f"corpus-{params.key()}"
    if (folder / "truth.json").exists():
        return folder
    corpus = build(params)
    folder.mkdir(parents=True, exist_ok=True)
    order = sorted(corpus.docs)
    random.Random(f"{params.seed}-order").shuffle(order)
    tmp = folder / "corpus.jsonl.tmp"
    with tmp.open("w", encoding="utf-8") as fh:
        fh.writelines(_lines(corpus.docs[i] for i in order))
    tmp.replace(folder / "corpus.jsonl")
    truth = {
        "params": asdict(params),
        "counts": counts(corpus),
        "documents": corpus.truth,
        "positives": corpus.positives,
        "negatives": corpus.negatives,
        "held_out_texts": corpus.held_out,
    }
    tmp = folder / "truth.json.tmp"
    tmp.write_text(json.dumps(truth, ensure_ascii=False))
    tmp.replace(folder / "truth.json")
    return folder
