"""Template stories (same wording, other facts) against copies that keep their story's facts."""

from __future__ import annotations

import dataclasses

import copytrail
from copytrail import CompareConfig, Relation, load_bytes
from copytrail.align.evidence import FactCounts, fact_counts
from copytrail.align.relation import RelationConfig
from copytrail.normalize import prepare_document
from copytrail.records import PassageLabel, SentencePair

WORDS_ONLY = CompareConfig(embedder="none")
RULE_OFF = dataclasses.replace(WORDS_ONLY, relation=RelationConfig(template_min_swapped=10**9))
REUSE = (Relation.DUPLICATE, Relation.NEAR_DUPLICATE, Relation.REWRITE, Relation.PARTIAL_REUSE)

# Two Reuters-21578 eurobond announcements (reuters/00905 and reuters/01475): one template,
# other issuer, amount, coupon, dates and lead manager.


def story(*paragraphs: str) -> str:
    return "\n\n".join(paragraphs) + "\n"


GASUNIE = story(
    "NEDERLANDSE GASUNIE ISSUES 100 MLN DLR EUROBOND",
    "NV Nederlandse Gasunie is issuing a 100 mln dlr eurobond due April 15, 1992 paying 7-1/4 pct and priced "
    "at 101-1/8 pct, lead manager Citicorp Investment Bank Ltd said.",
    "The non-callable bond is available in denominations of 5,000 dlrs and will be listed in Luxembourg. "
    "The selling concession is 1-1/4 pct, while management and underwriting combined pays 5/8 pct.",
    "The payment date is April 15.",
    "REUTER",
)
HAMBURGISCHE = story(
    "HAMBURGISCHE L/B ISSUES AUSTRALIAN DLR EUROBOND",
    "Hamburgische Landesbank Girozentrale is issuing a 50 mln Australian dlr eurobond due April 2, 1991 paying "
    "15 pct and priced at 101-1/2 pct, lead manager Orion Royal Bank Ltd said.",
    "The non-callable bond is available in denominations of 1,000 and 10,000 Australian dlrs and will be listed "
    "in Luxembourg. The selling concession is 1-1/8 pct while management and underwriting combined pays 5/8 pct.",
    "The payment date is April 2.",
    "REUTER",
)
# The Hamburgische story reworded by another desk: every fact kept, the wording changed.
HAMBURGISCHE_REWORDED = story(
    "HAMBURGISCHE L/B BRINGS AUSTRALIAN DLR EUROBOND",
    "Hamburgische Landesbank Girozentrale has launched a 50 mln Australian dlr eurobond due April 2, 1991 with a "
    "15 pct coupon, priced at 101-1/2 pct, said lead manager Orion Royal Bank Ltd.",
    "The bond cannot be called and comes in denominations of 1,000 and 10,000 Australian dlrs, with a listing "
    "in Luxembourg. Selling concession is 1-1/8 pct and management and underwriting together pay 5/8 pct.",
    "Payment is due on April 2.",
    "REUTER",
)


def doc(text: str, name: str):
    return load_bytes(text.encode("utf-8"), name=name)


def test_two_instances_of_a_template_are_not_reuse() -> None:
    report = copytrail.compare(doc(GASUNIE, "a"), doc(HAMBURGISCHE, "b"), config=WORDS_ONLY)
    assert report.relation not in REUSE
    assert report.passages, "the shared wording still aligns and is shown"
    # The rule is what decides: without it the same alignment is taken for a rewrite.
    without = copytrail.compare(doc(GASUNIE, "a"), doc(HAMBURGISCHE, "b"), config=RULE_OFF)
    assert without.relation in REUSE


def test_a_reworded_copy_that_keeps_its_facts_is_still_reuse() -> None:
    report = copytrail.compare(doc(HAMBURGISCHE, "a"), doc(HAMBURGISCHE_REWORDED, "b"), config=WORDS_ONLY)
    assert report.relation in REUSE


def test_fact_counts_tell_swapped_facts_from_dropped_ones() -> None:
    a = prepare_document(doc("Acme Corp sold 120 trucks to Ford in Detroit on Tuesday, its chief Ann Lee said.", "a"))
    swapped = prepare_document(
        doc("Zenith Ltd sold 75 trucks to Ford in Detroit on Tuesday, its chief Bo Park said.", "b")
    )
    dropped = prepare_document(doc("Acme Corp sold trucks to Ford on Tuesday, its chief said.", "c"))
    pair = [SentencePair(0, 0, similarity=0.9, lexical=0.6, semantic=None, label=PassageLabel.EDITED)]
    template = fact_counts(a, swapped, pair)
    assert template.swapped >= 4 and template.kept == 2  # ford, detroit kept; issuer, number, chief swapped
    edited = fact_counts(a, dropped, pair)
    assert edited.swapped == 0 and edited.kept >= 3  # dropping facts is an edit, not a swap
    assert FactCounts(0, 0).agreement == 1.0
