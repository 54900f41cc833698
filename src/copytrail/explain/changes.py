"""What changed inside each aligned sentence pair: quotes, quantities, dates, names, verbs.

Every aligned pair is looked at on its own. A pair whose words differ but where none of
the detectors fires is labelled WORDING: a rewording a reader can skip.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Iterable
from difflib import SequenceMatcher
from typing import NamedTuple

from copytrail.align.stem import STEM_LETTERS
from copytrail.explain.facts import Mention, dates, names, negatable_verbs, negators, quantities, verb_groups
from copytrail.explain.languages import is_common_noun
from copytrail.explain.quotes import Quote, extract_quotes, normalise_quote
from copytrail.normalize import normalise_for_match
from copytrail.normalize.scripts import DIFF_TOKEN
from copytrail.records import Change, ChangeKind, CompareReport, Document, Segment, SentencePair, Span

_MONTH_KEYS = {
    "jan": "january",
    "feb": "february",
    "mar": "march",
    "apr": "april",
    "jun": "june",
    "jul": "july",
    "aug": "august",
    "sep": "september",
    "sept": "september",
    "oct": "october",
    "nov": "november",
    "dec": "december",
}
_HONORIFICS = {"mr", "mrs", "ms", "miss", "dr", "sir", "lord", "lady", "dame", "prof", "presi", "prime", "minis", "gen"}
# A negation flip changes a word or two ("ist" -> "ist nicht", "on" -> "ei ole", "る" -> "ない");
# a longer stretch that differs is a rewrite, whose negations are not a fact that changed.
_NEGATION_REGION_TOKENS = 4
_NEGATED = re.compile(r"\b(?:not|never|no longer)\b|n't\b", re.IGNORECASE)
_WORD_OR_PART = re.compile(r"[^\W_]+")


def _overlaps(quote: Quote, segment: Segment) -> bool:
    return quote.span.start < segment.end and segment.start < quote.span.end


def _quotes_by_segment(doc: Document, quotes: list[Quote]) -> dict[int, list[Quote]]:
    """The quotes overlapping each segment, in the order found.

    Looked up by bisection over the segments' starts: scanning every quote for every
    aligned pair was quadratic, minutes on a 1 MB pair (``bench/long_compare.py``).
    """
    starts = [s.start for s in doc.segments]
    found: dict[int, list[Quote]] = {}
    for quote in quotes:
        first = max(bisect.bisect_right(starts, quote.span.start) - 1, 0)
        last = bisect.bisect_left(starts, quote.span.end)
        for index in range(first, last):
            if _overlaps(quote, doc.segments[index]):
                found.setdefault(index, []).append(quote)
    return found


def _quote_similarity(a: Quote, b: Quote) -> float:
    wa, wb = set(normalise_quote(a.text)), set(normalise_quote(b.text))
    return len(wa & wb) / max(len(wa | wb), 1)


class _Sides(NamedTuple):
    """Quotes of the A side and of the B side, each in its own document's offsets."""

    a: list[Quote]
    b: list[Quote]


def _inside(mention: Mention, quotes: Iterable[Quote]) -> bool:
    return any(q.span.start <= mention.span.start and mention.span.end <= q.span.end for q in quotes)


def _date_key(mention: Mention) -> str:
    words = re.sub(r"[.,]", " ", mention.key).split()
    words = [_MONTH_KEYS.get(w, w) for w in words if w not in {"on", "in", "morning", "afternoon", "evening", "night"}]
    return " ".join(words)


def _name_tokens(mentions: list[Mention]) -> set[str]:
    """Name words cut to the stem length, without possessives: "Ukraine's" meets "Ukrainian".

    Only cut, not stemmed: a name's ending is no inflection ("Jones" is not "Jon").
    """
    tokens = set()
    for mention in mentions:
        for word in mention.text.replace("\u2019", "'").split():
            if word[:1].isupper():
                tokens.add(re.sub(r"'s$|'$", "", word).strip(".").lower()[:STEM_LETTERS])
    return tokens


