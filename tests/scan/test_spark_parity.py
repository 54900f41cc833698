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

import pytest

from copytrail.scan import ScanConfig, dedup, scan
from tests.conftest import BBC, require_shared

pytest.importorskip("datasketch")
pytest.importorskip("pyspark")

# Under CI the Java runtime is installed by .ci/run; a missing one must fail the run, not skip it.
if shutil.which("java") is None and os.environ.get("CI") != "true":
    pytest.skip("Spark needs a Java runtime (Debian: default-jre-headless)", allow_module_level=True)

ARTIFACTS = ("candidates.jsonl", "pairs.jsonl", "families.jsonl")


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


@pytest.fixture(scope="module")
def spark_executor():  # noqa: ANN201
    from copytrail.executors.spark import SparkExecutor

    executor = SparkExecutor("local[2]", conf={"spark.ui.enabled": "false", "spark.sql.shuffle.partitions": "8"})
    yield executor
    executor.close()


@pytest.mark.slow
def test_spark_and_local_executors_agree(tmp_path: Path, spark_executor) -> None:  # noqa: ANN001
    corpus = _corpus(tmp_path)
    config = ScanConfig(progress=False, report=False)
    local = scan([corpus], tmp_path / "local", config=config)
    spark = scan([corpus], tmp_path / "spark", config=config, executor=spark_executor)

    assert 300 <= local.documents <= 600
    kinds = {p.relation.value for p in local.pairs}
    assert {"duplicate", "near_duplicate", "rewrite", "partial_reuse"} <= kinds, kinds
    assert spark.stats["engine"] == "spark" and local.stats["engine"] == "local"
    for name in ARTIFACTS:
        assert (tmp_path / "spark" / name).read_text() == (tmp_path / "local" / name).read_text(), name
    assert spark.pairs == local.pairs and spark.families == local.families

    kept_local = dedup([corpus], tmp_path / "kept-local.jsonl", work_dir=tmp_path / "local", config=config)
    kept_spark = dedup(
        [corpus], tmp_path / "kept-spark.jsonl", work_dir=tmp_path / "spark", config=config, executor=spark_executor
    )
    assert kept_local.dropped > 0
    assert (tmp_path / "kept-spark.jsonl").read_text() == (tmp_path / "kept-local.jsonl").read_text()
    assert kept_spark.kept == kept_local.kept


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
