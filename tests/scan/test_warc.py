"""Reading WARC files: article pages become documents, the rest of a crawl is passed over.

The WARC files are written here by hand (a few lines of bytes), not with the library that
reads them, so a shared misreading of the format cannot hide.
"""

from __future__ import annotations

import gzip
import html
import uuid
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from copytrail import Relation
from copytrail.scan import ReaderConfig, ScanConfig, ScanDocument, SkippedDocument, UnusableInput, iter_documents, scan
from tests.conftest import BBC, require_shared

pytest.importorskip("fastwarc")

ORIGINAL = "business/001.txt"
OTHER = "tech/002.txt"
PLAIN = "politics/001.txt"

ORIGINAL_URL = "https://news.example.com/business/time-warner-profit"
OTHER_URL = "https://news.example.com/tech/phones"
COPY_URL = "https://aggregator.example.org/2024/03/02/ad-sales-boost"
PLAIN_URL = "https://wire.example.net/politics/001.txt"
# WARC-Dates: crawl information, the original story and the other story, the copy, the plain text.
D0, D1, D2, D3 = "2024-03-01T07:59:00Z", "2024-03-01T08:00:00Z", "2024-03-02T09:30:00Z", "2024-03-03T10:00:00Z"
HTTP_RESPONSE = "application/http; msgtype=response"


# --- writing WARC by hand -----------------------------------------------------------


def warc_record(kind: str, uri: str | None, block: bytes, *, content_type: str, date: str) -> bytes:
    """One WARC/1.1 record: header lines, a blank line, the block, two CRLFs."""
    lines = [
        "WARC/1.1",
        f"WARC-Type: {kind}",
        f"WARC-Record-ID: <urn:uuid:{uuid.uuid4()}>",
        f"WARC-Date: {date}",
        *([f"WARC-Target-URI: {uri}"] if uri else []),
        f"Content-Type: {content_type}",
        f"Content-Length: {len(block)}",
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + block + b"\r\n\r\n"


def http_response(
    body: bytes, status: str = "200 OK", content_type: str = "text/html; charset=utf-8", **extra: str
) -> bytes:
    """An HTTP response as a crawler stores it; ``Content_Encoding="gzip"`` adds that header."""
    headers = [f"HTTP/1.1 {status}", f"Content-Type: {content_type}"]
    headers += [f"{name.replace('_', '-')}: {value}" for name, value in extra.items()]
    if "Transfer_Encoding" not in extra:
        headers.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(headers) + "\r\n\r\n").encode() + body


def response(uri: str, body: bytes, date: str, **http: str) -> bytes:
    return warc_record("response", uri, http_response(body, **http), content_type=HTTP_RESPONSE, date=date)


def chunked(body: bytes, size: int = 700) -> bytes:
    parts = [b"%x\r\n%s\r\n" % (len(body[i : i + size]), body[i : i + size]) for i in range(0, len(body), size)]
    return b"".join(parts) + b"0\r\n\r\n"


def news_page(article: str, site: str, chrome: list[str]) -> bytes:
    """An article as a news site would serve it: navigation, the story, related links, a footer."""
    title, _, body = article.partition("\n")
    paragraphs = "".join(f"<p>{html.escape(p.strip())}</p>\n" for p in body.split("\n\n") if p.strip())
    links = "".join(f'<li><a href="/{i}">{html.escape(c)}</a></li>' for i, c in enumerate(chrome))
    return (
        "<!DOCTYPE html>\n<html><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)} | {site}</title></head><body>"
        f"<header><nav><ul>{links}</ul></nav></header>"
        f"<main><article><h1>{html.escape(title)}</h1>\n{paragraphs}</article></main>"
        f"<aside><h2>Most read</h2><ul>{links}</ul></aside>"
        f"<footer><p>Copyright 2024 {site}. All rights reserved.</p></footer>"
        "</body></html>"
    ).encode()


NEWS_CHROME = ["Home", "World", "Business", "Technology", "Sign in"]
AGGREGATOR_CHROME = ["Top stories", "Trending now", "Newsletter: subscribe today", "Advertise with us"]


def article(rel: str) -> str:
    return (require_shared(BBC) / rel).read_text(encoding="utf-8")