def _name_words(mentions: list[Mention], language: str | None = None) -> set[str]:
    """The capitalised words of ``mentions``, lower-cased; a word with a hyphen or an apostrophe
    gives its name parts: "Isoa-Britanniaa" meets "Britanniaa", "Karen-Feuer" is "karen"
    (German's nouns are no name parts), "EU-jäsenyydestä" is "eu"."""
    out = set()
    for mention in mentions:
        for word in mention.text.split():
            # Split as _capitalised_words splits, so that the two count the same words ("O'Brien": "o", "brien").
            parts = [p for p in _WORD_OR_PART.findall(word) if p[:1].isupper() and not is_common_noun(p, language)]
            out.update(p.lower() for p in parts or [p for p in _WORD_OR_PART.findall(word) if p[:1].isupper()])
    return out


def _capitalised_words(segment: Segment) -> list[str]:
    """Every capitalised word of a sentence, where it stands as a name or opens the sentence,
    and the capitalised parts of hyphenated words; lower-cased, in order, repeats kept."""
    return [m.group().lower() for m in _WORD_OR_PART.finditer(segment.text) if m.group()[:1].isupper()]


def _named_fewer_times(word: str, here: list[str], there: list[str]) -> bool:
    """``word`` (a name's word) stands fewer times in the other sentence, give or take an ending,
    counting the capital that opens a sentence too ("Griffiths ohitti" / "…, mutta Griffiths"
    is the same name; "Helsingin …, tiedottaa Helsingin" / "Helsingin …, tiedottaa Gavin" lost one)."""
    return sum(_same_name(word, w) for w in there) < sum(_same_name(word, w) for w in here)


def _same_name(word: str, other: str) -> bool:
    """One name's word give or take an ending: one starts with the other ("Lamb", "Lambin"),
    or they share their first four letters ("Foxille", "Foxin"; not "Merkel", "Merz")."""
    return word == other or (
        min(len(other), len(word)) >= 3
        and (other.startswith(word) or word.startswith(other) or (len(word) >= 4 and other[:4] == word[:4]))
    )


