"""Language identification of documents and of their paragraphs.

The identifier is py3langid (langid.py's naive Bayes over byte n-grams, 97 languages),
whose 4.5 MB model ships inside the wheel: it works offline and loads in about 0.7 s.
``bench/lang_id.py`` measured it against lingua (``bench/results/lang_id.json``, DEV /
HELD-OUT halves): on WMT news paragraphs py3langid is right 99.7% / 99.9% of the time
at 0.56 ms a paragraph, lingua 100% / 99.9% at 2.4 ms; on Tatoeba's short sentences
py3langid 97.0% / 97.1% at 0.05 ms, lingua 97.8% / 97.5% (high accuracy mode, 1.9 ms)
and 89.9% (low accuracy mode). Lingua's wheel is 96 MB and its preloaded models took
19 s to load, against 0.7 s. Documents and paragraphs, not tweets, are what copytrail
identifies, so py3langid is the choice.

A document's language is that of most of its story text. Each paragraph (block) is
identified on its own, so a document that mixes languages (an English article quoting a
Russian statement at length) lists each language with its share.
"""

from __future__ import annotations

import lzma
import math
import random
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from functools import cache
from pathlib import Path

from copytrail.cache import build_folder, cache_dir, keep_file, keep_text
from copytrail.errors import CopytrailError
from copytrail.records import Document, LanguageShare

__all__ = ["LANGUAGE_NAMES", "detect_language", "detect_languages", "identify_languages", "language_name"]

# A paragraph shorter than this (in characters) is not identified on its own: it counts
# with the rest of the document.
MIN_PARAGRAPH_CHARS = 40
# A language must hold this share of the story text to be listed among a document's.
MIN_SHARE = 0.1
# A paragraph counts for another language than its document's only when the document's
# language has less than this probability for it.
OTHER_LANGUAGE_DOUBT = 0.05
# A document with less alignable text than this is not identified at all: a few words
# are too easily taken for another language, and a wrong guess would call a copy translated.
MIN_DOCUMENT_CHARS = 100

LANGUAGE_NAMES = {
    "ar": "Arabic",
    "bg": "Bulgarian",
    "cs": "Czech",
    "da": "Danish",
    "de": "German",
    "el": "Greek",
    "en": "English",
    "es": "Spanish",
    "et": "Estonian",
    "fa": "Persian",
    "fi": "Finnish",
    "fr": "French",
    "he": "Hebrew",
    "hi": "Hindi",
    "hu": "Hungarian",
    "id": "Indonesian",
    "it": "Italian",
    "ja": "Japanese",
    "ko": "Korean",
    "lt": "Lithuanian",
    "lv": "Latvian",
    "nl": "Dutch",
    "no": "Norwegian",
    "pl": "Polish",
    "pt": "Portuguese",
    "ro": "Romanian",
    "ru": "Russian",
    "sk": "Slovak",
    "sv": "Swedish",
    "th": "Thai",
    "tr": "Turkish",
    "uk": "Ukrainian",
    "vi": "Vietnamese",
    "zh": "Chinese",
}


# py3langid's model also tells some varieties apart; copytrail reports their macrolanguage,
# which is what embedders cover (a short Mandarin sentence can come out as Wu).
_MACROLANGUAGE = {"wuu": "zh", "yue": "zh", "ary": "ar", "arz": "ar", "uzs": "uz", "gug": "gn"}


class LanguageIdError(CopytrailError):
    """The language identifier is not installed."""


def language_name(code: str | None) -> str:
    """ "Russian (ru)" for ``"ru"``; "an unidentified language" for None."""
    if code is None:
        return "an unidentified language"
    name = LANGUAGE_NAMES.get(code)
    return f"{name} ({code})" if name else code


