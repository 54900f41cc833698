"""The shipped table of inflected number words is what bench/build_number_forms.py builds from simplemma."""

from __future__ import annotations

import importlib
import json
import sys
from importlib import resources
from importlib.metadata import version
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"


@pytest.mark.slow
def test_the_shipped_german_forms_are_what_simplemma_gives_today() -> None:
    pytest.importorskip("simplemma")
    shipped = json.loads(resources.files("copytrail.models").joinpath("number_forms.json").read_text(encoding="utf-8"))
    if shipped["source"] != f"simplemma {version('simplemma')}":
        pytest.skip(f"built with {shipped['source']}: rebuild with bench/build_number_forms.py --write")
    sys.path.insert(0, str(BENCH))
    try:
        build = importlib.import_module("build_number_forms")
    finally:
        sys.path.remove(str(BENCH))
    german = build.inflected_forms("de")
    assert german == shipped["languages"]["de"]
    assert german["dritten"] == 3 and german["zweiten"] == 2 and german["hunderte"] == 100
    # The verb "achten" (to heed) and the participle of "sieben" (to sieve) are no numbers.
    assert not {"achten", "achtet", "achtete", "gesiebt"} & set(german)
