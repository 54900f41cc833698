"""Shared fixtures: the real example data in ../shared and one loaded embedder per session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

import copytrail

ROOT = Path(__file__).resolve().parents[1]
# ../shared beside the checkout; COPYTRAIL_SHARED points elsewhere (a git worktree lives one level deeper).
SHARED = Path(os.environ.get("COPYTRAIL_SHARED") or ROOT.parent / "shared")
# Property tests: "ci" (the default) keeps every hypothesis test to a few dozen examples, so
# that all of them together add well under a minute to the suite; "long" is for hunting
# bugs by hand (HYPOTHESIS_PROFILE=long pytest tests -k properties). bench/fuzz.py runs the
# readers on tens of thousands of inputs.
settings.register_profile(
    "ci",
    max_examples=25,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile("long", settings.get_profile("ci"), max_examples=1000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

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
