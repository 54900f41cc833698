"""The archive tests' corpus: 120 BBC business stories and the Kherson pair, as ``scan`` reads them.

A subset keeps the reference scan short; it holds every reuse pair the queries below have
in the whole folder, and a hundred other stories around them.
"""

from __future__ import annotations

import json
from pathlib import Path

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
# Their partners in the full folder's scan.
PARTNERS = (
    "business/127.txt",
    "business/258.txt",
    "business/286.txt",
    "business/180.txt",
    "business/279.txt",
    "business/421.txt",
    "kherson/001_99e61fcb9db1a932.txt",
)
OTHERS = 110


@pytest.fixture(scope="session")
def corpus() -> list[ScanDocument]:
    for path in INPUTS:
        require_shared(path)
    every = [d for d in iter_documents(INPUTS) if isinstance(d, ScanDocument)]
    chosen = set(QUERIES) | set(PARTNERS)
    others = [d.id for d in every if d.id not in chosen][:OTHERS]
    return [d for d in every if d.id in chosen or d.id in others]


@pytest.fixture(scope="session")
def full_scan(corpus: list[ScanDocument], tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201 - a ScanResult
    """One scan of the whole corpus: the reference the archive's answers are checked against."""
    folder = tmp_path_factory.mktemp("scan")
    source = Path(folder) / "corpus.jsonl"
    with open(source, "w", encoding="utf-8") as fh:
        for doc in corpus:
            fh.write(json.dumps({"id": doc.id, "text": doc.text}, ensure_ascii=False) + "\n")
    return scan([source], folder / "out", config=ScanConfig(report=False, progress=False))
