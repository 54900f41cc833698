"""Candidate pairs: the union of MinHash LSH (near copies) and the rare n-gram index (lifted passages).

MinHash LSH finds documents whose shingle sets overlap as a whole, however the copy was
lightly edited; it cannot see a two-paragraph excerpt inside a long article, whose
Jaccard similarity is small. The rare n-gram index (as in passim) finds exactly those:
documents that share several n-grams hardly any other document has. Only the union goes
on to the expensive pair engine.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from copytrail.scan.config import FingerprintConfig
from copytrail.scan.errors import require
from copytrail.scan.fingerprint import jaccard, minhash_signatures, ngram_hashes, rare_ngram_pairs, words
from copytrail.scan.records import CandidatePair, ScanDocument

__all__ = ["MINHASH", "RARE_NGRAMS", "find_candidates", "lsh_pairs"]

MINHASH = "minhash"
RARE_NGRAMS = "rare_ngrams"


def lsh_pairs(signatures: Sequence[object | None], config: FingerprintConfig) -> set[tuple[int, int]]:
    """Index pairs ``(i, j)``, ``i < j``, that share a MinHashLSH bucket."""
    datasketch = require("datasketch")
    lsh = datasketch.MinHashLSH(threshold=config.lsh_threshold, num_perm=config.num_perm)
    with lsh.insertion_session() as session:
        for i, sig in enumerate(signatures):
            if sig is not None:
                session.insert(i, sig)
    pairs: set[tuple[int, int]] = set()
    for i, sig in enumerate(signatures):
        if sig is None:
            continue
        pairs.update((i, j) for j in lsh.query(sig) if j > i)
    return pairs


def find_candidates(
    documents: Sequence[ScanDocument],
    config: FingerprintConfig | None = None,
    *,
    advance: Callable[[int], None] | None = None,
) -> tuple[list[CandidatePair], dict[str, int]]:
    """Propose the pairs worth comparing.

    Args:
        documents: the collection; ids must be unique.
        config: shingle, MinHash and rare n-gram parameters.
        advance: called with the number of documents fingerprinted, for progress bars.

    Returns:
        Candidate pairs sorted by ``(id_a, id_b)`` with ``id_a < id_b``, and counters.
    """
    config = config or FingerprintConfig()
    docs = sorted(documents, key=lambda d: d.id)
    shingles: list[np.ndarray] = []
    ngrams: list[np.ndarray] = []
    for doc in docs:
        tokens = words(doc.text)
        shingles.append(ngram_hashes(tokens, config.shingle_words))
        ngrams.append(
            shingles[-1] if config.ngram_words == config.shingle_words else ngram_hashes(tokens, config.ngram_words)
        )
        if advance is not None:
            advance(1)
    signatures = minhash_signatures(shingles, config)
    from_lsh = lsh_pairs(signatures, config)

    a, b, shared, counters = rare_ngram_pairs(ngrams, max_docs=config.rare_max_docs)
    strong = shared >= config.rare_min_shared
    from_rare = set(zip(a[strong].tolist(), b[strong].tolist()))
    codes = a * len(docs) + b

    def shared_of(i: int, j: int) -> int:
        k = int(np.searchsorted(codes, i * len(docs) + j))
        return int(shared[k]) if k < len(codes) and codes[k] == i * len(docs) + j else 0

    out: list[CandidatePair] = []
    for i, j in sorted(from_lsh | from_rare):
        sources = tuple(s for s, found in ((MINHASH, (i, j) in from_lsh), (RARE_NGRAMS, (i, j) in from_rare)) if found)
        out.append(
            CandidatePair(
                id_a=docs[i].id,
                id_b=docs[j].id,
                sources=sources,
                jaccard=round(jaccard(signatures[i], signatures[j]), 4),
                shared_ngrams=shared_of(i, j),
            )
        )
    counters.update(
        documents=len(docs),
        documents_without_shingles=sum(1 for s in signatures if s is None),
        candidates=len(out),
        candidates_minhash=len(from_lsh),
        candidates_rare_ngrams=len(from_rare),
        candidates_both=len(from_lsh & from_rare),
    )
    return out, counters
