"""The scan's collection report: its markup offline, then the page in a real browser.

The browser tests reuse the compare report's chromium fixture and page helper
(tests/report/test_html.py) and skip the same way where chromium or playwright is missing.
"""

from __future__ import annotations

import re
from html import escape, unescape
from pathlib import Path

import pytest

from copytrail.records import Relation
from copytrail.report.words import RELATION_WORDS
from copytrail.scan import ReuseFamily, ReusePair, ScanDocument, ScanResult
from copytrail.scan.artifacts import ArtifactStore
from copytrail.scan.families import DocumentFacts, build_families
from copytrail.scan.report import MAX_FAMILIES, SHOWN_FAMILIES, write_collection_report
from tests.conftest import bbc_article
from tests.report.test_html import (  # noqa: F401 - browser is a fixture
    LAPTOP,
    Opened,
    browser,
    check_full_page_screenshot,
    column_text,
)
from tests.scan.conftest import LIFTED

HUMAN_SCREENSHOT = Path("/tmp/copytrail-scan-report.png")
TOP_PAGES = 3


@pytest.fixture(scope="module")
def documents(scanned: ScanResult) -> dict[str, ScanDocument]:
    return {d.id: d for d in ArtifactStore(scanned.out_dir).read_jsonl("documents.jsonl", ScanDocument)}


@pytest.fixture(scope="module")
def written(scanned: ScanResult, documents, tmp_path_factory) -> tuple[Path, list[int]]:  # noqa: ANN001
    """The report of the BBC sample with compare pages for its top pairs, and the advance() calls."""
    calls: list[int] = []
    out = tmp_path_factory.mktemp("scan-report")
    page = write_collection_report(
        out,
        documents,
        scanned.pairs,
        scanned.families,
        stats=scanned.stats,
        compare_pages=TOP_PAGES,
        advance=calls.append,
    )
    return page, calls


def family_sections(page: str) -> dict[str, str]:
    """Each family's markup, by family id."""
    parts = re.split(r'(?=<section class=family id=")', page)[1:]
    return {re.match(r'<section class=family id="([^"]+)"', p).group(1): p.split("</section>")[0] for p in parts}


def pair_rows(section: str) -> dict[tuple[str, str], str]:
    """Each pair row of a family, by (id_a, id_b); the rest of the row as markup."""
    table = section.split("<table class=pairs>")[1]
    cell = r"<td class=id>([^<]*)(?: <span class=tag>original</span>)?</td>"
    return {(unescape(a), unescape(b)): rest for a, b, rest in re.findall(f"<tr>{cell}{cell}(.*?)</tr>", table)}


def linked_pages(page: str) -> dict[int, tuple[str, str]]:
    """compare page number -> the pair whose row links to it."""
    out = {}
    for section in family_sections(page).values():
        for ids, rest in pair_rows(section).items():
            if m := re.search(r'href="compare/(\d+)\.html"', rest):
                out[int(m.group(1))] = ids
    return out


# --- the markup, no browser needed -------------------------------------------------------------


def test_page_lists_every_family_member_and_pair(written, scanned: ScanResult) -> None:  # noqa: ANN001
    page = written[0].read_text(encoding="utf-8")
    sections = family_sections(page)
    assert set(sections) == {f.id for f in scanned.families}
    listed = set()
    for fam in scanned.families:
        section = sections[fam.id]
        assert all(f"<td class=id>{escape(m)}" in section for m in fam.members)
        rows = pair_rows(section)
        assert len(rows) == fam.pairs
        for (a, b), row in rows.items():
            pair = next(p for p in scanned.pairs if (p.id_a, p.id_b) == (a, b))
            name, _, gloss = RELATION_WORDS[pair.relation].partition(": ")
            assert escape(name) in row and escape(gloss) in row
            assert f"{pair.coverage_a:.0%} / {pair.coverage_b:.0%}" in row and f"{pair.score:.2f}" in row
        listed |= set(rows)
    assert listed == {(p.id_a, p.id_b) for p in scanned.pairs}
    assert f"<dt>Documents</dt><dd>{scanned.documents}</dd>" in page
    assert f"<dt>Candidates</dt><dd>{scanned.candidates} pairs" in page


