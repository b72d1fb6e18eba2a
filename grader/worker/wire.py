"""The wire format between the trusted process and the student worker: plain data only.

신뢰 프로세스와 학생 작업자 사이의 전송 형식 — 순수 데이터만 오간다.

A message is a JSON header followed by raw array buffers. Values are encoded as a tree:
JSON scalars (None, bool, int, float incl. NaN/inf, str) stand for themselves; containers and
arrays are tagged lists:

    ["T", [items]]                tuple
    ["L", [items]]                list
    ["D", [[key, value], ...]]    dict with str keys
    ["A", index, dtype, shape]    ndarray whose bytes are buffer ``index``
    ["N", dtype, index]           NumPy scalar (bytes in buffer ``index``)
    ["U", type_name, text]        something the wire cannot carry

Decoding never unpickles or evaluates anything: it only builds plain types, checks every tag,
dtype, shape and size, and raises ``WireError`` on anything else. Objects with a lying ``__eq__``
or ``__array__`` never cross: a subclass of ndarray or float is sent as its raw data, anything
else arrives as ``Unsupported``.

This module runs inside the sandbox too: it imports only the standard library and NumPy.
"""

from __future__ import annotations

import json
import math
import struct
from dataclasses import dataclass
from typing import Any

import numpy as np

MAX_DEPTH = 32
MAX_ITEMS = 1_000_000
# dtypes that can cross; object, void, string and datetime arrays cannot.
ALLOWED_DTYPES = frozenset(
    np.dtype(t).str
    for t in (
        "bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
        "float16", "float32", "float64", "complex64", "complex128",
    )
)
_HEADER = struct.Struct("<I")
_BUFLEN = struct.Struct("<Q")


class WireError(ValueError):
    """A message is not valid plain data."""


@dataclass(frozen=True)
class Unsupported:
    """A value of a type the wire does not carry; compare reports ``returned <type_name>``."""

    type_name: str
    text: str

    def __repr__(self) -> str:
        return f"<{self.type_name}: {self.text}>"


def encode(value: Any) -> bytes:
    """Encode ``value`` into one message (header + buffers)."""
    buffers: list[bytes] = []
    tree = _encode(value, buffers, 0)
    header = json.dumps([tree, [len(b) for b in buffers]], allow_nan=True).encode()
    return b"".join([_HEADER.pack(len(header)), header, *buffers])


def decode(message: bytes) -> Any:
    """Decode a message from an untrusted peer into plain data, or raise ``WireError``."""
    try:
        (hlen,) = _HEADER.unpack_from(message, 0)
        header = json.loads(message[_HEADER.size:_HEADER.size + hlen].decode())
        tree, lengths = header
        if not isinstance(lengths, list) or not all(
            type(n) is int and n >= 0 for n in lengths
        ):
            raise WireError("bad buffer table")
        buffers: list[memoryview] = []
        view = memoryview(message)
        pos = _HEADER.size + hlen
        for n in lengths:
            if pos + n > len(message):
                raise WireError("truncated buffer")
            buffers.append(view[pos:pos + n])
            pos += n
        if pos != len(message):
            raise WireError("trailing bytes")
        return _decode(tree, buffers, 0, [0])
    except WireError:
        raise
    except (ValueError, TypeError, IndexError, KeyError, struct.error, RecursionError) as exc:
        raise WireError(f"malformed message: {exc}") from None


def _type_name(value: Any) -> str:
    return type(value).__name__