def crawl_records() -> list[bytes]:
    """A small crawl, in order (record numbers 1..12):

    1 warcinfo, 2 request, 3 the original story, 4 another story (gzip-encoded, chunked),
    5 a 404 page, 6 a JPEG, 7 the copy inside other chrome, 8 a text/html record whose body
    is binary, 9 a page with no text at all, 10 a plain-text resource, 11 a redirect,
    12 a metadata record.
    """
    other = news_page(article(OTHER), "Example News", NEWS_CHROME)
    jpeg = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)) * 4
    binary = b"\x00\x01\x02\x03garbage\x00" + bytes(range(256)) * 8
    empty = b"<!DOCTYPE html><html><head><title></title><script>var x = 1;</script></head><body></body></html>"
    return [
        warc_record("warcinfo", None, b"software: hand-written\r\n", content_type="application/warc-fields", date=D0),
        warc_record(
            "request",
            ORIGINAL_URL,
            b"GET /business/time-warner-profit HTTP/1.1\r\nHost: news.example.com\r\n\r\n",
            content_type="application/http; msgtype=request",
            date=D1,
        ),
        response(ORIGINAL_URL, news_page(article(ORIGINAL), "Example News", NEWS_CHROME), D1),
        response(
            OTHER_URL,
            chunked(gzip.compress(other)),
            D1,
            Content_Encoding="gzip",
            Transfer_Encoding="chunked",
        ),
        response(
            "https://news.example.com/missing",
            b"<html><body><p>Page not found</p></body></html>",
            D1,
            status="404 Not Found",
        ),
        response("https://news.example.com/logo.jpg", jpeg, D1, content_type="image/jpeg"),
        response(COPY_URL, news_page(article(ORIGINAL), "Aggregator", AGGREGATOR_CHROME), D2),
        response("https://aggregator.example.org/broken", binary, D2),
        response("https://aggregator.example.org/empty", empty, D2),
        warc_record(
            "resource", PLAIN_URL, article(PLAIN).encode("utf-8"), content_type="text/plain; charset=utf-8", date=D3
        ),
        response("https://news.example.com/old", b"", D1, status="301 Moved Permanently"),
        warc_record("metadata", ORIGINAL_URL, b"outlinks: 3\r\n", content_type="application/warc-fields", date=D1),
    ]


EXPECTED_IDS = [ORIGINAL_URL, OTHER_URL, COPY_URL, PLAIN_URL]
EXPECTED_IGNORED = {"warcinfo": 1, "request": 1, "http 404": 1, "image/jpeg": 1, "http 301": 1, "metadata": 1}


def write_warc(path: Path, records: list[bytes], *, compress: bool) -> Path:
    # One gzip member per record, as crawlers write .warc.gz.
    path.write_bytes(b"".join(gzip.compress(r) for r in records) if compress else b"".join(records))
    return path


@pytest.fixture(scope="module")
def records() -> list[bytes]:
    return crawl_records()


@pytest.fixture
def crawl(tmp_path: Path, records: list[bytes]) -> Path:
    return write_warc(tmp_path / "crawl.warc.gz", records, compress=True)


def read(path: Path, config: ReaderConfig | None = None) -> tuple[list[ScanDocument], list[SkippedDocument], Counter]:
    ignored: Counter[str] = Counter()
    items = list(iter_documents([path], config, ignored=ignored))
    docs = [i for i in items if isinstance(i, ScanDocument)]
    skips = [i for i in items if isinstance(i, SkippedDocument)]
    assert len(docs) + len(skips) == len(items)
    return docs, skips, ignored


# --- reading --------------------------------------------------------------------------


