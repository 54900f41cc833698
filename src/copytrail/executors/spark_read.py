"""Spark reads JSONL and Parquet inputs itself, with the local reader's rules, in parallel.

The local reader streams every input through the driver; at scale that stream is the
bottleneck, and it cannot open ``hdfs://`` or ``s3a://``. Here Spark reads the files and
its Python workers apply the readers' per-record rules
(:func:`~copytrail.scan.readers.jsonl_line_item`, :func:`~copytrail.scan.readers.record_to_item`),
so documents and skip records are byte for byte those of the local reader:

1. **list**: every input (a file, a folder, a glob pattern or a URI) becomes its files,
   sorted, through Hadoop's file systems (whatever connectors the cluster has);
2. **number**: JSONL is read as lines (not with ``spark.read.json``: the per-line rules
   are Python's ``json``, and a skipped line keeps its number); a first, cheap pass counts
   the lines of every split of a file, so each worker knows the number of its first line.
   Parquet rows are numbered by Spark (``_metadata.row_index``);
3. **map**: each record becomes a document or a skip, written to a staging dataset;
4. **settle ids**: documents that share an id are grouped (a shuffle of ids and positions
   only) and settled in input order by :func:`~copytrail.scan.readers.settle_ids`: the first
   keeps it, later ones are skipped as duplicates;
5. **write**: documents and skips sorted by input position are written as text by the
   executors; the driver joins the sorted parts into ``documents.jsonl`` and
   ``documents-skipped.jsonl`` (a byte copy, no parsing).

Folders of .txt/.html files, CSV/TSV and WARC are read on the driver, as by the local
executor. A plain path is a file of the driver: Spark reads it in local mode only; on a
cluster, give a URI the executors can open (``hdfs://``, ``s3a://``, ``file://`` on a
shared mount).
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa

from copytrail.errors import EngineError, InputNotFound, UnusableInput
from copytrail.scan.artifacts import ArtifactStore
from copytrail.scan.config import ReaderConfig
from copytrail.scan.readers import (
    input_kind,
    is_made_up,
    jsonl_line_item,
    kind_by_name,
    record_to_item,
    settle_ids,
    spark_only,
)
from copytrail.scan.records import ScanDocument, SkippedDocument, to_json_dict
from copytrail.scan.tally import ReadSummary, reason_kind

__all__ = ["SPARK_FORMATS", "InputFile", "SparkInput", "plan_inputs", "read_with_spark"]

#: What Spark reads itself; every other format is read on the driver.
SPARK_FORMATS = ("jsonl", "parquet")
_SPARK_HINT = (
    "Spark reads JSONL (.jsonl, .ndjson, optionally .gz) and Parquet (.parquet, .pq); folders of "
    ".txt/.html files, CSV/TSV and WARC are read on the driver from local paths"
)

# One row per record a reader took in: where it was (input, file rank, line), and what it became.
_ITEM_SCHEMA = pa.schema(
    [
        ("input", pa.int32()),
        ("rank", pa.int32()),
        ("line", pa.int64()),
        ("doc", pa.bool_()),
        ("id", pa.string()),
        ("made_up", pa.bool_()),
        ("text", pa.string()),
        ("date", pa.string()),
        ("source", pa.string()),
        ("url", pa.string()),
        ("language", pa.string()),
        ("file", pa.string()),  # a skip's file
        ("reason", pa.string()),  # a skip's reason
    ]
)
_SETTLED_SCHEMA = pa.schema(
    [
        ("input", pa.int32()),
        ("rank", pa.int32()),
        ("line", pa.int64()),
        ("final_id", pa.string()),
        ("duplicate", pa.string()),  # the skip reason of a later document with a taken id
        ("holder", pa.int32()),  # the input of the document that has the id
    ]
)
_EXAMPLES = 5  # skips kept as examples for messages, as the local read tally keeps
_LINES_SCHEMA = pa.schema(
    [
        ("input", pa.int32()),
        ("rank", pa.int32()),
        ("line", pa.int64()),
        ("is_doc", pa.bool_()),
        ("value", pa.string()),
        ("kind", pa.string()),
        ("chars", pa.int64()),
    ]
)


@dataclass(frozen=True)
class InputFile:
    """One file Spark reads: its URI as Spark names it, the name skip records give it, its format."""

    uri: str
    shown: str
    kind: str
    size: int
    mtime: int


@dataclass(frozen=True)
class SparkInput:
    """An input as given, and its files in reading order."""

    given: str
    key: str  # how the read tally names it (the local reader's ``str(Path(given))`` for a path)
    files: tuple[InputFile, ...]


# --- listing ----------------------------------------------------------------------------


def _spark_kind(name: str, config: ReaderConfig) -> str | None:
    kind = kind_by_name(name, config)
    return kind if kind in SPARK_FORMATS else None


def _spark_reads_folder(folder: Path, config: ReaderConfig) -> bool:
    """Whether Spark reads the local folder ``folder``: it holds JSONL or Parquet files and nothing the driver reads."""
    found = False
    for _root, dirnames, filenames in os.walk(folder):
        dirnames[:] = [d for d in dirnames if not d.startswith((".", "_"))]
        for name in filenames:
            if name.startswith((".", "_")):
                continue
            if Path(name).suffix.lower() in config.suffixes:
                return False  # a folder of .txt/.html files, read as today
            found = found or _spark_kind(name, config) is not None
    return found


def plan_inputs(spark: Any, inputs: Sequence[str], config: ReaderConfig) -> list[SparkInput] | None:
    """The inputs with their files if Spark reads them all; None if the driver reads them (local paths only).

    Raises:
        InputNotFound: a URI or glob pattern matches nothing.
        UnusableInput: an input Spark must read (a URI) is in a format only the driver reads,
            or a URI's scheme has no file system here.
    """
    local_mode = str(spark.sparkContext.master).startswith("local")
    spark_read: list[bool] = []
    for given in inputs:
        if spark_only(given) is not None:
            spark_read.append(True)
        elif not local_mode:
            spark_read.append(False)  # a path of the driver, which a cluster's executors may not see
        else:
            path = Path(given)
            kind = input_kind(path, config)
            spark_read.append(kind in SPARK_FORMATS or (kind == "folder" and _spark_reads_folder(path, config)))
    if not any(spark_only(given) for given in inputs) and not all(spark_read):
        return None  # the driver reads them all, as the local executor does
    for given, by_spark in zip(inputs, spark_read):
        if not by_spark:
            uri = next(i for i in inputs if spark_only(i))
            raise UnusableInput(
                given,
                f"is read on the driver, and {uri} only by Spark; {_SPARK_HINT}: scan them separately, "
                "or copy them to local paths",
            )
    return [_list_input(spark, given, config) for given in inputs]


def _list_input(spark: Any, given: str, config: ReaderConfig) -> SparkInput:
    jvm = spark._jvm
    hadoop = spark._jsc.hadoopConfiguration()
    remote = spark_only(given)
    if remote is None:
        # A local path: qualified, so that a cluster's default file system (HDFS) does not claim it.
        local = Path(given).resolve()
        path = jvm.org.apache.hadoop.fs.Path("file://" + str(local))
    else:
        path = jvm.org.apache.hadoop.fs.Path(given)
    try:
        fs = path.getFileSystem(hadoop)
    except Exception as exc:  # py4j wraps Hadoop's "No FileSystem for scheme"
        raise UnusableInput(
            given,
            f"cannot be opened ({_first_line(exc)}); Spark needs the connector of its scheme "
            "(s3a://: the hadoop-aws package, e.g. --packages org.apache.hadoop:hadoop-aws:<Spark's Hadoop version>)",
        ) from None
    if remote is None:
        statuses = [fs.getFileStatus(path)]  # no glob: a path is taken as it is named
    else:
        statuses = list(fs.globStatus(path) or [])
        if not statuses:
            raise InputNotFound(given, f"matches no file or folder; check the {remote[2:]}")
    # One file given by its name is named as given, as the local reader names it.
    as_given = remote != "a glob pattern" and len(statuses) == 1 and not statuses[0].isDirectory()
    files: list[InputFile] = []
    for status in statuses:
        if status.isDirectory():
            root = str(status.getPath().toUri().getPath())
            listing = fs.listFiles(status.getPath(), True)
            while listing.hasNext():
                found = listing.next()
                relative = str(found.getPath().toUri().getPath())[len(root) :]
                if any(part.startswith((".", "_")) for part in relative.split("/") if part):
                    continue  # hidden, and Spark's own markers (_SUCCESS)
                files.append(_input_file(found, given, remote, config))
        else:
            files.append(_input_file(status, given, remote, config))
    if as_given:
        name = str(Path(given)) if remote is None else given
        files = [InputFile(f.uri, name, f.kind, f.size, f.mtime) for f in files]
    files.sort(key=lambda f: f.uri)
    key = given if remote is not None else str(Path(given))
    return SparkInput(given, key, tuple(files))


def _input_file(status: Any, given: str, remote: str | None, config: ReaderConfig) -> InputFile:
    path = status.getPath()
    kind = _spark_kind(str(path.getName()), config)
    if kind is None:
        raise UnusableInput(str(path.toString()), f"is in {given}, and is no JSONL or Parquet file; {_SPARK_HINT}")
    shown = str(path.toUri().getPath()) if remote is None else str(path.toString())
    uri = _file_key(str(path.toUri().toString()))
    return InputFile(uri, shown, kind, int(status.getLen()), int(status.getModificationTime()))


def _file_key(uri: str) -> str:
    """A file's URI as Spark's ``_metadata.file_path`` gives it: percent-encoded (as ``toUri()``), ``file:/x`` for ``file:///x``."""
    return "file:/" + uri[len("file:///") :] if uri.startswith("file:///") else uri


