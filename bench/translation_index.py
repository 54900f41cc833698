"""Nearest neighbours across languages for translation candidates: exact numpy search vs usearch vs faiss.

Usage::

    python bench/translation_index.py                                  # synthetic 10k and 100k, and WMT
    python bench/translation_index.py --sizes 1000000 --methods usearch-f32,faiss-hnsw --exact-sample 2000
    python bench/translation_index.py --sizes 100000 --methods copytrail   # translation_pairs as scan runs it

The translation source (``copytrail.scan.translations``) makes every document propose its
``k`` nearest neighbours in *other* languages. The library methods answer that question with
one index per language, each document queried against the indexes of the other languages and
the per-language answers merged into its ``k`` best (the true top ``k`` among other languages
always lies in that union, so an exact index gives exactly the exact answer);
``faiss-hnsw-filtered`` uses one index and a filter instead.

Methods: ``exact`` (blocked numpy matrix products, as ``translation_pairs`` did),
``faiss-flat`` (faiss' exact inner-product index), ``faiss-hnsw`` (HNSW, M=32,
efConstruction=40, efSearch=64), ``usearch-f32`` / ``usearch-f16`` (HNSW, usearch's defaults:
connectivity 16, expansion_add 128, expansion_search 64; vectors kept as float32 / float16),
``faiss-hnsw-filtered`` (copytrail's index: one faiss HNSW of every document, M=32,
efConstruction=40, each language's documents searching it with a bitmap that skips their own
language, efSearch 64 / share allowed), and ``copytrail`` (``translation_pairs`` itself,
whichever search it picks).

Each (method, size) runs in a fresh process, whose peak resident memory is reset (Linux
``clear_refs``) once the vectors are loaded: ``memory`` is the peak above that (it includes
importing the method's modules, copytrail's for the last two). ``CPU s`` counts every thread;
on a machine shared with other work it is the steadier figure. Recall@k is measured against the
exact top ``k`` (ties count as hits); above 100,000 documents on a sample of ``--exact-sample``
queries, whose exact search time is then scaled up to all (marked ``~``). Pair recall is the
share of the exact search's proposed pairs (cosine >= 0.4) that a method proposes too.

Data: ``synthetic`` unit vectors, 512-d, shaped like multilingual-USE openings (a shared
direction, a direction per language, a topic, and a story that translations share; cosines
close to those of the WMT openings, printed beside them), in five languages of unequal size
(en 50 %, de, ru 15 % each, ja, zh 10 % each); and ``wmt``: the real USE vectors of the WMT
news documents' openings (both sides, all five pairs) with English BBC stories as distractors.
Results: bench/results/translation_index.{json,md}.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import DATA, markdown_table, reproduce_command, source_state  # noqa: E402
from _wmt import LANGUAGES, RESULTS, wmt_documents  # noqa: E402

DIM = 512
K = 3  # FingerprintConfig.translation_neighbours
MIN_COSINE = 0.4  # FingerprintConfig.translation_min_cosine
SYNTHETIC_LANGUAGES = {"en": 0.5, "de": 0.15, "ru": 0.15, "ja": 0.1, "zh": 0.1}
CACHE = Path(tempfile.gettempdir()) / "copytrail-bench-translation-index"


# ---------------------------------------------------------------- data


def synthetic(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``n`` unit vectors, their language codes (0..4) and stories, built in chunks so 1M fits in memory.

    A vector is ``a*shared + b*language + c*topic + s*story + e*noise``: unrelated documents meet
    at about a^2 (+ b^2 within a language), documents on one topic at + c^2, and a document and its
    translation (one story, two languages) at about a^2 + c^2 + s^2.
    """
    rng = np.random.default_rng(seed)
    weights = np.sqrt(np.array([0.08, 0.06, 0.16, 0.5, 0.2]))  # shared, language, topic, story, noise
    shared = _unit(rng.standard_normal((1, DIM)))
    language_axes = _unit(rng.standard_normal((len(SYNTHETIC_LANGUAGES), DIM)))
    topics = max(1, n // 200)
    topic_axes = _unit(rng.standard_normal((topics, DIM)))
    languages = rng.choice(len(SYNTHETIC_LANGUAGES), size=n, p=list(SYNTHETIC_LANGUAGES.values()))
    # Stories: a third of the documents share theirs with one or more others (their translations,
    # or a copy in the same language).
    stories = np.arange(n)
    sharing = rng.choice(n, size=n // 3, replace=False)
    stories[sharing] = rng.choice(sharing[: max(1, len(sharing) // 2)], size=len(sharing))
    story_ids, story_of = np.unique(stories, return_inverse=True)
    story_topic = rng.integers(0, topics, size=len(story_ids))
    out = np.empty((n, DIM), dtype=np.float32)
    chunk = 65536
    for start in range(0, len(story_ids), chunk):
        # A story axis is drawn once, in story order, so its documents share it wherever they lie.
        axes = _unit(rng.standard_normal((min(chunk, len(story_ids) - start), DIM)))
        members = np.flatnonzero((story_of >= start) & (story_of < start + len(axes)))
        parts = (
            weights[0] * shared
            + weights[1] * language_axes[languages[members]]
            + weights[2] * topic_axes[story_topic[story_of[members]]]
            + weights[3] * axes[story_of[members] - start]
            + weights[4] * _unit(rng.standard_normal((len(members), DIM)))
        )
        out[members] = _unit(parts)
    return out, languages.astype(np.int64), story_of.astype(np.int64)


def _unit(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float32)
    return x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)


def wmt_vectors() -> tuple[np.ndarray, np.ndarray, list[tuple[int, int]]]:
    """USE vectors of the WMT news openings (both sides) and of English BBC stories; the translation pairs."""
    cached = CACHE / "wmt.npz"
    if cached.exists():
        data = np.load(cached)
        return data["vectors"], data["languages"], [tuple(p) for p in data["truth"].tolist()]
    from copytrail.embed import load_embedder
    from copytrail.scan.translations import lead_text

    names = ["en", *LANGUAGES]
    leads, languages, truth = [], [], []
    for xx in LANGUAGES:
        for doc in wmt_documents(xx):
            truth.append((len(leads), len(leads) + 1))
            for side in (doc.en, doc.xx):
                leads.append(lead_text(side.text))
                languages.append(names.index(side.language))
    for path in sorted((DATA / "bbc_news").glob("*/*.txt")):
        leads.append(lead_text(path.read_text(encoding="utf-8", errors="replace")))
        languages.append(0)
    vectors = load_embedder("use-multilingual").embed(leads)
    # WMT's test sets share English documents across pairs, and BBC holds duplicate stories: equal
    # vectors tie, and a tie broken another way is no miss. Keep one row of each.
    _, first, row_of = np.unique(vectors, axis=0, return_index=True, return_inverse=True)
    keep = np.sort(first)
    new_row = np.empty(len(vectors), dtype=np.int64)
    new_row[keep] = np.arange(len(keep))
    truth = sorted({(int(new_row[first[row_of[a]]]), int(new_row[first[row_of[b]]])) for a, b in truth})
    vectors, languages = vectors[keep], [languages[i] for i in keep]
    CACHE.mkdir(parents=True, exist_ok=True)
    np.savez(cached, vectors=vectors, languages=np.array(languages), truth=np.array(truth))
    return vectors, np.array(languages), truth


def load_data(name: str, n: int) -> tuple[np.ndarray, np.ndarray, list[tuple[int, int]]]:
    """Vectors, language codes and translation pairs (for synthetic data: a sample of one-story pairs)."""
    if name == "wmt":
        return wmt_vectors()
    path = CACHE / f"synthetic-{n}.npz"
    if not path.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        vectors, languages, stories = synthetic(n)
        np.save(CACHE / f"synthetic-{n}-vectors.npy", vectors)
        np.savez(path, languages=languages, stories=stories)
    saved = np.load(path)
    languages, stories = saved["languages"], saved["stories"]
    order = np.argsort(stories, kind="stable")
    same = np.flatnonzero(stories[order][1:] == stories[order][:-1])
    pairs = [(int(order[i]), int(order[i + 1])) for i in same[:5000] if languages[order[i]] != languages[order[i + 1]]]
    return np.load(CACHE / f"synthetic-{n}-vectors.npy"), languages, pairs


# ---------------------------------------------------------------- methods
# Each returns (neighbours, cosines): (n, K) arrays, -1 / -inf where a document has fewer than K.


def _merge(n: int, found: list[tuple[np.ndarray, np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    """Keep each query's K best of the (rows, ids, cosines) answers of every other-language index."""
    ids = np.full((n, 0), -1, dtype=np.int64)
    sims = np.full((n, 0), -np.inf, dtype=np.float32)
    per_row_ids = [ids]
    per_row_sims = [sims]
    for rows, got_ids, got_sims in found:
        block_ids = np.full((n, got_ids.shape[1]), -1, dtype=np.int64)
        block_sims = np.full((n, got_ids.shape[1]), -np.inf, dtype=np.float32)
        block_ids[rows] = got_ids
        block_sims[rows] = np.where(got_ids >= 0, got_sims, -np.inf)
        per_row_ids.append(block_ids)
        per_row_sims.append(block_sims)
    ids = np.concatenate(per_row_ids, axis=1)
    sims = np.concatenate(per_row_sims, axis=1)
    order = np.argsort(-sims, axis=1, kind="stable")[:, :K]
    return np.take_along_axis(ids, order, axis=1), np.take_along_axis(sims, order, axis=1)


def exact(vectors: np.ndarray, languages: np.ndarray, queries: np.ndarray | None = None, block: int = 1024):
    """The exact top K among other languages, for ``queries`` (all rows by default)."""
    rows_all = np.arange(len(vectors)) if queries is None else queries
    ids = np.full((len(rows_all), K), -1, dtype=np.int64)
    sims = np.full((len(rows_all), K), -np.inf, dtype=np.float32)
    for start in range(0, len(rows_all), block):
        rows = rows_all[start : start + block]
        s = vectors[rows] @ vectors.T
        s[languages[rows, None] == languages[None, :]] = -np.inf
        top = np.argpartition(-s, K - 1, axis=1)[:, :K]
        best = np.take_along_axis(s, top, axis=1)
        order = np.argsort(-best, axis=1)
        ids[start : start + len(rows)] = np.take_along_axis(top, order, axis=1)
        sims[start : start + len(rows)] = np.take_along_axis(best, order, axis=1)
    ids[~np.isfinite(sims)] = -1
    return ids, sims


def _per_language(vectors, languages, build, query):
    found = []
    for code in np.unique(languages):
        members = np.flatnonzero(languages == code)
        others = np.flatnonzero(languages != code)
        if len(others) == 0:
            continue
        index = build(vectors[members])
        local, got_sims = query(index, vectors[others], min(K, len(members)))
        found.append((others, np.where(local >= 0, members[np.maximum(local, 0)], -1), got_sims))
    return _merge(len(vectors), found)


def usearch_method(dtype: str, **settings: int):
    def run(vectors, languages):
        from usearch.index import Index

        def build(part):
            index = Index(ndim=DIM, metric="ip", dtype=dtype, **settings)
            index.add(np.arange(len(part)), part, threads=THREADS)
            return index

        def query(index, q, k):
            m = index.search(q, k, threads=THREADS)
            valid = np.arange(k)[None, :] < m.counts[:, None]
            return np.where(valid, m.keys.astype(np.int64), -1), (1.0 - m.distances).astype(np.float32)

        return _per_language(vectors, languages, build, query)

    return run


def faiss_method(kind: str):
    def run(vectors, languages):
        import faiss

        faiss.omp_set_num_threads(THREADS)

        def build(part):
            if kind == "flat":
                index = faiss.IndexFlatIP(DIM)
            else:
                index = faiss.IndexHNSWFlat(DIM, 32, faiss.METRIC_INNER_PRODUCT)
                index.hnsw.efConstruction = 40
                index.hnsw.efSearch = 64
            index.add(np.ascontiguousarray(part))
            return index

        def query(index, q, k):
            d, i = index.search(np.ascontiguousarray(q), k)
            return i.astype(np.int64), d.astype(np.float32)

        return _per_language(vectors, languages, build, query)

    return run


def faiss_filtered(vectors, languages):
    """copytrail's own index: one faiss HNSW over all documents, searched with a language filter."""
    from copytrail.scan.translations import _approximate_neighbours

    return _merge(len(vectors), list(_approximate_neighbours(vectors, languages, K)))


def copytrail_method(vectors, languages):
    """``translation_pairs`` as the scan calls it: returns its pairs, not neighbour lists."""
    from copytrail.scan.translations import translation_pairs

    names = [str(x) for x in languages]
    return translation_pairs(vectors, names, min_cosine=MIN_COSINE, neighbours=K)


METHODS = {
    "exact": exact,
    "faiss-flat": faiss_method("flat"),
    "faiss-hnsw": faiss_method("hnsw"),
    "usearch-f32": usearch_method("f32"),
    "usearch-f16": usearch_method("f16"),
    "faiss-hnsw-filtered": faiss_filtered,
    "copytrail": copytrail_method,
}
THREADS = 2


# ---------------------------------------------------------------- one measurement, in its own process


def child(method: str, data: str, n: int, out: Path) -> None:
    vectors, languages, _ = load_data(data, n)
    # Reset the process' peak resident memory (Linux), so that the peak read after is the method's.
    Path("/proc/self/clear_refs").write_text("5")
    base = _status_kb("VmRSS")
    started, cpu = time.perf_counter(), time.process_time()
    result = METHODS[method](vectors, languages)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    peak = _status_kb("VmHWM")
    if method == "copytrail":
        np.save(out / "pairs.npy", result)
    else:
        np.save(out / "ids.npy", result[0])
        np.save(out / "sims.npy", result[1])
    run = {"seconds": seconds, "cpu_seconds": cpu, "memory_mb": (peak - base) / 1024}
    (out / "run.json").write_text(json.dumps(run))


def _status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/self/status")


def pairs_of(rows: np.ndarray, ids: np.ndarray, sims: np.ndarray) -> set[tuple[int, int]]:
    keep = (ids >= 0) & (sims >= MIN_COSINE)
    i = np.repeat(rows, ids.shape[1])[keep.ravel()]
    j = ids.ravel()[keep.ravel()]
    return set(zip(np.minimum(i, j).tolist(), np.maximum(i, j).tolist()))


def measure(method: str, data: str, n: int, vectors: np.ndarray, reference: dict) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        uptime_before = os.getloadavg()[0]
        subprocess.run(
            [sys.executable, __file__, "--child", method, "--data", data, "--sizes", str(n), "--out", tmp], check=True
        )
        run = json.loads((out / "run.json").read_text())
        row = {
            "data": data,
            "n": n,
            "method": method,
            "seconds": round(run["seconds"], 2),
            "cpu_seconds": round(run["cpu_seconds"], 2),
            "memory_mb": round(run["memory_mb"]),
            "load": round(uptime_before, 2),
        }
        if method == "copytrail":
            row["pairs"] = len(np.load(out / "pairs.npy"))
            return row
        ids, sims = np.load(out / "ids.npy"), np.load(out / "sims.npy")
    if method == "exact":
        reference |= {"ids": ids, "sims": sims}
    queries, exact_ids, exact_sims = reference["queries"], reference["ids"], reference["sims"]
    got = ids[queries]
    # A neighbour is right when it is as near as the exact k-th one (ties may be broken either way),
    # by its float32 cosine (a float16 index reports rounded ones).
    true_sims = np.einsum("qd,qkd->qk", vectors[queries], vectors[np.maximum(got, 0)])
    kth = np.where(exact_ids >= 0, exact_sims, np.inf).min(axis=1, keepdims=True)
    wanted = (exact_ids >= 0).sum(axis=1)
    hits = np.minimum(((got >= 0) & (true_sims >= kth - 1e-5)).sum(axis=1), wanted)
    wanted = int(wanted.sum())
    row["recall_at_k"] = round(sum(hits) / wanted, 4) if wanted else None
    exact_pairs = pairs_of(queries, exact_ids, exact_sims)
    found_pairs = pairs_of(queries, got, sims[queries])
    row["exact_pairs"] = len(exact_pairs)
    row["pair_recall"] = round(len(exact_pairs & found_pairs) / len(exact_pairs), 4) if exact_pairs else None
    if "truth" in reference:
        all_pairs = pairs_of(np.arange(len(ids)), ids, sims)
        row["translations_proposed"] = f"{len(all_pairs & reference['truth'])}/{len(reference['truth'])}"
    return row


def cosine_profile(vectors: np.ndarray, languages: np.ndarray, truth: list[tuple[int, int]] | None) -> dict:
    """Mean cosines of random pairs and of translations (the synthetic data's shape against the real one)."""
    rng = np.random.default_rng(1)
    a, b = rng.integers(0, len(vectors), 20000), rng.integers(0, len(vectors), 20000)
    cos = np.einsum("ij,ij->i", vectors[a], vectors[b])
    same = languages[a] == languages[b]
    profile = {
        "random_same_language": round(float(cos[same & (a != b)].mean()), 3),
        "random_other_language": round(float(cos[~same].mean()), 3),
    }
    if truth:
        t = np.array(truth)
        profile["translation"] = round(float(np.einsum("ij,ij->i", vectors[t[:, 0]], vectors[t[:, 1]]).mean()), 3)
    return profile


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--data", default="synthetic,wmt")
    parser.add_argument("--methods", default=",".join(METHODS))
    parser.add_argument("--exact-sample", type=int, default=2000, help="queries for recall above 100k documents")
    parser.add_argument("--out", default=str(RESULTS / "translation_index"))
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.data, int(args.sizes), Path(args.out))
        return
    rows, profiles = [], {}
    for data in args.data.split(","):
        for n in [int(s) for s in args.sizes.split(",")] if data == "synthetic" else [0]:
            vectors, languages, translations = load_data(data, n)
            n = len(vectors)
            truth = translations if data == "wmt" else None
            methods = args.methods.split(",")
            profiles[f"{data}-{n}"] = cosine_profile(vectors, languages, translations)
            sample = None if n <= 100_000 else args.exact_sample
            queries = np.arange(n) if sample is None else np.sort(np.random.default_rng(2).choice(n, sample, False))
            reference = {"queries": queries}
            if sample is not None:
                # The full exact search is too slow here: measure it on the sample and scale up.
                started = time.perf_counter()
                reference["ids"], reference["sims"] = exact(vectors, languages, queries, block=128)
                exact_seconds = time.perf_counter() - started
            else:
                # The exact run is the reference, so it goes first.
                methods = ["exact"] + [m for m in methods if m != "exact"]
            if truth:
                reference["truth"] = {tuple(p) for p in truth}
            for method in methods:
                if method in ("exact", "faiss-flat", "copytrail") and sample is not None:
                    if method == "exact":
                        rows.append(
                            {
                                "data": data,
                                "n": n,
                                "method": method,
                                "seconds": f"~{exact_seconds * n / len(queries):.0f}",
                                "memory_mb": None,
                                "load": round(os.getloadavg()[0], 2),
                                "recall_at_k": 1.0,
                                "note": f"extrapolated from {len(queries)} queries",
                            }
                        )
                    continue
                row = measure(method, data, n, vectors, reference)
                print(json.dumps(row), flush=True)
                rows.append(row)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    payload = {"command": reproduce_command(), "source": source_state(), "k": K, "min_cosine": MIN_COSINE}
    payload |= {"threads": THREADS, "cosine_profiles": profiles, "rows": rows}
    out.with_suffix(".json").write_text(json.dumps(payload, indent=1) + "\n")
    header = ["data", "documents", "method", "s", "CPU s", "peak extra MB", f"recall@{K}", "pair recall", "load"]
    header.append("note")
    table = [
        [
            r["data"],
            f"{r['n']:,}",
            r["method"],
            r["seconds"],
            r.get("cpu_seconds", "–"),
            r.get("memory_mb", "–"),
            r.get("recall_at_k", "–"),
            r.get("pair_recall", "–"),
            r["load"],
            r.get("note", r.get("translations_proposed", f"{r['pairs']} pairs" if "pairs" in r else "")),
        ]
        for r in rows
    ]
    text = "\n".join(
        [f"# Translation candidates: nearest neighbours across languages (`{reproduce_command()}`)", ""]
        + markdown_table(header, table)
        + ["", f"Cosine profiles (mean): {json.dumps(profiles)}", ""]
    )
    out.with_suffix(".md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
