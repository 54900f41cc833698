"""The rare n-gram index at any size: (n-gram, document) entries hash-partitioned into shards.

All of a collection's n-gram entries do not fit in memory at web scale (a million news
articles hold about 400 million), and the index only needs to see one n-gram's entries
together. So entries go to one of ``shards`` buckets by the n-gram hash's top bits; a
bucket is kept in memory until the buffered entries pass ``spill_entries``, then appended
to its files on disk. Each shard is then counted on its own with
:func:`~copytrail.scan.fingerprint.rare_pairs_flat`, and the per-shard pair counts are
summed. Peak memory is one shard plus the pair counts, whatever the collection's size.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from copytrail.scan.fingerprint import rare_pairs_flat

__all__ = ["RareNgramIndex"]

_SHARD_BITS = 4


class RareNgramIndex:
    """Collects every document's n-gram hashes, then counts the rare n-grams shared by each pair.

    Args:
        spill_dir: where shard files go once memory is full (a temporary folder inside it,
            removed by :meth:`close`).
        spill_entries: buffered entries (12 bytes each) before shards are written to disk.
    """

    def __init__(self, spill_dir: str | Path, *, spill_entries: int = 32_000_000) -> None:
        self.spill_entries = spill_entries
        self._spill_root = Path(spill_dir)
        self._dir: Path | None = None
        self._shards = 1 << _SHARD_BITS
        self._hashes: list[list[np.ndarray]] = [[] for _ in range(self._shards)]
        self._docs: list[list[np.ndarray]] = [[] for _ in range(self._shards)]
        self._buffered = 0
        self.spilled = False

    def add(self, hashes: np.ndarray, docs: np.ndarray) -> None:
        """Index n-gram entries: parallel arrays of hashes and document indices (any order).

        A document's hashes must be unique (as :func:`~copytrail.scan.fingerprint.ngram_hashes` gives).
        """
        if len(hashes) == 0:
            return
        shard = (hashes >> np.uint64(64 - _SHARD_BITS)).astype(np.int64)
        order = np.argsort(shard, kind="stable")
        hashes, docs = hashes[order], docs[order].astype(np.uint32)
        bounds = np.searchsorted(shard[order], np.arange(self._shards + 1))
        for s in range(self._shards):
            lo, hi = bounds[s], bounds[s + 1]
            if hi > lo:
                self._hashes[s].append(hashes[lo:hi])
                self._docs[s].append(docs[lo:hi])
        self._buffered += len(hashes)
        if self._buffered >= self.spill_entries:
            self._spill()

    def _spill(self) -> None:
        if self._dir is None:
            self._spill_root.mkdir(parents=True, exist_ok=True)
            self._dir = Path(tempfile.mkdtemp(prefix="ngram-index-", dir=self._spill_root))
        for s in range(self._shards):
            if self._hashes[s]:
                with open(self._dir / f"{s}.hashes", "ab") as fh:
                    np.concatenate(self._hashes[s]).tofile(fh)
                with open(self._dir / f"{s}.docs", "ab") as fh:
                    np.concatenate(self._docs[s]).tofile(fh)
            self._hashes[s], self._docs[s] = [], []
        self._buffered = 0
        self.spilled = True

    def _shard(self, s: int) -> tuple[np.ndarray, np.ndarray]:
        hashes = [*self._hashes[s]]
        docs = [*self._docs[s]]
        if self._dir is not None and (self._dir / f"{s}.hashes").exists():
            hashes.append(np.fromfile(self._dir / f"{s}.hashes", dtype=np.uint64))
            docs.append(np.fromfile(self._dir / f"{s}.docs", dtype=np.uint32))
        self._hashes[s], self._docs[s] = [], []
        if not hashes:
            return np.empty(0, dtype=np.uint64), np.empty(0, dtype=np.uint32)
        return np.concatenate(hashes), np.concatenate(docs)

    def pairs(
        self,
        n_docs: int,
        *,
        max_docs: int,
        min_shared: int = 0,
        min_evidence: float = 0.0,
        also: np.ndarray | None = None,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict[str, int]]:
        """The pairs that share enough rare n-grams: codes ``i * n_docs + j`` (``i < j``, sorted), counts, weights.

        A pair is returned when it shares at least ``min_shared`` rare n-grams and their
        weight (each counted ``2 / df``, see :func:`~copytrail.scan.fingerprint.rare_pairs_flat`)
        is at least ``min_evidence``, or when its code is in ``also`` (pairs other indexes
        proposed, whose counts the caller reports).

        Each shard's pair counts are partial (a pair shares n-grams in several shards). Once
        the index has spilled, they go to disk in buckets by pair code and are added up
        one bucket at a time: chance pairs of stock phrases can number hundreds of millions
        at a million documents, and only the few that pass the thresholds are kept.

        Consumes the index: call it once.
        """
        totals = {"ngrams": 0, "ngrams_distinct": 0, "ngrams_rare": 0, "ngrams_too_common": 0}
        buckets = _PairBuckets(self._dir if self.spilled else None)
        for s in range(self._shards):
            hashes, docs = self._shard(s)
            codes, shared, evidence, counters = rare_pairs_flat(hashes, docs, n_docs, max_docs=max_docs)
            del hashes, docs
            buckets.add(codes, shared, evidence)
            for key, value in counters.items():
                totals[key] += value
        totals["ngram_index_spilled"] = int(self.spilled)
        also = also if also is not None else np.empty(0, dtype=np.int64)
        kept: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        for codes, shared, evidence in buckets.summed():
            keep = ((shared >= min_shared) & (evidence >= min_evidence - 1e-9)) | np.isin(codes, also)
            kept.append((codes[keep], shared[keep], evidence[keep]))
        self.close()
        if not kept:
            empty = np.empty(0, dtype=np.int64)
            return empty, empty, empty.astype(float), totals
        codes = np.concatenate([k[0] for k in kept])
        order = np.argsort(codes, kind="stable")
        return (
            codes[order],
            np.concatenate([k[1] for k in kept])[order],
            np.concatenate([k[2] for k in kept])[order],
            totals,
        )

    def close(self) -> None:
        """Remove the spilled shard files."""
        if self._dir is not None:
            shutil.rmtree(self._dir, ignore_errors=True)
            self._dir = None


class _PairBuckets:
    """Partial pair counts, in memory, or on disk in buckets by pair code when ``folder`` is given."""

    _BUCKETS = 32

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self._parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []

    def add(self, codes: np.ndarray, shared: np.ndarray, evidence: np.ndarray) -> None:
        if self.folder is None:
            self._parts.append((codes, shared, evidence))
            return
        bucket = codes % self._BUCKETS
        for b in range(self._BUCKETS):
            mask = bucket == b
            if mask.any():
                for name, values in (("codes", codes[mask]), ("shared", shared[mask]), ("evidence", evidence[mask])):
                    with open(self.folder / f"pairs-{b}.{name}", "ab") as fh:
                        values.tofile(fh)

    def _load(self) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
        if self.folder is None:
            if self._parts:
                yield tuple(np.concatenate([p[k] for p in self._parts]) for k in range(3))  # type: ignore[misc]
            return
        for b in range(self._BUCKETS):
            path = self.folder / f"pairs-{b}.codes"
            if path.exists():
                yield (
                    np.fromfile(path, dtype=np.int64),
                    np.fromfile(self.folder / f"pairs-{b}.shared", dtype=np.int64),
                    np.fromfile(self.folder / f"pairs-{b}.evidence", dtype=np.float64),
                )

    def summed(self) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """Per bucket: unique pair codes with their counts and weights added up across shards."""
        for codes, shared, evidence in self._load():
            unique, inverse = np.unique(codes, return_inverse=True)
            yield (
                unique,
                np.bincount(inverse, weights=shared, minlength=len(unique)).astype(np.int64),
                np.bincount(inverse, weights=evidence, minlength=len(unique)),
            )
