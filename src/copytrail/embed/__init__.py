"""Sentence embedders, chosen by name.

========================  =============================================================
name                      what
========================  =============================================================
``minilm`` (default)      all-MiniLM-L6-v2 on ONNX Runtime (English; extra ``embed``)
``minilm-torch``          the same weights on sentence-transformers/torch (reference)
``use-multilingual``      multilingual USE v3 in numpy, for translated copies (slow)
``hashing``               hashed word n-grams: no model, lexical only (tests, fallback)
========================  =============================================================
"""

from __future__ import annotations

from functools import cache

from copytrail.embed.base import CachedEmbedder, Embedder, HashingEmbedder
from copytrail.errors import EmbedderError

__all__ = ["EMBEDDERS", "CachedEmbedder", "Embedder", "HashingEmbedder", "load_embedder"]

EMBEDDERS = ("minilm", "minilm-torch", "use-multilingual", "hashing")


@cache
def load_embedder(name: str = "minilm", *, device: str = "cpu") -> Embedder:
    """Load (once per process) the named embedder, wrapped in a sentence cache.

    Raises:
        EmbedderError: unknown name, or the model's extra is not installed.
    """
    if name == "minilm":
        from copytrail.embed.minilm import MiniLMEmbedder

        inner: Embedder = MiniLMEmbedder(device=device)
    elif name == "minilm-torch":
        from copytrail.embed.others import SentenceTransformerEmbedder

        inner = SentenceTransformerEmbedder(device=device)
    elif name == "use-multilingual":
        from copytrail.embed.others import MultilingualUSEEmbedder

        inner = MultilingualUSEEmbedder()
    elif name == "hashing":
        inner = HashingEmbedder()
    else:
        raise EmbedderError(f"unknown embedder {name!r}; choose one of {', '.join(EMBEDDERS)}")
    return CachedEmbedder(inner)
