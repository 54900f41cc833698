"""The typed, frozen records that flow through copytrail's stages.

Every offset is a Python ``str`` index (code points) into :attr:`Document.text`, the
document's text as decoded (for plain text) or as extracted (for HTML), so a report can
highlight ``text[start:end]`` exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class SourceFormat(str, Enum):
    """What the input file was before it became :attr:`Document.text`."""

    TEXT = "text"
    HTML = "html"


class Role(str, Enum):
    """What a segment is on the page.

    Only STORY and HEADING count towards coverage. CAPTION text may align (copies often
    turn captions into body text) but is reported as caption, not as story. BOILERPLATE is
    page chrome and never aligns.
    """

    STORY = "story"
    HEADING = "heading"
    CAPTION = "caption"
    BOILERPLATE = "boilerplate"

    @property
    def alignable(self) -> bool:
        return self is not Role.BOILERPLATE

    @property
    def counts_for_coverage(self) -> bool:
        return self in (Role.STORY, Role.HEADING)


class PassageLabel(str, Enum):
    """How closely an aligned passage follows its counterpart."""

    VERBATIM = "verbatim"
    EDITED = "edited"
    PARAPHRASED = "paraphrased"


class Relation(str, Enum):
    """How two documents relate, from closest to farthest."""

    DUPLICATE = "duplicate"
    NEAR_DUPLICATE = "near_duplicate"
    REWRITE = "rewrite"
    PARTIAL_REUSE = "partial_reuse"
    SAME_STORY = "same_story"
    UNRELATED = "unrelated"
    # No installed embedder covers the two languages: neither reuse nor its absence can be told.
    NOT_COVERED = "not_covered"


@dataclass(frozen=True, slots=True)
class Span:
    """A half-open character range ``[start, end)`` into a document's text."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if not 0 <= self.start <= self.end:
            raise ValueError(f"bad span [{self.start}, {self.end})")

    def __len__(self) -> int:
        return self.end - self.start


@dataclass(frozen=True, slots=True)
class DocumentMeta:
    """Metadata found while reading (HTML ``<meta>``, a ``date`` header line, …)."""

    title: str | None = None
    date: str | None = None
    author: str | None = None
    url: str | None = None
    sitename: str | None = None


@dataclass(frozen=True, slots=True)
class LoadedText:
    """A document's text as read from disk or stdin, before segmentation."""

    name: str
    text: str
    source_format: SourceFormat
    encoding: str
    byte_size: int
    meta: DocumentMeta = field(default_factory=DocumentMeta)


@dataclass(frozen=True, slots=True)
class Segment:
    """A sentence (or a line of page chrome) of a document.

    Attributes:
        index: position among the document's segments.
        start, end: offsets into :attr:`Document.text`; ``text[start:end]`` is :attr:`text`.
        block: index of the paragraph (blank-line separated block) the segment sits in.
        role: story, heading, caption or boilerplate.
        reason: for non-story roles, why (e.g. ``"photo-credit"``, ``"copyright"``).
    """

    index: int
    start: int
    end: int
    text: str
    block: int
    role: Role
    reason: str | None = None

    @property
    def span(self) -> Span:
        return Span(self.start, self.end)


@dataclass(frozen=True, slots=True)
class LanguageShare:
    """One language of a document and the share of its story characters written in it."""

    code: str
    share: float


@dataclass(frozen=True, slots=True)
class Document:
    """A loaded document cut into segments with roles.

    Attributes:
        language: ISO 639-1 code of the language most of the story text is in (see
            :mod:`copytrail.lang`), or None when not identified (too little text).
        languages: every language with at least a tenth of the story text, by share,
            identified paragraph by paragraph; more than one when the document mixes.
    """

    name: str
    text: str
    source_format: SourceFormat
    encoding: str
    meta: DocumentMeta
    segments: tuple[Segment, ...]
    language: str | None = None
    languages: tuple[LanguageShare, ...] = ()

    def story_chars(self) -> int:
        return sum(len(s.text) for s in self.segments if s.role.counts_for_coverage)


@dataclass(frozen=True, slots=True)
class SentencePair:
    """Two segments judged to carry the same content.

    Attributes:
        a, b: segment indices in document A and B.
        similarity: the pair score in [0, 1] the aligner used (paraphrase probability).
        lexical: word-level similarity (share of words kept, Indel over words), in [0, 1].
        semantic: cosine similarity of the sentence embeddings, or None when the pair was
            decided on lexical evidence alone and never embedded.
        label: verbatim, edited or paraphrased.
    """

    a: int
    b: int
    similarity: float
    lexical: float
    semantic: float | None
    label: PassageLabel


