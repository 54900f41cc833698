"""Language identification: py3langid against lingua, on Tatoeba sentences and WMT paragraphs.

    pip install lingua-language-detector   # the alternative, not a copytrail dependency
    python bench/lang_id.py [--quick]

Accuracy (the ISO 639-1 code returned equals the truth) and time per text, for Tatoeba's
sentences (11 languages and English) and for paragraphs of WMT news documents (three
segments joined, en/de/es/ja/ru/zh and WMT16 fi). This is the measurement behind
``copytrail.lang``'s choice of library. Nothing is fitted, so there is no held-out split;
both halves of the data here are reported apart anyway (line/document parity).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _wmt import DATA, RESULTS  # noqa: E402
from _wmt import TATOEBA_LANGUAGES as TATOEBA  # noqa: E402


def held_out(key: str) -> bool:
    return int(hashlib.sha1(("held-out:" + key).encode()).hexdigest(), 16) % 2 == 1


def tatoeba(limit: int) -> list[tuple[str, str, bool]]:
    items = []
    for code3, code in TATOEBA.items():
        xx = (DATA / "tatoeba" / f"tatoeba.{code3}-eng.{code3}").read_text().splitlines()[:limit]
        en = (DATA / "tatoeba" / f"tatoeba.{code3}-eng.eng").read_text().splitlines()[:limit]
        items += [(t, code, i % 2 == 1) for i, t in enumerate(xx)]
        if code3 in ("deu", "rus"):
            items += [(t, "en", i % 2 == 1) for i, t in enumerate(en)]
    return items


def wmt_paragraphs(limit: int) -> list[tuple[str, str, bool]]:
    items = []
    for xx in ("de", "es", "ja", "ru", "zh"):
        docs = [json.loads(line) for line in (DATA / "wmt_multilingual" / f"en-{xx}.jsonl").open()]
        docs = [d for d in docs if d["domain"] == "news"][:limit]
        for d in docs:
            for side in ("en", "xx"):
                segs = d[xx if side == "xx" else "en"]
                for k in range(0, min(len(segs), 9), 3):
                    items.append((" ".join(segs[k : k + 3]), xx if side == "xx" else "en", held_out(d["docid"])))
    fi = [json.loads(line) for line in (DATA / "wmt16_newstest_en_fi" / "documents.jsonl").open()][:limit]
    for d in fi:
        for k in range(0, min(len(d["fi"]), 9), 3):
            items.append((" ".join(d["fi"][k : k + 3]), "fi", held_out(d["docid"])))
    return items


def run(name: str, detect, items) -> dict:
    started = time.perf_counter()
    guesses = [detect(t) for t, _, _ in items]
    seconds = time.perf_counter() - started
    out = {"ms_per_text": round(1000 * seconds / max(len(items), 1), 3)}
    for split, flag in (("dev", False), ("held_out", True)):
        rows = [(g, truth) for g, (_, truth, h) in zip(guesses, items) if h == flag]
        out[split] = {"n": len(rows), "accuracy": round(sum(g == t for g, t in rows) / max(len(rows), 1), 4)}
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    limit = 60 if args.quick else 500
    sets = {"tatoeba sentences": tatoeba(limit), "WMT paragraphs": wmt_paragraphs(20 if args.quick else 10_000)}
    results: dict = {}

    started = time.perf_counter()
    import py3langid
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    load_py3 = time.perf_counter() - started
    systems = {"py3langid": lambda t: identifier.classify(t)[0]}
    load_seconds = {"py3langid": round(load_py3, 2)}
    _ = py3langid
    try:  # the alternative measured; not a copytrail dependency (a 96 MB wheel)
        from lingua import LanguageDetectorBuilder
    except ImportError:
        print("lingua not installed (pip install lingua-language-detector): py3langid alone", file=sys.stderr)
    else:
        started = time.perf_counter()
        lingua_low = LanguageDetectorBuilder.from_all_languages().with_low_accuracy_mode().build()
        lingua_high = LanguageDetectorBuilder.from_all_languages().with_preloaded_language_models().build()
        load_seconds["lingua (both detectors, preloaded)"] = round(time.perf_counter() - started, 2)

        def lingua_code(detector):  # noqa: ANN001, ANN202
            def detect(text: str) -> str | None:
                lang = detector.detect_language_of(text)
                return None if lang is None else lang.iso_code_639_1.name.lower()

            return detect

        systems["lingua (low accuracy mode)"] = lingua_code(lingua_low)
        systems["lingua (high accuracy)"] = lingua_code(lingua_high)
    for set_name, items in sets.items():
        results[set_name] = {name: run(name, fn, items) for name, fn in systems.items()}
    results["load_seconds"] = load_seconds
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / ("lang_id_quick.json" if args.quick else "lang_id.json")).write_text(json.dumps(results, indent=2))
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
