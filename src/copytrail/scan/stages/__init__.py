"""The stages of a scan, in order; each reads the artifacts of those before it.

=================  =========================================  ============================
stage              writes                                     runs where
=================  =========================================  ============================
``read``           documents.jsonl, documents-skipped.jsonl   executor: read_documents
``fingerprint``    fingerprints/ (a dataset by document id)   executor: map_documents
``candidates``     candidates.jsonl                           executor: shared_key_pairs
``common``         sentence-keys/, common-text.npz            executor: map_documents, common_text
``verify``         pairs.jsonl, pair-reports.parquet          executor: map_pairs
``families``       families.jsonl                             driver
``report``         report.html, compare/*.html                driver (renders saved reports)
=================  =========================================  ============================

Every stage is a frozen dataclass of the settings that shape its output; none imports
an executor (:mod:`copytrail.pipeline`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from copytrail.pipeline.stage import Stage
from copytrail.scan.config import ScanConfig
from copytrail.scan.stages.candidates import CandidatesStage
from copytrail.scan.stages.common import CommonStage
from copytrail.scan.stages.families import FamiliesStage
from copytrail.scan.stages.fingerprint import FingerprintStage
from copytrail.scan.stages.read import ReadStage
from copytrail.scan.stages.report import ReportStage
from copytrail.scan.stages.verify import VerifyStage

__all__ = [
    "CandidatesStage",
    "CommonStage",
    "FamiliesStage",
    "FingerprintStage",
    "ReadStage",
    "ReportStage",
    "STAGES",
    "VerifyStage",
    "scan_stages",
]

STAGES = ("read", "fingerprint", "candidates", "common", "verify", "families", "report")


def scan_stages(
    inputs: Sequence[str], config: ScanConfig, *, parquet: bool, signature: Sequence[Any] = ()
) -> list[Stage]:
    """The stages of a scan of ``inputs`` under ``config``, in the order they run.

    ``signature`` identifies the inputs' contents (:meth:`Executor.input_signature
    <copytrail.pipeline.executor.Executor.input_signature>`): the read stage's resume key.
    """
    stages: list[Stage] = [
        ReadStage(tuple(inputs), config.reader, tuple(signature)),
        FingerprintStage(config.fingerprint),
        CandidatesStage(config.fingerprint),
        CommonStage(config.common_text),
        VerifyStage(config.verify, parquet=parquet, fingerprint=config.fingerprint),
        FamiliesStage(parquet=parquet),
    ]
    if config.report:
        stages.append(ReportStage(config.compare_pages, config.verify.embedder))
    return stages
