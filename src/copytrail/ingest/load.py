"""Read a document from a file, bytes or standard input into a :class:`LoadedText`.

Loading decides everything later stages rely on: the text's exact characters (every
offset copytrail reports points into :attr:`LoadedText.text`), whether the input was HTML
(then the text is trafilatura's extraction of the article), and whether the input can be
used at all (size, binary, empty), failing with an :class:`~copytrail.errors.InputError`
that names the file and the fix.
"""

from __future__ import annotations

import codecs
import errno
import logging
import math
import os
import re
import stat
import sys
from typing import BinaryIO

from copytrail.errors import BinaryInput, EmptyInput, InputError, InputNotFound, InputTooLarge, NotAFile
from copytrail.records import DocumentMeta, LoadedText, SourceFormat

DEFAULT_MAX_BYTES = 20 * 1024 * 1024

_MB = 1024 * 1024
_SNIFF_BYTES = 8192
_CONTROL_SHARE_LIMIT = 0.30
_READ_CHUNK = 1024 * 1024
_FOLDER_GIVEN = "is a folder, not a file; give a file (copytrail scan FOLDER compares every document in a folder)"

# Longest BOMs first: the UTF-32 LE BOM begins with the UTF-16 LE one. The codecs named
# here strip the BOM themselves (and "utf-16"/"utf-32" pick the byte order from it).
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"PK\x03\x04", "a ZIP archive or Office document"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\x7fELF", "an executable"),
)

# Control characters that plain text legitimately contains.
_TEXT_CONTROLS = frozenset("\t\n\r\f")
# The control characters that do not occur in text: C0 but _TEXT_CONTROLS, and DEL.
_DROP_CONTROLS = dict.fromkeys(c for c in [*range(32), 0x7F] if chr(c) not in _TEXT_CONTROLS)
_DROP_CONTROL_BYTES = bytes(sorted(_DROP_CONTROLS))

# Encodings charset_normalizer cannot tell apart on short Western European text (it
# often ranks cp1250 first for "café, naïve"); cp1252 is by far the likeliest of them.
_WESTERN = frozenset({"cp1252", "latin_1", "iso8859_1", "iso8859_15"})
_CHAOS_TOLERANCE = 0.05

_HTML_SUFFIXES = (".html", ".htm", ".xhtml")
_HTML_START = re.compile(r"\s*(?:<!doctype\s+html|<html[\s>])", re.IGNORECASE)
_HTML_EARLY_TAG = re.compile(r"<(?:body|div)\b|<p[\s>]", re.IGNORECASE)
_HTML_SNIFF_CHARS = 4096
_ANY_TAG = re.compile(r"<(?:[a-zA-Z][a-zA-Z0-9-]*[\s/>]|!--|!doctype)", re.IGNORECASE)

_DATE_LINE = re.compile(r"^\s*date\s*[:=]?\s*(\d{4}-\d{2}-\d{2})\s*$", re.IGNORECASE)
_DATE_LINES_SEEN = 5

_BINARY_HINT = "not text; give a .txt or .html file"


def load_text(
    source: str | os.PathLike[str],
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    stdin: BinaryIO | None = None,
) -> LoadedText:
    """Read a text or HTML document from a path, or from standard input for ``"-"``.

    Args:
        source: path of the document, or ``"-"`` to read standard input.
        max_bytes: largest accepted input in bytes.
        stdin: stream read for ``"-"``; defaults to ``sys.stdin.buffer``.

    Returns:
        The decoded (plain text) or extracted (HTML) text with its metadata; ``name`` is
        ``source`` as given, or ``"-"`` for standard input.

    Raises:
        InputNotFound: the path does not exist or is a directory.
        NotAFile: the path is a FIFO, device or socket (refused before it can block or run forever).
        InputTooLarge: the input is over ``max_bytes``.
        BinaryInput: the bytes are not text.
        EmptyInput: nothing but whitespace once decoded (and extracted, for HTML).
        InputError: the file cannot be read (e.g. permission denied).
    """
    name = os.fspath(source)
    if name == "-":
        stream = stdin if stdin is not None else getattr(sys.stdin, "buffer", None)
        if stream is None:
            raise InputError(name, "standard input is closed; pipe a document into it, or give a file path")
        data = _read_bounded(stream, max_bytes + 1)
        if len(data) > max_bytes:
            raise InputTooLarge(name, _too_large_message(None, max_bytes))
        return load_bytes(data, name=name, max_bytes=max_bytes)

    fh, size = open_regular(name)
    with fh:
        # Refuse before reading: a 2 GB file should fail at once, not after filling memory.
        if size > max_bytes:
            raise InputTooLarge(name, _too_large_message(size, max_bytes))
        try:
            # Bounded even so: the file may still be growing.
            data = _read_bounded(fh, max_bytes + 1)
        except OSError as exc:
            raise InputError(name, f"cannot be read ({exc.strerror or exc}); check the file") from None
    return load_bytes(data, name=printable_name(name), max_bytes=max_bytes)


