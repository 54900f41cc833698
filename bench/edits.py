"""Labelled edits on real BBC articles: precision and recall of the change detectors per kind.

Usage::

    python bench/edits.py                      # 150 articles, ~10-30 s on 2 cores
    python bench/edits.py --articles 40        # a quicker look
    python bench/edits.py --show 3             # examples per failure pattern (default 3)

Data: ../shared/data/bbc_news (see its README.md; headline, blank line, body). With
``random.Random(20261123)`` the script picks ``--articles`` articles and, in a copy of each,
makes 2-5 edits at known places, each in a different body sentence (sentences are the
engine's own story segments, so one edit sits in one aligned pair); all other text stays
byte-identical. The edit kinds:

- ``altered_quote``: 1-3 words inside a direct quote swapped for a synonym from a small
  hand-written list, or dropped (never the first or last word of the quote); the speaker
  attribution is left alone. Only articles with a quote get one.
- ``number``: a number outside quotes changed (``76%`` -> ``86%``, ``£1,400`` -> ``£1,600``,
  ``two`` -> ``three``); years and day-of-month numbers are left to ``date``.
- ``name``: a person (known first name + surname, or the surname after Mr/Mrs/Ms/Dr), a
  country, a city or an organisation from fixed lists, swapped for another of the same kind
  that the article does not mention, outside quotes.
- ``date``: a weekday, month (never "May") or year changed, outside quotes.
- ``negation``: "not" inserted after an auxiliary ("is expected" -> "is not expected", "will
  be" -> "will not be"), or removed ("did not" -> "did", "isn't" -> "is"), outside quotes.
- ``wording`` (controls): 1-3 function words or plain synonyms swapped outside quotes
  ("said" -> "stated", "but" -> "yet", "about" -> "around" when no number follows, ...),
  which change no fact; a detector that flags every edit is punished here.

Each copy is compared as ``copytrail.compare(original, copy)`` (A = original, B = copy).
A detected change of kind K *matches* a true edit of kind K when its B span overlaps the
edit's span in the copy or its A span overlaps the edit's span in the original (a
zero-width span, where words were inserted or dropped, overlaps a change that touches its
position). Per kind: recall = true edits with a matching detection / true edits;
precision = detections of kind K that match a true edit of kind K / detections of kind K.
For ``wording`` the table gives how many controls were reported as a fact or quote change
(false alarms), and how many as ``verb_form``. Detections of ``verb_form`` are listed but
have no true edits of their own (any is a false alarm).

Writes bench/results/edits.json (every edit and detection) and prints a table and the
failure patterns with examples. ``provenance.py`` imports :func:`build_cases` to reuse the
same edited copies.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import sys
import time
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parents[1] / "src"), str(Path(__file__).resolve().parent)]

import copytrail  # noqa: E402
from _common import DATA, ROOT, git_revision, reproduce_command, timed, write_json  # noqa: E402
from copytrail.records import Role  # noqa: E402

BBC = DATA / "bbc_news"
OUT = ROOT / "bench" / "results" / "edits.json"
SEED = 20261123
KINDS = ("altered_quote", "number", "name", "date", "negation", "wording")
FACT_KINDS = ("altered_quote", "number", "name", "date", "negation")
ALL_DETECTED = ("altered_quote", "number", "name", "date", "negation", "verb_form", "wording")

# --------------------------------------------------------------------------- word lists
# fmt: off


def _words(text: str) -> list[str]:
    return text.split()


QUOTE_SYNONYMS = {
    "very": "really", "really": "truly", "big": "large", "important": "significant", "good": "great",
    "great": "fine", "think": "believe", "believe": "think", "want": "wish", "help": "assist",
    "happy": "pleased", "pleased": "happy", "difficult": "hard", "hard": "tough", "start": "begin",
    "people": "folk", "need": "require", "problem": "issue", "problems": "issues", "chance": "opportunity",
    "clear": "obvious", "sure": "certain", "real": "genuine", "whole": "entire", "make": "create",
    "fantastic": "wonderful", "delighted": "thrilled", "disappointed": "upset", "team": "side",
    "game": "match", "match": "game", "always": "constantly", "quickly": "rapidly", "excellent": "superb",
    "strong": "robust", "know": "understand", "new": "fresh", "small": "little", "huge": "enormous",
    "large": "big", "feel": "sense", "way": "manner", "best": "finest", "believed": "thought",
    "deal": "agreement", "move": "step", "looking": "hoping", "able": "ready", "hope": "trust",
}
QUOTE_DROPPABLE = set(_words(
    "very really just also still all quite certainly definitely actually absolutely obviously clearly simply "
    "even only always now so"
))
WORDING = {
    "said": "stated", "says": "states", "but": "yet", "about": "around", "because": "as",
    "also": "additionally", "however": "nevertheless", "big": "large", "buy": "purchase",
    "help": "assist", "show": "indicate", "shows": "indicates", "start": "begin", "company": "firm",
    "firm": "company", "people": "individuals", "major": "significant", "important": "key",
    "currently": "presently", "many": "numerous", "while": "whilst", "although": "though",
    "told": "informed", "tried": "attempted", "try": "attempt", "often": "frequently",
    "quickly": "rapidly", "huge": "enormous", "main": "principal", "biggest": "largest",
    "chance": "opportunity", "problem": "issue", "problems": "issues", "whether": "if",
}
FIRST_NAMES = set(_words(
    """John David Michael Tony Gordon Peter Paul James Robert Richard Charles Mark Steve Steven Stephen
    Andrew Chris Christopher Tom Thomas George William Bill Bob Jack Alan Ian Jim Jonathan Simon Nick
    Nicholas Kevin Brian Martin Gary Neil Tim Matthew Daniel Sam Ken Kenneth Patrick Alex Alastair Alistair
    Jose Arsene Sven Roger Lleyton Andy Mike Eric Frank Fred Ben Joe Dan Adam Henry Jeff Ray Roy Jacques
    Gerhard Vladimir Silvio Kofi Ariel Yasser Mahmoud Greg Graham Howard Keith Jeremy Geoff Geoffrey Philip
    Phil Rob Rupert Larry Sean Carl Colin Craig Dave Dennis Des Donald Douglas Duncan Ed Edward Gavin Glenn
    Harry Hugh Jamie Jason Jeffrey Joel Jon Justin Kieron Lee Luke Malcolm Matt Nigel Oliver Ricky Ronnie
    Russell Scott Stuart Terry Trevor Vince Wayne Alexander Dominic Rafael Marat Carlos Juan Luis Pierre Jean
    Mary Sarah Anne Jane Margaret Helen Kate Elizabeth Susan Patricia Tessa Ruth Clare Claire Paula Kelly
    Jennifer Nicole Maria Serena Venus Amelie Lindsay Julia Emma Rachel Laura Lisa Angela Hillary
    Condoleezza Caroline Estelle Sally Kim Jo Joanne Linda Karen Alison Ann Barbara Carol Diana Gillian
    Hazel Jackie Janet Jenny Judith Julie Lynne Maureen Natalie Patsy Sandra Sharon Sheila Valerie Victoria
    Cherie Charlotte Britney Madonna Elton Mick Ozzy Kylie Robbie Bono Quentin Clint Martina Justine Holly"""
))
PEOPLE = [
    "Peter Walsh", "Sarah Collins", "Martin Doyle", "Helen Marsh", "Richard Fenwick", "Claire Holden",
    "Graham Pryce", "Anna Kowalski", "Simon Ashworth", "Laura Bennett", "Nigel Crawford", "Fiona Gallagher",
    "Derek Tolman", "Rachel Whitby", "Owen Harcourt", "Julia Ferris", "Victor Lindqvist", "Moira Quinlan",
]
SURNAMES = [
    "Walsh", "Collins", "Doyle", "Marsh", "Fenwick", "Holden", "Pryce", "Ashworth", "Bennett", "Crawford",
    "Gallagher", "Tolman", "Whitby", "Harcourt", "Ferris", "Lindqvist", "Quinlan", "Okafor",
]
COUNTRIES = [
    "United States", "South Africa", "New Zealand", "Saudi Arabia", "South Korea", "North Korea", "Germany",
    "France", "Japan", "China", "India", "Brazil", "Russia", "Spain", "Italy", "Canada", "Australia", "Mexico",
    "Argentina", "Ireland", "Scotland", "Wales", "England", "Iraq", "Iran", "Israel", "Egypt", "Nigeria",
    "Kenya", "Poland", "Sweden", "Norway", "Denmark", "Finland", "Netherlands", "Belgium", "Switzerland",
    "Austria", "Portugal", "Greece", "Turkey", "Ukraine", "Pakistan", "Indonesia", "Thailand", "Singapore",
    "Malaysia", "Vietnam", "Chile", "Colombia", "Peru", "Hungary", "Romania",
]
CITIES = [
    "New York", "Hong Kong", "Los Angeles", "London", "Paris", "Berlin", "Tokyo", "Moscow", "Madrid", "Rome",
    "Dublin", "Edinburgh", "Glasgow", "Birmingham", "Beijing", "Shanghai", "Chicago", "Sydney", "Melbourne",
    "Toronto", "Brussels", "Geneva", "Amsterdam", "Cardiff", "Belfast", "Leeds", "Bristol", "Frankfurt",
    "Milan", "Barcelona", "Mumbai", "Delhi", "Seoul", "Vienna", "Stockholm", "Lisbon", "Athens", "Nottingham",
]
COMPANIES = [
    "Microsoft", "Google", "Apple", "Sony", "Nintendo", "Yahoo", "Intel", "Nokia", "Vodafone", "Tesco",
    "Barclays", "Boeing", "Airbus", "Toyota", "Honda", "Siemens", "Philips", "Samsung", "Motorola", "Amazon",
    "Disney", "Vivendi", "Unilever", "Nissan", "Volkswagen", "Ryanair", "Sainsbury", "Shell", "Reuters",
]
CLUBS = [
    "Chelsea", "Arsenal", "Everton", "Tottenham", "Celtic", "Rangers", "Fulham", "Middlesbrough", "Bolton",
    "Southampton", "Leicester", "Wigan", "Charlton", "Blackburn", "Portsmouth", "Aston Villa", "Real Madrid",
]
PARTIES = ["Labour", "Conservatives", "Tories", "Liberal Democrats", "Lib Dems", "Democrats", "Republicans"]
NAME_GROUPS = {"country": COUNTRIES, "city": CITIES, "company": COMPANIES, "club": CLUBS, "party": PARTIES}

NUMBER_WORDS = _words(
    "two three four five six seven eight nine ten eleven twelve twenty thirty forty fifty sixty seventy eighty ninety"
)
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS = ["January", "February", "March", "April", "June", "July", "August", "September", "October",
          "November", "December"]
DATE_LEADS = {"On", "By", "Since", "Until", "Last", "Next", "From", "Before", "After", "Every", "This"}
MONTH_RE = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"

MODALS = {"will", "would", "could", "can", "should", "might", "must", "may"}
BE = {"is", "are", "was", "were"}
HAVE = {"has", "have", "had"}
DO = {"does", "do", "did"}
BASE_VERBS = set(_words(
    """be have go make take get see know say come give allow need want face expect agree accept help pay win
    lose support stop change happen work seem appear buy sell cut raise meet return play affect include mean
    believe think comment reveal rule lead offer increase reduce leave keep remain become continue find use
    provide follow move hold reach join start receive vote back oppose plan hit rise fall sign"""
))
PARTICIPLE_EXTRA = set(_words(
    "been made said told done seen had got won lost paid put set shown taken given known held left kept sold "
    "bought brought thought found run come become begun gone cut hit"
))
BE_COMPLEMENTS = set(_words(
    "likely able sure clear due set going expected known thought believed aware available enough ready willing "
    "happy prepared allowed"
))
NOT_AFTER_AUX = set(_words(
    "a an the to not also still now only just no never so that this these those it he she they we you i there "
    "his her its their our my your all some any more less already probably yet once again about at in on of for "
    "by up out as than"
))
# fmt: on


# --------------------------------------------------------------------------- records


@dataclass
class Edit:
    """One true edit: its kind, where it sits in the original (a) and the copy (b)."""

    kind: str
    a_start: int
    a_end: int
    b_start: int
    b_end: int
    a_text: str
    b_text: str
    detail: str
    segment: int  # the original's segment index


@dataclass
class Case:
    name: str
    original: str
    copy: str
    edits: list[Edit] = field(default_factory=list)


@dataclass
class Candidate:
    kind: str
    segment: int
    ops: list[tuple[int, int, str]]  # (start, end, replacement) in the original, sorted, disjoint
    detail: str


# --------------------------------------------------------------------------- candidates


def quote_zones(text: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """(clean quotes, no-go zones): inner spans of "…" pairs, and every stretch that may be quoted.

    A paragraph with an odd number of straight quote marks (BBC opens a quote that runs
    on into the next paragraph without closing it) has no clean quotes, and everything
    from its first mark to the paragraph end is a no-go zone.
    """
    clean, zones = [], []
    start = 0
    bounds = [m.start() for m in re.finditer(r"\n\s*\n", text)] + [len(text)]
    for end in bounds:
        para = text[start:end]
        marks = [start + m.start() for m in re.finditer(r"[\"\u201c\u201d]", para)]
        if len(marks) % 2:
            zones.append((marks[0], end))
        else:
            for o, c in zip(marks[0::2], marks[1::2]):
                clean.append((o + 1, c))
                zones.append((o, c + 1))
        nxt = re.search(r"\n\s*\n", text[end:])
        start = end + (nxt.end() if nxt else 0)
    return clean, zones


def _inside_any(start: int, end: int, zones: list[tuple[int, int]]) -> bool:
    return any(s < end and start < e for s, e in zones)


def case_like(word: str, like: str) -> str:
    """``word`` with ``like``'s leading capital (or none)."""
    return word[:1].upper() + word[1:] if like[:1].isupper() else word


