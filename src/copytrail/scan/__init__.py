"""Scan a collection for text reuse: candidates by MinHash LSH and rare n-grams, verified by the pair engine.

::

    from copytrail.scan import scan, ScanConfig
    result = scan(["articles/"], "out/", config=ScanConfig(workers=4))
    result.pairs, result.families

Importing this package needs nothing beyond copytrail's core; running a scan needs the
``scan`` extra (pyarrow for Parquet; fastwarc for WARC files).
"""

from copytrail.scan.config import FingerprintConfig, ReaderConfig, ScanConfig, VerifyConfig
from copytrail.scan.dedup import DEDUP_RELATIONS, KEEP_RULES, DedupResult, dedup, dedup_records
from copytrail.scan.errors import MissingExtra, UnusableInput
from copytrail.scan.readers import iter_documents
from copytrail.scan.records import (
    SCHEMA_VERSION,
    CandidatePair,
    ReuseFamily,
    ReusePair,
    ScanDocument,
    SkippedDocument,
)
from copytrail.scan.run import STAGES, ScanResult, scan

__all__ = [
    "DEDUP_RELATIONS",
    "KEEP_RULES",
    "SCHEMA_VERSION",
    "STAGES",
    "CandidatePair",
    "DedupResult",
    "FingerprintConfig",
    "MissingExtra",
    "ReaderConfig",
    "ReuseFamily",
    "ReusePair",
    "ScanConfig",
    "ScanDocument",
    "ScanResult",
    "SkippedDocument",
    "UnusableInput",
    "VerifyConfig",
    "dedup",
    "dedup_records",
    "iter_documents",
    "scan",
]
