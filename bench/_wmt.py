"""WMT news documents as copytrail documents, with the DEV / HELD-OUT split fixed before any fitting.

The shared data holds the even-``sha1(docid)`` half of each WMT file (the odd half is
kept aside by the data's owner). Within it, copytrail's own split is
``sha1("held-out:" + docid)``: odd is HELD-OUT, even is DEV. Thresholds and weights are
fitted on DEV only; every figure is given for both.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from _common import DATA  # noqa: E402  (../shared beside the checkout, or $COPYTRAIL_SHARED)
from copytrail.records import Document, LoadedText, SourceFormat

RESULTS = Path(__file__).resolve().parent / "results"
# Tatoeba's file codes (ISO 639-3) and the ISO 639-1 codes copytrail speaks.
TATOEBA_LANGUAGES = {
    "ara": "ar",
    "cmn": "zh",
    "deu": "de",
    "fin": "fi",
    "fra": "fr",
    "jpn": "ja",
    "pol": "pl",
    "rus": "ru",
    "spa": "es",
    "tur": "tr",
    "ukr": "uk",
}
LANGUAGES = ("de", "es", "ru", "ja", "zh")


def held_out(docid: str) -> bool:
    return int(hashlib.sha1(("held-out:" + docid).encode()).hexdigest(), 16) % 2 == 1


@dataclass(frozen=True)
class Side:
    """One language's text of a WMT document, and where each WMT segment sits in it."""

    language: str
    text: str
    spans: tuple[tuple[int, int], ...]

    def loaded(self, name: str) -> LoadedText:
        return LoadedText(name, self.text, SourceFormat.TEXT, "utf-8", len(self.text.encode()))


@dataclass(frozen=True)
class WmtDocument:
    docid: str
    pair: str
    en: Side
    xx: Side
    held_out: bool


def _side(language: str, segments: list[str]) -> Side:
    parts, spans, offset = [], [], 0
    for segment in segments:
        segment = " ".join(segment.split())
        parts.append(segment)
        spans.append((offset, offset + len(segment)))
        offset += len(segment) + 2
    return Side(language, "\n\n".join(parts), tuple(spans))


def wmt_documents(xx: str) -> list[WmtDocument]:
    """The news documents of ``en-xx`` (``fi``: WMT16's English-Finnish set)."""
    if xx == "fi":
        rows = [json.loads(line) for line in (DATA / "wmt16_newstest_en_fi" / "documents.jsonl").open()]
        return [
            WmtDocument(r["docid"], "en-fi", _side("en", r["en"]), _side("fi", r["fi"]), held_out(r["docid"]))
            for r in rows
        ]
    rows = [json.loads(line) for line in (DATA / "wmt_multilingual" / f"en-{xx}.jsonl").open()]
    return [
        WmtDocument(r["docid"], f"en-{xx}", _side("en", r["en"]), _side(xx, r[xx]), held_out(r["docid"]))
        for r in rows
        if r["domain"] == "news"
    ]


def segment_of(side: Side, doc: Document, index: int) -> int | None:
    """The WMT segment a copytrail segment of ``doc`` (prepared from ``side.text``) lies in."""
    segment = doc.segments[index]
    for k, (start, end) in enumerate(side.spans):
        if start <= segment.start < end:
            return k
    return None
