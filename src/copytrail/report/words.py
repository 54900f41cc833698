"""The words every report uses for relations and change kinds (no rendering dependency)."""

from __future__ import annotations

from copytrail.records import ChangeKind, Relation

RELATION_WORDS = {
    Relation.DUPLICATE: "duplicate: the same text",
    Relation.NEAR_DUPLICATE: "near-duplicate: one is a lightly edited copy of the other",
    Relation.REWRITE: "rewrite: one is a paraphrased or translated copy of the other",
    Relation.PARTIAL_REUSE: "partial reuse: some passages are taken from the other",
    Relation.SAME_STORY: "same story, written independently",
    Relation.UNRELATED: "unrelated",
    Relation.NOT_COVERED: "not covered: no installed model reads both languages, so reuse cannot be told",
}
CHANGE_TITLES = {
    ChangeKind.ALTERED_QUOTE: "altered quote",
    ChangeKind.NUMBER: "number",
    ChangeKind.DATE: "date",
    ChangeKind.NAME: "name",
    ChangeKind.NEGATION: "negation",
    ChangeKind.VERB_FORM: "verb form",
}
