"""Verify candidate pairs with the pair engine and keep those that are reuse.

:class:`PairVerifier` prepares each document once (a bounded cache, since sorted
candidate pairs share their first document in runs) and maps candidates to verdicts.
The verify stage (:mod:`copytrail.scan.stages.verify`) runs it wherever its executor
places the chunks.
"""

from __future__ import annotations

import dataclasses
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

import numpy as np

from copytrail.align.evidence import word_count
from copytrail.compare import CompareConfig, compare_documents
from copytrail.explain import explain, original_of
from copytrail.lang import identify_languages
from copytrail.normalize import normalise_for_match, prepare_document
from copytrail.normalize.common import CommonText, document_source
from copytrail.normalize.scripts import count_words
from copytrail.records import (
    CompareReport,
    Document,
    DocumentMeta,
    LoadedText,
    Original,
    Passage,
    Relation,
    SourceFormat,
)
from copytrail.scan.candidates import EXACT, RARE_NGRAMS, RARE_PAIRS, TRANSLATION
from copytrail.scan.common_only import alignable_ngrams, shares_too_few
from copytrail.scan.config import FingerprintConfig, VerifyConfig
from copytrail.scan.records import CandidatePair, ReusePair, ScanDocument
from copytrail.scan.scattered import content_word_pairs, densest_rare, densest_shared, word_pairs

__all__ = ["COMMON_ONLY", "SCATTERED", "SCATTERED_RARE", "PairVerifier", "Verdict", "aligned_extent", "as_loaded"]

#: Why a candidate was decided without the pair engine (``Verdict.skipped``).
SCATTERED_RARE = "scattered_rare"
SCATTERED = "scattered"
COMMON_ONLY = "common_only"

T = TypeVar("T")

_CACHE_SIZE = 4096
# Word pairs of the documents met last (arrays of 8 bytes a word): a candidate's first document
# comes in runs (candidates are sorted), so a few hundred are plenty. The same for the n-grams
# of documents' alignable text.
_WORD_PAIRS_CACHE_SIZE = 256


@dataclass(frozen=True, slots=True)
class Verdict:
    """The engine's relation for one candidate, and the reuse pair when it is kept.

    ``skipped`` names the rule that decided a candidate without the pair engine, None when
    it was compared: :data:`SCATTERED_RARE` or :data:`SCATTERED` (the rare or the content
    word pairs it shares were scattered, :mod:`copytrail.scan.scattered`), or
    :data:`COMMON_ONLY` (only chrome or stock text made it a candidate,
    :mod:`copytrail.scan.common_only`).
    """

    id_a: str
    id_b: str
    relation: Relation
    pair: ReusePair | None
    seconds: float
    report: CompareReport | None = None
    skipped: str | None = None

    @property
    def compared(self) -> bool:
        return self.skipped is None


def as_loaded(doc: ScanDocument) -> LoadedText:
    """A scan document as the pair engine's input; its text is already decoded and extracted."""
    return LoadedText(
        name=doc.id,
        text=doc.text,
        source_format=SourceFormat.TEXT,
        encoding="utf-8",
        byte_size=len(doc.text.encode("utf-8", "surrogatepass")),
        meta=DocumentMeta(date=doc.date, url=doc.url, sitename=doc.source),
    )


def aligned_extent(a: Document, b: Document, passages: Iterable[Passage]) -> tuple[int, int]:
    """How much text the passages align: ``(sentences, story words)``, each on the side with fewer.

    A sentence of one side aligned to two of the other counts once; words are counted as
    matching sees them (:func:`~copytrail.align.evidence.word_count`).
    """
    passages = tuple(passages)
    a_segments = {i for p in passages for i in p.a_segments}
    b_segments = {i for p in passages for i in p.b_segments}
    words_a = sum(word_count(a, i) for i in a_segments)
    words_b = sum(word_count(b, i) for i in b_segments)
    return min(len(a_segments), len(b_segments)), min(words_a, words_b)


