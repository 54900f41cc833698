"""How many cores this process may use: all it is allowed, or its share beside other workers.

Native kernels that run threads (ONNX Runtime's sessions, rapidfuzz's ``cdist``) ask
:func:`process_cores`. In a pool of ``workers`` processes (``copytrail scan --workers``)
each worker's share is the machine's cores divided among them, so that ``workers``
processes do not each start a thread per core and fight over the same ones.
"""

from __future__ import annotations

import os

__all__ = ["available_cores", "check_workers", "process_cores", "set_worker_share"]

_share: int | None = None


def available_cores() -> int:
    """The cores this process may run on: its CPU affinity (a container's or taskset's limit), else all."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # no affinity on macOS and Windows
        return max(1, os.cpu_count() or 1)


def process_cores() -> int:
    """The threads this process's own native kernels may run: its share when it is one of a pool's workers."""
    return _share if _share is not None else available_cores()


def set_worker_share(workers: int) -> None:
    """Called in a pool worker: ``workers`` processes share :func:`available_cores`."""
    global _share
    _share = max(1, available_cores() // max(1, workers))


def check_workers(workers: object) -> int | str:
    """``workers`` as given when it is a whole number of processes (1 or more) or ``"auto"``.

    Raises:
        ValueError: anything else.
    """
    if workers == "auto" or (isinstance(workers, int) and not isinstance(workers, bool) and workers >= 1):
        return workers
    raise ValueError(f"workers must be a whole number >= 1 or 'auto', not {workers!r}")
