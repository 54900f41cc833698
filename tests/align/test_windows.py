"""Windowed alignment of long documents (``copytrail.align.windows``) against the dense aligner.

The windowed path is forced on ordinary BBC articles with a tiny ``max_dense_cells``, so
both paths can be compared on the same pair; the bench (``bench/long_compare.py``)
measures the time and memory on real long pairs.
"""

from __future__ import annotations

import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from copytrail import PairTooLong, load_bytes
from copytrail.align import windows
from copytrail.align.crosslingual import default_crosslingual_classifier
from copytrail.align.features import default_classifier
from copytrail.align.sentences import AlignConfig, align_sentences
from copytrail.align.windows import WindowConfig, anchor_cells, window_cells
from copytrail.embed import HashingEmbedder
from copytrail.normalize import prepare_document
from tests.conftest import BBC, require_shared

WINDOWED = AlignConfig(max_dense_cells=1)


def _stories(n: int) -> list[str]:
    paths = sorted(require_shared(BBC).glob("business/*.txt"))[:n]
    return [p.read_text(encoding="utf-8") for p in paths]


def _document(text: str, name: str):
    return prepare_document(load_bytes(text.encode("utf-8"), name=name))


def _edited(text: str, rng: random.Random) -> str:
    """Every fifth sentence dropped, one word of every third changed."""
    out = []
    for k, sentence in enumerate(text.replace("\n\n", " \n\n").split(". ")):
        if k % 5 == 4:
            continue
        words = sentence.split(" ")
        if k % 3 == 0 and len(words) > 4:
            words[rng.randrange(len(words))] = "meanwhile"
        out.append(" ".join(words))
    return ". ".join(out)


def test_windowed_alignment_finds_the_pairs_of_the_dense_aligner_on_an_edited_copy() -> None:
    text = "\n\n".join(_stories(6))
    a, b = _document(text, "a.txt"), _document(_edited(text, random.Random(7)), "b.txt")
    common = {"embedder": HashingEmbedder(), "classifier": default_classifier()}
    dense = align_sentences(a, b, config=AlignConfig(), **common)
    windowed = align_sentences(a, b, config=WINDOWED, **common)
    assert not dense.windowed and windowed.windowed
    dense_pairs = {(p.a, p.b) for p in dense.pairs}
    windowed_pairs = {(p.a, p.b) for p in windowed.pairs}
    assert len(dense_pairs) > 50
    # The windows may only lose pairs far from any anchor; on a copy there are none.
    assert len(dense_pairs & windowed_pairs) >= 0.97 * len(dense_pairs)
    assert len(windowed_pairs - dense_pairs) <= 0.03 * len(dense_pairs)
    assert windowed.sentences_embedded <= dense.sentences_embedded


def test_windowed_alignment_of_unrelated_stories_embeds_nothing() -> None:
    stories = _stories(8)
    a, b = _document("\n\n".join(stories[:4]), "a.txt"), _document("\n\n".join(stories[4:]), "b.txt")
    windowed = align_sentences(a, b, embedder=HashingEmbedder(), classifier=default_classifier(), config=WINDOWED)
    assert windowed.sentences_embedded == 0
    assert windowed.pairs == ()


def test_anchors_need_a_rare_shared_ngram_and_identical_sentences_pair_in_order() -> None:
    ta = ["the minister resigned on friday night", "a b c d", "repeat me please now", "repeat me please now"]
    tb = ["repeat me please now", "late on friday night the minister resigned", "repeat me please now"]
    rows, cols = anchor_cells(ta, tb, WindowConfig(ngram=3, max_df=1))
    cells = set(zip(rows.tolist(), cols.tolist()))
    assert (0, 1) in cells  # "on friday night" is shared and rare
    assert (2, 0) in cells and (3, 2) in cells  # the k-th copy with the k-th copy
    assert (2, 2) not in cells and (3, 0) not in cells
    assert all(r != 1 for r, _ in cells)


def test_window_cells_surround_similar_anchors_only() -> None:
    ta = [f"sentence number {k} of the first text about apples" for k in range(20)]
    tb = [ta[k] if k in (10, 11) else f"other words {k}" for k in range(20)]
    rows, cols = window_cells(ta, tb, WindowConfig(radius=2), min_ratio=0.8)
    assert set(zip(rows.tolist(), cols.tolist())) == _squares((10, 10), (11, 11), radius=2)
    assert np.all(np.diff(rows * len(tb) + cols) > 0)  # unique, row-major


def test_a_lone_anchor_is_its_own_cell_and_opens_no_window() -> None:
    """Chance matches of stock sentences in two unrelated texts are mostly alone."""
    ta = [f"sentence number {k} of the first text about apples" for k in range(30)]
    tb = [ta[k] if k in (10, 11, 25) else f"other words {k}" for k in range(30)]
    rows, cols = window_cells(ta, tb, WindowConfig(radius=2), min_ratio=0.8)
    assert set(zip(rows.tolist(), cols.tolist())) == _squares((10, 10), (11, 11), radius=2) | {(25, 25)}
    # Two anchors exactly ``radius`` apart support each other.
    tb = [ta[k] if k in (10, 12) else f"other words {k}" for k in range(30)]
    rows, cols = window_cells(ta, tb, WindowConfig(radius=2), min_ratio=0.8)
    assert set(zip(rows.tolist(), cols.tolist())) == _squares((10, 10), (12, 12), radius=2)
    tb = [ta[k] if k in (10, 13) else f"other words {k}" for k in range(30)]
    rows, cols = window_cells(ta, tb, WindowConfig(radius=2), min_ratio=0.8)
    assert set(zip(rows.tolist(), cols.tolist())) == {(10, 10), (13, 13)}


