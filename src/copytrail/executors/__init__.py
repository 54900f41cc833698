"""Executors: where a scan's data-parallel work runs.

- :class:`~copytrail.executors.local.LocalExecutor`: this process, or a pool of
  processes on this machine (``--workers``).
- :class:`~copytrail.executors.spark.SparkExecutor`: a Spark cluster, or Spark in local
  mode (``--engine spark --spark-master URL``); needs the ``spark`` extra (pyspark) and a
  Java runtime.

Both compute the same pairs, families and kept documents (``tests/scan/test_spark_parity.py``).
"""

from __future__ import annotations

from copytrail.executors.local import LocalExecutor
from copytrail.pipeline.executor import Executor

__all__ = ["Executor", "LocalExecutor", "make_executor"]


def make_executor(
    engine: str, *, workers: int | str = 1, master: str | None = None, progress: bool | None = None
) -> Executor:
    """The executor named ``engine`` (``"local"`` or ``"spark"``)."""
    if engine == "local":
        return LocalExecutor(workers)
    if engine == "spark":
        from copytrail.executors.spark import SparkExecutor

        return SparkExecutor(master, progress=progress)
    raise ValueError(f"unknown engine {engine!r}: use local or spark")
