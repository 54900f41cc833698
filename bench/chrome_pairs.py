"""Page chrome at the pair level (issue 8): does ``copytrail.compare`` judge the story, not the site around it?

Usage::

    python bench/chrome_pairs.py                      # 72 pairs per case and split (each template 4 times)
    python bench/chrome_pairs.py --quick              # 18 per case and split, each template once (seconds)
    python bench/chrome_pairs.py --embedder minilm    # words and MiniLM embeddings (slower)

Pages are real BBC and Reuters-21578 articles rendered in the site templates of ``bench/_chrome.py``,
per template split (DEV: looked at while developing; SCORE: only for scoring). Three cases, each
with the relation a reader would give:

- ``same-site``: two unrelated articles, pages of one site (same template) -> ``unrelated``.
  Shared chrome (navigation, prompts, footer) is not reuse; ``not reuse`` also counts
  ``same_story`` as right, since only duplicate, near_duplicate, rewrite and partial_reuse claim reuse.
- ``cross-site``: one article as pages of two different sites of the same split -> ``duplicate``.
- ``light-edit``: one article twice as pages of one site, the second with 5-10 % of its words edited
  and one number changed (the scan benchmark's ``light`` kind) -> ``near_duplicate``.

Each pair is ``copytrail.compare(copytrail.load_bytes(a), copytrail.load_bytes(b), config=...)``
with ``CompareConfig(embedder=..., explain=False)`` (the explanation does not change the relation).
Articles are drawn with a fixed seed; an article is used in one pair only.

When ``copytrail.compare`` accepts a ``background`` keyword (other pages of the same site, from
which the engine may learn what is chrome), every pair is also compared with a background:
five other pages of each template the pair is in (articles used nowhere else), passed as loaded
texts. Both variants are reported.

Writes bench/results/chrome_pairs.json (every pair) and .md (the tables), unless ``--out`` says
otherwise; ``--quick`` runs write to /tmp by default.
"""

from __future__ import annotations

import argparse
import inspect
import os
import platform
import random
import statistics
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parents[1] / "src"), str(Path(__file__).resolve().parent)]

import _chrome  # noqa: E402
import _scan_corpus as corpus  # noqa: E402
import copytrail  # noqa: E402
from _common import ROOT, Stopwatch, fmt, git_revision, markdown_table, reproduce_command, timed, write_results  # noqa: E402
from copytrail.embed import load_embedder  # noqa: E402

SEED = 20261202
CASES = {"same-site": "unrelated", "cross-site": "duplicate", "light-edit": "near_duplicate"}
REUSE = {"duplicate", "near_duplicate", "rewrite", "partial_reuse"}
RELATIONS = [r.value for r in copytrail.Relation]
BACKGROUND_PAGES = 5
MIN_WORDS = 80
RESULTS = ROOT / "bench" / "results"


@dataclass(frozen=True)
class Pair:
    case: str
    split: str
    a: str
    b: str
    templates: tuple[str, ...]
    articles: tuple[str, ...]


class ArticleSource:
    """Seeded BBC and Reuters articles, each handed out once, BBC and Reuters in turn."""

    def __init__(self, rng: random.Random, reuters_limit: int) -> None:
        bbc = [a for a in corpus.bbc_articles() if a.words() >= MIN_WORDS and len(a.paragraphs) >= 3]
        reuters = [
            a for a in corpus.reuters_articles(reuters_limit, MIN_WORDS) if len(a.paragraphs) >= 3
        ]  # fmt: skip
        seen = Counter(corpus.normalised(a.text) for a in [*bbc, *reuters])
        self.queues = [[a for a in pool if seen[corpus.normalised(a.text)] == 1] for pool in (bbc, reuters)]
        for queue in self.queues:
            rng.shuffle(queue)
        self.headlines = [[a.headline for a in pool] for pool in (bbc, reuters)]
        self.vocab = corpus.vocabulary([*bbc, *reuters])
        self._turn = 0

    def take(self) -> tuple[corpus.Article, list[str]]:
        """An unused article and headlines of others of its origin (for the related lists)."""
        k = self._turn % 2
        self._turn += 1
        if not self.queues[k]:
            k = 1 - k
        article = self.queues[k].pop()
        return article, [h for h in self.headlines[k] if h != article.headline]


def page(template: _chrome.Template, article: corpus.Article, related: list[str], rng: random.Random) -> str:
    return template.render(article.paragraphs, article.headline, rng, related)


