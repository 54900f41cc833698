"""The site templates of the page-chrome benchmarks (bench/_chrome.py): many, different, and a frozen split."""

from __future__ import annotations

import hashlib
import importlib
import itertools
import random
import re
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"


@pytest.fixture(scope="module")
def chrome():  # noqa: ANN201 - the bench module
    sys.path.insert(0, str(BENCH))
    try:
        common = importlib.import_module("_common")
        if not (common.SHARED / "examples" / "kherson").is_dir():
            pytest.skip(f"shared examples not found at {common.SHARED}")
        return importlib.import_module("_chrome")
    finally:
        sys.path.remove(str(BENCH))


# sha256 of the split as "DEV ids joined by commas|SCORE ids joined by commas", taken when it was drawn.
# The split must never change: if this fails, put the split back; do not update the digest.
SPLIT_DIGEST = "d1f5a8f8368ce39b136d09b880930f3193182ba9aa92332e0e32267f61b1d904"

PARAGRAPHS = [
    "The first paragraph of a story about a factory that closed. Workers were told on Monday.",
    'A second paragraph, with a quote: "We did not see it coming," said one of them.',
    "The third paragraph gives the figures: 1,200 jobs, and 40 years of production.",
    "A fourth paragraph says what happens next.",
    *(
        f"Paragraph {k} of the story, long enough for every prompt a site puts between paragraphs."
        for k in range(5, 13)
    ),
]
RELATED = [f"Related headline number {k}" for k in range(12)]


def test_at_least_thirty_templates_with_chrome(chrome) -> None:  # noqa: ANN001
    assert len(chrome.TEMPLATES) >= 30
    for template in chrome.TEMPLATES.values():
        assert len(template.fixed_lines()) >= 5, template.id


def test_templates_differ_in_wording(chrome) -> None:  # noqa: ANN001
    """Any two sites share few of their fixed lines (names swapped in one wording would share nearly all)."""
    for a, b in itertools.combinations(chrome.TEMPLATES.values(), 2):
        la, lb = a.fixed_lines(), b.fixed_lines()
        shared = la & lb
        assert len(shared) / len(la | lb) <= 0.15, (a.id, b.id, shared)
        assert len(shared) <= 3, (a.id, b.id, shared)


def test_wordings_not_only_names(chrome) -> None:  # noqa: ANN001
    """With each site's name and domain masked out, the sites' footers and prompts still differ."""

    def masked(template) -> set[str]:  # noqa: ANN001
        site = template.site
        domain = next((d for s, d in chrome.parts.SITES if s == site), "")
        return {line.replace(site, "SITE").replace(domain, "DOMAIN") for line in template.fixed_lines()}

    for a, b in itertools.combinations(chrome.TEMPLATES.values(), 2):
        ma, mb = masked(a), masked(b)
        assert len(ma & mb) / len(ma | mb) <= 0.15, (a.id, b.id, ma & mb)


# The page chrome of the benchmark before issue 8 (bench/_scan_corpus.py's add_chrome at de5aea3), on which
# copytrail's pattern rules were tuned: no template may hold it, or the SCORE templates would not be new text.
TUNED_CHROME = [
    r"^Share this (?:article|page)$",
    r"^Share on Facebook \| Share on Twitter \| Email$",
    r"^Print this story$",
    r"^Last updated: .* GMT$",
    r"^Published: \d\d:\d\d GMT",
    r"^Page last updated",
    r"^© \d{4} .*\. All rights reserved\.$",
    r"This material may not be published, broadcast, rewritten or redistributed",
    r"^About us \| Contact us \| Terms of use",
    r"is not responsible for the content of external internet sites",
    r"^Related stories$",
]


def test_no_template_holds_the_chrome_the_rules_were_tuned_on(chrome) -> None:  # noqa: ANN001
    for template in chrome.TEMPLATES.values():
        page = template.render(PARAGRAPHS, "Factory closes after 40 years", random.Random(5), RELATED)
        for line in page.splitlines():
            for pattern in TUNED_CHROME:
                assert not re.search(pattern, line.strip()), (template.id, line)


def test_render_keeps_the_story_and_adds_the_site(chrome) -> None:  # noqa: ANN001
    for template in chrome.TEMPLATES.values():
        page = template.render(PARAGRAPHS, "Factory closes after 40 years", random.Random(3), RELATED)
        blocks = page.split("\n\n")
        story = [b for b in blocks if b in PARAGRAPHS]
        assert story == PARAGRAPHS, template.id  # every paragraph, in order, unchanged
        assert "Factory closes after 40 years" in blocks
        for line in template.fixed_lines():
            assert line in page, (template.id, line)
        # Two pages of one site with different stories share the fixed chrome, and not the story.
        other = template.render([f"Another story, part {k}." for k in range(12)], "Else", random.Random(4), RELATED)
        assert template.fixed_lines() <= {line.strip() for line in other.splitlines()}
        assert PARAGRAPHS[0] not in other


def test_templates_are_built_the_same_every_time(chrome) -> None:  # noqa: ANN001
    assert chrome.build_templates() == chrome.TEMPLATES


def test_npr_template_uses_the_real_page_lines(chrome) -> None:  # noqa: ANN001
    npr = chrome.TEMPLATES[chrome.NPR_ID]
    real = {line.strip() for line in chrome.KHERSON_NPR.read_text(encoding="utf-8").splitlines()}
    assert npr.fixed_lines() <= real
    assert {"Play Live Radio", "Copyright 2022 NPR. To see more, visit https://www.npr.org."} <= npr.fixed_lines()


def test_split_is_disjoint_complete_and_half(chrome) -> None:  # noqa: ANN001
    dev, score = set(chrome.DEV_TEMPLATES), set(chrome.SCORE_TEMPLATES)
    assert not dev & score
    assert dev | score == set(chrome.TEMPLATES)
    assert chrome.NPR_ID in score
    assert abs(len(dev) - len(score)) <= 2
    assert {t.split for t in chrome.templates_of("dev")} == {"dev"}
    assert {t.split for t in chrome.templates_of("score")} == {"score"}


def test_split_is_stable(chrome) -> None:  # noqa: ANN001
    """The written-out split is the one the seeded shuffle drew, and has not changed since it was drawn."""
    assert chrome.draw_split(chrome.SPLIT_SEED) == (chrome.DEV_TEMPLATES, chrome.SCORE_TEMPLATES)
    text = ",".join(chrome.DEV_TEMPLATES) + "|" + ",".join(chrome.SCORE_TEMPLATES)
    assert hashlib.sha256(text.encode()).hexdigest() == SPLIT_DIGEST