@dataclass(frozen=True, slots=True)
class Passage:
    """A run of aligned sentence pairs that are consecutive in both documents."""

    a_span: Span
    b_span: Span
    pairs: tuple[SentencePair, ...]
    label: PassageLabel
    similarity: float

    @property
    def a_segments(self) -> tuple[int, ...]:
        return tuple(sorted({p.a for p in self.pairs}))

    @property
    def b_segments(self) -> tuple[int, ...]:
        return tuple(sorted({p.b for p in self.pairs}))


@dataclass(frozen=True, slots=True)
class Coverage:
    """Share of each document's story characters that align to the other document."""

    a: float
    b: float


@dataclass(frozen=True, slots=True)
class Timings:
    """Seconds spent per stage of one comparison."""

    load: float = 0.0
    segment: float = 0.0
    lexical: float = 0.0
    embed: float = 0.0
    align: float = 0.0
    sentences_embedded: int = 0


class ChangeKind(str, Enum):
    """What an aligned pair of sentences changed."""

    ALTERED_QUOTE = "altered_quote"
    NUMBER = "number"
    DATE = "date"
    NAME = "name"
    NEGATION = "negation"
    VERB_FORM = "verb_form"
    WORDING = "wording"


@dataclass(frozen=True, slots=True)
class Change:
    """One difference inside an aligned sentence pair.

    Attributes:
        a, b: the changed stretch in each document (None where one side has nothing,
            e.g. a date only B gives).
        a_segment, b_segment: the aligned sentences the change sits in.
        speaker: for altered quotes, who the text says is quoted.
        detail: one line for a reader ("a dozen" became "more than 40").
    """

    kind: ChangeKind
    a: Span | None
    b: Span | None
    a_text: str | None
    b_text: str | None
    a_segment: int
    b_segment: int
    speaker: str | None = None
    detail: str = ""


@dataclass(frozen=True, slots=True)
class Gist:
    """A passage only one document has, with a one-line summary."""

    span: Span
    gist: str
    caption: bool = False


class Original(str, Enum):
    """Which document the evidence says came first."""

    A = "a"
    B = "b"
    UNDECIDED = "undecided"


@dataclass(frozen=True, slots=True)
class Evidence:
    """One clue about which text is the original; ``weight`` is its strength (>= 0)."""

    kind: str
    favours: Original
    weight: float
    detail: str


@dataclass(frozen=True, slots=True)
class Provenance:
    """The likely original, how sure, and why."""

    original: Original
    confidence: float
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True, slots=True)
class Explanation:
    """What the copy changed, what each side adds, and which came first."""

    changes: tuple[Change, ...]
    only_in_a: tuple[Gist, ...]
    only_in_b: tuple[Gist, ...]
    provenance: Provenance


@dataclass(frozen=True, slots=True)
class LanguagePair:
    """The languages of a compared pair and whether the embedder used covers them.

    Attributes:
        a, b: the documents' languages (ISO 639-1), None when not identified.
        translated: the languages differ, so any reuse found is a translated copy.
        covered: the embedder used covers both languages (or, for one language, the
            comparison does not depend on it); False means reuse across them can go unseen.
        note: for a reader when not covered: which language lacks a model, and what to
            install or plug in.
    """

    a: str | None
    b: str | None
    translated: bool
    covered: bool = True
    note: str = ""


@dataclass(frozen=True, slots=True)
class CompareReport:
    """Everything :func:`copytrail.compare` finds about a pair of documents.

    Attributes:
        unaligned_a, unaligned_b: story or caption text of each document with no
            counterpart in the other, merged into spans of consecutive segments.
        shared_boilerplate: ``(segment in A, segment in B)`` for page chrome and stock
            text both carry word for word: shared, but no evidence of reuse.
    """

    a: Document
    b: Document
    relation: Relation
    relation_score: float
    coverage: Coverage
    passages: tuple[Passage, ...]
    unaligned_a: tuple[Span, ...]
    unaligned_b: tuple[Span, ...]
    embedder: str
    timings: Timings = field(default_factory=Timings)
    explanation: Explanation | None = None
    shared_boilerplate: tuple[tuple[int, int], ...] = ()
    languages: LanguagePair | None = None
