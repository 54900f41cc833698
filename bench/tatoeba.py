"""Cross-lingual sentence retrieval on Tatoeba, both directions, for each language the models cover.

    python bench/tatoeba.py [--quick]

For each language XXX paired with English: embed both sides, and count a sentence as
retrieved when its translation is its nearest neighbour (cosine) among all sentences of
the other side (Artetxe & Schwenk, arXiv:1812.10464). Accuracy both ways (xx->en,
en->xx), for the DEV (even lines) and HELD-OUT (odd lines) halves of the 500 lines here;
nothing is fitted. Languages an embedder does not cover are reported as such, not scored.
Reference: LaBSE's published 83.7% average accuracy over Tatoeba's 112 languages (Feng
et al. 2022, arXiv:2007.01852), a much larger model and a harder language mix.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _wmt import DATA, RESULTS, TATOEBA_LANGUAGES  # noqa: E402
from copytrail.embed import covers, load_embedder  # noqa: E402

LANGUAGES = TATOEBA_LANGUAGES
LABSE_AVERAGE = 0.837


def accuracy(va: np.ndarray, vb: np.ndarray) -> tuple[float, float]:
    sims = va @ vb.T
    n = len(va)
    forward = float(np.mean(sims.argmax(axis=1) == np.arange(n)))
    backward = float(np.mean(sims.argmax(axis=0) == np.arange(n)))
    return round(forward, 4), round(backward, 4)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="100 lines per language")
    parser.add_argument("--embedders", default="use-multilingual,minilm")
    args = parser.parse_args()
    limit = 100 if args.quick else 500
    results: dict = {"reference": {"LaBSE, 112 languages, average": LABSE_AVERAGE}}
    for name in args.embedders.split(","):
        embedder = load_embedder(name)
        rows: dict = {}
        for code3, code in LANGUAGES.items():
            if not covers(embedder, code, "en"):
                rows[code] = "not covered"
                continue
            xx = (DATA / "tatoeba" / f"tatoeba.{code3}-eng.{code3}").read_text().splitlines()[:limit]
            en = (DATA / "tatoeba" / f"tatoeba.{code3}-eng.eng").read_text().splitlines()[:limit]
            started = time.perf_counter()
            vx, ve = embedder.embed(xx), embedder.embed(en)
            seconds = time.perf_counter() - started
            rows[code] = {"ms_per_sentence": round(1000 * seconds / (2 * len(xx)), 2)}
            for split, parity in (("dev", 0), ("held_out", 1)):
                idx = np.arange(parity, len(xx), 2)
                to_en, from_en = accuracy(vx[idx], ve[idx])
                rows[code][split] = {"xx->en": to_en, "en->xx": from_en, "mean": round((to_en + from_en) / 2, 4)}
            print(name, code, rows[code], file=sys.stderr)
        scored = [r for r in rows.values() if isinstance(r, dict)]
        summary = {
            split: round(float(np.mean([r[split]["mean"] for r in scored])), 4) if scored else None
            for split in ("dev", "held_out")
        }
        results[embedder.name] = {"languages": rows, "average over covered languages": summary}
    RESULTS.mkdir(exist_ok=True)
    name = "tatoeba_quick.json" if args.quick else "tatoeba.json"
    (RESULTS / name).write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
