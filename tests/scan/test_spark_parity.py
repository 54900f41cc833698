"""The Spark executor and the local one find the same candidates, pairs, families and kept documents.

The corpus is a few hundred documents of the graded benchmark's kinds (bench/_scan_corpus.py):
exact, lightly and heavily edited copies, lifted passages, human and machine rewrites
(Clough, PAN13, Kherson), real BBC duplicates, and pages that share only a site's chrome.
Spark runs in local mode on two cores (``local[2]``), as a cluster would run it, one task
per partition.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import sys
from pathlib import Path
from unittest.mock import ANY

import numpy as np
import pytest

from copytrail.normalize.common import CommonText
from copytrail.scan import ScanConfig, dedup, scan
from tests.conftest import BBC, require_shared

pytest.importorskip("datasketch")
pytest.importorskip("pyspark")

# Under CI the Java runtime is installed by .ci/run; a missing one must fail the run, not skip it.
if shutil.which("java") is None and os.environ.get("CI") != "true":
    pytest.skip("Spark needs a Java runtime (Debian: default-jre-headless)", allow_module_level=True)

ARTIFACTS = ("documents.jsonl", "candidates.jsonl", "pairs.jsonl", "families.jsonl", "documents-skipped.jsonl")


def _corpus(folder: Path) -> Path:
    """Every made copy, rewrite and site page of a small graded corpus, with their sources and 100 more BBC stories."""
    require_shared(BBC)
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    try:
        import _scan_corpus as builder
    finally:
        sys.path.pop(0)
    corpus = builder.build(builder.CorpusParams(per_kind=6, pan_per_category=1, reuters_limit=300, site_pages=2))
    in_pairs = {x for a, b, _ in corpus.positives + corpus.negatives for x in (a, b)}
    plain = sorted(i for i, t in corpus.truth.items() if t["group"] in ("bbc", "reuters") and i not in in_pairs)
    keep = {i for i, t in corpus.truth.items() if t["group"] not in ("bbc", "reuters")} | in_pairs
    keep |= set(random.Random(7).sample(plain, 100))
    path = folder / "corpus.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        for doc_id in sorted(keep, key=lambda i: random.Random(i).random()):
            fh.write(json.dumps(corpus.docs[doc_id], ensure_ascii=False) + "\n")
    return path


def _halves(corpus: Path) -> tuple[Path, Path]:
    """The corpus as two inputs: its first half as JSONL, its second as Parquet (in row groups of 50)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    lines = corpus.read_text(encoding="utf-8").splitlines(keepends=True)
    half = len(lines) // 2
    jsonl, parquet = corpus.with_name("first.jsonl"), corpus.with_name("second.parquet")
    jsonl.write_text("".join(lines[:half]), encoding="utf-8")
    rows = [json.loads(line) for line in lines[half:]]
    columns = {name: [r.get(name) for r in rows] for name in ("id", "text", "date", "source", "url")}
    pq.write_table(pa.table(columns), parquet, row_group_size=50)
    return jsonl, parquet


@pytest.fixture(scope="module")
def spark_executor():  # noqa: ANN201
    from copytrail.executors.spark import SparkExecutor

    executor = SparkExecutor("local[2]", conf={"spark.ui.enabled": "false", "spark.sql.shuffle.partitions": "8"})
    yield executor
    executor.close()