def printable_name(name: str) -> str:
    """``name`` (a path, or an id made from one) as text that can be written as UTF-8.

    Python hands over a file name that is not UTF-8 with each undecodable byte as a lone
    surrogate, which no UTF-8 output (a JSONL line, an HTML page, SQLite) can hold. Such bytes
    are shown as ``\\xff`` escapes, so the name still says which file it was and two such
    names stay apart; any other lone surrogate as ``\\ud800``. Other names are returned as they are.
    """
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        try:
            return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        except UnicodeEncodeError:
            return name.encode("utf-8", "backslashreplace").decode("utf-8")
    return name


def describe_file_type(mode: int) -> str:
    """What a file of ``st_mode`` ``mode`` is, for messages: "a FIFO (named pipe)", "a character device", ..."""
    if stat.S_ISREG(mode):
        return "a regular file"
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def stat_error(name: str, exc: OSError) -> InputError:
    """The :class:`InputError` for an ``OSError`` raised when looking up or opening ``name``."""
    if isinstance(exc, (FileNotFoundError, NotADirectoryError)):
        return InputNotFound(name, "no such file; check the path")
    if isinstance(exc, PermissionError):
        return InputError(name, "permission denied; check the file's permissions")
    if exc.errno == errno.ELOOP:
        return InputError(name, "too many levels of symbolic links (a link loop?); check where the link points")
    if exc.errno == errno.ENAMETOOLONG:
        return InputError(name, "the file name is too long for the file system; check the path")
    return InputError(name, f"cannot be read ({exc.strerror or exc}); check the path")


def open_regular(name: str | os.PathLike[str]) -> tuple[BinaryIO, int]:
    """Open a regular file for reading, refusing FIFOs, devices and sockets before they can block.

    The file is opened with ``O_NONBLOCK`` (which never waits for a FIFO's writer) and
    checked with ``fstat`` on the open descriptor, so a file swapped after a check cannot
    slip through; a regular file reads the same with or without the flag.

    Returns:
        The open binary file and its size in bytes.

    Raises:
        InputNotFound: the path does not exist, or is a folder.
        NotAFile: a FIFO, device or socket.
        InputError: any other reason it cannot be opened (permission, link loop, name too long).
    """
    path = os.fspath(name)
    nonblocking = getattr(os, "O_NONBLOCK", 0)
    try:
        fh = open(path, "rb", opener=lambda p, flags: os.open(p, flags | nonblocking))  # noqa: SIM115
    except IsADirectoryError:
        raise InputNotFound(path, _FOLDER_GIVEN) from None
    except OSError as exc:
        raise stat_error(path, exc) from None
    try:
        st = os.fstat(fh.fileno())
        if stat.S_ISDIR(st.st_mode):
            raise InputNotFound(path, _FOLDER_GIVEN)
        if not stat.S_ISREG(st.st_mode):
            raise NotAFile(
                path,
                f"is {describe_file_type(st.st_mode)}, not a regular file, and is not read; "
                "save its contents to a regular file first",
            )
        if nonblocking:
            os.set_blocking(fh.fileno(), True)
        return fh, st.st_size
    except BaseException:
        fh.close()
        raise


