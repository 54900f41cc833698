"""The few ONNX protobuf messages copytrail writes, encoded by hand: no onnx, no protobuf.

An ONNX file is a serialised ``ModelProto`` (onnx/onnx.proto, proto2). Building the MiniLM
graph needs only a model, its graph, nodes with int, float and ints attributes, tensors
(small ones inline, the weights in a file beside the graph, as ``onnx.save_model`` with
``save_as_external_data`` writes them) and the tensor types of the inputs and outputs. The
onnx package that wrote them before is 31 MB installed, with ml_dtypes; this is its wire format
for those messages: each field as a varint key (number << 3 | wire type) then a varint, a
little-endian float or a length-prefixed payload, in field-number order as protobuf writes
them. ``tests/embed/test_onnx_proto.py`` checks the bytes against onnx's own (a dev dependency).

Each function returns a message's bytes; field numbers are onnx.proto's.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable, Sequence

import numpy as np

# TensorProto.DataType
FLOAT, INT64 = 1, 7
_DATA_TYPES = {np.dtype(np.float32): FLOAT, np.dtype(np.int64): INT64}
# AttributeProto.AttributeType
_ATTR_FLOAT, _ATTR_INT, _ATTR_INTS = 1, 2, 7
_EXTERNAL = 1  # TensorProto.DataLocation


def _varint(value: int) -> bytes:
    value &= (1 << 64) - 1  # a negative int64 is written as its 64-bit two's complement
    out = bytearray()
    while value > 0x7F:
        out.append(value & 0x7F | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def _int(field: int, value: int) -> bytes:
    return _varint(field << 3) + _varint(value)


def _float(field: int, value: float) -> bytes:
    return _varint(field << 3 | 5) + struct.pack("<f", value)


def _bytes(field: int, payload: bytes) -> bytes:
    return _varint(field << 3 | 2) + _varint(len(payload)) + payload


def _str(field: int, text: str) -> bytes:
    return _bytes(field, text.encode("utf-8"))


def _each(field: int, payloads: Iterable[bytes]) -> bytes:
    return b"".join(_bytes(field, payload) for payload in payloads)


def attribute(name: str, value: int | float | Sequence[int]) -> bytes:
    """An ``AttributeProto``: an int, a float or a list of ints."""
    if isinstance(value, bool):
        raise TypeError(f"attribute {name}: bool is not written")
    if isinstance(value, int):
        return _str(1, name) + _int(3, value) + _int(20, _ATTR_INT)
    if isinstance(value, float):
        return _str(1, name) + _float(2, value) + _int(20, _ATTR_FLOAT)
    return _str(1, name) + b"".join(_int(8, v) for v in value) + _int(20, _ATTR_INTS)


def node(op: str, inputs: Sequence[str], outputs: Sequence[str], **attrs: int | float | Sequence[int]) -> bytes:
    """A ``NodeProto`` of the default domain, its attributes sorted by name (as onnx.helper.make_node does)."""
    fields = [_str(1, name) for name in inputs] + [_str(2, name) for name in outputs] + [_str(4, op)]
    fields += [_bytes(5, attribute(key, value)) for key, value in sorted(attrs.items())]
    return b"".join(fields)


def raw_data(value: np.ndarray) -> bytes:
    """An array's values as ONNX stores them: little-endian, in C order."""
    return np.ascontiguousarray(value, dtype=value.dtype.newbyteorder("<")).tobytes()


def tensor(name: str, value: np.ndarray, external: tuple[str, int] | None = None) -> bytes:
    """A ``TensorProto`` of a float32 or int64 array: its values inline, or, with ``external`` as
    (file name, offset), only where they lie: ``raw_data(value)`` at that offset of that file."""
    fields = [_int(1, dim) for dim in value.shape] + [_int(2, _DATA_TYPES[value.dtype]), _str(8, name)]
    if external is None:
        fields.append(_bytes(9, raw_data(value)))
    else:
        location, offset = external
        entries = (("location", location), ("offset", str(offset)), ("length", str(value.nbytes)))
        fields.append(_each(13, (_str(1, key) + _str(2, text) for key, text in entries)))
        fields.append(_int(14, _EXTERNAL))
    return b"".join(fields)


def value_info(name: str, elem_type: int, shape: Sequence[int | str]) -> bytes:
    """A ``ValueInfoProto`` of a tensor: each dimension a size or a symbolic name ("batch")."""
    dims = (_str(2, dim) if isinstance(dim, str) else _int(1, dim) for dim in shape)
    tensor_type = _int(1, elem_type) + _bytes(2, _each(1, dims))
    return _str(1, name) + _bytes(2, _bytes(1, tensor_type))


def graph(
    nodes: Sequence[bytes], name: str, inputs: Sequence[bytes], outputs: Sequence[bytes], initializers: Sequence[bytes]
) -> bytes:
    """A ``GraphProto``."""
    return _each(1, nodes) + _str(2, name) + _each(5, initializers) + _each(11, inputs) + _each(12, outputs)


def model(graph_bytes: bytes, *, ir_version: int, opset: int, producer: str) -> bytes:
    """A ``ModelProto`` with one opset import, of the default domain."""
    opset_import = _str(1, "") + _int(2, opset)
    return _int(1, ir_version) + _str(2, producer) + _bytes(7, graph_bytes) + _bytes(8, opset_import)