@pytest.mark.slow
def test_spark_and_local_executors_agree(tmp_path: Path, spark_executor) -> None:  # noqa: ANN001
    jsonl, parquet = _halves(_corpus(tmp_path))
    config = ScanConfig(progress=False, report=False)
    # Spark reads both inputs itself, the JSONL one given as a URI.
    local_inputs, spark_inputs = [jsonl, parquet], [jsonl.as_uri(), parquet]
    local = scan(local_inputs, tmp_path / "local", config=config)
    spark = scan(spark_inputs, tmp_path / "spark", config=config, executor=spark_executor)

    assert 300 <= local.documents <= 600
    kinds = {p.relation.value for p in local.pairs}
    assert {"duplicate", "near_duplicate", "rewrite", "partial_reuse"} <= kinds, kinds
    assert spark.stats["engine"] == "spark" and local.stats["engine"] == "local"
    assert spark.stats["stages"]["read"] == {**local.stats["stages"]["read"], "seconds": ANY}
    # Common text: counted on the driver locally, with Spark shuffles on Spark; the same model.
    assert spark.stats["stages"]["common"] == {**local.stats["stages"]["common"], "seconds": ANY}
    common = tmp_path / "local" / "common-text.npz"
    assert (tmp_path / "spark" / "common-text.npz").read_bytes() == common.read_bytes()
    learned = CommonText.load(common)
    assert len(learned.collection_keys) and len(learned.source_keys), "the corpus must have stock text and chrome"
    for name in ARTIFACTS:
        assert (tmp_path / "spark" / name).read_text() == (tmp_path / "local" / name).read_text(), name
    assert spark.pairs == local.pairs and spark.families == local.families
    # Verify's shortcuts (copytrail.scan.common_only, copytrail.scan.scattered) decide the same candidates.
    verify = local.stats["stages"]["verify"]
    assert spark.stats["stages"]["verify"] == {**verify, "seconds": ANY, "compare_seconds": ANY, "workers": ANY}
    assert verify["common_only"] > 0 and verify["scattered_rare"] > 0, verify

    kept_local = dedup(local_inputs, tmp_path / "kept-local.jsonl", work_dir=tmp_path / "local", config=config)
    kept_spark = dedup(
        spark_inputs, tmp_path / "kept-spark.jsonl", work_dir=tmp_path / "spark", config=config, executor=spark_executor
    )
    assert kept_local.dropped > 0
    assert (tmp_path / "kept-spark.jsonl").read_text() == (tmp_path / "kept-local.jsonl").read_text()
    assert kept_spark.kept == kept_local.kept


def _awkward_jsonl(path: Path) -> None:
    """Every kind of line the JSONL reader treats on its own: blank, malformed, not UTF-8, no id, ids taken."""
    long = "A sentence long enough to be a document of its own, with a number: {0}. " * 3
    lines = [
        json.dumps({"id": "a", "text": long.format(1), "date": "2024-01-02", "source": "x.org"}),
        "",
        "   ",
        '{"id": "b", "text": "unterminated',
        "[1, 2]",
        json.dumps({"id": "c", "body": "no text field"}),
        json.dumps({"id": "d", "text": 42}),
        json.dumps({"text": long.format("made up"), "url": "https://x.org/1"}),  # id made up: feed.jsonl:8
        json.dumps({"id": "a", "text": long.format("again")}),  # a duplicate id
        json.dumps({"id": "cut.jsonl:2", "text": long.format("taken")}),  # taken before cut.jsonl makes it up
        json.dumps({"id": "e", "text": "\ud800 lone surrogate"}),
        json.dumps({"id": "feed.jsonl:8", "text": long.format("made up before")}),  # the id made up for line 8
    ]
    lines += [json.dumps({"id": f"n{k}", "text": long.format(k), "source": f"s{k % 3}"}) for k in range(40)]
    with path.open("wb") as fh:
        fh.write("\n".join(lines).encode("utf-8") + b"\n")
        fh.write(b'{"id": "bad", "text": "\xff\xfe not utf-8"}\n')
        fh.write(json.dumps({"id": "last", "text": long.format("last")}).encode() + b"\r\n")


