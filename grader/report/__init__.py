"""Renderers of a ``Result`` (terminal text, JSON). 채점 결과 보고서."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

# A lone surrogate (a student's string, an undecodable file name) written as its escape, \ud800.
from grader.worker.protocol import utf8_text as utf8_safe

__all__ = ["utf8_safe", "write_atomically"]


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` so that a crash leaves the old file or the new one, never half of one."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(utf8_safe(text))
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise
