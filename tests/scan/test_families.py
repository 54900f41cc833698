"""Families: connected components of reuse pairs, and the choice of each family's original."""

from __future__ import annotations

from copytrail import Relation
from copytrail.scan import ReusePair
from copytrail.scan.families import DocumentFacts, UnionFind, build_families, choose_original, family_id


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


def test_original_by_votes_then_date_then_length_then_id() -> None:
    facts = {
        "a": DocumentFacts("2005-02-01", 100),
        "b": DocumentFacts("2005-01-01", 100),
        "c": DocumentFacts(None, 500),
        "d": DocumentFacts(None, 500),
    }
    voted = [_pair("a", "b", original="a"), _pair("a", "c", original="a"), _pair("b", "c", original="b")]
    assert choose_original(["a", "b", "c"], voted, facts) == ("a", "votes")
    # No votes: the earliest dated member.
    assert choose_original(["a", "b", "c"], [_pair("a", "b")], facts) == ("b", "earliest")
    # No dates: the longest, then the smallest id.
    assert choose_original(["c", "d"], [], {**facts, "d": DocumentFacts(None, 900)}) == ("d", "longest")
    assert choose_original(["c", "d"], [], facts) == ("c", "smallest_id")


def test_the_article_passages_were_lifted_from_beats_the_longer_one_that_quotes_it() -> None:
    facts = {"quoting": DocumentFacts(None, 900), "source": DocumentFacts(None, 300)}

    def partial(cov_quoting: float, cov_source: float, relation: Relation = Relation.PARTIAL_REUSE) -> ReusePair:
        return ReusePair("quoting", "source", relation, 0.8, cov_quoting, cov_source, 1, None, 0.0, ("rare_ngrams",))

    assert choose_original(["quoting", "source"], [partial(0.2, 0.9)], facts) == ("source", "lifted_from")
    # Both mostly shared, or another relation: the shape says nothing, length decides.
    assert choose_original(["quoting", "source"], [partial(0.7, 0.9)], facts) == ("quoting", "longest")
    heavy_edit = partial(0.2, 0.9, Relation.NEAR_DUPLICATE)
    assert choose_original(["quoting", "source"], [heavy_edit], facts) == ("quoting", "longest")