@pytest.mark.parametrize("compress", [True, False], ids=["warc.gz", "warc"])
def test_article_pages_become_documents(tmp_path: Path, records: list[bytes], compress: bool) -> None:
    path = write_warc(tmp_path / ("crawl.warc.gz" if compress else "crawl.warc"), records, compress=compress)
    docs, _, _ = read(path)
    assert [d.id for d in docs] == EXPECTED_IDS
    assert [d.url for d in docs] == EXPECTED_IDS
    assert [d.date for d in docs] == [D1, D1, D2, D3]
    by_id = {d.id: d for d in docs}
    # HTML goes through trafilatura: the story is kept, menus and footers are not.
    original, copy = by_id[ORIGINAL_URL].text, by_id[COPY_URL].text
    assert "TimeWarner jumped 76%" in original and "TimeWarner jumped 76%" in copy
    assert "Newsletter: subscribe today" not in copy and "All rights reserved" not in copy
    assert "<p>" not in original
    # The second story was stored gzip-encoded and chunked, as the server sent it.
    assert article(OTHER).split("\n")[0] in by_id[OTHER_URL].text
    # A text/plain resource record is read as plain text.
    assert by_id[PLAIN_URL].text.startswith(article(PLAIN).split("\n")[0])


def test_unusable_pages_are_skipped_with_their_record_number(crawl: Path) -> None:
    _, skips, _ = read(crawl)
    assert [(s.file, s.line, s.id) for s in skips] == [
        (str(crawl), 8, "https://aggregator.example.org/broken"),
        (str(crawl), 9, "https://aggregator.example.org/empty"),
    ]
    assert "binary" in skips[0].reason
    assert "no article text" in skips[1].reason


def test_records_that_are_no_articles_are_counted_not_skipped(crawl: Path) -> None:
    docs, skips, ignored = read(crawl)
    assert dict(ignored) == EXPECTED_IGNORED
    assert len(docs) + len(skips) + sum(ignored.values()) == 12
    never_documents = {"https://news.example.com/missing", "https://news.example.com/logo.jpg"}
    assert not never_documents & {d.id for d in docs} and not never_documents & {s.id for s in skips}


def test_repeated_uri_is_a_duplicate_id(tmp_path: Path, records: list[bytes]) -> None:
    again = response(ORIGINAL_URL, news_page(article(OTHER), "Example News", NEWS_CHROME), D3)
    docs, skips, _ = read(write_warc(tmp_path / "twice.warc", [records[2], again], compress=False))
    assert [d.id for d in docs] == [ORIGINAL_URL]
    assert [(s.id, s.reason) for s in skips] == [(ORIGINAL_URL, f"duplicate id {ORIGINAL_URL!r}")]


def test_record_without_uri_is_named_by_its_record_id(tmp_path: Path) -> None:
    block = b"A note kept as a resource, with enough words to be a document of its own."
    record = warc_record("resource", None, block, content_type="text/plain", date=D1)
    docs, _, _ = read(write_warc(tmp_path / "notes.warc", [record], compress=False))
    assert len(docs) == 1 and docs[0].id.startswith("<urn:uuid:") and docs[0].url is None


def test_mislabelled_content_encoding_is_read_as_sent(tmp_path: Path, records: list[bytes]) -> None:
    # The header says gzip, the body is plain HTML (stored decoded by the crawler).
    page = news_page(article(OTHER), "Example News", NEWS_CHROME)
    record = response(OTHER_URL, page, D1, Content_Encoding="gzip")
    docs, skips, _ = read(write_warc(tmp_path / "decoded.warc.gz", [record, records[2]], compress=True))
    assert [d.id for d in docs] == [OTHER_URL, ORIGINAL_URL] and skips == []


def test_records_over_the_size_limit_are_skipped(crawl: Path) -> None:
    docs, skips, _ = read(crawl, ReaderConfig(max_bytes=2_000))
    assert docs == []
    reasons = {s.line: s.reason for s in skips}
    assert reasons[3] == reasons[7] == reasons[10] == "over the 2000 byte limit"
    # Stored gzip-compressed under the limit, but larger once inflated.
    assert reasons[4] == "over the 2000 byte limit once decompressed"


# --- damaged files --------------------------------------------------------------------


def member_offsets(records: list[bytes]) -> list[int]:
    """Where each record's gzip member starts in the .warc.gz, and where the file ends."""
    offsets = [0]
    for r in records:
        offsets.append(offsets[-1] + len(gzip.compress(r)))
    return offsets


