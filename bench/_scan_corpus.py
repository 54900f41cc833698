"""The graded reuse corpus of ``bench/scan_bench.py``: real news text, copies of known kinds, and the truth.

Everything is real text except the edits and the page chrome that make the derived copies:

- distractors and originals: every BBC article of ``shared/data/bbc_news`` (its listed exact-duplicate
  groups are truth, kind ``exact-real``) and every Reuters-21578 story with a body of 50+ words;
- derived copies of seeded random originals, half BBC half Reuters, each original used by one kind
  only so that truth families stay clean: ``exact`` (the text as it is), ``light`` (5-10 % of words
  edited, one number changed), ``heavy`` (20-30 % of words edited, 20-30 % of sentences dropped, some
  sentences and paragraphs moved), each of these three in the page chrome of a site template of
  ``bench/_chrome.py`` (dealt in turn over all templates, DEV and SCORE alike; the document's
  ``template`` and ``split`` are in the truth), and ``partial`` (2-4 paragraphs, 60+ words, lifted
  into a host article that is itself held out of the corpus; no chrome);
- same-site pages (``site-page``): for each template, ``site_pages`` real articles that nothing else
  copies (held out of the corpus as bare text), each rendered in that template: the pages of one site
  share its chrome and nothing else. Every pair of two documents in one template from different
  families is an explicit negative (``same-template``); the Kherson NPR page counts as a page of the
  ``npr-jpr`` template, whose chrome comes from it;
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
import math
import random
import re
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

import _chrome
from _common import DATA, SHARED
from copytrail.scan.families import UnionFind

BBC = DATA / "bbc_news"
REUTERS = DATA / "reuters21578"
CLOUGH = DATA / "clough_stevenson_short_answers"
PAN13 = DATA / "pan13_text_alignment_subset"
KHERSON = SHARED / "examples" / "kherson"

SEED = 20261123
# Bump whenever the builder's output changes for the same parameters: the cache key includes it.
BUILDER_VERSION = 6

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
        site_pages: same-site pages per template (unrelated articles in one site's chrome).
        page_urls: every page in a site template gets a URL on that site's host, as every
            crawled page has one (copytrail learns a site's chrome per host). Off, the pages
            come without URL or source, like a folder of saved pages.
        templates: the fingerprint of the site templates (``_chrome.fingerprint``), so that a change
            to a template rebuilds the corpus.
    """

    seed: int = SEED
    per_kind: int = 150
    pan_per_category: int = 100
    reuters_limit: int | None = None
    min_reuters_words: int = 50
    min_partial_words: int = 60
    site_pages: int = 4
    page_urls: bool = True
    templates: str = _chrome.fingerprint()
    version: int = BUILDER_VERSION

    def key(self) -> str:
        return hashlib.blake2b(json.dumps(asdict(self), sort_keys=True).encode(), digest_size=6).hexdigest()


QUICK = CorpusParams(per_kind=20, pan_per_category=10, reuters_limit=1500, site_pages=2)


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

    docs: dict[str, dict] = field(default_factory=dict)  # id -> {"id", "text", "source"?, "url"?}
    page_urls: bool = True
    truth: dict[str, dict] = field(default_factory=dict)  # id -> {"family", "bases", "group", "template", "split"}
    held_out: dict[str, str] = field(default_factory=dict)  # host id -> text (not in the corpus)
    positives: list[tuple[str, str, str]] = field(default_factory=list)  # (derived, original, kind)
    negatives: list[tuple[str, str, str]] = field(default_factory=list)
    notes: dict[str, object] = field(default_factory=dict)

    def add(
        self,
        doc_id: str,
        text: str,
        *,
        family: str,
        group: str,
        bases: tuple[str, ...] = (),
        source: str = "",
        template: str | None = None,
    ):
        if doc_id in self.docs:
            raise ValueError(f"duplicate document id {doc_id}")
        url = f"https://www.{template}.example/{doc_id}" if template and self.page_urls else ""
        self.docs[doc_id] = {
            "id": doc_id,
            "text": text,
            **({"source": source} if source else {}),
            **({"url": url} if url else {}),
        }
        split = _chrome.split_of(template) if template else None
        self.truth[doc_id] = {
            "family": family,
            "bases": list(bases),
            "group": group,
            "template": template,
            "split": split,
        }


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


