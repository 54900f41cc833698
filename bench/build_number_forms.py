"""Build copytrail's table of inflected number words (Russian "трёх", Finnish "kolmessa", German
"dritten", Spanish "segunda") from simplemma's form -> lemma dictionaries.

    python bench/build_number_forms.py            # prints the counts per language
    python bench/build_number_forms.py --languages pl --show   # every Polish form, by value
    python bench/build_number_forms.py --write    # stores src/copytrail/models/number_forms.json

``num2words`` writes only the base form of a number word ("drei", "три", "kolme", "dritte").
simplemma (a dev dependency; its dictionaries ship in its wheel) maps each inflected form to its
lemma, and this script inverts that for the number words: a form is read as the value of the
``num2words`` word that is its lemma. The table is built here, not at run time, because loading
a simplemma dictionary costs 1-5 s and up to 400 MB per language (Finnish), for a table of a few
hundred words.

The rules, each for a kind of wrong form the raw inversion gives:

- A base word's own simplemma lemma is a key too only when it is a truncation of the word
  (German "zweite" -> "zweit", whose forms are "zweiten", "zweiter"): German "achte" -> the verb
  "achten" and Finnish "sata" -> the verb "sataa" (to rain) would bring in a whole verb.
- A form whose lemma is itself a form found (German "dritten" -> "dritter" -> "dritte") counts.
- A word listed in two casings takes the lemma of its lower-case entry, the one running text
  has: German "Achten" -> "Achte" (the ordinal, as a noun) would bring in "achten" and with it
  the verb "achten" (to respect), "achtet", "achtete".
- A word that num2words writes only inside the double of its value (Finnish "sataa", of
  "kaksisataa") is read as it is, but its forms are not looked up: see
  :func:`_ends_what_num2words_writes`.
- A form must start with the two letters its lemma starts with: inflection changes endings, and
  the prefixed participles of a homograph verb ("gesiebt", of "sieben", to sieve) go.
- A form with "ё" has its twin with "е", as Russian is mostly printed ("четвёртый", "четвертый").
- A form read as two values is dropped, one (whose words are not read: mostly an article) counted,
  and so is an accent-less spelling of a form of another value (simplemma's Finnish dictionary
  reads "neljan" as 14, "neljän" as 4).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import unicodedata
from collections import defaultdict
from collections.abc import Mapping
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from _common import ROOT  # noqa: E402
from copytrail.explain.languages import NO_NUMBER_WORDS, spelled_by_num2words  # noqa: E402

OUT = ROOT / "src" / "copytrail" / "models" / "number_forms.json"
# The value of "one": its forms are found so that a form that is also one is known ambiguous,
# but not written (number_words reads no "ein", "un", "yksi").
ONE = 1


def _unaccented(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))


def _base_words(language: str) -> dict[str, int] | None:
    """num2words' words of ``language`` and their values, "one" and "first" included."""
    from num2words import num2words

    values = spelled_by_num2words(language)
    if values is None:
        return None
    for to in ("cardinal", "ordinal"):
        with contextlib.suppress(NotImplementedError):
            values.setdefault(num2words(ONE, lang=language, to=to).lower(), ONE)
    return values


def _ends_what_num2words_writes(word: str, value: int, language: str) -> bool:
    """Whether ``word`` is the end of num2words' own word for ``value`` ("hundert" of "einhundert"),
    not only of its double: Finnish "kaksisataa" gives "sataa", the partitive of "sata" and the
    verb "to rain", whose forms ("satoi", "sadettiin") are no numbers."""
    from num2words import num2words

    for to in ("cardinal", "ordinal"):
        with contextlib.suppress(NotImplementedError):
            if num2words(value, lang=language, to=to).lower().endswith(word):
                return True
    return False


def _lower_case_lemmas(dictionary: Mapping[str, str]) -> dict[str, str]:
    """simplemma's form -> lemma, lower-cased; where a word is listed in two casings, the lemma of
    its lower-case entry, the word as a sentence has it: "achten" -> "achter", not the noun
    "Achten" -> "Achte" (the ordinal), which would make the verb "achten" a number."""
    out: dict[str, str] = {}
    for form, lemma in dictionary.items():
        if form.islower():
            out[form] = lemma.lower()
    for form, lemma in dictionary.items():
        out.setdefault(form.lower(), lemma.lower())
    return out