@pytest.mark.parametrize(
    ("where", "read_ids", "skip_line"),
    [
        ("middle", [ORIGINAL_URL, OTHER_URL], 7),
        # FastWARC alone ends silently here: not one byte of the member inflates.
        ("start", [ORIGINAL_URL, OTHER_URL], 7),
        # Only the gzip trailer is lost: the copy's record itself is whole.
        ("trailer", [ORIGINAL_URL, OTHER_URL, COPY_URL], 8),
    ],
)
def test_truncated_warc_gz_keeps_what_came_before(
    tmp_path: Path, records: list[bytes], where: str, read_ids: list[str], skip_line: int
) -> None:
    data = b"".join(gzip.compress(r) for r in records)
    starts = member_offsets(records)
    copy_start, copy_end = starts[6], starts[7]
    cut = {"middle": (copy_start + copy_end) // 2, "start": copy_start + 12, "trailer": copy_end - 4}[where]
    path = tmp_path / "cut.warc.gz"
    path.write_bytes(data[:cut])
    docs, skips, _ = read(path)
    assert [d.id for d in docs] == read_ids
    assert [(s.file, s.line) for s in skips] == [(str(path), skip_line)]
    assert "cut short" in skips[0].reason


def test_truncated_plain_warc_keeps_what_came_before(tmp_path: Path, records: list[bytes]) -> None:
    data = b"".join(records)
    path = tmp_path / "cut.warc"
    path.write_bytes(data[: sum(len(r) for r in records[:6]) + len(records[6]) // 2])
    docs, skips, _ = read(path)
    assert [d.id for d in docs] == [ORIGINAL_URL, OTHER_URL]
    assert [(s.line, s.id) for s in skips] == [(7, COPY_URL)]
    assert "cut short" in skips[0].reason


def test_corrupt_gzip_member_ends_the_file_with_a_skip(tmp_path: Path, records: list[bytes]) -> None:
    data = bytearray(b"".join(gzip.compress(r) for r in records))
    starts = member_offsets(records)
    middle = (starts[6] + starts[7]) // 2
    data[middle : middle + 16] = bytes(b ^ 0xFF for b in data[middle : middle + 16])
    path = tmp_path / "corrupt.warc.gz"
    path.write_bytes(bytes(data))
    docs, skips, _ = read(path)
    assert [d.id for d in docs] == [ORIGINAL_URL, OTHER_URL]
    assert [s.line for s in skips] == [7]
    assert skips[0].reason.startswith("damaged WARC") and "rest of the file was not read" in skips[0].reason


@pytest.mark.parametrize("name", ["notes.warc", "notes.warc.gz"])
def test_a_file_that_is_not_a_warc_is_unusable(tmp_path: Path, name: str) -> None:
    text = b"These are notes, not a web archive.\n" * 20
    path = tmp_path / name
    path.write_bytes(gzip.compress(text) if name.endswith(".gz") else text)
    with pytest.raises(UnusableInput, match="is not a WARC file"):
        list(iter_documents([path]))


def test_cli_exits_2_with_one_line_for_a_file_that_is_not_a_warc(tmp_path: Path) -> None:
    from copytrail.cli.main import main

    path = tmp_path / "crawl.warc.gz"
    path.write_bytes(gzip.compress(b"<html>not a WARC</html>"))
    result = CliRunner().invoke(main, ["scan", str(path), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"Error: UnusableInput: {path}: is not a WARC file")


# --- end to end -----------------------------------------------------------------------


def test_scan_of_a_warc_finds_the_copy(crawl: Path, tmp_path: Path) -> None:
    pytest.importorskip("datasketch")
    result = scan([crawl], tmp_path / "out", config=ScanConfig(progress=False))
    assert result.documents == len(EXPECTED_IDS)
    assert [s.line for s in result.skipped] == [8, 9]
    pairs = {(p.id_a, p.id_b): p for p in result.pairs}
    assert set(pairs) == {tuple(sorted((ORIGINAL_URL, COPY_URL)))}
    pair = pairs[tuple(sorted((ORIGINAL_URL, COPY_URL)))]
    # The same story in other page chrome: trafilatura drops the chrome, the texts match.
    assert pair.relation in {Relation.DUPLICATE, Relation.NEAR_DUPLICATE}
    (family,) = result.families
    # Crawled a day apart: the earlier page is taken as the original (unless the texts say otherwise).
    assert set(family.members) == {ORIGINAL_URL, COPY_URL}
    assert family.original == ORIGINAL_URL
