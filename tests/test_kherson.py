"""Acceptance: the Kherson pair (../shared/examples/kherson/EXPECTED.md).

A is 000 (the machine-translated rewrite), B is 001 (the NPR page with its chrome).
The expected sentence pairs below were read off the two texts by hand.
"""

from __future__ import annotations

import pytest

from copytrail import Relation, Role
from copytrail.records import CompareReport, Document

# (start of a sentence in 000, start of its counterpart in 001)
EXPECTED_PAIRS = [
    ("An elderly woman walks through", "An elderly woman walks in the"),
    ("The Russians occupied the village", "The Russians occupied the village"),
    ("Now the Ukrainian forces are moving", "Now Ukrainian forces are moving"),
    ("The Russians also say they are", "The Russians also say they're"),
    ("Russia has said it is withdrawing", "Russia announced Friday morning"),
    ("It is Ukraine\u2019s latest military", "This is the latest military success"),
    ("Yet President Biden", "Yet President Biden"),
    ("\u201cThere must be a mutual", '"There has to be a mutual'),
    ("\u201cWhen there is an opportunity", "\"When there's an opportunity"),
    ("The general is the latest", "The general is among"),
    ("US officials say they are not", "U.S. officials say they are not"),
    ("During a press conference", "At a news conference"),
    ("The president also said", "The president also said"),
    ("He added that the two sides", "He went on to say"),
    ("And, Biden added", "And, Biden added"),
    ("US officials also acknowledge", "U.S. officials acknowledge"),
    ("But Americans would like", "But the Americans would like"),
    ("Russia and Ukraine held a brief", "Russia and Ukraine held a few"),
    ("But the talks came to nothing", "But the discussions went nowhere"),
    ("In his nightly televised address", "President Volodymyr Zelenskyy this week"),
    ("He said that all Russian forces", "He said all Russian forces"),
    ("\u201cWe have offered negotiations", '"We have proposed negotiations'),
    ("When Russia annexed", "When Russia annexed"),
    ("Russian Defense Minister Sergei Shoigu", "Russian Defense Minister Sergei Shoigu"),
    ("This marks another significant", "That marks another significant"),
    ("\u201cWe will negotiate", '"We will negotiate'),
    ("Zelenskyy made no mention", "Zelenskyy made no mention"),
    ("Meanwhile, Russian Foreign Ministry", "Meanwhile, Russia's Foreign Ministry"),
    ("However, she did not say", "However, she did not offer"),
    ("The Ukrainians said it followed", "Ukrainians say this follows"),
    ("The importance of Kherson", "The significance of Kherson"),
    ("Kherson was one of Russia", "Kherson was one of Russia"),
    ("Russian forces encountered", "Russian forces faced"),
    ("This was seen as part", "This was seen as part"),
    ("Now the Russians say they are leaving", "Now the Russians have left"),
    ("Analysts say no such action", "Analysts say no such move"),
    ("This would mark the third", "This is the third major retreat"),
    ("A large Russian force", "A large Russian force"),
    ("The Russians also approached the second", "The Russians also neared"),
    ("Ukraine\u2019s cautious reaction", "Ukraine's cautious reaction"),
    ("Despite Russia\u2019s latest announcement", "Despite Russia's withdrawal announcement"),
    ("Ukraine said on Thursday that its troops", "Zelenskyy said Ukrainian troops have reclaimed"),
]

ONLY_IN_000 = [
    "Russian media reported on Thursday that the withdrawal was proceeding as planned.",
    "Russia had about 20,000-30,000 troops in the Kherson region",
    "The mystery surrounding the city\u2019s status should clear up fairly quickly.",
    "Meanwhile, Zelenskyy urged Ukrainians to be patient.",
    "Our emotions need to be contained",
    "The enemy does not bring us gifts, he does not make gestures of goodwill.",
]
ONLY_IN_001 = [
    "when the fighting is expected to slow",
    "wary of any possible Russian traps",
    "On social media, meanwhile, many Ukrainians were already celebrating.",
    "videos showed eldering residents",
    "One video showed a young woman playing a violin in the street",
    "a photo from Kherson showed a Ukrainian flag raised at the city's main government building",
]


def segment_starting(doc: Document, prefix: str) -> int:
    matches = [s.index for s in doc.segments if s.text.startswith(prefix)]
    assert matches, f"no sentence of {doc.name} starts with {prefix!r}"
    return matches[0]


def covered_by(spans, start: int, end: int) -> bool:
    covered = set()
    for span in spans:
        covered.update(range(max(span.start, start), min(span.end, end)))
    return len(covered) >= 0.9 * (end - start)


