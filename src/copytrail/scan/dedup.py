"""Deduplicate a collection: one document per reuse family, plus every document in none."""

from __future__ import annotations

import json
import os
import shutil
import stat
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from copytrail.errors import OutputError
from copytrail.ingest.load import describe_file_type
from copytrail.pipeline.executor import Executor
from copytrail.records import Relation
from copytrail.scan.artifacts import ArtifactStore, pid_alive
from copytrail.scan.config import KEEP_RULES, ScanConfig
from copytrail.scan.families import DocumentFacts, build_families, family_id
from copytrail.scan.records import ReuseFamily, ReusePair, ScanDocument, to_json_dict
from copytrail.scan.run import DOCUMENTS, SKIPPED, ScanResult, scan

__all__ = [
    "DEDUP_RELATIONS",
    "KEEP_RULES",
    "DedupResult",
    "copy_clusters",
    "MemberFacts",
    "choose_kept",
    "dedup",
    "dedup_records",
]

Keep = Literal["original", "earliest", "longest", "first"]
DEDUP_RELATIONS = (Relation.DUPLICATE, Relation.NEAR_DUPLICATE)


@dataclass(frozen=True, slots=True)
class DedupResult:
    """What :func:`dedup` wrote and the scan behind it."""

    out_file: Path
    kept: int
    dropped: int
    scan: ScanResult
    clusters: int
    skipped_file: Path | None = None


@dataclass(frozen=True, slots=True)
class MemberFacts:
    """What the keep rules look at: input position, date and length."""

    position: int
    date: str | None
    length: int


def choose_kept(family: ReuseFamily, facts: Mapping[str, MemberFacts], keep: Keep) -> str:
    """The member of ``family`` that represents it.

    Args:
        family: the family.
        facts: position, date and length of (at least) the family's members.
        keep: ``original`` (the likely original where evidence names one, else a
            tie-break: earliest date, then longest), ``earliest`` (earliest date;
            undated last), ``longest`` (most characters) or ``first`` (first in input
            order). Ties fall back to input order.
    """
    if keep not in KEEP_RULES:
        raise ValueError(f"keep must be one of {', '.join(KEEP_RULES)}, not {keep!r}")
    members = [m for m in family.members if m in facts]
    if keep == "original" and family.original in facts:
        return family.original
    if keep == "original":
        # No original named: a tie-break that says nothing about who came first keeps the
        # copy with the most to read: the earliest dated, then the longest, then the first.
        return min(members, key=lambda m: (facts[m].date or "\uffff", -facts[m].length, facts[m].position))
    if keep == "earliest":
        # "\uffff" sorts after every real date, so undated members lose to dated ones.
        return min(members, key=lambda m: (facts[m].date or "\uffff", facts[m].position))
    if keep == "longest":
        return min(members, key=lambda m: (-facts[m].length, facts[m].position))
    return min(members, key=lambda m: facts[m].position)


def dedup_records(
    documents: Callable[[], Iterable[ScanDocument]], families: Iterable[ReuseFamily], keep: Keep = "original"
) -> Iterator[dict[str, Any]]:
    """Yield the kept documents in input order, each with ``cluster_id`` and ``cluster_size``.

    A document in no family is its own cluster, with the id a family would have had.

    Args:
        documents: called twice, each time for a fresh pass over the collection in input
            order (a list's ``__iter__``, or a reader of the scan's documents artifact):
            the first pass gathers the facts of family members only, so memory holds the
            families, never the collection.
        families: the scan's families.
        keep: which member represents a family (see :func:`choose_kept`).
    """
    if keep not in KEEP_RULES:
        raise ValueError(f"keep must be one of {', '.join(KEEP_RULES)}, not {keep!r}")
    families = list(families)
    cluster = {m: (fam.id, fam.size) for fam in families for m in fam.members}
    facts = {
        d.id: MemberFacts(position, d.date, len(d.text)) for position, d in enumerate(documents()) if d.id in cluster
    }
    kept = {choose_kept(fam, facts, keep) for fam in families}
    for doc in documents():
        cid, size = cluster.get(doc.id, (family_id(doc.id), 1))
        if size == 1 or doc.id in kept:
            yield {**to_json_dict(doc), "cluster_id": cid, "cluster_size": size}


def dedup(
    inputs: Iterable[str | os.PathLike[str]],
    out_file: str | os.PathLike[str],
    *,
    keep: Keep = "original",
    work_dir: str | os.PathLike[str] | None = None,
    config: ScanConfig | None = None,
    relations: Iterable[Relation] = DEDUP_RELATIONS,
    executor: Executor | None = None,
) -> DedupResult:
    """Scan a collection and write one document per cluster of copies, plus singletons, as JSONL.

    Clusters are the families that pairs of ``relations`` alone make. By default these
    are duplicates and near duplicates: an article that quotes two paragraphs of another
    (partial reuse) or retells it (rewrite) is a document of its own, and following
    those links would chain whole topics into one cluster and drop them.

    Args:
        inputs: as for :func:`copytrail.scan.scan`.
        out_file: the JSONL file to write (atomically).
        keep: which member represents a cluster (see :func:`choose_kept`).
        relations: the pair relations that make two documents copies of each other.
        work_dir: where the scan's artifacts go (kept, and resumed on rerun); a
            temporary folder, removed afterwards, when None.
        config: the scan's configuration (defaults when None).
        executor: run the scan on this executor instead of the one ``config.engine`` names.

    Returns:
        The counts, the scan, and ``skipped_file``: the list of skipped documents, copied
        beside ``out_file`` as ``<name>.skipped.jsonl`` when there are any (the scan's own
        copy goes with its temporary folder).

    Note:
        The temporary folder's name carries the process id; a dedup killed before it could
        remove it (SIGKILL) leaves it behind, and the next dedup removes it.
    """
    if keep not in KEEP_RULES:
        raise ValueError(f"keep must be one of {', '.join(KEEP_RULES)}, not {keep!r}")
    inputs = list(inputs)
    out_file = output_file(inputs, out_file)
    if work_dir is not None:
        return _dedup(inputs, out_file, Path(work_dir), keep, config, relations, executor)
    remove_stale_work_dirs()
    with tempfile.TemporaryDirectory(prefix=f"{_TMP_PREFIX}{os.getpid()}-") as tmp:
        return _dedup(inputs, out_file, Path(tmp), keep, config, relations, executor)