def test_spark_reads_jsonl_and_parquet_as_the_local_reader_does(tmp_path: Path, spark_executor) -> None:  # noqa: ANN001
    """Same documents, skips and counters, byte for byte, with the JSONL file split across tasks."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from copytrail.executors import LocalExecutor
    from copytrail.scan.config import ReaderConfig

    jsonl = tmp_path / "feed.jsonl"
    _awkward_jsonl(jsonl)
    cut = tmp_path / "cut.jsonl"  # starts with a byte order mark; its writer died inside the last line
    first = json.dumps({"id": "bom", "text": "The first line of a file that starts with a byte order mark."})
    no_id = json.dumps({"text": "A record without an id, whose made-up id an earlier record has."})
    cut.write_bytes(b"\xef\xbb\xbf" + f"{first}\n{no_id}\n".encode() + b'{"id": "x", "te')
    rows = [{"id": f"p{k}", "text": f"Parquet row {k} has a text of several words to read. " * 2} for k in range(30)]
    rows[3] = {"id": "p3", "text": None}
    rows[5] = {"id": "a", "text": "A later record with the JSONL file's first id, so a duplicate."}
    rows[7] = {"id": None, "text": "A row without an id, so one made up from the file name and row."}
    parquet = tmp_path / "rows.parquet"
    pq.write_table(pa.Table.from_pylist(rows), parquet, row_group_size=7)
    config = ReaderConfig()
    local_out, spark_out = tmp_path / "local", tmp_path / "spark"
    local_out.mkdir()
    spark_out.mkdir()
    local = LocalExecutor().read_documents(
        [str(jsonl), str(cut), str(parquet)], config, local_out / "docs.jsonl", local_out / "skipped.jsonl"
    )
    spark = spark_executor.spark
    spark.conf.set("spark.sql.files.maxPartitionBytes", "4k")  # several splits, so lines are numbered across tasks
    try:
        inputs = [jsonl.as_uri(), str(cut), str(parquet)]
        read = spark_executor.read_documents(inputs, config, spark_out / "docs.jsonl", spark_out / "skipped.jsonl")
        splits = spark.read.text(jsonl.as_uri()).rdd.getNumPartitions()
    finally:
        spark.conf.unset("spark.sql.files.maxPartitionBytes")
    assert splits > 1
    assert (spark_out / "docs.jsonl").read_bytes() == (local_out / "docs.jsonl").read_bytes()
    skipped_local = (local_out / "skipped.jsonl").read_text(encoding="utf-8")
    skipped_spark = (spark_out / "skipped.jsonl").read_text(encoding="utf-8")
    # The one difference: the JSONL file was given to Spark as a URI, and skips name it as given.
    assert skipped_spark == skipped_local.replace(json.dumps(str(jsonl)), json.dumps(jsonl.as_uri()))
    kinds = {json.loads(line)["reason"].split(" (")[0].split(":")[0] for line in skipped_local.splitlines()}
    assert {"malformed JSON", "line is not valid UTF-8", "no 'text' field", "duplicate id 'a'"} <= kinds, kinds
    assert '"cut.jsonl:2#2"' in (local_out / "docs.jsonl").read_text(encoding="utf-8")
    assert "the id made up for an earlier record" in skipped_local
    assert read.documents == local.documents and read.skipped == local.skipped
    assert read.characters == local.characters
    counters_local, counters_spark = local.counters(), read.counters()
    assert counters_spark.pop("empty_inputs", None) == counters_local.pop("empty_inputs", None)
    assert counters_spark == counters_local
    assert [e[1:] for e in read.tally.examples] == [e[1:] for e in local.tally.examples]


def test_spark_reads_folders_and_globs_and_says_what_it_cannot_read(tmp_path: Path, spark_executor) -> None:  # noqa: ANN001
    from copytrail.errors import InputNotFound, UnusableInput
    from copytrail.scan.config import ReaderConfig

    folder = tmp_path / "part"
    folder.mkdir()
    for k in range(3):
        text = f"Document {k} of a folder Spark wrote, long enough to be read as one."
        (folder / f"part-{k}.jsonl").write_text(json.dumps({"id": f"f{k}", "text": text}) + "\n", encoding="utf-8")
    (folder / "_SUCCESS").write_text("", encoding="utf-8")
    config = ReaderConfig()
    docs, skipped = tmp_path / "docs.jsonl", tmp_path / "skipped.jsonl"
    read = spark_executor.read_documents([folder.as_uri() + "/"], config, docs, skipped)
    assert read.documents == 3
    assert [json.loads(line)["id"] for line in docs.read_text().splitlines()] == ["f0", "f1", "f2"]
    # A glob pattern is listed as a folder is (the reading that follows is the same).
    signature = spark_executor.input_signature([str(folder / "part-[12].jsonl")], config)
    assert [Path(row[1]).name for row in signature] == ["part-1.jsonl", "part-2.jsonl"]
    assert all(row[2] > 0 and row[3] > 0 for row in signature)  # size and modification time: the resume key

    (tmp_path / "empty").mkdir()
    read = spark_executor.read_documents([(tmp_path / "empty").as_uri()], config, docs, skipped)
    assert read.documents == 0 and docs.read_text() == "" and read.counters()["empty_inputs"]
    with pytest.raises(InputNotFound, match="matches no file"):
        spark_executor.input_signature([(tmp_path / "nothing-*.jsonl").as_uri()], config)
    (tmp_path / "page.html").write_text("<p>A page.</p>", encoding="utf-8")
    with pytest.raises(UnusableInput, match="no JSONL or Parquet file"):
        spark_executor.input_signature([(tmp_path / "page.html").as_uri()], config)
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "a.html").write_text("<p>A page.</p>", encoding="utf-8")
    with pytest.raises(UnusableInput, match="read on the driver"):
        spark_executor.input_signature([str(tmp_path / "pages"), folder.as_uri()], config)


def test_spark_map_documents_counts_documents_not_the_rows_a_kernel_writes(tmp_path: Path, spark_executor) -> None:  # noqa: ANN001
    """A kernel may write no row or several per document: the count is of documents, from the write's own pass."""
    import pyarrow as pa

    class Words:  # defined here, so Spark's workers receive it by value
        schema = pa.schema([("id", pa.string()), ("word", pa.string())])

        def setup(self) -> None:
            pass

        def __call__(self, documents):  # noqa: ANN001, ANN204
            rows = [(d.id, w) for d in documents for w in d.text.split()[:2] if not d.id.endswith("0")]
            return pa.RecordBatch.from_pydict(
                {"id": [r[0] for r in rows], "word": [r[1] for r in rows]}, schema=self.schema
            )

    documents = tmp_path / "documents.jsonl"
    with documents.open("w", encoding="utf-8") as fh:
        for k in range(25):
            fh.write(json.dumps({"id": f"d{k}", "text": f"word{k} other{k} more", "date": None}) + "\n")
    spark = spark_executor.spark
    spark.sparkContext.setJobGroup("map-documents-count", "the test's jobs")
    try:
        counters = spark_executor.map_documents(documents, Words(), tmp_path / "words")
        jobs = spark.sparkContext.statusTracker().getJobIdsForGroup("map-documents-count")
    finally:
        spark.sparkContext.setJobGroup("", "")
    assert counters == {"documents": 25}
    written = spark.read.parquet(str(tmp_path / "words")).toArrow()
    assert written.num_rows == 2 * 22 and len(set(written.column("id").to_pylist())) == 22
    assert len(jobs) == 1  # the write; nothing reads the output back to count


