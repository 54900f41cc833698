"""The local executor: this process, or a pool of worker processes on this machine.

Document kernels run over chunks of documents streamed from ``documents.jsonl``; every
:data:`SHARD_DOCUMENTS` documents make one Parquet shard, written atomically, so a run
killed in the middle of a stage keeps its finished shards and the next run computes
only the rest. Key grouping is vectorised numpy over document positions in id order
(the sharded, spilling :class:`~copytrail.scan.ngram_index.RareNgramIndex` for rare keys),
so a million documents' n-grams never need to sit in memory at once.

Results never depend on ``workers``: chunks come back in order, and pairs are sorted.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from copytrail.cores import available_cores, check_workers
from copytrail.executors.pool import chunk_size, chunked_stream, map_chunks, start_server
from copytrail.normalize.common import CommonText, CommonTextConfig, CommonTextCounter
from copytrail.pipeline.executor import PAIR_SCHEMA, DocumentKernel, Executor, KeyRule, PairKernel
from copytrail.scan.artifacts import ArtifactStore
from copytrail.scan.config import ReaderConfig
from copytrail.scan.driver_read import read_on_driver
from copytrail.scan.ngram_index import RareNgramIndex
from copytrail.scan.readers import check_inputs, input_signature
from copytrail.scan.records import ScanDocument
from copytrail.scan.tally import ReadSummary

__all__ = ["LocalExecutor", "SHARD_DOCUMENTS"]

CHUNK_DOCUMENTS = 256
#: Documents per shard of a document dataset: the unit of resume.
SHARD_DOCUMENTS = 16 * CHUNK_DOCUMENTS
CHUNK_PAIRS = 64
_KEY_FILE = "_stage_key"
# workers="auto": a stage runs in a pool only with enough work to pay for starting it. The first
# pool of a run starts the forkserver, which imports copytrail's stages (1-3 s on 2 shared cores);
# with two workers a stage saves half its time, so it needs 5 s of work or more. On the quick scan
# benchmark (bench/scan_bench.py --quick) a candidate pair took 21 ms to verify and a megabyte of
# documents 0.3 s to fingerprint and 0.4 s to count for common text.
AUTO_POOL_PAIRS = 400
AUTO_POOL_DOCUMENT_BYTES = 32_000_000


class LocalExecutor(Executor):
    """Runs kernels in this process (``workers=1``) or in ``workers`` processes.

    ``workers="auto"``: one process per core (:func:`copytrail.cores.available_cores`) for a
    stage with enough work to pay for starting them (:data:`AUTO_POOL_PAIRS` candidate pairs,
    :data:`AUTO_POOL_DOCUMENT_BYTES` of documents), else this process.
    """

    name = "local"

    def __init__(self, workers: int | str = 1) -> None:
        self.auto = check_workers(workers) == "auto"
        self.workers = available_cores() if self.auto else workers

    def pair_workers(self, pairs: int) -> int:
        """The processes that :meth:`map_pairs` runs ``pairs`` candidate pairs on."""
        if self.auto and pairs < AUTO_POOL_PAIRS:
            return 1
        return self.workers if pairs > chunk_size(pairs, workers=self.workers, max_size=CHUNK_PAIRS) else 1

    def expect_pairs(self, pairs: int) -> None:
        if self.pair_workers(pairs) > 1:
            # What map_pairs' workers import: this module, and the stages' kernels.
            start_server(["copytrail.executors.local", "copytrail.scan.stages"])

    def document_workers(self, documents: Path) -> int:
        """The processes that :meth:`map_documents` runs over ``documents`` on."""
        if self.auto and documents.stat().st_size < AUTO_POOL_DOCUMENT_BYTES:
            return 1
        return self.workers

    # --- inputs -------------------------------------------------------------------

    def input_signature(self, inputs: Sequence[str], config: ReaderConfig) -> list[Any]:
        return input_signature(check_inputs(inputs, config), config)

    def read_documents(
        self,
        inputs: Sequence[str],
        config: ReaderConfig,
        documents: Path,
        skipped: Path,
        *,
        advance: Callable[[int], None] | None = None,
    ) -> ReadSummary:
        return read_on_driver(inputs, config, documents, skipped, advance=advance)

    # --- documents ----------------------------------------------------------------

    def map_documents(
        self,
        documents: Path,
        kernel: DocumentKernel,
        target: Path,
        *,
        key: str = "",
        advance: Callable[[int], None] | None = None,
    ) -> dict[str, int]:
        _claim(target, key)
        advance = advance or (lambda _n: None)
        stream = ArtifactStore(documents.parent).read_jsonl(documents.name, ScanDocument)
        pending: deque[tuple[int, int, int]] = deque()  # (shard number, chunks, documents) in flight
        counters = {"documents": 0, "shards": 0, "shards_resumed": 0}

        def chunks() -> Iterator[list[ScanDocument]]:
            for number, shard in enumerate(chunked_stream(stream, size=SHARD_DOCUMENTS)):
                counters["documents"] += len(shard)
                counters["shards"] += 1
                if _shard_path(target, number).exists():
                    counters["shards_resumed"] += 1
                    advance(len(shard))  # finished in an earlier run
                    continue
                parts = list(chunked_stream(shard, size=CHUNK_DOCUMENTS))
                pending.append((number, len(parts), len(shard)))
                yield from parts

        batches: list[pa.RecordBatch] = []
        workers = self.document_workers(documents)
        results = map_chunks(_run_document_kernel, chunks(), workers=workers, initializer=_setup, initargs=(kernel,))
        for batch in results:
            # Results come in chunk order, so a shard is complete once it has all its chunks.
            batches.append(batch)
            number, parts, size = pending[0]
            if len(batches) == parts:
                _write_shard(target, number, pa.Table.from_batches(batches, schema=kernel.schema))
                pending.popleft()
                batches = []
                advance(size)
        return counters

    # --- the key shuffle ----------------------------------------------------------

    def shared_key_pairs(
        self,
        dataset: Path,
        column: str,
        rule: KeyRule,
        *,
        exclude: frozenset[str] = frozenset(),
        also: pa.Table | None = None,
    ) -> pa.Table:
        ids = _sorted_ids(dataset, exclude)
        n = len(ids)
        if n < 2:
            return PAIR_SCHEMA.empty_table()
        also_codes = _codes(also, ids) if also is not None and len(also) else np.empty(0, np.int64)
        if rule.oversize == "drop" and not rule.star and rule.max_docs is not None:
            codes, shared, evidence = _rare_pairs(dataset, column, ids, rule, also_codes)
        else:
            codes, shared, evidence = _bucket_pairs(dataset, column, ids, rule)
            keep = ((shared >= rule.min_shared) & (evidence >= rule.min_evidence - 1e-9)) | np.isin(codes, also_codes)
            codes, shared, evidence = codes[keep], shared[keep], evidence[keep]
        i, j = np.divmod(codes, n)
        return pa.table(
            {
                "id_a": ids.take(pa.array(i)),
                "id_b": ids.take(pa.array(j)),
                "shared": pa.array(shared, pa.int64()),
                "evidence": pa.array(evidence, pa.float64()),
            },
            schema=PAIR_SCHEMA,
        )

    # --- common text ------------------------------------------------------------------

    def common_text(self, dataset: Path, config: CommonTextConfig) -> CommonText:
        # Counted in this process: about 0.6 GB per million news articles.
        counter = CommonTextCounter()
        for batch in _dataset(dataset).to_batches(columns=["keys", "words", "source"]):
            for keys, words, source in zip(
                batch.column("keys").to_numpy(zero_copy_only=False),
                batch.column("words").to_numpy(zero_copy_only=False),
                batch.column("source").to_pylist(),
            ):
                counter.add_keys(np.asarray(keys, np.int64).view(np.uint64), words, source)
        return counter.build(config)

    # --- pairs ----------------------------------------------------------------------

    def map_pairs(
        self,
        pairs: pa.Table,
        documents: Path,
        kernel: PairKernel,
        *,
        advance: Callable[[int], None] | None = None,
    ) -> Iterator[pa.RecordBatch]:
        advance = advance or (lambda _n: None)
        rows = pairs.to_pylist()
        needed = {r["id_a"] for r in rows} | {r["id_b"] for r in rows}
        store = ArtifactStore(documents.parent)
        docs = {d.id: d for d in store.read_jsonl(documents.name, ScanDocument) if d.id in needed}
        workers = self.pair_workers(len(rows))
        size = chunk_size(len(rows), workers=workers, max_size=CHUNK_PAIRS)

        def chunks() -> Iterator[list[tuple[ScanDocument, ScanDocument, dict]]]:
            # Each chunk carries its own documents: a worker never holds the whole collection.
            for start in range(0, len(rows), size):
                yield [(docs[r["id_a"]], docs[r["id_b"]], r) for r in rows[start : start + size]]

        for batch in map_chunks(_run_pair_kernel, chunks(), workers=workers, initializer=_setup, initargs=(kernel,)):
            advance(batch.num_rows)
            yield batch


# --- worker side ------------------------------------------------------------------------

_KERNEL: DocumentKernel | PairKernel | None = None


def _setup(kernel: DocumentKernel | PairKernel) -> None:
    global _KERNEL
    kernel.setup()
    _KERNEL = kernel


def _run_document_kernel(chunk: Sequence[ScanDocument]) -> pa.RecordBatch:
    assert _KERNEL is not None, "_setup was not called in this process"
    return _KERNEL(chunk)  # type: ignore[arg-type]


def _run_pair_kernel(chunk: Sequence[tuple[ScanDocument, ScanDocument, dict]]) -> pa.RecordBatch:
    assert _KERNEL is not None, "_setup was not called in this process"
    return _KERNEL(chunk)  # type: ignore[arg-type]


# --- datasets ---------------------------------------------------------------------------


def _claim(target: Path, key: str) -> None:
    """Make ``target`` this stage's dataset folder: shards of another key (other settings) are removed."""
    marker = target / _KEY_FILE
    if target.exists() and (not marker.exists() or marker.read_text(encoding="utf-8") != key):
        shutil.rmtree(target)
    target.mkdir(parents=True, exist_ok=True)
    marker.write_text(key, encoding="utf-8")


