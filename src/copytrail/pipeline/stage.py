"""A stage, and the loop that runs an ordered list of them with resume.

A stage declares the artifacts it reads and writes and the settings that shape them,
and computes them in :meth:`Stage.run` through the executor its context carries. Each
stage's key chains the key of the one before, so changing a setting recomputes that
stage and everything after it, and nothing before.

A finished stage leaves a marker (its key, counters and seconds) after its artifacts
are in place; a rerun skips a stage whose marker key matches and whose artifacts all
exist. Inside a stage, an executor may resume at shard level (the local executor keeps
every finished shard of a document dataset).
"""

from __future__ import annotations

import abc
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from copytrail.pipeline.executor import Executor

if TYPE_CHECKING:  # the scan package imports this module; a runtime import would be circular
    from copytrail.scan.artifacts import ArtifactStore

__all__ = ["Stage", "StageContext", "run_stages"]


@dataclass
class StageContext:
    """What a running stage may use: the output folder, the executor, and what earlier stages said.

    Attributes:
        store: the scan's output folder.
        executor: where data-parallel work runs.
        progress: draw progress bars on stderr.
        stages: counters of the stages run (or resumed) so far, by name.
        key: the running stage's key (its settings and every earlier stage's): an
            executor that resumes inside a stage keeps only shards of this key.
    """

    store: ArtifactStore
    executor: Executor
    progress: bool | None = None
    stages: dict[str, Any] = field(default_factory=dict)
    key: str = ""

    @property
    def document_count(self) -> int | None:
        read = self.stages.get("read")
        return read.get("documents") if read else None


class Stage(abc.ABC):
    """One step of a pipeline: named artifacts in, named artifacts out.

    Subclasses set :attr:`name`, :attr:`inputs` and :attr:`outputs` (file or dataset
    folder names in the output folder), return the settings that shape their outputs from
    :meth:`settings`, and compute in :meth:`run`, returning counters for ``stats.json``.
    """

    name: ClassVar[str]
    inputs: ClassVar[tuple[str, ...]] = ()
    outputs: ClassVar[tuple[str, ...]] = ()
    #: Bumped when the stage's code changes what it writes, so old artifacts are not reused.
    version: ClassVar[int] = 1

    def settings(self) -> tuple[Any, ...]:
        """Config dataclasses and plain values that shape the outputs (hashed into the key)."""
        return ()

    def artifacts(self) -> tuple[str, ...]:
        """The outputs that must exist for a finished marker to count (some are optional)."""
        return self.outputs

    @abc.abstractmethod
    def run(self, ctx: StageContext) -> dict[str, Any]:
        """Compute the outputs and return counters."""


def run_stages(
    stages: Sequence[Stage],
    ctx: StageContext,
    *,
    first_key: str,
    force: bool = False,
    on_start: Callable[[Stage], None] | None = None,
) -> dict[str, Any]:
    """Run ``stages`` in order, resuming those that finished with the same key.

    Once one stage runs, every later one runs too; with ``force`` every stage runs, and
    none resumes from what an earlier run left. Returns each stage's counters, its
    seconds and whether it was resumed, by name (also left in ``ctx.stages``).
    """
    from copytrail.scan.config import config_hash

    key = first_key
    rerun = force
    for stage in stages:
        key = config_hash(key, stage.name, stage.version, *stage.settings())
        marker = None if rerun else ctx.store.finished(stage.name, key, stage.artifacts())
        if marker is not None:
            ctx.stages[stage.name] = {**marker["counters"], "seconds": marker["seconds"], "resumed": True}
            continue
        rerun = True
        ctx.store.forget(stage.name)
        if force:
            # Under an unchanged key an executor would resume the shards of the last run: forced, none are kept.
            ctx.store.discard(stage.outputs)
        if on_start is not None:
            on_start(stage)
        ctx.key = key
        started = time.perf_counter()
        counters = stage.run(ctx)
        seconds = time.perf_counter() - started
        ctx.store.mark(stage.name, key, counters, seconds, stage.artifacts())
        ctx.stages[stage.name] = {**counters, "seconds": round(seconds, 3), "resumed": False}
    return ctx.stages
