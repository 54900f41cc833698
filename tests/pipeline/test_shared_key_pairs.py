"""The key shuffle: the local executor's vectorised grouping obeys KeyRule exactly as the per-group rule Spark runs.

:func:`copytrail.executors.spark.group_pairs` is what every Spark task applies to one
key's sorted carriers; the local executor does the same with numpy over all keys at
once. Random documents with random keys (few values: many collisions), random rules.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from copytrail.executors.local import LocalExecutor
from copytrail.executors.spark import group_pairs
from copytrail.pipeline.executor import KeyRule
from copytrail.scan.candidates import band_keys

IDS = [f"d{k:02}" for k in range(30)]

rules = st.builds(
    KeyRule,
    max_docs=st.one_of(st.none(), st.integers(2, 6)),
    oversize=st.sampled_from(["drop", "chain"]),
    star=st.booleans(),
    min_shared=st.integers(1, 3),
    min_evidence=st.sampled_from([0.0, 0.5, 1.5]),
)
documents = st.dictionaries(
    st.sampled_from(IDS), st.lists(st.integers(0, 12), max_size=6, unique=True), min_size=0, max_size=30
)


def _dataset(folder: Path, docs: dict[str, list[int]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.parquet"):
        old.unlink()
    table = pa.table(
        {"id": list(docs), "keys": [[k for k in keys] for keys in docs.values()]},
        schema=pa.schema([("id", pa.string()), ("keys", pa.list_(pa.int64()))]),
    )
    half = len(table) // 2  # two shards, as an executor writes them
    pq.write_table(table.slice(0, half), folder / "part-0.parquet")
    pq.write_table(table.slice(half), folder / "part-1.parquet")
    return folder


def _reference(docs: dict[str, list[int]], rule: KeyRule, exclude: set[str], also: set[tuple[str, str]]) -> dict:
    carriers: dict[int, list[str]] = defaultdict(list)
    for doc_id, keys in docs.items():
        if doc_id not in exclude:
            for key in keys:
                if key != 0:
                    carriers[key].append(doc_id)
    shared: dict[tuple[str, str], int] = defaultdict(int)
    evidence: dict[tuple[str, str], float] = defaultdict(float)
    for ids in carriers.values():
        for a, b, weight in group_pairs(sorted(ids), rule):
            shared[a, b] += 1
            evidence[a, b] += weight
    keep = {
        p: (shared[p], round(evidence[p], 9))
        for p in shared
        if (shared[p] >= rule.min_shared and evidence[p] >= rule.min_evidence - 1e-9) or p in also
    }
    return keep


@settings(max_examples=150, deadline=None)
@given(
    docs=documents,
    rule=rules,
    exclude=st.sets(st.sampled_from(IDS), max_size=4),
    also_ids=st.lists(st.tuples(st.sampled_from(IDS), st.sampled_from(IDS)), max_size=5),
)
def test_local_grouping_follows_the_rule_spark_applies(tmp_path_factory, docs, rule, exclude, also_ids) -> None:  # noqa: ANN001
    folder = _dataset(tmp_path_factory.mktemp("keys", numbered=True), docs)
    also = {tuple(sorted(p)) for p in also_ids if p[0] != p[1]}
    table = pa.table({"id_a": [a for a, _ in sorted(also)], "id_b": [b for _, b in sorted(also)]})
    got = LocalExecutor(1).shared_key_pairs(folder, "keys", rule, exclude=frozenset(exclude), also=table)
    rows = got.to_pylist()
    assert [(r["id_a"], r["id_b"]) for r in rows] == sorted((r["id_a"], r["id_b"]) for r in rows)
    assert all(r["id_a"] < r["id_b"] for r in rows)
    found = {(r["id_a"], r["id_b"]): (r["shared"], round(r["evidence"], 9)) for r in rows}
    assert found == _reference(docs, rule, set(exclude), also)


def test_lsh_band_keys_pair_documents_that_agree_on_a_whole_band(tmp_path) -> None:  # noqa: ANN001
    rng = np.random.default_rng(4)
    signatures = rng.integers(0, 3, size=(40, 12), dtype=np.uint32)  # few values: many collisions
    keys = band_keys(signatures, 4, 3)
    docs = {f"d{i:02}": [int(k) for k in keys[i].view(np.int64)] for i in range(40)}
    got = LocalExecutor(1).shared_key_pairs(_dataset(tmp_path / "bands", docs), "keys", KeyRule())
    naive = {
        (f"d{i:02}", f"d{j:02}")
        for i in range(40)
        for j in range(i + 1, 40)
        if any(np.array_equal(signatures[i, b * 3 : b * 3 + 3], signatures[j, b * 3 : b * 3 + 3]) for b in range(4))
    }
    assert set(zip(got.column("id_a").to_pylist(), got.column("id_b").to_pylist())) == naive


def test_oversized_groups_are_chained_in_id_order(tmp_path) -> None:  # noqa: ANN001
    docs = {f"d{i}": [7] for i in (5, 1, 9, 3, 7, 2, 8, 4, 6, 0)}  # ten carriers of one key, in no order
    got = LocalExecutor(1).shared_key_pairs(
        _dataset(tmp_path / "one", docs), "keys", KeyRule(max_docs=5, oversize="chain")
    )
    assert list(zip(got.column("id_a").to_pylist(), got.column("id_b").to_pylist())) == [
        (f"d{i}", f"d{i + 1}") for i in range(9)
    ]
    dropped = LocalExecutor(1).shared_key_pairs(_dataset(tmp_path / "one", docs), "keys", KeyRule(max_docs=5))
    assert len(dropped) == 0
    with pytest.raises(ValueError):
        LocalExecutor(0)
