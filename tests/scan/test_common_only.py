"""Candidates that only a site's chrome made are decided without the pair engine (issue 12).

The rule (copytrail.scan.common_only) claims: a candidate only the rare n-gram index proposed,
whose alignable texts share fewer than ``rare_min_shared`` n-grams, would not have been
proposed had the index seen only that text. The property test holds it to the index itself.
"""

from __future__ import annotations

import random

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from copytrail.normalize.common import CommonTextConfig, CommonTextCounter, document_source, text_sentence_keys
from copytrail.records import Relation
from copytrail.scan import CandidatePair, FingerprintConfig, ScanDocument, VerifyConfig
from copytrail.scan.candidates import EXACT, MINHASH, RARE_NGRAMS, find_candidates
from copytrail.scan.common_only import alignable_ngrams, shares_too_few
from copytrail.scan.verify import COMMON_ONLY, PairVerifier

_HEADER = (
    "THE CIVIC STANDARD\n\nRegions > Local > Travel > Home > Comment > Asia > Africa > Investigations\n\n"
    "Listen live to our award winning morning programme\n\n"
)
_FOOTER = (
    "\n\nTell a friend about this story and share it with your colleagues today\n\n"
    "Click here to read more from our newsroom and sign up for the daily briefing\n\n"
    "Copyright The Civic Standard Media Group, all rights reserved across every edition"
)
_VOCABULARY = [
    "harbour",
    "council",
    "library",
    "freight",
    "corn",
    "hotel",
    "offering",
    "budget",
    "river",
    "roof",
    "shipment",
    "traders",
    "makers",
    "units",
    "registration",
    "statement",
    "proceeds",
    "northwest",
    "summer",
    "rates",
    "ports",
    "period",
    "repairs",
    "branch",
    "spring",
    "mayor",
    "election",
    "tunnel",
    "railway",
    "bridge",
    "school",
    "teachers",
    "nurses",
    "hospital",
    "minister",
    "pension",
    "tax",
    "bank",
    "shares",
    "profit",
    "losses",
    "factory",
    "workers",
    "strike",
    "union",
    "wages",
    "farmers",
    "harvest",
    "drought",
    "rain",
    "flood",
    "police",
    "court",
    "judge",
    "verdict",
    "appeal",
    "museum",
    "painting",
    "concert",
    "festival",
    "stadium",
    "match",
    "league",
    "season",
    "coach",
    "injury",
]


def _story(seed: int, sentences: int = 8) -> str:
    """Sentences of words drawn at random: two stories share next to no 5-gram."""
    rng = random.Random(seed)
    return " ".join(" ".join(rng.choice(_VOCABULARY) for _ in range(14)).capitalize() + "." for _ in range(sentences))


_PASSAGE = (
    " Officials at the port authority confirmed that twelve container cranes were idle on Thursday "
    "after a software fault halted the scheduling system for most of the night shift."
)
_SITE = "civic-standard.example"


def _page(story: str, i: int) -> ScanDocument:
    return ScanDocument(id=f"page-{i:02d}", text=_HEADER + story + _FOOTER, source=_SITE)


def _common(pages: list[ScanDocument]):
    counter = CommonTextCounter()
    for page in pages:
        keys, words = text_sentence_keys(page.text)
        counter.add_keys(keys, words, document_source(page.source, page.url))
    return counter.build(CommonTextConfig())


def _site(pages: int = 30, sentences: int = 8) -> tuple[dict[str, ScanDocument], PairVerifier, PairVerifier]:
    # The pages of one site: its header and footer are its chrome. Two more share a passage.
    site = [_page(_story(i, sentences), i) for i in range(pages)]
    site.append(_page(_story(pages, sentences) + _PASSAGE, 30))
    site.append(_page(_story(pages + 1, sentences) + _PASSAGE, 31))
    docs = {p.id: p for p in site}
    common = _common(site)
    assert len(common), "the site's header and footer should be learned as chrome"
    return docs, PairVerifier(docs, common=common, fingerprint=FingerprintConfig()), PairVerifier(docs, common=common)


def test_a_pair_that_shares_only_the_sites_chrome_is_not_compared() -> None:
    docs, with_rule, without_rule = _site()
    candidate = CandidatePair("page-00", "page-01", (RARE_NGRAMS,), 0.2, 40)
    verdict = with_rule.verify(candidate)
    assert verdict.skipped == COMMON_ONLY and not verdict.compared
    assert verdict.relation is Relation.UNRELATED and verdict.pair is None
    # What the engine says of it anyway: the rule saved the comparison, not the answer.
    full = without_rule.verify(candidate)
    assert full.compared and full.pair is None
    every = PairVerifier(docs, VerifyConfig(compare_all=True), with_rule.common, FingerprintConfig())
    assert every.verify(candidate).compared


