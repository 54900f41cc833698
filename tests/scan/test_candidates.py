"""The candidates stage: exact copies collapse, near copies and lifted passages are proposed, workers change nothing."""

from __future__ import annotations

import dataclasses

import pytest

from copytrail.records import Original
from copytrail.scan import FingerprintConfig, ScanDocument
from copytrail.scan.candidates import EXACT, MINHASH, RARE_NGRAMS, RARE_PAIRS, find_candidates
from tests.conftest import BBC, require_shared
from tests.scan.conftest import bbc_sample

pytest.importorskip("datasketch")


def _collection() -> list[ScanDocument]:
    root = require_shared(BBC)
    texts = [(root / name).read_text(encoding="utf-8", errors="replace") for name in bbc_sample()[::3][:12]]
    docs = [ScanDocument(f"doc{i:02}", t) for i, t in enumerate(texts)]
    # The same text four times over, in other case and spacing: one group of exact copies.
    docs += [ScanDocument(f"copy{k}", texts[0].upper().replace(" ", "  ") + ("\n" * k)) for k in range(4)]
    # Two paragraphs of doc03 inside doc05.
    lifted = "\n\n".join(texts[3].split("\n\n")[1:3])
    docs.append(ScanDocument("host", texts[5] + "\n\n" + lifted))
    return docs


def _pairs(candidates) -> dict[tuple[str, str], tuple[str, ...]]:
    return {(c.id_a, c.id_b): c.sources for c in candidates}


def test_exact_copies_link_to_the_smallest_id_and_skip_the_indexes(tmp_path) -> None:
    candidates, counters = find_candidates(_collection(), FingerprintConfig(), spill_dir=tmp_path)
    pairs = _pairs(candidates)
    group = ["copy0", "copy1", "copy2", "copy3", "doc00"]
    # Five identical shingle sets: four links to the smallest id (not input order), not ten pairs.
    assert {p for p in pairs if set(p) <= set(group)} == {("copy0", c) for c in group[1:]}
    assert all(pairs[("copy0", c)] == (EXACT,) for c in group[1:])
    assert counters["exact_duplicates"] == 4


def test_candidates_do_not_depend_on_input_order(tmp_path) -> None:
    forward, _ = find_candidates(_collection(), FingerprintConfig(), spill_dir=tmp_path)
    backward, _ = find_candidates(_collection()[::-1], FingerprintConfig(), spill_dir=tmp_path)
    assert forward == backward


def test_near_copies_and_lifted_passages_are_proposed(tmp_path) -> None:
    pairs = _pairs(find_candidates(_collection(), FingerprintConfig(), spill_dir=tmp_path)[0])
    assert MINHASH in pairs[("doc05", "host")]
    assert RARE_NGRAMS in pairs[("doc03", "host")]


def test_workers_do_not_change_the_candidates(tmp_path) -> None:
    one, _ = find_candidates(_collection(), FingerprintConfig(), spill_dir=tmp_path, workers=1)
    two, _ = find_candidates(iter(_collection()), FingerprintConfig(), spill_dir=tmp_path, workers=2)
    assert one == two


def _reworded(text: str) -> str:
    """Every third word replaced: no word 5-gram survives, a third of the word pairs do."""
    out = []
    for k, word in enumerate(text.split()):
        out.append("thing" if k % 3 == 2 else word)
    return " ".join(out)


def test_rewordings_are_found_by_their_rare_word_pairs(tmp_path) -> None:
    docs = _collection()
    docs.append(ScanDocument("reworded", _reworded(docs[7].text)))
    pairs = _pairs(find_candidates(docs, FingerprintConfig(), spill_dir=tmp_path)[0])
    assert pairs[("doc07", "reworded")] == (RARE_PAIRS,)
    off = _pairs(find_candidates(docs, FingerprintConfig(pair_min_shared=0), spill_dir=tmp_path)[0])
    assert ("doc07", "reworded") not in off


