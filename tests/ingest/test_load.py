"""Tests of copytrail.ingest.load: decoding, size/binary/empty checks, HTML extraction."""

from __future__ import annotations

import io
import os
import random
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from copytrail.errors import BinaryInput, EmptyInput, InputError, InputNotFound, InputTooLarge
from copytrail.ingest import DEFAULT_MAX_BYTES, load_bytes, load_text
from copytrail.ingest import load as load_module
from copytrail.records import SourceFormat

MB = 1024 * 1024
from tests.conftest import KHERSON_COPY  # noqa: E402

KHERSON = KHERSON_COPY  # ../shared beside the checkout, as every test finds it

PARAGRAPHS = [
    "The harbour council voted on Tuesday evening to approve a long-debated flood barrier across "
    "the mouth of the old fishing port, ending nearly a decade of arguments over cost, design and "
    "the fate of the small boatyards that line the eastern quay. Councillors passed the plan by "
    "nine votes to four after a meeting that ran past midnight.",
    "Engineers hired by the council say the barrier, a pair of steel gates that can swing shut in "
    "under an hour, would protect roughly two thousand homes from the storm surges that have "
    "flooded the lower town three times since 2014. The gates would stay open in normal weather "
    "so that fishing boats and ferries can pass freely.",
    "Opponents argued that the projected budget of forty million euros was unrealistic and that "
    "the town would be left paying for overruns for a generation. Several boatyard owners told "
    "the meeting that construction work would cut off their slipways for at least two summers, "
    "which they said could put them out of business.",
    "The council leader, Anders Holm, said the vote was the hardest of his career but that doing "
    "nothing was no longer an option. He promised a compensation fund for businesses affected by "
    "the works and said the council would publish quarterly reports on spending so that "
    "residents could follow every euro of the project.",
    "Construction is expected to begin next spring, subject to approval from the national "
    "environmental agency, which must still review the effect of the gates on tidal flows and on "
    "the seagrass beds that shelter young fish in the inner harbour. A public consultation on the "
    "agency review will open in June.",
]
TITLE = "Harbour Council Approves Flood Barrier Plan"
NAV_TEXT = "Weather Desk"
FOOTER_TEXT = "Copyright 2023 The Coastal Ledger Media Group"