def load_bytes(data: bytes, *, name: str, max_bytes: int = DEFAULT_MAX_BYTES) -> LoadedText:
    """Turn the raw bytes of a document into a :class:`LoadedText`.

    Args:
        data: the document's bytes.
        name: the document's name (a path or ``"-"``); its extension marks HTML files,
            and every error names it.
        max_bytes: largest accepted input in bytes.

    Returns:
        The loaded document; ``byte_size`` is ``len(data)``.

    Raises:
        InputTooLarge: ``data`` is over ``max_bytes``.
        BinaryInput: the bytes are not text.
        EmptyInput: nothing but whitespace once decoded (and extracted, for HTML).
    """
    if len(data) > max_bytes:
        raise InputTooLarge(name, _too_large_message(len(data), max_bytes))
    if not data:
        raise EmptyInput(name, "is empty: nothing to compare; check that it is the file you meant")

    _reject_binary(data, name)
    text, encoding = _decode(data, name)
    # Offsets point into this text, so newlines are unified here, once, before any use.
    text = _normalise_newlines(text)
    if not text.strip():
        raise EmptyInput(name, "is empty (only whitespace): nothing to compare; check that it is the file you meant")

    if _is_html(text, name):
        text, meta = _extract_html(text, name)
        source_format = SourceFormat.HTML
    else:
        meta = DocumentMeta(title=None, date=_header_date(text))
        source_format = SourceFormat.TEXT
    return LoadedText(
        name=name,
        text=text,
        source_format=source_format,
        encoding=encoding,
        byte_size=len(data),
        meta=meta,
    )


def _read_bounded(stream: BinaryIO, limit: int) -> bytes:
    """Read until EOF or ``limit`` bytes, whichever comes first (raw streams may read short)."""
    chunks: list[bytes] = []
    remaining = limit
    while remaining > 0:
        chunk = stream.read(min(remaining, _READ_CHUNK))
        if not chunk:
            break
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def _too_large_message(size: int | None, max_bytes: int) -> str:
    limit = f"{max_bytes / _MB:.1f} MB"
    # Suggest the next multiple of 10 MB above the size so one retry is enough.
    basis = size if size is not None else 2 * max_bytes
    suggestion = (math.floor(basis / _MB / 10) + 1) * 10
    what = f"{size / _MB:.1f} MB" if size is not None else "standard input"
    return (
        f"{what} is over the {limit} limit for compare; pass --max-size {suggestion}MB "
        "to raise it, or use 'copytrail scan' for collections"
    )


def _bom_codec(data: bytes) -> str | None:
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return codec
    return None


def _reject_binary(data: bytes, name: str) -> None:
    """Raise :class:`BinaryInput` if the bytes are a known binary format or not text-like."""
    if data.startswith(b"%PDF"):
        raise BinaryInput(
            name,
            "is a PDF, and PDF is not supported yet; extract its text first "
            "(e.g. with pdftotext) and give the .txt file",
        )
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            raise BinaryInput(name, f"looks like {kind}, {_BINARY_HINT}")

    bom_codec = _bom_codec(data)
    head: str | bytes
    if bom_codec in ("utf-16", "utf-32"):
        # Their code units are full of NUL and low bytes; judge the characters instead.
        head = data[: _SNIFF_BYTES + 4].decode(bom_codec, errors="replace")
        # Counted as what deleting them takes away: a loop over 8 KB of characters in Python
        # cost more than reading the rest of a news article.
        controls = len(head) - len(head.translate(_DROP_CONTROLS))
    else:
        # NUL never occurs in real 8-bit or UTF-8 text, anywhere in the file.
        if b"\x00" in data:
            raise BinaryInput(name, f"looks like binary data (e.g. an image or archive), {_BINARY_HINT}")
        # The bytes themselves (as latin-1 characters, one each), deleted by bytes.translate:
        # str.translate with a dict took 20 times as long, 0.12 s of reading 2,400 articles.
        head = data[:_SNIFF_BYTES]
        controls = len(head) - len(head.translate(None, _DROP_CONTROL_BYTES))
    if head and controls / len(head) > _CONTROL_SHARE_LIMIT:
        raise BinaryInput(name, f"looks like binary data (e.g. an image or archive), {_BINARY_HINT}")


