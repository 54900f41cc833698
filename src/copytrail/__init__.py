"""copytrail: find, align and explain text reuse between news documents.

The public API::

    import copytrail
    report = copytrail.compare("a.txt", "b.html")
    report.relation, report.coverage, report.passages
"""

from copytrail.compare import CompareConfig, compare, compare_documents
from copytrail.errors import (
    BinaryInput,
    CopytrailError,
    EmbedderError,
    EmptyInput,
    EngineError,
    InputError,
    InputNotFound,
    InputTooLarge,
    MissingEmbedder,
    MissingExtra,
    NotAFile,
    NothingRead,
    OutputError,
    PairTooLong,
    UnusableInput,
)
from copytrail.ingest import load_bytes, load_text
from copytrail.normalize import prepare_document
from copytrail.records import (
    Change,
    ChangeKind,
    CompareReport,
    Coverage,
    Document,
    DocumentMeta,
    Evidence,
    Explanation,
    Gist,
    LoadedText,
    Original,
    Passage,
    PassageLabel,
    Provenance,
    Relation,
    Role,
    Segment,
    SentencePair,
    SourceFormat,
    Span,
    Timings,
)

__version__ = "0.1.0"

__all__ = [
    "BinaryInput",
    "Change",
    "ChangeKind",
    "CompareConfig",
    "CompareReport",
    "CopytrailError",
    "Coverage",
    "Document",
    "DocumentMeta",
    "Evidence",
    "Explanation",
    "Gist",
    "EmbedderError",
    "EngineError",
    "EmptyInput",
    "InputError",
    "InputNotFound",
    "InputTooLarge",
    "MissingEmbedder",
    "MissingExtra",
    "NotAFile",
    "NothingRead",
    "OutputError",
    "PairTooLong",
    "UnusableInput",
    "LoadedText",
    "Original",
    "Passage",
    "PassageLabel",
    "Provenance",
    "Relation",
    "Role",
    "Segment",
    "SentencePair",
    "SourceFormat",
    "Span",
    "Timings",
    "__version__",
    "compare",
    "compare_documents",
    "load_bytes",
    "load_text",
    "prepare_document",
]
