"""The wire format between the trusted process and the student worker: plain data only.

신뢰 프로세스와 학생 작업자 사이의 전송 형식 — 순수 데이터만 오간다.

A message is one tree of tagged values in a compact binary form (little-endian; ``u32`` is a
4-byte length or count). Each node is a one-byte tag and its payload:

    N / T / F                      None / True / False
    i int64 | I u32 digits         int (an int beyond 64 bits as its decimal digits)
    f float64                      float, NaN and inf included
    s u32 utf-8                    str
    t u32 nodes | l u32 nodes      tuple | list
    d u32 (u32 utf-8 key, node)*   dict with str keys
    a dtype ndim shape raw         ndarray: dtype code (1 byte), ndim (1 byte), ndim × u64, then
                                   exactly size × itemsize bytes
    n dtype raw                    NumPy scalar
    u str str                      something the wire cannot carry (type name, text)

A binary header instead of JSON: on the hot path (one small call) every node costs one
``struct`` operation on each side instead of a JSON text plus a tree walk.

Decoding never unpickles or evaluates anything: it only builds plain types, checks every tag,
dtype, shape, length and size against what is left of the message, and raises ``WireError`` on
anything else. Objects with a lying ``__eq__`` or ``__array__`` never cross: a subclass of
ndarray or float is sent as its raw data, anything else arrives as ``Unsupported``.

This module runs inside the sandbox too: it imports only the standard library and NumPy.
"""

from __future__ import annotations

import math
import struct
from dataclasses import dataclass
from typing import Any

import numpy as np

MAX_DEPTH = 32
MAX_ITEMS = 1_000_000
MAX_NDIM = 64
# dtypes that can cross; object, void, string and datetime arrays cannot. On the wire each is
# one byte: its index here (little-endian).
_DTYPE_NAMES = ("bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
                "float16", "float32", "float64", "complex64", "complex128")
ALLOWED_DTYPES = frozenset(np.dtype(t).str for t in _DTYPE_NAMES)
_WIRE_DTYPES = tuple(np.dtype(t).newbyteorder("<") for t in _DTYPE_NAMES)
_NATIVE_DTYPES = tuple(d.newbyteorder("=") for d in _WIRE_DTYPES)
_CODES = {d.str: i for i, d in enumerate(_WIRE_DTYPES)}

_U32 = struct.Struct("<I")
_U64 = struct.Struct("<Q")
_TAG_INT = struct.Struct("<cq")
_TAG_FLOAT = struct.Struct("<cd")
_TAG_COUNT = struct.Struct("<cI")
_INT64 = struct.Struct("<q")
_FLOAT = struct.Struct("<d")
_INT64_MIN, _INT64_MAX = -(1 << 63), (1 << 63) - 1


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
    """Encode ``value`` into one message."""
    parts: list[Any] = []
    _encode(value, parts, 0)
    return b"".join(parts)


def encode_into(value: Any, parts: list[Any]) -> None:
    """Append ``value``'s nodes to ``parts`` (bytes-like pieces, to be joined or written with
    writev: a large array is a view of its own memory, not a copy)."""
    _encode(value, parts, 0)


def decode(message: bytes | memoryview) -> Any:
    """Decode a message from an untrusted peer into plain data, or raise ``WireError``."""
    return decode_nodes(message, 0, 1)[0]


def decode_nodes(message: bytes | bytearray | memoryview, start: int, count: int) -> list[Any]:
    """Decode exactly ``count`` nodes that fill ``message`` from ``start`` to its end (the
    nodes after a frame's binary head), or raise ``WireError``."""
    try:
        view = message if type(message) is memoryview and message.format == "B" \
            else memoryview(message).cast("B")
        decoder = _Decoder(view)
        values = []
        pos = start
        for _ in range(count):
            value, pos = decoder.node(pos, 0)
            values.append(value)
        if pos != len(view):
            raise WireError("trailing bytes")
        return values
    except WireError:
        raise
    except (ValueError, TypeError, IndexError, KeyError, OverflowError, struct.error,
            RecursionError) as exc:
        raise WireError(f"malformed message: {exc}") from None


def _type_name(value: Any) -> str:
    return type(value).__name__


_KEYS: dict[str, bytes] = {}  # speed: the encoded form of short strings seen before (dict keys)