def _decode(data: bytes, name: str) -> tuple[str, str]:
    """Decode the bytes: BOM, else strict UTF-8, else the best charset_normalizer guess.

    Returns:
        The text and the name of the codec that decodes ``data`` into it.
    """
    bom_codec = _bom_codec(data)
    if bom_codec is not None:
        return data.decode(bom_codec, errors="replace"), bom_codec
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass

    codec = _guess_codec(data)
    if codec is None:
        raise BinaryInput(name, f"looks like binary data (no text encoding fits), {_BINARY_HINT}")
    try:
        return data.decode(codec), codec
    except UnicodeDecodeError:
        # cp1252 leaves five bytes undefined; latin-1 decodes every byte and agrees elsewhere.
        return data.decode("latin-1"), "latin-1"


def _guess_codec(data: bytes) -> str | None:
    """Ask charset_normalizer for the encoding, preferring cp1252 among equal candidates."""
    from charset_normalizer import from_bytes

    # Without a BOM, UTF-16/32 would have failed the NUL check; such guesses are noise.
    matches = [m for m in from_bytes(data) if not m.encoding.startswith(("utf_16", "utf_32"))]
    if not matches:
        return None
    best_chaos = min(m.chaos for m in matches)
    for match in matches:
        if match.chaos <= best_chaos + _CHAOS_TOLERANCE and _WESTERN & {
            match.encoding,
            *match.could_be_from_charset,
        }:
            return "cp1252"
    best = min(matches, key=lambda m: (m.chaos, -m.coherence))
    return codecs.lookup(best.encoding).name


def _normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _is_html(text: str, name: str) -> bool:
    if name.lower().endswith(_HTML_SUFFIXES):
        # A name can lie: plain text saved as .html has no tag at all, and is read as text.
        return bool(_ANY_TAG.search(text))
    head = text[:_HTML_SNIFF_CHARS]
    if _HTML_START.match(head):
        return True
    # Prose may mention a tag ("write <p> to start a paragraph"); a page fragment starts with one.
    return head.lstrip().startswith("<") and bool(_HTML_EARLY_TAG.search(head))


def _extract_html(html: str, name: str) -> tuple[str, DocumentMeta]:
    """Extract the article text and metadata of an HTML page with trafilatura.

    Raises:
        EmptyInput: neither trafilatura's extractor nor its plain html2txt finds any text.
    """
    # Imported here: trafilatura takes ~0.4 s to import and plain text never needs it.
    import trafilatura

    # Its extraction heuristics log warnings for ordinary pages; the CLI output must stay clean.
    logging.getLogger("trafilatura").setLevel(logging.ERROR)
    logging.getLogger("htmldate").setLevel(logging.ERROR)

    extracted = trafilatura.extract(
        html,
        output_format="txt",
        include_comments=False,
        include_tables=False,
        favor_recall=True,
        with_metadata=False,
    )
    if not extracted or not extracted.strip():
        extracted = trafilatura.html2txt(html)
    if not extracted or not extracted.strip():
        raise EmptyInput(
            name,
            "is empty: no article text was found in the HTML; check that the page holds its article "
            "(pages that load their text with JavaScript do not)",
        )

    # trafilatura's txt output puts one newline between paragraphs; segmentation reads
    # paragraphs as blank-line separated blocks, so each line becomes its own block.
    lines = _normalise_newlines(extracted).split("\n")
    text = "\n\n".join(line for line in lines if line.strip())

    found = trafilatura.extract_metadata(html)
    meta = DocumentMeta(
        title=_field(found, "title"),
        date=_field(found, "date"),
        author=_field(found, "author"),
        url=_field(found, "url"),
        sitename=_field(found, "sitename"),
    )
    return text, meta


def _field(found: object, attr: str) -> str | None:
    # Every metadata field may be None (or blank) when the page does not declare it.
    value = getattr(found, attr, None)
    if not isinstance(value, str):
        return None
    return value.strip() or None


def _header_date(text: str) -> str | None:
    """Return the date of a ``date YYYY-MM-DD`` line among the first non-empty lines."""
    seen = 0
    # Scans line by line instead of splitlines(): the text may be tens of megabytes.
    pos = 0
    while seen < _DATE_LINES_SEEN and pos < len(text):
        end = text.find("\n", pos)
        end = len(text) if end < 0 else end
        line = text[pos:end]
        pos = end + 1
        if not line.strip():
            continue
        seen += 1
        match = _DATE_LINE.match(line)
        if match:
            return match.group(1)
    return None