def test_exact_copies_are_duplicates_without_a_full_comparison(tmp_path) -> None:
    from copytrail import Relation
    from copytrail.scan.verify import PairVerifier

    docs = _collection()
    candidates, _ = find_candidates(docs, FingerprintConfig(), spill_dir=tmp_path)
    exact = [c for c in candidates if c.sources == (EXACT,)]
    verifier = PairVerifier({d.id: d for d in docs})
    verdicts = [verifier.verify(c) for c in exact]
    assert len(verdicts) == 4 and all(v.relation is Relation.DUPLICATE and v.pair is not None for v in verdicts)
    # The full comparison agrees.
    full = verifier.verify(dataclasses.replace(exact[0], sources=(MINHASH,)))
    assert full.relation is Relation.DUPLICATE


def test_second_look_compares_rejected_rewrite_candidates_again(monkeypatch) -> None:
    import copytrail.scan.verify as verify_module
    from copytrail.scan import CandidatePair, VerifyConfig
    from copytrail.scan.verify import PairVerifier

    docs = {d.id: d for d in _collection()}
    embedders: list[object] = []
    real = verify_module.compare_documents

    def spy(a, b, *, embedder, config):  # noqa: ANN001, ANN202
        embedders.append(embedder)
        return real(a, b, embedder=embedder, config=config)

    monkeypatch.setattr(verify_module, "compare_documents", spy)
    verifier = PairVerifier(docs, VerifyConfig(second_look="hashing"))
    unrelated = ("doc01", "doc02")
    verifier.verify(CandidatePair(*unrelated, (RARE_PAIRS,), 0.0, 0))
    assert embedders[0] is None and embedders[1] is not None  # words first, then the second look
    embedders.clear()
    verifier.verify(CandidatePair(*unrelated, (RARE_NGRAMS,), 0.0, 5))  # not a rewrite candidate: one look
    verifier.verify(CandidatePair("doc03", "host", (RARE_PAIRS,), 0.0, 0))  # kept at the first look
    assert embedders == [None, None]


@pytest.mark.parametrize("explain_all", [False, True], ids=["original-only", "explain-all"])
def test_verify_explains_kept_pairs_as_the_full_comparison_does(monkeypatch, explain_all: bool) -> None:
    """Only kept pairs are explained (issue 12), and their saved report is the full comparison's.

    By default verify names the likely original only (what changed is found by the report
    stage, for the pairs it shows); with ``explain_all`` the saved report carries the whole
    explanation. The original named is the same either way.
    """
    import copytrail.scan.verify as verify_module
    from copytrail import Relation
    from copytrail.compare import CompareConfig, compare_documents
    from copytrail.scan import CandidatePair, VerifyConfig
    from copytrail.scan.verify import PairVerifier

    docs = {d.id: d for d in _collection()}
    explained: list[tuple[str, str]] = []
    real = verify_module.explain

    def spy(report):  # noqa: ANN001, ANN202
        explained.append((report.a.name, report.b.name))
        return real(report)

    monkeypatch.setattr(verify_module, "explain", spy)
    verifier = PairVerifier(docs, VerifyConfig(explain_all=explain_all))
    kept = verifier.verify(CandidatePair("doc03", "host", (RARE_NGRAMS,), 0.0, 5))
    rejected = verifier.verify(CandidatePair("doc01", "doc02", (RARE_NGRAMS,), 0.0, 5))
    assert kept.relation is Relation.PARTIAL_REUSE and kept.report is not None
    assert rejected.pair is None and rejected.report is None
    assert explained == ([("doc03", "host")] if explain_all else [])
    a, b = verifier.prepared("doc03"), verifier.prepared("host")
    full = compare_documents(a, b, embedder=None, config=CompareConfig(embedder="none", explain=True))
    expected = full if explain_all else dataclasses.replace(full, explanation=None)
    assert dataclasses.replace(kept.report, timings=None) == dataclasses.replace(expected, timings=None)
    original = {Original.A: "doc03", Original.B: "host"}.get(full.explanation.provenance.original)
    assert kept.pair.original == original
    assert kept.pair.confidence == (round(full.explanation.provenance.confidence, 4) if original else 0.0)
