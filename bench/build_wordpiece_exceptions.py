"""Build ``models/wordpiece_exceptions.json``: where ``tokenizers`` and Python's Unicode tables part.

Usage::

    python bench/build_wordpiece_exceptions.py            # writes src/copytrail/models/wordpiece_exceptions.json
    python bench/build_wordpiece_exceptions.py --check    # exit 1 if the shipped table is not what this builds
    python bench/build_wordpiece_exceptions.py --compare  # both tokenizers on every text of the corpora

copytrail's MiniLM tokenizer (``copytrail/embed/wordpiece.py``) normalizes and pre-tokenizes a
character at a time by Python's ``unicodedata``. ``tokenizers`` (Rust) reads Unicode tables of
other versions, so for some characters, mostly of scripts added to Unicode lately, the two
differ. This script asks the installed ``tokenizers`` (a dev dependency, pinned in
``pyproject.toml``) about every code point, with the model's own ``tokenizer.json``:

* ``normalized``: ``BertNormalizer``'s output for the character alone, where it differs from
  ``wordpiece.normalized_char``;
* ``split``: whether ``BertPreTokenizer`` cuts at it (``space``), isolates it (``punct``) or
  neither (``none``), where that differs from ``wordpiece.split_kind``.

It takes about 15 s. ``tests/embed/test_wordpiece.py`` rebuilds the table and compares.

``--compare`` encodes every document of ``bench/sentence_split.py`` (its first 3,000
characters) and each of its lines, and ``--fuzz`` random strings of characters from all of
Unicode, with both tokenizers, and counts the texts whose ids differ (about a minute).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

TARGET = Path(__file__).resolve().parents[1] / "src" / "copytrail" / "models" / "wordpiece_exceptions.json"


def build() -> dict:
    import tokenizers
    from tokenizers import Tokenizer

    from copytrail.embed.minilm import _model_dir
    from copytrail.embed.wordpiece import normalized_char, split_kind

    tokenizer = Tokenizer.from_file(str(_model_dir() / "tokenizer.json"))
    normalizer, pre_tokenizer = tokenizer.normalizer, tokenizer.pre_tokenizer
    normalized: dict[str, str] = {}
    split: dict[str, str] = {}
    for code in range(0x110000):
        if 0xD800 <= code <= 0xDFFF:  # surrogates are not characters of a str that can be encoded
            continue
        c = chr(code)
        theirs = normalizer.normalize_str(c)
        if theirs != normalized_char(c):
            normalized[str(code)] = theirs
        words = [word for word, _span in pre_tokenizer.pre_tokenize_str(f"a{c}a")]
        kind = {("a", "a"): "space", ("a", c, "a"): "punct", (f"a{c}a",): "none"}[tuple(words)]
        if kind != split_kind(c):
            split[str(code)] = kind
    return {"tokenizers": tokenizers.__version__, "normalized": normalized, "split": split}


def compare(fuzz: int, seed: int = 3) -> int:
    """Texts whose ids differ between ``tokenizers`` and copytrail's tokenizer (printed); 0 when none."""
    import random

    from tokenizers import Tokenizer

    from copytrail.embed.minilm import _MAX_TOKENS, _model_dir
    from copytrail.embed.wordpiece import SPECIAL_TOKENS, WordPieceTokenizer
    from sentence_split import documents

    theirs = Tokenizer.from_file(str(_model_dir() / "tokenizer.json"))
    theirs.enable_truncation(_MAX_TOKENS)
    theirs.no_padding()
    ours = WordPieceTokenizer.from_model_dir(_model_dir(), _MAX_TOKENS)
    texts = []
    for doc in documents(reuters_files=22):
        texts += [doc.text[:3000], *(line for line in doc.text.split("\n") if line.strip())]
    rng = random.Random(seed)
    alphabet = [chr(c) for c in range(0x20, 0x3000) if not 0xD800 <= c <= 0xDFFF]
    alphabet += [chr(c) for c in (rng.randrange(0x3000, 0x110000) for _ in range(20_000)) if not 0xD800 <= c <= 0xDFFF]
    alphabet += [" "] * 200 + ["\n", "\t", "##", *SPECIAL_TOKENS]
    random_texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 400))) for _ in range(fuzz)]
    differing = 0
    for name, batch in (("corpus texts", texts), ("random strings", random_texts)):
        expected = [encoding.ids for encoding in theirs.encode_batch(batch)]
        wrong = [text for text, ids in zip(batch, expected) if ours.encode(text) != ids]
        print(f"{name}: {len(batch):,}, of which {len(wrong)} differ", *(repr(t[:100]) for t in wrong[:5]), sep="\n  ")
        differing += len(wrong)
    return differing


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="compare with the shipped table instead of writing it")
    parser.add_argument("--compare", action="store_true", help="compare both tokenizers' ids on the corpora")
    parser.add_argument("--fuzz", type=int, default=50_000, help="random strings for --compare (default 50,000)")
    args = parser.parse_args(argv)
    if args.compare:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        return 1 if compare(args.fuzz) else 0
    table = build()
    text = json.dumps(table, ensure_ascii=True, sort_keys=True, indent=0) + "\n"
    if args.check:
        same = TARGET.read_text(encoding="utf-8") == text
        print("the shipped table is up to date" if same else f"{TARGET} differs: run without --check to rebuild it")
        return 0 if same else 1
    TARGET.write_text(text, encoding="utf-8")
    print(f"{TARGET}: {len(table['normalized'])} normalized, {len(table['split'])} split exceptions")
    return 0


if __name__ == "__main__":
    sys.exit(main())
