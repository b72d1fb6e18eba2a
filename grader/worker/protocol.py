"""The protocol shared by both sides of the trust boundary: frames and error records.

신뢰 경계 양쪽이 함께 쓰는 규약: 프레임(길이와 머리), 프레임 읽기·쓰기, 예외 기록.

A frame is an 8-byte little-endian length, then a body whose first byte is its kind:

- ``GENERAL``: one ``wire`` message, a dict with ``"op"`` (start, import, batch, the stand-ins'
  questions and answers) — rare, so it keeps the self-describing form;
- ``CALL``: the hot path, one call of a student function. A fixed binary head, then ``wire``
  nodes with no dict around them:

  request  ``CALL_REQUEST`` (kind, id, flags), then module, function, args, [kwargs],
           [stand-ins] — kwargs and stand-ins only when their flag is set;
  reply    ``CALL_REPLY`` (kind, id, seconds, flags), then the value — or an error record when
           ``REPLY_ERROR`` is set — then, with ``REPLY_EXTRAS``, a dict of what is rarely there
           (``warnings``, ``mutated``, ``output``, ``callees``).

A frame goes out in one write (``write_frame``; large arrays as their own buffers, not copied
into the frame) and comes in through an ``Inbox``: a small frame is decoded where it lies in one
reusable buffer, a large one is read straight into a buffer of its own size. An *error record*
describes an exception raised in the worker with names and strings only — never an object — so
the trusted side can say what happened without importing anything from the worker.

Requests go to the worker's request pipe, replies come back on its reply pipe. Both sides read
what the other wrote as untrusted: every length is checked before use (``MAX_MESSAGE_BYTES``).
"""

from __future__ import annotations

import os
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

FRAME = struct.Struct("<Q")
# A reply larger than this is a protocol violation (a forged length cannot make us allocate it).
MAX_MESSAGE_BYTES = 256 << 20
# Exit code of a worker that could not put its fence up: it never runs student code then.
FENCE_FAILED_EXIT = 70

# Kinds of frame (the body's first byte).
GENERAL = 0
CALL = 1
GENERAL_HEAD = bytes((GENERAL,))
CALL_REQUEST = struct.Struct("<BQB")  # kind, id, flags
CALL_REPLY = struct.Struct("<BQdB")  # kind, id, seconds, flags
REQUEST_KWARGS, REQUEST_STAND_INS = 1, 2
REPLY_ERROR, REPLY_EXTRAS = 1, 2

# A frame up to this size is joined and written at once; a larger one goes out with writev, its
# arrays straight from their own memory.
_JOIN_BYTES = 1 << 16
_OWN_BUFFER_BYTES = 1 << 14  # a piece this large is written from its own memory
_IOV_MAX = 512

# What ``input()`` raises in the worker. The worker cannot read the message catalogues, so it
# says it in both languages; the trusted side knows this text and reports it in one
# (``errors.StudentRaised``, catalogue key ``error.no_input``).
NO_INPUT = ("input(): 채점 중에는 표준 입력이 비어 있습니다 — 함수에서 input() 호출을 지우세요 / "
            "standard input is empty while grading — remove the input() call from your function")


class FrameTooLarge(Exception):
    """A frame announced more than ``MAX_MESSAGE_BYTES``."""


def error_record(type_names: list[str], detail: str, where: str = "") -> dict[str, Any]:
    """The wire form of an exception: its class and bases (most derived first), the message
    and the innermost line of the submission it came from (``activations.py, line 12``)."""
    return {"type_names": type_names, "detail": detail, "where": where}


@dataclass(frozen=True)
class ErrorRecord:
    """An error record read back on the trusted side, every field checked and capped."""

    type_names: list[str]
    detail: str
    where: str

    @property
    def kind(self) -> str:
        return self.type_names[0]

    @classmethod
    def read(cls, value: Any) -> ErrorRecord:
        """From untrusted data: anything malformed becomes a plain ``Exception`` record."""
        value = value if isinstance(value, dict) else {}
        names = value.get("type_names")
        names = [str(n)[:100] for n in names][:20] if isinstance(names, list) and names \
            else ["Exception"]
        return cls([utf8_text(n) for n in names], utf8_text(str(value.get("detail", ""))[:1000]),
                   utf8_text(str(value.get("where", ""))[:200]))


def utf8_text(raw: str) -> str:
    """Text as it can be written in UTF-8: a lone surrogate (``ValueError("\\ud800")``, a file
    name of undecodable bytes; the wire carries strings faithfully) becomes its escape."""
    return raw.encode("utf-8", "backslashreplace").decode("utf-8")


