"""all-MiniLM-L6-v2's tokenizer (BERT's uncased WordPiece), without the ``tokenizers`` package.

What ``tokenizers`` does with the model's ``tokenizer.json``, step for step, and the same ids
(``tests/embed/test_wordpiece.py`` holds them equal on every sentence of the project's corpora
in 13 languages and on random text from all of Unicode):

1. the special tokens (``[CLS]``, ``[SEP]``, ``[MASK]``...) written in the text are split out first;
2. ``BertNormalizer``: control characters dropped, whitespace made a space, a space put around
   each CJK ideograph, lower case, accents stripped (NFD, then no non-spacing marks);
3. ``BertPreTokenizer``: words cut at whitespace, every punctuation mark a word of its own;
4. ``WordPiece``: each word the longest vocabulary pieces from its start (``##`` after the
   first), ``[UNK]`` for a word of over 100 characters or one no pieces spell;
5. ``[CLS]`` before and ``[SEP]`` after, the pieces cut to fit ``max_tokens``.

Why not ``tokenizers`` itself: it requires ``huggingface_hub``, which brings ``hf_xet``, httpx,
fsspec, pyyaml and more, 40 MB of a 688 MB install that copytrail never calls (the weights come
in a package, nothing is downloaded), and loading its 0.5 MB ``tokenizer.json`` took 30-50 ms
of every ``copytrail compare``. ``tokenizers`` stays a dev dependency: the tests compare the two.

Steps 2 and 3 are done a character at a time, through one table (``str.translate``) that
learns each character's output the first time it meets it. The rules are Python's
``unicodedata``; where the Unicode tables of ``tokenizers`` (Rust) differ from Python's, about
1,800 characters of newer scripts, ``models/wordpiece_exceptions.json`` holds what ``tokenizers``
does (built by ``bench/build_wordpiece_exceptions.py`` from the pinned ``tokenizers``).
"""

from __future__ import annotations

import json
import re
import unicodedata
from functools import lru_cache
from importlib import resources
from pathlib import Path

from copytrail.embed import WEIGHTS_REQUIREMENT
from copytrail.errors import EmbedderError, reinstall_hint

SPECIAL_TOKENS = ("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]")
_REINSTALL = f"reinstall the weights: {reinstall_hint(WEIGHTS_REQUIREMENT)}"
_SPECIAL = re.compile("(" + "|".join(re.escape(t) for t in SPECIAL_TOKENS) + ")")
_MAX_WORD_CHARS = 100  # the model's max_input_chars_per_word
_PREFIX = "##"
# The CJK ideograph blocks BERT puts spaces around (BertNormalizer's is_chinese_char).
_CJK = (
    (0x4E00, 0x9FFF),
    (0x3400, 0x4DBF),
    (0x20000, 0x2A6DF),
    (0x2A700, 0x2B73F),
    (0x2B740, 0x2B81F),
    (0x2B820, 0x2CEAF),
    (0xF900, 0xFAFF),
    (0x2F800, 0x2FA1F),
)
# Control characters BertNormalizer drops ("is_control": tab, newline and return are whitespace).
_DROPPED_CATEGORIES = frozenset({"Cc", "Cf", "Co", "Cs"})
# Python's str.isspace() says yes to these; Unicode's White_Space, which tokenizers reads, no.
_NOT_WHITESPACE = frozenset("\x1c\x1d\x1e\x1f")


def _is_whitespace(c: str) -> bool:
    """Unicode's White_Space, as tokenizers reads it for both the normalizer and the pre-tokenizer."""
    return c.isspace() and c not in _NOT_WHITESPACE


def normalized_char(c: str) -> str:
    """BertNormalizer's output for one character, by Python's Unicode tables."""
    if c in "\t\n\r":
        return " "
    if c == "\0" or c == "\ufffd" or unicodedata.category(c) in _DROPPED_CATEGORIES:
        return ""
    if _is_whitespace(c):
        return " "
    code = ord(c)
    if any(low <= code <= high for low, high in _CJK):
        return f" {c} "
    decomposed = unicodedata.normalize("NFD", c.lower())
    return "".join(x for x in decomposed if unicodedata.category(x) != "Mn")


