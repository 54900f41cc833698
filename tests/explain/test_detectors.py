"""The explanation detectors on small hand-written cases."""

from __future__ import annotations

from copytrail import Original, Span
from copytrail.explain.facts import dates, names, quantities, verb_groups
from copytrail.explain.provenance import weigh
from copytrail.explain.quotes import extract_quotes, normalise_quote
from copytrail.records import Evidence, Role, Segment


def seg(text: str) -> Segment:
    return Segment(0, 0, len(text), text, 0, Role.STORY)


def test_quote_speakers_after_before_and_by_pronoun() -> None:
    text = (
        '"We will rebuild the bridge by spring," Mayor Ana Ruiz said on Monday.\n\n'
        'Council member Tom Hale said: "The money is not there yet."\n\n'
        '"Nobody asked the residents," he added.'
    )
    quotes = extract_quotes(text)
    assert [q.speaker for q in quotes] == ["Mayor Ana Ruiz", "Tom Hale", "Tom Hale"]
    for quote in quotes:
        assert text[quote.span.start : quote.span.end] == quote.text


def test_contractions_do_not_make_a_quote_different() -> None:
    assert normalise_quote("When there's an opportunity") == normalise_quote("When there is an opportunity")
    assert normalise_quote("we can't") == normalise_quote("we can not")


def test_quantities_dates_names_and_verbs() -> None:
    s = seg(
        "Ukraine said on Thursday that its troops had taken a dozen villages and 20,000-30,000 troops left Kherson."
    )
    assert {m.text for m in quantities(s)} >= {"a dozen", "20,000-30,000"}
    assert [m.text for m in dates(s)] == ["Thursday"]
    assert "Kherson" in {m.text for m in names(s)}
    assert [m.text for m in verb_groups(s)] == ["had taken"]


def test_weigh_needs_a_margin() -> None:
    close = weigh([Evidence("credit", Original.A, 1.5, ""), Evidence("translation", Original.B, 1.0, "")])
    assert close.original is Original.UNDECIDED
    clear = weigh([Evidence("date", Original.B, 3.0, ""), Evidence("containment", Original.A, 0.5, "")])
    assert clear.original is Original.B and 0.5 < clear.confidence < 1.0


def test_span_is_half_open() -> None:
    assert len(Span(3, 7)) == 4


def _explain(a: str, b: str):
    import copytrail
    from copytrail import CompareConfig, load_bytes

    report = copytrail.compare(
        load_bytes(a.encode(), name="a"), load_bytes(b.encode(), name="b"), config=CompareConfig(embedder="none")
    )
    return [(c.kind.value, c.a_text, c.b_text) for c in report.explanation.changes]


def test_negation_after_a_modal_is_found() -> None:
    a = "The Conservative Party would cut the number of MPs by about one fifth if elected, Mr Howard said."
    b = "The Conservative Party would not cut the number of MPs by about one fifth if elected, Mr Howard said."
    assert ("negation", "would cut", "would not cut") in _explain(a, b)


def test_a_surname_swapped_behind_a_shared_title_is_found() -> None:
    a = "The changes would take place within five years of an election win, Mr Howard told the paper."
    b = "The changes would take place within five years of an election win, Mr Ferris told the paper."
    assert ("name", "Mr Howard", "Mr Ferris") in _explain(a, b)


def test_an_unchanged_sentence_with_the_same_verb_twice_reports_nothing() -> None:
    text = "We are fighting it here but we are not fighting it there, the minister said on Monday."
    assert _explain(text, text) == []


def test_a_quote_of_one_side_does_not_hide_a_name_at_the_same_offsets_in_the_other() -> None:
    # B's quote covers characters 0-30 of B; "Smith" is at 17-22 of A, outside A's quote.
    # Quotes were checked against both sides' mentions, so Smith was set aside as quoted.
    a = 'It was then that Smith told Jones the talks with the union went well, "as we had planned," he added.'
    b = '"As we had planned and hoped," he said, Brown told Jones the talks with the union went well.'
    assert ("name", "Smith", "Brown") in _explain(a, b)