def spark_signature(plan: Sequence[SparkInput]) -> list[list[Any]]:
    """The resume signature of inputs Spark reads: every file, its size and modification time."""
    return [[item.given, f.uri, f.size, f.mtime] for item in plan for f in item.files]


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return (lines[0] if lines else type(exc).__name__)[:200]


# --- worker side --------------------------------------------------------------------------


def _item_rows(
    items: Iterator[tuple[int, int, int, ScanDocument | SkippedDocument]],
) -> pa.RecordBatch:
    rows: dict[str, list[Any]] = {name: [] for name in _ITEM_SCHEMA.names}
    for input_number, rank, line, item in items:
        rows["input"].append(input_number)
        rows["rank"].append(rank)
        rows["line"].append(line)
        is_doc = isinstance(item, ScanDocument)
        rows["doc"].append(is_doc)
        rows["id"].append(None if item.id is None else str(item.id))
        rows["made_up"].append(item.id is not None and is_made_up(item.id))
        for name in ("text", "date", "source", "url", "language"):
            rows[name].append(getattr(item, name) if is_doc else None)
        rows["file"].append(None if is_doc else item.file)
        rows["reason"].append(None if is_doc else item.reason)
    return pa.RecordBatch.from_pydict(rows, schema=_ITEM_SCHEMA)


