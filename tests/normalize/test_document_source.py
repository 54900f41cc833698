"""The site a document comes from, whatever its URL holds."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from copytrail.normalize.common import document_source


@pytest.mark.parametrize(
    ("source", "url", "site"),
    [
        ("  Reuters ", "https://www.example.com/a", "reuters"),
        (None, "https://www.example.com/a?b=1", "example.com"),
        (None, "example.com/path", "example.com"),
        (None, "http://[2001:db8::1]/story", "2001:db8::1"),
        (None, None, None),
        ("", "", None),
    ],
)
def test_source_field_else_url_host(source: str | None, url: str | None, site: str | None) -> None:
    assert document_source(source, url) == site


@pytest.mark.parametrize("url", ["http://[broken/page", "[", "a[b", "http://x]y/z", "//[0]/", "http://[::1/q"])
def test_a_url_whose_host_cannot_be_read_names_no_site(url: str) -> None:
    # urlsplit raises ValueError for these hosts; a crawl's URL must not end a scan.
    assert document_source(None, url) is None


@given(url=st.text(max_size=60))
@settings(max_examples=500, deadline=None)
def test_never_raises_and_names_a_site_or_none(url: str) -> None:
    site = document_source(None, url)
    assert site is None or (isinstance(site, str) and site)