class _PairExplainer:
    """Finds the changes of one document pair; quotes are extracted once per document."""

    def __init__(self, a: Document, b: Document) -> None:
        self.a, self.b = a, b
        # Both sides are in one language here (a translated pair goes to crosslingual.py);
        # None (too little text to tell) keeps the English rules.
        self.language = a.language or b.language
        self.english = self.language in (None, "en")
        self.quotes_a = _quotes_by_segment(a, extract_quotes(a.text, self.language))
        self.quotes_b = _quotes_by_segment(b, extract_quotes(b.text, self.language))
        self.reported_quotes: set[tuple[int, int]] = set()

    def explain(self, pair: SentencePair, *, verb_forms_only: bool = False) -> list[Change]:
        """The changes of one aligned pair; ``verb_forms_only``: only its VERB_FORM changes, the
        ones :func:`~copytrail.explain.provenance.likely_original` reads (the same ones, found
        after the same quotes, without the numbers, dates and names)."""
        seg_a, seg_b = self.a.segments[pair.a], self.b.segments[pair.b]
        qa = self.quotes_a.get(pair.a, [])
        qb = self.quotes_b.get(pair.b, [])
        changes = self._quotes(pair, qa, qb)
        if not changes and seg_a.text == seg_b.text:
            # The same words state the same facts; in an edited copy this is 40 % of the
            # aligned pairs, and finding each one's numbers, dates, names and verbs twice
            # was a third of explaining a long pair. (The quotes still go through _quotes:
            # a quote running on into the next sentence may differ there.)
            return []
        # Each side's quotes, in that side's offsets: a mention is set aside only by a quote of its own text.
        altered = _Sides(
            [q for q in qa if any(c.a == q.span for c in changes)],
            [q for q in qb if any(c.b == q.span for c in changes)],
        )
        if verb_forms_only:
            verbs = self._verbs(pair, seg_a, seg_b, altered) if self.english else []
            return [c for c in verbs if c.kind is ChangeKind.VERB_FORM]
        changes += self._quantities(pair, seg_a, seg_b, altered)
        changes += self._dates(pair, seg_a, seg_b, altered)
        changes += self._names(pair, seg_a, seg_b, _Sides(qa, qb))
        if self.english:
            changes += self._verbs(pair, seg_a, seg_b, altered)
        else:
            changes += self._negation_flips(pair, seg_a, seg_b, altered)
        if not changes and normalise_for_match(seg_a.text) != normalise_for_match(seg_b.text):
            changes.append(
                Change(
                    ChangeKind.WORDING,
                    seg_a.span,
                    seg_b.span,
                    seg_a.text,
                    seg_b.text,
                    pair.a,
                    pair.b,
                    detail="reworded; same facts",
                )
            )
        return changes

    def _quotes(self, pair: SentencePair, qa: list[Quote], qb: list[Quote]) -> list[Change]:
        out = []
        for quote in qa:
            candidates = [(q, _quote_similarity(quote, q)) for q in qb]
            if not candidates:
                continue
            best, score = max(candidates, key=lambda item: item[1])
            key = (quote.span.start, best.span.start)
            if score < 0.3 or key in self.reported_quotes:
                continue
            self.reported_quotes.add(key)
            words_a, words_b = normalise_quote(quote.text), normalise_quote(best.text)
            if words_a == words_b or _same_but_for_boundary(words_a, words_b):
                continue
            speaker = quote.speaker or best.speaker
            out.append(
                Change(
                    ChangeKind.ALTERED_QUOTE,
                    quote.span,
                    best.span,
                    quote.text,
                    best.text,
                    pair.a,
                    pair.b,
                    speaker=speaker,
                    detail=f"quote{' of ' + speaker if speaker else ''} worded differently",
                )
            )
        return out

    def _quantities(self, pair: SentencePair, seg_a: Segment, seg_b: Segment, altered: _Sides) -> list[Change]:
        ma = [m for m in quantities(seg_a, self.language) if not _inside(m, altered.a)]
        mb = [m for m in quantities(seg_b, self.language) if not _inside(m, altered.b)]
        return _paired_differences(
            ChangeKind.NUMBER, pair, ma, mb, key=lambda m: m.key, one_sided=False, counted=not self.english
        )

    def _dates(self, pair: SentencePair, seg_a: Segment, seg_b: Segment, altered: _Sides) -> list[Change]:
        ma = [m for m in dates(seg_a, self.language) if not _inside(m, altered.a)]
        mb = [m for m in dates(seg_b, self.language) if not _inside(m, altered.b)]
        return _paired_differences(
            ChangeKind.DATE, pair, ma, mb, key=_date_key, one_sided=True, counted=not self.english
        )

    def _names(self, pair: SentencePair, seg_a: Segment, seg_b: Segment, quotes: _Sides) -> list[Change]:
        ma = [m for m in names(seg_a, self.language) if not _inside(m, quotes.a)]
        mb = [m for m in names(seg_b, self.language) if not _inside(m, quotes.b)]
        tokens_a, tokens_b = _name_tokens(ma), _name_tokens(mb)
        # Compared word by word, so "Mr Howard" / "Mr Ferris" differ although both say "Mr".
        if self.english:
            only_a = [m for m in ma if _name_tokens([m]) - tokens_b - _HONORIFICS]
            only_b = [m for m in mb if _name_tokens([m]) - tokens_a - _HONORIFICS]
        else:
            # Names take case endings: "Lamb" / "Lambin", "Путин" / "Путина", "Merkel" / "Merkels".
            # A name the other sentence opens with is still there: "Griffiths ohitti" / "…, mutta Griffiths".
            lang = self.language
            caps_a, caps_b = _capitalised_words(seg_a), _capitalised_words(seg_b)
            only_a = [m for m in ma if any(_named_fewer_times(w, caps_a, caps_b) for w in _name_words([m], lang))]
            only_b = [m for m in mb if any(_named_fewer_times(w, caps_b, caps_a) for w in _name_words([m], lang))]
        # A name only one side gives is often a pronoun resolved ("it" -> "Moscow"); a
        # name swapped for another is the change worth a reader's time.
        if not only_a or not only_b:
            return []
        return [
            Change(
                ChangeKind.NAME, x.span, y.span, x.text, y.text, pair.a, pair.b, detail=f"“{x.text}” became “{y.text}”"
            )
            for x, y in zip(only_a, only_b)
        ]

    def _verbs(self, pair: SentencePair, seg_a: Segment, seg_b: Segment, altered: _Sides) -> list[Change]:
        out = []
        for ma, mb in _matched_mentions(verb_groups(seg_a), verb_groups(seg_b), altered):
            if bool(_NEGATED.search(ma.text)) == bool(_NEGATED.search(mb.text)) and ma.text.lower() != mb.text.lower():
                out.append(
                    Change(
                        ChangeKind.VERB_FORM,
                        ma.span,
                        mb.span,
                        ma.text,
                        mb.text,
                        pair.a,
                        pair.b,
                        detail=f"“{ma.text}” became “{mb.text}”",
                    )
                )
        for ma, mb in _matched_mentions(negatable_verbs(seg_a), negatable_verbs(seg_b), altered):
            if bool(_NEGATED.search(ma.text)) != bool(_NEGATED.search(mb.text)):
                out.append(
                    Change(
                        ChangeKind.NEGATION,
                        ma.span,
                        mb.span,
                        ma.text,
                        mb.text,
                        pair.a,
                        pair.b,
                        detail=f"“{ma.text}” became “{mb.text}”: negation flipped",
                    )
                )
        return out

    def _negation_flips(self, pair: SentencePair, seg_a: Segment, seg_b: Segment, altered: _Sides) -> list[Change]:
        """Negation added or taken away, in a language other than English: the stretches where
        the two sentences differ, word by word (character by character in Chinese and Japanese),
        with a negating word ("nicht", "не", "ei", "ません", "不") on one side only."""
        neg_a, neg_b = negators(seg_a, self.language), negators(seg_b, self.language)
        # As many negations on both sides: moved or reworded ("sanoi, ettei" / "ei"), not flipped.
        if len(neg_a) == len(neg_b):
            return []
        tokens_a, tokens_b = _diff_tokens(seg_a), _diff_tokens(seg_b)
        matcher = SequenceMatcher(None, [t[2] for t in tokens_a], [t[2] for t in tokens_b], autojunk=False)
        out = []
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                continue
            region_a, region_b = _region(seg_a, tokens_a, i1, i2), _region(seg_b, tokens_b, j1, j2)
            in_a = [m for m in neg_a if m.span.start < region_a.end and region_a.start < m.span.end]
            in_b = [m for m in neg_b if m.span.start < region_b.end and region_b.start < m.span.end]
            if (
                len(in_a) == len(in_b)
                or any(_inside(m, altered.a) for m in in_a)
                or any(_inside(m, altered.b) for m in in_b)
            ):
                continue
            if max(i2 - i1, j2 - j1) > _NEGATION_REGION_TOKENS:
                continue  # a clause rewritten or left out, not a negation flipped
            # One word of context each side, so that the change reads as a phrase.
            shown_a, shown_b = _region(seg_a, tokens_a, i1 - 1, i2 + 1), _region(seg_b, tokens_b, j1 - 1, j2 + 1)
            text_a = self.a.text[shown_a.start : shown_a.end]
            text_b = self.b.text[shown_b.start : shown_b.end]
            out.append(
                Change(
                    ChangeKind.NEGATION,
                    shown_a,
                    shown_b,
                    text_a,
                    text_b,
                    pair.a,
                    pair.b,
                    detail=f"“{text_a}” became “{text_b}”: negation flipped",
                )
            )
        return out


