"""End to end: scanning a BBC sample with planted copies finds them, groups them and nothing else."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from copytrail import Relation
from copytrail.scan import ScanConfig, ScanResult, scan
from copytrail.scan.families import STRONG_PARTIAL_WORDS, is_strong
from tests.scan.conftest import BBC, EDIT_SOURCE, EXACT_SOURCE, HOST, LIFTED, PLANTED, REAL_REUSE, bbc_sample

REUSE = {Relation.DUPLICATE, Relation.NEAR_DUPLICATE, Relation.REWRITE, Relation.PARTIAL_REUSE}


def _pairs(result: ScanResult) -> dict[tuple[str, str], Relation]:
    return {(p.id_a, p.id_b): p.relation for p in result.pairs}


def test_reads_every_document(scanned: ScanResult) -> None:
    assert scanned.documents == len(bbc_sample()) + 3
    assert scanned.skipped == ()


def test_finds_exactly_the_planted_and_real_reuse(scanned: ScanResult) -> None:
    assert set(_pairs(scanned)) == PLANTED | REAL_REUSE


def test_relations_of_the_planted_copies(scanned: ScanResult) -> None:
    pairs = _pairs(scanned)
    assert pairs[(EXACT_SOURCE, "copies/exact.txt")] is Relation.DUPLICATE
    assert pairs[("copies/light-edit.txt", EDIT_SOURCE)] in {Relation.NEAR_DUPLICATE, Relation.DUPLICATE}
    # Two paragraphs of a sports story inside a tech story: the sports story is mostly reused.
    assert pairs[("copies/inserted.txt", LIFTED)] is Relation.PARTIAL_REUSE
    assert pairs[("copies/inserted.txt", HOST)] in {Relation.NEAR_DUPLICATE, Relation.PARTIAL_REUSE}
    assert all(p.relation in REUSE for p in scanned.pairs)


def test_lifted_passages_come_from_the_rare_ngram_index(scanned: ScanResult) -> None:
    # The excerpt is a small share of the longer article: MinHash alone would miss it.
    lifted = next(p for p in scanned.pairs if (p.id_a, p.id_b) == ("copies/inserted.txt", LIFTED))
    assert "rare_ngrams" in lifted.sources
    assert lifted.coverage_b > 0.6 > lifted.coverage_a


def test_pairs_record_how_many_story_words_they_align(scanned: ScanResult) -> None:
    by_ids = {(p.id_a, p.id_b): p for p in scanned.pairs}
    lifted = by_ids[("copies/inserted.txt", LIFTED)]
    # Two paragraphs of a sports story: a substantial passage, and no more words than the story holds.
    assert STRONG_PARTIAL_WORDS <= lifted.aligned_words < len((BBC / LIFTED).read_text(encoding="utf-8").split())
    assert is_strong(lifted)
    exact = by_ids[(EXACT_SOURCE, "copies/exact.txt")]
    assert exact.aligned_words > lifted.aligned_words
    assert all(p.aligned_words > 0 for p in scanned.pairs)


def test_families_group_copies_with_their_sources(scanned: ScanResult) -> None:
    families = {f.members: f for f in scanned.families}
    assert set(families) == {
        (EXACT_SOURCE, "copies/exact.txt"),
        ("copies/light-edit.txt", EDIT_SOURCE),
        ("copies/inserted.txt", LIFTED, HOST),
        tuple(sorted(next(iter(REAL_REUSE)))),
    }
    # A family's original is the one the pair comparison names, or none: length is no evidence.
    edited = families[("copies/light-edit.txt", EDIT_SOURCE)]
    (pair,) = [p for p in scanned.pairs if {p.id_a, p.id_b} == set(edited.members)]
    assert edited.original == pair.original
    assert (edited.original is None) == (edited.original_reason == "undecided")
    assert families[("copies/inserted.txt", LIFTED, HOST)].pairs == 2
    assert len({f.id for f in scanned.families}) == len(scanned.families)


def test_artifacts_are_written(scanned: ScanResult) -> None:
    out = scanned.out_dir
    lines = (out / "pairs.jsonl").read_text().splitlines()
    assert [tuple(json.loads(line)[k] for k in ("id_a", "id_b")) for line in lines] == sorted(PLANTED | REAL_REUSE)
    assert len((out / "families.jsonl").read_text().splitlines()) == len(scanned.families)
    assert len((out / "documents.jsonl").read_text().splitlines()) == scanned.documents
    candidates = [json.loads(line) for line in (out / "candidates.jsonl").read_text().splitlines()]
    assert all(c["id_a"] < c["id_b"] and c["sources"] for c in candidates)
    stats = json.loads((out / "stats.json").read_text())
    assert list(stats["stages"]) == ["read", "fingerprint", "candidates", "common", "verify", "families", "report"]
    assert (out / "report.html").exists()
    assert stats["stages"]["verify"]["candidates"] == len(candidates) == scanned.candidates
    assert stats["stages"]["families"]["families"] == len(scanned.families)


def test_parquet_artifacts_match_jsonl(scanned: ScanResult) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    table = pq.read_table(scanned.out_dir / "pairs.parquet")
    assert table.schema.metadata[b"copytrail.scan.schema_version"] == b"2"
    assert [(r["id_a"], r["id_b"]) for r in table.to_pylist()] == [(p.id_a, p.id_b) for p in scanned.pairs]
    families = pq.read_table(scanned.out_dir / "families.parquet").to_pylist()
    assert [tuple(f["members"]) for f in families] == [f.members for f in scanned.families]


def _artifact_texts(out: Path) -> dict[str, str]:
    names = ("candidates.jsonl", "pairs.jsonl", "families.jsonl", "documents.jsonl", "documents-skipped.jsonl")
    return {n: (out / n).read_text() for n in names}


def test_resume_recomputes_only_the_missing_stage(collection: Path, tmp_path: Path) -> None:
    config = ScanConfig(progress=False)
    first = scan([collection], tmp_path, config=config)
    before = _artifact_texts(tmp_path)
    mtimes = {n: (tmp_path / n).stat().st_mtime_ns for n in ("documents.jsonl", "candidates.jsonl", "pairs.jsonl")}
    (tmp_path / "families.jsonl").unlink()

    second = scan([collection], tmp_path, config=config)
    resumed = {name: s["resumed"] for name, s in second.stats["stages"].items()}
    assert resumed == {
        "read": True,
        "fingerprint": True,
        "candidates": True,
        "common": True,
        "verify": True,
        "families": False,
        "report": False,
    }
    assert {n: (tmp_path / n).stat().st_mtime_ns for n in mtimes} == mtimes
    assert _artifact_texts(tmp_path) == before
    assert second.pairs == first.pairs and second.families == first.families


def test_changed_input_invalidates_every_stage(collection: Path, tmp_path: Path) -> None:
    import shutil

    source = tmp_path / "collection"
    shutil.copytree(collection, source)
    scan([source], tmp_path / "out", config=ScanConfig(progress=False))
    (source / "copies" / "exact.txt").unlink()
    again = scan([source], tmp_path / "out", config=ScanConfig(progress=False))
    assert not any(s["resumed"] for s in again.stats["stages"].values())
    assert (EXACT_SOURCE, "copies/exact.txt") not in _pairs(again)


@pytest.mark.slow
def test_results_do_not_depend_on_workers(collection: Path, scanned: ScanResult, tmp_path: Path) -> None:
    two = scan([collection], tmp_path, config=ScanConfig(workers=2, progress=False))
    assert two.stats["stages"]["verify"]["workers"] == 2
    assert _artifact_texts(tmp_path) == _artifact_texts(scanned.out_dir)


def test_interrupted_run_leaves_no_partial_artifact_and_resumes(
    collection: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import copytrail.executors.local as run_module

    real_map_chunks = run_module.map_chunks

    def interrupted(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        yield next(iter(real_map_chunks(*args, **kwargs)))
        raise KeyboardInterrupt

    monkeypatch.setattr(run_module, "map_chunks", interrupted)
    with pytest.raises(KeyboardInterrupt):
        scan([collection], tmp_path, config=ScanConfig(progress=False))
    assert not (tmp_path / "pairs.jsonl").exists()
    assert not [p.name for p in tmp_path.iterdir() if ".tmp" in p.name]

    monkeypatch.setattr(run_module, "map_chunks", real_map_chunks)
    resumed = scan([collection], tmp_path, config=ScanConfig(progress=False))
    # The fingerprint stage, the first to map chunks, was the one interrupted.
    assert [s["resumed"] for s in resumed.stats["stages"].values()] == [True] + [False] * 6
    assert set(_pairs(resumed)) == PLANTED | REAL_REUSE