def drop_and_reorder(
    paragraphs: list[str],
    rng: random.Random,
    *,
    split_sentences: Callable[[str], list[str]] = sentences,
    joiner: str = " ",
) -> list[str]:
    """Drop 20-30 % of the sentences, swap sentences inside some paragraphs, and move a paragraph or two.

    ``split_sentences`` and ``joiner`` let other scripts (no spaces between Chinese
    sentences) be edited the same way.
    """
    split = [split_sentences(p) for p in paragraphs]
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
    return [joiner.join(sents) for sents in kept] or paragraphs[:1]


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


def add_news(corpus: Corpus, params: CorpusParams, rng: random.Random, chrome_rng: random.Random) -> None:
    """BBC and Reuters originals (minus held-out articles), the BBC duplicate groups, the derived copies and
    the same-site pages; ``chrome_rng`` deals the templates and draws each page's chrome."""
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
    # (id, text, original id, kind, bases, template)
    derived: list[tuple[str, str, str, str, tuple[str, ...], str | None]] = []
    articles = {a.id: a for a in [*bbc, *reuters]}
    per_origin = params.per_kind // 2
    deck = TemplateDeck(chrome_rng)
    site_articles: dict[str, list[Article]] = {}
    per_origin_site = math.ceil(len(_chrome.TEMPLATES) * params.site_pages / 2)
    for origin, pool in pools.items():
        headlines = [a.headline for a in (bbc if origin == "bbc" else reuters)]
        for k, kind in enumerate(("exact", "light", "heavy")):
            for n, original in enumerate(pool[k * per_origin : (k + 1) * per_origin]):
                template = deck.draw()
                text = derive(kind, original, vocab, headlines, rng, template, chrome_rng)
                derived.append((f"{kind}/{origin}-{n:03d}", text, original.id, kind, (original.id,), template.id))
        # Then the articles of the same-site pages, held out of the corpus (nothing else holds their text).
        site_articles[origin] = pool[3 * per_origin : 3 * per_origin + per_origin_site]
        # The rest of the pool alternates between possible sources and possible hosts: disjoint by construction.
        rest = pool[3 * per_origin + per_origin_site :]
        hosts = [a for a in rest[1::2] if len(a.paragraphs) >= 3 and a.words() >= 120]
        partials = derive_partials(rest[0::2], hosts, per_origin, params.min_partial_words, rng)
        for n, (text, source_id, host_id) in enumerate(partials):
            corpus.held_out[host_id] = articles[host_id].text
            derived.append((f"partial/{origin}-{n:03d}", text, source_id, "partial", (source_id, host_id), None))
    site_pages = same_site_pages(site_articles, params.site_pages, {"bbc": bbc, "reuters": reuters}, chrome_rng)
    for _, _, article, _ in site_pages:
        corpus.held_out[article.id] = article.text
    for article in [*bbc, *reuters]:
        if article.id in corpus.held_out:
            continue
        family = f"news:{in_group.get(article.id, article.id)}"
        source = "BBC News" if article.origin == "bbc" else "Reuters"
        corpus.add(article.id, article.text, family=family, group=article.origin, bases=(article.id,), source=source)
    for group in groups:
        corpus.positives.extend((m, group[0], "exact-real") for m in group[1:])
    for doc_id, text, original, kind, bases, template in derived:
        family = corpus.truth[original]["family"]
        corpus.add(doc_id, text, family=family, group=kind, bases=bases, template=template)
        corpus.positives.append((doc_id, original, kind))
    for doc_id, text, article, template in site_pages:
        corpus.add(doc_id, text, family=f"site:{doc_id}", group="site-page", bases=(article.id,), template=template)
    corpus.notes["held_out_hosts"] = len(corpus.held_out) - len(site_pages)
    corpus.notes["held_out_site_page_articles"] = len(site_pages)
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