def _text(tag: bytes, text: str) -> bytes:
    if not tag and len(text) <= 32:
        cached = _KEYS.get(text)
        if cached is None:
            data = text.encode("utf-8", "surrogatepass")
            cached = _U32.pack(len(data)) + data
            if len(_KEYS) < 4096:
                _KEYS[text] = cached
        return cached
    data = text.encode("utf-8", "surrogatepass")
    return tag + _U32.pack(len(data)) + data


def _unsupported(parts: list[Any], type_name: str, text: str) -> None:
    parts.append(b"u")
    parts.append(_text(b"", type_name))
    parts.append(_text(b"", text))


def _encode(value: Any, parts: list[Any], depth: int) -> None:
    # Exact types first (the common case, and a subclass is never taken for its base here).
    t = type(value)
    if t is float:
        parts.append(_TAG_FLOAT.pack(b"f", value))
        return
    if t is str:
        parts.append(b"s")
        parts.append(_text(b"", value))
        return
    if t is bool:
        parts.append(b"T" if value else b"F")
        return
    if value is None:
        parts.append(b"N")
        return
    if t is int:
        if _INT64_MIN <= value <= _INT64_MAX:
            parts.append(_TAG_INT.pack(b"i", value))
        elif abs(value) < 1 << 1000:
            parts.append(_text(b"I", str(value)))
        else:
            _unsupported(parts, "int", "integer too large")
        return
    if depth > MAX_DEPTH:
        _unsupported(parts, "nested", "too deeply nested")
        return
    if t is dict:
        if not all(type(k) is str for k in value):
            _unsupported(parts, "dict", "dict with non-string keys")
            return
        parts.append(_TAG_COUNT.pack(b"d", len(value)))
        for k, v in value.items():
            parts.append(_text(b"", k))
            _encode(v, parts, depth + 1)
        return
    if t is list or t is tuple:
        parts.append(_TAG_COUNT.pack(b"l" if t is list else b"t", len(value)))
        for v in value:
            _encode(v, parts, depth + 1)
        return
    if t is np.ndarray or isinstance(value, np.ndarray):
        # A subclass is taken as its base ndarray (its own methods never run); C order keeps a
        # 0-d array 0-d, unlike ascontiguousarray.
        arr = value if t is np.ndarray and value.flags.c_contiguous \
            else np.asarray(value, order="C").view(np.ndarray)
        code = _ARRAY_CODES.get(arr.dtype)
        ndim = arr.ndim
        if code is None or ndim > MAX_NDIM:
            _unsupported(parts, f"ndarray[{value.dtype}]", f"array of dtype {value.dtype}")
            return
        parts.append(_ARRAY_HEADS[ndim].pack(0x61, code, ndim, *arr.shape))
        if arr.dtype is not _WIRE_DTYPES[code] and arr.dtype != _WIRE_DTYPES[code]:
            arr = arr.astype(_WIRE_DTYPES[code])  # big-endian data: little-endian on the wire
        # speed: small arrays are copied (cheaper than a view); large ones travel as a view of
        # their memory, written out without a copy.
        parts.append(arr.tobytes() if arr.nbytes <= _VIEW_BYTES
                     else memoryview(arr.reshape(-1).view(np.uint8)))  # type: ignore[arg-type]
        return
    if isinstance(value, np.generic):
        code = _CODES.get(value.dtype.newbyteorder("<").str) \
            if value.dtype.str in ALLOWED_DTYPES else None
        if code is None:
            _unsupported(parts, _type_name(value), "NumPy scalar of an unsupported dtype")
            return
        parts.append(b"n" + bytes((code,)))
        parts.append(np.asarray(value, dtype=_WIRE_DTYPES[code]).tobytes())
        return
    # Subclasses of plain types (a lying float, str ...) are sent as their plain value.
    if isinstance(value, bool | str):
        _encode(bool(value) if isinstance(value, bool) else str.__str__(value), parts, depth)
    elif isinstance(value, int):
        _encode(int.__int__(value), parts, depth)
    elif isinstance(value, float):
        _encode(float.__float__(value), parts, depth)
    else:
        _unsupported(parts, _type_name(value), _safe_repr(value))


def _safe_repr(value: Any) -> str:
    try:
        text = object.__repr__(value)
    except Exception:
        text = "?"
    return text[:200]


_NATIVE = tuple(d == n for d, n in zip(_WIRE_DTYPES, _NATIVE_DTYPES, strict=True))
# Every byte order of every allowed dtype, to its code (a dtype with metadata or a structured
# one is not in it, and so does not cross).
_ARRAY_CODES = {d.newbyteorder(order): i for i, d in enumerate(_WIRE_DTYPES)
                for order in ("<", ">", "=")}