def _squares(*anchors: tuple[int, int], radius: int) -> set[tuple[int, int]]:
    span = range(-radius, radius + 1)
    return {(r + i, c + j) for r, c in anchors for i in span for j in span}


def test_translated_pairs_past_the_dense_limit_are_refused_up_front() -> None:
    a, b = _document("\n\n".join(_stories(1)), "a.txt"), _document("\n\n".join(_stories(2)[1:]), "b.txt")
    with pytest.raises(PairTooLong, match="two languages"):
        align_sentences(
            a,
            b,
            embedder=HashingEmbedder(),
            classifier=default_classifier(),
            config=WINDOWED,
            crosslingual=default_crosslingual_classifier(),
        )


def test_clearly_unrelated_articles_embed_nothing_and_a_rewrite_still_embeds() -> None:
    """The document gate of the dense aligner (UNRELATED_MAX_SHARED_STEMS)."""
    from tests.conftest import KHERSON_COPY, KHERSON_ORIGINAL

    common = {"embedder": HashingEmbedder(), "classifier": default_classifier(), "config": AlignConfig()}
    business = _document(_stories(1)[0], "business.txt")
    sport = _document(sorted(require_shared(BBC).glob("sport/*.txt"))[0].read_text(encoding="utf-8"), "sport.txt")
    unrelated = align_sentences(business, sport, **common)
    assert unrelated.sentences_embedded == 0 and unrelated.pairs == ()
    rewrite = align_sentences(
        _document(require_shared(KHERSON_COPY).read_text(encoding="utf-8"), "a.txt"),
        _document(require_shared(KHERSON_ORIGINAL).read_text(encoding="utf-8"), "b.txt"),
        **common,
    )
    assert rewrite.sentences_embedded > 20


def _reference_anchor_cells(ta: list[str], tb: list[str], config: WindowConfig) -> list[tuple[int, int]]:
    """The anchors as first written, with tuples of words in Python dicts: the oracle."""
    from collections import defaultdict

    from copytrail.normalize.scripts import match_words

    def postings(texts: list[str]) -> dict[tuple[str, ...], list[int]]:
        found: dict[tuple[str, ...], list[int]] = defaultdict(list)
        for row, text in enumerate(texts):
            words = match_words(text)
            grams = {tuple(words[k : k + config.ngram]) for k in range(len(words) - config.ngram + 1)}
            for gram in grams or {tuple(words)}:
                found[gram].append(row)
        return found

    post_a, post_b = postings(ta), postings(tb)
    shared: dict[tuple[int, int], int] = defaultdict(int)
    for gram, rows in post_a.items():
        cols = post_b.get(gram)
        if cols is None or len(rows) > config.max_df or len(cols) > config.max_df:
            continue
        for r in rows:
            for c in cols:
                shared[r, c] += 1
    by_text: dict[str, list[int]] = defaultdict(list)
    for c, text in enumerate(tb):
        by_text[text].append(c)
    seen: dict[str, int] = defaultdict(int)
    for r, text in enumerate(ta):
        if cols := by_text.get(text):
            shared[r, cols[min(seen[text], len(cols) - 1)]] = config.min_shared
            seen[text] += 1
    return sorted(cell for cell, n in shared.items() if n >= config.min_shared)


def _cells(found: tuple[np.ndarray, np.ndarray]) -> list[tuple[int, int]]:
    return list(zip(found[0].tolist(), found[1].tolist()))


def test_anchor_cells_equal_the_python_oracle_on_real_sentences() -> None:
    a = _document("\n\n".join(_stories(12)), "a.txt")
    b = _document(_edited("\n\n".join(_stories(12)[3:]), random.Random(5)), "b.txt")
    ta = [s.text.lower() for s in a.segments]
    tb = [s.text.lower() for s in b.segments]
    for config in (WindowConfig(), WindowConfig(ngram=2, max_df=2, min_shared=2), WindowConfig(ngram=6, max_df=1)):
        expected = _reference_anchor_cells(ta, tb, config)
        assert len(expected) > 50
        assert _cells(anchor_cells(ta, tb, config)) == expected


_FEW_WORDS = st.lists(st.sampled_from(["a", "b", "c", "d", "ab", "東京"]), max_size=7).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(_FEW_WORDS, max_size=12),
    st.lists(_FEW_WORDS, max_size=12),
    st.integers(1, 4),
    st.integers(1, 3),
    st.integers(1, 2),
)
def test_anchor_cells_equal_the_python_oracle(
    ta: list[str], tb: list[str], ngram: int, max_df: int, min_shared: int
) -> None:
    config = WindowConfig(ngram=ngram, max_df=max_df, min_shared=min_shared)
    expected = _reference_anchor_cells(ta, tb, config)
    assert _cells(anchor_cells(ta, tb, config)) == expected
    # The path for a vocabulary too large for a gram to fit an int64 answers the same.
    words_a, words_b, _ = windows._word_codes(ta, tb)
    assert _cells(windows._anchor_cells_in_python(words_a, words_b, ta, tb, config)) == expected