class TemplateDeck:
    """Templates dealt in turn from a shuffled deck of all of them, reshuffled when it runs out."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._deck: list[str] = []

    def draw(self) -> _chrome.Template:
        if not self._deck:
            self._deck = sorted(_chrome.TEMPLATES)
            self._rng.shuffle(self._deck)
        return _chrome.TEMPLATES[self._deck.pop()]


def derive(
    kind: str,
    original: Article,
    vocab: list[str],
    headlines: list[str],
    rng: random.Random,
    template: _chrome.Template,
    chrome_rng: random.Random,
) -> str:
    """The text of an ``exact``, ``light`` or ``heavy`` copy of ``original``, as a page of ``template``.

    ``rng`` draws the edits, ``chrome_rng`` the page's chrome (date, author, related headlines).
    """
    others = [h for h in headlines if h != original.headline]
    if kind == "exact":
        headline, body = original.headline, original.paragraphs
    elif kind == "light":
        edited = edit_words(original.paragraphs, rng.uniform(0.05, 0.10), vocab, rng)
        headline, body = original.headline, change_one_number(edited, rng)
    elif kind == "heavy":
        kept = drop_and_reorder(original.paragraphs, rng)
        headline, *body = edit_words([original.headline, *kept], rng.uniform(0.20, 0.30), vocab, rng)
    else:
        raise ValueError(kind)
    return template.render(body, headline, chrome_rng, others)


def same_site_pages(
    site_articles: dict[str, list[Article]],
    per_template: int,
    all_articles: dict[str, list[Article]],
    rng: random.Random,
) -> list[tuple[str, str, Article, str]]:
    """``(id, text, article, template id)``: ``per_template`` pages per template, BBC and Reuters in turn.

    Each article is used once; related headlines are those of other articles of the same origin.
    """
    queues = {origin: list(articles) for origin, articles in site_articles.items()}
    out = []
    turn = 0
    for template_id in sorted(_chrome.TEMPLATES):
        template = _chrome.TEMPLATES[template_id]
        for n in range(per_template):
            origin = ("bbc", "reuters")[turn % 2]
            turn += 1
            if not queues[origin]:
                origin = "reuters" if origin == "bbc" else "bbc"
            if not queues[origin]:
                raise ValueError("not enough articles left for the same-site pages")
            article = queues[origin].pop(0)
            others = [a.headline for a in all_articles[origin] if a.headline != article.headline]
            text = template.render(article.paragraphs, article.headline, rng, others)
            out.append((f"site/{template_id}/{n:02d}", text, article, template_id))
    return out


def add_same_template_negatives(corpus: Corpus) -> None:
    """Every pair of two documents in one template whose truth families differ is an explicit negative."""
    by_template: dict[str, list[str]] = defaultdict(list)
    for doc_id, t in corpus.truth.items():
        if t["template"]:
            by_template[t["template"]].append(doc_id)
    for template_id in sorted(by_template):
        members = sorted(by_template[template_id])
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                if corpus.truth[a]["family"] != corpus.truth[b]["family"]:
                    corpus.negatives.append((a, b, "same-template"))


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
    """The two Kherson texts: an NPR story and a machine-translated rewrite of an earlier version.

    The NPR page (the second file) is a page of the ``npr-jpr`` template: its chrome is where that
    template's comes from.
    """
    first, second = sorted(KHERSON.glob("*.txt"))
    for path, template in ((first, None), (second, _chrome.NPR_ID)):
        corpus.add(f"kherson/{path.stem}", read_text(path), family="kherson", group="kherson", template=template)
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
    corpus = Corpus(page_urls=params.page_urls)
    add_news(corpus, params, random.Random(f"{params.seed}-news"), random.Random(f"{params.seed}-chrome"))
    add_clough(corpus)
    add_kherson(corpus)
    add_pan13(corpus, params, random.Random(f"{params.seed}-pan13"))
    add_same_template_negatives(corpus)
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