def _name_key(words: str) -> set[str]:
    return {w.lower()[:5] for w in re.findall(r"[A-Z][\w'-]*", words)}


class Article:
    """An article's text, its body sentences and quote zones, and the edits it admits."""

    def __init__(self, name: str, text: str, rng: random.Random) -> None:
        self.name, self.text, self.rng = name, text, rng
        doc = copytrail.prepare_document(copytrail.load_bytes(text.encode(), name=name))
        self.doc = doc
        # Body sentences only: story segments after the headline block.
        self.segments = [s for s in doc.segments if s.role is Role.STORY and s.block > 0]
        self.clean_quotes, self.zones = quote_zones(text)
        self.capital_words = _name_key(text)

    def segment_of(self, start: int, end: int) -> int | None:
        for seg in self.segments:
            if seg.start <= start and end <= seg.end:
                return seg.index
        return None

    def _outside(self, start: int, end: int) -> int | None:
        """The segment a stretch outside quotes sits in, or None."""
        if _inside_any(start, end, self.zones):
            return None
        return self.segment_of(start, end)

    def numbers(self) -> list[Candidate]:
        out = []
        t = self.text
        for m in re.finditer(r"(?<![\w.,/:£$€-])([$£€]?)(\d[\d,]*(?:\.\d+)?)(?![\d,.]?\d)", t):
            digits = m.group(2).rstrip(",.")
            start = m.start(2)
            end = start + len(digits)
            trailing = re.match(r"[A-Za-z]*", t[end:]).group()
            if trailing not in {"", "bn", "m", "k", "p", "mln", "pc", "ft", "kg", "km", "s"}:
                continue  # 3G, 21st, MP3-like tokens
            if t[end : end + 1] in {":", "/"}:
                continue
            plain = digits.replace(",", "")
            if not m.group(1) and re.fullmatch(r"(?:19|20)\d\d", plain):
                continue  # a year: a date edit
            if re.search(rf"\b{MONTH_RE}\s+$", t[max(0, start - 12) : start]) or re.match(
                rf"\s+{MONTH_RE}\b", t[end : end + 12]
            ):
                continue  # day of month
            seg = self._outside(start, end)
            if seg is None:
                continue
            positions = [i for i, ch in enumerate(digits) if ch.isdigit()][:2]
            pos = self.rng.choice(positions)
            old = digits[pos]
            choices = [d for d in "123456789" if d != old] if pos == 0 else [d for d in "0123456789" if d != old]
            new_digits = digits[:pos] + self.rng.choice(choices) + digits[pos + 1 :]
            if re.fullmatch(r"(?:19|20)\d\d", new_digits.replace(",", "")):
                continue
            out.append(Candidate("number", seg, [(start, end, new_digits)], f"{digits} -> {new_digits}"))
        words = "|".join(NUMBER_WORDS)
        for m in re.finditer(rf"\b(?:{words})\b", t, re.IGNORECASE):
            seg = self._outside(m.start(), m.end())
            if seg is None:
                continue
            old = m.group().lower()
            new = case_like(self.rng.choice([w for w in NUMBER_WORDS if w != old]), m.group())
            out.append(Candidate("number", seg, [(m.start(), m.end(), new)], f"{m.group()} -> {new}"))
        return out

    def dates(self) -> list[Candidate]:
        out = []
        t = self.text
        for m in re.finditer(r"\b(?:" + "|".join(WEEKDAYS) + r")\b", t):
            # Part of a name: "the Sunday Times", "Super Tuesday", "Good Friday".
            before = re.search(r"\b([A-Z]\w*)\s+$", t[max(0, m.start() - 20) : m.start()])
            if re.match(r"\s+[A-Z]", t[m.end() : m.end() + 2]) or (before and before.group(1) not in DATE_LEADS):
                continue
            seg = self._outside(m.start(), m.end())
            if seg is not None:
                new = self.rng.choice([d for d in WEEKDAYS if d != m.group()])
                out.append(Candidate("date", seg, [(m.start(), m.end(), new)], f"{m.group()} -> {new}"))
        for m in re.finditer(r"\b(?:" + "|".join(MONTHS) + r")\b", t):
            seg = self._outside(m.start(), m.end())
            if seg is not None and m.start() != self.doc.segments[seg].start:
                new = self.rng.choice([d for d in MONTHS if d != m.group()])
                out.append(Candidate("date", seg, [(m.start(), m.end(), new)], f"{m.group()} -> {new}"))
        for m in re.finditer(r"(?<![\w$£€.,/-])(?:19[5-9]\d|20[0-2]\d)(?![\w%,./-]?\d)(?![%\w])", t):
            seg = self._outside(m.start(), m.end())
            if seg is not None:
                new = str(int(m.group()) + self.rng.choice([-1, 1]))
                out.append(Candidate("date", seg, [(m.start(), m.end(), new)], f"{m.group()} -> {new}"))
        return out

    def _fresh(self, pool: list[str], old: str, seg: int) -> str | None:
        sentence = self.doc.segments[seg].text
        taken = self.capital_words | _name_key(sentence) | _name_key(old)
        options = [p for p in pool if p != old and not _name_key(p) & taken]
        return self.rng.choice(options) if options else None

    def names(self) -> list[Candidate]:
        out = []
        t = self.text
        firsts = "|".join(sorted(FIRST_NAMES))
        for m in re.finditer(rf"\b(?:{firsts})\s+[A-Z][a-z]+(?:-[A-Z][a-z]+)?\b(?!\s+[A-Z])", t):
            seg = self._outside(m.start(), m.end())
            new = self._fresh(PEOPLE, m.group(), seg) if seg is not None else None
            if new:
                out.append(Candidate("name", seg, [(m.start(), m.end(), new)], f"person: {m.group()} -> {new}"))
        for m in re.finditer(r"\b(?:Mr|Mrs|Ms|Dr)\.?\s+([A-Z][a-z]+)\b(?!\s+[A-Z])", t):
            seg = self._outside(m.start(1), m.end(1))
            new = self._fresh(SURNAMES, m.group(1), seg) if seg is not None else None
            if new:
                out.append(Candidate("name", seg, [(m.start(1), m.end(1), new)], f"surname: {m.group()} -> {new}"))
        for group, pool in NAME_GROUPS.items():
            alternatives = "|".join(sorted(pool, key=len, reverse=True))
            for m in re.finditer(rf"\b(?:{alternatives})\b", t):
                before, after = t[max(0, m.start() - 40) : m.start()], t[m.end() : m.end() + 3]
                # Part of a longer name: "Bank of England", "Manchester United", "Real Madrid".
                if re.search(r"(?:[A-Z][\w.'-]*|\bof|\bde)\s+$", before) and not re.search(r"[.!?\"]\s+$", before):
                    continue
                if re.match(r"\s+[A-Z]", after) or after.startswith("-") or re.match(r"'(?!s)", after):
                    continue
                seg = self._outside(m.start(), m.end())
                new = self._fresh(pool, m.group(), seg) if seg is not None else None
                if new:
                    out.append(Candidate("name", seg, [(m.start(), m.end(), new)], f"{group}: {m.group()} -> {new}"))
        return out

    def negations(self) -> list[Candidate]:
        out = []
        t = self.text
        aux = "|".join(sorted(MODALS | BE | HAVE | DO))
        for m in re.finditer(rf"\b({aux})\s+([a-z]+)\b", t):
            verb, nxt = m.group(1), m.group(2)
            if nxt in NOT_AFTER_AUX:
                continue
            if verb in MODALS:
                ok = nxt in BASE_VERBS or nxt in {"be", "have"}
            elif verb in BE:
                ok = nxt.endswith(("ing", "ed")) or nxt in BE_COMPLEMENTS or nxt in PARTICIPLE_EXTRA
            elif verb in HAVE:
                ok = nxt.endswith("ed") or nxt in PARTICIPLE_EXTRA
            else:
                ok = nxt in BASE_VERBS
            if not ok:
                continue
            seg = self._outside(m.start(), m.end())
            if seg is None:
                continue
            at = m.end(1)
            out.append(Candidate("negation", seg, [(at, at, " not")], f"{m.group()} -> {verb} not {nxt}"))
        for m in re.finditer(rf"\b(?:{aux})(\s+not)\b", t):
            seg = self._outside(m.start(), m.end())
            if seg is not None:
                out.append(Candidate("negation", seg, [(m.start(1), m.end(1), "")], f"{m.group()} -> drop 'not'"))
        for m in re.finditer(r"\b(is|are|was|were|has|have|had|does|do|did|could|would|should)(n't)\b", t):
            seg = self._outside(m.start(), m.end())
            if seg is not None:
                out.append(Candidate("negation", seg, [(m.start(2), m.end(2), "")], f"{m.group()} -> {m.group(1)}"))
        for m in re.finditer(r"\b(?:(won't)|(can't)|(cannot))\b", t):
            seg = self._outside(m.start(), m.end())
            if seg is not None:
                new = "will" if m.group(1) else "can"
                out.append(Candidate("negation", seg, [(m.start(), m.end(), new)], f"{m.group()} -> {new}"))
        return out

    def quotes(self) -> list[Candidate]:
        out = []
        for q_start, q_end in self.clean_quotes:
            words = list(re.finditer(r"[A-Za-z']+", self.text[q_start:q_end]))
            if len(words) < 5:
                continue
            by_segment: dict[int, list[tuple[int, int, str, str]]] = defaultdict(list)
            for i, w in enumerate(words[1:-1], start=1):
                word = w.group()
                start, end = q_start + w.start(), q_start + w.end()
                seg = self.segment_of(start, end)
                if seg is None:
                    continue
                if word.lower() in QUOTE_SYNONYMS:
                    by_segment[seg].append((start, end, case_like(QUOTE_SYNONYMS[word.lower()], word), "swap"))
                elif word in QUOTE_DROPPABLE:
                    # Drop the word and the space before it.
                    prev_end = q_start + words[i - 1].end()
                    gap = self.text[prev_end:start]
                    if gap.strip() == "":
                        by_segment[seg].append((start - len(gap), end, "", "drop"))
            for seg, ops in by_segment.items():
                k = min(len(ops), self.rng.randint(1, 3))
                chosen = sorted(self.rng.sample(ops, k))
                detail = "; ".join(
                    f"{self.text[s:e].strip()} -> {r}" if kind == "swap" else f"drop {self.text[s:e].strip()!r}"
                    for s, e, r, kind in chosen
                )
                out.append(Candidate("altered_quote", seg, [(s, e, r) for s, e, r, _ in chosen], detail))
        return out

    def wordings(self) -> list[Candidate]:
        by_segment: dict[int, list[tuple[int, int, str]]] = defaultdict(list)
        t = self.text
        for m in re.finditer(r"\b(?:" + "|".join(WORDING) + r")\b", t, re.IGNORECASE):
            word = m.group()
            if word != word.lower() and not (word[0].isupper() and word[1:].islower()):
                continue
            if word[0].isupper() and word.lower() not in {"but", "however", "because", "while", "although"}:
                continue  # a capitalised content word may be a name
            if word.lower() == "about":
                nxt = t[m.end() : m.end() + 20].split()
                if (
                    not nxt
                    or re.match(r"[$£€\d]", nxt[0])
                    or nxt[0].lower()
                    in set(NUMBER_WORDS) | {"a", "an", "one", "half", "hundreds", "thousands", "millions", "dozen"}
                ):
                    continue
            seg = self._outside(m.start(), m.end())
            if seg is None:
                continue
            by_segment[seg].append((m.start(), m.end(), case_like(WORDING[word.lower()], word)))
        out = []
        for seg, ops in by_segment.items():
            k = min(len(ops), self.rng.randint(1, 3))
            chosen = sorted(self.rng.sample(ops, k))
            detail = "; ".join(f"{t[s:e]} -> {r}" for s, e, r in chosen)
            out.append(Candidate("wording", seg, chosen, detail))
        return out

    def candidates(self) -> dict[str, list[Candidate]]:
        return {
            "altered_quote": self.quotes(),
            "number": self.numbers(),
            "name": self.names(),
            "date": self.dates(),
            "negation": self.negations(),
            "wording": self.wordings(),
        }


