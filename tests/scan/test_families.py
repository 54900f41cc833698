"""Families: connected components of reuse pairs, and the choice of each family's original."""

from __future__ import annotations

from copytrail import Relation
from copytrail.compare import CompareConfig, compare_documents
from copytrail.normalize import prepare_document
from copytrail.scan import ReusePair, ScanDocument
from copytrail.scan.families import (
    STRONG_PARTIAL_WORDS,
    DocumentFacts,
    UnionFind,
    build_families,
    choose_original,
    family_id,
    is_strong,
)
from copytrail.scan.verify import aligned_extent, as_loaded


def _pair(a: str, b: str, original: str | None = None, relation: Relation = Relation.NEAR_DUPLICATE) -> ReusePair:
    return ReusePair(a, b, relation, 0.9, 0.9, 0.9, 1, original, 0.5 if original else 0.0, ("minhash",))


def test_union_find_groups() -> None:
    uf = UnionFind()
    for a, b in [("c", "d"), ("a", "b"), ("b", "e"), ("x", "x")]:
        uf.union(a, b)
    assert uf.groups() == [["a", "b", "e"], ["c", "d"], ["x"]]
    assert uf.find("e") == uf.find("a") != uf.find("c")


def test_families_are_components_largest_first_with_stable_ids() -> None:
    pairs = [_pair("b", "c"), _pair("a", "b"), _pair("x", "y", relation=Relation.PARTIAL_REUSE)]
    facts = {k: DocumentFacts(None, 100) for k in "abcxy"}
    families = build_families(pairs, facts)
    assert [f.members for f in families] == [("a", "b", "c"), ("x", "y")]
    assert families[0].id == family_id("a") and families[0].id.startswith("fam-")
    assert families[0].pairs == 2 and families[0].relations == (("near_duplicate", 2),)
    assert build_families(list(reversed(pairs)), facts) == families


def test_original_by_votes_then_date_else_undecided() -> None:
    facts = {
        "a": DocumentFacts("2005-02-01", 100),
        "b": DocumentFacts("2005-01-01", 100),
        "c": DocumentFacts(None, 500),
        "d": DocumentFacts(None, 900),
    }
    voted = [_pair("a", "b", original="a"), _pair("a", "c", original="a"), _pair("b", "c", original="b")]
    assert choose_original(["a", "b", "c"], voted, facts) == ("a", "votes")
    # No votes: the earliest dated member.
    assert choose_original(["a", "b", "c"], [_pair("a", "b")], facts) == ("b", "earliest")
    # No votes and no dates: length and ids are no evidence, so nobody is called the original.
    assert choose_original(["c", "d"], [_pair("c", "d")], facts) == (None, "undecided")
    # Tied votes are no evidence either.
    tied = [_pair("c", "d", original="c"), _pair("c", "d", original="d")]
    assert choose_original(["c", "d"], tied, facts) == (None, "undecided")


def test_strong_pairs_join_families_weak_ones_only_relate_them() -> None:
    facts = {k: DocumentFacts(None, 100) for k in "abcdxy"}

    def partial(a: str, b: str, coverage: float) -> ReusePair:
        return _partial(a, b, coverage, words=120)

    # a-b and c-d are copies; b-c share a line-up at 8 %; x-y share a substantial passage.
    pairs = [_pair("a", "b"), _pair("c", "d"), partial("b", "c", 0.08), partial("x", "y", 0.35)]
    assert is_strong(pairs[3]) and not is_strong(pairs[2])
    families = {f.members: f for f in build_families(pairs, facts)}
    assert set(families) == {("a", "b"), ("c", "d"), ("x", "y")}
    assert families[("a", "b")].related == (families[("c", "d")].id,)
    assert families[("c", "d")].related == (families[("a", "b")].id,)
    assert families[("x", "y")].related == ()
    # A weak pair between two documents in no family is still shown, as a family of its own two.
    (alone,) = build_families([partial("x", "y", 0.05)], facts)
    assert alone.members == ("x", "y") and alone.original is None and alone.original_reason == "undecided"


