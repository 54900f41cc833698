"""Compare two documents: the pair engine behind ``copytrail compare`` and ``scan``'s verify stage."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field, replace

import numpy as np

from copytrail.align.features import PairClassifier, default_classifier
from copytrail.align.gaps import confirm_with_embeddings, unmatched_clauses
from copytrail.align.passages import build_passages, coverage, unaligned_spans, with_fragments
from copytrail.align.relation import RelationConfig, classify_relation
from copytrail.align.sentences import AlignConfig, align_sentences, alignable_indices
from copytrail.embed import EMBEDDERS, Embedder, load_embedder
from copytrail.explain import explain
from copytrail.ingest import DEFAULT_MAX_BYTES, load_text
from copytrail.normalize import prepare_document
from copytrail.records import CompareReport, Coverage, Document, LoadedText, SentencePair, Span, Timings


@dataclass(frozen=True, slots=True)
class CompareConfig:
    """Everything that shapes one comparison; the CLI only fills this in.

    Attributes:
        embedder: an :data:`copytrail.embed.EMBEDDERS` name, or ``"none"`` for words alone.
        max_bytes: inputs larger than this are refused with :class:`InputTooLarge`.
        explain: also find what changed and which text is the likely original.
    """

    embedder: str = "minilm"
    max_bytes: int = DEFAULT_MAX_BYTES
    align: AlignConfig = field(default_factory=AlignConfig)
    relation: RelationConfig = field(default_factory=RelationConfig)
    explain: bool = True

    def __post_init__(self) -> None:
        if self.embedder not in ("none", *EMBEDDERS):
            raise ValueError(f"embedder must be one of none, {', '.join(EMBEDDERS)}, not {self.embedder!r}")
        if self.max_bytes <= 0:
            raise ValueError(f"max_bytes must be positive, not {self.max_bytes}")


def _topic_cosine(a_vectors: dict[int, np.ndarray], b_vectors: dict[int, np.ndarray]) -> float | None:
    if not a_vectors or not b_vectors:
        return None
    ma = np.mean(list(a_vectors.values()), axis=0)
    mb = np.mean(list(b_vectors.values()), axis=0)
    return float(ma @ mb / max(np.linalg.norm(ma) * np.linalg.norm(mb), 1e-12))


def _unmatched_clauses(
    a: Document, b: Document, pairs: tuple[SentencePair, ...], embedder: Embedder | None
) -> tuple[list[Span], list[Span]]:
    """Clauses inside aligned sentences that the partner sentence does not say."""
    found_a = [
        (span, b.segments[p.b]) for p in pairs for span in unmatched_clauses(a.segments[p.a], b.segments[p.b], a.text)
    ]
    found_b = [
        (span, a.segments[p.a]) for p in pairs for span in unmatched_clauses(b.segments[p.b], a.segments[p.a], b.text)
    ]
    if embedder is None:
        return [span for span, _ in found_a], [span for span, _ in found_b]
    return (
        confirm_with_embeddings(found_a, a.text, b.text, embedder),
        confirm_with_embeddings(found_b, b.text, a.text, embedder),
    )


def compare_documents(
    a: Document,
    b: Document,
    *,
    embedder: Embedder | None,
    classifier: PairClassifier | None = None,
    config: CompareConfig = CompareConfig(),
) -> CompareReport:
    """Align two prepared documents and name their relation (the pure core of :func:`compare`)."""
    started = time.perf_counter()
    alignment = align_sentences(
        a, b, embedder=embedder, classifier=classifier or default_classifier(), config=config.align
    )
    alignable_a, alignable_b = alignable_indices(a), alignable_indices(b)
    passages = build_passages(a, b, alignment.pairs, alignable_a, alignable_b)
    aligned_a = with_fragments(a, {p.a for p in alignment.pairs}, set(alignable_a))
    aligned_b = with_fragments(b, {p.b for p in alignment.pairs}, set(alignable_b))
    cover = Coverage(coverage(a, aligned_a), coverage(b, aligned_b))
    clauses_a, clauses_b = _unmatched_clauses(a, b, alignment.pairs, embedder)
    relation, score = classify_relation(
        a, b, passages, cover, _topic_cosine(alignment.a_vectors, alignment.b_vectors), config.relation
    )
    elapsed = time.perf_counter() - started
    report = CompareReport(
        a=a,
        b=b,
        relation=relation,
        relation_score=score,
        coverage=cover,
        passages=passages,
        unaligned_a=tuple(sorted(unaligned_spans(a, aligned_a) + tuple(clauses_a), key=lambda s: s.start)),
        unaligned_b=tuple(sorted(unaligned_spans(b, aligned_b) + tuple(clauses_b), key=lambda s: s.start)),
        embedder=embedder.name if embedder is not None else "none",
        timings=Timings(
            lexical=round(alignment.lexical_seconds, 4),
            embed=round(alignment.embed_seconds, 4),
            align=round(elapsed - alignment.lexical_seconds - alignment.embed_seconds, 4),
            sentences_embedded=alignment.sentences_embedded,
        ),
    )
    return replace(report, explanation=explain(report)) if config.explain else report


def _as_loaded(source: str | os.PathLike | LoadedText, max_bytes: int) -> LoadedText:
    return source if isinstance(source, LoadedText) else load_text(source, max_bytes=max_bytes)


def compare(
    a: str | os.PathLike | LoadedText,
    b: str | os.PathLike | LoadedText,
    *,
    config: CompareConfig = CompareConfig(),
    embedder: Embedder | None = None,
) -> CompareReport:
    """Find what two documents reuse from each other.

    Args:
        a, b: paths to plain-text or HTML files, ``"-"`` for standard input, or
            already loaded :class:`LoadedText` (see :func:`copytrail.load_bytes` for strings).
        config: thresholds and the embedder's name.
        embedder: an embedder instance to use instead of loading ``config.embedder``.

    Returns:
        A :class:`CompareReport` with the relation, coverage, aligned passages and the
        unaligned story text of each side; offsets point into ``report.a.text`` and
        ``report.b.text``.

    Raises:
        InputError: a document cannot be read (missing, binary, empty, too large).
        EmbedderError: the chosen embedder is not installed.
    """
    started = time.perf_counter()
    loaded_a = _as_loaded(a, config.max_bytes)
    loaded_b = _as_loaded(b, config.max_bytes)
    loaded = time.perf_counter()
    doc_a, doc_b = prepare_document(loaded_a), prepare_document(loaded_b)
    segmented = time.perf_counter()
    if embedder is None and config.embedder != "none":
        embedder = load_embedder(config.embedder)
    report = compare_documents(doc_a, doc_b, embedder=embedder, config=config)
    timings = replace(report.timings, load=round(loaded - started, 4), segment=round(segmented - loaded, 4))
    return replace(report, timings=timings)
