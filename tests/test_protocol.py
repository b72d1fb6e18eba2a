"""Frames between the two sides: read and written whole, and a forged call reply is a protocol
violation, never a value."""

from __future__ import annotations

import os
import struct
import sys
import textwrap
import threading
import time

import numpy as np
import pytest

from grader.boundary import sandbox
from grader.boundary.pool import Worker, call_target
from grader.course.config import Limits
from grader.errors import ProtocolViolation, WorkerCrashed
from grader.worker import wire
from grader.worker.protocol import (
    CALL,
    CALL_REPLY,
    FRAME,
    GENERAL_HEAD,
    MAX_MESSAGE_BYTES,
    FrameTooLarge,
    Inbox,
    seal,
    write_frame,
)


def _frame(*values, head=GENERAL_HEAD) -> bytes:
    parts = [b"", head]
    for v in values:
        wire.encode_into(v, parts)
    seal(parts)
    return b"".join(parts)


def _frames_from(data: bytes, chunk: int) -> list:
    """Feed ``data`` to an Inbox at most ``chunk`` bytes per read, as a pipe may hand it over;
    decode every frame as soon as it is whole."""
    inbox, out, pos = Inbox(size=1 << 12), [], 0
    while True:
        body = inbox.next_frame()
        if body is not None:
            out.append(wire.decode_nodes(body, 1, 1)[0])
            continue
        if pos >= len(data):
            return out
        space = inbox.space()
        n = min(chunk, len(space), len(data) - pos)
        space[:n] = data[pos:pos + n]
        inbox.filled(n)
        pos += n


@pytest.mark.parametrize("chunk", [1, 7, 4096, 1 << 20])
def test_frames_split_or_run_together_are_read_whole(chunk):
    small = {"op": "x", "v": np.arange(5.0)}
    big = {"op": "big", "v": np.arange(3000.0)}  # larger than the inbox's own buffer (4 KiB)
    data = _frame(small) + _frame(big) + _frame(small) + _frame(big)
    out = _frames_from(data, chunk)
    assert [m["op"] for m in out] == ["x", "big", "x", "big"]
    assert np.array_equal(out[3]["v"], np.arange(3000.0))
    assert out[1]["v"].flags.writeable and out[1]["v"].flags.owndata


def test_a_forged_length_is_refused_before_any_allocation():
    r, w = os.pipe()
    try:
        os.write(w, FRAME.pack(MAX_MESSAGE_BYTES + 1) + b"x")
        inbox = Inbox()
        inbox.read_from(r)
        with pytest.raises(FrameTooLarge):
            inbox.next_frame()
    finally:
        os.close(r)
        os.close(w)


def test_a_large_frame_of_many_pieces_is_written_whole():
    """A batch's frame: thousands of small pieces and large arrays sent from their own memory,
    through a pipe smaller than the frame."""
    value = [(np.full(3, i, dtype=np.float64), {"k": i}) for i in range(5000)]
    value.append(np.arange(200_000, dtype=np.float64))
    parts = [b"", GENERAL_HEAD]
    wire.encode_into(value, parts)
    assert any(isinstance(p, memoryview) for p in parts)  # the large array is not copied
    r, w = os.pipe()
    received = bytearray()

    def read() -> None:
        while chunk := os.read(r, 1 << 16):
            received.extend(chunk)

    reader = threading.Thread(target=read)
    reader.start()
    write_frame(w, parts)
    os.close(w)
    reader.join()
    os.close(r)
    (n,) = FRAME.unpack_from(received)
    assert n == len(received) - FRAME.size
    out = wire.decode_nodes(memoryview(received)[FRAME.size:], 1, 1)[0]
    assert len(out) == 5001 and out[4999][1] == {"k": 4999}
    assert np.array_equal(out[-1], value[-1])


# --- a forged worker: answers the first call with the bytes under test ------------------------

_FORGER = textwrap.dedent("""
    import os, struct, sys
    sys.stdout.buffer.write(bytes.fromhex(sys.argv[1]))  # the ready message
    sys.stdout.flush()
    head = os.read(0, 8)
    n = struct.unpack("<Q", head)[0]
    body = b""
    while len(body) < n:
        body += os.read(0, n - len(body))
    request_id = struct.unpack_from("<Q", body, 1)[0]
    reply = bytes.fromhex(sys.argv[2]).replace(b"@ID@@@@@", struct.pack("<Q", request_id))
    sys.stdout.buffer.write(reply)
    sys.stdout.flush()
""")

_ID = b"@ID@@@@@"  # replaced by the request's id (8 bytes)


def _reply(flags: int, *values, request_id: bytes = _ID, seconds: float = 0.5) -> bytes:
    head = CALL_REPLY.pack(CALL, 0, seconds, flags)
    head = head[:1] + request_id + head[9:]
    return _frame(*values, head=head)


def _forged_call(reply: bytes):
    ready = _frame({"op": "ready", "pid": 1})
    plan = sandbox.LaunchPlan([sys.executable, "-c", _FORGER, ready.hex(), reply.hex()],
                              dict(os.environ), os.getcwd(), "process")
    worker = Worker(plan, Limits())
    try:
        worker.wait_ready(time.monotonic() + 20)
        return worker.call(7, call_target("m", "f"), (np.ones(2),), {}, None,
                           time.monotonic() + 10, "m.f")
    finally:
        worker.kill()


def test_an_honest_call_reply_is_read():
    value, error, seconds, extras = _forged_call(
        _reply(2, np.arange(3.0), {"warnings": [["UserWarning", "w"]]}))
    assert np.array_equal(value, np.arange(3.0)) and error is None and seconds == 0.5
    assert extras == {"warnings": [["UserWarning", "w"]]}


@pytest.mark.parametrize("reply", [
    _reply(0, 1.0, request_id=struct.pack("<Q", 999)),  # another request's id
    _reply(4, 1.0),                                      # a flag that does not exist
    _reply(0, 1.0, 2.0),                                 # trailing nodes
    _reply(0),                                           # no value at all
    _reply(2, 1.0, [1, 2]),                              # extras that are not a mapping
    _frame({"op": "reference", "id": 7, "function": "m.g", "args": [], "kwargs": {}}),
    _frame({"op": "call", "id": 7, "fatal": "too large"}),
    FRAME.pack(2**64 - 1) + b"\x01",                     # a length no one can allocate
    FRAME.pack(CALL_REPLY.size - 1) + b"\x01" * (CALL_REPLY.size - 1),  # a short head
    FRAME.pack(0),                                       # an empty frame
])
def test_a_forged_call_reply_is_a_protocol_violation(reply):
    with pytest.raises(ProtocolViolation):
        _forged_call(reply)


def test_a_reply_cut_short_is_a_crash_not_a_value():
    with pytest.raises(WorkerCrashed):
        _forged_call(_reply(0, np.arange(3.0))[:-3])
