"""Reuse families: connected components of the reuse pairs, each with a likely original."""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from copytrail.records import Relation
from copytrail.scan.records import ReuseFamily, ReusePair

__all__ = ["DocumentFacts", "UnionFind", "build_families", "family_id"]


@dataclass(frozen=True, slots=True)
class DocumentFacts:
    """What choosing a family's original needs to know of a member."""

    date: str | None
    length: int


class UnionFind:
    """Disjoint sets over hashable items, with path halving and union by size."""

    def __init__(self) -> None:
        self._parent: dict[str, str] = {}
        self._size: dict[str, int] = {}

    def find(self, x: str) -> str:
        """The representative of ``x``'s set (adding ``x`` as a singleton if new)."""
        if x not in self._parent:
            self._parent[x], self._size[x] = x, 1
            return x
        parent = self._parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(self, a: str, b: str) -> None:
        """Merge the sets of ``a`` and ``b``."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return
        if self._size[ra] < self._size[rb]:
            ra, rb = rb, ra
        self._parent[rb] = ra
        self._size[ra] += self._size[rb]

    def groups(self) -> list[list[str]]:
        """Every set, each sorted, in order of its smallest member."""
        found: dict[str, list[str]] = defaultdict(list)
        for x in list(self._parent):
            found[self.find(x)].append(x)
        return sorted((sorted(g) for g in found.values()), key=lambda g: g[0])


def family_id(smallest_member: str) -> str:
    """A stable family id: the same smallest member gives the same id in every run."""
    return "fam-" + hashlib.blake2b(smallest_member.encode("utf-8", "surrogatepass"), digest_size=6).hexdigest()


def choose_original(
    members: Sequence[str], pairs: Iterable[ReusePair], facts: Mapping[str, DocumentFacts]
) -> tuple[str, str]:
    """The likely original of a family, and how it was chosen.

    The member the pair engine most often names as original wins; among tied members,
    the earliest dated one (when any tied member has a date), then the one others lift
    passages from, then the longest text, then the smallest id, so the choice never
    depends on input order.
    """
    pairs = list(pairs)
    votes = Counter(p.original for p in pairs if p.original is not None)
    best = max((votes[m] for m in members), default=0)
    tied = [m for m in members if votes[m] == best]
    if best > 0 and len(tied) == 1:
        return tied[0], "votes"
    dated = [m for m in tied if facts.get(m) is not None and facts[m].date]
    if dated:
        earliest = min(facts[m].date or "" for m in dated)
        first = [m for m in dated if facts[m].date == earliest]
        if len(first) == 1:
            return first[0], "earliest"
        tied = first
    sources = Counter(_lifted_from(p) for p in pairs)
    most = max((sources[m] for m in tied), default=0)
    if most > 0 and sum(1 for m in tied if sources[m] == most) == 1:
        return next(m for m in tied if sources[m] == most), "lifted_from"
    longest = max(facts[m].length if m in facts else 0 for m in tied)
    tied = [m for m in tied if (facts[m].length if m in facts else 0) == longest]
    if len(tied) == 1:
        return tied[0], "longest"
    return min(tied), "smallest_id"


def _lifted_from(pair: ReusePair) -> str | None:
    """The side a partial reuse took its passages from, when the shape of the pair says so.

    A passage lifted into another article is most of its source and little of the article
    around it: the source's coverage is high, the other's low. Length alone would name
    the wrong side, because the article that quotes is the longer text. Other relations
    say nothing here: a copy that dropped sentences is as contained as a source.
    """
    if pair.relation is not Relation.PARTIAL_REUSE:
        return None
    if pair.coverage_a >= 0.5 > pair.coverage_b:
        return pair.id_a
    if pair.coverage_b >= 0.5 > pair.coverage_a:
        return pair.id_b
    return None


def build_families(pairs: Sequence[ReusePair], facts: Mapping[str, DocumentFacts]) -> list[ReuseFamily]:
    """Group documents joined by reuse pairs into families.

    Args:
        pairs: the kept reuse pairs.
        facts: date and length of each document, for choosing originals.

    Returns:
        Families of two or more members, largest first, then by id.
    """
    uf = UnionFind()
    for p in pairs:
        uf.union(p.id_a, p.id_b)
    by_root: dict[str, list[ReusePair]] = defaultdict(list)
    for p in pairs:
        by_root[uf.find(p.id_a)].append(p)
    families: list[ReuseFamily] = []
    for members in uf.groups():
        inside = by_root[uf.find(members[0])]
        original, reason = choose_original(members, inside, facts)
        relations = Counter(p.relation.value for p in inside)
        families.append(
            ReuseFamily(
                id=family_id(members[0]),
                members=tuple(members),
                original=original,
                original_reason=reason,
                pairs=len(inside),
                relations=tuple(sorted(relations.items())),
            )
        )
    families.sort(key=lambda f: (-f.size, f.members[0]))
    return families
