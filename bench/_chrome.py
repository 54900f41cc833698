"""A pool of news-site page templates (page chrome) for the benchmarks, with a fixed DEV / SCORE split.

Each :class:`Template` is one site: its banner and navigation bar, utility links, cookie and
newsletter prompts, share bar, time stamp format, byline and author box, related-stories list,
comments, follow and tip prompts, and legal and copyright lines, each in its own place on the page
(before the headline, between headline and story, between story paragraphs, after the story, in
the footer). The synthetic sites are dealt from the hand-written pools of ``bench/_chrome_parts.py``
with a fixed seed, so that no two sites share a wording of the same part; one more template,
``npr-jpr``, is made of the real chrome lines of the NPR story saved from a member station's page
(``shared/examples/kherson/001_99e61fcb9db1a932.txt``).

A page of a site keeps the site's fixed lines and varies what varies on a real site: the time
stamp, the author, the related headlines and the paragraphs between which prompts fall.

The split (:data:`DEV_TEMPLATES`, :data:`SCORE_TEMPLATES`) was drawn once, before any tuning, and is
written out below; it must never change (see the comment there).
"""

from __future__ import annotations

import hashlib
import random
import re
from dataclasses import dataclass
from datetime import date

import _chrome_parts as parts
from _common import SHARED

SEED = 20261202
# The seed of the one-off shuffle that drew the split below; kept so a test can show it is reproducible.
SPLIT_SEED = 8
NPR_ID = "npr-jpr"
KHERSON_NPR = SHARED / "examples" / "kherson" / "001_99e61fcb9db1a932.txt"

# Slots that a page fills in; every other block of a template is fixed text of the site.
STAMP, BYLINE, AUTHOR_BOX, RELATED = "<stamp>", "<byline>", "<author-box>", "<related>"

MONTHS = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]  # fmt: skip
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


@dataclass(frozen=True)
class Author:
    name: str
    beat: str
    bio: str = ""  # a real author box's text; empty: the template's author-box wording is used


@dataclass(frozen=True)
class Template:
    """One site's page layout.

    Attributes:
        id: a stable name (the site's name as a slug).
        site: the site's name.
        top: blocks before the headline, in order.
        head: blocks between the headline and the story (slots or fixed text).
        mid: prompts put between story paragraphs; ``{h}`` becomes a related headline.
        mid_after: after which paragraph (1-based count) each prompt of ``mid`` goes; a prompt
            whose place is past the story's end is left out.
        bottom: blocks after the story, footer included.
        stamp: the time stamp's format (see :func:`_when`).
        byline: the byline's format, with ``{author}``.
        author_box: the author box's format, with ``{author}`` and ``{beat}``.
        authors: the site's writers; a page names ``authors_per_page`` of them.
        related_title, related_item: the related list's title and its line format (``{h}``, ``{k}``).
        related_count: how many related headlines a page lists (low, high).
    """

    id: str
    site: str
    top: tuple[str, ...]
    head: tuple[str, ...]
    mid: tuple[str, ...]
    mid_after: tuple[int, ...]
    bottom: tuple[str, ...]
    stamp: str
    byline: str
    author_box: str
    authors: tuple[Author, ...]
    related_title: str
    related_item: str
    related_count: tuple[int, int] = (3, 5)
    authors_per_page: tuple[int, int] = (1, 1)

    @property
    def split(self) -> str:
        return split_of(self.id)

    def fixed_lines(self) -> set[str]:
        """The lines every page of this site holds whatever its story (for checks that sites differ)."""
        blocks = [b for b in (*self.top, *self.head, *self.bottom) if not b.startswith("<")]
        blocks += [m for m in self.mid if "{h}" not in m]
        if RELATED in (*self.top, *self.head, *self.bottom):
            blocks.append(self.related_title)
        return {line.strip() for b in blocks for line in b.splitlines() if line.strip()}

    def render(
        self, article_paragraphs: list[str], headline: str, rng: random.Random, related_headlines: list[str]
    ) -> str:
        """A page of this site holding the story: blocks separated by blank lines.

        Args:
            article_paragraphs: the story's body paragraphs, kept as they are.
            headline: the story's headline, kept as it is.
            rng: draws the page's date, author(s) and related headlines.
            related_headlines: headlines of other stories to list (a few are drawn).
        """
        when = _when(rng)
        authors = rng.sample(self.authors, min(len(self.authors), rng.randint(*self.authors_per_page)))
        k = min(len(related_headlines), rng.randint(*self.related_count))
        related = rng.sample(related_headlines, k) if k else []
        inline = rng.choice(related_headlines) if related_headlines else None
        slots = {
            STAMP: self.stamp.format(**when),
            BYLINE: self.byline.format(
                author=" and ".join(a.name for a in authors),
                author_upper=" AND ".join(a.name.upper() for a in authors),
                beat=authors[0].beat,
            ),
            AUTHOR_BOX: "\n".join(a.bio or self.author_box.format(author=a.name, beat=a.beat) for a in authors),
            RELATED: "\n".join(
                [self.related_title, *(self.related_item.format(h=h, k=i + 1) for i, h in enumerate(related))]
            )
            if related
            else "",
        }
        body = list(article_paragraphs)
        prompts = [(after, m) for after, m in zip(self.mid_after, self.mid) if after < len(body)]
        for after, prompt in sorted(prompts, reverse=True):
            if "{h}" in prompt:
                if inline is None:
                    continue
                prompt = prompt.format(h=inline)
            body.insert(after, prompt)
        blocks = [*self.top, headline, *self.head, *body, *self.bottom]
        return "\n\n".join(b for b in (slots.get(b, b) for b in blocks) if b)


