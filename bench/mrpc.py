"""MRPC: accuracy and F1 of copytrail's sentence-pair decision, cross-validated.

Usage::

    python bench/mrpc.py            # report 10-fold CV figures for the baseline and copytrail
    python bench/mrpc.py --fit      # also refit on all of MRPC train and write the shipped model

The data is the MRPC training split in ../shared/data/mrpc (4,076 pairs). Every figure is
out-of-fold: the classifier and its threshold are fitted on 9 folds and scored on the
tenth, so nothing is tuned on the fold it is scored on. The baseline is a plain cosine
threshold on all-MiniLM-L6-v2 embeddings, its threshold chosen the same way.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from copytrail.align.features import FEATURE_NAMES, PairClassifier, pair_features  # noqa: E402
from copytrail.embed import load_embedder  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "mrpc" / "msr_paraphrase_train.txt"
CACHE = ROOT / "bench" / ".cache"
MODEL_OUT = ROOT / "src" / "copytrail" / "models" / "pair_classifier.json"
FOLDS = 10
SEED = 20240601
L2 = 1.0


def load_pairs(path: Path) -> tuple[list[str], list[str], np.ndarray]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    body = rows[1:]
    return [r[3] for r in body], [r[4] for r in body], np.array([int(r[0]) for r in body])


def embeddings(sentences: list[str], embedder_name: str) -> np.ndarray:
    CACHE.mkdir(parents=True, exist_ok=True)
    cache = CACHE / f"mrpc-{embedder_name}-{len(sentences)}.npy"
    if cache.exists():
        return np.load(cache)
    started = time.perf_counter()
    vectors = load_embedder(embedder_name).embed(sentences)
    print(f"embedded {len(sentences)} sentences in {time.perf_counter() - started:.1f}s", file=sys.stderr)
    np.save(cache, vectors)
    return vectors


def fit_logistic(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """L2-regularised logistic regression by Newton's method on standardised features."""
    mean, scale = x.mean(axis=0), x.std(axis=0) + 1e-9
    z = np.hstack([(x - mean) / scale, np.ones((len(x), 1))])
    w = np.zeros(z.shape[1])
    penalty = np.eye(z.shape[1]) * L2
    penalty[-1, -1] = 0.0
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-z @ w))
        gradient = z.T @ (p - y) + penalty @ w
        hessian = (z * (p * (1 - p))[:, None]).T @ z + penalty
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return mean, scale, w[:-1], float(w[-1])


def best_threshold(scores: np.ndarray, y: np.ndarray) -> float:
    candidates = np.unique(np.round(scores, 3))
    return float(max(candidates, key=lambda t: f1(scores >= t, y)))


def f1(predicted: np.ndarray, y: np.ndarray) -> float:
    tp = np.sum(predicted & (y == 1))
    fp = np.sum(predicted & (y == 0))
    fn = np.sum(~predicted & (y == 1))
    return 2 * tp / max(2 * tp + fp + fn, 1)


def folds(n: int) -> np.ndarray:
    order = np.random.default_rng(SEED).permutation(n)
    assignment = np.empty(n, dtype=int)
    assignment[order] = np.arange(n) % FOLDS
    return assignment


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fit", action="store_true", help="refit on all pairs and write the shipped model")
    parser.add_argument("--embedder", default="minilm")
    parser.add_argument("--errors", type=int, default=8, help="print this many errors of each kind")
    args = parser.parse_args()

    left, right, y = load_pairs(DATA)
    unique = sorted(set(left) | set(right))
    index = {s: i for i, s in enumerate(unique)}
    vectors = embeddings(unique, args.embedder)
    cosine = np.array([vectors[index[a]] @ vectors[index[b]] for a, b in zip(left, right)])
    x = np.array([pair_features(a, b, float(c)) for a, b, c in zip(left, right, cosine)])

    fold_of = folds(len(y))
    baseline_pred = np.zeros(len(y), dtype=bool)
    model_pred = np.zeros(len(y), dtype=bool)
    model_prob = np.zeros(len(y))
    for k in range(FOLDS):
        train, test = fold_of != k, fold_of == k
        baseline_pred[test] = cosine[test] >= best_threshold(cosine[train], y[train])
        mean, scale, w, b = fit_logistic(x[train], y[train])
        clf = PairClassifier(tuple(mean), tuple(scale), tuple(w), b)
        train_prob = clf.probability(x[train])
        threshold = best_threshold(train_prob, y[train])
        model_prob[test] = clf.probability(x[test])
        model_pred[test] = model_prob[test] >= threshold

    def line(name: str, predicted: np.ndarray) -> dict:
        return {
            "system": name,
            "accuracy": round(float(np.mean(predicted == (y == 1))), 4),
            "f1": round(float(f1(predicted, y)), 4),
        }

    results = [
        line("all-paraphrase (majority class)", np.ones(len(y), dtype=bool)),
        line(f"cosine threshold ({args.embedder})", baseline_pred),
        line("copytrail pair classifier", model_pred),
    ]
    print(f"MRPC train, {len(y)} pairs, {FOLDS}-fold cross-validation (seed {SEED}), out-of-fold figures:")
    print(f"{'system':38s} {'accuracy':>8s} {'F1':>6s}")
    for r in results:
        print(f"{r['system']:38s} {r['accuracy']:8.4f} {r['f1']:6.4f}")

    false_pos = np.where(model_pred & (y == 0))[0]
    false_neg = np.where(~model_pred & (y == 1))[0]
    mismatch = FEATURE_NAMES.index("number_mismatch")
    print(f"\nerrors: {len(false_pos)} false paraphrase, {len(false_neg)} missed paraphrase")
    print(f"  false paraphrase with differing numbers: {int(x[false_pos, mismatch].sum())}")
    print(f"  missed paraphrase with differing numbers: {int(x[false_neg, mismatch].sum())}")
    for name, rows in (("false paraphrase", false_pos), ("missed paraphrase", false_neg)):
        print(f"\n{name} (first {args.errors}):")
        for i in rows[: args.errors]:
            print(f"  p={model_prob[i]:.2f} cos={cosine[i]:.2f}\n    A: {left[i]}\n    B: {right[i]}")

    if args.fit:
        mean, scale, w, b = fit_logistic(x, y)
        clf = PairClassifier(tuple(mean), tuple(scale), tuple(w), b)
        threshold = best_threshold(clf.probability(x), y)
        clf = PairClassifier(tuple(mean), tuple(scale), tuple(w), b, threshold=round(threshold, 3))
        MODEL_OUT.write_text(clf.to_json() + "\n")
        print(f"\nwrote {MODEL_OUT.relative_to(ROOT)} (threshold {threshold:.3f})")
    (CACHE / "mrpc-results.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
