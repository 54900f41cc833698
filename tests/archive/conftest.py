"""The archive tests' corpus: the BBC business folder and the Kherson pair, read as ``scan`` reads them."""

from __future__ import annotations

import pytest

from copytrail.scan import ScanConfig, scan
from copytrail.scan.readers import iter_documents
from copytrail.scan.records import ScanDocument
from tests.conftest import BBC, KHERSON, require_shared

INPUTS = [BBC / "business", KHERSON]
# Documents queried against an archive of all the others: each has reuse pairs in the scan
# (partial reuse, an exact copy, a near-exact copy, the Kherson rewrite) or none; 003 and
# 077 reuse each other, so one pair is found among the new documents, not in the archive.
QUERIES = (
    "kherson/000_e2934cbb52dca54b.txt",
    "business/003.txt",
    "business/077.txt",
    "business/356.txt",
    "business/493.txt",
    "business/142.txt",
    "business/264.txt",
    "business/001.txt",
)


@pytest.fixture(scope="session")
def corpus() -> list[ScanDocument]:
    for path in INPUTS:
        require_shared(path)
    return [d for d in iter_documents(INPUTS) if isinstance(d, ScanDocument)]


@pytest.fixture(scope="session")
def full_scan(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201 - a ScanResult
    """One scan of the whole corpus: the reference the archive's answers are checked against."""
    out = tmp_path_factory.mktemp("scan")
    return scan([str(p) for p in INPUTS], out, config=ScanConfig(report=False, progress=False))
