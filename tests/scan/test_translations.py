"""The translation candidate source: nearest neighbours across languages, and a scan that finds a translation."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from copytrail.scan import ScanConfig, scan, translations
from copytrail.scan.candidates import TRANSLATION
from copytrail.scan.config import FingerprintConfig, VerifyConfig
from copytrail.scan.translations import lead_text, translation_pairs
from tests.align.test_crosslingual import needs_use
from tests.conftest import BBC, KHERSON_ORIGINAL, require_shared

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def _unit(rows: list[list[float]]) -> np.ndarray:
    v = np.array(rows, dtype=np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def test_neighbours_pair_only_across_languages_and_above_the_cosine() -> None:
    vectors = _unit([[1, 0, 0], [0.99, 0.1, 0], [0.98, 0.05, 0.1], [0, 1, 0], [0, 0.2, 1]])
    languages = ["en", "en", "ru", "ru", None]
    pairs = translation_pairs(vectors, languages, min_cosine=0.9, neighbours=2)
    # 0-1 are one language (left to the word sources); 4 has no language; 3 is far from all.
    assert pairs.tolist() == [[0, 2], [1, 2]]
    assert translation_pairs(vectors, languages, min_cosine=0.9, neighbours=1).tolist() == [[0, 2], [1, 2]]
    assert translation_pairs(vectors, languages, min_cosine=0.999, neighbours=2).tolist() == []
    assert translation_pairs(vectors[:1], languages[:1], min_cosine=0.0, neighbours=3).shape == (0, 2)


def _clustered(seed: int, n: int, clusters: int, spread: float, shares: list[float]) -> tuple[np.ndarray, list]:
    """Unit vectors around ``clusters`` centres (stories told in several languages), languages drawn by ``shares``.

    The last share is the documents of unknown language; one row is zero (a document without text).
    """
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((clusters, 64))
    vectors = centres[rng.integers(0, clusters, n)] + spread * rng.standard_normal((n, 64))
    vectors[0] = 0
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    vectors = (vectors / np.where(norms > 0, norms, 1)).astype(np.float32)
    names = ["en", "de", "ru", None]
    languages = [names[i] for i in rng.choice(len(shares), size=n, p=shares)]
    return vectors, languages


def _both(vectors: np.ndarray, languages: list, monkeypatch: pytest.MonkeyPatch, **kwargs) -> tuple[set, set]:
    """The exact and the approximate search's pairs (checking that the approximate one really ran)."""
    calls = []
    approximate = translations._approximate_neighbours
    monkeypatch.setattr(translations, "_approximate_neighbours", lambda *a: calls.append(1) or approximate(*a))
    exact = translation_pairs(vectors, languages, approximate_from=len(vectors) + 1, **kwargs)
    assert not calls
    found = translation_pairs(vectors, languages, approximate_from=0, **kwargs)
    assert calls
    return {tuple(p) for p in exact.tolist()}, {tuple(p) for p in found.tolist()}