_ARRAY_HEADS = tuple(struct.Struct(f"<BBB{n}Q") for n in range(MAX_NDIM + 1))
_VIEW_BYTES = 1 << 16
_SHAPES = tuple(struct.Struct(f"<{n}Q") for n in range(MAX_NDIM + 1))


class _Decoder:
    """Reads one message. Reads past the end raise (struct.error, IndexError, ValueError from
    NumPy) and become ``WireError``; a length is checked against what is left before use."""

    def __init__(self, view: memoryview) -> None:
        self.view = view
        self.end = len(view)
        self.items = 0

    def text(self, pos: int) -> tuple[str, int]:
        (n,) = _U32.unpack_from(self.view, pos)
        pos += 4
        end = pos + n
        if end > self.end:
            raise WireError("truncated message")
        return str(self.view[pos:end], "utf-8", "surrogatepass"), end

    def node(self, pos: int, depth: int) -> tuple[Any, int]:
        view = self.view
        tag = view[pos]
        pos += 1
        if tag == 0x66:  # f
            return _FLOAT.unpack_from(view, pos)[0], pos + 8
        if tag == 0x69:  # i
            return _INT64.unpack_from(view, pos)[0], pos + 8
        if tag == 0x73:  # s
            return self.text(pos)
        if tag == 0x4E:  # N
            return None, pos
        if tag == 0x54:  # T
            return True, pos
        if tag == 0x46:  # F
            return False, pos
        self.items += 1
        if depth > MAX_DEPTH or self.items > MAX_ITEMS:
            raise WireError("message too deeply nested or too large")
        if tag == 0x64:  # d
            (count,) = _U32.unpack_from(view, pos)
            pos += 4
            out: dict[str, Any] = {}
            read_text, node = self.text, self.node
            for _ in range(count):
                key, pos = read_text(pos)
                out[key], pos = node(pos, depth + 1)
            return out, pos
        if tag == 0x6C or tag == 0x74:  # l, t
            (count,) = _U32.unpack_from(view, pos)
            pos += 4
            if count > self.end - pos:  # every item takes at least one byte
                raise WireError("truncated message")
            items = []
            node = self.node
            for _ in range(count):
                item, pos = node(pos, depth + 1)
                items.append(item)
            return (items if tag == 0x6C else tuple(items)), pos
        if tag == 0x61:  # a
            code, ndim = view[pos], view[pos + 1]
            if code >= len(_WIRE_DTYPES) or ndim > MAX_NDIM:
                raise WireError("bad array header")
            shape = _SHAPES[ndim].unpack_from(view, pos + 2)
            pos += 2 + 8 * ndim
            dtype = _WIRE_DTYPES[code]
            size = math.prod(shape)
            end = pos + size * dtype.itemsize
            if end > self.end:
                raise WireError("array size does not match its buffer")
            # A copy either way: owned, aligned and writable, in the native byte order.
            if _NATIVE[code]:
                arr = np.empty(shape, dtype)
                if size:  # speed: a plain copy of the bytes, cheaper than frombuffer().copy()
                    arr.data.cast("B")[:] = view[pos:end]
                return arr, end
            raw = np.frombuffer(view, dtype=dtype, count=size, offset=pos).reshape(shape)
            return raw.astype(_NATIVE_DTYPES[code]), end
        if tag == 0x6E:  # n
            code = view[pos]
            if code >= len(_WIRE_DTYPES):
                raise WireError("bad scalar dtype")
            dtype = _WIRE_DTYPES[code]
            end = pos + 1 + dtype.itemsize
            if end > self.end:
                raise WireError("scalar size does not match its dtype")
            value = np.frombuffer(view, dtype=dtype, count=1, offset=pos + 1)[0]
            return value.astype(_NATIVE_DTYPES[code]), end
        if tag == 0x49:  # I
            digits, end = self.text(pos)
            if len(digits) > 310 or not digits.lstrip("-").isdigit():
                raise WireError("bad integer")
            return int(digits), end
        if tag == 0x75:  # u
            type_name, pos = self.text(pos)
            detail, pos = self.text(pos)
            return Unsupported(type_name[:100], detail[:200]), pos
        raise WireError(f"unknown tag {tag!r}")
