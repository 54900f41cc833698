"""Labelled edits on real non-English news: precision and recall of the change detectors per language and kind.

Usage::

    python bench/edits_multilingual.py                  # every language, DEV and HELD-OUT
    python bench/edits_multilingual.py --split dev      # tuning: DEV only
    python bench/edits_multilingual.py --languages de,ru --show 5

The same idea as ``bench/edits.py`` (read its docstring), on the non-English sides of the
WMT news documents: ../shared/data/wmt_multilingual (de, es, ru, ja, zh; ``domain ==
"news"``) and ../shared/data/wmt16_newstest_en_fi (fi). Each document's text is its WMT
segments joined by blank lines. The DEV / HELD-OUT split is ``bench/_wmt.py``'s
(``sha1("held-out:" + docid)``), fixed before any tuning; rules are tuned on DEV only.

With ``random.Random(SEED)`` each document gets several edited copies (so that a language
with few documents still gets about ``--copies-per-language`` copies; each copy draws its
own edits), each copy 2-5 edits in different body sentences, the rest byte-identical.
Edit kinds, per language where they make sense:

- ``number``: a digit of a number outside quotes changed, whatever its separators
  (``1.000``, ``10 000``, ``3,5``, full-width ``１８``); years, days of the month and
  times are left alone.
- ``date``: a month or weekday name (CLDR's names from ``babel``, plus the Russian case
  forms news use most, "в январе", "в среду"; Finnish case endings kept: "tammikuussa" ->
  "maaliskuussa"), a year changed by one, or in Japanese and Chinese the number of
  ``N月`` and the day of ``X曜日`` / ``星期X`` / ``周X``.
- ``altered_quote``: inside a quote of the language's marks („…“, «…», 「…」, “…”, ”…”,
  "…"), 1-3 plain words swapped for a synonym or an intensifier dropped (never at the
  quote's edges).
- ``name`` (languages whose script has case: de, es, ru, fi): a proper name outside quotes
  swapped for another name of the same language that the document does not mention (in
  Russian and Finnish one with the same last two letters, so the case ending fits). A name
  is a capitalised word not opening a sentence that also stands in the document's English
  side (de, es, fi: German capitalises every noun, so capitals alone say nothing), or (ru)
  one never written in lower case in the language's documents.
- ``negation``: a small per-language list: German "nicht" inserted after an auxiliary or
  removed, "kein" <-> "ein"; Spanish "no" before a verb; Russian "не" before a verb or
  removed; Finnish "on" <-> "ei ole", "voi" <-> "ei voi", ...; Japanese "ている" <->
  "ていない", "ます" <-> "ません", ...; Chinese "不" before 是/会/能/..., "没有" <-> "有".
- ``wording`` (controls): 1-3 function words or plain synonyms swapped outside quotes
  (German "sagte" -> "erklärte", "Unternehmen" -> "Firma"; Russian "но" -> "однако"; Chinese
  "但是" -> "可是", ...), which change no fact.

Scoring is ``bench/edits.py``'s (a detection matches an edit of its kind when their spans
overlap in either text), done per language and split. Writes
bench/results/edits_multilingual.json and .md (``--out``).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import re
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parents[1] / "src"), str(Path(__file__).resolve().parent)]

import babel.dates  # noqa: E402

import copytrail  # noqa: E402
from _common import DATA, ROOT, git_revision, reproduce_command, write_json  # noqa: E402
from _wmt import held_out, wmt_documents  # noqa: E402
from copytrail.records import Role  # noqa: E402
from edits import KINDS, Candidate, Case, apply, case_like, evaluate, print_examples, score  # noqa: E402

OUT = ROOT / "bench" / "results" / "edits_multilingual.json"
SEED = 20261202
LANGUAGES = ("de", "es", "ru", "fi", "ja", "zh")
UNSPACED = {"ja", "zh"}
CASED = {"de", "es", "ru", "fi"}

# --------------------------------------------------------------------------- word lists
# fmt: off
WORDING = {
    "de": {"sagte": "erklärte", "erklärte": "sagte", "aber": "jedoch", "jedoch": "aber", "auch": "ebenfalls",
           "sehr": "äußerst", "jetzt": "nun", "nun": "jetzt", "bereits": "schon", "schon": "bereits",
           "obwohl": "obgleich", "weil": "da", "wichtig": "bedeutend", "schnell": "rasch", "oft": "häufig",
           "häufig": "oft", "zeigt": "belegt", "Unternehmen": "Firma", "Firma": "Unternehmen",
           "Menschen": "Leute", "Leute": "Menschen", "begann": "startete", "erhielt": "bekam"},
    "es": {"dijo": "afirmó", "afirmó": "dijo", "pero": "mas", "también": "asimismo", "muy": "sumamente",
           "ahora": "actualmente", "después": "luego", "luego": "después", "empresa": "compañía",
           "compañía": "empresa", "personas": "individuos", "importante": "relevante", "grande": "enorme",
           "aunque": "si bien", "porque": "ya que", "además": "asimismo", "según": "de acuerdo con",
           "explicó": "detalló", "aseguró": "afirmó", "señaló": "indicó", "indicó": "señaló",
           "rápidamente": "velozmente", "país": "nación"},
    "ru": {"сказал": "заявил", "заявил": "сказал", "сказала": "заявила", "заявила": "сказала", "но": "однако",
           "однако": "но", "также": "тоже", "очень": "весьма", "сейчас": "теперь", "теперь": "сейчас",
           "компания": "фирма", "компании": "фирмы", "людей": "граждан", "важно": "существенно",
           "большой": "крупный", "быстро": "стремительно", "часто": "нередко", "отметил": "подчеркнул",
           "подчеркнул": "отметил", "сообщил": "рассказал", "рассказал": "сообщил", "поэтому": "потому"},
    "fi": {"sanoi": "kertoi", "kertoi": "sanoi", "myös": "lisäksi", "nyt": "tällä hetkellä", "hyvin": "erittäin",
           "erittäin": "hyvin", "paljon": "runsaasti", "yritys": "firma", "yrityksen": "firman",
           "ihmiset": "henkilöt", "ihmisiä": "henkilöitä", "tärkeä": "merkittävä", "suuri": "iso", "iso": "suuri",
           "usein": "monesti", "koska": "sillä", "vaikka": "joskin", "totesi": "sanoi", "kuitenkin": "silti",
           "silti": "kuitenkin", "nopeasti": "pikaisesti"},
    "ja": {"しかし": "だが", "とても": "非常に", "非常に": "とても", "述べた": "語った", "語った": "述べた",
           "話した": "語った", "すでに": "もう", "現在": "今", "多くの": "たくさんの", "重要な": "大切な",
           "企業": "会社", "会社": "企業", "人々": "人たち", "さらに": "加えて", "明らかにした": "発表した"},
    "zh": {"但是": "可是", "可是": "但是", "表示": "指出", "指出": "表示", "非常": "十分", "已经": "已",
           "目前": "当前", "因为": "由于", "由于": "因为", "公司": "企业", "企业": "公司", "人们": "民众",
           "重要": "关键", "迅速": "快速", "经常": "常常", "然而": "不过", "此外": "另外", "另外": "此外"},
}
DROPPABLE = {
    "de": {"sehr", "wirklich", "auch", "noch", "schon", "einfach", "ganz", "immer", "jetzt", "natürlich"},
    "es": {"muy", "realmente", "también", "ya", "siempre", "ahora", "todavía", "sólo", "solo"},
    "ru": {"очень", "действительно", "также", "тоже", "уже", "просто", "всегда", "ещё", "еще"},
    "fi": {"myös", "todella", "hyvin", "jo", "aina", "nyt", "vielä", "kovin", "aivan"},
    "ja": {"とても", "本当に", "まだ", "もう", "非常に", "すでに", "必ず"},
    "zh": {"非常", "真的", "也", "已经", "很", "都", "还"},
}
# Negation edits: (pattern, replacement) applied to the whole match; group "lead" (if any) is kept.
_DE_AUX = ("ist|sind|war|waren|wird|werden|wurde|wurden|kann|können|konnte|konnten|muss|müssen|soll|sollen|"
           "will|wollen|hat|haben|hatte|hatten")
_DE_NOT_NEXT = ("nicht|kein|keine|keinen|auch|noch|schon|nur|ein|eine|einen|einem|einer|der|die|das|den|dem|des|es|"
                "er|sie|wir|ich|man|in|im|an|am|auf|zu|zum|zur|mit|von|vom|bei|für|aus|nach|über|um|sich|so|sehr|"
                "bereits|jetzt|dann|da|hier|dort|heute|mehr|laut|seit|als|wie|und|oder|aber|dass|ob")
_ES_VERBS = ("es|son|era|eran|fue|fueron|está|están|estaba|estaban|ha|han|había|habían|puede|pueden|podría|"
             "podrían|debe|deben|va|van|hay|será|serán|tiene|tienen|quiere|quieren|sabe|saben")
_RU_VERBS = ("является|являются|был|была|было|были|будет|будут|может|могут|можно|нужно|должен|должна|должно|должны|"
             "стал|стала|стало|стали|хочет|хотят|знает|знают|сможет|смогут|удалось|получил|получила|получили")
NEGATE = {
    "de": [(rf"\b(?:{_DE_AUX})\b(?= (?!(?:{_DE_NOT_NEXT})\b)[a-zäöüß]{{3,}}\b)", r"\g<0> nicht"),
           (r"\bein(e|en|em|er|es)?\b(?= [A-ZÄÖÜ])", r"kein\1")],
    "es": [(rf"(?<!\bno )\b(?:(?:se|lo|la|le|les|me|te|nos|los|las) )?(?:{_ES_VERBS})\b", r"no \g<0>")],
    "ru": [(rf"(?<!\bне )\b(?:{_RU_VERBS})\b", r"не \g<0>")],
    "fi": [(r"\bon\b", "ei ole"), (r"\bovat\b", "eivät ole"), (r"\bvoi\b", "ei voi"), (r"\bvoivat\b", "eivät voi"),
           (r"\boli\b", "ei ollut"), (r"\bolivat\b", "eivät olleet"), (r"\btulee\b", "ei tule")],
    "ja": [(r"ている", "ていない"), (r"ていた", "ていなかった"), (r"ました", "ませんでした"),
           (r"ます(?=[。、])", "ません"), (r"できる", "できない"), (r"である", "ではない")],
    "zh": [(r"(?<![但还就于可总只而或凡要若正更不没])是", "不是"),
           (r"(?<![社机委大协学国议不约聚开体])会(?![议员长谈见场面计])", "不会"),
           (r"(?<![可功智性技才不本])能(?![力源量])", "不能"), (r"(?<![不])可以", "不可以")],
}
AFFIRM = {
    "de": [(r" nicht\b(?! nur)", ""), (r"\bkein(e|en|em|er|es)?\b", r"ein\1")],
    "es": [(r"\bno (?=[a-záéíóúñ]{2,})", "")],
    "ru": [(r"\bне (?=[а-яё]{2,})", "")],
    "fi": [(r"\bei ole\b", "on"), (r"\beivät ole\b", "ovat"), (r"\bei voi\b", "voi"), (r"\beivät voi\b", "voivat"),
           (r"\bei ollut\b", "oli"), (r"\beivät olleet\b", "olivat"), (r"\bei tule\b", "tulee")],
    "ja": [(r"ていない", "ている"), (r"ていなかった", "ていた"), (r"ませんでした", "ました"),
           (r"ません(?!でした)", "ます"), (r"できない", "できる"), (r"ではない", "である")],
    "zh": [(r"不(?=是|会|能|可以)", ""), (r"没有", "有")],
}
# The Russian case forms news use most, beside CLDR's nominative and genitive.
RU_MONTHS_PREPOSITIONAL = ["январе", "феврале", "марте", "апреле", "мае", "июне", "июле", "августе", "сентябре",
                           "октябре", "ноябре", "декабре"]
RU_WEEKDAYS_ACCUSATIVE = ["понедельник", "вторник", "среду", "четверг", "пятницу", "субботу", "воскресенье"]
FI_SUFFIXES = {"", "n", "na", "ssa", "sta", "lle", "lta", "hun", "ksi", "ta"}
JA_WEEKDAYS = "月火水木金土日"
ZH_WEEKDAYS = "一二三四五六日"
JA_WEEKDAY = r"([月火水木金土日])(?=曜)"
ZH_WEEKDAY = r"(?<=星期|礼拜)([一二三四五六日天])|(?<=周)([一二三四五六日])"
# fmt: on


def calendar_words(language: str) -> tuple[list[list[str]], list[list[str]]]:
    """(month name lists, weekday name lists): each list 12 or 7 forms of one case, from CLDR."""
    months, days = [], []
    for context in ("format", "stand-alone"):
        m = list(babel.dates.get_month_names("wide", context=context, locale=language).values())
        d = list(babel.dates.get_day_names("wide", context=context, locale=language).values())
        if m not in months:
            months.append(m)
        if d not in days:
            days.append(d)
    if language == "ru":
        months.append(RU_MONTHS_PREPOSITIONAL)
        days.append(RU_WEEKDAYS_ACCUSATIVE)
    return months, days


# --------------------------------------------------------------------------- articles

_PAIRS = re.compile(
    "\u201c[^\u201c\u201d]*\u201d|\u201e[^\u201e\u201c\u201d]*[\u201c\u201d]|\u00ab[^\u00ab\u00bb]*\u00bb"
    '|\u00bb[^\u00bb\u00ab]*\u00ab|\u300c[^\u300c\u300d]*\u300d|\u300e[^\u300e\u300f]*\u300f|"[^"]*"'
    "|\u201d[^\u201d]*\u201d"
)
_MARKS = re.compile('["\u201c\u201d\u201e\u00ab\u00bb\u300c\u300d\u300e\u300f]')


def quote_zones(text: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """(clean quotes, no-go zones) per paragraph; a mark left unpaired makes the rest of its paragraph no-go."""
    clean, zones = [], []
    for para in re.finditer(r"[^\n]+", text):
        start, body = para.start(), para.group()
        used = set()
        for m in _PAIRS.finditer(body):
            clean.append((start + m.start() + 1, start + m.end() - 1))
            zones.append((start + m.start(), start + m.end()))
            used.update(range(m.start(), m.end()))
        loose = [m.start() for m in _MARKS.finditer(body) if m.start() not in used]
        if loose:
            zones.append((start + loose[0], para.end()))
    return clean, zones


def _inside_any(start: int, end: int, zones: list[tuple[int, int]]) -> bool:
    return any(s < end and start < e for s, e in zones)


# Grouped thousands (1.000, 10 000, 1,000,000) or a plain number with a decimal part.
_NUMBER = re.compile(
    r"(?<![\d.,:/])\d{1,3}(?:(?:[.,]|[ \u00a0\u202f])\d{3})+(?:,\d+)?(?![\d])"
    r"|(?<![\d.,:/：])\d+(?:[.,]\d+)?(?![\d])"
)
_FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def _digit_like(new: str, old: str) -> str:
    """``new`` in the digit width of ``old`` (Japanese text often writes １８)."""
    return new.translate(_FULL_WIDTH) if any("０" <= ch <= "９" for ch in old) else new


def _plain_digits(text: str) -> str:
    return "".join(str(int(ch)) if ch.isdigit() else ch for ch in text)


def _capitalised_words(text: str) -> list[re.Match[str]]:
    return [m for m in re.finditer(r"\b[^\W\d_][^\W\d_'’-]{2,}\b", text) if m.group()[0].isupper()]


def _name_key(word: str) -> str:
    return word.lower()[:5]


class Article:
    """One document's text in one language, its body sentences, quote zones and the edits it admits."""

    def __init__(self, name: str, language: str, text: str, english: str, names: NamePool, rng: random.Random):
        self.name, self.language, self.text, self.english, self.pool, self.rng = (
            name,
            language,
            text,
            english,
            names,
            rng,
        )
        self.doc = copytrail.prepare_document(copytrail.load_bytes(text.encode(), name=name))
        self.segments = [s for s in self.doc.segments if s.role is Role.STORY and s.block > 0]
        self.clean_quotes, self.zones = quote_zones(text)
        self.months, self.days = calendar_words(language)
        self.name_keys = {_name_key(m.group()) for m in _capitalised_words(text)}

    def segment_of(self, start: int, end: int) -> int | None:
        for seg in self.segments:
            if seg.start <= start and end <= seg.end:
                return seg.index
        return None

    def _outside(self, start: int, end: int) -> int | None:
        if _inside_any(start, end, self.zones):
            return None
        return self.segment_of(start, end)

    def _word(self, word: str) -> str:
        """A pattern for ``word`` as a whole word (any substring in Chinese and Japanese)."""
        escaped = re.escape(word)
        return escaped if self.language in UNSPACED else rf"(?<!\w){escaped}(?!\w)"

    # ------------------------------------------------------------------ numbers
    def numbers(self) -> list[Candidate]:
        out, t = [], self.text
        unspaced = self.language in UNSPACED
        month_words = {w.lower() for forms in self.months for w in forms}
        for m in _NUMBER.finditer(t):
            start, end = m.start(), m.end()
            digits = m.group()
            before, after = t[max(0, start - 1) : start], t[end : end + 1]
            if unspaced:
                if re.match(r"\s?[年月日時:：/.]", t[end : end + 2]) or before in set("-－/"):
                    continue  # a date, a time or a code
            else:
                if re.match(r"[\w\-/:]", after) or re.match(r"[\w\-/]", before):
                    continue  # glued to letters: G7, COVID-19, 3D, times
                if re.match(r"\.\s*\d", t[end : end + 3]) or re.match(r"\.\s+[^\W\d_]+", t[end : end + 20]):
                    following = re.match(r"\.\s+([^\W\d_]+)", t[end : end + 20])
                    if following is None or following.group(1).lower() in month_words:
                        continue  # "1. Oktober", "3.5.2019"
                words_near = {w.lower() for w in re.findall(r"[^\W\d_]+", t[max(0, start - 15) : end + 15])}
                if words_near & month_words:
                    continue  # a day of the month
            if re.fullmatch(r"(?:19|20)\d\d", _plain_digits(digits)):
                continue  # a year: a date edit
            seg = self._outside(start, end)
            if seg is None:
                continue
            positions = [i for i, ch in enumerate(digits) if ch.isdigit()][:2]
            pos = self.rng.choice(positions)
            old = _plain_digits(digits[pos])
            choices = [d for d in ("123456789" if pos == 0 else "0123456789") if d != old]
            new_digits = digits[:pos] + _digit_like(self.rng.choice(choices), digits[pos]) + digits[pos + 1 :]
            if re.fullmatch(r"(?:19|20)\d\d", _plain_digits(new_digits)):
                continue
            out.append(Candidate("number", seg, [(start, end, new_digits)], f"{digits} -> {new_digits}"))
        return out

    # ------------------------------------------------------------------ dates
    def dates(self) -> list[Candidate]:
        out, t = [], self.text
        if self.language in UNSPACED:
            for m in re.finditer(r"(?<![\d０-９])([0-9０-９]{1,2})(?=月)", t):
                value = int(_plain_digits(m.group(1)))
                if not 1 <= value <= 12:
                    continue
                new = _digit_like(str(self.rng.choice([n for n in range(1, 13) if n != value])), m.group(1))
                self._add(out, "date", m.start(1), m.end(1), new, f"{m.group()}月 -> {new}月")
            weekday = JA_WEEKDAY if self.language == "ja" else ZH_WEEKDAY
            letters = JA_WEEKDAYS if self.language == "ja" else ZH_WEEKDAYS
            for m in re.finditer(weekday, t):
                group = 1 if m.group(1) else 2
                new = self.rng.choice([c for c in letters if c != m.group(group)])
                self._add(out, "date", m.start(group), m.end(group), new, f"weekday {m.group(group)} -> {new}")
        else:
            for lists in (self.months, self.days):
                for forms in lists:
                    pattern = "|".join(sorted(map(re.escape, forms), key=len, reverse=True))
                    flags = 0 if self.language == "de" else re.IGNORECASE
                    for m in re.finditer(rf"(?<!\w)(?:{pattern})(?!\w)", t, flags):
                        lowered = [f.lower() for f in forms]
                        index = lowered.index(m.group().lower())
                        new = case_like(self.rng.choice([f for i, f in enumerate(forms) if i != index]), m.group())
                        self._add(out, "date", m.start(), m.end(), new, f"{m.group()} -> {new}")
            if self.language == "fi":
                # Finnish months and weekdays take case endings: tammikuussa, maanantaista.
                for lists in (self.months, self.days):
                    stems = lists[-1]  # stand-alone: the nominative
                    pattern = "|".join(sorted(map(re.escape, stems), key=len, reverse=True))
                    for m in re.finditer(rf"(?<!\w)({pattern})([a-zäö]+)(?!\w)", t, re.IGNORECASE):
                        if m.group(2) not in FI_SUFFIXES or m.group().lower() in {w for f in lists for w in f}:
                            continue
                        index = [s.lower() for s in stems].index(m.group(1).lower())
                        new = case_like(self.rng.choice([s for i, s in enumerate(stems) if i != index]), m.group(1))
                        self._add(out, "date", m.start(1), m.end(1), new, f"{m.group()} -> {new}{m.group(2)}")
        # Years: not a part of a longer number, a code or an amount.
        for m in re.finditer(r"(?<![\w.,/$£€-])(?:19[5-9]\d|20[0-2]\d)(?![\d%.,/-]?\d)(?![%])", t):
            if self.language not in UNSPACED and re.match(r"[^\W\d_]", t[m.end() : m.end() + 1]):
                continue
            new = str(int(m.group()) + self.rng.choice([-1, 1]))
            self._add(out, "date", m.start(), m.end(), new, f"{m.group()} -> {new}")
        return out

    def _add(self, out: list[Candidate], kind: str, start: int, end: int, new: str, detail: str) -> None:
        seg = self._outside(start, end)
        if seg is not None:
            out.append(Candidate(kind, seg, [(start, end, new)], detail))

    # ------------------------------------------------------------------ names
    def names(self) -> list[Candidate]:
        if self.language not in CASED:
            return []
        out, t = [], self.text
        calendar = {w.lower() for lists in (self.months, self.days) for forms in lists for w in forms}
        for m in _capitalised_words(t):
            word = m.group()
            if word.lower() in calendar or not self.pool.is_name(word, self.english):
                continue
            seg = self._outside(m.start(), m.end())
            if seg is None:
                continue
            before = t[self.doc.segments[seg].start : m.start()].rstrip()
            if not before or before[-1] in '.!?:;"“”„«»(–—-':
                continue  # a capital at the start of a sentence or clause
            if re.match(r" [^\W\d_]", t[m.end() : m.end() + 2]) and t[m.end() + 1].isupper():
                continue  # the first word of a longer name: "New York", "Boris Johnson"
            new = self.pool.fresh(word, self.name_keys | {_name_key(word)}, self.rng)
            if new:
                self._add(out, "name", m.start(), m.end(), new, f"{word} -> {new}")
        return out

    # ------------------------------------------------------------------ negation
    def negations(self) -> list[Candidate]:
        out = []
        for pattern, replacement in NEGATE[self.language] + AFFIRM[self.language]:
            for m in re.finditer(pattern, self.text):
                new = m.expand(replacement)
                start, end = m.start(), m.end()
                self._add(out, "negation", start, end, new, f"{m.group()!r} -> {new!r}")
        return out

    # ------------------------------------------------------------------ quotes and wording
    def _swaps(self, start: int, end: int, *, drop: bool) -> list[tuple[int, int, str, str]]:
        """Synonym swaps (and drops of intensifiers when ``drop``) in text[start:end]."""
        ops, t = [], self.text
        table = WORDING[self.language]
        for word, new in table.items():
            for m in re.finditer(self._word(word), t[start:end]):
                s, e = start + m.start(), start + m.end()
                ops.append((s, e, new, "swap"))
            if self.language not in UNSPACED and word[:1].islower():
                for m in re.finditer(self._word(word.capitalize()), t[start:end]):
                    ops.append((start + m.start(), start + m.end(), new.capitalize(), "swap"))
        if drop:
            for word in DROPPABLE[self.language]:
                for m in re.finditer(self._word(word), t[start:end]):
                    s, e = start + m.start(), start + m.end()
                    if self.language not in UNSPACED:
                        if t[s - 1 : s] != " ":
                            continue
                        s -= 1  # the space before goes too
                    ops.append((s, e, "", "drop"))
        # Disjoint, never overlapping each other (e.g. "非常" and "常常").
        ops.sort()
        kept: list[tuple[int, int, str, str]] = []
        for op in ops:
            if not kept or op[0] >= kept[-1][1]:
                kept.append(op)
        return kept

    def quotes(self) -> list[Candidate]:
        out = []
        edge = 2 if self.language in UNSPACED else 1
        for q_start, q_end in self.clean_quotes:
            inner = self.text[q_start:q_end]
            if (len(inner.strip()) < 10) if self.language in UNSPACED else (len(inner.split()) < 5):
                continue
            words = list(re.finditer(r"\S+", inner))
            lo = q_start + (words[0].end() if self.language not in UNSPACED else edge)
            hi = q_start + (words[-1].start() if self.language not in UNSPACED else len(inner) - edge)
            by_segment: dict[int, list[tuple[int, int, str]]] = defaultdict(list)
            for s, e, new, _ in self._swaps(lo, hi, drop=True):
                seg = self.segment_of(s, e)
                if seg is not None:
                    by_segment[seg].append((s, e, new))
            for seg, ops in by_segment.items():
                chosen = sorted(self.rng.sample(ops, min(len(ops), self.rng.randint(1, 3))))
                detail = "; ".join(f"{self.text[s:e].strip()} -> {r or '(dropped)'}" for s, e, r in chosen)
                out.append(Candidate("altered_quote", seg, chosen, detail))
        return out

    def wordings(self) -> list[Candidate]:
        by_segment: dict[int, list[tuple[int, int, str]]] = defaultdict(list)
        for s, e, new, _ in self._swaps(0, len(self.text), drop=False):
            seg = self._outside(s, e)
            if seg is not None:
                by_segment[seg].append((s, e, new))
        out = []
        for seg, ops in by_segment.items():
            chosen = sorted(self.rng.sample(ops, min(len(ops), self.rng.randint(1, 3))))
            out.append(Candidate("wording", seg, chosen, "; ".join(f"{self.text[s:e]} -> {r}" for s, e, r in chosen)))
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