def _encode(value: Any, buffers: list[bytes], depth: int) -> Any:
    # Exact types first (the common case, and a subclass is never taken for its base here).
    t = type(value)
    if t is float or t is str or t is bool or value is None:
        return value
    if t is int:
        return value if abs(value) < 1 << 1000 else ["U", "int", "integer too large"]
    if depth > MAX_DEPTH:
        return ["U", "nested", "too deeply nested"]
    if t is dict:
        if not all(type(k) is str for k in value):
            return ["U", "dict", "dict with non-string keys"]
        return ["D", [[k, _encode(v, buffers, depth + 1)] for k, v in value.items()]]
    if t is list or t is tuple:
        return ["L" if t is list else "T", [_encode(v, buffers, depth + 1) for v in value]]
    if isinstance(value, np.ndarray):
        arr = np.asarray(value, order="C")  # keeps 0-d arrays 0-d, unlike ascontiguousarray
        dtype = arr.dtype.newbyteorder("<") if arr.dtype.byteorder == ">" else arr.dtype
        if dtype.str not in ALLOWED_DTYPES:
            return ["U", f"ndarray[{value.dtype}]", f"array of dtype {value.dtype}"]
        buffers.append(np.asarray(arr, dtype=dtype).tobytes())
        return ["A", len(buffers) - 1, dtype.str, list(arr.shape)]
    if isinstance(value, np.generic):
        dtype = value.dtype
        if dtype.str not in ALLOWED_DTYPES:
            return ["U", _type_name(value), "NumPy scalar of an unsupported dtype"]
        buffers.append(np.asarray(value, dtype=dtype).tobytes())
        return ["N", dtype.str, len(buffers) - 1]
    # Subclasses of plain types (a lying float, str ...) are sent as their plain value.
    if isinstance(value, bool | str):
        return bool(value) if isinstance(value, bool) else str.__str__(value)
    if isinstance(value, int):
        return int.__int__(value)
    if isinstance(value, float):
        return float.__float__(value)
    return ["U", _type_name(value), _safe_repr(value)]


def _safe_repr(value: Any) -> str:
    try:
        text = object.__repr__(value)
    except Exception:
        text = "?"
    return text[:200]


def _decode(node: Any, buffers: list[memoryview], depth: int, count: list[int]) -> Any:
    t = type(node)
    if t is not list:
        if t is float or t is str or t is int or t is bool or node is None:
            return node
        raise WireError(f"unexpected node {t.__name__}")
    count[0] += 1
    if depth > MAX_DEPTH + 1 or count[0] > MAX_ITEMS:
        raise WireError("message too deeply nested or too large")
    if not node or type(node[0]) is not str:
        raise WireError("a container node without a tag")
    tag = node[0]
    if tag in ("T", "L") and len(node) == 2 and type(node[1]) is list:
        items = [_decode(v, buffers, depth + 1, count) for v in node[1]]
        return tuple(items) if tag == "T" else items
    if tag == "D" and len(node) == 2 and type(node[1]) is list:
        out: dict[str, Any] = {}
        for pair in node[1]:
            if type(pair) is not list or len(pair) != 2 or type(pair[0]) is not str:
                raise WireError("bad dict entry")
            out[pair[0]] = _decode(pair[1], buffers, depth + 1, count)
        return out
    if tag == "A" and len(node) == 4:
        _, index, dtype_str, shape = node
        dtype = _dtype(dtype_str)
        if type(shape) is not list or not all(type(n) is int and n >= 0 for n in shape):
            raise WireError("bad shape")
        buf = _buffer(buffers, index)
        size = math.prod(shape)
        if size * dtype.itemsize != len(buf):
            raise WireError("array size does not match its buffer")
        return np.frombuffer(buf, dtype=dtype).reshape(shape).astype(dtype.newbyteorder("="))
    if tag == "N" and len(node) == 3:
        dtype = _dtype(node[1])
        buf = _buffer(buffers, node[2])
        if len(buf) != dtype.itemsize:
            raise WireError("scalar size does not match its dtype")
        return np.frombuffer(buf, dtype=dtype)[0].astype(dtype.newbyteorder("="))
    if tag == "U" and len(node) == 3 and type(node[1]) is str and type(node[2]) is str:
        return Unsupported(node[1][:100], node[2][:200])
    raise WireError(f"unknown tag {tag!r}")


_DTYPES = {text: np.dtype(text) for text in ALLOWED_DTYPES}


def _dtype(text: Any) -> np.dtype:
    dtype = _DTYPES.get(text) if type(text) is str else None
    if dtype is None:
        raise WireError(f"dtype {text!r} is not allowed")
    return dtype


def _buffer(buffers: list[memoryview], index: Any) -> memoryview:
    if type(index) is not int or not 0 <= index < len(buffers):
        raise WireError("bad buffer index")
    return buffers[index]
