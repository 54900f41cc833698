"""Issue 8: page chrome and stock text never make reuse; copies still do, in any chrome.

The site templates here are written for these tests and appear nowhere in copytrail's
rules or its calibration (``bench/evidence_calibration.py`` has its own).
"""

from __future__ import annotations

from pathlib import Path

import pytest

import copytrail
from copytrail import CompareConfig, Relation
from copytrail.ingest import load_bytes
from copytrail.normalize import prepare_document
from copytrail.normalize.common import CommonTextConfig, CommonTextCounter
from copytrail.scan import ScanConfig, scan

BBC = Path(__file__).resolve().parents[2] / "shared" / "data" / "bbc_news"
pytestmark = pytest.mark.skipif(not BBC.is_dir(), reason="needs ../shared/data/bbc_news")

WORDS_ONLY = CompareConfig(embedder="none", explain=True)

# Two sites copytrail has never seen: prose prompts at the top, between paragraphs and at the foot.
SITE_A = (
    "Harbour Herald\nFront page / Region / Money / Arts\nJoin thousands of readers who start their morning "
    "with our free newsletter, packed with the stories everyone is talking about.",
    "Enjoying this article? Tell a friend about the Harbour Herald and help local reporting grow.",
    "Spotted a mistake in this story? Our standards editor reviews every correction request within a day.\n"
    "Harbour Herald is owned by its readers through the Harbour Cooperative.\nPrivacy notice  Cookie policy",
)
SITE_B = (
    "METRO DISPATCH\nLatest  Politics  Economy  Opinion  Video\nBy using this website you consent to the "
    "storage of cookies on your device for analytics and advertising purposes.",
    "Download the Metro Dispatch app to get alerts the moment big stories break near you.",
    "Comments are closed on this article after seven days to keep the conversation respectful.\n"
    "Metro Dispatch Ltd, registered in the borough of Eastfield. All rights reserved.",
)


def article(rel: str) -> str:
    return (BBC / rel).read_text(encoding="utf-8", errors="replace")


def page(text: str, site: tuple[str, str, str]) -> str:
    head, middle, foot = site
    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    return "\n\n".join([head, *paragraphs[:2], middle, *paragraphs[2:], foot])


def loaded(text: str, name: str) -> copytrail.LoadedText:
    return load_bytes(text.encode("utf-8"), name=name)


BUSINESS = sorted(p.relative_to(BBC).as_posix() for p in (BBC / "business").glob("*.txt"))


def test_two_unrelated_articles_in_the_same_unseen_chrome_are_unrelated() -> None:
    a = loaded(page(article(BUSINESS[10]), SITE_A), "a.txt")
    b = loaded(page(article(BUSINESS[11]), SITE_A), "b.txt")
    alone = copytrail.compare(a, b, config=WORDS_ONLY)
    # Three shared prose prompts, scattered: not enough evidence of reuse on their own.
    assert alone.relation not in (Relation.PARTIAL_REUSE, Relation.REWRITE, Relation.NEAR_DUPLICATE)
    background = [loaded(page(article(rel), SITE_A), f"bg{i}.txt") for i, rel in enumerate(BUSINESS[20:26])]
    helped = copytrail.compare(a, b, config=WORDS_ONLY, background=background)
    assert helped.relation is Relation.UNRELATED
    assert helped.coverage.a == helped.coverage.b == 0.0
    # The chrome both carry is listed as shared boilerplate, never as a passage.
    assert len(helped.shared_boilerplate) >= 3 and not helped.passages
    reasons = {s.reason for s in helped.a.segments if s.role.value == "boilerplate"}
    assert "stock-text" in reasons


def test_pages_of_one_unseen_site_compared_alone_share_a_frame_not_a_story() -> None:
    """What two pages share before and after two different stories is the site's frame (align.frame)."""
    for first, second in ((BUSINESS[12], BUSINESS[13]), (BUSINESS[14], BUSINESS[15])):
        a = loaded(page(article(first), SITE_B), "a.txt")
        b = loaded(page(article(second), SITE_B), "b.txt")
        report = copytrail.compare(a, b, config=WORDS_ONLY)
        assert report.relation is Relation.UNRELATED
        assert not report.passages and report.coverage.a == report.coverage.b == 0.0
        # Listed as what the two share, never dropped silently.
        assert len(report.shared_boilerplate) >= 4


def test_a_passage_lifted_between_pages_of_one_site_is_still_reuse() -> None:
    source, other = article(BUSINESS[30]), article(BUSINESS[31])
    ours = [p for p in source.split("\n\n") if p.strip()]
    theirs = [p for p in other.split("\n\n") if p.strip()]
    lifted = "\n\n".join([theirs[0], *ours[1:3], *theirs[1:]])
    for site in (SITE_A, SITE_B):
        a, b = loaded(page(source, site), "a.txt"), loaded(page(lifted, site), "b.txt")
        report = copytrail.compare(a, b, config=WORDS_ONLY)
        assert report.relation is Relation.PARTIAL_REUSE
        assert report.passages