def _diff_tokens(segment: Segment) -> list[tuple[int, int, str]]:
    """(start, end, lower-cased token) in document offsets: words, or single CJK characters."""
    at = segment.start
    return [(at + m.start(), at + m.end(), m.group().lower()) for m in DIFF_TOKEN.finditer(segment.text)]


def _region(segment: Segment, tokens: list[tuple[int, int, str]], first: int, stop: int) -> Span:
    """The text of ``tokens[first:stop]`` (clipped to the sentence); an empty run is the point between tokens."""
    first, stop = max(first, 0), min(stop, len(tokens))
    if stop > first:
        return Span(tokens[first][0], tokens[stop - 1][1])
    at = tokens[first][0] if first < len(tokens) else (tokens[-1][1] if tokens else segment.start)
    return Span(at, at)


def _matched_mentions(ma: list[Mention], mb: list[Mention], altered: _Sides) -> list[tuple[Mention, Mention]]:
    """Mentions with the same key, paired in order of appearance (the n-th with the n-th).

    Pairing in order, not through a dict, keeps "we are fighting here but we are not
    fighting there" from meeting itself crosswise.
    """
    by_key: dict[str, list[Mention]] = {}
    for m in mb:
        if not _inside(m, altered.b):
            by_key.setdefault(m.key, []).append(m)
    seen: dict[str, int] = {}
    pairs = []
    for m in ma:
        if _inside(m, altered.a):
            continue
        n = seen.get(m.key, 0)
        seen[m.key] = n + 1
        candidates = by_key.get(m.key, [])
        if n < len(candidates):
            pairs.append((m, candidates[n]))
    return pairs


