"""The ``report`` stage: ``report.html`` and compare pages, rendered from what earlier stages saved."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pyarrow.parquet as pq

from copytrail.pipeline.stage import Stage, StageContext
from copytrail.records import CompareReport
from copytrail.scan.progress import progress_bar
from copytrail.scan.records import ReuseFamily, ReusePair, ScanDocument
from copytrail.scan.stages.names import DOCUMENTS, FAMILIES, PAIR_REPORTS, PAIRS, REPORT
from copytrail.scan.stages.verify import unpack_report


@dataclass(frozen=True)
class ReportStage(Stage):
    """Write the collection report; the top ``compare_pages`` pairs get a full compare page."""

    compare_pages: int
    embedder: str

    name = "report"
    inputs = (FAMILIES, PAIRS, PAIR_REPORTS, DOCUMENTS)
    outputs = (REPORT,)

    def settings(self) -> tuple[Any, ...]:
        return ("report-v2", self.compare_pages)

    def run(self, ctx: StageContext) -> dict[str, Any]:
        from copytrail.scan.report import write_collection_report

        families = list(ctx.store.read_jsonl(FAMILIES, ReuseFamily))
        pairs = list(ctx.store.read_jsonl(PAIRS, ReusePair))
        wanted = {m for f in families for m in f.members}
        documents = {d.id: d for d in ctx.store.read_jsonl(DOCUMENTS, ScanDocument) if d.id in wanted}
        reports = pq.read_table(ctx.store.path(PAIR_REPORTS))
        # Row of each pair, found once; a report is unpacked only for a pair that gets a page.
        pairs_saved = zip(reports.column("id_a").to_pylist(), reports.column("id_b").to_pylist())
        row_of = {pair: k for k, pair in enumerate(pairs_saved)}
        packed = reports.column("report")

        def saved(pair: ReusePair) -> CompareReport | None:
            k = row_of.get((pair.id_a, pair.id_b))
            data = packed[k].as_py() if k is not None else None
            return unpack_report(data) if data is not None else None

        pages = min(self.compare_pages, len(pairs))
        with progress_bar("report", pages, enabled=ctx.progress) as advance:
            write_collection_report(
                ctx.store.root,
                documents,
                pairs,
                families,
                stats={"stages": ctx.stages},
                compare_pages=self.compare_pages,
                embedder=self.embedder,
                advance=advance,
                saved_reports=saved,
            )
        return {"families": len(families), "compare_pages": pages}
