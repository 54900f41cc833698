"""The web page in a real browser (Debian's chromium through Playwright), against a live server on loopback.

Screenshots of both flows go to /tmp/copytrail-page-*.png for a person to look at.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

uvicorn = pytest.importorskip("uvicorn")

from copytrail.archive import Archive  # noqa: E402
from copytrail.service import ServiceConfig, create_app  # noqa: E402
from tests.conftest import KHERSON_COPY, KHERSON_ORIGINAL, require_shared  # noqa: E402
from tests.report.test_html import CHROMIUM, CHROMIUM_ARGS, LAPTOP  # noqa: E402
from tests.service.conftest import TOKEN  # noqa: E402

SCREENSHOTS = Path("/tmp")
# A browser start and a live server take several seconds.
pytestmark = pytest.mark.slow


class SlowArchive:
    """The archive, with queries held back a second so the page's progress display can be seen."""

    def __init__(self, archive: Archive) -> None:
        self._archive = archive

    def __getattr__(self, name: str):  # noqa: ANN204
        return getattr(self._archive, name)

    def query(self, *args, **kwargs):  # noqa: ANN002, ANN003, ANN201
        time.sleep(1.0)
        return self._archive.query(*args, **kwargs)


@pytest.fixture(scope="module")
def server_url(small_archive: Archive) -> Iterator[str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    app = create_app(SlowArchive(small_archive), ServiceConfig(token=TOKEN, embedder="none"))  # type: ignore[arg-type]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    ends = time.monotonic() + 30
    while not server.started and time.monotonic() < ends:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser():  # noqa: ANN201
    if not CHROMIUM.exists():
        pytest.skip(f"no chromium at {CHROMIUM}: install Debian's (apt-get install chromium) to run the browser tests")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install playwright)")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, server_url):  # noqa: ANN001, ANN201
    context = browser.new_context(viewport=LAPTOP)
    page = context.new_page()
    page.errors = []
    page.requests = []
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    page.on("request", lambda request: page.requests.append(request.url))
    page.goto(server_url + "/", wait_until="load")
    yield page
    context.close()


def test_compare_two_pasted_texts(page, server_url) -> None:  # noqa: ANN001
    page.get_by_test_id("token").fill(TOKEN)
    page.get_by_test_id("token").dispatch_event("change")
    page.get_by_test_id("text-a").fill(require_shared(KHERSON_COPY).read_text())
    page.get_by_test_id("text-b").fill(require_shared(KHERSON_ORIGINAL).read_text())
    page.get_by_test_id("run-compare").click()
    summary = page.get_by_test_id("compare-summary")
    summary.wait_for(state="visible", timeout=60_000)
    assert summary.inner_text().startswith("rewrite")
    frame = page.frame_locator("[data-testid=compare-report]")
    frame.locator("#text-a").wait_for(timeout=30_000)
    assert "Kherson" in frame.locator("#text-b").inner_text()
    page.screenshot(path=str(SCREENSHOTS / "copytrail-page-compare.png"), full_page=False)
    assert page.errors == []
    # Nothing but the server itself was asked for anything: the page works offline.
    assert all(url.startswith(server_url) or url.startswith("about:") for url in page.requests), page.requests


def test_one_text_against_the_archive_shows_progress_then_ranked_matches(page) -> None:  # noqa: ANN001
    page.get_by_test_id("token").fill(TOKEN)
    page.get_by_test_id("token").dispatch_event("change")
    page.get_by_role("tab", name="Search the archive").click()
    page.get_by_test_id("query-text").fill(require_shared(KHERSON_COPY).read_text())
    page.get_by_test_id("run-query").click()
    progress = page.locator("#query-progress")
    progress.wait_for(state="visible", timeout=5_000)
    assert "working" in progress.inner_text()
    assert page.get_by_test_id("run-query").is_disabled()
    rows = page.get_by_test_id("matches").locator("tbody tr")
    rows.first.wait_for(timeout=60_000)
    cells = rows.first.locator("td").all_inner_texts()
    assert cells[1:3] == ["kherson-original", "rewrite"]
    assert progress.is_hidden()
    frame = page.frame_locator("[data-testid=match-report]")
    frame.locator("#text-b").wait_for(timeout=30_000)
    assert "Kherson" in frame.locator("#text-b").inner_text()
    page.screenshot(path=str(SCREENSHOTS / "copytrail-page-archive.png"), full_page=True)
    assert page.errors == []


def test_a_wrong_token_is_explained_on_the_page(page) -> None:  # noqa: ANN001
    page.get_by_test_id("token").fill("not-the-token-at-all")
    page.get_by_test_id("text-a").fill("One text.")
    page.get_by_test_id("text-b").fill("Another text.")
    page.get_by_test_id("run-compare").click()
    error = page.locator("#compare-error")
    error.wait_for(state="visible", timeout=10_000)
    assert "bearer token" in error.inner_text() and "access token" in error.inner_text()
