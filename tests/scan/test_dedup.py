"""Dedup by keep rule on a JSONL feed with dates."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from copytrail.scan import ScanConfig, dedup
from tests.conftest import BBC, require_shared
from tests.scan.conftest import drop_words


def test_earliest_keeps_the_first_dated_copy(tmp_path: Path) -> None:
    story = (require_shared(BBC) / "business/001.txt").read_text(encoding="utf-8")
    other = (BBC / "sport/001.txt").read_text(encoding="utf-8")
    feed = tmp_path / "feed.jsonl"
    records = [
        {"id": "late-copy", "text": story, "date": "2005-03-01"},
        {"id": "original", "text": drop_words(story, 0.03, seed=1), "date": "2005-01-01"},
        {"id": "undated-copy", "text": story},
        {"id": "other", "text": other, "date": "2004-12-31"},
    ]
    feed.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    config = ScanConfig(progress=False)
    result = dedup([feed], tmp_path / "earliest.jsonl", keep="earliest", config=config)
    kept = [json.loads(line) for line in (tmp_path / "earliest.jsonl").read_text().splitlines()]
    assert [k["id"] for k in kept] == ["original", "other"]
    assert [k["cluster_size"] for k in kept] == [3, 1]
    assert (result.kept, result.dropped) == (2, 2)
    first = dedup([feed], tmp_path / "first.jsonl", keep="first", config=config)
    assert [json.loads(line)["id"] for line in first.out_file.read_text().splitlines()] == ["late-copy", "other"]
    with pytest.raises(ValueError, match="keep must be one of"):
        dedup([feed], tmp_path / "x.jsonl", keep="newest", config=config)  # type: ignore[arg-type]


def test_an_article_quoting_another_is_not_a_copy(tmp_path: Path) -> None:
    root = require_shared(BBC)
    story = (root / "politics/003.txt").read_text(encoding="utf-8")
    host = (root / "tech/005.txt").read_text(encoding="utf-8")
    lifted = "\n\n".join(story.split("\n\n")[1:4])
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "story.txt").write_text(story, encoding="utf-8")
    (folder / "story-copy.txt").write_text(story, encoding="utf-8")
    (folder / "host-quoting.txt").write_text(host + "\n\n" + lifted, encoding="utf-8")
    result = dedup([folder], tmp_path / "out.jsonl", keep="first", config=ScanConfig(progress=False))
    # The scan links all three (one family), but only the exact copy is dropped.
    assert [f.size for f in result.scan.families] == [3]
    kept = [json.loads(line)["id"] for line in result.out_file.read_text().splitlines()]
    assert kept == ["host-quoting.txt", "story-copy.txt"] and result.clusters == 1
