"""Language identification of documents and their paragraphs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from copytrail.ingest import load_bytes
from copytrail.lang import detect_language, identify_languages, language_name
from copytrail.normalize import prepare_document

FIXTURES = Path(__file__).parent / "fixtures"

ENGLISH = (
    "Russia announced Friday morning that it has withdrawn all its troops from the key southern "
    "Ukrainian city of Kherson, marking another big setback for Russian leader Vladimir Putin."
)
GERMAN = (
    "Russland hat am Freitagmorgen angekündigt, alle seine Truppen aus der wichtigen südukrainischen "
    "Stadt Cherson abgezogen zu haben, ein weiterer schwerer Rückschlag für Präsident Putin."
)


def _doc(text: str):  # noqa: ANN202
    return identify_languages(prepare_document(load_bytes(text.encode(), name="doc.txt")))


@pytest.mark.parametrize(
    ("text", "code"),
    [
        (ENGLISH, "en"),
        (GERMAN, "de"),
        ("Президент Байден и его советники подталкивают Украину к переговорам с Россией.", "ru"),
        ("Venäjä ilmoitti perjantaina vetäneensä kaikki joukkonsa Hersonin kaupungista.", "fi"),
        ("俄罗斯周五宣布已从赫尔松市撤出全部军队。", "zh"),
    ],
)
def test_detect_language_names_the_language(text: str, code: str) -> None:
    assert detect_language(text)[0] == code


def test_text_without_letters_has_no_language() -> None:
    assert detect_language("12:30 -- 4,500") == (None, 0.0)


def test_document_language_and_fixture() -> None:
    doc = identify_languages(prepare_document(load_bytes((FIXTURES / "kherson_ru.txt").read_bytes(), name="ru.txt")))
    assert doc.language == "ru"
    assert [s.code for s in doc.languages] == ["ru"]


def test_mixed_document_lists_each_language_by_share() -> None:
    doc = _doc("\n\n".join([ENGLISH, ENGLISH.replace("Friday", "Thursday"), GERMAN]))
    assert doc.language == "en"
    assert [s.code for s in doc.languages] == ["en", "de"]
    assert doc.languages[0].share > doc.languages[1].share > 0.2


def test_long_document_is_identified_on_a_sample_and_keeps_its_other_language() -> None:
    """Past DOCUMENT_SAMPLE_CHARS the document's language and its shares come from a sample
    of paragraphs, each identified on its own, so a German fifth still counts."""
    from copytrail.lang import DOCUMENT_SAMPLE_CHARS, _sample

    # Numbered, so that no sentence repeats (a repeat is boilerplate, not alignable text).
    paragraphs = [
        ENGLISH.replace("Friday", f"day {k}") if k % 5 else GERMAN.replace("Freitagmorgen", f"Tag {k}")
        for k in range(1, 1500)
    ]
    assert sum(len(p) for p in paragraphs) > 3 * DOCUMENT_SAMPLE_CHARS
    assert sum(len(p) for p in _sample(paragraphs)) <= DOCUMENT_SAMPLE_CHARS + 2 * len(GERMAN)
    doc = _doc("\n\n".join(paragraphs))
    assert doc.language == "en"
    assert [s.code for s in doc.languages] == ["en", "de"]
    assert 0.15 < doc.languages[1].share < 0.25


def test_too_little_text_is_not_identified() -> None:
    doc = _doc("Never again.\n\nOK then.")
    assert doc.language is None and doc.languages == ()


def test_language_name() -> None:
    assert language_name("ru") == "Russian (ru)"
    assert language_name(None) == "an unidentified language"


def test_unpacked_language_model_ranks_like_py3langids_own(tmp_path, monkeypatch, capsys) -> None:  # noqa: ANN001
    """The model is unpacked into the cache once (saying so on stderr) and then ranks as py3langid does."""
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    from copytrail.lang import _from_unpacked

    monkeypatch.setenv("COPYTRAIL_CACHE", str(tmp_path))
    unpacked = _from_unpacked(MODEL_DIR / MODEL_FILE, LanguageIdentifier)
    assert "unpacking the language model once" in capsys.readouterr().err
    assert len([p for p in tmp_path.glob("py3langid-*") if p.is_dir()]) == 1
    assert not list(tmp_path.glob("*.partial"))
    again = _from_unpacked(MODEL_DIR / MODEL_FILE, LanguageIdentifier)
    assert capsys.readouterr().err == ""
    reference = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    for text in ("Russia has said it is withdrawing its troops", "Россия заявила, что выводит войска", "政府今天决定"):
        assert unpacked.rank(text)[:5] == reference.rank(text)[:5] == again.rank(text)[:5]


def test_windowed_byte_walk_scores_exactly_as_py3langids_own(tmp_path, monkeypatch) -> None:  # noqa: ANN001
    """The numpy walk over windows of bytes, and its float32 copy of the table, give py3langid's scores bit for bit,
    short, long and odd texts included."""
    import random

    import numpy as np
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    from copytrail.lang import _from_unpacked, _identifier, _windowed_class

    monkeypatch.setenv("COPYTRAIL_CACHE", str(tmp_path))
    windowed = _from_unpacked(MODEL_DIR / MODEL_FILE, _windowed_class(LanguageIdentifier))
    assert windowed._window is not None and 1 <= windowed._window <= 16
    assert (tmp_path / next(tmp_path.glob("py3langid-*")).name / "synchronizing_length.txt").is_file()
    assert _identifier()._window is not None  # what copytrail itself uses takes the fast walk
    stock = _from_unpacked(MODEL_DIR / MODEL_FILE, LanguageIdentifier)
    rng = random.Random(7)
    texts = ["", "a", "ab", "KHERSON", "日本語", "政府今天决定", "Россия", "\U0001f600 x", ENGLISH, GERMAN]
    texts += [ENGLISH[:k] for k in range(0, 40, 3)] + [f"{ENGLISH} {GERMAN} 政府今天决定 " * 3]
    texts += ["".join(chr(rng.randrange(32, 0x3000)) for _ in range(rng.randrange(60))) for _ in range(200)]
    texts += [bytes(rng.randrange(256) for _ in range(rng.randrange(30))) for _ in range(100)]
    # Long texts: thousands of features, so the product runs over many float32 rows at once.
    words = f"{ENGLISH} {GERMAN} Россия заявила, что выводит войска 政府今天决定".split()
    texts += [" ".join(rng.choice(words) for _ in range(rng.randrange(500, 5000))) for _ in range(5)]
    assert windowed._table is not None and windowed._table[1].dtype == np.float32
    assert (next(tmp_path.glob("py3langid-*")) / "ptc-float32.npy").is_file()
    for text in texts:
        ours, theirs = windowed._decide(text), stock._decide(text)
        assert ours.dtype == theirs.dtype and np.array_equal(ours, theirs), text
        assert windowed.rank(text) == stock.rank(text)
    # Without its window the same identifier walks as py3langid does, from the arrays it was given.
    unwindowed = _from_unpacked(MODEL_DIR / MODEL_FILE, _windowed_class(LanguageIdentifier))
    unwindowed.use_window(None)
    for text in texts[:40]:
        assert np.array_equal(unwindowed._decide(text), stock._decide(text)), text


def test_synchronizing_length_of_a_tiny_automaton() -> None:
    """State 1 is "just read b": one byte decides it whatever came before; a state that never forgets does not."""
    from copytrail.lang import synchronizing_length

    rows = np.zeros((2, 256), dtype=np.uint32)
    rows[:, ord("b")] = 1  # from either state, "b" leads to state 1 and anything else to the start
    assert synchronizing_length(rows.ravel(), np.array([0, 1])) == 1
    rows[1, :] = 1  # state 1 is a trap: walks from it never meet walks from the start
    assert synchronizing_length(rows.ravel(), np.array([0, 1]), limit=4) is None


@pytest.mark.parametrize("pack", [True, False])
def test_document_and_paragraphs_in_one_walk_score_as_py3langid_scores_each(pack: bool, monkeypatch) -> None:  # noqa: ANN001
    """decide_spans (a document and its paragraphs as spans of one byte walk, counted in one sort) and top
    give py3langid's _decide and rank of each text on its own, bit for bit; packed sort keys or not."""
    import random

    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    from copytrail import lang

    windowed = lang._identifier()
    assert windowed._window is not None
    if not pack:
        monkeypatch.setattr(windowed, "_pack_limit", 0)
    stock = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    rng = random.Random(11)
    others = "KHERSON Россия заявила, что выводит войска 政府今天决定 e\u0301 \U0001f600 12:30"
    words = f"{ENGLISH} {GERMAN} {others}".split()
    checked = 0
    for _ in range(150):
        texts = [" ".join(rng.choice(words) for _ in range(rng.randrange(0, 40))) for _ in range(rng.randrange(1, 7))]
        encoded = [windowed._encode(t) for t in texts]
        data = b" ".join(encoded)
        spans, start = [(0, len(data))], 0
        for piece in encoded:
            spans.append((start, start + len(piece)))
            start += len(piece) + 1
        wanted = [" ".join(texts), *texts]
        if windowed._encode(wanted[0]) != data:
            continue
        for scores, text in zip(windowed.decide_spans(data, spans), wanted):
            theirs = stock._decide(text)
            assert scores.dtype == theirs.dtype and np.array_equal(scores, theirs), text
            assert windowed.top(scores, 8) == stock.rank(text)[:8]
            assert windowed.top(scores, 200) == stock.rank(text)
            checked += 1
    assert checked > 300
    # A paragraph all in capitals is lower-cased alone but not within its document: the
    # paragraphs are then scored after the document's bytes, still each as py3langid scores it.
    paragraphs = [ENGLISH.upper(), GERMAN, "Россия заявила, что выводит войска из Херсона и с правого берега Днепра"]
    whole, each = lang._ranked_with_parts(paragraphs, [0, 2])
    assert windowed._encode(" ".join(paragraphs)) != b" ".join(windowed._encode(p) for p in paragraphs)

    def ranked(text: str) -> dict[str, float]:
        return lang._merged(stock.rank(text)[:8])

    assert whole == ranked(" ".join(paragraphs))
    assert each == [ranked(paragraphs[0]), ranked(paragraphs[2])]


def test_many_texts_at_once_are_identified_each_as_alone() -> None:
    """detect_languages lays the texts end to end in one walk; each comes out as detect_language gives it alone."""
    import random

    from copytrail.lang import detect_languages

    rng = random.Random(23)
    others = "KHERSON Россия заявила, что выводит войска 政府今天决定 e\u0301 \U0001f600 12:30 — 45%"
    words = f"{ENGLISH} {GERMAN} {others}".split()
    texts = ["", "   ", "12:30", ENGLISH, ENGLISH.upper(), GERMAN, "Venäjä ilmoitti perjantaina", "x"]
    texts += [" ".join(rng.choice(words) for _ in range(rng.randrange(0, 60))) for _ in range(120)]
    texts += ["".join(chr(rng.randrange(32, 0x3000)) for _ in range(rng.randrange(40))) for _ in range(60)]
    rng.shuffle(texts)
    alone = [detect_language(text) for text in texts]
    assert detect_languages(texts) == alone
    assert detect_languages(texts[:1]) == alone[:1] and detect_languages([]) == []
    assert len({code for code, _ in alone}) >= 5  # the texts do differ in language
