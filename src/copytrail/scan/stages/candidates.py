"""The ``candidates`` stage: documents that share keys become candidate pairs.

Four groupings of the fingerprints, each an executor shuffle
(:meth:`~copytrail.pipeline.executor.Executor.shared_key_pairs`):

1. **exact**: documents with the same shingle set (the same words, whatever their case,
   spacing or punctuation) are linked to the one with the smallest id and kept out of the
   other indexes: a crawl holds whole groups of such copies, and comparing every pair of
   a group of k would cost k²/2 comparisons for what one family of k already says;
2. **minhash**: documents that share an LSH band (near copies); a bucket of more than
   :data:`~copytrail.scan.candidates.MAX_BUCKET` documents is chained in id order;
3. **rare word pairs**: at least ``pair_min_shared`` word pairs that at most
   ``pair_max_docs`` documents carry (rewrites and translations keep names);
4. **rare n-grams**: n-grams in 2 to ``rare_max_docs`` documents, each counted
   ``2 / df``, adding up to ``rare_min_shared`` (a lifted passage inside a long article).

A fifth source, translations, embeds every document's opening on the driver
(:mod:`copytrail.scan.translations`); it is off by default.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from copytrail.pipeline.datasets import dataset_rows
from copytrail.pipeline.executor import PAIR_SCHEMA, Executor, KeyRule
from copytrail.pipeline.stage import Stage, StageContext
from copytrail.scan.candidates import EXACT, MAX_BUCKET, MINHASH, RARE_NGRAMS, RARE_PAIRS, TRANSLATION
from copytrail.scan.config import FingerprintConfig
from copytrail.scan.fingerprint import estimate_jaccard, lsh_bands
from copytrail.scan.records import CandidatePair, ScanDocument
from copytrail.scan.stages.names import CANDIDATES, DOCUMENTS, FINGERPRINTS

_IDS = ["id_a", "id_b"]


def _pair_set(table: pa.Table) -> set[tuple[str, str]]:
    return set(zip(table.column("id_a").to_pylist(), table.column("id_b").to_pylist()))


def candidate_pairs(
    executor: Executor,
    fingerprints: Any,
    config: FingerprintConfig,
    *,
    translations: pa.Table | None = None,
) -> tuple[list[CandidatePair], dict[str, Any]]:
    """Group the fingerprint dataset into candidate pairs, sorted by ``(id_a, id_b)``, and counters."""
    exact = executor.shared_key_pairs(fingerprints, "content_key", KeyRule(star=True))
    copies = frozenset(exact.column("id_b").to_pylist())
    lsh = executor.shared_key_pairs(
        fingerprints, "bands", KeyRule(max_docs=MAX_BUCKET, oversize="chain"), exclude=copies
    )
    if config.pair_min_shared:
        rule = KeyRule(max_docs=config.pair_max_docs, min_shared=config.pair_min_shared)
        word_pairs = executor.shared_key_pairs(fingerprints, "word_pairs", rule, exclude=copies)
    else:
        word_pairs = PAIR_SCHEMA.empty_table()
    others = pa.concat_tables([t.select(_IDS) for t in (exact, lsh, word_pairs)])
    rare = executor.shared_key_pairs(
        fingerprints,
        "ngrams",
        KeyRule(max_docs=config.rare_max_docs, min_evidence=config.rare_min_shared),
        exclude=copies,
        also=others,
    )
    from_rare = rare.filter(pc.greater_equal(rare.column("evidence"), config.rare_min_shared - 1e-9))
    found = {
        EXACT: _pair_set(exact),
        MINHASH: _pair_set(lsh),
        RARE_NGRAMS: _pair_set(from_rare),
        RARE_PAIRS: _pair_set(word_pairs),
        TRANSLATION: _pair_set(translations) if translations is not None else set(),
    }
    every = sorted(set().union(*found.values()))
    shared = dict(
        zip(zip(rare.column("id_a").to_pylist(), rare.column("id_b").to_pylist()), rare.column("shared").to_pylist())
    )
    row, signatures = _signatures(fingerprints, {x for pair in every for x in pair})
    out = []
    for pair in every:
        sources = tuple(name for name, pairs in found.items() if pair in pairs)
        estimate = estimate_jaccard(signatures, row[pair[0]], row[pair[1]]) if pair not in found[EXACT] else 1.0
        out.append(
            CandidatePair(
                id_a=pair[0],
                id_b=pair[1],
                sources=sources,
                jaccard=round(estimate, 4),
                shared_ngrams=int(shared.get(pair, 0)),
            )
        )
    bands, rows = lsh_bands(config)
    counters = {
        "exact_duplicates": len(copies),
        "lsh_bands": bands,
        "lsh_rows": rows,
        "candidates": len(out),
        "candidates_exact": len(found[EXACT]),
        "candidates_minhash": len(found[MINHASH]),
        "candidates_rare_ngrams": len(found[RARE_NGRAMS]),
        "candidates_both": len(found[MINHASH] & found[RARE_NGRAMS]),
        "candidates_rare_word_pairs": len(found[RARE_PAIRS]),
        "candidates_translation": len(found[TRANSLATION]),
        "candidates_only_rare_word_pairs": len(found[RARE_PAIRS] - found[MINHASH] - found[RARE_NGRAMS]),
    }
    return out, counters


def _signatures(fingerprints: Any, ids: set[str]) -> tuple[dict[str, int], np.ndarray]:
    """The MinHash signatures of ``ids`` as matrix rows, and each id's row."""
    rows = dataset_rows(fingerprints, ["id", "signature"], ids=sorted(ids)) if ids else None
    if rows is None or not len(rows):
        return {}, np.empty((0, 0), np.uint32)
    row = {doc_id: k for k, doc_id in enumerate(rows.column("id").to_pylist())}
    matrix = np.stack([np.frombuffer(s, dtype=np.uint32) for s in rows.column("signature").to_pylist()])
    return row, matrix


@dataclass(frozen=True)
class CandidatesStage(Stage):
    """Propose the pairs worth a full comparison (``candidates.jsonl``)."""

    config: FingerprintConfig

    name = "candidates"
    inputs = (FINGERPRINTS, DOCUMENTS)
    outputs = (CANDIDATES,)

    def settings(self) -> tuple[Any, ...]:
        return (self.config,)

    def run(self, ctx: StageContext) -> dict[str, Any]:
        translations = None
        if self.config.translation_embedder != "none":
            from copytrail.scan.translations import proposed_translations

            documents = ctx.store.read_jsonl(DOCUMENTS, ScanDocument)
            translations = proposed_translations(documents, self.config)
        candidates, counters = candidate_pairs(
            ctx.executor, ctx.store.path(FINGERPRINTS), self.config, translations=translations
        )
        ctx.store.write_jsonl(CANDIDATES, candidates)
        # The verify stage maps them after the common stage: workers can start meanwhile.
        ctx.executor.expect_pairs(len(candidates))
        return {"documents": ctx.document_count or 0, **counters}
