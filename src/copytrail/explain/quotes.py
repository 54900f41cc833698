"""Direct quotes and who said them.

Quotes are found on the whole text (a quote may run over several sentences) between
curly or straight double quotes within one paragraph. The speaker is read from the
attribution next to the quote: ``"…," Milley said``, ``said Milley``, ``Milley said: "…"``,
``the Ukrainian president said``; a bare ``he``/``she`` resolves to the last person named
as a speaker or subject before it.

German, Spanish, Russian and Finnish attributions are read the same way with a short list
of each language's speech verbs (chosen on DEV quotes: ``bench/quote_speakers.py``):
``„…“, sagte Merkel``, ``„…“, so der Entwurf``, ``«…», — заявил Путин``, ``”…”, Healy
sanoi``, ``Geoff sanoi minulle: ”…”``. The subject is the words between the quote and the
verb, or after the verb up to its first capitalised word and the name that word opens
("sagte der Künstler", "kertoi ylikonstaapeli Shandell Castledine"); "er", "он", "hän"
resolve like "he".
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from copytrail.normalize.scripts import count_words, has_unspaced, match_words, normalise
from copytrail.records import Span

_SPEECH_VERBS = (
    r"said|says|say|added|adds|told|tells|asked|asks|stated|states|declared|wrote|writes|noted|"
    r"reiterated|insisted|argued|warned|explained|continued|repeated|replied|acknowledged|claimed|"
    r"announced|urged|stressed|remarked|tweeted"
)
_NAME = r"(?:[A-Z][\w'\u2019.-]+(?:\s+(?:[A-Z][\w'\u2019.-]+|de|van|von|al|bin))*)"
_DESCRIPTOR = r"\b(?:[Tt]he|[Aa]n?)\s+(?:[\w-]+\s+){0,4}?[\w-]+"
_SUBJECT = rf"(?P<subject>{_NAME}|{_DESCRIPTOR}|he|she|they|He|She|They)"
# "…," Milley said | "…," Gen. Mark Milley, chairman of the Joint Chiefs, said | "…," said Milley
_AFTER = re.compile(
    rf"^[\s,.]*(?:{_SUBJECT}(?:,[^,\"\u201c\u201d]{{1,80}},)?\s+(?:{_SPEECH_VERBS})\b"
    rf"|(?:{_SPEECH_VERBS})\s+(?P<subject2>{_NAME}|{_DESCRIPTOR}))"
)
_VERB = re.compile(rf"\b(?:{_SPEECH_VERBS})\b")
# What stands right before the speech verb: Milley | Maria Zakharova, | the president also
_SUBJECT_BEFORE_VERB = re.compile(rf"{_SUBJECT},?\s+(?:has\s+|had\s+|also\s+)?$")
_PRONOUNS = {"he", "she", "they"}
_OPEN, _CLOSE = "\u201c", "\u201d"
_CONTRACTIONS = {
    "can't": "can not",
    "won't": "will not",
    "shan't": "shall not",
    "n't": " not",
    "'s": " is",
    "'re": " are",
    "'ll": " will",
    "'ve": " have",
    "'d": " would",
    "'m": " am",
}
_WORD = re.compile(r"\w+")

# Speech verbs of other languages, in the forms news attributions use (third person, past and present).
_FOREIGN_SPEECH_VERBS = {
    "de": (
        "sagte|sagten|sagt|sagen|erklärte|erklärten|erklärt|schrieb|schreibt|betonte|betont|meinte|meint|fügte|"
        "ergänzte|berichtete|erzählte|warnte|antwortete|bestätigte|forderte|kommentierte|teilte|so"
    ),
    "es": (
        "dijo|dice|dijeron|afirmó|afirma|declaró|declara|aseguró|asegura|explicó|explica|señaló|señala|indicó|"
        "añadió|agregó|comentó|sostuvo|advirtió|escribió|subrayó|destacó|manifestó|precisó|apuntó|recordó"
    ),
    "ru": (
        "сказал|сказала|сказали|заявил|заявила|заявили|заявляет|отметил|отметила|отметили|добавил|добавила|"
        "написал|написала|подчеркнул|подчеркнула|сообщил|сообщила|сообщили|рассказал|рассказала|пояснил|"
        "пояснила|говорит|говорят|считает|признал|признала|уточнил|уточнила|заметил|заметила|ответил|ответила"
    ),
    "fi": (
        "sanoi|sanoo|sanovat|sanoivat|kertoi|kertoo|kertoivat|totesi|toteaa|lisäsi|lisää|kirjoitti|kirjoittaa|"
        "kirjoittavat|korosti|muistutti|vahvisti|väitti|kuvaili|selitti|huomautti|arvioi|sanoen|väittäen"
    ),
}
_FOREIGN_PRONOUNS = {"er", "sie", "él", "ella", "он", "она", "они", "hän", "he"}
_NAME_JOINING = {"de", "del", "da", "von", "van", "der", "la", "al", "bin"}
# At most this many words between a quote and its speech verb, or in the subject after it.
_SUBJECT_WORDS = 5
# A clause ends at a quote mark, a bracket, or a stop followed by a space ("HSL:n", "3,5", "Dr." stay).
# ", Taras Kremen." | ", Sergei Lavrov, …": a name of capitalised words standing alone after a comma.
_APPOSITION = re.compile(r",\s+((?:[^\W\d_][\w'’-]*\s+){0,3}[^\W\d_][\w'’-]*)\s*(?=[.,;]|$)")
_CLAUSE_END = re.compile(r"[()\[\]\"“”„«»\n]|[,.;:!?](?=\s|$)")


@dataclass(frozen=True, slots=True)
class Quote:
    """A direct quote: ``span`` covers the words inside the quote marks."""

    span: Span
    text: str
    speaker: str | None


def normalise_quote(text: str) -> list[str]:
    """Words of a quote with contractions expanded, so "there's" equals "there is"."""
    text = text.replace("\u2019", "'").lower()
    for short, full in _CONTRACTIONS.items():
        text = text.replace(short, full)
    if has_unspaced(text):
        return match_words(normalise(text))
    return _WORD.findall(text)


def _paragraphs(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for match in re.finditer(r"\n\s*\n", text):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    return spans


# Curly English quotes; German low-high quotes; guillemets (Russian, French, Arabic); CJK corner brackets.
_PAIRED_QUOTES = re.compile(
    "\u201c([^\u201c\u201d]+)\u201d|\u201e([^\u201e\u201c\u201d]+)[\u201c\u201d]|\u00ab([^\u00ab\u00bb]+)\u00bb"
    "|\u300c([^\u300c\u300d]+)\u300d|\u300e([^\u300e\u300f]+)\u300f"
)


# Finnish and Swedish open and close a quote with the same mark: ”…”; German and Danish books
# and some papers use »…«.
_NORDIC_QUOTES = re.compile("\u201d([^\u201c\u201d]+)\u201d|\u00bb([^\u00ab\u00bb]+)\u00bb")
_INWARD_GUILLEMETS = re.compile("\u00bb([^\u00ab\u00bb]+)\u00ab")
_SAME_MARK_QUOTES = {"fi": _NORDIC_QUOTES, "sv": _NORDIC_QUOTES, "de": _INWARD_GUILLEMETS, "da": _INWARD_GUILLEMETS}


def _quote_spans(text: str, start: int, end: int, language: str | None = None) -> list[tuple[int, int]]:
    """Inner spans of "…", “…”, „…“, «…», 「…」 and 『…』 pairs in text[start:end] (and ”…”, »…« in
    the languages that use them)."""
    found = []
    extra = _SAME_MARK_QUOTES.get(language or "")
    for pattern in (_PAIRED_QUOTES, extra) if extra else (_PAIRED_QUOTES,):
        for match in pattern.finditer(text[start:end]):
            group = match.lastindex or 1
            found.append((start + match.start(group), start + match.end(group)))
    straight = [m.start() for m in re.finditer('"', text[start:end])]
    for open_, close in zip(straight[0::2], straight[1::2]):
        found.append((start + open_ + 1, start + close))
    return sorted(found)


def _clean_subject(subject: str) -> str:
    return re.sub(r"\s+", " ", subject.strip(" ,.")).strip()


def _speaker_before(window: str) -> str | None:
    """The subject of the last speech verb before a quote: Milley said: "…"."""
    for verb in reversed(list(_VERB.finditer(window))):
        tail = window[verb.end() :]
        if len(tail) > 120 or any(mark in tail for mark in '"\u201c\u201d'):
            continue
        subject = _SUBJECT_BEFORE_VERB.search(window[: verb.start()])
        if subject:
            return subject.group("subject")
    return None


@cache
def _speech_verb(language: str) -> re.Pattern[str] | None:
    verbs = _FOREIGN_SPEECH_VERBS.get(language)
    return re.compile(rf"(?<!\w)(?:{verbs})(?!\w)", re.IGNORECASE) if verbs else None


def _clause_words(text: str) -> list[str]:
    """The words of ``text`` up to its first clause mark, dashes dropped."""
    clause = _CLAUSE_END.split(text, 1)[0]
    return [w for w in clause.split() if w.strip("—–-")]


def _subject_after_verb(words: list[str]) -> str | None:
    """ "der Künstler auf Instagram" -> "der Künstler"; "Taras Kremen" whole; "президент" (no
    capital: two words at most)."""
    for i, word in enumerate(words[:_SUBJECT_WORDS]):
        if word[:1].isupper():
            end = i + 1
            while end < len(words) and (
                words[end][:1].isupper()
                or (words[end] in _NAME_JOINING and end + 1 < len(words) and words[end + 1][:1].isupper())
            ):
                end += 1
            return " ".join(words[:end])
    return " ".join(words) if 0 < len(words) <= 2 else None


def _subject_before_verb(words: list[str]) -> str:
    """The words before a speech verb, up to the last capitalised one where there is one:
    "Neilson pysyy sanomansa takana (väittäen)" -> "Neilson"."""
    capitalised = [i for i, word in enumerate(words) if word[:1].isupper()]
    return " ".join(words[: capitalised[-1] + 1] if capitalised else words)


def _foreign_speaker_after(text: str, pattern: re.Pattern[str]) -> str | None:
    """``„…“, sagte Merkel`` / ``”…”, Healy sanoi`` / ``«…», — заявил Путин``: the clause after a quote."""
    # The attribution follows a comma or a dash: „…“, sagte | «…», — заявил | "…" - написал.
    opening = re.match(r"\s*(?:,\s*[—–-]*|[—–-]+)\s*", text)
    if opening is None:
        return None
    rest = text[opening.end() :]
    words = _clause_words(rest)
    for i, word in enumerate(words[: _SUBJECT_WORDS + 1]):
        if pattern.fullmatch(word):
            if i:
                return _subject_before_verb(words[:i])
            subject = _subject_after_verb(words[1:])
            if not subject or subject[:1].islower():
                # A description named in apposition: "declaró el Defensor del Idioma del país, Taras Kremen."
                clause_end = _CLAUSE_END.search(rest)
                named = _APPOSITION.match(rest, clause_end.start()) if clause_end else None
                if named and all(w[:1].isupper() for w in named.group(1).split()):
                    return named.group(1)
            return subject
    return None


def _foreign_speaker_before(window: str, pattern: re.Pattern[str]) -> str | None:
    """``Geoff sanoi minulle: ”…”`` / ``Ein Mitarbeiter sagte: „…“``: the subject of the speech verb
    in the clause that ends with a colon right before the quote."""
    window = window.rstrip()
    if not window.endswith(":"):
        return None
    clause = re.split(r"[.!?;,\n]", window[:-1])[-1]
    words = clause.split()
    for i in range(len(words) - 1, -1, -1):
        if pattern.fullmatch(words[i].strip(",")):
            before = words[max(0, i - _SUBJECT_WORDS) : i]
            return _subject_before_verb(before) if before else _subject_after_verb(words[i + 1 :])
    return None


def extract_quotes(text: str, language: str | None = None) -> list[Quote]:
    """Every direct quote of at least three words in ``text``, with its speaker when named.

    ``language`` (ISO 639-1) adds the quote marks only some languages use (Finnish ”…”);
    speakers are read in English, German, Spanish, Russian and Finnish.
    """
    if language in (None, "en"):
        return _collect_quotes(
            text,
            language,
            _english_speaker,
            _PRONOUNS,
            names_person=lambda s: s[0].isupper(),
            paragraph_subject=_english_paragraph_subject,
        )
    pattern = _speech_verb(language)
    return _collect_quotes(
        text,
        language,
        (lambda after, before: _foreign_speaker(after, before, pattern)) if pattern is not None else None,
        _FOREIGN_PRONOUNS,
        names_person=lambda s: any(w[:1].isupper() for w in s.split()),
        after_chars=160,
    )


def _english_speaker(after: str, before: str) -> str | None:
    found = _AFTER.search(after)
    if found:
        return found.group("subject") or found.group("subject2")
    return _speaker_before(before)


def _english_paragraph_subject(paragraph: str) -> str | None:
    """A name as the subject of a paragraph's first sentence is who "he" means next."""
    subject = re.match(rf"\s*(?:[\w,]+\s+){{0,8}}?({_NAME})\s+(?:{_SPEECH_VERBS})\b", paragraph)
    if subject and not subject.group(1).startswith(("The ", "A ")):
        return _clean_subject(subject.group(1))
    return None


