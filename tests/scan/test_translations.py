"""The translation candidate source: nearest neighbours across languages, and a scan that finds a translation."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from copytrail.scan import ScanConfig, scan
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