@cache
def _identifier():  # noqa: ANN202 - py3langid's LanguageIdentifier, imported lazily
    try:
        from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier
    except ImportError as exc:
        raise LanguageIdError(
            "language identification needs py3langid, one of copytrail's own dependencies: reinstall copytrail"
        ) from exc
    try:
        return _from_unpacked(MODEL_DIR / MODEL_FILE, _windowed_class(LanguageIdentifier))
    except (OSError, ValueError, KeyError, ImportError, AttributeError, TypeError):
        # The unpacked copy leans on py3langid's model layout; any surprise falls back to its own loader.
        return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


_MODEL_ARRAYS = ("ptc", "pc", "classes", "nextmove", "out_feat", "nextmove_row")


def _from_unpacked(packed: Path, identifier_class):  # noqa: ANN001, ANN202
    """py3langid's model from an unpacked copy in the cache, unpacked there on first use.

    py3langid ships its model LZMA-compressed and decompresses all 68 MB in every process:
    0.5-1.5 s of a one-pair ``copytrail compare``, most of the language step (measured
    with ``bench/bench_compare.py``). The copy is a folder of ``.npy`` arrays, mapped
    into memory rather than read: a ``.npz`` of them still took 0.15 s to read whole.
    """
    import numpy as np
    from py3langid.modelio import _to_array

    stat = packed.stat()
    target = cache_dir() / f"py3langid-{stat.st_size}-{stat.st_mtime_ns}"
    if not target.is_dir():
        print(f"copytrail: unpacking the language model once, into {target.parent} ...", file=sys.stderr, flush=True)

        def unpack(folder: Path) -> None:
            with lzma.open(packed) as src, np.load(src, allow_pickle=False) as data:
                for name in _MODEL_ARRAYS:
                    np.save(folder / f"{name}.npy", data[name], allow_pickle=False)

        build_folder(target, unpack)
    data = {name: np.load(target / f"{name}.npy", mmap_mode="r", allow_pickle=False) for name in _MODEL_ARRAYS}
    windowed = hasattr(identifier_class, "use_window")
    window = _cached_synchronizing_length(target, data["nextmove"], data["nextmove_row"]) if windowed else None
    identifier = identifier_class(
        data["ptc"],
        np.asarray(data["pc"]),
        data["classes"].tolist(),
        # The windowed walk reads the 39 MB transition table through the memory map; only
        # py3langid's own walk needs it copied into a Python array.
        data["nextmove"] if window is not None else _to_array(data["nextmove"]),
        # Likewise the state outputs: a list of 100,000 numbers only for py3langid's walk.
        data["out_feat"] if window is not None else data["out_feat"].tolist(),
        norm_probs=True,
        tk_row=_to_array(data["nextmove_row"]),
    )
    if windowed:
        identifier.use_window(window)
        identifier.use_float32_table(_float32_table(target, data["ptc"]))
    return identifier


def _float32_table(target: Path, ptc):  # noqa: ANN001, ANN202 - numpy arrays
    """The model's float16 feature table as float32, kept beside the unpacked model and mapped into memory.

    py3langid multiplies float32 counts by rows of its float16 table, so numpy converts
    every gathered row to float32 first: two thirds of the time of scoring a paragraph.
    The conversion is exact, so the product of the same float32 rows is the same to the
    last bit. 57 MB on disk, shared by a scan's workers through the page cache.
    """
    import numpy as np

    kept = target / "ptc-float32.npy"
    try:
        table = np.load(kept, mmap_mode="r", allow_pickle=False)
        if table.shape == ptc.shape and table.dtype == np.float32:
            return table
    except (OSError, ValueError):
        pass
    table = np.asarray(ptc, dtype=np.float32)

    def write(partial: Path) -> None:
        with partial.open("wb") as out:
            np.save(out, table, allow_pickle=False)

    return np.load(kept, mmap_mode="r", allow_pickle=False) if keep_file(kept, write) else table


# The byte walk never needs a longer window than this; a model that did would keep py3langid's own walk.
_MAX_WINDOW = 16


