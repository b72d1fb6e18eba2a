"""A per-user cache of the suites' assertion-rewritten code, keyed by their content.

스위트의 assert 재작성 결과를 사용자별 캐시에 저장한다. 키는 스위트 파일 내용의 해시, 채점기·파이썬·
pytest 버전이므로 고친 스위트가 옛 코드로 채점되는 일은 없다.

Every grading copies the suites into a fresh private folder, so pytest's own cache (a ``.pyc``
beside each copy) is thrown away with the folder, and each ``grader check`` parsed and rewrote
every suite file again (~10 ms a file). Here the rewritten code object is kept under a key made
of the file's bytes and of everything the rewriting depends on (grader, Python and pytest
versions, the bytecode magic, pytest's assertion-pass hook): an edited suite, a new grader or a
new Python is a miss, never a stale hit. A missing, corrupt, foreign or unwritable entry is a
miss too; the grading then rewrites the file as before.

Where: ``$GRADER_CACHE_DIR`` if set (``off``, ``0`` or empty: no cache), else
``$XDG_CACHE_HOME/grader`` or ``~/.cache/grader``; entries under ``suites/``. The folder is the
user's own (mode 0700) and is among the paths the student worker must not see
(``Plan.protected``): bubblewrap shows the worker nothing of it, Landlock grants nothing that
holds it. An entry is only used when it and its folder belong to this user and nobody else may
write them.
"""

from __future__ import annotations

import hashlib
import importlib.util
import marshal
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from types import CodeType

import grader

ENV = "GRADER_CACHE_DIR"
_OFF = {"", "0", "off", "no", "false"}
_FORMAT = b"grader-rewritten-suite-1\n"
_DIGEST = hashlib.sha256().digest_size


def cache_root() -> Path | None:
    """The user's grader cache folder, or None when ``GRADER_CACHE_DIR`` turns it off."""
    given = os.environ.get(ENV)
    if given is not None:
        return None if given.strip().lower() in _OFF else Path(given).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg and Path(xdg).is_absolute():
        return Path(xdg) / "grader"
    try:
        return Path.home() / ".cache" / "grader"
    except (RuntimeError, KeyError, OSError):  # no home folder (a bare CI user): no cache
        return None


class SuiteCache:
    """Rewritten suite code by content (``through`` is what pytest's rewriting calls)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        # What else the rewritten code depends on, beside the file's bytes.
        import pytest

        self._salt = "\0".join([grader.__version__, sys.version, pytest.__version__,
                                importlib.util.MAGIC_NUMBER.hex()]).encode()
        self.hits = self.misses = 0

    def key(self, source: bytes, flags: str = "") -> str:
        return hashlib.sha256(b"\0".join([self._salt, flags.encode(), source])).hexdigest()

    def through(self, path: Path, rewrite: Callable[[], CodeType], flags: str = "") -> CodeType:
        """The rewritten code of the suite file at ``path``: from the cache when its content was
        rewritten before with the same ``flags`` (pytest's options that change the rewriting),
        else ``rewrite()`` (then kept)."""
        try:
            key = self.key(path.read_bytes(), flags)
        except OSError:
            return rewrite()
        code = self._load(key)
        if code is not None:
            self.hits += 1
            return with_filename(code, str(path))
        self.misses += 1
        code = rewrite()
        self._store(key, code)
        return code

    def _entry(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key[2:]}.code"

    def _load(self, key: str) -> CodeType | None:
        entry = self._entry(key)
        try:
            with open(entry, "rb") as f:
                if not _own_and_private(os.fstat(f.fileno())) or \
                        not _own_and_private(os.stat(entry.parent)):
                    return None
                data = f.read()
        except OSError:
            return None
        head, digest, payload = data[:len(_FORMAT)], data[len(_FORMAT):][:_DIGEST], \
            data[len(_FORMAT) + _DIGEST:]
        if head != _FORMAT or hashlib.sha256(payload).digest() != digest:
            return None  # a torn or corrupt entry: rewritten and stored again
        try:
            code = marshal.loads(payload)
        except (ValueError, EOFError, TypeError):
            return None
        return code if isinstance(code, CodeType) else None

    def _store(self, key: str, code: CodeType) -> None:
        """Write the entry atomically (a reader sees a whole entry or none); any failure leaves
        the grading as it was, without a cache."""
        entry = self._entry(key)
        try:
            payload = marshal.dumps(code)
            self.folder.parent.parent.mkdir(parents=True, exist_ok=True)  # ~/.cache
            for folder in (self.folder.parent, self.folder, entry.parent):  # the user's own
                folder.mkdir(mode=0o700, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=entry.parent, prefix=".tmp-")  # mode 0600
            try:
                with os.fdopen(fd, "wb") as f:
                    f.write(_FORMAT + hashlib.sha256(payload).digest() + payload)
                os.replace(tmp, entry)
            except BaseException:
                os.unlink(tmp)
                raise
        except (OSError, ValueError):
            pass


def _own_and_private(st: os.stat_result) -> bool:
    """Owned by this user and writable by nobody else (a shared folder's entry could have been
    planted by another user)."""
    own = not hasattr(os, "getuid") or st.st_uid == os.getuid()
    return own and not st.st_mode & 0o022


def with_filename(code: CodeType, filename: str) -> CodeType:
    """``code`` and every code object inside it, as compiled from ``filename`` (the cached code
    names the private copy it was first rewritten from; tracebacks and pytest's locations must
    name this one)."""
    consts = tuple(with_filename(c, filename) if isinstance(c, CodeType) else c
                   for c in code.co_consts)
    return code.replace(co_filename=filename, co_consts=consts)


def suite_cache() -> SuiteCache | None:
    """The user's suite cache, or None when it is turned off."""
    root = cache_root()
    return None if root is None else SuiteCache(root / "suites")


def protected() -> list[Path]:
    """The cache folder, for the paths the student worker must not see."""
    root = cache_root()
    return [] if root is None else [root]
