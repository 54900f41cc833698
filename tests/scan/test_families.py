"""Families: connected components of reuse pairs, and the choice of each family's original."""

from __future__ import annotations

from copytrail import Relation
from copytrail.scan import ReusePair
from copytrail.scan.families import DocumentFacts, UnionFind, build_families, choose_original, family_id, is_strong


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
        return ReusePair(a, b, Relation.PARTIAL_REUSE, 0.5, coverage, coverage, 1, None, 0.0, ("rare_ngrams",))

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
