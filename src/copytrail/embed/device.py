"""Where an embedder runs: ``cpu`` (the default), ``cuda``, or ``auto`` (CUDA when this machine has it).

A GPU is never required. ``cuda`` asked of a machine without one (or without the GPU
build of ONNX Runtime or torch) embeds on the CPU and says so once on stderr, so a
command written for a GPU server still runs on a laptop; ``auto`` falls back quietly.
The vectors are the same model's either way (within floating-point rounding), so the
sentence-vector store (:mod:`copytrail.embed.store`) keeps one entry for both.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from copytrail.errors import EmbedderError

__all__ = ["DEVICES", "check_device", "onnx_fallback_reason", "onnx_providers", "say_cpu_fallback", "torch_device"]

DEVICES = ("cpu", "cuda", "auto")
_CUDA_PROVIDER = "CUDAExecutionProvider"
_said: set[str] = set()


def check_device(device: str) -> str:
    """``device`` itself when it is one of :data:`DEVICES`.

    Raises:
        EmbedderError: any other name.
    """
    if device not in DEVICES:
        raise EmbedderError(f"unknown device {device!r}; choose one of {', '.join(DEVICES)}")
    return device


def onnx_providers(device: str, available: Sequence[str]) -> list[str]:
    """The ONNX Runtime providers to ask for, best first, given what this install ``available`` has."""
    if device in ("cuda", "auto") and _CUDA_PROVIDER in available:
        return [_CUDA_PROVIDER, "CPUExecutionProvider"]
    return ["CPUExecutionProvider"]


def onnx_fallback_reason(available: Sequence[str], in_use: Sequence[str]) -> str | None:
    """Why a session asked to run on CUDA does not, or None when it does."""
    if _CUDA_PROVIDER in in_use:
        return None
    if _CUDA_PROVIDER not in available:
        return "this ONNX Runtime has no CUDA provider (install onnxruntime-gpu in place of onnxruntime)"
    return "ONNX Runtime could not start its CUDA provider (no GPU, or CUDA/cuDNN libraries missing)"


def torch_device(device: str, model: str) -> str:
    """The torch device for ``device``: CUDA when asked for (or ``auto``) and torch can reach a GPU."""
    if device == "cpu":
        return "cpu"
    import torch

    if torch.cuda.is_available():
        return "cuda"
    if device == "cuda":
        say_cpu_fallback(model, "torch finds no CUDA GPU")
    return "cpu"


def say_cpu_fallback(model: str, why: str) -> None:
    """Say once per model and process that ``--device cuda`` runs ``model`` on the CPU, and why."""
    if model in _said:
        return
    _said.add(model)
    print(f"copytrail: --device cuda: {why}; {model} embeds on the CPU", file=sys.stderr, flush=True)
