"""Build copytrail's table of CLDR month, weekday and country names from babel.

    python bench/build_cldr_names.py            # prints the counts
    python bench/build_cldr_names.py --write    # stores src/copytrail/models/cldr_names.json

copytrail reads two things of CLDR (explain/languages.py): every wide form, format and
stand-alone, of the month and weekday names of the languages it can identify, for dates in
"what changed"; and the one-word country and region names of the languages that capitalise
every noun (German "Frankreich", "Deutschlands"), which are names, not nouns. babel holds all
of CLDR, every locale, in 34 MB; the few hundred names read from it are built here once, and
babel is a dev dependency (``tests/bench/test_cldr_names.py`` checks the shipped table is what
babel gives).

The languages are those ``copytrail.lang.detect_language`` can give (py3langid's, with its
varieties as their macrolanguage) for which ``calendar`` reads names at all (not English, whose
dates have rules of their own, nor the unspaced scripts) and babel knows a locale.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from _common import ROOT  # noqa: E402
from copytrail.explain.languages import NOUNS_CAPITALISED, UNSPACED  # noqa: E402

OUT = ROOT / "src" / "copytrail" / "models" / "cldr_names.json"


def detectable_languages() -> list[str]:
    """Every code ``detect_language`` can return: py3langid's classes, varieties as their macrolanguage."""
    from copytrail.lang import _MACROLANGUAGE, _identifier

    codes = {_MACROLANGUAGE.get(code, code) for code in _identifier().nb_classes}
    return sorted(codes - {"zxx"})  # "no linguistic content": detect_language gives None


def calendar_names(language: str) -> list[list[str]] | None:
    """The 12 months then the 7 weekdays (Monday first), each as every wide CLDR form of its
    name (format and stand-alone contexts), lower-cased and sorted; None where babel knows no
    such locale."""
    from babel import Locale, UnknownLocaleError
    from babel.dates import get_day_names, get_month_names

    try:
        locale = Locale.parse(language)
    except (UnknownLocaleError, ValueError):
        return None
    months: list[set[str]] = [set() for _ in range(12)]
    days: list[set[str]] = [set() for _ in range(7)]
    for context in ("format", "stand-alone"):
        for number, name in get_month_names("wide", context=context, locale=locale).items():
            months[number - 1].add(name.lower())
        for number, name in get_day_names("wide", context=context, locale=locale).items():
            days[number].add(name.lower())
    return [sorted(forms) for forms in months + days]


def place_names(language: str) -> list[str]:
    """CLDR's one-word country and region names in ``language`` ("Deutschland", "Frankreich")."""
    from babel import Locale, UnknownLocaleError

    try:
        territories = Locale.parse(language).territories
    except (UnknownLocaleError, ValueError):
        return []
    return sorted({name for name in territories.values() if " " not in name})


def build() -> dict[str, object]:
    from importlib.metadata import version

    import babel.core

    calendars = {}
    for code in detectable_languages():
        if code == "en" or code in UNSPACED:
            continue  # calendar() reads no names for these
        names = calendar_names(code)
        if names is not None:
            calendars[code] = names
    return {
        "source": f"babel {version('babel')} (CLDR {babel.core.get_cldr_version()})",
        "calendars": calendars,
        "places": {code: place_names(code) for code in sorted(NOUNS_CAPITALISED)},
    }


def dumps(table: dict[str, object]) -> str:
    """The table as JSON with one language a line: small, and a rebuild's diff reads by language."""

    def compact(value: object) -> str:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))

    parts = [f'{{"source": {compact(table["source"])},']
    for key in ("calendars", "places"):
        entries = table[key]
        lines = [f"{compact(code)}: {compact(names)}" for code, names in entries.items()]
        closing = "}" if key == "places" else "},"
        parts.append(f'"{key}": {{\n' + ",\n".join(lines) + f"\n{closing}")
    return "\n".join(parts) + "}\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--write", action="store_true", help=f"store the table in {OUT.relative_to(ROOT)}")
    args = parser.parse_args(argv)
    table = build()
    print(table["source"])
    print(f"calendars: {len(table['calendars'])} languages")
    for code, names in table["places"].items():
        print(f"places {code}: {len(names)} names")
    if args.write:
        OUT.write_text(dumps(table), encoding="utf-8")
        print(f"wrote {OUT.relative_to(ROOT)} ({OUT.stat().st_size // 1024} KB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
