"""The ``common`` stage: page chrome and stock text learned from the collection.

Workers segment documents and hash their sentences (:class:`SentenceKeysKernel`, the
costly part); the executor counts the keys and decides which are common
(:meth:`~copytrail.pipeline.executor.Executor.common_text`: the local executor in this
process, about 0.6 GB for a million news articles; Spark with shuffles).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa

from copytrail.normalize.common import CommonTextConfig, document_source, text_sentence_keys
from copytrail.pipeline.stage import Stage, StageContext
from copytrail.scan.progress import progress_bar
from copytrail.scan.records import ScanDocument
from copytrail.scan.stages.names import COMMON, DOCUMENTS, SENTENCE_KEYS

SENTENCE_KEYS_SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("keys", pa.list_(pa.int64())),
        ("words", pa.list_(pa.int32())),
        ("source", pa.string()),
    ]
)


@dataclass(frozen=True)
class SentenceKeysKernel:
    """Documents to their sentence keys, word counts and source (site)."""

    schema = SENTENCE_KEYS_SCHEMA

    def setup(self) -> None:
        """Nothing to set up: the kernel is stateless."""

    def __call__(self, documents: Sequence[ScanDocument]) -> pa.RecordBatch:
        keys, words = [], []
        for doc in documents:
            k, w = text_sentence_keys(doc.text)
            keys.append(k.view(np.int64))
            words.append(w)
        return pa.RecordBatch.from_arrays(
            [
                pa.array([d.id for d in documents], pa.string()),
                pa.array(keys, pa.list_(pa.int64())),
                pa.array(words, pa.list_(pa.int32())),
                pa.array([document_source(d.source, d.url) for d in documents], pa.string()),
            ],
            schema=SENTENCE_KEYS_SCHEMA,
        )


@dataclass(frozen=True)
class CommonStage(Stage):
    """Learn which sentences are chrome or stock text (``common-text.npz``)."""

    config: CommonTextConfig

    name = "common"
    inputs = (DOCUMENTS,)
    outputs = (COMMON, SENTENCE_KEYS)

    def settings(self) -> tuple[Any, ...]:
        return (self.config, "common-v1")

    def run(self, ctx: StageContext) -> dict[str, Any]:
        with progress_bar("common text", ctx.document_count, enabled=ctx.progress) as advance:
            ctx.executor.map_documents(
                ctx.store.path(DOCUMENTS),
                SentenceKeysKernel(),
                ctx.store.path(SENTENCE_KEYS),
                key=ctx.key,
                advance=advance,
            )
        common = ctx.executor.common_text(ctx.store.path(SENTENCE_KEYS), self.config)
        with ctx.store.atomic(COMMON, "wb") as fh:
            common.save(fh)
        return {
            "documents": common.documents,
            "collection_sentences": len(common.collection_keys),
            "site_sentences": len(common.source_keys),
        }
