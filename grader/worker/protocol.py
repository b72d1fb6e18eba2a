"""The protocol shared by both sides of the trust boundary: frames and error records.

신뢰 경계 양쪽이 함께 쓰는 규약: 프레임 머리(길이)와 예외 기록.

A frame is an 8-byte little-endian length followed by one ``wire`` message. Requests go to the
worker's request pipe, replies come back on its reply pipe. An *error record* describes an
exception raised in the worker with names and strings only — never an object — so the trusted
side can say what happened without importing anything from the worker.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import Any

FRAME = struct.Struct("<Q")
# A reply larger than this is a protocol violation (a forged length cannot make us allocate it).
MAX_MESSAGE_BYTES = 256 << 20
# Exit code of a worker that could not put its fence up: it never runs student code then.
FENCE_FAILED_EXIT = 70


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
        return cls(names, str(value.get("detail", ""))[:1000], str(value.get("where", ""))[:200])
