"""The MiniLM graph as copytrail built it with ``onnx.helper`` until commit 8f83591: the reference
``copytrail.embed.bert_onnx`` (which writes the protobuf itself) is checked against in
``tests/embed/test_onnx_proto.py``. onnx is a dev dependency only.

Unchanged but for ``ir_version`` (None: onnx.helper's newest, as it was) and the lookups of onnx
by plain import. A change to the graph in bert_onnx.py is made here too, or that test fails.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np

_OPSET = 17  # LayerNormalization is an operator from 17 on


def build_bert_onnx(model_dir: Path, target: Path, ir_version: int | None = None) -> None:
    """Write the ONNX graph of the BERT model in ``model_dir`` (config.json, model.safetensors) to
    ``target``, and its weights to ``target`` + ``.weights`` beside it."""
    import onnx
    import onnx.numpy_helper
    from safetensors.numpy import load_file

    helper, TensorProto = onnx.helper, onnx.TensorProto
    config = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
    if config.get("hidden_act") != "gelu" or config.get("position_embedding_type", "absolute") != "absolute":
        raise ValueError(f"{model_dir}: only BERT with exact GELU and absolute positions is supported")
    weights = load_file(str(model_dir / "model.safetensors"))
    # Some exports prefix every tensor with the model's name ("bert.").
    weights = {name.removeprefix("bert."): value for name, value in weights.items()}
    hidden, heads = config["hidden_size"], config["num_attention_heads"]
    head_size = hidden // heads
    eps = float(config.get("layer_norm_eps", 1e-12))

    initializers: list = []
    nodes: list = []

    def const(name: str, value: np.ndarray) -> str:
        initializers.append(onnx.numpy_helper.from_array(value, name))
        return name

    def weight(name: str, transpose: bool = False) -> str:
        value = np.ascontiguousarray(weights[name].T if transpose else weights[name]).astype(np.float32)
        return const(name, value)

    counter = iter(range(1_000_000))

    def node(op: str, inputs: list[str], **attrs: object) -> str:
        out = f"{op.lower()}_{next(counter)}"
        nodes.append(helper.make_node(op, inputs, [out], **attrs))
        return out

    def linear(x: str, prefix: str) -> str:
        # torch's Linear keeps (out, in); x @ W.T + b
        return node("Add", [node("MatMul", [x, weight(f"{prefix}.weight", transpose=True)]), weight(f"{prefix}.bias")])

    def layer_norm(x: str, prefix: str) -> str:
        return node(
            "LayerNormalization", [x, weight(f"{prefix}.weight"), weight(f"{prefix}.bias")], axis=-1, epsilon=eps
        )

    # Embeddings: word + position + token type, then LayerNorm.
    zero = const("zero", np.array(0, dtype=np.int64))
    one = const("one", np.array(1, dtype=np.int64))
    tokens = node("Gather", [node("Shape", ["input_ids"]), one], axis=0)
    positions = node("Range", [zero, tokens, one])
    x = node(
        "Add",
        [
            node(
                "Add",
                [
                    node("Gather", [weight("embeddings.word_embeddings.weight"), "input_ids"], axis=0),
                    node("Gather", [weight("embeddings.position_embeddings.weight"), positions], axis=0),
                ],
            ),
            node("Gather", [weight("embeddings.token_type_embeddings.weight"), "token_type_ids"], axis=0),
        ],
    )
    x = layer_norm(x, "embeddings.LayerNorm")

    # The attention mask as BertModel extends it: 0 where attended, the float32 minimum where not.
    mask = node("Cast", ["attention_mask"], to=TensorProto.FLOAT)
    mask = node("Unsqueeze", [mask, const("mask_axes", np.array([1, 2], dtype=np.int64))])
    inverted = node("Sub", [const("one_f", np.array(1.0, dtype=np.float32)), mask])
    bias = node("Mul", [inverted, const("lowest", np.array(np.finfo(np.float32).min, dtype=np.float32))])

    split_heads = const("split_heads", np.array([0, 0, heads, head_size], dtype=np.int64))
    merge_heads = const("merge_heads", np.array([0, 0, hidden], dtype=np.int64))
    scale = const("scale", np.array(1.0 / math.sqrt(head_size), dtype=np.float32))
    half = const("half", np.array(0.5, dtype=np.float32))
    one_f = "one_f"
    sqrt2 = const("sqrt2", np.array(math.sqrt(2.0), dtype=np.float32))

    for layer in range(config["num_hidden_layers"]):
        p = f"encoder.layer.{layer}"

        def heads_of(x: str, name: str, perm: list[int], p: str = p) -> str:
            return node(
                "Transpose", [node("Reshape", [linear(x, f"{p}.attention.self.{name}"), split_heads])], perm=perm
            )

        q = heads_of(x, "query", [0, 2, 1, 3])
        k = heads_of(x, "key", [0, 2, 3, 1])  # transposed for q @ k
        v = heads_of(x, "value", [0, 2, 1, 3])
        scores = node("Add", [node("Mul", [node("MatMul", [q, k]), scale]), bias])
        context = node("MatMul", [node("Softmax", [scores], axis=-1), v])
        context = node("Reshape", [node("Transpose", [context], perm=[0, 2, 1, 3]), merge_heads])
        x = layer_norm(
            node("Add", [linear(context, f"{p}.attention.output.dense"), x]), f"{p}.attention.output.LayerNorm"
        )
        inner = linear(x, f"{p}.intermediate.dense")
        # Exact GELU, as BERT's "gelu": 0.5 x (1 + erf(x / sqrt 2)).
        erf = node("Erf", [node("Div", [inner, sqrt2])])
        inner = node("Mul", [node("Mul", [inner, half]), node("Add", [erf, one_f])])
        x = layer_norm(node("Add", [linear(inner, f"{p}.output.dense"), x]), f"{p}.output.LayerNorm")

    nodes.append(helper.make_node("Identity", [x], ["last_hidden_state"]))
    ints = [helper.make_tensor_value_info(n, TensorProto.INT64, ["batch", "tokens"]) for n in _INPUTS]
    out = helper.make_tensor_value_info("last_hidden_state", TensorProto.FLOAT, ["batch", "tokens", hidden])
    graph = helper.make_graph(nodes, "bert", ints, [out], initializer=initializers)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", _OPSET)], producer_name="copytrail")
    if ir_version is not None:
        model.ir_version = ir_version
    onnx.checker.check_model(model)
    # The weights go to a file of their own beside the graph: ONNX Runtime maps such a file
    # instead of parsing 90 MB of protobuf, and starts a session in 0.04 s instead of 0.12 s.
    onnx.save_model(
        model,
        str(target),
        save_as_external_data=True,
        all_tensors_to_one_file=True,
        location=f"{target.name}.weights",
        size_threshold=1024,
    )


_INPUTS = ("input_ids", "attention_mask", "token_type_ids")