@dataclass
class NamePool:
    """Proper names of one language, read off its documents; the replacements for name edits."""

    language: str
    lower_words: set[str] = field(default_factory=set)
    names: list[str] = field(default_factory=list)

    @classmethod
    def build(cls, language: str, texts: list[tuple[str, str]]) -> NamePool:
        pool = cls(language)
        months, days = calendar_words(language)
        calendar = {w.lower() for lists in (months, days) for forms in lists for w in forms}
        for text, _ in texts:
            pool.lower_words.update(w for w in re.findall(r"[^\W\d_]+", text) if w.islower())
        seen = set()
        for text, english in texts:
            for m in _capitalised_words(text):
                word = m.group()
                if (
                    word not in seen
                    and word.lower() not in calendar
                    and pool.is_name(word, english)
                    and m.start()
                    and text[m.start() - 2 : m.start()] not in {". ", "\n\n"}
                ):
                    seen.add(word)
                    pool.names.append(word)
        return pool

    def is_name(self, word: str, english: str) -> bool:
        if self.language == "ru":
            return word.lower() not in self.lower_words and len(word) >= 4
        return (
            re.search(rf"(?<!\w){re.escape(word)}(?!\w)", english) is not None and word.lower() not in self.lower_words
        )

    def fresh(self, old: str, taken: set[str], rng: random.Random) -> str | None:
        options = [n for n in self.names if _name_key(n) not in taken]
        if self.language in {"ru", "fi"}:
            options = [n for n in options if n[-2:] == old[-2:]]
        return rng.choice(options) if options else None