def apply(text: str, chosen: list[Candidate]) -> tuple[str, list[Edit]]:
    """The copy and the edits with their spans in both texts.

    An op's spans leave out the space that rides along with an inserted or dropped word,
    so " not" inserted at p is A [p, p) and B "not"; a dropped " very" is A "very" and B
    zero-width.
    """
    ops = sorted((s, e, r, i) for i, c in enumerate(chosen) for s, e, r in c.ops)
    pieces, shift, pos = [], 0, 0
    spans: dict[int, list[tuple[int, int, int, int]]] = defaultdict(list)
    for s, e, r, i in ops:
        pieces.append(text[pos:s])
        old = text[s:e]
        a_lead = min(len(old) - len(old.lstrip()), e - s)
        b_lead = len(r) - len(r.lstrip())
        spans[i].append((s + a_lead, e, s + shift + b_lead, s + shift + len(r)))
        pieces.append(r)
        shift += len(r) - (e - s)
        pos = e
    pieces.append(text[pos:])
    copy = "".join(pieces)
    edits = []
    for i, cand in enumerate(chosen):
        a_start, _, b_start, _ = spans[i][0]
        _, a_end, _, b_end = spans[i][-1]
        edits.append(
            Edit(
                cand.kind,
                a_start,
                a_end,
                b_start,
                b_end,
                text[a_start:a_end],
                copy[b_start:b_end],
                cand.detail,
                cand.segment,
            )
        )
    return copy, edits


