"""Progress bars for long stages: rich on stderr when it is a terminal, silent otherwise."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

__all__ = ["progress_bar"]


def _noop(_: int = 1) -> None:
    return None


@contextmanager
def progress_bar(description: str, total: int | None, *, enabled: bool | None) -> Iterator[Callable[[int], None]]:
    """Show a bar with count, rate and ETA while the block runs; yields ``advance(n)``.

    ``enabled=None`` shows it only when stderr is a terminal (never in logs or pipes), and
    nothing is shown when rich (the ``cli`` extra) is not installed.
    """
    if enabled is None:
        enabled = sys.stderr.isatty()
    if not enabled:
        yield _noop
        return
    try:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )
    except ImportError:
        yield _noop
        return
    columns = (
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        # task.speed is items per second over rich's recent window.
        TextColumn("{task.fields[rate]}"),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task(description, total=total, rate="")

        def advance(n: int = 1) -> None:
            progress.advance(task, n)
            speed = progress.tasks[task].speed
            progress.update(task, rate=f"{speed:,.0f}/s" if speed else "")

        yield advance
