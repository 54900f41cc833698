"""Configuration of a scan, one frozen dataclass per stage; the CLI only fills these in."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field

from copytrail.cores import check_workers
from copytrail.embed import DEVICES, EMBEDDERS
from copytrail.ingest import DEFAULT_MAX_BYTES
from copytrail.normalize.common import CommonTextConfig
from copytrail.records import Relation

REUSE_RELATIONS = (Relation.DUPLICATE, Relation.NEAR_DUPLICATE, Relation.REWRITE, Relation.PARTIAL_REUSE)
#: What ``VerifyConfig.embedder`` and ``second_look`` accept (the CLI's choices come from here).
EMBEDDER_CHOICES: tuple[str, ...] = ("none", *EMBEDDERS)
#: Which member represents a cluster of copies in dedup (see :func:`copytrail.scan.dedup.choose_kept`).
KEEP_RULES: tuple[str, ...] = ("original", "earliest", "longest", "first")
#: Where a scan's data-parallel work runs (see :mod:`copytrail.executors`).
ENGINES: tuple[str, ...] = ("local", "spark")


@dataclass(frozen=True, slots=True)
class ReaderConfig:
    """Where a record's fields are, for JSONL, CSV and Parquet inputs.

    Attributes:
        id_field, text_field, date_field, source_field, url_field: field (column) names.
        max_bytes: documents larger than this (UTF-8 bytes) are skipped.
        suffixes: file endings read from folders (lower case).
    """

    id_field: str = "id"
    text_field: str = "text"
    date_field: str = "date"
    source_field: str = "source"
    url_field: str = "url"
    max_bytes: int = DEFAULT_MAX_BYTES
    suffixes: tuple[str, ...] = (".txt", ".htm", ".html")

    def __post_init__(self) -> None:
        if not self.id_field or not self.text_field:
            raise ValueError("id_field and text_field must be non-empty")
        if self.max_bytes <= 0:
            raise ValueError("max_bytes must be positive")
        if not self.suffixes or not all(s.startswith(".") and s == s.lower() for s in self.suffixes):
            raise ValueError(f"suffixes must be lower-case file endings such as '.txt', not {self.suffixes!r}")


@dataclass(frozen=True, slots=True)
class FingerprintConfig:
    """Shingles, MinHash and the rare n-gram index that propose candidate pairs.

    Attributes:
        shingle_words: words per MinHash shingle.
        num_perm, seed: MinHash permutations; signatures are comparable only when both match.
        lsh_threshold: Jaccard threshold MinHashLSH is tuned for (bands and rows follow from
            it). 0.3 lets heavily edited copies through; the pair engine decides later.
        ngram_words: words per n-gram in the rare n-gram index.
        rare_max_docs: n-grams in more documents than this are boilerplate or stock phrases
            and are dropped from the index (passim's ``--max-df`` idea).
        rare_min_shared: a pair is a candidate when it shares at least this many rare n-grams,
            each counted ``2 / df``: 1 when only the two documents have it, 0.1 when twenty
            do. Two documents that share phrases many others also share are weaker evidence
            of reuse between them; with plain counts, chance pairs of stock phrases grew
            39 times for 10 times the documents on the scale benchmark.
            5 (passim's ``--min-match``) still catches one lifted sentence of 9+ words; on
            the BBC folder, 3 doubled the pairs to verify and added only two weak matches.
        pair_words, pair_max_docs, pair_min_shared: a second rare n-gram index, over word
            pairs (bigrams) in at most ``pair_max_docs`` documents, for rewrites: a
            paraphrase or a machine translation breaks nearly every 5-gram but keeps
            its names and rare word pairs ("dilson funaro", "kherson region"). On the
            graded benchmark's corpus (10,421 documents) at 5 documents and 10 shared
            pairs it raised candidate recall for machine-translated copies from 0.66 to
            0.82 (randomly obfuscated 0.75 to 0.95) for 731 more candidates to verify.
            ``pair_min_shared=0`` turns it off.
        translation_embedder, translation_min_cosine, translation_neighbours: a fifth
            source, for translated copies (:mod:`copytrail.scan.translations`): each
            document's opening embedded with this multilingual embedder proposes its
            nearest neighbours in other languages from this cosine on. ``"none"`` (the
            default) turns it off; it costs an embedding per document. The cosine was
            chosen on the WMT DEV split (bench/wmt_scan.py --split dev): 0.4 proposed
            93-100 % of the translations in de, ru, ja and zh, 0.5 lost Japanese ones.
    """

    shingle_words: int = 5
    num_perm: int = 128
    seed: int = 1
    lsh_threshold: float = 0.3
    ngram_words: int = 5
    rare_max_docs: int = 20
    rare_min_shared: int = 5
    pair_words: int = 2
    pair_max_docs: int = 5
    pair_min_shared: int = 10
    translation_embedder: str = "none"
    translation_min_cosine: float = 0.4
    translation_neighbours: int = 3

    def __post_init__(self) -> None:
        if self.shingle_words < 1 or self.ngram_words < 1:
            raise ValueError("shingle_words and ngram_words must be >= 1")
        if self.num_perm < 2:
            raise ValueError("num_perm must be >= 2")
        if not 0.0 < self.lsh_threshold <= 1.0:
            raise ValueError("lsh_threshold must be in (0, 1]")
        if self.rare_max_docs < 2:
            raise ValueError("rare_max_docs must be >= 2 (an n-gram in one document pairs nothing)")
        if self.rare_min_shared < 1:
            raise ValueError("rare_min_shared must be >= 1")
        if self.pair_words < 1 or self.pair_max_docs < 2 or self.pair_min_shared < 0:
            raise ValueError("pair_words >= 1, pair_max_docs >= 2 and pair_min_shared >= 0 are needed")
        if self.translation_embedder not in EMBEDDER_CHOICES:
            raise ValueError(
                f"translation_embedder must be one of {', '.join(EMBEDDER_CHOICES)}, not {self.translation_embedder!r}"
            )
        if not -1.0 <= self.translation_min_cosine <= 1.0 or self.translation_neighbours < 1:
            raise ValueError("translation_min_cosine must be in [-1, 1] and translation_neighbours >= 1")


@dataclass(frozen=True, slots=True)
class VerifyConfig:
    """The full comparison of candidate pairs.

    Attributes:
        embedder: ``"none"`` (words only, fast) or an embedder name such as ``"minilm"``.
        keep: relations that count as reuse and are written to ``pairs.jsonl``.
        explain: name each kept pair's likely original (the explainer's provenance).
        explain_all: also find what changed in every kept pair, so that each saved report
            (``pair-reports.parquet``) carries its whole explanation. Off, only the pairs that
            get a compare page are explained in full, by the report stage: the changes were
            about a third of verifying a kept pair, and a page shows them for 200 pairs.
        second_look: an embedder name (``"minilm"``) to compare again, with sentence
            embeddings, the candidates that rare word pairs proposed and words alone
            rejected: machine-translated and reworded copies that only embeddings align.
            ``"none"`` skips it. On the scan benchmark it recovered 14 of the 27 such
            machine-translated copies, at about 4 s a pair on two CPU cores.
        translation_embedder: the multilingual embedder that compares the candidates the
            translation source proposed (``FingerprintConfig.translation_embedder``).
        device: where ``embedder`` and ``second_look`` run: ``"cpu"``, ``"cuda"`` or
            ``"auto"`` (:mod:`copytrail.embed.device`; the CPU whenever no GPU can be used).
        min_dense_rare_pairs: a candidate that only rare word pairs proposed, compared on
            words alone between two English texts, is called unrelated without comparing it
            when fewer of the rare word pairs the two share (those the index paired them on)
            lie within 100 words of each other (:mod:`copytrail.scan.scattered`). 3, the DEV
            rule's value: it lost no reported pair of the graded corpus in any split, nor of
            an independent scan of the PAN13 subset. 0 compares every such candidate.
        min_dense_shared: the same over the shared *content* word pairs, whatever their
            frequency. Off (0) by default: at 3, the DEV rule's value, it lost no pair of the
            graded corpus, but one true PAN13 pair of 19 in an independent scan; it trades
            that for speed.
        compare_all: compare every candidate with the pair engine: no candidate is decided
            without it, by the rules above or by :mod:`copytrail.scan.common_only`. Slower;
            for checking what those shortcuts skip.
    """

    embedder: str = "none"
    second_look: str = "none"
    keep: tuple[Relation, ...] = REUSE_RELATIONS
    explain: bool = True
    explain_all: bool = False
    translation_embedder: str = "none"
    device: str = "cpu"
    min_dense_rare_pairs: int = 3
    min_dense_shared: int = 0
    compare_all: bool = False

    @property
    def skips_scattered(self) -> bool:
        """Whether :mod:`copytrail.scan.scattered` may decide candidates: compared on words alone, no ``compare_all``.

        Its evidence is words; embeddings align rewrites that share no word pairs at all.
        """
        return not self.compare_all and self.embedder == "none" and self.second_look == "none"

    def __post_init__(self) -> None:
        # Checked here, not when the verify stage loads the model after reading and fingerprinting.
        for name in ("embedder", "second_look", "translation_embedder"):
            value = getattr(self, name)
            if value not in EMBEDDER_CHOICES:
                raise ValueError(f"{name} must be one of {', '.join(EMBEDDER_CHOICES)}, not {value!r}")
        if self.device not in DEVICES:
            raise ValueError(f"device must be one of {', '.join(DEVICES)}, not {self.device!r}")
        if not self.keep or not all(isinstance(r, Relation) for r in self.keep):
            raise ValueError(f"keep must be a non-empty tuple of Relation values, not {self.keep!r}")
        for name in ("min_dense_rare_pairs", "min_dense_shared"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must be >= 0 (0 compares every candidate), not {getattr(self, name)}")


@dataclass(frozen=True, slots=True)
class ScanConfig:
    """Everything that shapes a scan.

    Attributes:
        workers: processes of the local engine, or ``"auto"``: one per core for a stage
            with enough work to pay for starting them, else one
            (:class:`~copytrail.executors.local.LocalExecutor`). Results do not depend on it.
        engine: ``"local"`` (this machine: one process or ``workers``) or ``"spark"``;
            results do not depend on it.
        spark_master: the Spark master URL for ``engine="spark"`` (``local[*]``: every
            core of this machine; ``spark://host:7077``, ``yarn``, ``k8s://...``). None:
            the one spark-submit was given, else ``local[*]``.
        parquet: also write ``pairs.parquet`` and ``families.parquet``; None means when
            pyarrow is installed.
        progress: progress bars on stderr; None means when stderr is a terminal.
        force: recompute every stage even if a finished artifact matches.
        report: write ``report.html``, the collection report.
        compare_pages: how many pairs (the largest families' first) get a full compare
            page beside the report; the others show the command that makes one.
    """

    reader: ReaderConfig = field(default_factory=ReaderConfig)
    fingerprint: FingerprintConfig = field(default_factory=FingerprintConfig)
    verify: VerifyConfig = field(default_factory=VerifyConfig)
    common_text: CommonTextConfig = field(default_factory=CommonTextConfig)
    workers: int | str = "auto"
    engine: str = "local"
    spark_master: str | None = None
    parquet: bool | None = None
    progress: bool | None = None
    force: bool = False
    report: bool = True
    compare_pages: int = 200

    def __post_init__(self) -> None:
        check_workers(self.workers)
        if self.engine not in ENGINES:
            raise ValueError(f"engine must be one of {', '.join(ENGINES)}, not {self.engine!r}")
        if self.compare_pages < 0:
            raise ValueError("compare_pages must be >= 0")


def config_hash(*parts: object) -> str:
    """A short stable hash of config dataclasses and plain values (for resume keys)."""
    payload = [asdict(p) if hasattr(p, "__dataclass_fields__") else p for p in parts]
    text = json.dumps(payload, sort_keys=True, default=str)
    return hashlib.blake2b(text.encode(), digest_size=10).hexdigest()
