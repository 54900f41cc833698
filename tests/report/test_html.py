"""The HTML report: its markup offline, then the page in a real browser (Debian's chromium).

The browser tests drive /usr/bin/chromium through Playwright and are skipped where it is
not installed (CI installs it; see .ci/run). Playwright's own browser downloads are never
used: they need the network.
"""

from __future__ import annotations

import contextlib
import dataclasses
import struct
from html import escape
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

import copytrail
from copytrail.cli.main import main
from copytrail.compare import CompareConfig
from copytrail.records import ChangeKind, Role
from copytrail.report.html import Layer, render_html, render_layers
from tests.conftest import KHERSON_COPY, KHERSON_ORIGINAL, bbc_article, require_shared

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
LAPTOP = {"width": 1366, "height": 768}
HUMAN_SCREENSHOT = Path("/tmp/copytrail-report.png")


class _ColumnText(HTMLParser):
    """Collects the text inside the element with a given id (the page's text columns)."""

    def __init__(self, element_id: str) -> None:
        super().__init__(convert_charrefs=True)
        self.element_id, self.depth, self.parts = element_id, 0, []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.depth:
            self.depth += 1
        elif ("id", self.element_id) in attrs:
            self.depth = 1

    def handle_endtag(self, tag: str) -> None:
        if self.depth:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.parts.append(data)


def column_text(page: str, side: str) -> str:
    parser = _ColumnText(f"text-{side}")
    parser.feed(page)
    return "".join(parser.parts)


def first_story_sentence(doc) -> str:  # noqa: ANN001
    return next(s.text for s in doc.segments if s.role is Role.STORY)


# --- the markup, no browser needed -------------------------------------------------------------


def test_render_layers_flattens_overlaps_and_escapes() -> None:
    text = "a <b> & c"
    out = render_layers(
        text,
        [Layer(0, 9, ("outer",), "whole", "x"), Layer(2, 5, ("inner",), "tag", "y"), Layer(4, 4, (), None, "z")],
    )
    assert out == (
        '<span class="outer" title="whole" id="x">a </span>'
        '<span class="outer inner" title="whole · tag" id="y">&lt;b</span>'
        '<span id="z"></span><span class="outer inner" title="whole · tag">&gt;</span>'
        '<span class="outer" title="whole"> &amp; c</span>'
    )


def test_word_diffs_mark_each_columns_own_words() -> None:
    from copytrail.report.html import _layers

    story = "The council approved the {} budget on Tuesday after a long and heated debate in the chamber.\n\n"
    rest = "Engineers said the steel beams of the old bridge had corroded far more than expected since 2019.\n"
    report = copytrail.compare(
        copytrail.load_bytes((story.format("new") + rest).encode(), name="a.txt"),
        copytrail.load_bytes(("Intro line one here.\n\n" + story.format("revised") + rest).encode(), name="b.txt"),
        config=CompareConfig(embedder="none", explain=False),
    )
    for side, word in (("a", "new"), ("b", "revised")):
        doc = getattr(report, side)
        marked = [doc.text[layer.start : layer.end] for layer in _layers(report, side) if "diff" in layer.classes]
        assert marked == [word], (side, marked)


def test_page_keeps_every_character_of_both_texts(kherson_report) -> None:  # noqa: ANN001
    page = render_html(kherson_report)
    assert column_text(page, "a") == kherson_report.a.text
    assert column_text(page, "b") == kherson_report.b.text


def test_page_is_self_contained(kherson_report) -> None:  # noqa: ANN001
    page = render_html(kherson_report)
    for needle in ("<link", "src=", "@import", "url(", "@font-face"):
        assert needle not in page, needle
    assert page.count("<html") == 1 and page.rstrip().endswith("</html>")


def unrelated_report() -> copytrail.CompareReport:
    config = CompareConfig(embedder="none")
    return copytrail.compare(bbc_article("business", "001"), bbc_article("sport", "001"), config=config)