def test_approximate_index_gives_the_exact_pairs_on_a_small_collection(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("faiss")
    # English is 60 %: its documents look among the others in an index of their own; German and
    # Russian documents search the whole index, skipping their own language.
    vectors, languages = _clustered(seed=3, n=400, clusters=60, spread=0.6, shares=[0.6, 0.2, 0.15, 0.05])
    exact, found = _both(vectors, languages, monkeypatch, min_cosine=0.5, neighbours=3)
    assert len(exact) > 100 and found == exact
    assert all(languages[i] and languages[j] and languages[i] != languages[j] for i, j in found)
    assert not any(0 in pair for pair in found)  # the zero row pairs with no one


@settings(max_examples=6, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    clusters=st.integers(5, 200),
    spread=st.floats(0.3, 1.5),
    english=st.floats(0.2, 0.8),
)
def test_approximate_index_finds_nearly_every_exact_pair(
    seed: int, clusters: int, spread: float, english: float
) -> None:
    pytest.importorskip("faiss")
    rest = (1 - english) * 0.95
    vectors, languages = _clustered(seed, 3000, clusters, spread, [english, rest * 0.6, rest * 0.4, 1 - english - rest])
    with pytest.MonkeyPatch.context() as monkeypatch:
        exact, found = _both(vectors, languages, monkeypatch, min_cosine=0.3, neighbours=3)
    assert exact and len(exact & found) >= 0.97 * len(exact)
    # What the index proposes instead of a missed neighbour is still a cross-language pair above the cosine.
    for i, j in found - exact:
        assert languages[i] != languages[j] and float(vectors[i] @ vectors[j]) >= 0.3 - 1e-5


def test_without_faiss_the_search_is_exact_and_says_so(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    vectors, languages = _clustered(seed=5, n=200, clusters=30, spread=0.6, shares=[0.5, 0.3, 0.2, 0.0])
    expected = translation_pairs(vectors, languages, min_cosine=0.5, neighbours=2, approximate_from=10**6)
    monkeypatch.setitem(sys.modules, "faiss", None)  # import faiss now raises ImportError
    with caplog.at_level(logging.WARNING, logger=translations.__name__):
        found = translation_pairs(vectors, languages, min_cosine=0.5, neighbours=2, approximate_from=0)
    assert np.array_equal(found, expected) and len(expected) > 0
    (record,) = caplog.records
    assert "faiss is not installed" in record.getMessage() and "copytrail[multilingual]" in record.getMessage()
    assert "\n" not in record.getMessage()


def test_lead_text_is_the_opening_story_sentences() -> None:
    article = (require_shared(BBC) / "business" / "001.txt").read_text(encoding="utf-8")
    page = "Harbour Herald\nFront page / Region / Money / Arts\nSport\n\n" + article
    headline = article.split("\n", 1)[0].strip()
    lead = lead_text(page, sentences=3)
    assert lead.startswith(headline) and "Harbour Herald" not in lead
    assert lead_text(page, sentences=1) == headline and len(lead) > len(headline)


def test_translation_source_is_off_by_default_and_checked() -> None:
    assert FingerprintConfig().translation_embedder == "none"
    with pytest.raises(ValueError, match="translation_embedder"):
        FingerprintConfig(translation_embedder="bert")
    with pytest.raises(ValueError, match="translation_embedder"):
        VerifyConfig(translation_embedder="bert")


@needs_use
def test_scan_finds_a_translated_copy_among_english_stories(tmp_path: Path) -> None:
    folder = tmp_path / "collection"
    folder.mkdir()
    (folder / "kherson-ru.txt").write_text((FIXTURES / "kherson_ru.txt").read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "kherson-en.txt").write_text(require_shared(KHERSON_ORIGINAL).read_text(encoding="utf-8"))
    for path in sorted((require_shared(BBC) / "politics").glob("*.txt"))[:12]:
        (folder / f"bbc-{path.name}").write_text(path.read_text(encoding="utf-8", errors="replace"), encoding="utf-8")
    words_only = scan([folder], tmp_path / "words", config=ScanConfig(progress=False, report=False))
    assert not any("kherson-ru.txt" in (p.id_a, p.id_b) for p in words_only.pairs)

    config = ScanConfig(
        fingerprint=FingerprintConfig(translation_embedder="use-multilingual"),
        verify=VerifyConfig(translation_embedder="use-multilingual"),
        progress=False,
        report=False,
    )
    result = scan([folder], tmp_path / "out", config=config)
    (pair,) = [p for p in result.pairs if "kherson-ru.txt" in (p.id_a, p.id_b)]
    assert {pair.id_a, pair.id_b} == {"kherson-en.txt", "kherson-ru.txt"} and TRANSLATION in pair.sources
    # Nothing else crosses languages: every other pair is between two English documents.
    docs = {json.loads(line)["id"]: json.loads(line) for line in (tmp_path / "out" / "documents.jsonl").open()}
    assert all(docs[p.id_a]["language"] == docs[p.id_b]["language"] for p in result.pairs if p is not pair)