@dataclass(frozen=True)
class _LineNumbers:
    """What numbers a JSONL file's lines as the local reader does, worked out by a pass that counts lines.

    Attributes:
        first: lines before each split (file URI, split start).
        bare_last: files whose last line has no line break (the local reader parses it without one).
        bom: files that start with a UTF-8 byte order mark (Hadoop drops it; the local reader does not).
        totals: lines per file.
    """

    first: dict[tuple[str, int], int]
    bare_last: frozenset[str]
    bom: frozenset[str]
    totals: dict[str, int]


_BOM = b"\xef\xbb\xbf"


def _jsonl_mapper(
    files: dict[str, tuple[int, int, str]], numbers: _LineNumbers, config: ReaderConfig
) -> Callable[[Iterator[pa.RecordBatch]], Iterator[pa.RecordBatch]]:
    """Lines to items; ``files`` maps a file's URI to (input, rank, name shown)."""

    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        # A task reads each of its splits whole and in order, so a running count numbers its lines.
        read: Counter[tuple[str, int]] = Counter()
        for batch in batches:
            found = []
            for raw, uri, block in zip(
                batch.column("raw").to_pylist(), batch.column("file").to_pylist(), batch.column("block").to_pylist()
            ):
                key = _file_key(uri)
                split = (key, block)
                # Both passes see the same splits (one DataFrame, one listing); a split the
                # count did not see would misnumber lines, so it fails the read instead.
                line = numbers.first[split] + read[split] + 1
                read[split] += 1
                # The bytes the local reader sees: the line with its break, the file's BOM on line 1.
                if not (line == numbers.totals.get(key) and key in numbers.bare_last):
                    raw += b"\n"
                if line == 1 and key in numbers.bom:
                    raw = _BOM + raw
                input_number, rank, shown = files[key]
                item = jsonl_line_item(raw, shown, line, config)
                if item is not None:
                    found.append((input_number, rank, line, item))
            yield _item_rows(iter(found))

    return run