# --------------------------------------------------------------------------- cases


@dataclass
class Source:
    name: str
    language: str
    text: str
    english: str
    held_out: bool


def load_sources(languages: tuple[str, ...]) -> dict[str, list[Source]]:
    out = {}
    for language in languages:
        out[language] = [
            Source(f"{language}/{d.docid}", language, d.xx.text, d.en.text, d.held_out) for d in wmt_documents(language)
        ]
    return out


def build_cases(sources: list[Source], copies: int, rng: random.Random) -> list[Case]:
    """About ``copies`` edited copies of these documents, 2-5 edits each, kinds kept in balance."""
    if not sources:
        return []
    language = sources[0].language
    pool = NamePool.build(language, [(s.text, s.english) for s in sources])
    per_document = max(1, min(10, math.ceil(copies / len(sources))))
    totals: Counter[str] = Counter()
    cases = []
    for source in sources:
        article = Article(source.name, language, source.text, source.english, pool, rng)
        candidates = article.candidates()
        for n in range(per_document):
            want = rng.randint(2, 5)
            used: set[int] = set()
            chosen: list[Candidate] = []
            while len(chosen) < want:
                open_kinds = [k for k in KINDS if any(c.segment not in used for c in candidates[k])]
                if not open_kinds:
                    break
                rng.shuffle(open_kinds)
                kind = min(open_kinds, key=lambda k: totals[k])
                cand = rng.choice([c for c in candidates[kind] if c.segment not in used])
                used.add(cand.segment)
                chosen.append(cand)
                totals[kind] += 1
            if len(chosen) < 2:
                for c in chosen:
                    totals[c.kind] -= 1
                continue
            chosen.sort(key=lambda c: c.ops[0][0])
            copy, edits = apply(source.text, chosen)
            cases.append(Case(f"{source.name}#{n}", source.text, copy, edits))
    return cases