def light_edit(article: corpus.Article, vocab: list[str], rng: random.Random) -> corpus.Article:
    """5-10 % of the body's words edited and one number changed, as the scan benchmark's ``light`` copies."""
    body = corpus.edit_words(article.paragraphs, rng.uniform(0.05, 0.10), vocab, rng)
    return corpus.Article(article.id, article.origin, article.headline, corpus.change_one_number(body, rng))


def build_pairs(n: int, rng: random.Random, source: ArticleSource) -> tuple[list[Pair], dict[str, list[str]]]:
    """``n`` pairs per case and split, and ``BACKGROUND_PAGES`` background pages per template."""
    pairs = []
    for split in ("dev", "score"):
        templates = _chrome.templates_of(split)
        for i in range(n):
            t = templates[i % len(templates)]
            (x, rx), (y, ry) = source.take(), source.take()
            pairs.append(Pair("same-site", split, page(t, x, rx, rng), page(t, y, ry, rng), (t.id,), (x.id, y.id)))
        for i in range(n):
            t = templates[i % len(templates)]
            u = rng.choice([o for o in templates if o.id != t.id])
            x, rx = source.take()
            pairs.append(Pair("cross-site", split, page(t, x, rx, rng), page(u, x, rx, rng), (t.id, u.id), (x.id,)))
        for i in range(n):
            t = templates[i % len(templates)]
            x, rx = source.take()
            edited = light_edit(x, source.vocab, rng)
            pairs.append(Pair("light-edit", split, page(t, x, rx, rng), page(t, edited, rx, rng), (t.id,), (x.id,)))
    background = {}
    for template_id in sorted({t for p in pairs for t in p.templates}):
        t = _chrome.TEMPLATES[template_id]
        background[template_id] = [page(t, *source.take(), rng) for _ in range(BACKGROUND_PAGES)]
    return pairs, background


def accepts_background() -> bool:
    return "background" in inspect.signature(copytrail.compare).parameters


def run(
    pairs: list[Pair], config: copytrail.CompareConfig, embedder: object, background: dict[str, list[str]] | None
) -> list[dict]:
    """Compare every pair (with its templates' background pages when given); one record per pair."""
    loaded_background = (
        {t: [copytrail.load_bytes(p.encode(), name=f"{t}-bg{k}.txt") for k, p in enumerate(pages)]
         for t, pages in background.items()}
        if background is not None
        else None
    )  # fmt: skip
    records = []
    watch = Stopwatch()
    for n, pair in enumerate(pairs):
        a = copytrail.load_bytes(pair.a.encode(), name="a.txt")
        b = copytrail.load_bytes(pair.b.encode(), name="b.txt")
        extra = {}
        if loaded_background is not None:
            extra["background"] = [x for t in pair.templates for x in loaded_background[t]]
        with timed() as seconds:
            report = copytrail.compare(a, b, config=config, embedder=embedder, **extra)
        records.append(
            {
                "case": pair.case,
                "split": pair.split,
                "templates": list(pair.templates),
                "articles": list(pair.articles),
                "relation": report.relation.value,
                "score": round(report.relation_score, 3),
                "coverage": [round(report.coverage.a, 3), round(report.coverage.b, 3)],
                "seconds": round(seconds[0], 4),
            }
        )
        if (n + 1) % 25 == 0:
            print(f"  {n + 1}/{len(pairs)} compared, {watch.seconds:.0f} s", file=sys.stderr, flush=True)
    return records


def summarise(records: list[dict]) -> dict[str, dict]:
    """Per case and split: pairs, share right, share not claiming reuse (same-site only), relations."""
    out: dict[str, dict] = {}
    for case, expected in CASES.items():
        for split in ("dev", "score", "all"):
            here = [r for r in records if r["case"] == case and (split == "all" or r["split"] == split)]
            if not here:
                continue
            relations = Counter(r["relation"] for r in here)
            out[f"{case}/{split}"] = {
                "case": case,
                "split": split,
                "expected": expected,
                "pairs": len(here),
                "right": relations[expected] / len(here),
                "not_reuse": sum(v for k, v in relations.items() if k not in REUSE) / len(here),
                "relations": dict(relations.most_common()),
                "median_seconds": statistics.median(r["seconds"] for r in here),
            }
    return out


def wrong_examples(records: list[dict], show: int = 3) -> list[dict]:
    """A few pairs per case whose relation was not the expected one."""
    out = []
    for case, expected in CASES.items():
        out += [r for r in records if r["case"] == case and r["relation"] != expected][:show]
    return out