def test_one_article_in_two_different_chromes_is_a_duplicate() -> None:
    text = article(BUSINESS[12])
    a, b = loaded(page(text, SITE_A), "a.txt"), loaded(page(text, SITE_B), "b.txt")
    background = [
        loaded(page(article(rel), site), f"bg{i}-{n}.txt")
        for n, site in enumerate((SITE_A, SITE_B))
        for i, rel in enumerate(BUSINESS[30:36])
    ]
    report = copytrail.compare(a, b, config=WORDS_ONLY, background=background)
    assert report.relation is Relation.DUPLICATE
    assert report.coverage.a >= 0.95 and report.coverage.b >= 0.95


def test_stock_text_shared_by_many_documents_never_forms_a_pair_on_its_own(tmp_path: Path) -> None:
    stock = (
        "Once the country's richest man, the former oil tycoon has been in custody since October 2003 on fraud "
        "and tax evasion charges that his supporters say are politically motivated. His trial in Moscow has "
        "been adjourned repeatedly, and prosecutors have asked the court for a ten-year sentence."
    )
    folder = tmp_path / "collection"
    folder.mkdir()
    for i, rel in enumerate(BUSINESS[40:47]):
        paragraphs = [p for p in article(rel).split("\n\n") if p.strip()]
        (folder / f"{i}.txt").write_text("\n\n".join([*paragraphs[:3], stock, *paragraphs[3:]]), encoding="utf-8")
    # And a real copy among them, which must still be found.
    (folder / "copy.txt").write_text(article(BUSINESS[40]), encoding="utf-8")
    result = scan([folder], tmp_path / "out", config=ScanConfig(progress=False, report=False))
    found = {frozenset((p.id_a, p.id_b)) for p in result.pairs}
    assert found == {frozenset(("0.txt", "copy.txt"))}
    assert result.stats["stages"]["common"]["collection_sentences"] >= 2


def test_a_story_copied_into_many_documents_is_no_stock_text() -> None:
    # Seven copies of one story: each sentence is in seven documents, but the copies have
    # no text of their own, so it is a copied story, not furniture around other stories.
    text = article(BUSINESS[50])
    counter = CommonTextCounter()
    for i in range(7):
        counter.add(prepare_document(loaded(text + f"\n\nFiled by desk {i}.", f"{i}.txt")))
    for rel in BUSINESS[60:70]:
        counter.add(prepare_document(loaded(article(rel), rel)))
    assert len(counter.build(CommonTextConfig())) == 0


def test_the_original_is_undecided_when_nothing_decides_it(tmp_path: Path) -> None:
    # Two copies of one text, no dates, no credits: neither compare nor scan names an original.
    text = article(BUSINESS[5])
    folder = tmp_path / "c"
    folder.mkdir()
    (folder / "x.txt").write_text(text, encoding="utf-8")
    (folder / "y.txt").write_text(text.replace("\n\n", "\n\n\n"), encoding="utf-8")
    report = copytrail.compare(folder / "x.txt", folder / "y.txt", config=WORDS_ONLY)
    assert report.explanation is not None and report.explanation.provenance.original.value == "undecided"
    result = scan([folder], tmp_path / "out", config=ScanConfig(progress=False, report=False))
    (family,) = result.families
    assert family.original is None and family.original_reason == "undecided"


def test_sentence_keys_from_text_equal_those_of_the_prepared_document() -> None:
    """The shortcut the archive and the scan count sentences with skips roles, never segments."""
    from copytrail.normalize.common import sentence_keys, text_sentence_keys
    from copytrail.scan.records import ScanDocument
    from copytrail.scan.verify import as_loaded

    texts = [p.read_text(encoding="utf-8", errors="replace") for p in sorted(BBC.glob("*/*.txt"))[::3]]
    # Chrome, a repeated sentence, a table row, a credit line, wrapped lines, no words at all.
    texts += ["\n\n".join(SITE_A) + "\n\nThe same line again.\nThe same line again.", "\n\n".join(SITE_B)]
    texts += [
        "Name | Votes | Share\nSmith | 1,204 | 41%\n\nPhoto: Jane Doe/Reuters",
        "a wrapped\nline of prose\n",
        "",
        "?!",
    ]
    assert len(texts) > 300
    for text in texts:
        expected = sentence_keys(prepare_document(as_loaded(ScanDocument("d", text))))
        got = text_sentence_keys(text)
        assert got[0].tolist() == expected[0].tolist() and got[1].tolist() == expected[1].tolist()
