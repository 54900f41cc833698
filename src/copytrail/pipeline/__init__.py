"""Stages and executors: a pipeline is an ordered list of stages; an executor decides where their work runs.

- :mod:`copytrail.pipeline.stage`: :class:`Stage` (artifacts in, artifacts out, settings
  that shape them) and :func:`run_stages` (resume by key).
- :mod:`copytrail.pipeline.executor`: the :class:`Executor` interface, the
  data-parallel operations every executor provides (reading the inputs, mapping
  documents, grouping by shared keys, mapping pairs, counting common text).
- :mod:`copytrail.executors`: the executors (local processes, Spark).
- :mod:`copytrail.scan.stages`: the stages of a scan.
"""

from copytrail.pipeline.executor import PAIR_SCHEMA, DocumentKernel, Executor, KeyRule, PairKernel
from copytrail.pipeline.stage import Stage, StageContext, run_stages

__all__ = ["PAIR_SCHEMA", "DocumentKernel", "Executor", "KeyRule", "PairKernel", "Stage", "StageContext", "run_stages"]
