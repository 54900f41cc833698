"""Sentence vectors kept on disk between processes (copytrail.embed.store)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from copytrail.compare import CompareConfig, compare
from copytrail.embed.base import CachedEmbedder, HashingEmbedder
from copytrail.embed.store import VectorStore, default_store
from copytrail.report.json import report_to_json
from tests.conftest import KHERSON_COPY, KHERSON_ORIGINAL


class CountingEmbedder(HashingEmbedder):
    """The hashing fake, with a model identity and a count of the sentences it embedded."""

    def __init__(self, cache_key: str = "fake:1") -> None:
        super().__init__()
        self.cache_key = cache_key
        self.embedded: list[str] = []

    def embed(self, sentences: Sequence[str]) -> np.ndarray:
        self.embedded.extend(sentences)
        return super().embed(sentences)


def test_a_second_process_reads_the_vectors_and_gets_the_same_report(tmp_path) -> None:  # noqa: ANN001
    store_path = tmp_path / "embeddings.sqlite"
    reports, models = [], []
    for _ in range(2):  # two "processes": fresh in-memory caches, one file
        model = CountingEmbedder()
        embedder = CachedEmbedder(model, store=VectorStore(store_path))
        report = compare(KHERSON_ORIGINAL, KHERSON_COPY, embedder=embedder, config=CompareConfig(embedder="hashing"))
        reports.append(report_to_json(report))
        models.append(model)
    assert len(models[0].embedded) > 20
    assert models[1].embedded == []
    strip = [r.split('"timings"')[0] for r in reports]
    assert strip[0] == strip[1]


def test_vectors_are_exact_and_kept_per_model(tmp_path) -> None:  # noqa: ANN001
    store = VectorStore(tmp_path / "v.sqlite")
    vectors = np.random.default_rng(0).standard_normal((3, 7)).astype(np.float32)
    store.put("model-a", ["one", "two", "three"], vectors)
    found = store.get("model-a", ["three", "one", "four"])
    assert set(found) == {"one", "three"}
    assert np.array_equal(found["one"], vectors[0]) and np.array_equal(found["three"], vectors[2])
    assert store.get("model-b", ["one"]) == {}


def test_the_store_keeps_only_the_newest_rows(tmp_path) -> None:  # noqa: ANN001
    store = VectorStore(tmp_path / "v.sqlite", max_rows=5)
    for k in range(4):
        sentences = [f"s{k}-{j}" for j in range(3)]
        store.put("m", sentences, np.full((3, 2), k, dtype=np.float32))
    kept = store.get("m", [f"s{k}-{j}" for k in range(4) for j in range(3)])
    assert sorted(kept) == ["s2-1", "s2-2", "s3-0", "s3-1", "s3-2"]


def test_an_embedder_without_a_model_identity_is_not_stored(tmp_path) -> None:  # noqa: ANN001
    embedder = CachedEmbedder(HashingEmbedder(), store=VectorStore(tmp_path / "v.sqlite"))
    embedder.embed(["A sentence about the bridge."])
    assert embedder.store is None and not (tmp_path / "v.sqlite").exists()


def test_a_damaged_store_says_so_once_and_the_model_still_embeds(tmp_path, capsys) -> None:  # noqa: ANN001
    path = tmp_path / "v.sqlite"
    path.write_bytes(b"this is not a database" * 100)
    model = CountingEmbedder()
    embedder = CachedEmbedder(model, store=VectorStore(path))
    first = embedder.embed(["One sentence.", "Another one."])
    embedder.embed(["A third sentence."])
    assert first.shape == (2, 512) and len(model.embedded) == 3
    err = capsys.readouterr().err
    assert err.count("not keeping sentence vectors") == 1 and str(path) in err


def test_the_environment_switches_the_store(monkeypatch, tmp_path, capsys) -> None:  # noqa: ANN001
    monkeypatch.setenv("COPYTRAIL_CACHE", str(tmp_path))
    monkeypatch.delenv("COPYTRAIL_EMBEDDING_CACHE", raising=False)  # bench/_common.py sets it when imported
    monkeypatch.setenv("COPYTRAIL_EMBEDDING_CACHE_ROWS", "12")
    store = default_store()
    assert store is not None and store.path == tmp_path / "embeddings.sqlite" and store.max_rows == 12
    monkeypatch.setenv("COPYTRAIL_EMBEDDING_CACHE_ROWS", "lots")
    assert default_store().max_rows > 12
    assert "is not a count" in capsys.readouterr().err
    monkeypatch.setenv("COPYTRAIL_EMBEDDING_CACHE", "0")
    assert default_store() is None


def test_compare_keeps_minilm_vectors_and_scan_does_not(monkeypatch, tmp_path) -> None:  # noqa: ANN001
    from copytrail.embed import load_embedder
    from copytrail.errors import MissingEmbedder
    from copytrail.scan.verify import _load

    monkeypatch.setenv("COPYTRAIL_CACHE", str(tmp_path))
    monkeypatch.delenv("COPYTRAIL_EMBEDDING_CACHE", raising=False)
    load_embedder.cache_clear()
    try:
        try:
            kept = load_embedder("minilm")  # the model itself loads on first use: this is cheap
        except MissingEmbedder:
            pytest.skip("MiniLM is not installed")
        assert kept.store is not None and kept.store.path.parent == tmp_path
        unstored = _load("minilm")
        assert unstored.store is None
        assert unstored.inner is kept.inner  # one model per process, whichever wrapper asks
    finally:
        load_embedder.cache_clear()
