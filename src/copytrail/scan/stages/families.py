"""The ``families`` stage: reuse pairs joined into families, each with its likely original."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from copytrail.pipeline.stage import Stage, StageContext
from copytrail.scan.families import DocumentFacts, build_families
from copytrail.scan.records import ReusePair, ScanDocument, to_json_dict
from copytrail.scan.stages.names import DOCUMENTS, FAMILIES, FAMILIES_PARQUET, PAIRS


@dataclass(frozen=True)
class FamiliesStage(Stage):
    """Group the pairs into families (``families.jsonl``).

    Runs on the driver: it needs only the pairs, and the dates and lengths of their documents.
    """

    parquet: bool = True

    name = "families"
    inputs = (PAIRS, DOCUMENTS)
    outputs = (FAMILIES, FAMILIES_PARQUET)

    def settings(self) -> tuple[Any, ...]:
        return (self.parquet, "families-v2")

    def artifacts(self) -> tuple[str, ...]:
        return (FAMILIES, *([FAMILIES_PARQUET] if self.parquet else []))

    def run(self, ctx: StageContext) -> dict[str, Any]:
        pairs = list(ctx.store.read_jsonl(PAIRS, ReusePair))
        members = {p.id_a for p in pairs} | {p.id_b for p in pairs}
        facts = {
            d.id: DocumentFacts(d.date, len(d.text))
            for d in ctx.store.read_jsonl(DOCUMENTS, ScanDocument)
            if d.id in members
        }
        families = build_families(pairs, facts)
        ctx.store.write_jsonl(FAMILIES, families)
        if self.parquet:
            ctx.store.write_parquet(FAMILIES_PARQUET, [to_json_dict(f) for f in families], "families")
        sizes = [f.size for f in families]
        return {"families": len(sizes), "documents_in_families": sum(sizes), "largest_family": max(sizes, default=0)}
