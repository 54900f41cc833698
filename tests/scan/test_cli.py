"""`copytrail scan` and `copytrail dedup` from the command line."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

from click.testing import CliRunner

from copytrail.cli.main import main
from copytrail.scan import DEDUP_RELATIONS, ScanDocument, ScanResult
from copytrail.scan.artifacts import ArtifactStore
from copytrail.scan.dedup import copy_clusters
from tests.scan.conftest import BBC, EDIT_SOURCE, EXACT_SOURCE, HOST, LIFTED


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_scan_prints_a_summary_and_resumes(collection: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run("scan", str(collection), "--out", str(out), "--no-progress")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("Scanned 33 documents (0 skipped)")
    assert any(line.split()[:3] == ["reuse", "pairs", "5:"] for line in lines)
    assert "duplicate 1" in result.output and "partial_reuse 1" in result.output
    assert any(line.strip().startswith("families     4 (9 documents)") for line in lines)
    assert (out / "pairs.jsonl").exists() and (out / "stats.json").exists()
    assert f"report       {out / 'report.html'}" in result.output
    assert sorted(p.name for p in (out / "compare").iterdir()) == [f"{n}.html" for n in range(1, 6)]

    again = run("scan", str(collection), "--out", str(out), "--no-progress")
    assert "resumed      read, fingerprint, candidates, common, verify, families, report" in again.output


def test_scan_report_options(collection: Path, tmp_path: Path) -> None:
    two = run("scan", str(collection), "--out", str(tmp_path / "two"), "--no-progress", "--compare-pages", "2")
    assert two.exit_code == 0, two.output
    assert sorted(p.name for p in (tmp_path / "two" / "compare").iterdir()) == ["1.html", "2.html"]
    assert "copytrail compare" in (tmp_path / "two" / "report.html").read_text()  # the pairs without a page
    none = run("scan", str(collection), "--out", str(tmp_path / "none"), "--no-progress", "--no-report")
    assert none.exit_code == 0, none.output
    assert not (tmp_path / "none" / "report.html").exists() and (tmp_path / "none" / "pairs.jsonl").exists()


def test_scan_lists_skipped_documents(tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    feed.write_text('{"id": "a", "text": "One short document."}\n{"id": "b", "text": ""}\nnot json\n')
    result = run("scan", str(feed), "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    assert "Scanned 1 documents (2 skipped)" in result.output
    assert f"skipped      {feed}:2: is empty" in result.output
    assert f"skipped      {feed}:3: malformed JSON" in result.output
    skipped = [json.loads(line) for line in (tmp_path / "out" / "documents-skipped.jsonl").read_text().splitlines()]
    assert [(s["file"], s["line"]) for s in skipped] == [(str(feed), 2), (str(feed), 3)]


def test_a_url_with_an_unreadable_host_scans_like_one_without_a_site(tmp_path: Path) -> None:
    # urlsplit raises on a stray bracket in the host; the scan once ended there with a traceback.
    story = (BBC / EXACT_SOURCE).read_text(encoding="utf-8")
    feed = tmp_path / "feed.jsonl"
    rows = [
        {"id": "broken", "text": story, "url": "http://[broken/page"},
        {"id": "fine", "text": story, "url": "https://example.com/story"},
    ]
    feed.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    result = run("scan", str(feed), "--out", str(tmp_path / "out"), "--no-progress")
    assert result.exit_code == 0, result.output
    assert "Scanned 2 documents (0 skipped)" in result.output
    pairs = [json.loads(line) for line in (tmp_path / "out" / "pairs.jsonl").read_text().splitlines()]
    assert [(p["id_a"], p["id_b"], p["relation"]) for p in pairs] == [("broken", "fine", "duplicate")]


def test_unusable_input_is_one_line_and_exit_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["scan", str(tmp_path / "missing"), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        f"Error: InputNotFound: {tmp_path / 'missing'}: no such file or folder; check the path"
    ]
    bad = tmp_path / "dump.csv"
    bad.write_text("id,body\n1,x\n")
    result = CliRunner().invoke(main, ["scan", str(bad), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2 and "UnusableInput" in result.output and "--text-field" in result.output


def test_scan_reads_csv_with_renamed_fields(tmp_path: Path, scanned: ScanResult) -> None:
    import csv

    docs = [json.loads(line) for line in (scanned.out_dir / "documents.jsonl").read_text().splitlines()]
    path = tmp_path / "dump.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["guid", "body"])
        writer.writerows([d["id"], d["text"]] for d in docs)
    result = run("scan", str(path), "--out", str(tmp_path / "out"), "--id-field", "guid", "--text-field", "body")
    assert result.exit_code == 0, result.output
    pairs = (tmp_path / "out" / "pairs.jsonl").read_text()
    assert pairs == (scanned.out_dir / "pairs.jsonl").read_text()


def test_dedup_keeps_one_document_per_cluster_of_copies(collection: Path, scanned: ScanResult, tmp_path: Path) -> None:
    out = tmp_path / "unique.jsonl"
    result = run("dedup", str(collection), "--out", str(out), "--work", str(tmp_path / "work"))
    assert result.exit_code == 0, result.output
    kept = [json.loads(line) for line in out.read_text().splitlines()]
    documents = ArtifactStore(scanned.out_dir).read_jsonl("documents.jsonl", ScanDocument)
    clusters = copy_clusters(scanned.pairs, lambda: documents, set(DEDUP_RELATIONS))
    assert clusters and len(clusters) < len(scanned.families)  # the partial reuse family is not a cluster
    in_clusters = sum(c.size for c in clusters)
    assert len(kept) == scanned.documents - in_clusters + len(clusters)
    assert len({k["cluster_id"] for k in kept}) == len(kept)
    order = [d.id for d in ArtifactStore(scanned.out_dir).read_jsonl("documents.jsonl", ScanDocument)]
    for cluster in clusters:
        (member,) = [k for k in kept if k["cluster_id"] == cluster.id]
        # The named original; with none named, the tie-break (no dates here: the longest, then input order).
        length = {d.id: len(d.text) for d in ArtifactStore(scanned.out_dir).read_jsonl("documents.jsonl", ScanDocument)}
        expected = cluster.original or min(cluster.members, key=lambda m: (-length[m], order.index(m)))
        assert member["id"] == expected and member["cluster_size"] == cluster.size
    ids = {k["id"] for k in kept}
    assert EDIT_SOURCE in ids and "copies/light-edit.txt" not in ids
    assert len(ids & {EXACT_SOURCE, "copies/exact.txt"}) == 1
    # The article two paragraphs were lifted from is no copy of the article that quotes it.
    assert LIFTED in ids and len(ids & {"copies/inserted.txt", HOST}) >= 1
    assert f"Kept {len(kept)} of {scanned.documents} documents" in result.output


def test_dedup_keep_rules(collection: Path, tmp_path: Path) -> None:
    work = tmp_path / "work"
    kept = {}
    for rule in ("first", "longest"):
        out = tmp_path / f"{rule}.jsonl"
        assert run("dedup", str(collection), "--out", str(out), "--keep", rule, "--work", str(work)).exit_code == 0
        kept[rule] = {json.loads(line)["id"] for line in out.read_text().splitlines()}
    # Input order is by path: copies/ sorts after business/ but before politics/, sport/ and tech/.
    assert {EXACT_SOURCE, "copies/light-edit.txt", "copies/inserted.txt"} <= kept["first"]
    assert "copies/exact.txt" not in kept["first"]
    assert EDIT_SOURCE in kept["longest"] and "copies/inserted.txt" in kept["longest"]


def test_missing_extra_names_it(tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    import sys

    monkeypatch.setitem(sys.modules, "pyarrow", None)  # makes `import pyarrow` fail
    feed = tmp_path / "feed.jsonl"
    feed.write_text('{"id": "a", "text": "One short document."}\n')
    result = CliRunner().invoke(main, ["scan", str(feed), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert result.output == "Error: MissingExtra: copytrail scan needs pyarrow: pip install 'copytrail[scan]'\n"
    assert not (tmp_path / "out").exists()


def test_progress_bars_do_not_change_results(tmp_path: Path, scanned: ScanResult) -> None:
    from copytrail.scan import ScanConfig, scan

    with_bars = scan([scanned.out_dir / "documents.jsonl"], tmp_path, config=ScanConfig(progress=True))
    assert with_bars.pairs == scanned.pairs and with_bars.families == scanned.families


def test_force_recomputes_every_stage_and_keeps_no_shard_of_the_last_run(collection: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run("scan", str(collection), "--out", str(out), "--no-progress").exit_code == 0
    first = json.loads((out / "stats.json").read_text())["stages"]
    forced = run("scan", str(collection), "--out", str(out), "--no-progress", "--force")
    assert forced.exit_code == 0, forced.output
    stages = json.loads((out / "stats.json").read_text())["stages"]
    assert not any(stage["resumed"] for stage in stages.values())
    assert stages["fingerprint"]["shards"] == first["fingerprint"]["shards"] >= 1
    assert stages["fingerprint"]["shards_resumed"] == 0
    assert (out / "pairs.jsonl").read_text() and "resumed" not in forced.output


def test_dedup_never_writes_over_its_inputs_or_special_files(tmp_path: Path) -> None:
    story = (BBC / EXACT_SOURCE).read_text(encoding="utf-8")
    feed = tmp_path / "feed.jsonl"
    feed.write_text("".join(json.dumps({"id": i, "text": story}) + "\n" for i in "abc"), encoding="utf-8")
    before = feed.read_bytes()

    def refused(*args: str) -> str:
        result = CliRunner().invoke(main, ["dedup", *args])
        assert result.exit_code == 2, result.output
        assert result.output.startswith("Error: OutputError:") and len(result.output.splitlines()) == 1
        return result.output

    assert "one of the inputs" in refused(str(feed), "--out", str(feed))
    # dedup removes <out>.skipped.jsonl when nothing is skipped: here that name is an input.
    listed = tmp_path / "unique.skipped.jsonl"
    listed.write_bytes(before)
    assert "one of the inputs" in refused(str(listed), "--out", str(tmp_path / "unique.jsonl"))
    assert listed.read_bytes() == before and feed.read_bytes() == before
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    assert "FIFO" in refused(str(feed), "--out", str(fifo))
    assert stat.S_ISFIFO(fifo.stat().st_mode)  # os.replace had made it a regular file
    assert "cannot be made" in refused(str(feed), "--out", str(feed / "x.jsonl"))
    assert "is empty" in refused(str(feed), "--out", "")
    # A symlink is followed: its target gets the output, the link stays a link.
    target, link = tmp_path / "target.jsonl", tmp_path / "link.jsonl"
    target.write_text("old\n", encoding="utf-8")
    link.symlink_to(target)
    assert run("dedup", str(feed), "--out", str(link)).exit_code == 0
    assert link.is_symlink() and [json.loads(x)["id"] for x in target.read_text().splitlines()] == ["a"]


def test_an_empty_out_is_a_usage_error_not_the_current_folder(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["scan", str(tmp_path), "--out", ""])
    assert result.exit_code == 2 and "Invalid value for '--out'" in result.output
