"""What an executor must do: the data-parallel operations a scan's stages ask for.

Stages (:mod:`copytrail.scan.stages`) say *what* to compute; an executor says *where*.
A stage never imports an executor: it receives one and calls these operations, each
with a pure kernel or a precise grouping rule, so every executor computes the same
result (``tests/scan/test_spark_parity.py`` checks it):

- :meth:`Executor.read_documents`: the inputs read into the documents file and the skip
  list, in input order (the first record of an id kept), with the per-record rules of
  :mod:`copytrail.scan.readers`; :meth:`Executor.input_signature` says what the inputs are.
- :meth:`Executor.map_documents`: a kernel over batches of documents, its output kept
  as a Parquet dataset keyed by document id (fingerprints, sentence keys, ...).
- :meth:`Executor.shared_key_pairs`: the shuffle. Documents that share a key (an LSH
  band, a rare n-gram, an exact-content hash) become pairs, counted and weighted per
  pair under a :class:`KeyRule`.
- :meth:`Executor.map_pairs`: a kernel over batches of document pairs, each pair handed
  over with both documents (verify).
- :meth:`Executor.common_text`: which sentences are a site's chrome or stock text, from
  every document's sentence keys (a count per key, and a median per frequent key).

Everything else a stage does (counting chrome, building families, writing the report)
works on small results on the driver.
"""

from __future__ import annotations

import abc
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol

import pyarrow as pa

if TYPE_CHECKING:  # the scan package imports this module; a runtime import would be circular
    from copytrail.normalize.common import CommonText, CommonTextConfig
    from copytrail.scan.config import ReaderConfig
    from copytrail.scan.records import ScanDocument
    from copytrail.scan.tally import ReadSummary

__all__ = ["DocumentKernel", "Executor", "KeyRule", "PairKernel", "PAIR_SCHEMA"]

#: What :meth:`Executor.shared_key_pairs` returns, sorted by ``(id_a, id_b)``.
PAIR_SCHEMA = pa.schema(
    [("id_a", pa.string()), ("id_b", pa.string()), ("shared", pa.int64()), ("evidence", pa.float64())]
)


@dataclass(frozen=True, slots=True)
class KeyRule:
    """How documents that share a key become pairs.

    Every key carried by 2 to ``max_docs`` documents pairs each two of them; a pair's
    ``shared`` counts its common keys and its ``evidence`` adds ``2 / df`` per key (1 when
    only the two carry it, 0.1 when twenty do). A key carried by more than ``max_docs``
    documents is handled by ``oversize``:

    - ``"drop"``: it is boilerplate or a stock phrase and pairs nothing (rare n-grams);
    - ``"chain"``: its documents, in id order, are linked to their next one (LSH buckets of
      a template repeated hundreds of times: one family, a linear number of pairs).

    ``star`` links every carrier of a key to the carrier with the smallest id instead of
    pairing all (exact copies: one comparison per copy). Key 0 means "no key" and pairs
    nothing. Only pairs with ``shared >= min_shared`` and ``evidence >= min_evidence`` are
    returned, and any pair listed in ``also`` with whatever counts it has.
    """

    max_docs: int | None = None
    oversize: Literal["drop", "chain"] = "drop"
    star: bool = False
    min_shared: int = 1
    min_evidence: float = 0.0


class DocumentKernel(Protocol):
    """A pure function over a batch of documents; ``setup`` runs once per worker process."""

    schema: pa.Schema

    def setup(self) -> None: ...

    def __call__(self, documents: Sequence[ScanDocument]) -> pa.RecordBatch: ...


class PairKernel(Protocol):
    """A pure function over a batch of pairs, each given with both documents."""

    schema: pa.Schema

    def setup(self) -> None: ...

    def __call__(self, pairs: Sequence[tuple[ScanDocument, ScanDocument, dict]]) -> pa.RecordBatch: ...


