"""The embedders: the ONNX path matches the torch reference; the cache and the fake behave."""

from __future__ import annotations

import numpy as np
import pytest

from copytrail.embed import CachedEmbedder, HashingEmbedder, load_embedder
from copytrail.errors import EmbedderError

SENTENCES = [
    "Russia announced Friday morning that it has withdrawn all its troops from Kherson.",
    "Russia has said it is withdrawing its troops from the key city of Kherson.",
    "The council voted to close the old bridge for repairs.",
    "Kurz",
]


@pytest.mark.slow
def test_onnx_minilm_matches_the_sentence_transformers_reference() -> None:
    pytest.importorskip("sentence_transformers")
    from copytrail.embed.minilm import MiniLMEmbedder
    from copytrail.embed.others import SentenceTransformerEmbedder

    onnx = MiniLMEmbedder().embed(SENTENCES)
    torch = SentenceTransformerEmbedder().embed(SENTENCES)
    assert onnx.shape == torch.shape == (len(SENTENCES), 384)
    assert np.min(np.sum(onnx * torch, axis=1)) > 0.9999
    # And the vectors mean something: the paraphrase is closer than the unrelated sentence.
    assert onnx[0] @ onnx[1] > onnx[0] @ onnx[2] + 0.3


def test_cache_embeds_each_distinct_sentence_once() -> None:
    calls: list[list[str]] = []

    class Counting(HashingEmbedder):
        def embed(self, sentences):  # noqa: ANN001, ANN201
            calls.append(list(sentences))
            return super().embed(sentences)

    cached = CachedEmbedder(Counting(), max_items=3)
    first = cached.embed(["a b", "c d", "a b"])
    second = cached.embed(["c d", "e f"])
    assert calls == [["a b", "c d"], ["e f"]]
    assert np.allclose(first[1], second[0])
    assert np.allclose(first[0], first[2])


def test_hashing_embedder_is_deterministic_and_normalised() -> None:
    vectors = HashingEmbedder().embed(SENTENCES)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0)
    assert np.array_equal(vectors, HashingEmbedder().embed(SENTENCES))


def test_unknown_embedder_is_a_clear_error() -> None:
    with pytest.raises(EmbedderError, match="unknown embedder 'bert'"):
        load_embedder("bert")
