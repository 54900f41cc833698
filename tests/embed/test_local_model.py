"""A user's own model from a local folder, loaded through a fake sentence-transformers."""

from __future__ import annotations

import json
import sys
import types
from pathlib import Path

import numpy as np
import pytest

import copytrail
from copytrail.embed import ANY_LANGUAGE, covers, load_embedder
from copytrail.embed.others import LocalModelEmbedder
from copytrail.errors import EmbedderError
from copytrail.ingest import load_bytes
from copytrail.records import Relation


class FakeSentenceTransformer:
    """Stands in for sentence_transformers.SentenceTransformer: reads a folder, embeds by a word table."""

    loaded: list[str] = []

    def __init__(self, path: str, device: str = "cpu") -> None:
        folder = Path(path)
        if not (folder / "modules.json").exists():
            raise OSError("no modules.json")
        self.table = json.loads((folder / "table.json").read_text())
        FakeSentenceTransformer.loaded.append(path)

    def encode(self, texts, batch_size: int = 32, convert_to_numpy: bool = True):  # noqa: ANN001, ANN201
        out = np.zeros((len(texts), 4), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in text.lower().split():
                out[row] += np.asarray(self.table.get(word.strip(".,:"), [0, 0, 0, 0.1]), dtype=np.float32)
        return out


@pytest.fixture
def fake_st(monkeypatch: pytest.MonkeyPatch) -> type[FakeSentenceTransformer]:
    module = types.ModuleType("sentence_transformers")
    module.SentenceTransformer = FakeSentenceTransformer
    monkeypatch.setitem(sys.modules, "sentence_transformers", module)
    FakeSentenceTransformer.loaded = []
    return FakeSentenceTransformer


def _model_folder(root: Path, manifest: dict | None) -> Path:
    folder = root / "my-labse"
    folder.mkdir()
    (folder / "modules.json").write_text("[]")
    # A word table in which each English word and its Finnish translation share a direction.
    table = {}
    for k, (en, fi) in enumerate([("russia", "venäjä"), ("troops", "joukkonsa"), ("city", "kaupungista")]):
        vector = [0.0, 0.0, 0.0, 0.0]
        vector[k] = 1.0
        table[en] = table[fi] = vector
    (folder / "table.json").write_text(json.dumps(table))
    if manifest is not None:
        (folder / "copytrail.json").write_text(json.dumps(manifest))
    return folder


def test_local_folder_loads_with_its_declared_languages_and_prefix(tmp_path: Path, fake_st) -> None:  # noqa: ANN001
    folder = _model_folder(tmp_path, {"languages": ["en", "fi"], "prefix": "query: ", "name": "LaBSE"})
    embedder = LocalModelEmbedder(folder)
    assert embedder.name == "local:LaBSE"
    assert embedder.languages == {"en", "fi"} and embedder.prefix == "query: "
    assert covers(embedder, "en", "fi") and not covers(embedder, "en", "uk")
    vectors = embedder.embed(["Russia troops", "Venäjä joukkonsa"])
    assert vectors.shape == (2, 4)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0)
    assert float(vectors[0] @ vectors[1]) > 0.99
    assert fake_st.loaded == [str(folder)]


def test_local_folder_without_manifest_covers_every_language(tmp_path: Path, fake_st) -> None:  # noqa: ANN001
    embedder = LocalModelEmbedder(_model_folder(tmp_path, None))
    assert embedder.languages is ANY_LANGUAGE
    assert covers(embedder, "en", "uk")


def test_load_embedder_takes_a_folder_path(tmp_path: Path, fake_st) -> None:  # noqa: ANN001
    folder = _model_folder(tmp_path, {"languages": ["en", "fi"]})
    embedder = load_embedder(str(folder))
    assert embedder.name == "local:my-labse" and embedder.languages == {"en", "fi"}
    assert load_embedder(f"local:{folder}").name == "local:my-labse"


def test_user_model_makes_english_finnish_covered(tmp_path: Path, fake_st) -> None:  # noqa: ANN001
    embedder = LocalModelEmbedder(_model_folder(tmp_path, {"languages": ["en", "fi"]}))
    english = (
        "Russia said its troops left the city of Kherson on Friday, a setback for the Kremlin and its army.\n\n"
        "The withdrawal marks another major defeat for the Russian military in the south of Ukraine."
    )
    finnish = (
        "Venäjä ilmoitti perjantaina, että sen joukkonsa lähtivät Hersonin kaupungista, mikä on takaisku Kremlille.\n\n"
        "Vetäytyminen on jälleen suuri tappio Venäjän armeijalle Etelä-Ukrainassa."
    )
    report = copytrail.compare(
        load_bytes(english.encode(), name="en.txt"), load_bytes(finnish.encode(), name="fi.txt"), embedder=embedder
    )
    assert report.languages.translated and report.languages.covered
    assert report.embedder == "local:my-labse"
    assert report.relation is not Relation.NOT_COVERED


def test_not_a_model_folder_is_an_embedder_error(tmp_path: Path, fake_st) -> None:  # noqa: ANN001
    with pytest.raises(EmbedderError, match="no such model folder"):
        LocalModelEmbedder(tmp_path / "missing")
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(EmbedderError, match="not a sentence-transformers model folder"):
        LocalModelEmbedder(empty)
    (empty / "copytrail.json").write_text("{not json")
    with pytest.raises(EmbedderError, match="not readable JSON"):
        LocalModelEmbedder(empty)


def test_cli_compare_takes_a_model_folder(tmp_path: Path, fake_st) -> None:  # noqa: ANN001
    from click.testing import CliRunner

    from copytrail.cli.main import main

    folder = _model_folder(tmp_path, {"languages": ["en", "fi"], "name": "my-model"})
    en, fi = tmp_path / "en.txt", tmp_path / "fi.txt"
    en.write_text(
        "Russia said its troops left the city of Kherson on Friday, a setback for the Kremlin and its army.\n\n"
        "The withdrawal marks another major defeat for the Russian military in the south of Ukraine.\n"
    )
    fi.write_text(
        "Venäjä ilmoitti perjantaina, että sen joukkonsa lähtivät Hersonin kaupungista, mikä on takaisku.\n\n"
        "Vetäytyminen on jälleen suuri tappio Venäjän armeijalle Etelä-Ukrainassa.\n"
    )
    result = CliRunner().invoke(main, ["compare", str(en), str(fi), "--embedder", str(folder), "--json", "--no-text"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["embedder"] == "local:my-model"
    assert data["languages"]["translated"] and data["languages"]["covered"]
    bad = CliRunner().invoke(main, ["compare", str(en), str(fi), "--embedder", str(tmp_path / "nowhere")])
    assert bad.exit_code == 2 and "nor a model folder" in bad.output
