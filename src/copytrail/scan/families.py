"""Reuse families: components of the strong reuse pairs, each with its likely original where evidence names one."""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from copytrail.records import Relation
from copytrail.scan.records import ReuseFamily, ReusePair

__all__ = [
    "STRONG_PARTIAL_COVERAGE",
    "STRONG_PARTIAL_WORDS",
    "DocumentFacts",
    "UnionFind",
    "build_families",
    "family_id",
    "is_strong",
]


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


# A partial reuse joins a family only when the shared text is a substantial passage, by two
# measures that must both hold:
# - a share of one side's story text: the BBC folder's rugby reports were chained into one
#   family by team line-ups at 5-12 % coverage, and a stock background sentence by less;
# - a size, in story words aligned (on the side with fewer): a share alone lets one or two
#   sentences of a short wire item through, and Reuters eurobond announcements chained into a
#   family of 34 through "The selling concession is 1-3/8 pct ..." sentences at 20-50 %.
#   Set by bench/family_calibration.py on a DEV split of the scan benchmark (by truth family):
#   the fewest DEV partial-reuse edges between two unrelated Reuters originals (103 -> 46) of
#   the rules that lose no DEV family recall; HELD-OUT 73 -> 36, with 9 of its positive pairs
#   no longer in one family (they stay reported pairs, and relate the two families).
STRONG_PARTIAL_COVERAGE = 0.2
STRONG_PARTIAL_WORDS = 50
STRONG_RELATIONS = (Relation.DUPLICATE, Relation.NEAR_DUPLICATE, Relation.REWRITE)


def is_strong(pair: ReusePair) -> bool:
    """Does the pair join a family: a copy, a rewrite, or partial reuse of a substantial passage?

    A substantial passage covers at least :data:`STRONG_PARTIAL_COVERAGE` of one side's story
    text and holds at least :data:`STRONG_PARTIAL_WORDS` aligned story words.
    """
    if pair.relation in STRONG_RELATIONS:
        return True
    return (
        pair.relation is Relation.PARTIAL_REUSE
        and max(pair.coverage_a, pair.coverage_b) >= STRONG_PARTIAL_COVERAGE
        and pair.aligned_words >= STRONG_PARTIAL_WORDS
    )


def choose_original(
    members: Sequence[str], pairs: Iterable[ReusePair], facts: Mapping[str, DocumentFacts]
) -> tuple[str | None, str]:
    """The likely original of a family and the evidence for it, or ``(None, "undecided")``.

    Only evidence counts: the member the pair comparisons most often name as original
    (the same verdict ``copytrail compare`` gives), else the one member with the earliest
    date. Length or input order would always pick someone, and say nothing about who
    came first, so they are never given as an original (``dedup`` may still use them as
    a labelled tie-break to choose the copy it keeps).
    """
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
    return None, "undecided"


def build_families(
    pairs: Sequence[ReusePair],
    facts: Mapping[str, DocumentFacts],
    strong: Callable[[ReusePair], bool] = is_strong,
) -> list[ReuseFamily]:
    """Group documents joined by strong reuse pairs into families.

    Strong pairs (:func:`is_strong`) join documents; a weak pair (partial reuse of a small
    passage) never merges two families: it links them as related. A weak pair between two
    documents that are in no family makes a family of its own two, so no found pair is lost.

    Args:
        pairs: the kept reuse pairs.
        facts: date and length of each document, for choosing originals.
        strong: which pairs join families (:func:`is_strong`; a calibration passes its own).

    Returns:
        Families of two or more members, largest first, then by id.
    """
    uf = UnionFind()
    joining = [p for p in pairs if strong(p)]
    for p in joining:
        uf.union(p.id_a, p.id_b)
    in_family = {x for p in joining for x in (p.id_a, p.id_b)}
    weak = sorted((p for p in pairs if not strong(p)), key=lambda p: (p.id_a, p.id_b))
    links: list[ReusePair] = []
    for p in weak:
        if p.id_a not in in_family and p.id_b not in in_family:
            uf.union(p.id_a, p.id_b)
            in_family.update((p.id_a, p.id_b))
        else:
            links.append(p)
    linked = {(p.id_a, p.id_b) for p in links}
    joined = [p for p in pairs if (p.id_a, p.id_b) not in linked]
    by_root: dict[str, list[ReusePair]] = defaultdict(list)
    for p in joined:
        by_root[uf.find(p.id_a)].append(p)
    groups = [g for g in uf.groups() if len(g) > 1]
    ids = {uf.find(g[0]): family_id(g[0]) for g in groups}
    related: dict[str, set[str]] = defaultdict(set)
    for p in links:
        ra, rb = uf.find(p.id_a), uf.find(p.id_b)
        if ra != rb and ra in ids and rb in ids:
            related[ra].add(ids[rb])
            related[rb].add(ids[ra])
    families: list[ReuseFamily] = []
    for members in groups:
        root = uf.find(members[0])
        inside = by_root[root]
        original, reason = choose_original(members, inside, facts)
        relations = Counter(p.relation.value for p in inside)
        families.append(
            ReuseFamily(
                id=ids[root],
                members=tuple(members),
                original=original,
                original_reason=reason,
                pairs=len(inside),
                relations=tuple(sorted(relations.items())),
                related=tuple(sorted(related[root])),
            )
        )
    families.sort(key=lambda f: (-f.size, f.members[0]))
    return families