def load_articles() -> list[tuple[str, str]]:
    out = []
    for folder in sorted(p for p in BBC.iterdir() if p.is_dir()):
        for path in sorted(folder.glob("*.txt")):
            out.append((f"{folder.name}/{path.name}", path.read_text(encoding="utf-8")))
    return out


def build_cases(n_articles: int = 150, seed: int = SEED) -> list[Case]:
    """The edited copies: ``n_articles`` BBC articles, 2-5 edits each, kinds kept in balance."""
    rng = random.Random(seed)
    articles = load_articles()
    rng.shuffle(articles)
    totals: Counter[str] = Counter()
    cases = []
    for name, text in articles:
        if len(cases) >= n_articles:
            break
        art = Article(name, text, rng)
        cands = art.candidates()
        want = rng.randint(2, 5)
        used: set[int] = set()
        chosen: list[Candidate] = []
        while len(chosen) < want:
            open_kinds = [k for k in KINDS if any(c.segment not in used for c in cands[k])]
            if not open_kinds:
                break
            rng.shuffle(open_kinds)
            kind = min(open_kinds, key=lambda k: totals[k])  # the rarest kind so far, ties at random
            cand = rng.choice([c for c in cands[kind] if c.segment not in used])
            used.add(cand.segment)
            chosen.append(cand)
            totals[kind] += 1
        if len(chosen) < 2:
            for c in chosen:
                totals[c.kind] -= 1
            continue
        chosen.sort(key=lambda c: c.ops[0][0])
        copy, edits = apply(text, chosen)
        cases.append(Case(name, text, copy, edits))
    return cases