def _foreign_speaker(after: str, before: str, pattern: re.Pattern[str]) -> str | None:
    speaker = _foreign_speaker_after(after, pattern)
    return speaker if speaker is not None else _foreign_speaker_before(before, pattern)


def _collect_quotes(
    text: str,
    language: str | None,
    speaker_of: Callable[[str, str], str | None] | None,
    pronouns: frozenset[str] | set[str],
    *,
    names_person: Callable[[str], bool],
    after_chars: int = 120,
    paragraph_subject: Callable[[str], str | None] | None = None,
) -> list[Quote]:
    """The quotes of ``text`` with their speakers: ``speaker_of(after, before)`` reads the
    attribution around a quote; a pronoun is the last person named (or the subject
    ``paragraph_subject`` finds in a paragraph), and a quote with no attribution continues
    the previous one's speaker inside one paragraph."""
    quotes: list[Quote] = []
    last_person: str | None = None
    for p_start, p_end in _paragraphs(text):
        for q_start, q_end in _quote_spans(text, p_start, p_end, language):
            inner = text[q_start:q_end].strip()
            if count_words(inner) < 3:
                continue
            speaker = None
            if speaker_of is not None:
                after = text[q_end + 1 : min(p_end, q_end + after_chars)]
                speaker = speaker_of(after, text[max(p_start, q_start - 200) : q_start - 1])
            if speaker:
                speaker = _clean_subject(speaker)
                if speaker.lower() in pronouns:
                    speaker = last_person or speaker
                elif names_person(speaker):
                    last_person = speaker
            else:
                speaker = last_person if quotes and quotes[-1].span.end > p_start else None
            quotes.append(Quote(Span(q_start, q_end), inner, speaker))
        subject = paragraph_subject(text[p_start:p_end]) if paragraph_subject is not None else None
        if subject is not None:
            last_person = subject
    return quotes