def test_families_are_ranked_largest_first(written, scanned: ScanResult) -> None:  # noqa: ANN001
    page = written[0].read_text(encoding="utf-8")
    order = list(family_sections(page))
    sizes = {f.id: f.size for f in scanned.families}
    assert [sizes[i] for i in order] == sorted(sizes.values(), reverse=True)
    assert LIFTED in family_sections(page)[order[0]]  # the three-document family


def test_original_is_marked(written, scanned: ScanResult) -> None:  # noqa: ANN001
    sections = family_sections(written[0].read_text(encoding="utf-8"))
    for fam in scanned.families:
        marked = re.findall(r"<tr class=original><td class=id>(.*?) <span class=tag>likely original", sections[fam.id])
        # No member is called the original without evidence; the page says so instead.
        assert marked == ([escape(fam.original)] if fam.original else [])
        assert ("Likely original: undecided" in sections[fam.id]) == (fam.original is None)


def test_compare_pages_for_the_top_pairs_hold_both_texts(written, documents, scanned: ScanResult) -> None:  # noqa: ANN001
    path, calls = written
    page = path.read_text(encoding="utf-8")
    assert sorted(p.name for p in (path.parent / "compare").iterdir()) == [f"{n}.html" for n in range(1, TOP_PAGES + 1)]
    assert calls == [1] * TOP_PAGES
    links = linked_pages(page)
    assert sorted(links) == list(range(1, TOP_PAGES + 1))
    largest = scanned.families[0]
    assert all(set(links[n]) <= set(largest.members) for n in (1, 2))  # both pairs of the largest family first
    for n, (a, b) in links.items():
        compare = (path.parent / "compare" / f"{n}.html").read_text(encoding="utf-8")
        assert column_text(compare, "a") == documents[a].text
        assert column_text(compare, "b") == documents[b].text
        assert 'href="../report.html"' in compare
    unlinked = len(scanned.pairs) - TOP_PAGES
    assert page.count("to compare: <code>copytrail compare ") == unlinked
    assert f"For the other {unlinked}, the page shows the <code>copytrail compare</code> command" in page


def test_no_compare_pages_shows_commands(scanned: ScanResult, documents, tmp_path: Path) -> None:  # noqa: ANN001
    stale = tmp_path / "compare" / "7.html"  # from an earlier run with more pages: removed, not left unlinked
    stale.parent.mkdir()
    stale.write_text("old", encoding="utf-8")
    calls: list[int] = []
    page_path = write_collection_report(
        tmp_path, documents, scanned.pairs, scanned.families, compare_pages=0, advance=calls.append
    )
    page = page_path.read_text(encoding="utf-8")
    assert calls == [] and not stale.exists()
    assert 'href="compare/' not in page
    for p in scanned.pairs:
        assert f"to compare: <code>copytrail compare {escape(p.id_a)} {escape(p.id_b)} --embedder none" in page
    assert f"No compare pages were written. For the {len(scanned.pairs)}, the page shows the <code>" in page
    # Without stats the header falls back to what it was given.
    assert f"<dt>Documents</dt><dd>{len(documents)}</dd>" in page and "<dt>Candidates</dt>" not in page


def hostile_collection() -> tuple[dict[str, ScanDocument], list[ReusePair], list[ReuseFamily]]:
    """A real article and its copy, under ids, sources and URLs a hostile page could carry."""
    text = bbc_article("business", "002").read_text(encoding="utf-8")
    a, b = "<script>alert(1)</script>.txt", '"><img src=x onerror=alert(2)>.txt'
    documents = {
        a: ScanDocument(a, text, date="2005-01-01", source="<b>evil</b>", url="javascript:alert(3)"),
        b: ScanDocument(b, text, source="ok", url='https://example.org/?q="><script>alert(4)</script>'),
    }
    id_a, id_b = sorted((a, b))
    pair = ReusePair(id_a, id_b, Relation.DUPLICATE, 1.0, 1.0, 1.0, 1, None, 0.0, ("minhash",))
    facts = {d.id: DocumentFacts(d.date, len(d.text)) for d in documents.values()}
    return documents, [pair], build_families([pair], facts)