def _when(rng: random.Random) -> dict[str, object]:
    """A page's date and time in every form a stamp format may ask for."""
    day = date(rng.randint(2004, 2023), rng.randint(1, 12), rng.randint(1, 28))
    hour, minute = rng.randint(0, 23), rng.randint(0, 59)
    return {
        "d": day.day,
        "month": MONTHS[day.month - 1],
        "mon": MONTHS[day.month - 1][:3],
        "n": day.month,
        "y": day.year,
        "h": f"{hour:02d}",
        "h12": (hour % 12) or 12,
        "ampm": "AM" if hour < 12 else "PM",
        "mi": f"{minute:02d}",
        "weekday": WEEKDAYS[day.weekday()],
        "age": rng.randint(2, 15),
    }


def slug(name: str) -> str:
    words = re.findall(r"[a-z0-9]+", name.lower())
    return "-".join(w for w in words if w != "the")


class _KeepMissing(dict):
    """Fills the site's placeholders and leaves a page's (``{author}``, ``{h}``, ...) for the page."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _deal(pool: list[str], n: int, rng: random.Random) -> list[str | None]:
    """One distinct entry of ``pool`` for each of ``n`` sites; None for the sites left over when the pool is short."""
    entries: list[str | None] = list(pool)
    rng.shuffle(entries)
    entries = entries[:n] + [None] * max(0, n - len(entries))
    rng.shuffle(entries)
    return entries


def _synthetic_templates(seed: int = SEED) -> list[Template]:
    """The synthetic sites, dealt from the pools of ``_chrome_parts`` with a fixed seed."""
    rng = random.Random(seed)
    n = len(parts.SITES)
    dealt = {
        name: _deal(pool, n, rng)
        for name, pool in (
            ("utility", parts.TOP_UTILITY),
            ("cookie", parts.COOKIE),
            ("newsletter", parts.NEWSLETTER),
            ("share", parts.SHARE),
            ("stamp", parts.STAMP),
            ("byline", parts.BYLINE),
            ("author_box", parts.AUTHOR_BOX),
            ("related", parts.RELATED_TITLE),
            ("mid", parts.MID),
            ("comments", parts.COMMENTS),
            ("follow", parts.FOLLOW),
            ("tips", parts.TIPS),
            ("copyright", parts.COPYRIGHT),
            ("legal", parts.LEGAL),
            ("letter_name", parts.NEWSLETTERS),
        )
    }
    out = []
    for i, (site, domain) in enumerate(parts.SITES):
        pick = {name: entries[i] for name, entries in dealt.items()}
        values = {
            "site": site,
            "domain": domain,
            "newsletter": pick["letter_name"] or f"{site} Daily",
            "year": rng.randint(2005, 2023),
            "handle": slug(site).replace("-", ""),
        }

        def fill(text: str | None, values: dict = values) -> str | None:
            return None if text is None else text.format_map(_KeepMissing(values))

        sections = rng.sample(parts.SECTIONS, rng.randint(5, 10))
        nav = rng.choice(parts.NAV_SEPARATORS).join(sections)
        banner = rng.choice([site, site.upper(), f"{site} — {rng.choice(['Est. 1887', 'News you can use', 'Online'])}"])
        top = [banner, nav]
        if rng.random() < 0.3:
            top.reverse()
        if pick["utility"]:
            top.insert(rng.choice([0, len(top)]), fill(pick["utility"]))
        cookie_top = pick["cookie"] is not None and rng.random() < 0.7
        if cookie_top:
            top.insert(rng.choice([0, len(top)]), fill(pick["cookie"]))
        share_at = rng.choice(["head", "bottom", "both"]) if pick["share"] else "none"
        head = [STAMP] + ([BYLINE] if pick["byline"] else [])
        rng.shuffle(head)
        if share_at in ("head", "both"):
            head.append(fill(pick["share"]))
        mid = [fill(pick["mid"]) or rng.choice(parts.MID)]
        if rng.random() < 0.4:
            mid.append(rng.choice(parts.MID))
        newsletter_mid = pick["newsletter"] is not None and rng.random() < 0.4
        if newsletter_mid:
            mid.append(fill(pick["newsletter"]))
        first = rng.randint(1, 3)
        mid_after = [first + k * rng.randint(2, 4) for k in range(len(mid))]
        bottom = [RELATED]
        if share_at in ("bottom", "both"):
            bottom.append(fill(pick["share"]))
        if pick["author_box"]:
            bottom.append(AUTHOR_BOX)
        if pick["newsletter"] and not newsletter_mid:
            bottom.append(fill(pick["newsletter"]))
        bottom += [fill(pick[k]) for k in ("comments", "follow", "tips") if pick[k]]
        rng.shuffle(bottom)
        footer = [fill(pick["legal"]), fill(pick["copyright"])]
        if rng.random() < 0.3:
            footer.reverse()
        if pick["cookie"] and not cookie_top:
            footer.append(fill(pick["cookie"]))
        authors = tuple(
            Author(f"{rng.choice(parts.FIRST_NAMES)} {rng.choice(parts.LAST_NAMES)}", rng.choice(parts.BEATS))
            for _ in range(3)
        )
        low = rng.randint(2, 4)
        out.append(
            Template(
                id=slug(site),
                site=site,
                top=tuple(top),
                head=tuple(head),
                mid=tuple(mid),
                mid_after=tuple(mid_after),
                bottom=tuple([*bottom, *footer]),
                stamp=pick["stamp"] or rng.choice(parts.STAMP),
                byline=fill(pick["byline"]) or "",
                author_box=fill(pick["author_box"]) or "",
                authors=authors,
                related_title=fill(pick["related"]) or "More",
                related_item=rng.choice(parts.RELATED_ITEM),
                related_count=(low, low + rng.randint(1, 3)),
            )
        )
    return out


def _npr_template() -> Template:
    """The member-station page of the Kherson NPR story: its real header, stamp, copyright line and bios.

    Lines 1-12 of the saved page (station address, player) are the header; "Updated November 11,
    2022 at 8:18 AM ET" gives the stamp format; "Copyright 2022 NPR. To see more, visit
    https://www.npr.org." and the two authors' bios (name line, then bio) end the page. The photo
    captions and credits belong to that story, not to the site, and are left out.
    """
    lines = KHERSON_NPR.read_text(encoding="utf-8").splitlines()
    header = "\n".join(lines[:12])
    bios = lines[-4:]
    authors = tuple(Author(bios[k], "national security", f"{bios[k]}\n{bios[k + 1]}") for k in (0, 2))
    return Template(
        id=NPR_ID,
        site="Jefferson Public Radio (NPR)",
        top=(header,),
        head=(STAMP,),
        mid=(),
        mid_after=(),
        bottom=("Copyright 2022 NPR. To see more, visit https://www.npr.org.", AUTHOR_BOX),
        stamp="Updated {month} {d}, {y} at {h12}:{mi} {ampm} ET",
        byline="",
        author_box="",
        authors=authors,
        related_title="",
        related_item="",
        related_count=(0, 0),
        authors_per_page=(1, 2),
    )


def build_templates() -> dict[str, Template]:
    """Every template by id: the synthetic sites, then the NPR page."""
    out = {t.id: t for t in _synthetic_templates()}
    if len(out) != len(parts.SITES):
        raise ValueError("two sites share a template id")
    out[NPR_ID] = _npr_template()
    return out


TEMPLATES: dict[str, Template] = build_templates()


def fingerprint() -> str:
    """A short hash of every template's content; corpora built from the templates put it in their cache key."""
    return hashlib.blake2b(repr(sorted(TEMPLATES.items())).encode(), digest_size=6).hexdigest()


