"""bench/cli_compare.py's interval of the ratio of medians: it must tell a real speed-up from noise."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from cli_compare import ratio_interval  # noqa: E402


def test_the_interval_holds_the_ratio_of_two_runs_of_one_program() -> None:
    rng = np.random.default_rng(1)
    new, baseline = (list(1.0 + 0.1 * rng.standard_normal(31)) for _ in range(2))
    low, high = ratio_interval(new, baseline)
    assert low < 1.0 < high
    assert high - low < 0.15


def test_the_interval_excludes_one_for_a_program_a_third_as_fast() -> None:
    rng = np.random.default_rng(2)
    baseline = list(2.6 + 0.2 * rng.standard_normal(31))
    new = list(0.9 + 0.1 * rng.standard_normal(31))
    low, high = ratio_interval(new, baseline)
    assert 0.30 < low < 0.9 / 2.6 < high < 0.40