def test_relation_is_rewrite(kherson_report: CompareReport) -> None:
    assert kherson_report.relation is Relation.REWRITE


def test_most_story_sentences_align_to_the_right_counterpart(kherson_report: CompareReport) -> None:
    pairs = {p.a: p.b for passage in kherson_report.passages for p in passage.pairs}
    a, b = kherson_report.a, kherson_report.b
    right = [(pa, pb) for pa, pb in EXPECTED_PAIRS if pairs.get(segment_starting(a, pa)) == segment_starting(b, pb)]
    wrong = [pair for pair in EXPECTED_PAIRS if pair not in right]
    assert len(right) / len(EXPECTED_PAIRS) >= 0.9, f"misaligned: {wrong}"
    story_a = [s for s in a.segments if s.role is Role.STORY and len(s.text.split()) >= 3]
    assert len(right) / len(story_a) >= 0.7  # "most of 000's story sentences"


def test_no_pair_is_listed_twice_and_merges_are_rare(kherson_report: CompareReport) -> None:
    pairs = [(p.a, p.b) for passage in kherson_report.passages for p in passage.pairs]
    assert len(set(pairs)) == len(pairs)
    # The copy keeps the original's sentence structure: nearly all pairs are one to one.
    assert len({a for a, _ in pairs}) >= 0.95 * len(pairs)
    assert len({b for _, b in pairs}) >= 0.95 * len(pairs)


@pytest.mark.parametrize(
    "line",
    [
        "\u00a9 2022 | Jefferson Public Radio",
        "Southern Oregon University",
        "1250 Siskiyou Blvd.",
        "Ashland, OR 97520",
        "541.552.6301 | 800.782.6191",
        "Play Live Radio",
        "Next Up:",
        "0:00",
        "Available On Air Stations",
        "BULENT KILIC",
        "AFP via Getty Images",
        "Mikhail Metzel / Sputnik/AFP via Getty Images",
        "SPUTNIK/AFP via Getty Images",
        "Copyright 2022 NPR.",
        "Greg Myre",
        "Greg Myre is a national security correspondent",
        "Tom Bowman is a NPR National Desk reporter",
    ],
)
def test_page_chrome_of_001_is_boilerplate(kherson_report: CompareReport, line: str) -> None:
    doc = kherson_report.b
    index = segment_starting(doc, line)
    assert doc.segments[index].role is Role.BOILERPLATE, doc.segments[index]


def test_captions_are_not_story_and_the_repeat_is_boilerplate(kherson_report: CompareReport) -> None:
    doc = kherson_report.b
    copies = [s for s in doc.segments if s.text.startswith("An elderly woman walks in the")]
    assert len(copies) == 2
    assert copies[0].role is Role.CAPTION
    assert copies[1].role is Role.BOILERPLATE


def test_everything_before_the_headline_is_boilerplate(kherson_report: CompareReport) -> None:
    doc = kherson_report.b
    headline = segment_starting(doc, "Russia retreats from Kherson.")
    assert doc.segments[headline].role is Role.HEADING
    assert all(s.role is Role.BOILERPLATE for s in doc.segments[:headline])


def test_story_text_is_not_boilerplate(kherson_report: CompareReport) -> None:
    for doc in (kherson_report.a, kherson_report.b):
        story = [s for s in doc.segments if s.role is Role.STORY]
        assert len(story) >= 40
        for prefix in ("Kherson was one of Russia", "When Russia annexed"):
            assert doc.segments[segment_starting(doc, prefix)].role is Role.STORY


@pytest.mark.parametrize("phrase", ONLY_IN_000)
def test_only_in_000_passages_are_unaligned(kherson_report: CompareReport, phrase: str) -> None:
    start = kherson_report.a.text.index(phrase)
    assert covered_by(kherson_report.unaligned_a, start, start + len(phrase))


@pytest.mark.parametrize("phrase", ONLY_IN_001)
def test_only_in_001_passages_are_unaligned(kherson_report: CompareReport, phrase: str) -> None:
    start = kherson_report.b.text.index(phrase)
    assert covered_by(kherson_report.unaligned_b, start, start + len(phrase))


def test_offsets_point_into_the_original_texts(kherson_report: CompareReport) -> None:
    for passage in kherson_report.passages:
        for pair in passage.pairs:
            seg_a = kherson_report.a.segments[pair.a]
            assert kherson_report.a.text[seg_a.start : seg_a.end] == seg_a.text
            assert passage.a_span.start <= seg_a.start and seg_a.end <= passage.a_span.end
    with open(kherson_report.b.name, encoding="utf-8") as handle:
        assert kherson_report.b.text == handle.read()
