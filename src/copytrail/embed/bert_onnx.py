"""Build an ONNX graph of a BERT encoder straight from its safetensors weights, without torch.

all-MiniLM-L6-v2 is a plain BERT (6 layers, 12 heads, hidden 384, exact GELU). Its graph is
written here node by node in ONNX's protobuf format (:mod:`copytrail.embed.onnx_proto`), the
weights read with ``safetensors``' numpy loader, so exporting it once needs neither torch nor
transformers (754 MB of torch for a 90 MB model) nor the onnx package (31 MB). The graph
computes what ``transformers.BertModel`` computes, in the same order of operations: its output
is checked against sentence-transformers on torch by ``tests/embed/test_embedders.py``
(cosine > 0.9999), and its bytes against the same graph built with ``onnx.helper`` by
``tests/embed/test_onnx_proto.py``.

Inputs ``input_ids``, ``attention_mask`` and ``token_type_ids`` (int64, batch x tokens);
output ``last_hidden_state`` (float32, batch x tokens x hidden).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np

from copytrail.embed import onnx_proto as proto
from copytrail.errors import MissingEmbedder, require

_OPSET = 17  # LayerNormalization is an operator from 17 on
# The IR version that came with opset 17 (onnx 1.12): ONNX Runtime reads it from 1.12 on, so
# the graph loads on every onnxruntime the embed extra allows (onnx.helper wrote its newest).
IR_VERSION = 8
# A tensor of this many bytes or more goes to the weights file; smaller ones (the constants)
# stay in the graph. Any threshold from 33 to 1536 bytes splits this graph the same way.
EXTERNAL_BYTES = 1024


def build_bert_onnx(model_dir: Path, target: Path) -> None:
    """Write the ONNX graph of the BERT model in ``model_dir`` (config.json, model.safetensors) to
    ``target``, and its weights to ``target`` + ``.weights`` beside it."""
    purpose = "building the MiniLM ONNX graph (once)"
    load_file = require("safetensors.numpy", extra="embed", purpose=purpose, error=MissingEmbedder).load_file
    config = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
    if config.get("hidden_act") != "gelu" or config.get("position_embedding_type", "absolute") != "absolute":
        raise ValueError(f"{model_dir}: only BERT with exact GELU and absolute positions is supported")
    weights = load_file(str(model_dir / "model.safetensors"))
    # Some exports prefix every tensor with the model's name ("bert.").
    weights = {name.removeprefix("bert."): value for name, value in weights.items()}
    hidden, heads = config["hidden_size"], config["num_attention_heads"]
    head_size = hidden // heads
    eps = float(config.get("layer_norm_eps", 1e-12))

    initializers: list[tuple[str, np.ndarray]] = []
    nodes: list[bytes] = []

    def const(name: str, value: np.ndarray) -> str:
        initializers.append((name, value))
        return name

    def weight(name: str, transpose: bool = False) -> str:
        value = np.ascontiguousarray(weights[name].T if transpose else weights[name]).astype(np.float32)
        return const(name, value)

    counter = iter(range(1_000_000))

    def node(op: str, inputs: list[str], **attrs: object) -> str:
        out = f"{op.lower()}_{next(counter)}"
        nodes.append(proto.node(op, inputs, [out], **attrs))
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
    mask = node("Cast", ["attention_mask"], to=proto.FLOAT)
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

    nodes.append(proto.node("Identity", [x], ["last_hidden_state"]))
    ints = [proto.value_info(n, proto.INT64, ["batch", "tokens"]) for n in _INPUTS]
    out = proto.value_info("last_hidden_state", proto.FLOAT, ["batch", "tokens", hidden])
    # The weights go to a file of their own beside the graph: ONNX Runtime maps such a file
    # instead of parsing 90 MB of protobuf, and starts a session in 0.04 s instead of 0.12 s.
    location = f"{target.name}.weights"
    tensors = []
    with open(target.parent / location, "wb") as weights_file:
        for name, value in initializers:
            if value.nbytes < EXTERNAL_BYTES:
                tensors.append(proto.tensor(name, value))
            else:
                tensors.append(proto.tensor(name, value, external=(location, weights_file.tell())))
                weights_file.write(proto.raw_data(value))
    graph = proto.graph(nodes, "bert", ints, [out], tensors)
    target.write_bytes(proto.model(graph, ir_version=IR_VERSION, opset=_OPSET, producer="copytrail"))


_INPUTS = ("input_ids", "attention_mask", "token_type_ids")