def synchronizing_length(rows, row_of_state, limit: int = _MAX_WINDOW) -> int | None:  # noqa: ANN001 - arrays
    """The number of bytes after which py3langid's automaton is in the same state whatever state it started in.

    The automaton is Aho-Corasick over the model's byte n-grams: its state after a byte is
    the longest n-gram prefix ending there, so it depends on the last few bytes only. This
    proves it for the model at hand, by following every pair (state from anywhere, state
    from the start) over every byte until all pairs meet. None when they do not within
    ``limit`` bytes.

    Args:
        rows: the model's distinct transition rows (256 next states each), ``nextmove``.
        row_of_state: the row of each state, ``nextmove_row``.
    """
    import numpy as np

    rows = np.asarray(rows).reshape(-1, 256)
    row_of_state = np.asarray(row_of_state, dtype=np.int64)
    n = len(row_of_state)
    pairs = np.arange(1, n, dtype=np.int64) * n  # (x, 0) as x * n + 0, for every start x but 0 itself
    for length in range(1, limit + 1):
        x, y = row_of_state[pairs // n], row_of_state[pairs % n]
        nx = rows[x].ravel().astype(np.int64)
        ny = rows[y].ravel().astype(np.int64)
        apart = nx != ny
        pairs = np.unique(nx[apart] * n + ny[apart])
        if not len(pairs):
            return length
    return None


def _cached_synchronizing_length(target: Path, rows, row_of_state) -> int | None:  # noqa: ANN001 - arrays
    """:func:`synchronizing_length` of the unpacked model in ``target``, worked out once and kept beside it."""
    kept = target / "synchronizing_length.txt"
    try:
        text = kept.read_text().strip()
        return int(text) if text != "none" else None
    except (OSError, ValueError):
        pass
    length = synchronizing_length(rows, row_of_state)
    keep_text(kept, "none" if length is None else str(length))
    return length


@cache
def _windowed_class(base):  # noqa: ANN001, ANN202 - py3langid's LanguageIdentifier class, imported lazily
    """``base`` with its byte walk done by numpy over windows of bytes, where the model allows it.

    py3langid walks its automaton over the text's bytes in a Python loop, most of the time
    of identifying a paragraph (a scan identifies every paragraph of every document it
    verifies). Since the automaton's state after any ``window`` bytes no longer depends on
    where it started (:func:`synchronizing_length`), the state after each byte is that of a
    walk from the start over the ``window`` bytes ending there, and numpy takes all those
    walks in ``window`` steps. The states, so the features, their counts and their order,
    are those of py3langid's walk, and so are the scores, to the last bit (``tests/test_lang.py``).
    """
    import numpy as np

    _RAW_FLOOR = float(np.finfo(np.float32).min)  # py3langid's RAW_FLOOR, for a model without norm_probs

    class WindowedIdentifier(base):
        _window: int | None = None
        _table: tuple | None = None  # (float16 table, its float32 copy)
        _columns: tuple | None = None  # (nb_classes, the first column of each label)
        _pack_limit = 2**62  # (span, feature, position) keys below this fit an int64

        def __init__(self, *args, tk_row, **kwargs) -> None:  # noqa: ANN002, ANN003 - py3langid's own
            # py3langid shifts each state's row offset in a Python loop (100,000 states, 0.01 s of
            # every process that identifies a language): the windowed walk shifts them in numpy
            # (use_window), and py3langid's own walk gets the list when it first walks (_own_walk).
            super().__init__(*args, tk_row=(), **kwargs)
            self.tk_row = tk_row

        def _own_walk(self) -> None:
            """Ready py3langid's walk: the row offsets and state outputs as the lists it reads."""
            if len(self._rowbase) != len(self.tk_row):
                self._rowbase = [r << 8 for r in self.tk_row]
            if isinstance(self.tk_output, np.ndarray):
                self.tk_output = self.tk_output.tolist()

        def use_float32_table(self, table) -> None:  # noqa: ANN001 - a numpy array
            # A plain view of the memory map: numpy.memmap's Python-level __getitem__ and
            # __array_finalize__ took a fifth of the time of scoring a paragraph.
            self._table = (self.nb_ptc, np.asarray(table))

        def use_window(self, window: int | None) -> None:
            self._window = window
            if window is not None:
                self._next_state = (
                    np.asarray(self.tk_nextmove)  # a plain view of the memory map, as for the table
                    if isinstance(self.tk_nextmove, np.ndarray)
                    else np.frombuffer(self.tk_nextmove, dtype=f"u{self.tk_nextmove.itemsize}")
                )
                self._row_start = np.asarray(self.tk_row, dtype=np.int64) << 8
                self._feature_of_state = np.asarray(self.tk_output, dtype=np.int64)
                self._features_width = int(self._feature_of_state.max()) + 1

        def _raw_score(self, text):  # noqa: ANN001, ANN202 - py3langid's own signature
            if self._window is None:
                self._own_walk()
                return super()._raw_score(text)
            features = self._features(text)
            if not len(features):
                return super()._raw_score(b"")  # no features: py3langid's own answer for that
            found, first_at, counts = np.unique(features, return_index=True, return_counts=True)
            # In the order py3langid's walk first meets them, as its Counter holds them: the
            # scores below are summed in that order, so they come out the same to the last bit.
            order = np.argsort(first_at, kind="stable")
            index = found[order].astype(np.intp)
            # py3langid's _sparse_score, on the same arrays (its float16 rows already float32,
            # unless set_languages has since replaced the table).
            table = self._table[1] if self._table is not None and self._table[0] is self.nb_ptc else self.nb_ptc
            return np.log1p(counts[order].astype(np.float32)) @ table[index] + self.nb_pc

        def _features(self, text: bytes):  # noqa: ANN202 - a numpy array
            """The feature of each state the walk passes through that has one, in walking order."""
            states = self._states(np.frombuffer(text, dtype=np.uint8))
            features = self._feature_of_state[states]
            return features[features >= 0]

        def _states(self, data):  # noqa: ANN001, ANN202 - numpy arrays
            """The state of the walk from the start of ``data`` after each of its bytes."""
            states = np.zeros(len(data), dtype=np.int64)
            for lag in range(min(self._window, len(data)) - 1, -1, -1):
                # The byte ``lag`` before each position moves the walk that ends there on by one step.
                head = states[lag:]
                head[:] = self._next_state[self._row_start[head] + data[: len(data) - lag]]
            return states

        def decide_spans(self, text: bytes, spans: Sequence[tuple[int, int]]) -> list:
            """py3langid's ``_decide`` of each ``text[start:end]`` (already encoded), to the last bit.

            One identification of a document's text and of each of its paragraphs is one
            call: a paragraph is a span of the document's bytes, so the byte walk over the
            document serves them all (only the first ``window - 1`` bytes of a span that does
            not start the text are walked again, from the span's start), and the features of
            all spans are counted in one sort, where each span on its own cost numpy's fixed
            overhead several times over. Each span's score is then summed exactly as
            :meth:`_raw_score` sums it, from the same arrays in the same order.
            """
            data = np.frombuffer(text, dtype=np.uint8)
            states = self._states(data)
            starts = np.array([start for start, _ in spans], dtype=np.int64)
            lengths = np.array([end - start for start, end in spans], dtype=np.int64)
            offsets = np.cumsum(lengths) - lengths  # where each span's states begin in ``walked``
            walked = states[np.arange(lengths.sum()) - np.repeat(offsets - starts, lengths)]
            if any(start > 0 for start, _ in spans):  # a text alone needs none of this
                heads, head_states = self._span_heads(data, starts, lengths, offsets)
                walked[heads] = head_states
            features = self._feature_of_state[walked]
            span_of = np.repeat(np.arange(len(spans)), lengths)
            found = features >= 0
            features, span_of = features[found], span_of[found]
            # Each span's distinct features with their counts, in the order its walk first meets
            # them (the order of py3langid's Counter): one sort by (span, feature, position)
            # finds the groups and their first positions; positions order the groups span by
            # span. The three go into one int64, whose plain sort numpy does with SIMD, three
            # times as fast as a stable argsort of (span, feature) on a news article.
            width, n = self._features_width, len(features)
            keys = span_of * width + features
            if (len(spans) * width + 1) * (n + 1) < self._pack_limit:
                ordered = np.sort(keys * n + np.arange(n))
                sorted_keys = ordered // max(n, 1)
                position = ordered - sorted_keys * n
            else:  # too long to pack (never for DOCUMENT_SAMPLE_CHARS): a stable sort keeps positions in order
                by_key = np.argsort(keys, kind="stable")
                sorted_keys, position = keys[by_key], by_key
            group_starts = np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]]) if n else position
            counts = np.diff(np.r_[group_starts, n])
            order = np.argsort(position[group_starts])  # distinct positions: any sort gives this order
            group_keys, counts = sorted_keys[group_starts][order], counts[order]
            group_span = group_keys // width
            group_feature = group_keys - group_span * width
            bounds = np.searchsorted(group_span, np.arange(len(spans) + 1))
            table = self._table[1] if self._table is not None and self._table[0] is self.nb_ptc else self.nb_ptc
            out = []
            for k, length in enumerate(lengths.tolist()):
                lo, hi = bounds[k], bounds[k + 1]
                if lo == hi:
                    raw = super()._raw_score(b"")  # no features: py3langid's own answer for that
                else:
                    index = group_feature[lo:hi].astype(np.intp)
                    raw = np.log1p(counts[lo:hi].astype(np.float32)) @ table[index] + self.nb_pc
                out.append(self._normalised(raw, length))
            return out

        def _span_heads(self, data, starts, lengths, offsets):  # noqa: ANN001, ANN202 - numpy arrays
            """Where in the spans' states the first ``window - 1`` bytes of the spans not at 0 lie, and their states.

            Those states are walked again, from the span's start: the walk over the whole
            text reached them from bytes before the span.
            """
            heads = np.minimum(lengths, self._window - 1) * (starts > 0)
            head_of = np.repeat(np.arange(len(starts)), heads)
            step = np.arange(heads.sum()) - np.repeat(np.cumsum(heads) - heads, heads)
            position, start = starts[head_of] + step, starts[head_of]
            states = np.zeros(len(position), dtype=np.int64)
            for lag in range(self._window - 1, -1, -1):
                # As in _states, but a byte before the span's start is never read.
                byte_at = position - lag
                inside = byte_at >= start
                states[inside] = self._next_state[self._row_start[states[inside]] + data[byte_at[inside]]]
            return offsets[head_of] + step, states

        def _normalised(self, scores, length: int):  # noqa: ANN001, ANN202 - a numpy array
            """The rest of py3langid's ``_decide`` (0.4.0), for a text of ``length`` bytes; tests hold them equal."""
            if self._norm_probs:
                scores *= 1.0 / math.sqrt(length or 1)
                np.exp(scores - scores.max(), out=scores)
                scores /= scores.sum()
            for i, j in self._alias_pairs:
                if self._norm_probs:
                    scores[i] += scores[j]
                    scores[j] = 0.0
                else:
                    scores[i] = max(scores[i], scores[j])
                    scores[j] = _RAW_FLOOR
            return scores

        def top(self, scores, k: int) -> list[tuple[str, float]]:  # noqa: ANN001 - a numpy array
            """``rank(text)[:k]`` from ``_decide(text)``: py3langid sorts all 97 labels in Python, numpy does it here.

            Labels keep their first column's score (rank's ``setdefault``); the sort is stable,
            as Python's is with ``reverse=True``, so ties come out in the same order.
            """
            if self._columns is None or self._columns[0] is not self.nb_classes:
                dupes = {j for _, j in self._alias_pairs}
                first = np.array([i for i in range(len(self.nb_classes)) if i not in dupes], dtype=np.intp)
                self._columns = (self.nb_classes, first)
            first = self._columns[1]
            kept = scores[first]
            best = np.argsort(-kept, kind="stable")[:k]
            return [(self.nb_classes[i], v) for i, v in zip(first[best].tolist(), kept[best].tolist())]

    return WindowedIdentifier


