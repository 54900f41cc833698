"""The machine-readable compare report, versioned by ``schemas/compare-report.v1.schema.json``.

Offsets are Python string indices (Unicode code points) into ``documents.X.text``.
Bump ``SCHEMA_VERSION`` (and add a new schema file) on any change that could break a
reader; adding an optional field is not such a change.
"""

from __future__ import annotations

import json as _json
from functools import cache
from importlib import resources
from typing import Any

from copytrail.records import CompareReport, Document, Span

SCHEMA_VERSION = "1.3"
SCHEMA_ID = "https://copytrail.dev/schemas/compare-report.v1.schema.json"


def _span(doc: Document, span: Span) -> dict[str, Any]:
    return {"start": span.start, "end": span.end, "text": doc.text[span.start : span.end]}


def _document(doc: Document, include_text: bool) -> dict[str, Any]:
    meta = {k: getattr(doc.meta, k) for k in ("title", "date", "author", "url", "sitename")}
    out: dict[str, Any] = {
        "name": doc.name,
        "source_format": doc.source_format.value,
        "encoding": doc.encoding,
        "length": len(doc.text),
        "language": doc.language,
        "languages": [{"code": share.code, "share": share.share} for share in doc.languages],
        "meta": {k: v for k, v in meta.items() if v is not None},
        "segments": [
            {"index": s.index, "start": s.start, "end": s.end, "block": s.block, "role": s.role.value}
            | ({"reason": s.reason} if s.reason else {})
            for s in doc.segments
        ],
    }
    if include_text:
        out["text"] = doc.text
    return out


def _explanation(report: CompareReport) -> dict[str, Any]:
    a, b = report.a, report.b
    e = report.explanation
    assert e is not None

    def side(doc: Document, span: Span | None) -> dict[str, Any] | None:
        return None if span is None else _span(doc, span)

    return {
        "changes": [
            {
                "kind": c.kind.value,
                "a": side(a, c.a),
                "b": side(b, c.b),
                "a_segment": c.a_segment,
                "b_segment": c.b_segment,
                "speaker": c.speaker,
                "detail": c.detail,
            }
            for c in e.changes
        ],
        "only_in_a": [_span(a, g.span) | {"gist": g.gist, "caption": g.caption} for g in e.only_in_a],
        "only_in_b": [_span(b, g.span) | {"gist": g.gist, "caption": g.caption} for g in e.only_in_b],
        "provenance": {
            "original": e.provenance.original.value,
            "confidence": e.provenance.confidence,
            "evidence": [
                {"kind": ev.kind, "favours": ev.favours.value, "weight": ev.weight, "detail": ev.detail}
                for ev in e.provenance.evidence
            ],
        },
    }


def _languages(report: CompareReport) -> dict[str, Any]:
    pair = report.languages
    assert pair is not None
    return {"a": pair.a, "b": pair.b, "translated": pair.translated, "covered": pair.covered, "note": pair.note}


def report_to_dict(report: CompareReport, *, include_text: bool = True) -> dict[str, Any]:
    """Turn a report into plain JSON-ready data (see the schema for every field)."""
    from copytrail import __version__

    a, b = report.a, report.b
    return {
        "$schema": SCHEMA_ID,
        "schema_version": SCHEMA_VERSION,
        "copytrail_version": __version__,
        "relation": report.relation.value,
        "relation_score": report.relation_score,
        "coverage": {"a": report.coverage.a, "b": report.coverage.b},
        "documents": {"a": _document(a, include_text), "b": _document(b, include_text)},
        "passages": [
            {
                "label": p.label.value,
                "similarity": p.similarity,
                "a": _span(a, p.a_span),
                "b": _span(b, p.b_span),
                "pairs": [
                    {
                        "a_segment": q.a,
                        "b_segment": q.b,
                        "label": q.label.value,
                        "similarity": q.similarity,
                        "lexical": q.lexical,
                        "semantic": q.semantic,
                    }
                    for q in p.pairs
                ],
            }
            for p in report.passages
        ],
        "unaligned": {
            "a": [_span(a, s) for s in report.unaligned_a],
            "b": [_span(b, s) for s in report.unaligned_b],
        },
        "shared_boilerplate": [
            {"a_segment": i, "b_segment": j, "text": a.segments[i].text} for i, j in report.shared_boilerplate
        ],
        **({"explanation": _explanation(report)} if report.explanation is not None else {}),
        **({"languages": _languages(report)} if report.languages is not None else {}),
        "embedder": report.embedder,
        "timings": {
            "load": report.timings.load,
            "segment": report.timings.segment,
            "lexical": report.timings.lexical,
            "embed": report.timings.embed,
            "align": report.timings.align,
            "sentences_embedded": report.timings.sentences_embedded,
        },
    }


def report_to_json(report: CompareReport, *, include_text: bool = True, indent: int | None = 2) -> str:
    return _json.dumps(report_to_dict(report, include_text=include_text), ensure_ascii=False, indent=indent)


@cache
def schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) every compare report validates against."""
    text = resources.files("copytrail.schemas").joinpath("compare-report.v1.schema.json").read_text()
    return _json.loads(text)