# ---------------------------------------------------------------------------------------------------------------
# THE SPLIT. Drawn once on 2026-12-02, before anything was tuned on these templates, by
# draw_split(SPLIT_SEED) below (a seeded shuffle of the synthetic ids; the first half DEV, the rest
# plus the real NPR page SCORE), and written out here. NEVER CHANGE IT: the SCORE templates are only
# for scoring; look at DEV ones while developing. A template added later goes to neither list until
# a new, separately named split is drawn.
DEV_TEMPLATES: tuple[str, ...] = (
    "capital-chronicle",
    "civic-standard",
    "daily-courier",
    "evening-sentinel",
    "frontline-wire",
    "harbour-tribune",
    "lakeside-bulletin",
    "lantern",
    "market-observer",
    "metro-herald",
    "northern-echo-post",
    "prairie-register",
    "pulse-newsroom",
    "riverside-gazette",
    "signal-noise",
    "union-journal",
    "valley-voice",
    "weekly-compass",
)
SCORE_TEMPLATES: tuple[str, ...] = (
    "atlantic-monitor",
    "brightwater-post",
    "broadsheet-today",
    "city-beat",
    "coastline-times",
    "continental-review",
    "county-mercury",
    "globe-digest",
    "harbourside-examiner",
    "highland-advertiser",
    "ironbridge-clarion",
    "meridian-times",
    "morning-ledger",
    "newsdesk-asia",
    "newswire-online",
    "summit-dispatch",
    "westfield-record",
    NPR_ID,
)
# ---------------------------------------------------------------------------------------------------------------


def draw_split(seed: int = SPLIT_SEED) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """How the split above was drawn: (DEV ids, SCORE ids), each sorted, NPR in SCORE."""
    ids = sorted(slug(site) for site, _ in parts.SITES)
    random.Random(seed).shuffle(ids)
    half = (len(ids) + 1) // 2
    return tuple(sorted(ids[:half])), tuple([*sorted(ids[half:]), NPR_ID])


def split_of(template_id: str) -> str:
    """``"dev"`` or ``"score"``."""
    if template_id in DEV_TEMPLATES:
        return "dev"
    if template_id in SCORE_TEMPLATES:
        return "score"
    raise KeyError(f"template {template_id!r} is in neither split")


def templates_of(split: str) -> list[Template]:
    """The templates of ``"dev"`` or ``"score"``, in the split's order."""
    ids = {"dev": DEV_TEMPLATES, "score": SCORE_TEMPLATES}[split]
    return [TEMPLATES[i] for i in ids]