def detect_language(text: str) -> tuple[str | None, float]:
    """The language of ``text`` as (ISO 639-1 code, probability); (None, 0.0) without letters."""
    if not any(ch.isalpha() for ch in text):
        return None, 0.0
    return _best(_ranked(text))


def detect_languages(texts: Sequence[str]) -> list[tuple[str | None, float]]:
    """``[detect_language(text) for text in texts]``, in one byte walk and one count over them all.

    With the windowed walk the texts are spans of their encodings laid end to end
    (:meth:`decide_spans`, which walks each span's first bytes again from its own start), so
    each is scored exactly as alone; a document at a time, numpy's fixed cost per call was
    half of identifying a news opening (the read stage identifies every document's).
    """
    identifier = _identifier()
    lettered = [k for k, text in enumerate(texts) if any(ch.isalpha() for ch in text)]
    found: list[tuple[str | None, float]] = [(None, 0.0)] * len(texts)
    if getattr(identifier, "_window", None) is None:  # py3langid's own walk
        for k in lettered:
            found[k] = _best(_ranked(texts[k]))
        return found
    encoded = [identifier._encode(texts[k]) for k in lettered]
    spans, end = [], 0
    for piece in encoded:
        spans.append((end, end + len(piece)))
        end += len(piece)
    if spans:
        for k, scores in zip(lettered, identifier.decide_spans(b"".join(encoded), spans)):
            found[k] = _best(_merged(identifier.top(scores, 8)))
    return found


