"""Speed of copytrail on this machine: model load, warm compare of ~1,000-word pairs, embedder throughput.

Usage::

    python bench/bench_compare.py                 # all three parts, ~2-4 minutes on 2 cores
    python bench/bench_compare.py --skip-torch    # leave out the torch reference (part c)

(a) Load. Fresh subprocesses (3 each, median): the time ``import copytrail`` takes, and
    the time from just before ``import copytrail`` to an embedder from
    ``copytrail.embed.load_embedder("minilm")`` (and to its first embedded sentence).
    The ONNX graph is expected to be exported already (``~/.cache/copytrail``); the script
    says whether it was.
(b) Compare, warm. One bare ``MiniLMEmbedder`` (no sentence cache, so nothing is
    remembered between runs) is loaded and warmed up on an unmeasured pair, then each pair
    is compared ``--repeat`` times with ``copytrail.compare(..., embedder=...)``; a pair's
    time is the median of its repeats. Inputs are ``LoadedText`` built by
    ``copytrail.load_bytes`` beforehand, so the time is segmentation + alignment +
    relation (file reading, ~1 ms, is left out). Pairs: the Kherson pair
    (../shared/examples/kherson, ~1,000 and ~1,200 words), 5 BBC articles of 850-1,300
    words each against a lightly edited copy of itself, and 5 pairs of unrelated BBC
    articles of that size (nothing anchors lexically: every sentence was embedded until
    the document gate of ``align/sentences.py``, which now embeds none of them).
(c) Throughput on the same ~500 real BBC sentences: the ONNX path
    (``copytrail.embed.minilm.MiniLMEmbedder``) against the torch reference
    (``copytrail.embed.others.SentenceTransformerEmbedder``), and the largest cosine
    difference between their vectors.

Writes bench/results/compare_speed.json and prints a table.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import random
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

sys.path[:0] = [str(Path(__file__).resolve().parents[1] / "src"), str(Path(__file__).resolve().parent)]

import copytrail  # noqa: E402
from _common import ROOT, SHARED, git_revision, reproduce_command  # noqa: E402
from copytrail.embed.minilm import MiniLMEmbedder, cache_dir  # noqa: E402

KHERSON = SHARED / "examples" / "kherson"
BBC = SHARED / "data" / "bbc_news"
OUT = ROOT / "bench" / "results" / "compare_speed.json"
SEED = 20240601
AIM_SECONDS = 0.100
WORDS = (850, 1300)
THROUGHPUT_SENTENCES = 500

# Runs in a fresh interpreter; the clock starts right before ``import copytrail``.
_LOAD_PROBE = """
import json, sys, time
t0 = time.perf_counter()
import copytrail
t1 = time.perf_counter()
out = {"import": t1 - t0}
if sys.argv[1] == "load":
    embedder = copytrail.embed.load_embedder("minilm")
    t2 = time.perf_counter()
    embedder.embed(["The first sentence a user embeds."])
    t3 = time.perf_counter()
    out.update(load=t2 - t0, first_embed=t3 - t0)