def paraphrase_changes(held: bool, config: copytrail.CompareConfig) -> dict:
    """What the detectors report between two independent Finnish translations of one English article.

    WMT16's English-original documents have a second Finnish translation (``fi_alt``): the
    same facts in other words. A number, date, name or negation reported between the two is
    mostly a false alarm (or a translator's own slip: the examples show which).
    """
    rows = [json.loads(line) for line in (DATA / "wmt16_newstest_en_fi" / "documents.jsonl").open(encoding="utf-8")]
    rows = [r for r in rows if r.get("fi_alt") and held_out(r["docid"]) == held]
    kinds: Counter[str] = Counter()
    pairs, examples = 0, defaultdict(list)
    for row in rows:
        a = "\n\n".join(" ".join(s.split()) for s in row["fi"])
        b = "\n\n".join(" ".join(s.split()) for s in row["fi_alt"])
        report = copytrail.compare(
            copytrail.load_bytes(a.encode(), name="fi.txt"),
            copytrail.load_bytes(b.encode(), name="fi_alt.txt"),
            config=config,
        )
        pairs += sum(len(passage.pairs) for passage in report.passages)
        for change in report.explanation.changes:
            kinds[change.kind.value] += 1
            if len(examples[change.kind.value]) < 5:
                examples[change.kind.value].append(f"[{row['docid']}] {change.a_text!r} -> {change.b_text!r}")
    return {
        "split": "held-out" if held else "dev",
        "documents": len(rows),
        "aligned_pairs": pairs,
        "changes": dict(sorted(kinds.items())),
        "examples": dict(examples),
    }


