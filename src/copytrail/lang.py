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
from dataclasses import replace
from functools import cache
from pathlib import Path

from copytrail.cache import build_folder, cache_dir, keep_file, keep_text
from copytrail.errors import CopytrailError
from copytrail.records import Document, LanguageShare

__all__ = ["LANGUAGE_NAMES", "detect_language", "identify_languages", "language_name"]

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
        data["out_feat"].tolist(),
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

    class WindowedIdentifier(base):
        _window: int | None = None
        _table: tuple | None = None  # (float16 table, its float32 copy)

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
                self._row_start = np.asarray(self._rowbase, dtype=np.int64)
                self._feature_of_state = np.asarray(self.tk_output, dtype=np.int64)

        def _raw_score(self, text):  # noqa: ANN001, ANN202 - py3langid's own signature
            if self._window is None:
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
            data = np.frombuffer(text, dtype=np.uint8)
            states = np.zeros(len(data), dtype=np.int64)
            for lag in range(min(self._window, len(data)) - 1, -1, -1):
                # The byte ``lag`` before each position moves the walk that ends there on by one step.
                head = states[lag:]
                head[:] = self._next_state[self._row_start[head] + data[: len(data) - lag]]
            features = self._feature_of_state[states]
            return features[features >= 0]

    return WindowedIdentifier


def detect_language(text: str) -> tuple[str | None, float]:
    """The language of ``text`` as (ISO 639-1 code, probability); (None, 0.0) without letters."""
    if not any(ch.isalpha() for ch in text):
        return None, 0.0
    scores = _ranked(text)
    code, probability = max(scores.items(), key=lambda item: item[1])
    if code == "zxx":  # "no linguistic content"
        return None, 0.0
    return code, round(probability, 4)


def _ranked(text: str) -> dict[str, float]:
    scores: dict[str, float] = {}
    for code, probability in _identifier().rank(text)[:8]:
        key = _MACROLANGUAGE.get(code, code)
        scores[key] = scores.get(key, 0.0) + float(probability)
    return scores


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
    language, _ = detect_language(" ".join(paragraphs))
    if language is None:
        return replace(doc, language=None, languages=())
    chars: Counter[str] = Counter()
    for paragraph in paragraphs:
        code = language
        if len(paragraph) >= MIN_PARAGRAPH_CHARS:
            scores = _ranked(paragraph)
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
