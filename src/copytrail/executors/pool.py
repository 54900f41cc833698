"""The local engine: run a stage's chunks in this process or in a process pool.

Stages hand over a kernel (an initializer that builds per-process state, and a function
over one chunk); the engine only decides where chunks run. Results come back in chunk
order whatever the number of workers, so outputs never depend on it.

Pool workers never outlive the run: each watches its parent's sentinel (a pipe that
closes when the main process dies, even by SIGKILL) and exits when it closes; and when
the main process leaves ``map_chunks`` by an exception (Ctrl-C, SIGTERM, an error), the
workers are terminated instead of finishing their chunks.
"""

from __future__ import annotations

import gc
import itertools
import multiprocessing
import os
import signal
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, TypeVar

from copytrail.cores import set_worker_share
from copytrail.errors import CopytrailError

__all__ = ["chunk_size", "chunked_stream", "map_chunks", "start_server", "worker_context"]

T = TypeVar("T")
R = TypeVar("R")


def chunk_size(items: int, *, workers: int, max_size: int = 64) -> int:
    """Items per chunk: small enough to give each of ``workers`` 8 chunks, at most ``max_size`` to amortise."""
    return max(1, min(max_size, -(-items // (workers * 8)))) if items else 1


def chunked_stream(items: Iterable[T], *, size: int) -> Iterator[list[T]]:
    """Cut a lazy stream into lists of ``size`` items (the last may be shorter), never holding more than one."""
    it = iter(items)
    while chunk := list(itertools.islice(it, size)):
        yield chunk


def worker_context(preload: Iterable[str] = ()) -> multiprocessing.context.BaseContext:
    """The start method of every pool: forkserver where there is one, else spawn.

    Not fork: the caller may run threads (rich's progress refresh), and a forked child can
    inherit a lock held by one. forkserver children start clean, and cheaply if the modules
    they need are already imported in the server they are forked from: ``preload`` names
    them. Importing copytrail's stages (numpy, pyarrow, rapidfuzz, blingfire and the
    aligner) takes a fresh process over a second, which every worker of every stage paid.
    The server starts with the first pool of a process, so only the first call's list counts.
    """
    methods = multiprocessing.get_all_start_methods()
    if "forkserver" not in methods:
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    # The server imports these once; one it cannot import is skipped (multiprocessing's rule).
    context.set_forkserver_preload(sorted({"__main__", *preload}))
    return context


def start_server(preload: Iterable[str]) -> bool:
    """Start the forkserver now, importing ``preload``, while this process goes on with other work.

    The first pool of a process otherwise starts it and waits for its imports (1-3 s on two
    shared cores). Returns False where there is no forkserver (pools then spawn each worker).
    """
    context = worker_context(preload)
    if context.get_start_method() != "forkserver":
        return False
    from multiprocessing import forkserver

    # Returns once the server process is started, not once it has imported ``preload``: a
    # pool's first worker waits for that.
    forkserver.ensure_running()
    return True


def _modules_of(*objects: Any) -> set[str]:
    """The copytrail modules that define ``objects`` (functions, or instances of copytrail classes)."""
    names = {getattr(o, "__module__", None) or type(o).__module__ for o in objects}
    return {name for name in names if name.split(".")[0] == "copytrail"}


def _exit_with_parent() -> None:
    """In a pool worker: end this process as soon as the process that started the pool is gone."""
    parent = multiprocessing.parent_process()
    if parent is None:  # not started by multiprocessing: nothing to watch
        return

    def watch() -> None:
        parent.join()  # returns when the parent's sentinel pipe closes, i.e. when it dies
        os._exit(1)

    threading.Thread(target=watch, name="copytrail-parent-watch", daemon=True).start()


# An error a user can act on (a missing extra, say) raised by the initializer: pools only
# say that a worker broke, so it is kept and raised again by the worker's first task.
_INIT_ERROR: CopytrailError | None = None


def _init_worker(initializer: Callable[..., None], initargs: tuple[Any, ...], workers: int) -> None:
    global _INIT_ERROR
    # Ctrl-C reaches every process of the terminal's group: the main process handles it
    # (and stops the pool), so workers do not each print a KeyboardInterrupt traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _exit_with_parent()
    set_worker_share(workers)  # before the initializer, which may start an ONNX session
    try:
        initializer(*initargs)
    except CopytrailError as exc:
        _INIT_ERROR = exc
    _collect_less()


# Young objects a worker allocates before the collector runs (Python's default: 700).
WORKER_GC_THRESHOLD = 10_000


def _collect_less() -> None:
    """Spare a worker most of the garbage collector's passes.

    A worker allocates and drops objects by the million for a whole stage, and the collector
    ran every 700: on the full graded corpus it took 3.8-4.3 s of each verify worker's 85 s,
    on the quick corpus 0.5 s of 13 s (150-165 passes over young objects, 13-15 over older
    ones, one over everything). In passes of 10,000 it is 10-11 passes and 0.16-0.21 s of 13 s
    on the quick corpus, 0.75-0.79 s of 59 s on the full one. Frozen, the objects of the imports
    and of the initializer are left out of any full pass, and the collector no longer writes to
    the pages a forked worker shares with its server (the use Python's documentation gives for
    ``gc.freeze``). A worker is copytrail's own process, so this changes nothing in a caller's
    program; the results are the same (both corpora's pairs byte for byte).
    """
    gc.freeze()
    gc.set_threshold(WORKER_GC_THRESHOLD, *gc.get_threshold()[1:])


def _run(fn: Callable[[Sequence[T]], R], chunk: Sequence[T]) -> R:
    if _INIT_ERROR is not None:
        raise _INIT_ERROR
    return fn(chunk)


def _stop(pool: ProcessPoolExecutor) -> None:
    """Stop a pool now: cancel what has not started and terminate the workers (their chunks are lost)."""
    processes = list((getattr(pool, "_processes", None) or {}).values())  # no public way to reach them
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        process.join(timeout=5)


def map_chunks(
    fn: Callable[[Sequence[T]], R],
    chunks: Iterable[Sequence[T]],
    *,
    workers: int,
    initializer: Callable[..., None],
    initargs: tuple[Any, ...],
    local: Callable[[Sequence[T]], R] | None = None,
) -> Iterator[R]:
    """Apply ``fn`` to every chunk, in order.

    Chunks are drawn from ``chunks`` lazily and at most ``2 * workers`` are in flight, so
    a stream of a million documents never sits in memory (``Executor.map`` would submit
    them all at once).

    Args:
        fn: module-level function run in pool workers (it must be picklable).
        chunks: the work, a sequence or a lazy iterable.
        workers: 1 runs everything in this process, through ``local`` when given
            (a ready kernel object), else after calling ``initializer`` here.
        initializer, initargs: set up each worker's state once.
        local: in-process callable used when ``workers == 1``.
    """
    if workers <= 1:
        if local is None:
            initializer(*initargs)
            local = fn
        yield from map(local, chunks)
        return
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=worker_context(_modules_of(fn, initializer, *initargs)),
        initializer=_init_worker,
        initargs=(initializer, initargs, workers),
    )
    try:
        pending: deque[Future[R]] = deque()
        for chunk in chunks:
            pending.append(pool.submit(_run, fn, chunk))
            if len(pending) >= 2 * workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    except BaseException:  # Ctrl-C, SIGTERM, an error, or the consumer closing this generator early
        _stop(pool)
        raise
    pool.shutdown(wait=True)
