"""Every line a scan writes validates against its versioned JSON Schema, and a wrong one does not."""

from __future__ import annotations

import copy
import dataclasses
import json
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from copytrail import Relation
from copytrail.scan import ScanConfig, ScanResult, scan
from copytrail.scan.records import (
    SCHEMA_VERSION,
    CandidatePair,
    ReuseFamily,
    ReusePair,
    ScanDocument,
    SkippedDocument,
)

jsonschema = pytest.importorskip("jsonschema")

# artifact -> (schema file, record type it holds)
ARTIFACTS = {
    "documents.jsonl": ("scan-document", ScanDocument),
    "documents-skipped.jsonl": ("scan-skipped", SkippedDocument),
    "candidates.jsonl": ("scan-candidate", CandidatePair),
    "pairs.jsonl": ("scan-pair", ReusePair),
    "families.jsonl": ("scan-family", ReuseFamily),
}
SCHEMAS = [name for name, _ in ARTIFACTS.values()] + ["scan-stats"]


def schema(name: str) -> dict[str, Any]:
    # Read through the package, as an installed wheel would: a schema not shipped fails here.
    text = resources.files("copytrail.schemas").joinpath(f"{name}.v{SCHEMA_VERSION}.schema.json").read_text()
    return json.loads(text)


def validator(name: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(schema(name))


def jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def skipping_scan(tmp_path_factory: pytest.TempPathFactory) -> ScanResult:
    """A tiny scan whose input has bad lines, so documents-skipped.jsonl is not empty."""
    root = tmp_path_factory.mktemp("skipping")
    feed = root / "feed.jsonl"
    text = "A short story about the harbour reopening after the storm, told in plain words."
    feed.write_text(
        json.dumps({"id": "good", "text": text, "date": "2024-01-02", "source": "Wire", "url": "https://x/1"})
        + "\n"
        + json.dumps({"id": "empty", "text": "  "})
        + "\nnot json\n",
        encoding="utf-8",
    )
    return scan([feed], root / "out", config=ScanConfig(progress=False))


# --- the schemas themselves -----------------------------------------------------------


@pytest.mark.parametrize("name", SCHEMAS)
def test_schema_is_valid_draft_2020_12_and_versioned(name: str) -> None:
    data = schema(name)
    jsonschema.Draft202012Validator.check_schema(data)
    assert data["$id"].endswith(f"/{name}.v{SCHEMA_VERSION}.schema.json")
    assert data["additionalProperties"] is False


@pytest.mark.parametrize("artifact", list(ARTIFACTS))
def test_schema_fields_are_the_record_fields(artifact: str) -> None:
    name, cls = ARTIFACTS[artifact]
    fields = {f.name for f in dataclasses.fields(cls)} | ({"size"} if cls is ReuseFamily else set())
    assert set(schema(name)["properties"]) == fields
    assert set(schema(name)["required"]) == fields


def test_enums_follow_the_code() -> None:
    from copytrail.scan.candidates import SOURCES

    relations = {r.value for r in Relation}
    assert set(schema("scan-pair")["properties"]["relation"]["enum"]) == relations
    assert set(schema("scan-family")["properties"]["relations"]["propertyNames"]["enum"]) == relations
    for name in ("scan-candidate", "scan-pair"):
        assert set(schema(name)["properties"]["sources"]["items"]["enum"]) == set(SOURCES)


# --- a real scan validates --------------------------------------------------------------


@pytest.mark.parametrize("artifact", list(ARTIFACTS))
def test_every_artifact_line_validates(artifact: str, scanned: ScanResult, skipping_scan: ScanResult) -> None:
    name, _ = ARTIFACTS[artifact]
    check = validator(name)
    lines = jsonl(scanned.out_dir / artifact) + jsonl(skipping_scan.out_dir / artifact)
    assert lines, f"{artifact} is empty in both scans: nothing was validated"
    for data in lines:
        check.validate(data)


def test_stats_validate(scanned: ScanResult, skipping_scan: ScanResult) -> None:
    check = validator("scan-stats")
    for result in (scanned, skipping_scan):
        check.validate(json.loads((result.out_dir / "stats.json").read_text(encoding="utf-8")))


def test_parquet_rows_validate_as_their_jsonl_lines(scanned: ScanResult) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    pairs = pq.read_table(scanned.out_dir / "pairs.parquet").to_pylist()
    assert pairs
    for row in pairs:
        validator("scan-pair").validate(row)
    for row in pq.read_table(scanned.out_dir / "families.parquet").to_pylist():
        # Parquet stores the relation counts as a map: a list of (key, value) pairs.
        validator("scan-family").validate({**row, "relations": dict(row["relations"])})


# --- and a wrong record does not ----------------------------------------------------------

# One wrong-typed field per schema, and a field the schema does not know.
WRONG = [
    ("documents.jsonl", "text", 42),
    ("documents.jsonl", "date", 20240102),
    ("documents-skipped.jsonl", "line", "3"),
    ("documents-skipped.jsonl", "line", 0),
    ("candidates.jsonl", "jaccard", "0.9"),
    ("candidates.jsonl", "sources", ["simhash"]),
    ("pairs.jsonl", "relation", "copy"),
    ("pairs.jsonl", "passages", 1.5),
    ("families.jsonl", "members", "a.txt"),
    ("families.jsonl", "relations", {"duplicate": "1"}),
]


def _first_line(artifact: str, scanned: ScanResult, skipping_scan: ScanResult) -> dict[str, Any]:
    for result in (scanned, skipping_scan):
        lines = jsonl(result.out_dir / artifact)
        if lines:
            return lines[0]
    raise AssertionError(f"no {artifact} line to start from")


@pytest.mark.parametrize(("artifact", "field", "value"), WRONG)
def test_a_wrong_field_is_rejected(
    artifact: str, field: str, value: Any, scanned: ScanResult, skipping_scan: ScanResult
) -> None:
    good = _first_line(artifact, scanned, skipping_scan)
    check = validator(ARTIFACTS[artifact][0])
    check.validate(good)
    with pytest.raises(jsonschema.ValidationError):
        check.validate({**good, field: value})


@pytest.mark.parametrize("artifact", list(ARTIFACTS))
def test_unknown_and_missing_fields_are_rejected(artifact: str, scanned: ScanResult, skipping_scan: ScanResult) -> None:
    good = _first_line(artifact, scanned, skipping_scan)
    check = validator(ARTIFACTS[artifact][0])
    with pytest.raises(jsonschema.ValidationError):
        check.validate({**good, "extra": 1})
    missing = dict(good)
    missing.pop(next(iter(good)))
    with pytest.raises(jsonschema.ValidationError):
        check.validate(missing)


def test_wrong_stats_are_rejected(scanned: ScanResult) -> None:
    good = json.loads((scanned.out_dir / "stats.json").read_text(encoding="utf-8"))
    check = validator("scan-stats")
    for path, value in [
        (("schema_version",), "1"),
        (("stages", "read", "documents"), "33"),
        (("stages", "verify", "resumed"), "no"),
        (("stages", "candidates", "some_new_counter"), "text"),
        (("stages", "dedup"), {}),
    ]:
        bad = copy.deepcopy(good)
        *parents, last = path
        target = bad
        for key in parents:
            target = target[key]
        target[last] = value
        with pytest.raises(jsonschema.ValidationError):
            check.validate(bad)
