"""Errors copytrail raises on purpose.

Every error a user can cause derives from :class:`CopytrailError`; the CLI catches that
class alone, prints ``Type: message`` on one line and exits with status 2. Anything else
is a bug and keeps its traceback.

::

    CopytrailError
    ├── InputError            a document cannot be read or used (names the file and the fix)
    │   ├── InputNotFound     the path does not exist
    │   ├── InputTooLarge     over the size limit for the operation
    │   ├── BinaryInput       the bytes are not text (image, archive, executable, …)
    │   └── EmptyInput        nothing left to compare once decoded and extracted
    └── EmbedderError         the sentence embedder cannot be loaded or run
"""

from __future__ import annotations


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


class InputNotFound(InputError):
    """The named file does not exist or is not a regular file."""


class InputTooLarge(InputError):
    """The document is larger than the operation's size limit."""


class BinaryInput(InputError):
    """The document's bytes are not text."""


class EmptyInput(InputError):
    """The document holds no text once decoded (and, for HTML, extracted)."""


class EmbedderError(CopytrailError):
    """The sentence embedder cannot be loaded or run (missing extra, broken cache, …)."""