def _same_but_for_boundary(a: list[str], b: list[str]) -> bool:
    """One quote is the other plus a word moved across the quote mark ("is" "not going…")."""
    shorter, longer = sorted((a, b), key=len)
    if len(longer) - len(shorter) > 1 or not shorter:
        return False
    return longer[1:] == shorter or longer[:-1] == shorter


def _unmatched(ma: list[Mention], mb: list[Mention], key) -> list[Mention]:  # noqa: ANN001
    """The mentions of ``ma`` left over when each mention of ``mb`` cancels one of the same key, in order."""
    left = Counter(key(m) for m in mb)
    out = []
    for m in ma:
        if left[key(m)]:
            left[key(m)] -= 1
        else:
            out.append(m)
    return out


def _paired_differences(kind, pair, ma, mb, *, key, one_sided: bool, counted: bool = False) -> list[Change]:  # noqa: ANN001
    """Mentions one side has and the other lacks, paired in order.

    ``counted``: compared as multisets, so that "1 person, 1 shirt" -> "7 persons, 1 shirt"
    is a change although both still say 1 (used outside English; English keeps sets).
    """
    if counted:
        only_a, only_b = _unmatched(ma, mb, key), _unmatched(mb, ma, key)
    else:
        keys_a, keys_b = {key(m) for m in ma}, {key(m) for m in mb}
        only_a = [m for m in ma if key(m) not in keys_b]
        only_b = [m for m in mb if key(m) not in keys_a]
    out = []
    for x, y in zip(only_a, only_b):
        out.append(Change(kind, x.span, y.span, x.text, y.text, pair.a, pair.b, detail=f"“{x.text}” became “{y.text}”"))
    if one_sided:
        for x in only_a[len(only_b) :]:
            out.append(Change(kind, x.span, None, x.text, None, pair.a, pair.b, detail=f"“{x.text}” only in A"))
        for y in only_b[len(only_a) :]:
            out.append(Change(kind, None, y.span, None, y.text, pair.a, pair.b, detail=f"“{y.text}” only in B"))
    return out


def find_changes(report: CompareReport, *, verb_forms_only: bool = False) -> tuple[Change, ...]:
    """Every change inside the report's aligned sentence pairs, in A's order.

    ``verb_forms_only``: only the VERB_FORM changes, exactly those of the whole list; all
    that naming the likely original reads, at about a third of the cost (a scan names the
    original of every pair it keeps, and shows what changed only on its report pages).
    """
    explainer = _PairExplainer(report.a, report.b)
    changes: list[Change] = []
    for passage in report.passages:
        for pair in passage.pairs:
            changes += explainer.explain(pair, verb_forms_only=verb_forms_only)
    return tuple(changes)
