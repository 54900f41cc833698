"""Hypothesis strategies for odd but well-formed inputs, shared by the property tests.

The texts are what a real collection holds once in a while: any Unicode (control
characters and NULs included), prose, HTML, BOMs, text in legacy encodings, whitespace
only, nothing at all, long fields. The containers around them (JSONL, CSV, Parquet,
WARC) are always well formed: damaged containers are the readers' hardening tests'.
"""

from __future__ import annotations

from hypothesis import strategies as st

_SAMPLE = (
    "Russia said its troops withdrew from the city of Kherson on Friday after months of fighting. "
    "The minister told reporters that prices rose by 3.5% in March, the highest since 2008. "
    "Shares in Time Warner jumped 76% as advertising sales grew faster than expected. "
    "Café owners in Zürich — and in São Paulo — said «nothing» had changed; 東京 stayed quiet."
)
WORDS = tuple(_SAMPLE.split())


@st.composite
def prose(draw: st.DrawFn, *, min_sentences: int = 1, max_sentences: int = 8) -> str:
    """Sentences of news-like words, in paragraphs: text the aligner has something to work on."""
    sentences = []
    for _ in range(draw(st.integers(min_sentences, max_sentences))):
        words = draw(st.lists(st.sampled_from(WORDS), min_size=3, max_size=18))
        sentences.append(" ".join(words).rstrip(".") + ".")
    breaks = draw(st.lists(st.sampled_from([" ", " ", "\n", "\n\n"]), min_size=len(sentences), max_size=len(sentences)))
    return "".join(s + b for s, b in zip(sentences, breaks)).strip()


def html_page(body: str) -> str:
    paragraphs = "".join(f"<p>{p}</p>" for p in body.split("\n\n"))
    return f"<!DOCTYPE html><html><head><title>T</title></head><body><article>{paragraphs}</article></body></html>"


# Any Unicode scalar value but surrogates (which no encoder writes), controls and NUL included.
any_text = st.text(st.characters(exclude_categories=["Cs"]), max_size=300)
control_text = st.text(st.sampled_from(["\x00", "\x01", "\x07", "\x1b", "\x7f", "\x85", "\u2028", "\r", "\t", "a"]))

odd_text = st.one_of(
    prose(),
    any_text,
    control_text,
    st.sampled_from(["", " ", "\n\n\t", "\ufeff", "\ufeffBOM first. Then words follow here.", "<", "<p>", "null"]),
    prose().map(html_page),
    prose().map(lambda t: "\ufeff" + t),
    st.builds(lambda t, n: (t + " ") * n, prose(max_sentences=2), st.integers(50, 400)),  # long fields
    st.builds(lambda a, b: a + b, prose(max_sentences=2), any_text),
)

json_scalar = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    any_text,
)
json_value = st.recursive(
    json_scalar,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(any_text, inner, max_size=3)),
    max_leaves=6,
)

# A field is missing, of the wrong JSON type, or a string (usually odd text).
text_field = st.one_of(odd_text, odd_text, odd_text, json_value)
meta_field = st.one_of(st.none(), any_text, json_scalar, json_value)
id_field = st.one_of(st.text(max_size=12), st.integers(-5, 5), json_value)


@st.composite
def json_record(draw: st.DrawFn) -> dict:
    record: dict = {}
    for name, strategy in (
        ("id", id_field),
        ("text", text_field),
        ("date", meta_field),
        ("source", meta_field),
        ("url", meta_field),
        ("extra", json_value),
    ):
        if draw(st.integers(0, 9)) > 0:  # each field is missing one time in ten
            record[name] = draw(strategy)
    return record


@st.composite
def encoded(draw: st.DrawFn, text: st.SearchStrategy[str] = odd_text) -> bytes:
    """A text in one of the encodings found on the web (UTF-8 mostly), or arbitrary bytes."""
    value = draw(text)
    codec = draw(st.sampled_from(["utf-8", "utf-8", "utf-8-sig", "utf-16", "utf-32", "cp1252", "latin-1", "raw"]))
    if codec == "raw":
        return draw(st.binary(max_size=400))
    return value.encode(codec, errors="replace")
