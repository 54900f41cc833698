"""Shared fixtures: the real example data in ../shared and one loaded embedder per session."""

from __future__ import annotations

from pathlib import Path

import pytest

import copytrail

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
KHERSON = SHARED / "examples" / "kherson"
KHERSON_COPY = KHERSON / "000_e2934cbb52dca54b.txt"
KHERSON_ORIGINAL = KHERSON / "001_99e61fcb9db1a932.txt"
BBC = SHARED / "data" / "bbc_news"


def require_shared(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"shared data not found at {path}")
    return path


@pytest.fixture(scope="session")
def kherson_report() -> copytrail.CompareReport:
    """000 (the rewrite) as A, 001 (the NPR page) as B, with the default MiniLM embedder."""
    return copytrail.compare(require_shared(KHERSON_COPY), require_shared(KHERSON_ORIGINAL))


def bbc_article(category: str, number: str) -> Path:
    return require_shared(BBC / category / f"{number}.txt")