def _best(scores: dict[str, float]) -> tuple[str | None, float]:
    code, probability = max(scores.items(), key=lambda item: item[1])
    if code == "zxx":  # "no linguistic content"
        return None, 0.0
    return code, round(probability, 4)


def _ranked(text: str) -> dict[str, float]:
    identifier = _identifier()
    if getattr(identifier, "_window", None) is None:  # py3langid's own walk
        return _merged(identifier.rank(text)[:8])
    return _merged(identifier.top(identifier._decide(text), 8))


def _merged(ranked: list[tuple[str, float]]) -> dict[str, float]:
    """Scores of the top languages, a variety's added to its macrolanguage's."""
    scores: dict[str, float] = {}
    for code, probability in ranked:
        key = _MACROLANGUAGE.get(code, code)
        scores[key] = scores.get(key, 0.0) + float(probability)
    return scores


def _ranked_with_parts(paragraphs: list[str], alone: list[int]) -> tuple[dict[str, float], list[dict[str, float]]]:
    """``_ranked(" ".join(paragraphs))``, and ``_ranked(paragraphs[i])`` for each ``i`` in ``alone``.

    With the windowed walk all of them are one :meth:`decide_spans` over the joined text,
    each paragraph a span of it: a document's paragraphs are not walked a second time.
    """
    identifier = _identifier()
    joined = " ".join(paragraphs)
    if getattr(identifier, "_window", None) is None:  # py3langid's own walk
        return _ranked(joined), [_ranked(paragraphs[i]) for i in alone]
    whole = identifier._encode(joined)
    encoded = [identifier._encode(p) for p in paragraphs]
    spans = [(0, len(whole))]
    if whole == b" ".join(encoded):
        starts = [0]
        for piece in encoded:
            starts.append(starts[-1] + len(piece) + 1)
        spans += [(starts[i], starts[i] + len(encoded[i])) for i in alone]
        data = whole
    else:
        # py3langid's encoding of the whole is not that of its paragraphs joined (a text all
        # in capitals is lower-cased, a paragraph of it alone is not): they follow it instead.
        data = whole + b"".join(encoded[i] for i in alone)
        end = len(whole)
        for i in alone:
            spans.append((end, end + len(encoded[i])))
            end += len(encoded[i])
    ranked = [_merged(identifier.top(scores, 8)) for scores in identifier.decide_spans(data, spans)]
    return ranked[0], ranked[1:]