def _parquet_mapper(
    files: dict[str, tuple[int, int, str]], config: ReaderConfig
) -> Callable[[Iterator[pa.RecordBatch]], Iterator[pa.RecordBatch]]:
    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            found = []
            for record, uri, row in zip(
                batch.column("record").to_pylist(), batch.column("file").to_pylist(), batch.column("row").to_pylist()
            ):
                input_number, rank, shown = files[_file_key(uri)]
                found.append((input_number, rank, row + 1, record_to_item(record, shown, row + 1, config)))
            yield _item_rows(iter(found))

    return run


def _settle_mapper(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """Each group of documents that share an id (members sorted by position) settled by :func:`settle_ids`."""
    for batch in batches:
        rows: dict[str, list[Any]] = {name: [] for name in _SETTLED_SCHEMA.names}
        for doc_id, members in zip(batch.column("id").to_pylist(), batch.column("members").to_pylist()):
            settled = settle_ids(doc_id, [m["made_up"] for m in members])
            holder = next(m["input"] for m, (final, _) in zip(members, settled) if final == doc_id)
            for member, (final, duplicate) in zip(members, settled):
                rows["input"].append(member["input"])
                rows["rank"].append(member["rank"])
                rows["line"].append(member["line"])
                rows["final_id"].append(final)
                rows["duplicate"].append(duplicate)
                rows["holder"].append(holder if duplicate is not None else None)
        yield pa.RecordBatch.from_pydict(rows, schema=_SETTLED_SCHEMA)


def _lines_mapper(keys: list[str]) -> Callable[[Iterator[pa.RecordBatch]], Iterator[pa.RecordBatch]]:
    """Documents and skips to the JSON lines the local reader writes, with their positions (``keys``: the inputs)."""

    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            values, kinds, chars = [], [], []
            for row in batch.to_pylist():
                item: ScanDocument | SkippedDocument
                if row["duplicate"] is not None:
                    item = SkippedDocument(keys[row["holder"]], None, row["duplicate"], row["id"])
                elif row["doc"]:
                    doc_id = row["final_id"] if row["final_id"] is not None else row["id"]
                    item = ScanDocument(doc_id, row["text"], row["date"], row["source"], row["url"], row["language"])
                else:
                    item = SkippedDocument(row["file"], row["line"], row["reason"], row["id"])
                values.append(json.dumps(to_json_dict(item), ensure_ascii=False))
                is_doc = isinstance(item, ScanDocument)
                kinds.append(None if is_doc else reason_kind(item.reason))
                chars.append(len(item.text) if is_doc else 0)
            columns = [batch.column(name) for name in ("input", "rank", "line", "is_doc")]
            columns += [pa.array(values, pa.string()), pa.array(kinds, pa.string()), pa.array(chars, pa.int64())]
            yield pa.RecordBatch.from_arrays(columns, schema=_LINES_SCHEMA)

    return run


# --- the read -----------------------------------------------------------------------------


def read_with_spark(
    spark: Any,
    plan: Sequence[SparkInput],
    config: ReaderConfig,
    documents: Path,
    skipped: Path,
    *,
    advance: Callable[[int], None] | None = None,
) -> ReadSummary:
    """Read the planned inputs with Spark into ``documents`` and ``skipped``; see the module's description."""
    from pyspark.sql import functions as F  # noqa: N812 - Spark's own convention
    from pyspark.sql.pandas.types import from_arrow_schema

    staging = documents.parent / f".spark-read-{uuid.uuid4().hex[:12]}"
    files = {f.uri: (n, rank, f.shown) for n, item in enumerate(plan) for rank, f in enumerate(item.files)}
    keys = [item.key for item in plan]
    item_type = from_arrow_schema(_ITEM_SCHEMA)
    try:
        parts = []
        jsonl = [f.uri for item in plan for f in item.files if f.kind == "jsonl"]
        if jsonl:
            lines = spark.read.option("lineSep", "\n").text(jsonl)
            lines = lines.select(
                F.col("value").cast("binary").alias("raw"),
                F.col("_metadata.file_path").alias("file"),
                F.col("_metadata.file_block_start").alias("block"),
            )
            sizes = {f.uri: f.size for item in plan for f in item.files}
            numbers = _line_numbers(lines, sizes)
            parts.append(lines.mapInArrow(_jsonl_mapper(files, numbers, config), item_type))
        for item in plan:
            parquet = [f.uri for f in item.files if f.kind == "parquet"]
            if parquet:
                parts.append(_parquet_items(spark, item.given, parquet, files, config, item_type))
        if not parts:  # folders or globs without a file: nothing read, which the read stage reports
            return _nothing(keys, documents, skipped)
        items_path = staging / "items"
        union = parts[0]
        for part in parts[1:]:
            union = union.unionByName(part)
        union.write.mode("overwrite").parquet(str(items_path))
        items = spark.read.parquet(str(items_path))
        out = _settled(items)
        summary = _write_outputs(spark, out, keys, staging, documents, skipped)
    except (InputNotFound, UnusableInput, EngineError):
        raise
    except Exception as exc:  # py4j and pyspark raise many types; the first line says what happened
        raise EngineError(
            f"Spark could not read the inputs ({type(exc).__name__}: {_first_line(exc)}); check them, "
            "or scan with --engine local"
        ) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    if advance is not None:
        advance(summary.documents + summary.skipped)
    return summary


def _nothing(keys: list[str], documents: Path, skipped: Path) -> ReadSummary:
    summary = ReadSummary()
    for key in keys:
        summary.tally.start_input(key)
    for target in (documents, skipped):
        with ArtifactStore(target.parent).atomic(target.name):
            pass
    return summary


def _line_numbers(lines: Any, sizes: dict[str, int]) -> _LineNumbers:
    """Count the lines of every split (a pass that parses nothing); see :class:`_LineNumbers`.

    Hadoop's line reader drops each line's break and a UTF-8 BOM at the start of a file;
    the bytes it returns tell which: an uncompressed file of ``size`` bytes returns
    ``size`` bytes and one break per line, one break less if its last line has none, and
    3 bytes less after a BOM. (A .gz file's size says nothing: its last line is taken to
    end with a break, as nearly every writer leaves it.)
    """
    from pyspark.sql import functions as F  # noqa: N812

    counted = lines.groupBy("file", "block").agg(
        F.count(F.lit(1)).alias("lines"), F.sum(F.octet_length("raw") + 1).alias("bytes")
    )
    first: dict[tuple[str, int], int] = {}
    totals: Counter[str] = Counter()
    read: Counter[str] = Counter()
    for row in sorted(counted.collect(), key=lambda r: (_file_key(r["file"]), r["block"])):
        key = _file_key(row["file"])
        first[(key, row["block"])] = totals[key]
        totals[key] += row["lines"]
        read[key] += row["bytes"]
    bare_last, bom = set(), set()
    for key, returned in read.items():
        size = sizes.get(key)
        if size is None or key.lower().endswith(".gz"):
            continue
        missing = size - returned  # 0: as expected; -1: no last break; 3: a BOM; 2: both
        if missing in (-1, 2):
            bare_last.add(key)
        if missing in (2, 3):
            bom.add(key)
    return _LineNumbers(first, frozenset(bare_last), frozenset(bom), dict(totals))


def _parquet_items(
    spark: Any,
    given: str,
    uris: list[str],
    files: dict[str, tuple[int, int, str]],
    config: ReaderConfig,
    item_type: Any,
) -> Any:
    from pyspark.sql import functions as F  # noqa: N812

    table = spark.read.parquet(*uris)
    names = table.columns
    if config.text_field not in names:
        shown = ", ".join(names[:12]) or "none"
        raise UnusableInput(given, f"has no {config.text_field!r} column (columns: {shown}); name it with --text-field")
    wanted = [
        c
        for c in (config.id_field, config.text_field, config.date_field, config.source_field, config.url_field)
        if c in names
    ]
    rows = table.select(
        F.struct(*[F.col(f"`{c}`") for c in wanted]).alias("record"),
        F.col("_metadata.file_path").alias("file"),
        F.col("_metadata.row_index").alias("row"),
    )
    return rows.mapInArrow(_parquet_mapper(files, config), item_type)


def _settled(items: Any) -> Any:
    """Every item with its final id, or the duplicate reason of a document whose id an earlier one has."""
    from pyspark.sql import functions as F  # noqa: N812
    from pyspark.sql.pandas.types import from_arrow_schema

    docs = items.where(F.col("doc"))
    position = ["input", "rank", "line"]
    shared = docs.groupBy("id").count().where(F.col("count") > 1).select("id")
    members = docs.join(shared, "id", "left_semi").select("id", F.struct(*position, "made_up").alias("m"))
    groups = members.groupBy("id").agg(F.sort_array(F.collect_list("m")).alias("members"))
    settled = groups.mapInArrow(_settle_mapper, from_arrow_schema(_SETTLED_SCHEMA))
    return items.join(settled, position, "left")


def _write_outputs(spark: Any, out: Any, keys: list[str], staging: Path, documents: Path, skipped: Path) -> ReadSummary:
    from pyspark.sql import functions as F  # noqa: N812
    from pyspark.sql.pandas.types import from_arrow_schema

    position = ["input", "rank", "line"]
    lines_type = from_arrow_schema(_LINES_SCHEMA)
    is_doc = F.col("doc") & F.col("duplicate").isNull()
    summary = ReadSummary()
    tally = summary.tally
    for key in keys:
        tally.start_input(key)
    # Every item as its JSON line, once: the sorted write and the counts read them.
    mapped_path = staging / "lines"
    as_lines = out.withColumn("is_doc", is_doc).mapInArrow(_lines_mapper(keys), lines_type)
    as_lines.write.mode("overwrite").parquet(str(mapped_path))
    written = spark.read.parquet(str(mapped_path))
    # One global sort writes both files: sorted by (is_doc, position), each value's part files
    # hold its lines in order, and the write needs no sort of its own.
    sorted_out = staging / "sorted"
    ordered = written.orderBy("is_doc", *position).select("is_doc", "value")
    ordered.write.mode("overwrite").partitionBy("is_doc").text(str(sorted_out))
    _concatenate(sorted_out / "is_doc=true", documents)
    _concatenate(sorted_out / "is_doc=false", skipped)
    counts = written.groupBy("input", "is_doc", "kind").agg(F.count(F.lit(1)).alias("n"), F.sum("chars").alias("c"))
    for row in counts.collect():
        key = keys[row["input"]]
        tally.taken_in += row["n"]
        if row["is_doc"]:
            summary.documents += row["n"]
            summary.characters += row["c"] or 0
            tally.documents += row["n"]
            tally.per_input[key][0] += row["n"]
        else:
            summary.skipped += row["n"]
            tally.skipped[row["kind"]] += row["n"]
            tally.per_input[key][1] += row["n"]
    with open(skipped, encoding="utf-8") as fh:
        for line in itertools.islice(fh, _EXAMPLES):
            skip = json.loads(line)
            tally.examples.append((skip["file"], skip["line"], skip["reason"]))
    return summary


def _concatenate(folder: Path, target: Path) -> None:
    """Join the part files Spark wrote into ``folder`` (in partition order: the sort order) into ``target``."""
    parts = sorted(p for p in folder.iterdir() if p.name.startswith("part-")) if folder.is_dir() else []
    with ArtifactStore(target.parent).atomic(target.name, "wb") as out:
        for part in parts:
            with open(part, "rb") as fh:
                shutil.copyfileobj(fh, out, 1 << 20)