class PairVerifier:
    """Runs the pair engine over candidates of one collection.

    Args:
        documents: the documents candidates refer to, by id.
        config: embedder name, relations to keep, whether to explain.
        common: chrome and stock text learned from the collection (the ``common`` stage);
            it is taken out of every document before comparing.
        fingerprint: the settings the candidates were found with. Given, a candidate only
            the rare n-gram index proposed is compared only when its documents' text still
            shares enough n-grams once the common text is out
            (:mod:`copytrail.scan.common_only`); None compares every such candidate. Its
            ``pair_words`` also says how the rare word pairs given to :meth:`verify` were hashed.
    """

    def __init__(
        self,
        documents: Mapping[str, ScanDocument],
        config: VerifyConfig | None = None,
        common: CommonText | None = None,
        fingerprint: FingerprintConfig | None = None,
    ) -> None:
        self.documents = documents
        self.common = common or CommonText()
        self.config = config = config or VerifyConfig()
        self.fingerprint = fingerprint
        # Explained only once kept (see verify): a rejected pair's explanation was never read.
        self.compare_config = CompareConfig(embedder=config.embedder, explain=False, device=config.device)
        self._embedder = _load(config.embedder, config.device)
        self._second_embedder = _load(config.second_look, config.device)
        self._translation_embedder = _load(config.translation_embedder, config.device)
        self._prepared: OrderedDict[str, Document] = OrderedDict()
        self._word_pairs: OrderedDict[str, np.ndarray] = OrderedDict()
        self._alignable_ngrams: OrderedDict[str, np.ndarray] = OrderedDict()
        self._placed_pairs: OrderedDict[str, np.ndarray] = OrderedDict()

    def prepared(self, doc_id: str, scan_doc: ScanDocument | None = None) -> Document:
        """The segmented document, from the cache when it was prepared recently."""

        def prepare() -> Document:
            source = scan_doc if scan_doc is not None else self.documents[doc_id]
            prepared = identify_languages(prepare_document(as_loaded(source)))
            return self.common.mark(prepared, document_source(source.source, source.url))

        return _recent(self._prepared, doc_id, prepare, _CACHE_SIZE)

    def verify(
        self,
        candidate: CandidatePair,
        doc_a: ScanDocument | None = None,
        doc_b: ScanDocument | None = None,
        rare_pairs: np.ndarray | None = None,
    ) -> Verdict:
        """Compare one candidate pair and decide whether it is reuse.

        The documents come from ``documents`` unless given (a chunk that carries its own).
        ``rare_pairs``: for a candidate only the rare-word-pair index proposed, the rare word
        pairs its documents share (uint64; the verify stage finds them), for the rule of
        :mod:`copytrail.scan.scattered`; None compares it.
        """
        started = time.perf_counter()
        if candidate.sources == (EXACT,):
            return self._same_words(candidate, doc_a or self.documents[candidate.id_a], started)
        doc_a = doc_a if doc_a is not None else self.documents[candidate.id_a]
        doc_b = doc_b if doc_b is not None else self.documents[candidate.id_b]
        scattered = self._scattered(candidate, doc_a, doc_b, rare_pairs)
        if scattered is not None:
            return self._skipped(candidate, scattered, started)
        a, b = self.prepared(candidate.id_a, doc_a), self.prepared(candidate.id_b, doc_b)
        if self._common_only(candidate, a, b):
            return self._skipped(candidate, COMMON_ONLY, started)
        if TRANSLATION in candidate.sources and self._translation_embedder is not None:
            # Proposed as a translation: only a multilingual embedder can align it.
            config = dataclasses.replace(self.compare_config, embedder=self.config.translation_embedder)
            report = compare_documents(a, b, embedder=self._translation_embedder, config=config)
        else:
            report = compare_documents(a, b, embedder=self._embedder, config=self.compare_config)
        if report.relation not in self.config.keep and self._second_look_at(candidate):
            config = dataclasses.replace(self.compare_config, embedder=self.config.second_look)
            report = compare_documents(a, b, embedder=self._second_embedder, config=config)
        pair = None
        if report.relation in self.config.keep:
            provenance = None
            if self.config.explain_all:
                report = dataclasses.replace(report, explanation=explain(report))
                provenance = report.explanation.provenance
            elif self.config.explain:
                # The likely original only; the report stage explains the pairs it shows.
                provenance = original_of(report)
            original = provenance.original if provenance is not None else Original.UNDECIDED
            pair = ReusePair(
                id_a=candidate.id_a,
                id_b=candidate.id_b,
                relation=report.relation,
                score=round(report.relation_score, 4),
                coverage_a=round(report.coverage.a, 4),
                coverage_b=round(report.coverage.b, 4),
                passages=len(report.passages),
                original={Original.A: candidate.id_a, Original.B: candidate.id_b}.get(original),
                confidence=round(provenance.confidence, 4) if original is not Original.UNDECIDED else 0.0,
                sources=candidate.sources,
                shared_boilerplate=len(report.shared_boilerplate),
                aligned_words=aligned_extent(a, b, report.passages)[1],
            )
        kept = report if pair is not None else None
        return Verdict(candidate.id_a, candidate.id_b, report.relation, pair, time.perf_counter() - started, kept)

    def _scattered(
        self, candidate: CandidatePair, doc_a: ScanDocument, doc_b: ScanDocument, rare_pairs: np.ndarray | None
    ) -> str | None:
        """The rule that calls this candidate unrelated without comparing, if one does.

        See :mod:`copytrail.scan.scattered`.
        """
        config = self.config
        if (
            not config.skips_scattered
            or candidate.sources != (RARE_PAIRS,)
            or doc_a.language != "en"
            or doc_b.language != "en"
        ):
            return None
        if config.min_dense_rare_pairs and rare_pairs is not None:
            n = self.fingerprint.pair_words if self.fingerprint is not None else FingerprintConfig().pair_words

            def placed(doc: ScanDocument) -> np.ndarray:
                return _recent(self._placed_pairs, doc.id, lambda: word_pairs(doc.text, n), _WORD_PAIRS_CACHE_SIZE)

            if densest_rare(placed(doc_a), placed(doc_b), rare_pairs) < config.min_dense_rare_pairs:
                return SCATTERED_RARE
        if config.min_dense_shared:
            dense = densest_shared(self._content_word_pairs(doc_a), self._content_word_pairs(doc_b))
            if dense < config.min_dense_shared:
                return SCATTERED
        return None

    def _common_only(self, candidate: CandidatePair, a: Document, b: Document) -> bool:
        """Whether only chrome or stock text made this a candidate (see :mod:`copytrail.scan.common_only`)."""
        if self.fingerprint is None or self.config.compare_all or candidate.sources != (RARE_NGRAMS,):
            return False
        n = self.fingerprint.ngram_words

        def ngrams(doc_id: str, doc: Document) -> np.ndarray:
            return _recent(self._alignable_ngrams, doc_id, lambda: alignable_ngrams(doc, n), _WORD_PAIRS_CACHE_SIZE)

        shared_enough = self.fingerprint.rare_min_shared
        return shares_too_few(ngrams(candidate.id_a, a), ngrams(candidate.id_b, b), shared_enough)

    @staticmethod
    def _skipped(candidate: CandidatePair, rule: str, started: float) -> Verdict:
        return Verdict(
            candidate.id_a, candidate.id_b, Relation.UNRELATED, None, time.perf_counter() - started, skipped=rule
        )

    def _content_word_pairs(self, doc: ScanDocument) -> np.ndarray:
        return _recent(self._word_pairs, doc.id, lambda: content_word_pairs(doc.text), _WORD_PAIRS_CACHE_SIZE)

    def _second_look_at(self, candidate: CandidatePair) -> bool:
        """A rejected candidate that only rare word pairs proposed may be a rewrite that words alone cannot align."""
        return self._second_embedder is not None and RARE_PAIRS in candidate.sources

    def _same_words(self, candidate: CandidatePair, doc_a: ScanDocument, started: float) -> Verdict:
        """Two texts with the same word sequence (only case, spacing or punctuation differ): a duplicate.

        A crawl holds many of these, and the full comparison would only say so more slowly.
        """
        pair = None
        if Relation.DUPLICATE in self.config.keep:
            pair = ReusePair(
                id_a=candidate.id_a,
                id_b=candidate.id_b,
                relation=Relation.DUPLICATE,
                score=1.0,
                coverage_a=1.0,
                coverage_b=1.0,
                passages=1,
                original=None,
                confidence=0.0,
                sources=candidate.sources,
                # The same words: every word of either side aligns (chrome included; nothing was segmented).
                aligned_words=count_words(normalise_for_match(doc_a.text)),
            )
        return Verdict(candidate.id_a, candidate.id_b, Relation.DUPLICATE, pair, time.perf_counter() - started)

    def __call__(self, chunk: Sequence[CandidatePair]) -> list[Verdict]:
        return [self.verify(c) for c in chunk]


def _recent(cache: OrderedDict[str, T], key: str, make: Callable[[], T], size: int) -> T:
    """``cache[key]``, made when missing; the ``size`` most recently used are kept."""
    value = cache.get(key)
    if value is None:
        value = cache[key] = make()
        if len(cache) > size:
            cache.popitem(last=False)
    else:
        cache.move_to_end(key)
    return value


def _load(name: str, device: str = "cpu"):  # noqa: ANN202 - an Embedder, imported lazily
    if name == "none":
        return None
    from copytrail.embed import load_embedder

    return load_embedder(name, device=device, persistent=False)