# --------------------------------------------------------------------------- scoring


def _touches(s: int | None, e: int | None, start: int, end: int) -> bool:
    if s is None or e is None:
        return False
    if start == end:
        return s <= start <= e
    if s == e:
        return start <= s <= end
    return s < end and start < e


def matches(change: dict, edit: Edit) -> bool:
    return _touches(change["b_start"], change["b_end"], edit.b_start, edit.b_end) or _touches(
        change["a_start"], change["a_end"], edit.a_start, edit.a_end
    )


def change_record(c: copytrail.Change) -> dict:
    return {
        "kind": c.kind.value,
        "a_start": c.a.start if c.a else None,
        "a_end": c.a.end if c.a else None,
        "b_start": c.b.start if c.b else None,
        "b_end": c.b.end if c.b else None,
        "a_text": c.a_text,
        "b_text": c.b_text,
        "speaker": c.speaker,
        "a_segment": c.a_segment,
        "b_segment": c.b_segment,
    }


def sentence(text: str, start: int, end: int, width: int = 110) -> str:
    """The edit with some context, on one line."""
    left = max(0, start - width // 2)
    right = min(len(text), end + width // 2)
    return ("…" if left else "") + re.sub(r"\s+", " ", text[left:right]) + ("…" if right < len(text) else "")


def evaluate(cases: list[Case], config: copytrail.CompareConfig) -> tuple[list[dict], float]:
    records = []
    started = time.perf_counter()
    for n, case in enumerate(cases, 1):
        a = copytrail.load_bytes(case.original.encode(), name="original.txt")
        b = copytrail.load_bytes(case.copy.encode(), name="copy.txt")
        with timed() as seconds:
            report = copytrail.compare(a, b, config=config)
        if report.a.text != case.original or report.b.text != case.copy:
            raise SystemExit(f"{case.name}: the loader changed the text; offsets would not match")
        aligned_a = {p.a for passage in report.passages for p in passage.pairs}
        aligned_b = {p.b for passage in report.passages for p in passage.pairs}
        changes = [change_record(c) for c in report.explanation.changes]
        records.append(
            {
                "article": case.name,
                "seconds": round(seconds[0], 3),
                "relation": report.relation.value,
                "edits": [asdict(e) for e in case.edits],
                "changes": changes,
                "aligned_a": sorted(aligned_a),
                "aligned_b": sorted(aligned_b),
                "a_segments": [(s.start, s.end) for s in report.a.segments],
                "b_segments": [(s.start, s.end) for s in report.b.segments],
                "provenance": report.explanation.provenance.original.value,
            }
        )
        if n % 25 == 0:
            print(f"  {n}/{len(cases)} compared, {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return records, time.perf_counter() - started


def _segment_at(bounds: list[tuple[int, int]], pos: int) -> int | None:
    for i, (s, e) in enumerate(bounds):
        if s <= pos < e or (s <= pos == e):
            return i
    return None


def score(records: list[dict], cases: list[Case], hint=None) -> dict:  # noqa: ANN001
    """Precision and recall per kind; ``hint(case, edit, record)`` names a likely cause of a miss
    (default :func:`diagnose`, which knows English only)."""
    hint = hint or diagnose
    by_name = {c.name: c for c in cases}
    true_n: Counter[str] = Counter()
    found: Counter[str] = Counter()
    detected: Counter[str] = Counter()
    correct: Counter[str] = Counter()
    control = Counter()
    patterns: dict[str, list[dict]] = defaultdict(list)
    speakers = Counter()
    for rec in records:
        case = by_name[rec["article"]]
        edits = case.edits
        for ch in rec["changes"]:
            kind = ch["kind"]
            detected[kind] += 1
            hits = [e for e in edits if matches(ch, e)]
            same = [e for e in hits if e.kind == kind]
            if kind == "wording":
                if same:
                    correct[kind] += 1
                continue
            if same:
                correct[kind] += 1
                continue
            where = f"at a true {hits[0].kind} edit" if hits else "away from every edit"
            if kind in ("verb_form", "negation") and not hits:
                sa, sb = rec["a_segments"][ch["a_segment"]], rec["b_segments"][ch["b_segment"]]
                unchanged = case.original[sa[0] : sa[1]] == case.copy[sb[0] : sb[1]]
                where += (
                    f", {'in an unchanged sentence' if unchanged else 'elsewhere in an edited sentence'}:"
                    " two verb groups of one stem in the sentence paired with each other"
                )
            if kind == "number" and hits and hits[0].kind == "date":
                where += ", a year read as a quantity too ('a 2004', '1985 to 1992')"
            if kind == "name" and hits and hits[0].kind == "date":
                where += ", the date word with a suffix read as a name"
            patterns[f"false {kind}: {where}"].append(
                {
                    "article": rec["article"],
                    "a": sentence(case.original, ch["a_start"] or 0, ch["a_end"] or 0)
                    if ch["a_start"] is not None
                    else None,
                    "b": sentence(case.copy, ch["b_start"] or 0, ch["b_end"] or 0)
                    if ch["b_start"] is not None
                    else None,
                    "detected": f"{ch['a_text']!r} -> {ch['b_text']!r}",
                    "edit": hits[0].detail if hits else None,
                }
            )
        for edit in edits:
            true_n[edit.kind] += 1
            hits = [ch for ch in rec["changes"] if matches(ch, edit)]
            kinds = sorted({ch["kind"] for ch in hits})
            if edit.kind == "wording":
                facts = [k for k in kinds if k in FACT_KINDS]
                if facts:
                    control["false_alarm"] += 1
                    patterns[f"wording control reported as {'+'.join(facts)}"].append(_example(case, edit, hits))
                if "verb_form" in kinds:
                    control["verb_form"] += 1
                    patterns["wording control reported as verb_form"].append(_example(case, edit, hits))
                if "wording" in kinds:
                    found["wording"] += 1
                if not kinds:
                    control["nothing"] += 1
                continue
            ok = edit.kind in kinds
            if ok:
                found[edit.kind] += 1
                if edit.kind == "altered_quote":
                    speakers[
                        "with_speaker"
                        if any(h["speaker"] for h in hits if h["kind"] == "altered_quote")
                        else "no_speaker"
                    ] += 1
                continue
            seg_b = _segment_at(rec["b_segments"], edit.b_start)
            if edit.segment not in rec["aligned_a"] and seg_b not in rec["aligned_b"]:
                why = "sentence not aligned"
            elif kinds:
                why = "reported as " + "+".join(kinds)
            else:
                why = "aligned, nothing reported"
            cause = hint(case, edit, rec)
            key = f"missed {edit.kind}: {why}" + (f" [{cause}]" if cause else "")
            patterns[key].append(_example(case, edit, hits))
    table = []
    for kind in (*KINDS, "verb_form"):
        row = {
            "kind": kind,
            "true_edits": true_n[kind],
            "detected": detected[kind],
            "correct_detections": correct[kind],
            "found": found[kind],
        }
        row["precision"] = round(correct[kind] / detected[kind], 3) if detected[kind] else None
        row["recall"] = round(found[kind] / true_n[kind], 3) if true_n[kind] else None
        if kind == "wording":
            row["false_alarms"] = control["false_alarm"]
            row["false_alarm_rate"] = round(control["false_alarm"] / true_n[kind], 3) if true_n[kind] else None
            row["reported_as_verb_form"] = control["verb_form"]
            row["nothing_reported"] = control["nothing"]
        table.append(row)
    ranked = sorted(patterns.items(), key=lambda kv: -len(kv[1]))
    return {
        "table": table,
        "quote_speakers": dict(speakers),
        "patterns": [{"pattern": k, "count": len(v), "examples": v} for k, v in ranked],
    }


_PARTICIPLE = re.compile(r"[a-z]{2,}(?:ing|ed|en|wn|ne|id|ft|lt|st|ght|ken|ung|ade|ept)$")


def diagnose(case: Case, edit: Edit, rec: dict) -> str:
    """A likely cause of a missed edit, read off the text around it (a hint, not a proof)."""
    sa = rec["a_segments"][edit.segment]
    sent_a = case.original[sa[0] : sa[1]]
    seg_b = _segment_at(rec["b_segments"], edit.b_start)
    sb = rec["b_segments"][seg_b] if seg_b is not None else (edit.b_start, edit.b_start)
    sent_b = case.copy[sb[0] : sb[1]]
    rest_a = case.original[sa[0] : edit.a_start] + " " + case.original[edit.a_end : sa[1]]
    before = case.original[max(sa[0], edit.a_start - 40) : edit.a_start]
    after = case.original[edit.a_end : min(sa[1], edit.a_end + 40)]
    if edit.kind in ("number", "name"):
        old, new = edit.a_text.strip(), edit.b_text.strip()
        if re.search(rf"(?<!\w){re.escape(old)}(?!\w)", rest_a):
            return "the old value occurs again in the sentence: mentions compared as sets"
        if new and sent_b.count(new) > 1:
            return "the new value already occurs in the sentence: mentions compared as sets"
        if edit.kind == "number" and re.match(r"[A-Za-z]", after):
            return "number glued to a unit or suffix (80s, 6km): not read as a quantity"
        if edit.kind == "name":
            if (edit.a_start == sa[0] and " " not in old) or (edit.b_start == sb[0] and " " not in new):
                return "single-word name opening the sentence (on one side) is ignored"
            if re.search(r"[A-Z][\w'\u2019.-]*\s+$", before) or re.match(r"(?:'s)?\s+(?:of\s+)?[A-Z]", after):
                return "name run together with a capitalised neighbour both sides share (Mr, Sir, title, X's Name)"
            others = {w.lower()[:5] for w in re.findall(r"[A-Z][\w'-]*", rest_a)}
            if {w.lower()[:5] for w in old.split()} & others:
                return "a word of the name shares its first 5 letters with another capitalised word (Japan/Japanese)"
        return ""
    if edit.kind == "negation":
        d = edit.detail.split()
        if "drop" in edit.detail or "n't" in edit.a_text or edit.a_text in {"won't", "can't", "cannot"}:
            return "'not' removed before a bare verb or adjective (did not allow -> did allow): no verb group"
        aux, word = d[0], d[1]
        if len(re.findall(rf"\b(?:{'|'.join(MODALS | BE | HAVE | DO)})\s+{re.escape(word)}\b", sent_a)) > 1:
            return "the same verb group occurs twice in the sentence: keyed by stem, one overwrites the other"
        if aux in MODALS or aux in DO:
            return "modal/do + bare verb (will be, would find): not a participle verb group"
        if not _PARTICIPLE.search(word) and (word in PARTICIPLE_EXTRA or word.endswith("ed")):
            return "short or irregular participle (led, made, sold, become): outside the verb-group pattern"
        if aux in BE and not _PARTICIPLE.search(word):
            return "be + adjective (is likely, is due): not a participle verb group"
        return "other"
    return ""


def _example(case: Case, edit: Edit, hits: list[dict]) -> dict:
    return {
        "article": case.name,
        "edit": edit.detail,
        "a": sentence(case.original, edit.a_start, edit.a_end),
        "b": sentence(case.copy, edit.b_start, edit.b_end),
        "detected": [f"{h['kind']}: {h['a_text']!r} -> {h['b_text']!r}"[:200] for h in hits],
    }


def _fmt(x: float | None) -> str:
    return "  -  " if x is None else f"{x:.3f}"


def print_table(result: dict, show: int) -> None:
    print(f"\n{'kind':<14}{'true':>6}{'detected':>10}{'correct':>9}{'found':>7}{'precision':>11}{'recall':>8}")
    for row in result["table"]:
        print(
            f"{row['kind']:<14}{row['true_edits']:>6}{row['detected']:>10}{row['correct_detections']:>9}"
            f"{row['found']:>7}{_fmt(row['precision']):>11}{_fmt(row['recall']):>8}"
        )
    w = next(r for r in result["table"] if r["kind"] == "wording")
    print(
        f"\nwording controls: {w['true_edits']}; reported as a fact/quote change (false alarm): {w['false_alarms']}"
        f" ({_fmt(w['false_alarm_rate'])}); as verb_form: {w['reported_as_verb_form']};"
        f" nothing reported: {w['nothing_reported']}"
    )
    print(
        "  (wording precision = wording detections on a wording control / all wording detections;"
        " the rest sit on missed fact edits or unedited sentences)"
    )
    print(f"altered quotes found with a speaker named: {result['quote_speakers']}")
    print("\nfailure patterns (most frequent first):")
    for p in result["patterns"]:
        print(f"\n- {p['pattern']}: {p['count']}")
        print_examples(p["examples"][:show])


def print_examples(examples: list[dict]) -> None:
    """A failure pattern's examples: the edit, the two sentences, and what was detected."""
    for ex in examples:
        print(f"    [{ex['article']}] edit: {ex.get('edit')}")
        if ex.get("a"):
            print(f"      A: {ex['a']}")
        if ex.get("b"):
            print(f"      B: {ex['b']}")
        if ex.get("detected"):
            print(f"      detected: {ex['detected']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=150)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--embedder", default="minilm")
    parser.add_argument("--show", type=int, default=3, help="examples per failure pattern")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    command = reproduce_command()
    print(command.rstrip())
    started = time.perf_counter()
    cases = build_cases(args.articles, args.seed)
    built = time.perf_counter() - started
    print(f"{len(cases)} edited copies, {sum(len(c.edits) for c in cases)} edits, built in {built:.1f} s")
    config = copytrail.CompareConfig(embedder=args.embedder)
    records, seconds = evaluate(cases, config)
    result = score(records, cases)
    print_table(result, args.show)
    wall = time.perf_counter() - started
    print(f"\ncompare time {seconds:.1f} s for {len(records)} pairs; wall {wall:.1f} s")
    out = {
        "command": command.rstrip(),
        "revision": git_revision() or "unknown",
        "seed": args.seed,
        "embedder": args.embedder,
        "cpu_count": os.cpu_count(),
        "articles": len(cases),
        "edits": sum(len(c.edits) for c in cases),
        "wall_seconds": round(wall, 1),
        "compare_seconds": round(seconds, 1),
        **result,
        "pairs": records,
    }
    print(f"wrote {write_json(args.out, out)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