def skip_list_file(out: Path) -> Path:
    """Where the list of skipped documents goes beside ``out``: ``<name>.skipped.jsonl``."""
    return out.with_name(f"{out.stem if out.suffix else out.name}.skipped.jsonl")


def output_file(inputs: Iterable[str | os.PathLike[str]], out_file: str | os.PathLike[str]) -> Path:
    """The file dedup writes, checked before any work: its folder is made, and nothing it would harm is there.

    A symlink is followed (its target is written, the link stays). Refused with
    :class:`~copytrail.errors.OutputError`: an empty name; a path whose folder cannot be
    made; an output or skip list that is an input, or a file inside an input folder (dedup
    replaces the file it writes, and its skip list is removed when nothing is skipped); a
    FIFO, device or socket, which replacing would destroy.
    """
    if not os.fspath(out_file):
        raise OutputError("--out", "is empty; give the JSONL file to write, such as unique.jsonl")
    out = Path(os.path.realpath(out_file)) if os.path.islink(out_file) else Path(out_file)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(
            str(out_file), f"its folder cannot be made ({exc.strerror or exc}); choose another path"
        ) from None
    sources = [Path(os.path.realpath(x)) for x in inputs]
    for target in (Path(os.path.realpath(out)), Path(os.path.realpath(skip_list_file(out)))):
        if target.is_dir():
            raise OutputError(str(target), "is a folder; give a file name such as unique.jsonl")
        if not target.exists():
            continue
        mode = target.stat().st_mode
        if not stat.S_ISREG(mode):
            raise OutputError(str(target), f"is {describe_file_type(mode)}; give a regular file to write")
        if any(target == x or x in target.parents for x in sources):
            raise OutputError(str(target), "is one of the inputs or inside an input folder; write elsewhere")
    return out


_TMP_PREFIX = "copytrail-dedup-"


def remove_stale_work_dirs(tmp_root: str | os.PathLike[str] | None = None) -> list[Path]:
    """Remove the temporary folders of dedup runs whose process no longer runs; returns them."""
    root = Path(tmp_root) if tmp_root is not None else Path(tempfile.gettempdir())
    removed: list[Path] = []
    for entry in root.glob(f"{_TMP_PREFIX}*-*"):
        pid = entry.name[len(_TMP_PREFIX) :].split("-", 1)[0]
        if pid.isdigit() and entry.is_dir() and not pid_alive(int(pid)):
            shutil.rmtree(entry, ignore_errors=True)
            removed.append(entry)
    return removed


def _dedup(
    inputs: Iterable[str | os.PathLike[str]],
    out_file: str | os.PathLike[str],
    where: Path,
    keep: Keep,
    config: ScanConfig | None,
    relations: Iterable[Relation],
    executor: Executor | None,
) -> DedupResult:
    result = scan(inputs, where, config=config, executor=executor)
    stored = ArtifactStore(where)

    def documents() -> Iterator[ScanDocument]:
        return stored.read_jsonl(DOCUMENTS, ScanDocument)

    clusters = copy_clusters(result.pairs, documents, set(relations))
    out = Path(out_file)
    kept = 0
    with ArtifactStore(out.parent).atomic(out.name) as fh:
        for record in dedup_records(documents, clusters, keep):
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
            kept += 1
    skipped_file = skip_list_file(out)
    if result.skipped:
        with ArtifactStore(out.parent).atomic(skipped_file.name, "wb") as fh:
            fh.write(stored.path(SKIPPED).read_bytes())
    else:
        skipped_file.unlink(missing_ok=True)  # an earlier run's list would describe other inputs
    return DedupResult(
        out_file=out,
        kept=kept,
        dropped=result.documents - kept,
        scan=result,
        clusters=len(clusters),
        skipped_file=skipped_file if result.skipped else None,
    )


def copy_clusters(
    pairs: Iterable[ReusePair], documents: Callable[[], Iterable[ScanDocument]], relations: set[Relation]
) -> list[ReuseFamily]:
    """The families that pairs of ``relations`` make, with their likely originals."""
    copies = [p for p in pairs if p.relation in relations]
    members = {p.id_a for p in copies} | {p.id_b for p in copies}
    facts = {d.id: DocumentFacts(d.date, len(d.text)) for d in documents() if d.id in members}
    return build_families(copies, facts)
