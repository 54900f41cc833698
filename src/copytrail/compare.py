"""Compare two documents: the pair engine behind ``copytrail compare`` and ``scan``'s verify stage."""

from __future__ import annotations

import os
import time
from collections.abc import Iterable
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
from copytrail.normalize.common import CommonText, CommonTextConfig, CommonTextCounter, document_source, segment_key
from copytrail.records import CompareReport, Coverage, Document, LoadedText, Role, SentencePair, Span, Timings


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
    common_text: CommonTextConfig = field(default_factory=CommonTextConfig)
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


def shared_boilerplate(a: Document, b: Document) -> tuple[tuple[int, int], ...]:
    """Page chrome and stock text both documents carry: ``(segment in A, segment in B)`` by identical wording.

    Listed so a reader sees what the two share that is *not* evidence of reuse.
    """
    in_b: dict[int, int] = {}
    for seg in b.segments:
        if seg.role is Role.BOILERPLATE:
            in_b.setdefault(segment_key(seg.text), seg.index)
    found = []
    for seg in a.segments:
        if seg.role is Role.BOILERPLATE:
            key = segment_key(seg.text)
            if key and key in in_b:
                found.append((seg.index, in_b.pop(key)))
    return tuple(found)


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
        shared_boilerplate=shared_boilerplate(a, b),
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


def _source_of(document: Document) -> str | None:
    return document_source(document.meta.sitename, document.meta.url)


def learn_from_background(
    documents: Iterable[Document], background: Iterable[str | os.PathLike | LoadedText], config: CompareConfig
) -> CommonText:
    """Chrome and stock text of the compared documents' sites, learned from other pages of them.

    Two documents alone cannot show what their sites repeat on every page; a sample of
    other pages (a dozen is plenty) can. The compared documents are counted too.
    """
    counter = CommonTextCounter()
    for doc in documents:
        counter.add(doc, _source_of(doc))
    for item in background:
        doc = prepare_document(_as_loaded(item, config.max_bytes))
        counter.add(doc, _source_of(doc))
    return counter.build(config.common_text)


def compare(
    a: str | os.PathLike | LoadedText,
    b: str | os.PathLike | LoadedText,
    *,
    config: CompareConfig = CompareConfig(),
    embedder: Embedder | None = None,
    background: Iterable[str | os.PathLike | LoadedText] | CommonText | None = None,
) -> CompareReport:
    """Find what two documents reuse from each other.

    Args:
        a, b: paths to plain-text or HTML files, ``"-"`` for standard input, or
            already loaded :class:`LoadedText` (see :func:`copytrail.load_bytes` for strings).
        config: thresholds and the embedder's name.
        embedder: an embedder instance to use instead of loading ``config.embedder``.
        background: other pages of the same sites (paths or loaded texts), or a
            :class:`~copytrail.normalize.common.CommonText` learned before: sentences
            many of them repeat are page chrome or stock text, and are no evidence of
            reuse (see :mod:`copytrail.normalize.common`).

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
    if background is not None:
        common = (
            background
            if isinstance(background, CommonText)
            else learn_from_background((doc_a, doc_b), background, config)
        )
        doc_a, doc_b = common.mark(doc_a, _source_of(doc_a)), common.mark(doc_b, _source_of(doc_b))
    segmented = time.perf_counter()
    if embedder is None and config.embedder != "none":
        embedder = load_embedder(config.embedder)
    report = compare_documents(doc_a, doc_b, embedder=embedder, config=config)
    timings = replace(report.timings, load=round(loaded - started, 4), segment=round(segmented - loaded, 4))
    return replace(report, timings=timings)