@pytest.mark.parametrize("compare_pages", [0, 1])
def test_hostile_ids_and_metadata_are_escaped(tmp_path: Path, compare_pages: int) -> None:
    documents, pairs, families = hostile_collection()
    page = write_collection_report(tmp_path, documents, pairs, families, compare_pages=compare_pages)
    text = page.read_text(encoding="utf-8")
    assert text.count("<script") == 1  # the page's own
    assert "<img" not in text and "<b>evil" not in text and 'href="javascript' not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;.txt" in text and "&lt;b&gt;evil&lt;/b&gt;" in text
    assert 'href="https://example.org/?q=&quot;&gt;&lt;script&gt;alert(4)&lt;/script&gt;"' in text
    if compare_pages:
        compare = (tmp_path / "compare" / "1.html").read_text(encoding="utf-8")
        assert "<script>alert" not in compare and "<img" not in compare
    else:  # the command line is shell-quoted, then escaped
        assert "copytrail compare &#x27;&quot;&gt;&lt;img src=x onerror=alert(2)&gt;.txt&#x27;" in text


def synthetic(count: int) -> tuple[dict[str, ScanDocument], list[ReusePair], list[ReuseFamily]]:
    """``count`` two-document families; family k reuses a share that grows with k."""
    documents: dict[str, ScanDocument] = {}
    pairs = []
    for k in range(count):
        a, b = f"d{k:05d}-a", f"d{k:05d}-b"
        documents[a], documents[b] = (ScanDocument(i, f"Story {k}\n" + "word " * 50) for i in (a, b))
        share = 0.3 + 0.6 * k / max(count, 1)
        pairs.append(ReusePair(a, b, Relation.PARTIAL_REUSE, 0.8, share, share, 1, None, 0.0, ("rare_ngrams",)))
    facts = {i: DocumentFacts(None, len(d.text)) for i, d in documents.items()}
    return documents, pairs, build_families(pairs, facts)


def test_families_of_equal_size_rank_by_amount_of_reuse(tmp_path: Path) -> None:
    documents, pairs, families = synthetic(3)
    page = write_collection_report(tmp_path, documents, pairs, families, compare_pages=1)
    order = list(family_sections(page.read_text(encoding="utf-8")))
    assert order == [f.id for f in sorted(families, key=lambda f: f.members[0], reverse=True)]
    assert linked_pages(page.read_text(encoding="utf-8")) == {1: ("d00002-a", "d00002-b")}


def test_a_huge_collection_collapses_and_counts_what_it_leaves_out(tmp_path: Path) -> None:
    documents, pairs, families = synthetic(MAX_FAMILIES + 10)
    page = write_collection_report(tmp_path, documents, pairs, families, compare_pages=0).read_text(encoding="utf-8")
    assert page.count("<section class=family ") == MAX_FAMILIES
    assert len(re.findall(r"<section class=family [^>]* hidden>", page)) == MAX_FAMILIES - SHOWN_FAMILIES
    assert "<strong>10 smaller families are not on this page</strong>" in page
    assert f"all {MAX_FAMILIES + 10:,} are in families.jsonl" in page


def test_an_empty_collection_says_so(tmp_path: Path) -> None:
    page = write_collection_report(tmp_path, {}, [], [], compare_pages=5).read_text(encoding="utf-8")
    assert "No reuse found" in page and "<section class=family" not in page


# --- in a real browser --------------------------------------------------------------------------


@pytest.fixture
def opened(browser, written):  # noqa: ANN001, ANN201, F811
    opened = Opened(browser, written[0])
    yield opened
    opened.context.close()


def visible_families(opened: Opened) -> list[str]:
    return opened.page.eval_on_selector_all("section.family", "els => els.filter(e => !e.hidden).map(e => e.id)")


def test_page_loads_offline_without_errors(opened: Opened, scanned: ScanResult) -> None:
    opened.page.wait_for_load_state("networkidle")
    assert opened.errors == [] and opened.requests == [opened.url]
    assert len(visible_families(opened)) == len(scanned.families)
    assert (
        opened.page.locator("#status").inner_text()
        == f"showing {len(scanned.families)} of {len(scanned.families)} families"
    )
    assert opened.page.locator("#more").is_hidden()