def _shard_path(target: Path, number: int) -> Path:
    return target / f"part-{number:06d}.parquet"


def _write_shard(target: Path, number: int, table: pa.Table) -> None:
    final = _shard_path(target, number)
    tmp = final.with_name(f".{final.name}.tmp-{os.getpid()}")
    try:
        pq.write_table(table, tmp)
        os.replace(tmp, final)
    finally:
        tmp.unlink(missing_ok=True)


def _dataset(path: Path) -> ds.Dataset:
    return ds.dataset(path, format="parquet")


def _sorted_ids(dataset: Path, exclude: frozenset[str]) -> pa.Array:
    ids = pc.unique(_dataset(dataset).to_table(columns=["id"]).column("id").combine_chunks())
    if exclude:
        ids = ids.filter(pc.invert(pc.is_in(ids, value_set=pa.array(sorted(exclude), pa.string()))))
    return pc.take(ids, pc.sort_indices(ids))


def _codes(pairs: pa.Table, ids: pa.Array) -> np.ndarray:
    """Pair codes ``i * n + j`` of the ``id_a, id_b`` pairs whose both documents are among ``ids``."""
    a = pc.index_in(pairs.column("id_a"), value_set=ids)
    b = pc.index_in(pairs.column("id_b"), value_set=ids)
    both = pc.and_(pc.is_valid(a), pc.is_valid(b))
    a = pc.filter(a, both).to_numpy().astype(np.int64)
    b = pc.filter(b, both).to_numpy().astype(np.int64)
    return np.unique(np.minimum(a, b) * len(ids) + np.maximum(a, b))