NEWS_PAGE = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{TITLE} | The Coastal Ledger</title>
<meta property="og:title" content="{TITLE}">
<meta property="og:site_name" content="The Coastal Ledger">
<meta name="author" content="Maria Jensen">
<meta property="article:published_time" content="2023-03-14T09:30:00Z">
</head>
<body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/politics">Politics</a></li>
<li><a href="/sport">Sport</a></li><li><a href="/weather">{NAV_TEXT}</a></li></ul></nav>
<header><div class="masthead">The Coastal Ledger Daily Edition</div></header>
<main>
<article>
<h1>{TITLE}</h1>
{"".join(f"<p>{p}</p>{chr(10)}" for p in PARAGRAPHS)}
</article>
</main>
<footer><p>{FOOTER_TEXT}. All rights reserved.</p>
<p>Contact us | Privacy policy | Advertise with us</p></footer>
</body>
</html>
"""


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


# --- decoding -------------------------------------------------------------------------


def test_utf8_round_trips_exactly(tmp_path: Path) -> None:
    text = "  Kyiv — Київ, naïve “quotes”, emoji 🙂\n\nSecond paragraph.  \n\tindented\n"
    loaded = load_text(write(tmp_path, "a.txt", text.encode("utf-8")))
    assert loaded.text == text
    assert loaded.encoding == "utf-8"
    assert loaded.source_format is SourceFormat.TEXT
    assert loaded.byte_size == len(text.encode("utf-8"))
    assert loaded.name == str(tmp_path / "a.txt")


def test_crlf_and_cr_become_lf(tmp_path: Path) -> None:
    loaded = load_text(write(tmp_path, "a.txt", b"one\r\ntwo\rthree\n\r\nfour"))
    assert loaded.text == "one\ntwo\nthree\n\nfour"


def test_latin1_decodes_to_the_right_characters(tmp_path: Path) -> None:
    text = "café, naïve, Zürich"
    loaded = load_text(write(tmp_path, "a.txt", text.encode("latin-1")))
    assert loaded.text == text
    assert loaded.encoding in {"cp1252", "latin-1"}


def test_longer_cp1252_text_keeps_euro_and_dashes(tmp_path: Path) -> None:
    text = "Le café coûte 3 € — voilà.\nÇa, c'est très cher à Zürich."
    loaded = load_text(write(tmp_path, "a.txt", text.encode("cp1252")))
    assert loaded.text == text
    assert loaded.encoding == "cp1252"


def test_cp1251_cyrillic_is_not_forced_to_cp1252(tmp_path: Path) -> None:
    text = "Вчера в Киеве шел снег, а сегодня светит солнце над Днепром."
    loaded = load_text(write(tmp_path, "a.txt", text.encode("cp1251")))
    assert loaded.text == text


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_with_bom_decodes_and_drops_the_bom(tmp_path: Path, codec: str) -> None:
    text = "Hello, Zürich.\r\nSecond line — ok."
    bom = b"\xff\xfe" if codec.endswith("le") else b"\xfe\xff"
    loaded = load_text(write(tmp_path, "a.txt", bom + text.encode(codec)))
    assert loaded.text == "Hello, Zürich.\nSecond line — ok."
    assert "\ufeff" not in loaded.text
    assert loaded.encoding == "utf-16"


def test_utf32_with_bom_decodes(tmp_path: Path) -> None:
    loaded = load_text(write(tmp_path, "a.txt", "Grüße aus Wien".encode("utf-32")))
    assert loaded.text == "Grüße aus Wien"
    assert loaded.encoding == "utf-32"


def test_utf8_with_bom_drops_the_bom(tmp_path: Path) -> None:
    loaded = load_text(write(tmp_path, "a.txt", b"\xef\xbb\xbfna\xc3\xafve text"))
    assert loaded.text == "naïve text"
    assert loaded.encoding == "utf-8-sig"


# --- empty and binary -----------------------------------------------------------------


def test_empty_file_is_empty_input(tmp_path: Path) -> None:
    with pytest.raises(EmptyInput, match="empty"):
        load_text(write(tmp_path, "a.txt", b""))


def test_whitespace_only_file_is_empty_input(tmp_path: Path) -> None:
    with pytest.raises(EmptyInput, match="empty"):
        load_text(write(tmp_path, "a.txt", b"  \r\n\t\n   \n"))


def test_bom_only_file_is_empty_input(tmp_path: Path) -> None:
    with pytest.raises(EmptyInput):
        load_text(write(tmp_path, "a.txt", b"\xef\xbb\xbf\n"))


def test_png_is_binary(tmp_path: Path) -> None:
    data = b"\x89PNG\r\n\x1a\n" + random.Random(1).randbytes(4000)
    with pytest.raises(BinaryInput, match="not text"):
        load_text(write(tmp_path, "picture.txt", data))


def test_random_bytes_with_nuls_are_binary(tmp_path: Path) -> None:
    data = random.Random(2).randbytes(5000) + b"\x00\x00"
    with pytest.raises(BinaryInput, match="binary"):
        load_text(write(tmp_path, "blob.txt", data))


def test_nul_after_the_first_8k_is_still_binary(tmp_path: Path) -> None:
    data = b"plain words " * 1000 + b"\x00" + b"more words"
    with pytest.raises(BinaryInput):
        load_text(write(tmp_path, "a.txt", data))


def test_many_control_characters_are_binary(tmp_path: Path) -> None:
    data = bytes([1, 2, 3, 27, 65]) * 400
    with pytest.raises(BinaryInput):
        load_text(write(tmp_path, "a.txt", data))


def test_pdf_is_binary_and_says_pdf(tmp_path: Path) -> None:
    data = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"
    with pytest.raises(BinaryInput, match="PDF"):
        load_text(write(tmp_path, "paper.pdf", data))


@pytest.mark.parametrize(
    "magic", [b"PK\x03\x04", b"\x1f\x8b\x08\x00", b"\x7fELF\x02\x01", b"GIF89a", b"\xff\xd8\xff\xe0"]
)
def test_other_magic_numbers_are_binary(tmp_path: Path, magic: bytes) -> None:
    with pytest.raises(BinaryInput):
        load_bytes(magic + b"looks like text after the header", name="x.txt")


def test_error_names_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "blob.bin", b"\x00\x01\x02")
    with pytest.raises(BinaryInput) as info:
        load_text(path)
    assert info.value.source == str(path)
    assert str(path) in str(info.value)


# --- size -----------------------------------------------------------------------------


def test_50mb_file_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    line = b"The quick brown fox jumps over the lazy dog again and again.\n"
    with path.open("wb") as fh:
        fh.write(line * (50 * MB // len(line) + 1))
    assert path.stat().st_size >= 50 * MB
    start = time.perf_counter()
    with pytest.raises(InputTooLarge) as info:
        load_text(path)
    assert time.perf_counter() - start < 1.0
    message = str(info.value)
    assert "MB" in message
    assert "50.0 MB is over the 20.0 MB limit" in message
    assert "--max-size 60MB" in message


def test_size_is_checked_before_content(tmp_path: Path) -> None:
    # A sparse file of NUL bytes: reading it would make it BinaryInput, not InputTooLarge.
    path = tmp_path / "sparse.txt"
    with path.open("wb") as fh:
        fh.truncate(50 * MB)
    with pytest.raises(InputTooLarge):
        load_text(path)


def test_raised_limit_lets_a_larger_file_load(tmp_path: Path) -> None:
    line = b"A line of ordinary prose that repeats many times.\n"
    data = line * (3 * MB // len(line) + 1)
    path = write(tmp_path, "three.txt", data)
    with pytest.raises(InputTooLarge):
        load_text(path, max_bytes=2 * MB)
    loaded = load_text(path, max_bytes=4 * MB)
    assert loaded.byte_size == len(data)
    assert loaded.text == data.decode("ascii")


def test_limit_is_inclusive(tmp_path: Path) -> None:
    path = write(tmp_path, "a.txt", b"x" * 100)
    assert load_text(path, max_bytes=100).text == "x" * 100
    with pytest.raises(InputTooLarge):
        load_text(path, max_bytes=99)


def test_default_limit_is_20mb() -> None:
    assert DEFAULT_MAX_BYTES == 20 * MB


def test_load_bytes_checks_size() -> None:
    with pytest.raises(InputTooLarge):
        load_bytes(b"abc", name="a.txt", max_bytes=2)


# --- missing, directories, permissions -----------------------------------------------


def test_missing_path_is_input_not_found(tmp_path: Path) -> None:
    path = tmp_path / "nowhere" / "missing.txt"
    with pytest.raises(InputNotFound) as info:
        load_text(path)
    assert str(path) in str(info.value)
    assert "no such file" in str(info.value)


def test_directory_is_input_not_found(tmp_path: Path) -> None:
    with pytest.raises(InputNotFound, match="directory"):
        load_text(tmp_path)


def test_unreadable_file_is_input_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # chmod 0 does not stop root (tests may run as root), so make open() refuse instead.
    path = write(tmp_path, "secret.txt", b"hidden")

    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(load_module, "open", refuse, raising=False)
    with pytest.raises(InputError, match="permission denied") as info:
        load_text(path)
    assert str(path) in str(info.value)


# --- stdin ----------------------------------------------------------------------------


def test_stdin_is_read_for_dash() -> None:
    loaded = load_text("-", stdin=io.BytesIO("from a pipe — ok\r\n".encode()))
    assert loaded.name == "-"
    assert loaded.text == "from a pipe — ok\n"
    assert loaded.source_format is SourceFormat.TEXT


def test_oversize_stdin_is_refused_without_reading_it_all() -> None:
    stream = io.BytesIO(b"y" * 5000)
    with pytest.raises(InputTooLarge):
        load_text("-", stdin=stream, max_bytes=1000)
    assert stream.tell() <= 1001


def test_stdin_html_is_sniffed() -> None:
    loaded = load_text("-", stdin=io.BytesIO(NEWS_PAGE.encode("utf-8")))
    assert loaded.source_format is SourceFormat.HTML
    assert PARAGRAPHS[0] in loaded.text


# --- HTML -----------------------------------------------------------------------------


def test_html_news_page_extracts_the_article(tmp_path: Path) -> None:
    loaded = load_text(write(tmp_path, "story.html", NEWS_PAGE.encode("utf-8")))
    assert loaded.source_format is SourceFormat.HTML
    for paragraph in PARAGRAPHS:
        assert paragraph in loaded.text
    assert NAV_TEXT not in loaded.text
    assert FOOTER_TEXT not in loaded.text
    assert "<p>" not in loaded.text
    assert loaded.meta.title == TITLE
    assert loaded.meta.sitename == "The Coastal Ledger"
    assert loaded.meta.date == "2023-03-14"


def test_html_paragraphs_are_separated_by_blank_lines(tmp_path: Path) -> None:
    loaded = load_text(write(tmp_path, "story.html", NEWS_PAGE.encode("utf-8")))
    blocks = [b for b in loaded.text.split("\n\n") if b.strip()]
    assert PARAGRAPHS[1] in blocks
    assert PARAGRAPHS[2] in blocks
    assert "\n\n\n" not in loaded.text


def test_html_saved_as_txt_is_sniffed(tmp_path: Path) -> None:
    loaded = load_text(write(tmp_path, "story.txt", NEWS_PAGE.encode("utf-8")))
    assert loaded.source_format is SourceFormat.HTML
    assert PARAGRAPHS[3] in loaded.text
    assert NAV_TEXT not in loaded.text
    assert loaded.meta.title == TITLE


def test_html_fragment_without_doctype_is_sniffed() -> None:
    html = f"\n  <div class='story'><p>{PARAGRAPHS[0]}</p><p>{PARAGRAPHS[1]}</p></div>"
    loaded = load_bytes(html.encode(), name="-")
    assert loaded.source_format is SourceFormat.HTML
    assert PARAGRAPHS[0] in loaded.text
    assert "<div" not in loaded.text


def test_plain_text_mentioning_tags_later_stays_text() -> None:
    text = "A plain note.\n" + "filler words here. " * 300 + "\nThen it mentions <div> markup."
    loaded = load_bytes(text.encode(), name="note.txt")
    assert loaded.source_format is SourceFormat.TEXT
    assert loaded.text == text


def test_html_with_no_text_is_empty_input(tmp_path: Path) -> None:
    page = b"<!DOCTYPE html><html><head><title>Nothing</title></head><body>\n</body></html>"
    with pytest.raises(EmptyInput, match="empty"):
        load_text(write(tmp_path, "blank.html", page))


def test_short_html_falls_back_to_plain_extraction() -> None:
    page = b"<html><body><p>Just a short line.</p></body></html>"
    loaded = load_bytes(page, name="short.html")
    assert loaded.source_format is SourceFormat.HTML
    assert "Just a short line." in loaded.text


def test_html_without_metadata_has_none_fields() -> None:
    page = f"<html><body><p>{PARAGRAPHS[0]}</p><p>{PARAGRAPHS[1]}</p></body></html>".encode()
    loaded = load_bytes(page, name="bare.html")
    assert loaded.meta.author is None
    assert loaded.meta.url is None
    assert PARAGRAPHS[1] in loaded.text


# --- plain-text metadata --------------------------------------------------------------


def test_date_header_line_sets_meta_date() -> None:
    loaded = load_bytes(b"date 2022-11-11\n\nStory text follows here.\n", name="a.txt")
    assert loaded.meta.date == "2022-11-11"
    assert loaded.meta.title is None
    assert loaded.text.startswith("date 2022-11-11")


@pytest.mark.parametrize("header", ["Date: 2021-01-02", "  DATE=2021-01-02  ", "date2021-01-02"])
def test_date_header_variants(header: str) -> None:
    loaded = load_bytes(f"\n\n{header}\nBody.\n".encode(), name="a.txt")
    assert loaded.meta.date == "2021-01-02"


def test_date_after_the_first_five_lines_is_ignored() -> None:
    text = "one\ntwo\n\nthree\nfour\nfive\ndate 2022-11-11\n"
    assert load_bytes(text.encode(), name="a.txt").meta.date is None


def test_date_inside_a_sentence_is_ignored() -> None:
    text = "The date 2022-11-11 was a Friday.\n"
    assert load_bytes(text.encode(), name="a.txt").meta.date is None


@pytest.mark.skipif(not KHERSON.exists(), reason="shared example not available")
def test_real_kherson_example() -> None:
    loaded = load_text(KHERSON)
    assert loaded.meta.date == "2022-11-11"
    assert loaded.text == KHERSON.read_bytes().decode("utf-8")
    assert loaded.source_format is SourceFormat.TEXT
    assert loaded.encoding == "utf-8"
    assert loaded.byte_size == KHERSON.stat().st_size


def test_plain_text_that_mentions_a_tag_is_not_html() -> None:
    data = b"A plain text note about markup. Write <p> to start a paragraph in HTML, then close it.\n"
    loaded = load_bytes(data, name="note.txt")
    assert loaded.source_format is SourceFormat.TEXT
    assert loaded.text == data.decode()


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=0x17F), max_size=300))
def test_control_count_is_the_characters_below_space_and_del_but_text_controls(head: str) -> None:
    """The binary sniff counts control characters by deleting them; that is the count of a plain loop."""
    from copytrail.ingest.load import _DROP_CONTROLS, _TEXT_CONTROLS

    looped = sum(1 for ch in head if (ch < " " or ch == "\x7f") and ch not in _TEXT_CONTROLS)
    assert len(head) - len(head.translate(_DROP_CONTROLS)) == looped


def _too_many_controls_by_characters(data: bytes) -> bool:
    """The control-share rule as it was, on latin-1 characters: the reference for counting on bytes."""
    head = data[: load_module._SNIFF_BYTES].decode("latin-1")
    controls = len(head) - len(head.translate(load_module._DROP_CONTROLS))
    return bool(head) and controls / len(head) > load_module._CONTROL_SHARE_LIMIT


_BYTES = [b"a", b" ", b"\t", b"\n", b"\r", b"\x0c", b"\x01", b"\x1b", b"\x7f", b"\x80", b"\xe9", b"x" * 50]


@given(data=st.lists(st.sampled_from(_BYTES), max_size=400).map(b"".join))
@settings(max_examples=300)
def test_binary_check_counts_controls_on_bytes_as_it_did_on_characters(data: bytes) -> None:
    """Around the 30 % share too; text controls (tab, newlines, form feed) and high bytes never count."""
    try:
        load_module._reject_binary(data, "doc.txt")
        rejected = False
    except BinaryInput:
        rejected = True
    assert rejected == _too_many_controls_by_characters(data)


def test_control_share_just_over_the_limit_is_binary_and_just_under_is_not() -> None:
    limit = load_module._CONTROL_SHARE_LIMIT
    over, under = b"\x01" * 31 + b"a" * 69, b"\x01" * 30 + b"a" * 70
    assert 31 / 100 > limit >= 30 / 100
    with pytest.raises(BinaryInput):
        load_module._reject_binary(over, "doc.txt")
    load_module._reject_binary(under, "doc.txt")


def test_printable_name_escapes_what_utf8_cannot_hold() -> None:
    from copytrail.ingest.load import printable_name

    assert printable_name("news/a.txt") == "news/a.txt"
    assert printable_name(os.fsdecode(b"news/b\xff.txt")) == "news/b\\xff.txt"  # a byte of a non-UTF-8 name
    assert printable_name("a\ud800") == "a\\ud800"  # any other lone surrogate
    assert printable_name(os.fsdecode(b"\xfe")) != printable_name(os.fsdecode(b"\xff"))


@given(name=st.text(max_size=30))
def test_printable_name_is_writable_and_leaves_writable_names_alone(name: str) -> None:
    from copytrail.ingest.load import printable_name

    shown = printable_name(name)
    shown.encode("utf-8")
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return
    assert shown == name
