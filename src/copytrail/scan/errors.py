"""The scan's errors live in :mod:`copytrail.errors` (one hierarchy); re-exported here for old imports."""

from __future__ import annotations

from copytrail.errors import MissingExtra, NothingRead, UnusableInput, require

__all__ = ["MissingExtra", "NothingRead", "UnusableInput", "require"]