def test_spark_common_text_is_the_counter_s_on_awkward_keys(tmp_path: Path, spark_executor) -> None:  # noqa: ANN001
    """Keys repeated in a document, key 0, documents without keys or source, medians of even counts."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from copytrail.executors import LocalExecutor
    from copytrail.normalize.common import CommonTextConfig

    draw = random.Random(11)

    def key() -> int:
        return draw.getrandbits(64) - 2**63  # int64, as the dataset stores uint64 keys

    shared = [0, *(key() for _ in range(10))]  # sentences many documents carry; 0 is "no key"
    rows = []
    for k in range(80):
        own = [key() for _ in range(draw.choice([0, 0, 1, 2, 4, 6]))]
        keys = own + [draw.choice(shared) for _ in range(draw.choice([0, 1, 2, 3]))]
        keys += draw.sample(keys, min(len(keys), draw.choice([0, 1])))  # a sentence repeated in the document
        draw.shuffle(keys)
        rows.append(
            {
                "id": f"d{k}",
                "keys": keys,
                "words": [draw.randint(1, 30) for _ in keys],
                "source": draw.choice(["a.org", "b.org", None, ""]),
            }
        )
    schema = pa.schema(
        [("id", pa.string()), ("keys", pa.list_(pa.int64())), ("words", pa.list_(pa.int32())), ("source", pa.string())]
    )
    (tmp_path / "keys").mkdir()
    pq.write_table(pa.Table.from_pylist(rows[:50], schema=schema), tmp_path / "keys" / "part-0.parquet")
    pq.write_table(pa.Table.from_pylist(rows[50:], schema=schema), tmp_path / "keys" / "part-1.parquet")
    # Thresholds low enough for a few dozen documents (the parity scan above runs the defaults).
    config = CommonTextConfig(min_documents=3, min_source_documents=2, min_own_share=0.3)
    local = LocalExecutor().common_text(tmp_path / "keys", config)
    spark = spark_executor.common_text(tmp_path / "keys", config)
    assert len(local.collection_keys) and len(local.source_keys)
    assert local.documents == spark.documents == 80
    assert local.collection_keys.dtype == spark.collection_keys.dtype == np.uint64
    assert local.collection_keys.tolist() == spark.collection_keys.tolist()
    assert local.source_keys.tolist() == spark.source_keys.tolist()


def test_spark_without_java_is_an_error_that_says_what_to_install(tmp_path: Path) -> None:
    import subprocess

    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("One short text, enough to read.", encoding="utf-8")
    env = {**os.environ, "JAVA_HOME": str(tmp_path / "no-java"), "PATH": str(Path(sys.executable).parent)}
    cli = "import sys; from copytrail.cli.main import entry_point; sys.argv[0] = 'copytrail'; entry_point()"
    command = [sys.executable, "-c", cli, "scan", str(tmp_path / "in"), "--out", str(tmp_path / "out")]
    done = subprocess.run([*command, "--engine", "spark"], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stderr
    assert "EngineError" in done.stderr and "default-jre-headless" in done.stderr
    assert "Traceback" not in done.stderr