def _partial(a: str, b: str, coverage: float, words: int) -> ReusePair:
    return ReusePair(
        a, b, Relation.PARTIAL_REUSE, 0.5, coverage, coverage, 1, None, 0.0, ("rare_ngrams",), aligned_words=words
    )


def test_a_chain_of_one_sentence_partial_reuses_is_not_one_family() -> None:
    """Wire items sharing one template sentence each (a third of a short item) stay apart, related."""
    facts = {k: DocumentFacts(None, 300) for k in "abcde"}
    sentence = 16  # "The selling concession is 1-3/8 pct while management and underwriting combined pays 1/2 pct."
    chain = [_partial(x, y, 0.33, sentence) for x, y in ("ab", "bc", "cd", "de")]
    assert not any(is_strong(p) for p in chain)
    families = build_families(chain, facts)
    assert max(f.size for f in families) == 2
    # The links stay visible: a-b and c-d are families of their own two, related through b-c.
    by_members = {f.members: f for f in families}
    assert set(by_members) == {("a", "b"), ("c", "d")}
    assert by_members[("a", "b")].related == (by_members[("c", "d")].id,)
    assert by_members[("c", "d")].related == (by_members[("a", "b")].id,)


def test_a_substantial_partial_reuse_still_joins_and_the_threshold_is_inclusive() -> None:
    facts = {k: DocumentFacts(None, 300) for k in "abc"}
    lifted = [_partial("a", "b", 0.33, STRONG_PARTIAL_WORDS), _partial("b", "c", 0.25, 3 * STRONG_PARTIAL_WORDS)]
    assert all(is_strong(p) for p in lifted)
    assert [f.members for f in build_families(lifted, facts)] == [("a", "b", "c")]
    # Big but a small share of both sides (a line-up in two long reports) is still weak, and so is one word short.
    assert not is_strong(_partial("a", "b", 0.08, 3 * STRONG_PARTIAL_WORDS))
    assert not is_strong(_partial("a", "b", 0.33, STRONG_PARTIAL_WORDS - 1))


def test_related_families_are_recorded_both_ways_with_a_custom_strength() -> None:
    facts = {k: DocumentFacts(None, 300) for k in "abcd"}
    pairs = [_pair("a", "b"), _pair("c", "d"), _partial("b", "c", 0.5, 200)]
    merged = build_families(pairs, facts)
    assert [f.members for f in merged] == [("a", "b", "c", "d")] and merged[0].related == ()
    # A stricter strength (as bench/family_calibration.py passes) keeps b-c as a relation only.
    split = {
        f.members: f for f in build_families(pairs, facts, strong=lambda p: p.relation is not Relation.PARTIAL_REUSE)
    }
    assert split[("a", "b")].related == (split[("c", "d")].id,)
    assert split[("c", "d")].related == (split[("a", "b")].id,)


LIFTED = (
    "The harbour authority said on Tuesday that the northern breakwater, damaged in the January storms, "
    "would be rebuilt with granite blocks shipped from the Aberdeen quarries over the next two summers. "
    "Engineers estimate the repairs at 14 million pounds, most of it to be paid from the regional fund."
)


def _doc(doc_id: str, text: str):  # noqa: ANN202 - a prepared Document
    return prepare_document(as_loaded(ScanDocument(doc_id, text)))


def test_aligned_extent_counts_the_shared_passage_on_the_shorter_side() -> None:
    host = (
        "Fishing crews in the town have waited months for news. " + LIFTED + " The council meets again in May "
        "to decide how the remaining berths will be shared among the trawler owners and the ferry company."
    )
    other = "Local news in brief. " + LIFTED
    a, b = _doc("a", host), _doc("b", other)
    report = compare_documents(a, b, embedder=None, config=CompareConfig(embedder="none", explain=False))
    sentences, words = aligned_extent(a, b, report.passages)
    assert sentences == 2
    assert words == len(LIFTED.split())
    assert aligned_extent(a, b, []) == (0, 0)