def _entries(dataset: Path, column: str, ids: pa.Array) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """``(keys as uint64, document positions)`` of every non-zero key, batch by batch."""
    for batch in _dataset(dataset).to_batches(columns=["id", column]):
        values = batch.column(column)
        position = pc.index_in(batch.column("id"), value_set=ids)
        if pa.types.is_list(values.type) or pa.types.is_large_list(values.type):
            parents = pc.list_parent_indices(values)
            keys = pc.list_flatten(values)
            position = pc.take(position, parents)
        else:
            keys = values
        valid = pc.and_(pc.is_valid(position), pc.not_equal(keys, 0))
        keys, position = pc.filter(keys, valid), pc.filter(position, valid)
        if len(keys):
            yield keys.to_numpy().view(np.uint64), position.to_numpy().astype(np.int64)


def _rare_pairs(
    dataset: Path, column: str, ids: pa.Array, rule: KeyRule, also: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    spill = Path(tempfile.mkdtemp(prefix=f"copytrail-keys-{os.getpid()}-", dir=dataset.parent))
    try:
        index = RareNgramIndex(spill)
        for keys, positions in _entries(dataset, column, ids):
            index.add(keys, positions)
        codes, shared, evidence, _ = index.pairs(
            len(ids),
            max_docs=rule.max_docs or len(ids),
            min_shared=rule.min_shared,
            min_evidence=rule.min_evidence,
            also=also,
        )
        return codes, shared, evidence
    finally:
        shutil.rmtree(spill, ignore_errors=True)


def _bucket_pairs(dataset: Path, column: str, ids: pa.Array, rule: KeyRule) -> tuple[np.ndarray, ...]:
    """Pairs of every group of equal keys: all pairs, a chain past ``max_docs``, or a star to the first."""
    parts = list(_entries(dataset, column, ids))
    n = len(ids)
    if not parts:
        return np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0, float)
    keys = np.concatenate([k for k, _ in parts])
    docs = np.concatenate([d for _, d in parts])
    order = np.lexsort((docs, keys))
    keys, docs = keys[order], docs[order]
    _, starts, sizes = np.unique(keys, return_index=True, return_counts=True)
    codes: list[np.ndarray] = []
    weights: list[np.ndarray] = []
    for size in np.unique(sizes[sizes >= 2]).tolist():
        group = docs[starts[sizes == size][:, None] + np.arange(size)]  # each row sorted: docs were lexsorted
        if rule.star:
            left, right = np.zeros(size - 1, np.int64), np.arange(1, size)
        elif rule.max_docs is None or size <= rule.max_docs:
            left, right = np.triu_indices(size, 1)
        elif rule.oversize == "chain":
            left, right = np.arange(size - 1), np.arange(1, size)
        else:
            continue
        codes.append((group[:, left] * n + group[:, right]).ravel())
        weights.append(np.full(len(codes[-1]), 2.0 / size))
    if not codes:
        return np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0, float)
    unique, inverse, shared = np.unique(np.concatenate(codes), return_inverse=True, return_counts=True)
    evidence = np.bincount(inverse, weights=np.concatenate(weights), minlength=len(unique))
    return unique, shared.astype(np.int64), evidence