def test_page_without_passages_or_explanation() -> None:
    report = unrelated_report()
    assert not report.passages
    for variant in (report, dataclasses.replace(report, explanation=None)):
        page = render_html(variant)
        assert column_text(page, "a") == report.a.text and column_text(page, "b") == report.b.text
        assert 'class="passage' not in page.split('id="texts"')[1]  # (the legend above shows one)


def test_change_ids_mark_each_side_that_exists(kherson_report) -> None:  # noqa: ANN001
    page = render_html(kherson_report)
    for n, change in enumerate(kherson_report.explanation.changes):
        if change.kind is ChangeKind.WORDING:
            assert f'data-change="{n}"' not in page
            continue
        assert f'data-change="{n}"' in page
        assert (f'id="a-change-{n}"' in page) == (change.a is not None)
        assert (f'id="b-change-{n}"' in page) == (change.b is not None)


# --- the command line ---------------------------------------------------------------------------


def test_cli_writes_the_html_report(tmp_path: Path, kherson_report) -> None:  # noqa: ANN001
    out = tmp_path / "out.html"
    a, b = str(require_shared(KHERSON_COPY)), str(require_shared(KHERSON_ORIGINAL))
    result = CliRunner().invoke(main, ["compare", a, b, "--json", "--html", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert first_story_sentence(kherson_report.a) in column_text(page, "a")
    assert first_story_sentence(kherson_report.b) in column_text(page, "b")
    assert escape(kherson_report.a.name) in page


def test_cli_html_to_a_missing_directory_is_a_one_line_error() -> None:
    a, b = str(require_shared(KHERSON_COPY)), str(require_shared(KHERSON_ORIGINAL))
    result = CliRunner().invoke(
        main, ["compare", a, b, "--embedder", "none", "--html", "/nonexistent/dir/x.html"], catch_exceptions=False
    )
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.strip().splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert lines[0].startswith("Error:") and "/nonexistent/dir/x.html" in lines[0]
    assert "Traceback" not in result.output


# --- in a real browser --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser():  # noqa: ANN201
    if not CHROMIUM.exists():
        pytest.skip(f"no chromium at {CHROMIUM}: install Debian's (apt-get install chromium) to run the browser tests")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install playwright)")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def report_file(kherson_report, tmp_path_factory) -> Path:  # noqa: ANN001
    path = tmp_path_factory.mktemp("html") / "kherson.html"
    path.write_text(render_html(kherson_report), encoding="utf-8")
    return path


class Opened:
    """A page at laptop size with the report loaded, and what it logged and requested."""

    def __init__(self, browser, path: Path) -> None:  # noqa: ANN001
        self.context = browser.new_context(viewport=LAPTOP)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.page.on("console", lambda msg: self.errors.append(msg.text) if msg.type == "error" else None)
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.url = path.as_uri()
        self.page.goto(self.url, wait_until="load")

    def in_column(self, selector: str, side: str) -> bool:
        """Whether the element lies inside the visible area of its text column."""
        box = self.page.locator(selector).bounding_box()
        col = self.page.locator(f"#text-{side}").bounding_box()
        assert box is not None and col is not None, selector
        return box["y"] >= col["y"] - 1 and box["y"] + box["height"] <= col["y"] + col["height"] + 1

    def in_viewport(self, selector: str) -> bool:
        box = self.page.locator(selector).bounding_box()
        return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= LAPTOP["height"]

    def settle(self) -> None:
        """Wait until the page and both columns have stopped scrolling (smooth scrolls take a while)."""
        self.page.evaluate(
            """() => new Promise(resolve => {
                const cols = ['text-a', 'text-b'].map(id => document.getElementById(id));
                let last = '', still = 0, frames = 0;
                const tick = () => {
                  const now = [scrollY, ...cols.map(c => c.scrollTop)].join();
                  still = now === last ? still + 1 : 0; last = now;
                  if (still >= 10 || ++frames > 600) resolve(); else requestAnimationFrame(tick);
                };
                requestAnimationFrame(tick);
            })"""
        )


@pytest.fixture
def opened(browser, report_file):  # noqa: ANN001, ANN201
    opened = Opened(browser, report_file)
    yield opened
    opened.context.close()


def test_page_loads_offline_without_errors(opened: Opened) -> None:
    opened.page.wait_for_load_state("networkidle")
    assert opened.errors == []
    assert opened.requests == [opened.url]


def test_changes_and_highlights_are_on_the_page(opened: Opened) -> None:
    page = opened.page
    assert page.locator('[data-kind="altered_quote"]').count() >= 4
    number = page.locator('[data-kind="number"]', has_text="a dozen")
    assert number.count() == 1 and "more than 40" in number.inner_text()
    assert "reworded with the same facts" in page.locator(".reworded").inner_text()
    assert page.locator("#text-a .passage").count() > 0 and page.locator("#text-b .passage").count() > 0
    assert page.locator("#text-b .boiler").count() > 0
    colour = "el => getComputedStyle(el).backgroundColor"
    assert page.locator("#text-a .p-1").first.evaluate(colour) == page.locator("#text-b .p-1").first.evaluate(colour)
    assert page.locator("#text-a .p-1").first.evaluate(colour) != page.locator("#text-a .p-2").first.evaluate(colour)
    assert page.locator("#text-b .caption").first.evaluate("el => getComputedStyle(el).fontStyle") == "italic"


def test_clicking_a_change_scrolls_both_texts_to_it(opened: Opened) -> None:
    item = opened.page.locator('[data-kind="number"]', has_text="a dozen")
    n = item.get_attribute("data-change")
    a, b = f"#a-change-{n}", f"#b-change-{n}"
    assert not opened.in_column(a, "a") and not opened.in_column(b, "b")
    item.click()
    assert "flash" in (opened.page.locator(b).get_attribute("class") or "")  # checked now: the flash fades
    opened.settle()
    assert opened.in_column(a, "a") and opened.in_column(b, "b")
    assert opened.in_viewport(a) and opened.in_viewport(b)


def test_clicking_an_aligned_sentence_shows_its_counterpart(opened: Opened, kherson_report) -> None:  # noqa: ANN001
    pair = kherson_report.passages[-1].pairs[-1]
    opened.page.locator(f"#text-a .seg-{pair.a}").first.scroll_into_view_if_needed()
    assert not opened.in_column(f"#text-b .seg-{pair.b} >> nth=0", "b")
    opened.page.locator(f"#text-a .seg-{pair.a}").first.click()
    opened.settle()
    assert opened.in_column(f"#text-b .seg-{pair.b} >> nth=0", "b")


def test_print_layout_shows_the_whole_texts(opened: Opened) -> None:
    opened.page.emulate_media(media="print")
    for side in "ab":
        overflow, fits = opened.page.locator(f"#text-{side}").evaluate(
            "el => [getComputedStyle(el).overflowY, el.scrollHeight <= el.clientHeight + 1]"
        )
        assert overflow == "visible" and fits


def test_page_without_passages_runs_cleanly(browser, tmp_path: Path) -> None:  # noqa: ANN001
    path = tmp_path / "unrelated.html"
    path.write_text(render_html(unrelated_report()), encoding="utf-8")
    opened = Opened(browser, path)
    try:
        opened.page.locator("#text-a").click()  # a click with no aligned sentence under it does nothing
        assert opened.errors == [] and opened.requests == [opened.url]
    finally:
        opened.context.close()


def check_full_page_screenshot(opened: Opened, shot: Path, copy_for_people: Path) -> None:
    """A full-page screenshot at laptop width that is not blank; a copy goes where a person can look at it."""
    opened.page.screenshot(path=str(shot), full_page=True)
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert width == LAPTOP["width"] and height > LAPTOP["height"]
    assert len(data) > 50_000  # a blank or broken page compresses to a few kilobytes
    with contextlib.suppress(OSError):  # failing to write the copy is no test failure
        copy_for_people.write_bytes(data)


def test_screenshot_at_laptop_size(opened: Opened, tmp_path: Path) -> None:
    check_full_page_screenshot(opened, tmp_path / "report.png", HUMAN_SCREENSHOT)
