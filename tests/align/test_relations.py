"""The pair engine on real BBC articles turned into copies of known kinds."""

from __future__ import annotations

import random

import pytest

import copytrail
from copytrail import CompareConfig, Relation, load_bytes
from copytrail.embed import HashingEmbedder
from tests.conftest import bbc_article

WORDS_ONLY = CompareConfig(embedder="none")


def article(category: str, number: str) -> str:
    return bbc_article(category, number).read_text(encoding="utf-8")


def as_doc(text: str, name: str):
    return load_bytes(text.encode("utf-8"), name=name)


def light_edit(text: str, share: float, seed: int = 7) -> str:
    """Drop one word in every 1/share, deterministically."""
    rng = random.Random(seed)
    out = []
    for line in text.split("\n"):
        words = line.split(" ")
        out.append(" ".join(w for w in words if len(words) < 8 or rng.random() >= share))
    return "\n".join(out)


def test_identical_articles_are_duplicates() -> None:
    text = article("business", "001")
    report = copytrail.compare(as_doc(text, "a"), as_doc(text, "b"), config=WORDS_ONLY)
    assert report.relation is Relation.DUPLICATE
    assert report.coverage.a == report.coverage.b == 1.0
    assert not report.unaligned_a and not report.unaligned_b


def test_texts_with_the_same_words_are_duplicates_even_when_too_short_to_align() -> None:
    """compare agrees with the scan, which calls same-word texts duplicates without comparing them."""
    for a, b in [
        ("Hello world.", "Hello world."),
        ("Hello world.", "hello,   WORLD"),
        ("Talks resume on Monday.\n\nNever again. Not now.", "Talks resume on Monday.\n\nNever again. Not now."),
    ]:
        report = copytrail.compare(as_doc(a, "a"), as_doc(b, "b"), config=WORDS_ONLY)
        assert report.relation is Relation.DUPLICATE, (a, b)
        assert report.coverage.a == report.coverage.b == 1.0
        assert not report.unaligned_a and not report.unaligned_b


def test_light_edit_is_a_near_duplicate() -> None:
    text = article("politics", "001")
    report = copytrail.compare(as_doc(text, "a"), as_doc(light_edit(text, 0.06), "b"), config=WORDS_ONLY)
    assert report.relation is Relation.NEAR_DUPLICATE
    assert min(report.coverage.a, report.coverage.b) >= 0.9


def test_reordered_paragraphs_still_align() -> None:
    text = article("tech", "001")
    title, _, body = text.partition("\n\n")
    paragraphs = [p for p in body.split("\n\n") if p.strip()]
    shuffled = paragraphs[:]
    random.Random(3).shuffle(shuffled)
    assert shuffled != paragraphs
    report = copytrail.compare(
        as_doc(text, "a"), as_doc(title + "\n\n" + "\n\n".join(shuffled), "b"), config=WORDS_ONLY
    )
    assert report.coverage.a >= 0.95 and report.coverage.b >= 0.95
    assert len(report.passages) > 1
    # Every pair joins a sentence to its own copy, wherever it moved.
    for passage in report.passages:
        for pair in passage.pairs:
            assert report.a.segments[pair.a].text == report.b.segments[pair.b].text


def test_passages_inside_an_unrelated_article_are_partial_reuse() -> None:
    source = article("politics", "003")
    host = article("tech", "002")
    host_title, _, host_body = host.partition("\n\n")
    lifted = [p for p in source.partition("\n\n")[2].split("\n\n") if p.strip()][2:4]
    assert 0.15 <= len(" ".join(lifted).split()) / len(source.split()) <= 0.4  # "some passages"
    host_paragraphs = host_body.split("\n\n")
    mixed = host_paragraphs[:2] + lifted + host_paragraphs[2:]
    report = copytrail.compare(
        as_doc(source, "source"), as_doc(host_title + "\n\n" + "\n\n".join(mixed), "host"), config=WORDS_ONLY
    )
    assert report.relation is Relation.PARTIAL_REUSE
    lifted_text = "\n\n".join(lifted)
    start = report.b.text.index(lifted_text)
    aligned_b = {p.b for passage in report.passages for p in passage.pairs}
    inside = [s for s in report.b.segments if start <= s.start < start + len(lifted_text)]
    assert all(s.index in aligned_b for s in inside if len(s.text.split()) >= 3)
    assert all(start <= report.b.segments[i].start < start + len(lifted_text) for i in aligned_b)


@pytest.mark.parametrize(
    ("one", "other"), [(("business", "001"), ("sport", "004")), (("tech", "005"), ("politics", "006"))]
)
def test_unrelated_articles_share_no_passage(one, other) -> None:
    report = copytrail.compare(bbc_article(*one), bbc_article(*other))
    assert report.relation in (Relation.UNRELATED, Relation.SAME_STORY)
    assert report.relation is not Relation.SAME_STORY or report.relation_score < 0.9
    assert max(report.coverage.a, report.coverage.b) < 0.1


def test_embedder_is_a_plug_in_point() -> None:
    text = article("entertainment", "001")
    report = copytrail.compare(as_doc(text, "a"), as_doc(light_edit(text, 0.2), "b"), embedder=HashingEmbedder())
    assert report.embedder == "hashing"
    assert report.relation in (Relation.NEAR_DUPLICATE, Relation.REWRITE)