class Executor(abc.ABC):
    """Runs a scan's data-parallel work somewhere: this process, a process pool, a Spark cluster.

    Datasets are folders of Parquet files under the scan's output folder; the driver
    reads them with pyarrow, whichever executor wrote them.
    """

    name: str = "executor"
    #: the processes (or Spark's parallel tasks) kernels run in
    workers: int = 1

    def pair_workers(self, pairs: int) -> int:
        """The processes :meth:`map_pairs` runs ``pairs`` candidate pairs on."""
        return self.workers

    def expect_pairs(self, pairs: int) -> None:  # noqa: B027 - a hint most executors need not act on
        """A hint: :meth:`map_pairs` will get about ``pairs`` pairs once the stages in between have run.

        An executor may get its workers ready meanwhile; the local one starts its process
        pool's server then (see :func:`copytrail.executors.pool.start_server`).
        """

    @abc.abstractmethod
    def input_signature(self, inputs: Sequence[str], config: ReaderConfig) -> list[Any]:
        """What identifies the inputs for resuming: every file read, with its size and modification time.

        Raises:
            InputError: an input does not exist, or this executor cannot read it (a URI
                for the local executor), with what to do.
        """

    @abc.abstractmethod
    def read_documents(
        self,
        inputs: Sequence[str],
        config: ReaderConfig,
        documents: Path,
        skipped: Path,
        *,
        advance: Callable[[int], None] | None = None,
    ) -> ReadSummary:
        """Read ``inputs`` (paths, or what the executor reads: URIs) into ``documents`` and ``skipped``.

        Both are JSONL files in input order, byte for byte what
        :func:`copytrail.scan.readers.iter_documents` yields: every record through the
        readers' per-record rules, the first document of an id kept and later ones skipped
        as duplicates. Returns the counts and the tally of what was taken in.
        """

    @abc.abstractmethod
    def map_documents(
        self,
        documents: Path,
        kernel: DocumentKernel,
        target: Path,
        *,
        key: str = "",
        advance: Callable[[int], None] | None = None,
    ) -> dict[str, int]:
        """Apply ``kernel`` to every document of ``documents`` (a documents.jsonl) into the dataset ``target``.

        Returns counters: ``documents`` mapped, and any the executor adds (shards
        resumed). ``target`` holds a dataset whose rows are whatever the kernel returns,
        one or more per document, in no promised order.
        ``key`` names the settings the rows depend on: an executor that resumes keeps
        finished shards only when it matches.
        """

    @abc.abstractmethod
    def shared_key_pairs(
        self,
        dataset: Path,
        column: str,
        rule: KeyRule,
        *,
        exclude: frozenset[str] = frozenset(),
        also: pa.Table | None = None,
    ) -> pa.Table:
        """Pairs of documents of ``dataset`` that share values of ``column`` (an int64 or a list of them).

        Documents whose id is in ``exclude`` take no part. ``also`` is a table of
        ``id_a, id_b`` pairs returned whatever their counts (when they share a key at
        all). Returns a :data:`PAIR_SCHEMA` table with ``id_a < id_b``, sorted.
        """

    @abc.abstractmethod
    def map_pairs(
        self,
        pairs: pa.Table,
        documents: Path,
        kernel: PairKernel,
        *,
        advance: Callable[[int], None] | None = None,
    ) -> Iterator[pa.RecordBatch]:
        """Apply ``kernel`` to every pair of ``pairs`` (``id_a``, ``id_b`` and any other columns), with its documents.

        The kernel receives ``(document_a, document_b, row)`` triples, ``row`` being the
        pair's columns as a dict. Result batches come back in no promised order.
        """

    @abc.abstractmethod
    def common_text(self, dataset: Path, config: CommonTextConfig) -> CommonText:
        """The common text of ``dataset``: rows of ``id``, sentence ``keys`` (int64), their ``words``, ``source``.

        What :meth:`CommonTextCounter.build <copytrail.normalize.common.CommonTextCounter.build>`
        decides from every row, array for array, whichever executor counts.
        """

    def close(self) -> None:  # noqa: B027 - most executors hold nothing
        """Release what the executor holds (a Spark session, a pool)."""

    def __enter__(self) -> Executor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
