"""Errors of the scan stages; both derive from :class:`copytrail.errors.CopytrailError`.

::

    CopytrailError
    ├── InputError
    │   └── UnusableInput     an input as a whole cannot be scanned (format, missing column)
    └── MissingExtra          an optional dependency is not installed (also an ImportError)
"""

from __future__ import annotations

from copytrail.errors import CopytrailError, InputError


class UnusableInput(InputError):
    """An input as a whole cannot be scanned: unknown format, or a required column is missing."""


class MissingExtra(CopytrailError, ImportError):
    """An optional dependency is missing; the message names the extra to install."""

    def __init__(self, module: str, extra: str = "scan", purpose: str = "copytrail scan") -> None:
        super().__init__(f"{purpose} needs {module}: pip install 'copytrail[{extra}]'")
        self.module = module
        self.extra = extra


def require(module: str, *, purpose: str = "copytrail scan"):  # noqa: ANN201 - returns a module
    """Import an optional dependency, or raise :class:`MissingExtra` naming the ``scan`` extra."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError:
        raise MissingExtra(module.split(".")[0], purpose=purpose) from None
