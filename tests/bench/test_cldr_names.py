"""The shipped table of CLDR names is what bench/build_cldr_names.py builds from babel (a dev
dependency, pinned so that this holds: a new babel means a rebuild with ``--write``)."""

from __future__ import annotations

import importlib
import json
import sys
from importlib import resources
from pathlib import Path

import pytest

from copytrail.explain import languages

BENCH = Path(__file__).resolve().parents[2] / "bench"


def _build_module():  # noqa: ANN202 - the bench script as a module
    sys.path.insert(0, str(BENCH))
    try:
        return importlib.import_module("build_cldr_names")
    finally:
        sys.path.remove(str(BENCH))


def test_the_shipped_cldr_names_are_what_babel_gives_today() -> None:
    build = _build_module()
    shipped_text = resources.files("copytrail.models").joinpath("cldr_names.json").read_text(encoding="utf-8")
    rebuilt = build.build()
    assert json.loads(shipped_text)["source"] == rebuilt["source"], "rebuild: python bench/build_cldr_names.py --write"
    assert build.dumps(rebuilt) == shipped_text
    # Every language copytrail identifies and reads names for is there, when CLDR has it.
    assert {"de", "es", "fi", "ru", "uk", "fr", "ar", "ko", "gd"} <= set(rebuilt["calendars"])
    assert not {"en", "ja", "zh", "zxx"} & set(rebuilt["calendars"])
    assert {"Deutschland", "Frankreich", "Russland"} <= set(rebuilt["places"]["de"])


def test_calendars_read_from_the_table_are_those_babel_gave(monkeypatch: pytest.MonkeyPatch) -> None:
    """For every language copytrail identifies, ``calendar`` builds the same keys and the same
    alternatives from the table as from babel's names, as it did before the table."""
    build = _build_module()
    from_table = {code: languages.calendar.__wrapped__(code) for code in build.detectable_languages()}

    def from_babel(language: str) -> tuple[list[set[str]], list[set[str]]] | None:
        names = build.calendar_names(language)
        return None if names is None else ([set(f) for f in names[:12]], [set(f) for f in names[12:]])

    monkeypatch.setattr(languages, "_names", from_babel)
    for code, ours in from_table.items():
        theirs = languages.calendar.__wrapped__(code)
        assert (ours is None) == (theirs is None), code
        if ours is not None:
            assert ours.keys == theirs.keys, code
            # The same alternatives; those of one length may come in another order (set order).
            assert sorted(ours.pattern.pattern.split("|")) == sorted(theirs.pattern.pattern.split("|")), code
    assert sum(c is not None for c in from_table.values()) > 100
    ru = from_table["ru"]
    assert ru is not None and ru.key("января") == "month:1" and ru.key("воскресенье") == "weekday:7"
    assert languages.calendar("xx") is None and languages.calendar("en") is None