def test_a_pair_that_also_shares_a_passage_is_compared_and_kept() -> None:
    _docs, with_rule, _ = _site()
    verdict = with_rule.verify(CandidatePair("page-30", "page-31", (RARE_NGRAMS,), 0.3, 60))
    assert verdict.compared and verdict.pair is not None


def test_candidates_another_index_proposed_are_always_compared() -> None:
    _docs, with_rule, _ = _site()
    verdict = with_rule.verify(CandidatePair("page-00", "page-01", (MINHASH, RARE_NGRAMS), 0.6, 40))
    assert verdict.compared


_WORDS = st.sampled_from(
    [
        "the",
        "port",
        "cranes",
        "were",
        "idle",
        "after",
        "a",
        "fault",
        "halted",
        "night",
        "shift",
        "council",
        "library",
        "roof",
        "budget",
        "corn",
        "freight",
    ]
)


@settings(max_examples=60, deadline=None)
@given(
    common=st.lists(_WORDS, min_size=0, max_size=12),
    only_a=st.lists(_WORDS, min_size=0, max_size=25),
    only_b=st.lists(_WORDS, min_size=0, max_size=25),
)
def test_too_few_means_the_index_would_not_have_proposed_the_alignable_texts(
    common: list[str], only_a: list[str], only_b: list[str]
) -> None:
    # Two documents whose whole text is alignable: the rule's verdict must be the index's own.
    from copytrail.normalize import prepare_document
    from copytrail.scan.verify import as_loaded

    a = ScanDocument(id="a", text=" ".join(only_a[:12] + common + only_a[12:]) + ".")
    b = ScanDocument(id="b", text=" ".join(only_b[:12] + common + only_b[12:]) + ".")
    config = FingerprintConfig()
    prepared = [prepare_document(as_loaded(d)) for d in (a, b)]
    ngrams = [alignable_ngrams(p, config.ngram_words) for p in prepared]
    alignable = [
        ScanDocument(id=d.id, text="\n".join(s.text for s in p.segments if s.role.alignable))
        for d, p in zip((a, b), prepared)
    ]
    candidates, _ = find_candidates(alignable, config)
    sources = {s for c in candidates for s in c.sources}
    # Exact copies are paired once, by their content key, and kept out of the rare n-gram index.
    proposed = RARE_NGRAMS in sources or EXACT in sources
    if shares_too_few(*ngrams, config.rare_min_shared):
        assert RARE_NGRAMS not in sources
    else:
        assert proposed


def test_shares_too_few_counts_distinct_shared_values() -> None:
    a = np.array([1, 2, 3, 5, 8], dtype=np.uint64)
    b = np.array([2, 3, 5, 7], dtype=np.uint64)
    assert not shares_too_few(a, b, 3)
    assert shares_too_few(a, b, 4)


def test_the_scan_skips_chrome_only_candidates_and_compare_all_checks_them(tmp_path) -> None:  # noqa: ANN001
    """Through the command line: the same pairs either way; only the default run skips comparisons."""
    import json

    from click.testing import CliRunner

    from copytrail.cli.main import main

    # Twelve pages of long stories: the chrome's n-grams are rare (in at most 20 documents) and
    # MinHash, on stories much longer than the chrome, proposes next to none of them.
    docs, _, _ = _site(pages=12, sentences=20)
    corpus = tmp_path / "site.jsonl"
    corpus.write_text(
        "".join(json.dumps({"id": d.id, "text": d.text, "source": d.source}) + "\n" for d in docs.values())
    )
    runs = {}
    for name, extra in (("default", []), ("all", ["--compare-all"])):
        out = tmp_path / name
        result = CliRunner().invoke(
            main, ["scan", str(corpus), "--out", str(out), "--no-progress", "--no-report", "--workers", "1", *extra]
        )
        assert result.exit_code == 0, result.output
        runs[name] = (
            json.loads((out / "stats.json").read_text())["stages"]["verify"],
            (out / "pairs.jsonl").read_text(),
        )
    default, every = runs["default"][0], runs["all"][0]
    assert default["common_only"] > 0 and every["common_only"] == 0 and every["scattered_rare"] == 0
    assert default["candidates"] == every["candidates"]
    assert runs["default"][1] == runs["all"][1] and '"page-30"' in runs["default"][1]
