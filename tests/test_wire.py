"""The wire carries plain data only and rejects anything else."""

from __future__ import annotations

import struct

import numpy as np
import pytest

from grader.worker import wire


def roundtrip(value):
    return wire.decode(wire.encode(value))


def test_plain_values_roundtrip_with_their_types():
    value = {"a": [1, 2.5, None, True, "텍스트"], "b": (1, (2, 3)), "n": float("nan")}
    out = roundtrip(value)
    assert out["a"] == [1, 2.5, None, True, "텍스트"]
    assert type(out["b"]) is tuple and out["b"] == (1, (2, 3))
    assert np.isnan(out["n"])


@pytest.mark.parametrize("dtype", ["float64", "float32", "int64", "int8", "uint16", "bool",
                                   "complex128"])
def test_arrays_roundtrip_exactly(dtype):
    arr = (np.arange(24).reshape(2, 3, 4) % 3).astype(dtype)
    out = roundtrip(arr)
    assert type(out) is np.ndarray and out.dtype == arr.dtype and out.shape == arr.shape
    assert np.array_equal(out, arr)
    out[0, 0, 0] = 1  # decoded arrays are owned and writable


def test_zero_dimensional_arrays_stay_zero_dimensional():
    out = roundtrip(np.array(1.5))
    assert type(out) is np.ndarray and out.shape == () and out == 1.5


def test_big_endian_and_non_contiguous_arrays_arrive_as_native():
    arr = np.arange(12, dtype=">f8").reshape(3, 4)[:, ::2]
    out = roundtrip(arr)
    assert out.dtype == np.float64 and np.array_equal(out, arr)


def test_numpy_scalars_keep_their_dtype():
    out = roundtrip([np.float64(1.5), np.int32(7), np.bool_(True)])
    assert type(out[0]) is np.float64 and out[0] == 1.5
    assert type(out[1]) is np.int32 and type(out[2]) is np.bool_


def test_subclasses_and_lying_objects_are_stripped_or_unsupported():
    class LyingFloat(float):
        def __eq__(self, other):
            return True

        __hash__ = float.__hash__

    class LyingArray(np.ndarray):
        def __eq__(self, other):
            return True

    class Anything:
        def __eq__(self, other):
            return True

        def __array__(self, dtype=None, copy=None):
            return np.zeros(3)

    lying = np.arange(3.0).view(LyingArray)
    out = roundtrip([LyingFloat(2.0), lying, Anything()])
    assert type(out[0]) is float and out[0] == 2.0
    assert type(out[1]) is np.ndarray and not (out[1] == np.zeros(3)).all()
    assert isinstance(out[2], wire.Unsupported) and out[2].type_name == "Anything"


def test_object_arrays_and_non_string_keys_are_unsupported():
    out = roundtrip([np.array([1, "a"], dtype=object), {1: 2}])
    assert isinstance(out[0], wire.Unsupported) and "object" in out[0].type_name
    assert isinstance(out[1], wire.Unsupported)


def _array(code: int, shape: tuple[int, ...], data: bytes) -> bytes:
    """An array node by hand: tag, dtype code, ndim, shape, raw bytes."""
    return b"a" + bytes((code, len(shape))) + struct.pack(f"<{len(shape)}Q", *shape) + data


F8 = 11  # float64's code on the wire


@pytest.mark.parametrize("message", [
    _array(14, (1,), b"x" * 8),                       # a dtype code past the allowed ones
    _array(F8, (2,), b"x" * 8),                       # size does not match (short)
    _array(F8, (1,), b"x" * 16),                      # size does not match (trailing bytes)
    _array(F8, (1 << 62, 1 << 62), b"x" * 8),         # a forged huge shape: no allocation
    b"X",                                             # unknown tag
    b"d" + struct.pack("<I", 1) + b"i" + struct.pack("<q", 1),  # a non-string key
    b"{\"a\": 1}",                                    # JSON is not a message
    b"s" + struct.pack("<I", 10) + b"abc",            # a string longer than the message
    b"s" + struct.pack("<I", 2) + b"\xff\xfe",        # not UTF-8
    b"l" + struct.pack("<I", 1 << 31),                # a count far past the message
    b"I" + struct.pack("<I", 3) + b"1e5",             # a big int that is not digits
    b"n" + bytes((F8,)) + b"x" * 4,                   # a scalar shorter than its dtype
])
def test_malformed_messages_raise_wire_error(message):
    with pytest.raises(wire.WireError):
        wire.decode(message)


def test_truncated_and_garbage_messages_raise_wire_error():
    good = wire.encode({"op": "call", "args": [np.zeros(4), 1.5, "x"], "n": 7})
    for cut in range(len(good)):
        with pytest.raises(wire.WireError):
            wire.decode(good[:cut])
    for bad in (good + b"x", b"\xff\xff", b"", b"\x05\x00\x00\x00{{{{{"):
        with pytest.raises(wire.WireError):
            wire.decode(bad)


def test_deep_nesting_is_refused_not_a_recursion_crash():
    message = b"l" + struct.pack("<I", 1)
    with pytest.raises(wire.WireError):
        wire.decode(message * 100 + b"N")
    with pytest.raises(wire.WireError):
        wire.decode(message * 100_000 + b"N")


def test_large_ints_and_odd_strings_roundtrip():
    values = [2**63 - 1, -(2**63), 2**200, -(2**999), "\ud800 lone surrogate", "", []]
    assert roundtrip(values) == values
    assert isinstance(roundtrip(2**1000), wire.Unsupported)