# The document's language is identified on at most this many characters of its paragraphs,
# taken evenly through it: identification is linear in the text, and past a few pages more
# text does not change the answer (a 1 MB pair spent 1.3 s on this one call).
DOCUMENT_SAMPLE_CHARS = 65_536


def _sample(paragraphs: list[str]) -> list[str]:
    """All the paragraphs, or for a long document about ``DOCUMENT_SAMPLE_CHARS`` of them, in order.

    The sample is drawn at random with a fixed seed, not every k-th paragraph: a document
    that alternates languages with a period dividing k would otherwise show one language only.
    """
    total = sum(len(p) for p in paragraphs)
    if total <= DOCUMENT_SAMPLE_CHARS:
        return paragraphs
    keep = math.ceil(len(paragraphs) * DOCUMENT_SAMPLE_CHARS / total)
    return [paragraphs[k] for k in sorted(random.Random(len(paragraphs)).sample(range(len(paragraphs)), keep))]


def identify_languages(doc: Document) -> Document:
    """The document with :attr:`~Document.language` and :attr:`~Document.languages` filled in.

    The document's language is identified on all its alignable text (an even sample of
    ``DOCUMENT_SAMPLE_CHARS`` of it in a long document; all its text when
    that is under ``MIN_DOCUMENT_CHARS``, as on a page the chrome classifier took for
    navigation); a document with less is left unidentified. Then each paragraph (block)
    of at least ``MIN_PARAGRAPH_CHARS`` is identified on its own, and counts for another
    language only when the document's language is unlikely for it (probability under
    ``OTHER_LANGUAGE_DOUBT``): a short Russian paragraph that py3langid ranks Bulgarian
    first stays Russian, a German paragraph quoted in an English article does not.

    In a long document the shares are estimated on the same even sample of paragraphs:
    identification is linear in the text (py3langid reads it byte by byte in Python, about
    2.5 s for a 1 MB document), and a share under ``MIN_SHARE`` is not reported anyway.
    """
    blocks: dict[int, list[str]] = {}
    for segment in doc.segments:
        if segment.role.alignable:
            blocks.setdefault(segment.block, []).append(segment.text)
    paragraphs = [" ".join(texts) for texts in blocks.values()]
    if sum(len(p) for p in paragraphs) < MIN_DOCUMENT_CHARS:
        paragraphs = [s.text for s in doc.segments]
    if sum(len(p) for p in paragraphs) < MIN_DOCUMENT_CHARS:
        return replace(doc, language=None, languages=())
    paragraphs = _sample(paragraphs)
    if not any(ch.isalpha() for ch in " ".join(paragraphs)):  # as detect_language decides it
        return replace(doc, language=None, languages=())
    alone = [i for i, paragraph in enumerate(paragraphs) if len(paragraph) >= MIN_PARAGRAPH_CHARS]
    whole, each = _ranked_with_parts(paragraphs, alone)
    language, _ = _best(whole)
    if language is None:
        return replace(doc, language=None, languages=())
    paragraph_scores = dict(zip(alone, each))
    chars: Counter[str] = Counter()
    for i, paragraph in enumerate(paragraphs):
        code = language
        if i in paragraph_scores:
            scores = paragraph_scores[i]
            best = max(scores, key=scores.__getitem__)
            if best != language and best != "zxx" and scores.get(language, 0.0) < OTHER_LANGUAGE_DOUBT:
                code = best
        chars[code] += len(paragraph)
    # Identified on the text as a whole, a minority language with distinctive words can win
    # (82 % English and 18 % German came out German); most of the text decides then.
    majority, _ = chars.most_common(1)[0]
    if chars[majority] > chars[language]:
        language = majority
    total = sum(chars.values())
    shares = [LanguageShare(code, round(n / total, 4)) for code, n in chars.most_common() if n / total >= MIN_SHARE]
    if language not in [share.code for share in shares]:
        shares.insert(0, LanguageShare(language, round(chars[language] / total, 4)))
    return replace(doc, language=language, languages=tuple(shares))