print(json.dumps(out))
"""


def median(values: list[float]) -> float:
    return float(statistics.median(values))


def p90(values: list[float]) -> float:
    """The 90th percentile, linearly interpolated (numpy's default)."""
    return float(np.percentile(values, 90))


# --------------------------------------------------------------------------- (a) load


def measure_load(repeat: int) -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    runs: dict[str, list[dict]] = {"import": [], "load": []}
    for _ in range(repeat):
        for mode in ("import", "load"):
            started = time.perf_counter()
            done = subprocess.run(
                [sys.executable, "-c", _LOAD_PROBE, mode], capture_output=True, text=True, env=env, check=True
            )
            probe = json.loads(done.stdout.strip().splitlines()[-1])
            probe["process_wall"] = time.perf_counter() - started
            runs[mode].append(probe)
    return {
        "repeats": repeat,
        "import_copytrail_s": round(median([r["import"] for r in runs["import"]]), 4),
        "import_to_embedder_s": round(median([r["load"] for r in runs["load"]]), 4),
        "import_to_first_embedding_s": round(median([r["first_embed"] for r in runs["load"]]), 4),
        "process_wall_import_s": round(median([r["process_wall"] for r in runs["import"]]), 4),
        "process_wall_load_s": round(median([r["process_wall"] for r in runs["load"]]), 4),
        "runs": {k: [{n: round(x, 4) for n, x in r.items()} for r in v] for k, v in runs.items()},
    }


# --------------------------------------------------------------------------- (b) compare


def bbc_articles() -> list[Path]:
    """BBC articles of WORDS words, byte-distinct, in path order."""
    seen: set[str] = set()
    chosen = []
    for path in sorted(BBC.glob("*/*.txt")):
        data = path.read_bytes()
        digest = hashlib.sha1(data).hexdigest()
        if digest in seen:
            continue
        seen.add(digest)
        if WORDS[0] <= len(data.split()) <= WORDS[1]:
            chosen.append(path)
    return chosen


def light_edit(text: str, rng: random.Random) -> str:
    """A copy an editor touched: ~10% of sentences dropped, ~20% with a word changed or cut,
    two neighbouring sentences swapped, the headline reworded."""
    lines = text.split("\n")
    headline, body = lines[0], "\n".join(lines[1:])
    paragraphs = [p for p in body.split("\n\n") if p.strip()]
    vocabulary = re.findall(r"[a-z]{5,}", body)
    edited = []
    for paragraph in paragraphs:
        sentences = re.split(r"(?<=[.!?\"])\s+(?=[A-Z\"])", paragraph.strip())
        kept = []
        for sentence in sentences:
            roll = rng.random()
            if roll < 0.10 and len(sentences) > 1:
                continue
            if roll < 0.30:
                words = sentence.split()
                k = rng.randrange(len(words))
                if rng.random() < 0.5 and len(words) > 4:
                    del words[k]
                else:
                    words[k] = rng.choice(vocabulary) if vocabulary else words[k]
                sentence = " ".join(words)
            kept.append(sentence)
        if len(kept) > 2 and rng.random() < 0.2:
            k = rng.randrange(len(kept) - 1)
            kept[k], kept[k + 1] = kept[k + 1], kept[k]
        edited.append(" ".join(kept))
    return "Updated: " + headline + "\n\n" + "\n\n".join(edited) + "\n"


def compare_pairs() -> tuple[list[dict], tuple]:
    """The measured pairs, and one unmeasured warm-up pair."""
    articles = bbc_articles()
    if len(articles) < 17:
        raise SystemExit(f"need 17 BBC articles of {WORDS} words, found {len(articles)}")
    rng = random.Random(SEED)
    rng.shuffle(articles)

    def loaded(path: Path, text: str | None = None) -> copytrail.LoadedText:
        data = path.read_bytes() if text is None else text.encode("utf-8")
        name = str(path.relative_to(SHARED)) if text is None else f"{path.relative_to(SHARED)}~edited.txt"
        return copytrail.load_bytes(data, name=name)

    pairs = []
    k_a, k_b = sorted(KHERSON.glob("000_*.txt"))[0], sorted(KHERSON.glob("001_*.txt"))[0]
    pairs.append({"kind": "kherson rewrite", "a": loaded(k_a), "b": loaded(k_b)})
    for path in articles[:5]:
        edited = light_edit(path.read_text(encoding="utf-8"), rng)
        pairs.append({"kind": "bbc vs light edit", "a": loaded(path), "b": loaded(path, edited)})
    for first, second in zip(articles[5:15:2], articles[6:15:2], strict=True):
        pairs.append({"kind": "bbc vs unrelated", "a": loaded(first), "b": loaded(second)})
    warmup = (loaded(articles[15]), loaded(articles[16]))
    return pairs, warmup


def words(loaded: copytrail.LoadedText) -> int:
    return len(loaded.text.split())


def measure_compare(repeat: int) -> dict:
    pairs, warmup = compare_pairs()
    started = time.perf_counter()
    embedder = MiniLMEmbedder()
    construct = time.perf_counter() - started
    copytrail.compare(*warmup, embedder=embedder)
    rows = []
    for pair in pairs:
        runs = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            report = copytrail.compare(pair["a"], pair["b"], embedder=embedder)
            runs.append((time.perf_counter() - t0, report))
        seconds = [s for s, _ in runs]
        _, report = sorted(runs, key=lambda r: r[0])[len(runs) // 2]
        t = report.timings
        rows.append(
            {
                "kind": pair["kind"],
                "a": pair["a"].name,
                "b": pair["b"].name,
                "words": [words(pair["a"]), words(pair["b"])],
                "segments": [len(report.a.segments), len(report.b.segments)],
                "relation": report.relation.value,
                "coverage": [report.coverage.a, report.coverage.b],
                "seconds": round(median(seconds), 4),
                "seconds_runs": [round(s, 4) for s in seconds],
                "segment": t.segment,
                "lexical": t.lexical,
                "embed": t.embed,
                "align": t.align,
                "sentences_embedded": t.sentences_embedded,
            }
        )
    per_pair = [r["seconds"] for r in rows]

    def summary(selected: list[dict]) -> dict:
        s = [r["seconds"] for r in selected]
        return {
            "pairs": len(selected),
            "median_s": round(median(s), 4),
            "p90_s": round(p90(s), 4),
            "max_s": round(max(s), 4),
            "median_segment_s": round(median([r["segment"] for r in selected]), 4),
            "median_lexical_s": round(median([r["lexical"] for r in selected]), 4),
            "median_embed_s": round(median([r["embed"] for r in selected]), 4),
            "median_align_s": round(median([r["align"] for r in selected]), 4),
            "median_sentences_embedded": median([r["sentences_embedded"] for r in selected]),
        }

    kinds = dict.fromkeys(r["kind"] for r in rows)
    return {
        "repeats_per_pair": repeat,
        "embedder_construct_s": round(construct, 4),
        "all": summary(rows),
        "by_kind": {k: summary([r for r in rows if r["kind"] == k]) for k in kinds},
        "ratio_to_100ms_aim": round(median(per_pair) / AIM_SECONDS, 2),
        "p90_ratio_to_100ms_aim": round(p90(per_pair) / AIM_SECONDS, 2),
        "pairs": rows,
    }


# --------------------------------------------------------------------------- (c) throughput


def news_sentences(n: int) -> list[str]:
    """The first ``n`` story sentences (3+ words) of shuffled BBC articles, as copytrail cuts them."""
    paths = sorted(BBC.glob("*/*.txt"))
    random.Random(SEED + 1).shuffle(paths)
    out: list[str] = []
    for path in paths:
        doc = copytrail.prepare_document(copytrail.load_text(path))
        out.extend(s.text for s in doc.segments if s.role is copytrail.Role.STORY and len(s.text.split()) >= 3)
        if len(out) >= n:
            break
    return out[:n]


def throughput(embedder, sentences: list[str], repeat: int) -> tuple[float, np.ndarray]:  # noqa: ANN001
    embedder.embed(sentences[:32])  # warm-up: first runs allocate and pick kernels
    times, vectors = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        vectors = embedder.embed(sentences)
        times.append(time.perf_counter() - t0)
    return median(times), vectors


def measure_throughput(repeat: int, with_torch: bool, device: str = "cpu") -> dict:
    sentences = news_sentences(THROUGHPUT_SENTENCES)
    words_per = [len(s.split()) for s in sentences]
    result: dict = {
        "sentences": len(sentences),
        "mean_words_per_sentence": round(float(np.mean(words_per)), 1),
        "repeats": repeat,
    }
    t0 = time.perf_counter()
    onnx = MiniLMEmbedder(device=device)
    result["onnx_construct_s"] = round(time.perf_counter() - t0, 3)
    onnx_s, onnx_vectors = throughput(onnx, sentences, repeat)
    result["device"] = {"asked": device, "in_use": onnx.device_in_use}
    result["onnx_s"] = round(onnx_s, 3)
    result["onnx_sentences_per_s"] = round(len(sentences) / onnx_s, 1)
    if with_torch:
        t0 = time.perf_counter()
        from copytrail.embed.others import SentenceTransformerEmbedder

        reference = SentenceTransformerEmbedder(device=device)
        result["torch_import_and_construct_s"] = round(time.perf_counter() - t0, 3)
        torch_s, torch_vectors = throughput(reference, sentences, repeat)
        result["torch_s"] = round(torch_s, 3)
        result["torch_sentences_per_s"] = round(len(sentences) / torch_s, 1)
        result["onnx_speedup"] = round(torch_s / onnx_s, 2)
        cosine = np.sum(onnx_vectors * torch_vectors, axis=1)
        result["max_cosine_difference"] = float(f"{float(np.max(1.0 - cosine)):.3g}")
        result["max_abs_component_difference"] = float(f"{float(np.max(np.abs(onnx_vectors - torch_vectors))):.3g}")
        import torch

        result["torch_threads"] = torch.get_num_threads()
    return result


# --------------------------------------------------------------------------- report


def print_tables(result: dict) -> None:
    print(f"\nrevision {result['revision']}, {result['machine']['cpu_count']} CPUs")
    load = result["load"]
    print(f"\n(a) Load, fresh process, median of {load['repeats']} (ONNX graph cached: {result['onnx_cached']})")
    print(f"  import copytrail                          {load['import_copytrail_s']:7.3f} s")
    print(f"  import copytrail -> load_embedder(minilm) {load['import_to_embedder_s']:7.3f} s")
    print(f"  ... -> first sentence embedded            {load['import_to_first_embedding_s']:7.3f} s")
    print(
        f"  whole process (python start to exit)      {load['process_wall_load_s']:7.3f} s "
        f"(import only: {load['process_wall_import_s']:.3f} s)"
    )

    cmp_ = result["compare"]
    print(f"\n(b) compare(), warm model, no sentence cache; per pair the median of {cmp_['repeats_per_pair']} runs")
    header = (
        f"  {'pair':44s} {'words':>11s} {'relation':>14s} {'sec':>6s} {'segm':>6s} {'lex':>6s} "
        f"{'embed':>6s} {'align':>6s} {'#emb':>5s}"
    )
    print(header)
    for r in cmp_["pairs"]:
        name = f"{r['kind']}: {Path(r['a']).name[:12]}/{Path(r['b']).name[:12]}"
        print(
            f"  {name:44s} {r['words'][0]:5d}/{r['words'][1]:<5d} {r['relation']:>14s} {r['seconds']:6.3f} "
            f"{r['segment']:6.3f} {r['lexical']:6.3f} {r['embed']:6.3f} {r['align']:6.3f} "
            f"{r['sentences_embedded']:5d}"
        )
    print(
        f"\n  {'group':22s} {'pairs':>5s} {'median':>7s} {'p90':>7s} {'segm':>6s} {'lex':>6s} {'embed':>6s} "
        f"{'align':>6s} {'#emb':>5s}"
    )
    for name, s in [("all", cmp_["all"]), *cmp_["by_kind"].items()]:
        print(
            f"  {name:22s} {s['pairs']:5d} {s['median_s']:7.3f} {s['p90_s']:7.3f} "
            f"{s['median_segment_s']:6.3f} "
            f"{s['median_lexical_s']:6.3f} {s['median_embed_s']:6.3f} {s['median_align_s']:6.3f} "
            f"{s['median_sentences_embedded']:5.0f}"
        )
    print(
        f"  median per pair / 100 ms aim = {cmp_['ratio_to_100ms_aim']:.1f}x "
        f"(p90: {cmp_['p90_ratio_to_100ms_aim']:.1f}x)"
    )

    tp = result["throughput"]
    print(
        f"\n(c) Embedder throughput, {tp['sentences']} BBC sentences "
        f"({tp['mean_words_per_sentence']} words on average), median of {tp['repeats']}; "
        f"device asked {tp['device']['asked']}, in use {tp['device']['in_use']}"
    )
    print(
        f"  ONNX (MiniLMEmbedder)        {tp['onnx_sentences_per_s']:7.1f} sentences/s "
        f"({tp['onnx_s']:.2f} s; construct {tp['onnx_construct_s']:.2f} s)"
    )
    if "torch_s" in tp:
        print(
            f"  torch (SentenceTransformer)  {tp['torch_sentences_per_s']:7.1f} sentences/s "
            f"({tp['torch_s']:.2f} s; import+construct {tp['torch_import_and_construct_s']:.2f} s, "
            f"{tp['torch_threads']} threads)"
        )
        print(
            f"  ONNX speed-up {tp['onnx_speedup']:.2f}x; "
            f"max cosine difference {tp['max_cosine_difference']:.2g}, "
            f"max |component difference| {tp['max_abs_component_difference']:.2g}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3, help="runs per compare pair and per throughput pass")
    parser.add_argument("--load-repeat", type=int, default=3, help="fresh processes per load measurement")
    parser.add_argument("--skip-torch", action="store_true", help="leave out the torch reference")
    parser.add_argument(
        "--device",
        choices=("cpu", "cuda", "auto"),
        default="cpu",
        help="where part (c) embeds (cuda: a GPU with onnxruntime-gpu, and torch with CUDA for the reference)",
    )
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    print(f"$ {reproduce_command('bench/bench_compare.py')}", flush=True)
    started = time.perf_counter()

    onnx_cached = any(cache_dir().glob("all-MiniLM-L6-v2-*/model.onnx"))
    result: dict = {
        "command": reproduce_command(),
        "revision": git_revision(),
        "machine": {
            "cpu_count": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "onnx_cached": onnx_cached,
    }
    if not onnx_cached:
        print(
            "note: no exported ONNX graph yet; the first load below includes the one-off export",
            file=sys.stderr,
        )
    print("(a) load ...", file=sys.stderr, flush=True)
    result["load"] = measure_load(args.load_repeat)
    print("(b) compare ...", file=sys.stderr, flush=True)
    result["compare"] = measure_compare(args.repeat)
    print("(c) throughput ...", file=sys.stderr, flush=True)
    result["throughput"] = measure_throughput(args.repeat, with_torch=not args.skip_torch, device=args.device)
    result["wall_seconds"] = round(time.perf_counter() - started, 1)

    args.out.parent.mkdir(parents=True, exist_ok=True)
    partial = args.out.with_suffix(".json.tmp")
    partial.write_text(json.dumps(result, indent=1) + "\n")
    partial.replace(args.out)
    print_tables(result)
    print(f"\nwall {result['wall_seconds']:.0f} s; wrote {args.out}")


if __name__ == "__main__":
    main()