def inflected_forms(language: str) -> dict[str, int]:
    """Every inflected form of ``language``'s number words in simplemma's dictionary, with its value
    (the base words themselves and "one" left out)."""
    import simplemma
    from simplemma.strategies.dictionaries import DefaultDictionaryFactory

    base = _base_words(language)
    if base is None:
        return {}
    keys: dict[str, set[int]] = defaultdict(set)
    for word, value in base.items():
        if not _ends_what_num2words_writes(word, value, language):
            continue
        keys[word].add(value)
        lemma = simplemma.lemmatize(word, lang=language).lower()
        if lemma != word and word.startswith(lemma):
            keys[lemma].add(value)
    lemma_of = _lower_case_lemmas(DefaultDictionaryFactory().get_dictionary(language))
    found: dict[str, set[int]] = defaultdict(set)
    for form, lemma in lemma_of.items():
        if lemma in keys and form[:2] == lemma[:2]:
            found[form] |= keys[lemma]
    first = dict(found)
    for form, lemma in lemma_of.items():
        if lemma in first and lemma not in keys and form not in first and form[:2] == lemma[:2]:
            found[form] |= first[lemma]
    for word, value in base.items():
        found[word].add(value)
    for form, values in list(found.items()):
        if "ё" in form:  # Russian print mostly leaves the dots off: "трёх" is written "трех".
            found[form.replace("ё", "е")] |= values
    by_unaccented: dict[str, set[int]] = defaultdict(set)
    for form, values in found.items():
        if _unaccented(form) != form:
            by_unaccented[_unaccented(form)] |= values
    out = {}
    for form, values in found.items():
        if form in base or len(values) != 1 or ONE in values or len(form) < 3 or " " in form:
            continue
        if by_unaccented.get(form, values) != values:
            continue
        out[form] = next(iter(values))
    return dict(sorted(out.items()))


# The languages whose forms have been read one by one: the bench's four (bench/number_words.py)
# and Ukrainian. Elsewhere simplemma's dictionaries join numbers and other words that the rules
# above do not part: Swedish "andra" (second) brings in the verb "andraga", Dutch "elf" the elf,
# Czech "pět" the verb "pět" (to sing), Portuguese "mil" the verb "milhar". A language is
# added after a read of its forms (``--languages xx`` prints them with ``--show``).
LANGUAGES = ("de", "es", "fi", "ru", "uk")


def languages_known_to_both() -> list[str]:
    """Languages both num2words and simplemma know, but English and those number_words leaves out."""
    from num2words import CONVERTER_CLASSES
    from simplemma.strategies.dictionaries.dictionary_factory import SUPPORTED_LANGUAGES

    return sorted((set(CONVERTER_CLASSES) & set(SUPPORTED_LANGUAGES)) - {"en"} - NO_NUMBER_WORDS)


def build(codes: list[str]) -> dict[str, object]:
    from importlib.metadata import version

    table = {code: inflected_forms(code) for code in codes}
    return {"source": f"simplemma {version('simplemma')}", "languages": {k: v for k, v in table.items() if v}}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--languages", default=",".join(LANGUAGES), help="comma-separated codes, or 'all'")
    parser.add_argument("--show", action="store_true", help="print every form, by value")
    parser.add_argument("--write", action="store_true", help=f"store the table in {OUT.relative_to(ROOT)}")
    args = parser.parse_args(argv)
    codes = languages_known_to_both() if args.languages == "all" else args.languages.split(",")
    table = build(codes)
    for code, forms in table["languages"].items():
        print(f"{code}: {len(forms)} forms")
        if args.show:
            by_value = defaultdict(list)
            for form, value in forms.items():
                by_value[value].append(form)
            for value in sorted(by_value):
                print(f"  {value}: {' '.join(by_value[value])}")
    if args.write:
        OUT.write_text(json.dumps(table, ensure_ascii=False, indent=0, sort_keys=True) + "\n", encoding="utf-8")
        print(f"wrote {OUT.relative_to(ROOT)} ({OUT.stat().st_size // 1024} KB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