def no_hint(case, edit, rec) -> str:  # noqa: ANN001
    """Misses are listed by pattern only: ``bench/edits.py``'s hints read English."""
    return ""


# --------------------------------------------------------------------------- report


def _fmt(x: float | None) -> str:
    return "-" if x is None else f"{x:.3f}"


def markdown(result: dict) -> str:
    lines = [
        "# Labelled edits on non-English news (bench/edits_multilingual.py)",
        "",
        f"`{result['command']}` at {result['revision']}; seed {result['seed']}.",
        "",
        "Per language and split: true edits, precision / recall per kind; wording = controls reported as a",
        "fact or quote change (false alarms) out of all controls.",
        "",
        "| language | split | copies | " + " | ".join(k for k in KINDS if k != "wording") + " | wording false alarms |",
        "|---|---|---|" + "---|" * (len(KINDS) - 1) + "---|",
    ]
    for run in result["runs"]:
        cells = []
        rows = {r["kind"]: r for r in run["table"]}
        for kind in KINDS:
            if kind == "wording":
                continue
            r = rows[kind]
            cells.append(f"{r['true_edits']}: {_fmt(r['precision'])} / {_fmt(r['recall'])}" if r["true_edits"] else "-")
        w = rows["wording"]
        cells.append(f"{w['false_alarms']}/{w['true_edits']}")
        lines.append(f"| {run['language']} | {run['split']} | {run['copies']} | " + " | ".join(cells) + " |")
    lines.append("")
    lines.append("Cells: `true edits: precision / recall`.")
    lines += [
        "",
        "Altered quotes found, and how many of them name a speaker (`copytrail/explain/quotes.py`; whether",
        "the speaker is right is measured by `bench/quote_speakers.py` against the English side):",
        "",
        "| language | split | altered quotes found | with a speaker |",
        "|---|---|---|---|",
    ]
    for run in result["runs"]:
        found = run.get("quote_speakers") or {}
        if found:
            total = sum(found.values())
            lines.append(f"| {run['language']} | {run['split']} | {total} | {found.get('with_speaker', 0)} |")
    if result.get("fi_alt_paraphrase"):
        lines += [
            "",
            "Two independent Finnish translations of one English article (WMT16 `fi` / `fi_alt`): the same facts,",
            "so a fact change reported between them is mostly a false alarm.",
            "",
            "| split | documents | aligned pairs | changes reported |",
            "|---|---|---|---|",
        ]
        for found in result["fi_alt_paraphrase"]:
            changes = ", ".join(f"{k} {v}" for k, v in found["changes"].items())
            lines.append(f"| {found['split']} | {found['documents']} | {found['aligned_pairs']} | {changes} |")
    return "\n".join(lines) + "\n"


