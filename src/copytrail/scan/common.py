"""The ``common`` stage's kernel: sentence keys of each document, for learning chrome and stock text.

Counting happens in the main process (:class:`~copytrail.normalize.common.CommonTextCounter`);
workers only segment documents and hash their sentences, which is the costly part.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from copytrail.normalize import prepare_document
from copytrail.normalize.common import document_source, sentence_keys
from copytrail.scan.records import ScanDocument
from copytrail.scan.verify import as_loaded

__all__ = ["DocumentKeys", "document_keys", "init_worker", "keys_chunk"]

DocumentKeys = tuple[np.ndarray, np.ndarray, "str | None"]


def document_keys(doc: ScanDocument) -> DocumentKeys:
    """A document's sentence keys, their word counts, and its source (site)."""
    keys, words = sentence_keys(prepare_document(as_loaded(doc)))
    return keys, words, document_source(doc.source, doc.url)


def init_worker() -> None:
    """Pool initializer: nothing to set up (the kernel is stateless)."""


def keys_chunk(chunk: Sequence[ScanDocument]) -> list[DocumentKeys]:
    """Pool task: the keys of one chunk of documents."""
    return [document_keys(doc) for doc in chunk]