def test_filter_hides_non_matching_families(opened: Opened, scanned: ScanResult) -> None:
    page = opened.page
    page.locator("#filter").fill("SPORT/004")  # case does not matter
    lifted = next(f.id for f in scanned.families if LIFTED in f.members)
    assert visible_families(opened) == [lifted]
    assert page.locator("#status").inner_text() == f"1 of {len(scanned.families)} families match"
    page.locator("#filter").fill("gains greenspan")  # every word, from the members' first lines
    assert len(visible_families(opened)) == 1
    page.locator("#filter").fill("")
    page.locator("#relation").select_option("duplicate")
    duplicates = {f.id for f in scanned.families if dict(f.relations).get("duplicate")}
    assert set(visible_families(opened)) == duplicates
    page.locator("#filter").fill("no such document")
    assert visible_families(opened) == [] and page.locator("#status").inner_text().startswith("0 of")
    assert page.locator("#nomatch").is_visible()
    assert opened.errors == []


def test_clicking_a_pair_opens_its_compare_page(opened: Opened, written, documents) -> None:  # noqa: ANN001
    page = opened.page
    a, _ = linked_pages(written[0].read_text(encoding="utf-8"))[1]
    page.locator('a[href="compare/1.html"]').click()
    page.wait_for_load_state("load")
    assert page.url.endswith("/compare/1.html")
    assert documents[a].text.splitlines()[0] in page.locator("#text-a").inner_text()
    assert page.locator("#text-a .passage").count() > 0
    page.locator("text=back to the collection report").click()
    page.wait_for_load_state("load")
    assert page.url == opened.url
    assert opened.errors == [] and all(url.startswith("file://") for url in opened.requests)


def test_show_more_reveals_the_next_families(browser, tmp_path: Path) -> None:  # noqa: ANN001, F811
    documents, pairs, families = synthetic(SHOWN_FAMILIES + 20)
    opened = Opened(browser, write_collection_report(tmp_path, documents, pairs, families, compare_pages=0))
    try:
        assert len(visible_families(opened)) == SHOWN_FAMILIES
        more = opened.page.locator("#more")
        assert more.inner_text() == "Show 20 more"
        more.click()
        assert len(visible_families(opened)) == SHOWN_FAMILIES + 20 and more.is_hidden()
        opened.page.locator("#filter").fill("d0007 story")  # d00070..d00079, hidden ones included; words AND-ed
        assert len(visible_families(opened)) == 10
        assert opened.errors == [] and opened.requests == [opened.url]
    finally:
        opened.context.close()


def test_screenshot_at_laptop_size(opened: Opened, tmp_path: Path) -> None:
    check_full_page_screenshot(opened, tmp_path / "scan-report.png", HUMAN_SCREENSHOT)


def test_a_page_finds_what_changed_when_verify_named_the_original_only(tmp_path: Path) -> None:
    """Verify leaves a kept pair's explanation to the report stage (issue 12): the page is as if it had not."""
    import dataclasses

    import copytrail
    from copytrail.report.html import render_html
    from copytrail.scan.report import _BACK_LINK, _write_compare_pages

    text = bbc_article("business", "001").read_text(encoding="latin-1")
    copy = text.replace("said", "is saying", 2).replace("rose", "fell", 1)
    explained = copytrail.compare(
        copytrail.load_bytes(text.encode(), name="a"),
        copytrail.load_bytes(copy.encode(), name="b"),
        config=copytrail.CompareConfig(embedder="none"),
    )
    assert explained.explanation is not None and explained.explanation.changes
    pair = ReusePair("a", "b", explained.relation, 1.0, 1.0, 1.0, 1, None, 0.0, ("minhash",))
    saved = dataclasses.replace(explained, explanation=None)
    _write_compare_pages(tmp_path, [pair], {}, "none", lambda _: None, lambda _: saved)
    page = (tmp_path / "compare" / "1.html").read_text(encoding="utf-8")
    assert page == render_html(explained).replace("<body>", "<body>" + _BACK_LINK, 1)
