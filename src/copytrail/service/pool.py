"""Queries in worker processes: the service's way past the GIL.

The pair engine is pure Python, so threads share one core; and while worker threads
hold the GIL, the event loop that accepts and answers requests waits for it too. With
``workers`` processes, each opens the archive read-only (SQLite in WAL mode lets them
read while the service adds) and keeps its own cache of prepared documents; the event
loop only hands texts over and results back. Adds and deletes stay in the service's
own process, the one writer.

Workers start with ``forkserver`` (``spawn`` where it is missing): a forked copy of a
threaded server could inherit a lock some thread held.
"""

from __future__ import annotations

import os
from concurrent.futures import Future, ProcessPoolExecutor

from copytrail.archive import Archive
from copytrail.archive.records import QueryResult
from copytrail.cores import set_worker_share
from copytrail.executors.pool import worker_context
from copytrail.scan.records import ScanDocument

__all__ = ["QueryPool"]

_ARCHIVE: Archive | None = None


def _open(path: str, workers: int) -> None:
    global _ARCHIVE
    set_worker_share(workers)
    _ARCHIVE = Archive.open(path, create=False)


def _query(document: ScanDocument, top: int, rewrite_check: bool, deadline: float | None) -> QueryResult:
    assert _ARCHIVE is not None, "the pool initializer did not run in this process"
    return _ARCHIVE.query(document, top=top, rewrite_check=rewrite_check, deadline=deadline)


class QueryPool:
    """``workers`` processes that answer archive queries.

    Args:
        path: the archive's SQLite file (it must exist).
        workers: processes to start.
    """

    def __init__(self, path: str | os.PathLike[str], workers: int) -> None:
        if workers < 1:
            raise ValueError("workers must be >= 1")
        context = worker_context([__name__])
        self._pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_open, initargs=(str(path), workers))

    def submit(
        self, document: ScanDocument, *, top: int, rewrite_check: bool, deadline: float | None
    ) -> Future[QueryResult]:
        """Start one query; ``deadline`` is a ``time.monotonic()`` instant (the clock is system-wide)."""
        return self._pool.submit(_query, document, top, rewrite_check, deadline)

    def close(self) -> None:
        """Stop the workers (queries in flight are cancelled)."""
        self._pool.shutdown(wait=False, cancel_futures=True)