def markdown(result: dict) -> str:
    lines = [
        "# Page chrome at the pair level (issue 8)",
        "",
        f"`{result['command']}` — revision {result['revision']}, embedder {result['embedder']}, "
        f"{result['pairs_per_case_and_split']} pairs per case and split, seed {result['seed']}, "
        f"{result['machine']['cores']} cores (shared), {result['wall_seconds']:.0f} s.",
        "",
    ]
    for variant, block in result["variants"].items():
        lines += [f"## {variant}", ""]
        rows = []
        for s in block["summary"].values():
            not_reuse = fmt(s["not_reuse"], 2) if s["case"] == "same-site" else ""
            confusion = ", ".join(f"{k} {v}" for k, v in s["relations"].items())
            rows.append(
                [s["case"], s["split"].upper(), s["expected"], s["pairs"], fmt(s["right"], 2), not_reuse, confusion]
            )
        header = ["case", "templates", "expected", "pairs", "right", "not reuse", "relations given"]
        lines += markdown_table(header, rows)
        lines += ["", f"Median seconds per pair: {block['median_seconds']:.3f}.", ""]
        if block["wrong_examples"]:
            lines += ["Examples of pairs judged otherwise:", ""]
            for r in block["wrong_examples"]:
                lines.append(
                    f"- {r['case']} ({r['split'].upper()}, {' / '.join(r['templates'])}; "
                    f"{' / '.join(r['articles'])}): {r['relation']} (score {r['score']}, coverage {r['coverage']})"
                )
            lines.append("")
    if not result["background_supported"]:
        lines += ["`copytrail.compare` takes no `background` keyword at this revision: no background variant.", ""]
    return "\n".join(lines)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--quick", action="store_true", help="18 pairs per case and split instead of 72")
    p.add_argument("--pairs", type=int, default=None, help="pairs per case and split (overrides --quick)")
    p.add_argument("--embedder", default="none", help="none (words only, the default) or an embedder name: minilm")
    p.add_argument("--no-background", action="store_true", help="skip the background variant even if supported")
    p.add_argument("--reuters-limit", type=int, default=4000, help="Reuters stories read (from the first files)")
    p.add_argument("--out", type=Path, default=None, help="results stem (default bench/results/chrome_pairs)")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    n = args.pairs or (18 if args.quick else 72)
    suffix = "" if args.embedder == "none" else f"_{args.embedder}"
    default = Path("/tmp/chrome_pairs_quick") if args.quick and not args.pairs else RESULTS / f"chrome_pairs{suffix}"
    stem = args.out or default
    print(f"$ {reproduce_command('bench/chrome_pairs.py')}", file=sys.stderr, flush=True)
    watch = Stopwatch()
    rng = random.Random(SEED)
    pairs, background = build_pairs(n, rng, ArticleSource(rng, args.reuters_limit))
    config = copytrail.CompareConfig(embedder=args.embedder, explain=False)
    embedder = None if args.embedder == "none" else load_embedder(args.embedder)
    supported = accepts_background()
    variants = {"without background": None}
    if supported and not args.no_background:
        variants[f"with background ({BACKGROUND_PAGES} other pages of each template)"] = background
    result_variants = {}
    for name, bg in variants.items():
        print(f"[chrome_pairs] {name}: {len(pairs)} pairs", file=sys.stderr, flush=True)
        records = run(pairs, config, embedder, bg)
        result_variants[name] = {
            "summary": summarise(records),
            "median_seconds": statistics.median(r["seconds"] for r in records),
            "wrong_examples": wrong_examples(records),
            "records": records,
        }
    result = {
        "command": "python bench/chrome_pairs.py"
        + (" --quick" if args.quick else "")
        + (f" --pairs {args.pairs}" if args.pairs else "")
        + (f" --embedder {args.embedder}" if suffix else ""),
        "revision": git_revision(),
        "seed": SEED,
        "embedder": args.embedder,
        "pairs_per_case_and_split": n,
        "dev_templates": list(_chrome.DEV_TEMPLATES),
        "score_templates": list(_chrome.SCORE_TEMPLATES),
        "background_supported": supported,
        "machine": {"cores": os.cpu_count(), "python": platform.python_version()},
        "variants": result_variants,
    }
    result["wall_seconds"] = round(watch.seconds, 1)
    text = markdown(result)
    write_results(stem, result, text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