def print_run(run: dict, show: int) -> None:
    print(f"\n== {run['language']} {run['split']}: {run['copies']} copies, {run['edits']} edits")
    print(f"{'kind':<14}{'true':>6}{'detected':>10}{'correct':>9}{'found':>7}{'precision':>11}{'recall':>8}")
    for row in run["table"]:
        print(
            f"{row['kind']:<14}{row['true_edits']:>6}{row['detected']:>10}{row['correct_detections']:>9}"
            f"{row['found']:>7}{_fmt(row['precision']):>11}{_fmt(row['recall']):>8}"
        )
    w = next(r for r in run["table"] if r["kind"] == "wording")
    alarms, verb_form = w["false_alarms"], w["reported_as_verb_form"]
    print(f"wording controls {w['true_edits']}: false alarms {alarms}, as verb_form {verb_form}")
    for p in run["patterns"][: 8 if show else 0]:
        print(f"- {p['pattern']}: {p['count']}")
        print_examples(p["examples"][:show])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--languages", default=",".join(LANGUAGES))
    parser.add_argument("--split", choices=("dev", "held-out", "both"), default="both")
    parser.add_argument("--copies-per-language", type=int, default=90, help="per language and split")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--embedder", default="minilm")
    parser.add_argument("--show", type=int, default=2, help="examples per failure pattern")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    command = reproduce_command().rstrip()
    print(command)
    languages = tuple(args.languages.split(","))
    splits = {"dev": (False,), "held-out": (True,), "both": (False, True)}[args.split]
    config = copytrail.CompareConfig(embedder=args.embedder)
    started = time.perf_counter()
    runs = []
    for language, sources in load_sources(languages).items():
        for held in splits:
            # One generator per language and split, so that each table is reproducible on its own.
            rng = random.Random(f"{args.seed}:{language}:{'held-out' if held else 'dev'}")
            cases = build_cases([s for s in sources if s.held_out == held], args.copies_per_language, rng)
            records, seconds = evaluate(cases, config)
            result = score(records, cases, hint=no_hint)
            for p in result["patterns"]:
                p["examples"] = p["examples"][:5]
            run = {
                "language": language,
                "split": "held-out" if held else "dev",
                "documents": len({c.name.split("#")[0] for c in cases}),
                "copies": len(cases),
                "edits": sum(len(c.edits) for c in cases),
                "compare_seconds": round(seconds, 1),
                **result,
            }
            runs.append(run)
            print_run(run, args.show)
    paraphrases = []
    if "fi" in languages:
        for held in splits:
            found = paraphrase_changes(held, config)
            paraphrases.append(found)
            print(
                f"\n== fi vs fi_alt ({found['split']}): {found['documents']} documents,"
                f" {found['aligned_pairs']} aligned pairs; changes reported: {found['changes']}"
            )
            for kind, shown in found["examples"].items():
                if kind != "wording":
                    for line in shown[: args.show]:
                        print(f"    {kind}: {line}")
    wall = time.perf_counter() - started
    out = {
        "command": command,
        "revision": git_revision() or "unknown",
        "seed": args.seed,
        "embedder": args.embedder,
        "cpu_count": os.cpu_count(),
        "wall_seconds": round(wall, 1),
        "runs": runs,
        "fi_alt_paraphrase": paraphrases,
    }
    print(f"\nwall {wall:.1f} s; wrote {write_json(args.out, out)}")
    args.out.with_suffix(".md").write_text(markdown(out), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
