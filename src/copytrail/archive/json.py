"""Archive records as JSON-ready dicts: what ``copytrail index query --json`` prints and the service returns.

A match carries the full compare report in the compare report's own schema
(``compare-report.v1.schema.json``), query as A and archived document as B.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from copytrail.archive.records import AddResult, ArchiveMatch, ArchiveStats, QueryResult
from copytrail.report.json import report_to_dict

__all__ = ["add_result_to_dict", "match_to_dict", "query_result_to_dict", "stats_to_dict"]


def match_to_dict(match: ArchiveMatch, *, include_text: bool = False) -> dict[str, Any]:
    """One match: the archived document's id, relation, score, candidate sources and the compare report."""
    return {
        "id": match.id,
        "relation": match.relation.value,
        "score": match.score,
        "coverage": {"query": round(match.report.coverage.a, 4), "match": round(match.report.coverage.b, 4)},
        "passages": len(match.report.passages),
        "sources": list(match.sources),
        "jaccard": match.jaccard,
        "shared_ngrams": match.shared_ngrams,
        "report": report_to_dict(match.report, include_text=include_text),
    }


def query_result_to_dict(result: QueryResult, *, include_text: bool = False) -> dict[str, Any]:
    """One query's matches, strongest first, with how many candidates were compared and the time taken."""
    return {
        "query": result.query_id,
        "candidates": result.candidates,
        "seconds": result.seconds,
        "matches": [match_to_dict(m, include_text=include_text) for m in result.matches],
    }


def add_result_to_dict(result: AddResult) -> dict[str, Any]:
    """Counts of an add, with the skipped documents (file, line, reason)."""
    out = dataclasses.asdict(result)
    out["skipped"] = [dataclasses.asdict(s) for s in result.skipped]
    return out


def stats_to_dict(stats: ArchiveStats) -> dict[str, Any]:
    """The archive's size and state."""
    return dataclasses.asdict(stats)