def seal(parts: list[Any]) -> int:
    """Put the length into ``parts[0]`` (a placeholder) and return it: the rest are the body's
    bytes-like pieces (``wire.encode_into``)."""
    size = 0
    for part in parts:
        size += len(part)
    parts[0] = FRAME.pack(size - len(parts[0]))
    return size


def write_frame(fd: int, parts: list[Any], size: int | None = None) -> None:
    """Write one frame (``seal``-ed already when ``size`` is given). Blocking; a pipe may take
    a large frame in pieces."""
    if size is None:
        size = seal(parts)
    if size <= _JOIN_BYTES:  # the common case: one small write, one wake-up of the reader
        data = b"".join(parts)
        written = os.write(fd, data)
        if written == len(data):
            return
        parts = [memoryview(data)[written:]]
    _writev_all(fd, parts)


def _writev_all(fd: int, parts: Sequence[Any]) -> None:
    # Runs of small pieces are joined (a batch has thousands of them), large arrays stay views.
    buffers: list[memoryview] = []
    run: list[Any] = []
    for part in parts:
        if len(part) >= _OWN_BUFFER_BYTES:
            if run:
                buffers.append(memoryview(b"".join(run)))
                run = []
            buffers.append(memoryview(part).cast("B"))
        elif len(part):
            run.append(part)
    if run:
        buffers.append(memoryview(b"".join(run)))
    first = 0
    while first < len(buffers):
        batch = buffers[first:first + _IOV_MAX]
        written = _WRITEV(fd, batch) if _WRITEV is not None \
            else os.write(fd, batch[0])  # Windows has no writev
        while written:
            head = buffers[first]
            if written >= len(head):
                written -= len(head)
                first += 1
            else:
                buffers[first] = head[written:]
                written = 0


class Inbox:
    """Frames read from a pipe. A small frame is read into one reusable buffer and handed out as
    a view of it (valid until the next read: decode it first); a frame larger than that buffer
    is read straight into a buffer of its own size, never regrown."""

    def __init__(self, size: int = 1 << 16) -> None:
        self._buf = bytearray(size)
        self._view = memoryview(self._buf)
        self._start = self._end = 0
        self._big: bytearray | None = None
        self._big_filled = 0

    def pending(self) -> bool:
        """Bytes of a frame are waiting (a frame may be whole already: ask ``next_frame``)."""
        return self._big is not None or self._end > self._start

    def space(self) -> memoryview:
        """Where the next read goes."""
        if self._big is not None:
            return memoryview(self._big)[self._big_filled:]
        if self._end == len(self._buf):  # move the unfinished frame to the front
            left = self._end - self._start
            self._buf[:left] = self._buf[self._start:self._end]
            self._start, self._end = 0, left
        return self._view[self._end:]

    def filled(self, n: int) -> None:
        """``n`` bytes were read into ``space()``."""
        if self._big is not None:
            self._big_filled += n
        else:
            self._end += n

    def next_frame(self) -> memoryview | None:
        """The next whole frame's body, if it has arrived."""
        big = self._big
        if big is not None:
            if self._big_filled < len(big):
                return None
            self._big = None
            return memoryview(big)
        start, end = self._start, self._end
        if end - start < FRAME.size:
            if start == end:
                self._start = self._end = 0
            return None
        (n,) = FRAME.unpack_from(self._buf, start)
        if n > MAX_MESSAGE_BYTES:
            raise FrameTooLarge(n)
        body = start + FRAME.size
        if end - body >= n:
            self._start = body + n
            if self._start == end:
                self._start = self._end = 0
            return self._view[body:body + n]
        if FRAME.size + n > len(self._buf):  # a large frame: its own buffer, read into once
            self._big = bytearray(n)
            have = end - body
            self._big[:have] = self._view[body:end]
            self._big_filled = have
            self._start = self._end = 0
        return None

    def read_from(self, fd: int) -> int:
        """One read from ``fd`` (blocking) straight into the buffer; 0 at the end of the stream."""
        space = self.space()
        if _READV is not None:
            n = _READV(fd, [space])
        else:  # Windows has no readv
            data = os.read(fd, len(space))
            n = len(data)
            space[:n] = data
        self.filled(n)
        return n


_READV = getattr(os, "readv", None)
_WRITEV = getattr(os, "writev", None)