def split_kind(c: str) -> str:
    """How BertPreTokenizer treats a character, by Python's Unicode tables: space, punct or none."""
    if _is_whitespace(c):
        return "space"
    code = ord(c)
    if 33 <= code <= 47 or 58 <= code <= 64 or 91 <= code <= 96 or 123 <= code <= 126:
        return "punct"
    return "punct" if unicodedata.category(c).startswith("P") else "none"


def _exceptions() -> tuple[dict[str, str], dict[str, str]]:
    data = json.loads(resources.files("copytrail.models").joinpath("wordpiece_exceptions.json").read_text("utf-8"))
    normalized = {chr(int(code)): text for code, text in data["normalized"].items()}
    kinds = {chr(int(code)): kind for code, kind in data["split"].items()}
    return normalized, kinds


class _CharTable(dict):
    """``str.translate``'s table: a character's normalized, pre-tokenized text, worked out when first met.

    Words come out separated by single spaces (punctuation spaced apart), so ``split(" ")``
    cuts them as BertPreTokenizer does.
    """

    def __init__(self) -> None:
        super().__init__()
        self._normalized, self._kinds = _exceptions()

    def __missing__(self, code: int) -> str:
        c = chr(code)
        normalized = self._normalized.get(c)
        if normalized is None:
            normalized = normalized_char(c)
        out = []
        for x in normalized:
            kind = self._kinds.get(x) or split_kind(x)
            out.append(" " if kind == "space" else f" {x} " if kind == "punct" else x)
        self[code] = text = "".join(out)
        return text


class WordPieceTokenizer:
    """Token ids of sentences, as ``tokenizers`` gives them for all-MiniLM-L6-v2's ``tokenizer.json``."""

    def __init__(self, vocab: dict[str, int], max_tokens: int) -> None:
        self.vocab = vocab
        self.max_tokens = max_tokens
        self._unk = vocab["[UNK]"]
        self._cls = vocab["[CLS]"]
        self._sep = vocab["[SEP]"]
        self._table = _CharTable()
        self._pieces = lru_cache(maxsize=1 << 16)(self._word_pieces)

    @classmethod
    def from_model_dir(cls, model_dir: Path, max_tokens: int) -> WordPieceTokenizer:
        """The tokenizer of a model folder: its ``vocab.txt``, one token a line, ids in line order.

        Raises:
            EmbedderError: the file is missing, unreadable or lacks a special token.
        """
        path = model_dir / "vocab.txt"
        try:
            lines = path.read_text(encoding="utf-8").split("\n")
        except (OSError, UnicodeDecodeError) as exc:
            raise EmbedderError(f"{path}: cannot read the model's vocabulary ({exc}); {_REINSTALL}") from None
        if lines and lines[-1] == "":
            lines.pop()
        vocab = dict(zip(lines, range(len(lines))))
        missing = [token for token in SPECIAL_TOKENS if token not in vocab]
        if missing:
            raise EmbedderError(f"{path}: not a BERT vocabulary (no {', '.join(missing)}); {_REINSTALL}")
        return cls(vocab, max_tokens)

    def encode(self, text: str) -> list[int]:
        """``[CLS]``, the text's pieces (as many as fit in ``max_tokens``), ``[SEP]``."""
        ids = [self._cls]
        for k, part in enumerate(_SPECIAL.split(text)):
            if k % 2:  # a special token written in the text
                ids.append(self.vocab[part])
                continue
            for word in part.translate(self._table).split(" "):
                if word:
                    ids.extend(self._pieces(word))
        del ids[self.max_tokens - 1 :]
        ids.append(self._sep)
        return ids

    def _word_pieces(self, word: str) -> tuple[int, ...]:
        """The longest vocabulary pieces from the start of ``word``; ``[UNK]`` when they cannot spell it."""
        if len(word) > _MAX_WORD_CHARS:
            return (self._unk,)
        pieces = []
        start = 0
        while start < len(word):
            for end in range(len(word), start, -1):
                piece = word[start:end] if start == 0 else _PREFIX + word[start:end]
                found = self.vocab.get(piece)
                if found is not None:
                    pieces.append(found)
                    start = end
                    break
            else:
                return (self._unk,)
        return tuple(pieces)
