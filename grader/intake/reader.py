"""Reading an untrusted submission — a folder, one module file or an archive — as plain data.

제출물을 '데이터'로만 읽는다: 폴더, 모듈 파일 하나, 압축 파일(.zip, .tar, .tar.gz/.tgz ...).
심볼릭 링크는 따라가지 않고, 일반 파일이 아닌 것(FIFO, 소켓, 장치)과 너무 큰 파일·너무 많은 파일,
압축 파일 밖을 가리키는 경로와 링크, 압축 폭탄은 읽지 않는다. 거부된 파일은 없는 것으로 채점되고,
보고서에 파일과 이유가 남는다.

A submission is read by the grader with the grader's rights, before any fence exists, so nothing
in it may lead the grader outside it:

- **Folders** are walked through directory descriptors: every component below the path the user
  named is opened relative to its parent with ``O_NOFOLLOW`` (a link to a folder, a chain of
  links, relative or absolute, inside or outside, is never followed), and each file is opened with
  ``O_NOFOLLOW | O_NONBLOCK`` and checked with ``fstat`` on the descriptor that is then read — the
  check and the read are the same open file, so no rename or swap in between can change what is
  read. Special files are recognised by ``lstat`` before they are opened (a device is never
  opened) and by ``fstat`` again after; a FIFO never blocks. Sizes are bounded before and while
  reading. Platforms without ``dir_fd`` (Windows) check each component with ``lstat`` and compare
  the opened file's identity with it.
- **Archives** are read in memory, member by member, never extracted: absolute paths, ``..``
  components, symbolic and hard link entries, devices and FIFOs, duplicated paths are refused;
  the number of members, each member's size, the total unpacked and the compression ratio are
  bounded (a zip bomb is a refusal with a message, not an exhausted disk or memory).

Inside the submission, the modules are looked for in its top folder, in ``exercises/<assignment>/``
(a checkout), or in those of a single top folder (``student1/activations.py``,
``repo-main/exercises/lec04/``). Only ``.py`` and ``.ipynb`` files of that folder are read.

Every limit is a constant of this module (``MAX_*``), the same for every course; each refusal is
a ``RefusedFile`` with a code from ``REASONS`` and a message in Korean and English.
"""

from __future__ import annotations

import bz2
import errno
import gzip
import lzma
import os
import re
import stat
import tarfile
import zipfile
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Protocol

from grader.errors import GraderError
from grader.messages import Msg, to_data
from grader.result import RefusedFile

MODULE_SUFFIXES = (".py", ".ipynb")
ARCHIVE_SUFFIXES = (".zip", ".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz")

# --- limits (the same for every course; documented in README "Submissions") --------------------
MAX_MODULE_BYTES = 2 << 20  # one .py file
MAX_NOTEBOOK_BYTES = 16 << 20  # one .ipynb (plots are stored inside)
MAX_TOTAL_BYTES = 32 << 20  # everything read from one submission together
MAX_FOLDER_ENTRIES = 1000  # entries of one folder that is listed (the modules' folder)
MAX_ARCHIVE_BYTES = 64 << 20  # an archive file as stored
MAX_ARCHIVE_MEMBERS = 5000  # members of one archive
MAX_UNPACKED_BYTES = 64 << 20  # bytes a compressed tar stream may unpack to while it is read
MAX_RATIO = 100  # unpacked / compressed, for a member (zip) or the stream (tar) ...
RATIO_FLOOR = 1 << 20  # ... once it unpacks to more than this
MAX_REFUSALS = 100  # refusals listed in a report (a count of the rest is a note)

# The codes of a refusal; the messages are the catalogue's "intake.<code>" (grader/locale), their
# {fields} filled from the refusal's details.
REASONS = ("symlink", "special", "too_large", "too_many_files", "total_too_large", "unreadable",
           "absolute_path", "parent_path", "hardlink", "duplicate", "bomb", "archive_too_large",
           "too_many_members", "corrupt")
# What a special file is: the catalogue's "intake.kind.<kind>".
_SPECIAL_KINDS = ("fifo", "socket", "device", "dir", "file", "other")


class Refused(Exception):
    """A file (or folder, or archive) is not read; ``reason`` is a code of ``REASONS``."""

    def __init__(self, reason: str, **details: object) -> None:
        super().__init__(reason)
        self.reason = reason
        self.details = details

    def refusal(self, path: str) -> RefusedFile:
        values = {"limit": "", "detail": "", "what": "", **self.details}
        msg = Msg(f"intake.{self.reason}", **values)
        return RefusedFile(path, self.reason, msg.render(), data=to_data(msg))


def _special(kind: str) -> Refused:
    if kind == "symlink":
        return Refused("symlink")
    return Refused("special", what=Msg(f"intake.kind.{kind if kind in _SPECIAL_KINDS else 'other'}"))


def _not_read(kind: str) -> Refused:
    """Why an entry of this kind (not "file" or "dir") is refused."""
    return Refused("unreadable", detail="lstat") if kind == "unreadable" else _special(kind)


def _mib(n: int) -> str:
    return f"{n / (1 << 20):g} MiB"


def _kind(mode: int) -> str:
    if stat.S_ISREG(mode):
        return "file"
    if stat.S_ISDIR(mode):
        return "dir"
    if stat.S_ISLNK(mode):
        return "symlink"
    if stat.S_ISFIFO(mode):
        return "fifo"
    if stat.S_ISSOCK(mode):
        return "socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    return "other"


def shown(path: str) -> str:
    """A path as it may be printed: control characters escaped (no terminal tricks), capped."""
    text = "".join(c if c.isprintable() else f"\\x{_byte(c):02x}" for c in path)
    return text if len(text) <= 200 else text[:199] + "…"


def _byte(c: str) -> int:
    """A character's code, or the byte an undecodable name had (Python's surrogateescape)."""
    return ord(c) - 0xDC00 if 0xDC80 <= ord(c) <= 0xDCFF else ord(c)


def _join(parts: Sequence[str]) -> str:
    return shown("/".join(parts)) if parts else "."


@dataclass
class Intake:
    """What was read from one submission."""

    source: Path  # what the user named
    folder: str = "."  # where the modules were found inside it ("exercises/lec04", "student1")
    files: dict[str, bytes] = field(default_factory=dict)  # file name -> contents, in that folder
    refused: list[RefusedFile] = field(default_factory=list)
    notes: list[Msg | str] = field(default_factory=list)  # remarks for the report, as data
    single: str | None = None  # the file's module name when one module file was given

    def refuse(self, path: str, exc: Refused) -> None:
        if any(r.path == path for r in self.refused):
            return
        if len(self.refused) == MAX_REFUSALS:
            self.notes.append(Msg("intake.more_refused", shown=MAX_REFUSALS))
        if len(self.refused) < MAX_REFUSALS:
            self.refused.append(exc.refusal(path))


# --- trees: a folder on disk, or an archive's members -------------------------------------------

class _Tree(Protocol):
    def kind(self, parts: tuple[str, ...]) -> str:
        """"file", "dir", "absent", "refused" (already reported), or why it is not read."""

    def listing(self, parts: tuple[str, ...]) -> list[str]: ...

    def read(self, parts: tuple[str, ...], limit: int) -> bytes: ...


_O_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_O_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_O_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
# O_NONBLOCK: opening a FIFO that was swapped in after the lstat returns at once instead of
# waiting for a writer; O_NOCTTY: a terminal device never becomes the grader's terminal.
_FILE_FLAGS = (os.O_RDONLY | _O_NOFOLLOW | _O_CLOEXEC | getattr(os, "O_NONBLOCK", 0)
               | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0))
# Descriptor-relative walking (Linux, macOS, BSDs); elsewhere a checked path-based fallback.
FD_WALK = bool(_O_NOFOLLOW and _O_DIRECTORY and os.open in os.supports_dir_fd
               and os.stat in os.supports_dir_fd and os.scandir in os.supports_fd)

_Dir = Any  # a directory descriptor (int) or, without FD_WALK, a checked Path


class _Folder:
    """A folder the user named, read without following any link below it.

    The folder itself is the user's choice (it is opened as given, links included); everything
    below it is the submission's.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self._dirs: dict[tuple[str, ...], _Dir] = {}

    def close(self) -> None:
        for handle in self._dirs.values():
            if isinstance(handle, int):
                os.close(handle)
        self._dirs.clear()

    def _lstat(self, parent: _Dir, name: str) -> os.stat_result:
        if isinstance(parent, int):
            return os.stat(name, dir_fd=parent, follow_symlinks=False)
        return os.lstat(parent / name)

    def _kind_at(self, parent: _Dir, name: str) -> str:
        try:
            st = self._lstat(parent, name)
        except FileNotFoundError:
            return "absent"
        except OSError:
            return "unreadable"
        # Windows: a junction or other reparse point is a link too.
        if getattr(st, "st_file_attributes", 0) & getattr(stat, "FILE_ATTRIBUTE_REPARSE_POINT", 0):
            return "symlink"
        return _kind(st.st_mode)

    def _dir(self, parts: tuple[str, ...]) -> _Dir:
        if parts in self._dirs:
            return self._dirs[parts]
        if not parts:
            try:
                handle: _Dir = (os.open(self.root, os.O_RDONLY | _O_DIRECTORY | _O_CLOEXEC)
                                if FD_WALK else self.root)
            except OSError as exc:
                raise Refused("unreadable", detail=exc.strerror or type(exc).__name__) from None
        else:
            parent = self._dir(parts[:-1])
            kind = self._kind_at(parent, parts[-1])
            if kind != "dir":
                raise _not_read(kind)
            if isinstance(parent, int):
                try:
                    handle = os.open(parts[-1], os.O_RDONLY | _O_DIRECTORY | _O_NOFOLLOW
                                     | _O_CLOEXEC, dir_fd=parent)
                except OSError as exc:  # swapped for a link since the lstat: ELOOP or ENOTDIR
                    raise _open_error(exc) from None
                if not stat.S_ISDIR(os.fstat(handle).st_mode):
                    os.close(handle)
                    raise _special("other")
            else:
                handle = parent / parts[-1]
        self._dirs[parts] = handle
        return handle

    def kind(self, parts: tuple[str, ...]) -> str:
        try:
            parent = self._dir(parts[:-1])
        except Refused:
            return "unreadable"  # callers check a path's folders before the path itself
        return self._kind_at(parent, parts[-1])

    def listing(self, parts: tuple[str, ...]) -> list[str]:
        handle = self._dir(parts)
        names: list[str] = []
        try:
            with os.scandir(handle) as entries:  # lazily: a huge folder is never listed whole
                for entry in entries:
                    names.append(entry.name)
                    if len(names) > MAX_FOLDER_ENTRIES:
                        raise Refused("too_many_files", limit=MAX_FOLDER_ENTRIES)
        except OSError as exc:
            raise Refused("unreadable", detail=exc.strerror or type(exc).__name__) from None
        return sorted(names)

    def read(self, parts: tuple[str, ...], limit: int) -> bytes:
        parent = self._dir(parts[:-1])
        name = parts[-1]
        # Refuse by lstat first, so that a device or FIFO is never even opened ...
        kind = self._kind_at(parent, name)
        if kind != "file":
            raise _not_read(kind)
        try:
            if isinstance(parent, int):
                fd = os.open(name, _FILE_FLAGS, dir_fd=parent)
            else:
                fd = os.open(parent / name, _FILE_FLAGS)
        except OSError as exc:
            raise _open_error(exc) from None
        try:
            # ... and check what was opened, which is what is read: no race in between.
            opened = os.fstat(fd)
            if not isinstance(parent, int):
                before = self._lstat(parent, name)
                if (opened.st_dev, opened.st_ino) != (before.st_dev, before.st_ino):
                    raise Refused("unreadable", detail="changed while read")
            return read_regular(fd, limit, opened)
        finally:
            os.close(fd)


def _open_error(exc: OSError) -> Refused:
    if exc.errno in (errno.ELOOP, errno.EMLINK, errno.ENOTDIR):  # O_NOFOLLOW met a link
        return Refused("symlink")
    if exc.errno == errno.ENXIO:  # a socket
        return _special("socket")
    return Refused("unreadable", detail=exc.strerror or type(exc).__name__)


def read_regular(fd: int, limit: int, opened: os.stat_result | None = None) -> bytes:
    """Read an open file that must be a regular file of at most ``limit`` bytes — bounded even
    when the file grows while it is read."""
    st = opened or os.fstat(fd)
    if not stat.S_ISREG(st.st_mode):
        raise _special(_kind(st.st_mode))
    if st.st_size > limit:
        raise Refused("too_large", limit=_mib(limit))
    chunks: list[bytes] = []
    size = 0
    while True:
        try:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
        except OSError as exc:
            raise Refused("unreadable", detail=exc.strerror or type(exc).__name__) from None
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        size += len(chunk)
        if size > limit:
            raise Refused("too_large", limit=_mib(limit))


# --- archives -----------------------------------------------------------------------------------

@dataclass
class _Member:
    size: int
    load: Callable[[int], bytes]  # limit -> contents


class _Archive:
    """An archive's members, indexed by path; refused members are reported once, when indexed."""

    def __init__(self, intake: Intake) -> None:
        self.intake = intake
        self.files: dict[tuple[str, ...], _Member] = {}
        self.dirs: set[tuple[str, ...]] = {()}
        self.refused: set[tuple[str, ...]] = set()

    def refuse(self, name: str, parts: tuple[str, ...] | None, exc: Refused) -> None:
        self.intake.refuse(shown(name), exc)
        if parts:
            self.refused.add(parts)

    def add_dir(self, parts: tuple[str, ...]) -> None:
        for i in range(len(parts) + 1):
            self.dirs.add(parts[:i])

    def add_file(self, name: str, parts: tuple[str, ...], member: _Member) -> None:
        if parts in self.files or parts in self.refused:
            self.files.pop(parts, None)
            self.refuse(name, parts, Refused("duplicate"))
            return
        self.add_dir(parts[:-1])
        self.files[parts] = member

    def kind(self, parts: tuple[str, ...]) -> str:
        if any(parts[:i] in self.refused for i in range(1, len(parts) + 1)):
            return "refused"
        if parts in self.files:
            return "file"
        return "dir" if parts in self.dirs else "absent"

    def listing(self, parts: tuple[str, ...]) -> list[str]:
        n = len(parts)
        names = {p[n] for p in (*self.files, *self.dirs, *self.refused)
                 if len(p) > n and p[:n] == parts}
        if len(names) > MAX_FOLDER_ENTRIES:
            raise Refused("too_many_files", limit=MAX_FOLDER_ENTRIES)
        return sorted(names)

    def read(self, parts: tuple[str, ...], limit: int) -> bytes:
        member = self.files[parts]
        if member.size > limit:
            raise Refused("too_large", limit=_mib(limit))
        data = member.load(limit)
        if len(data) > limit:
            raise Refused("too_large", limit=_mib(limit))
        return data


def member_parts(name: str) -> tuple[tuple[str, ...], Refused | None]:
    """An archive member's path as components, or why it is refused (absolute, ``..``)."""
    text = name.replace("\\", "/")  # zips made on Windows may use backslashes
    if text.startswith("/") or re.match(r"[A-Za-z]:", text):
        return (), Refused("absolute_path")
    parts = tuple(p for p in text.split("/") if p not in ("", "."))
    if ".." in parts:
        return (), Refused("parent_path")
    return parts, None


_ARCHIVE_ERRORS = (zipfile.BadZipFile, tarfile.TarError, zlib.error, lzma.LZMAError, EOFError,
                   OSError, RuntimeError, NotImplementedError, ValueError, KeyError, UnicodeError)


def _zip_entries(f: IO[bytes], size: int) -> int:
    """The member count an archive's end record declares, read before ``zipfile`` builds its
    index (a central directory of a million entries would cost gigabytes of memory)."""
    tail = min(size, 22 + 0xFFFF)
    f.seek(size - tail)
    data = f.read(tail)
    at = data.rfind(b"PK\x05\x06")
    if at < 0 or at + 22 > len(data):
        return 0  # not a zip: zipfile says so
    entries = int.from_bytes(data[at + 10:at + 12], "little")
    if entries == 0xFFFF and at >= 20 and data[at - 20:at - 16] == b"PK\x06\x07":  # zip64
        f.seek(int.from_bytes(data[at - 12:at - 4], "little"))
        record = f.read(56)
        if record[:4] == b"PK\x06\x06":
            entries = int.from_bytes(record[32:40], "little")
    return entries


def _index_zip(f: IO[bytes], size: int, archive: _Archive) -> zipfile.ZipFile:
    if _zip_entries(f, size) > MAX_ARCHIVE_MEMBERS:
        raise Refused("too_many_members", limit=MAX_ARCHIVE_MEMBERS)
    f.seek(0)
    zf = zipfile.ZipFile(f)
    infos = zf.infolist()
    if len(infos) > MAX_ARCHIVE_MEMBERS:
        raise Refused("too_many_members", limit=MAX_ARCHIVE_MEMBERS)
    for info in infos:
        parts, bad = member_parts(info.filename)
        if bad is not None:
            archive.refuse(info.filename, None, bad)
            continue
        if not parts:
            continue
        mode = info.external_attr >> 16  # Unix mode bits, when the maker stored them
        kind = _kind(mode) if stat.S_IFMT(mode) else ("dir" if info.is_dir() else "file")
        if kind == "dir":
            archive.add_dir(parts)
        elif kind != "file":
            archive.refuse(info.filename, parts, _special(kind))
        elif info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(1, info.compress_size):
            archive.refuse(info.filename, parts, Refused("bomb", limit=MAX_RATIO))
        else:
            archive.add_file(info.filename, parts, _Member(info.file_size, _zip_loader(zf, info)))
    return zf


def _zip_loader(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> Callable[[int], bytes]:
    def load(limit: int) -> bytes:
        try:
            with zf.open(info) as member:  # decompresses at most what is asked for
                return member.read(limit + 1)
        except _ARCHIVE_ERRORS as exc:
            raise Refused("unreadable", detail=f"{type(exc).__name__}: {exc}"[:200]) from None
    return load


class _Bounded:
    """The unpacked stream of a tar archive: refused once it unpacks past ``MAX_UNPACKED_BYTES``
    or at a ratio above ``MAX_RATIO`` to what was read from the file."""

    def __init__(self, stream: Any, raw: IO[bytes]) -> None:
        self._stream, self._raw = stream, raw
        self.unpacked = 0

    def read(self, n: int = -1) -> bytes:
        if n is None or n < 0:
            n = MAX_UNPACKED_BYTES + 1 - self.unpacked
        data = self._stream.read(min(n, MAX_UNPACKED_BYTES + 1 - self.unpacked))
        self.unpacked += len(data)
        if self.unpacked > MAX_UNPACKED_BYTES:
            raise Refused("bomb" if self._ratio() > MAX_RATIO else "archive_too_large",
                          limit=MAX_RATIO if self._ratio() > MAX_RATIO else _mib(MAX_UNPACKED_BYTES))
        if self.unpacked > RATIO_FLOOR and self._ratio() > MAX_RATIO:
            raise Refused("bomb", limit=MAX_RATIO)
        return data

    def _ratio(self) -> float:
        return self.unpacked / max(1, self._raw.tell())


def _index_tar(f: IO[bytes], archive: _Archive) -> None:
    magic = f.read(6)
    f.seek(0)
    stream: Any
    if magic.startswith(b"\x1f\x8b"):
        stream = gzip.GzipFile(fileobj=f, mode="rb")
    elif magic.startswith(b"BZh"):
        stream = bz2.BZ2File(f)
    elif magic.startswith(b"\xfd7zXZ\x00"):
        stream = lzma.LZMAFile(f)
    else:
        stream = f
    # Stream mode ("r|"): members are read in order, once; nothing seeks back or is extracted.
    with tarfile.open(fileobj=_Bounded(stream, f), mode="r|") as tf:  # type: ignore[call-overload]
        for count, member in enumerate(tf, start=1):
            if count > MAX_ARCHIVE_MEMBERS:
                raise Refused("too_many_members", limit=MAX_ARCHIVE_MEMBERS)
            tf.members.clear()  # stream mode keeps every header otherwise
            parts, bad = member_parts(member.name)
            if bad is not None:
                archive.refuse(member.name, None, bad)
            elif not parts:
                continue
            elif member.issym():
                archive.refuse(member.name, parts, Refused("symlink"))
            elif member.islnk():
                archive.refuse(member.name, parts, Refused("hardlink"))
            elif member.isdir():
                archive.add_dir(parts)
            elif not member.isreg():
                archive.refuse(member.name, parts, _special(
                    "fifo" if member.isfifo() else "device" if member.isdev() else "other"))
            else:
                archive.add_file(member.name, parts, _tar_member(tf, member, parts))


def _tar_member(tf: tarfile.TarFile, member: tarfile.TarInfo,
                parts: tuple[str, ...]) -> _Member:
    """A tar stream cannot go back: the contents of a file that may hold a module (a ``.py`` or
    ``.ipynb`` no deeper than ``top/exercises/<assignment>/``) are read now, within limits."""
    size = member.size
    suffix = Path(parts[-1]).suffix
    limit = MAX_NOTEBOOK_BYTES if suffix == ".ipynb" else MAX_MODULE_BYTES
    data = b""
    if suffix in MODULE_SUFFIXES and len(parts) <= 4 and size <= limit:
        f = tf.extractfile(member)
        data = f.read(size) if f is not None else b""
    return _Member(size, lambda _limit: data)


def _read_archive(opener: Callable[[], int], name: str, intake: Intake, assignment: str,
                  modules: Sequence[str]) -> None:
    try:
        fd = opener()
    except OSError as exc:
        intake.refuse(shown(name), _open_error(exc))
        return
    with os.fdopen(fd, "rb") as f:
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode):
                raise _special(_kind(st.st_mode))
            if st.st_size > MAX_ARCHIVE_BYTES:
                raise Refused("archive_too_large", limit=_mib(MAX_ARCHIVE_BYTES))
            archive = _Archive(intake)
            if name.lower().endswith(".zip"):
                zf = _index_zip(f, st.st_size, archive)
                with zf:
                    _gather(archive, intake, assignment, modules)
            else:
                _index_tar(f, archive)
                _gather(archive, intake, assignment, modules)
        except Refused as exc:
            intake.files.clear()
            intake.refuse(shown(name), exc)
        except _ARCHIVE_ERRORS as exc:
            intake.files.clear()
            intake.refuse(shown(name), Refused(
                "corrupt", detail=f"{type(exc).__name__}: {exc}"[:200]))


# --- finding and reading the modules -------------------------------------------------------------

def _locate(tree: _Tree, intake: Intake, assignment: str, modules: Sequence[str],
            start: tuple[str, ...]) -> tuple[str, ...] | None:
    """The folder holding the modules: ``start``, its ``exercises/<assignment>``, or those of a
    single top folder in it. ``None`` when the way there is refused."""
    base = start
    for depth in range(2):
        if any(tree.kind((*base, m + s)) != "absent" for m in modules for s in MODULE_SUFFIXES):
            return base
        if depth == 1 and _has_notebook(tree, base):  # "student1/4차시_실습.ipynb"
            return base
        for i in (1, 2):
            parts = (*base, "exercises", assignment)[: len(base) + i]
            kind = tree.kind(parts)
            if kind == "absent" or (kind == "file" and i == 1):
                break
            if kind == "refused":
                return None
            if kind != "dir":
                intake.refuse(_join(parts), _not_read(kind))
                return None
            if i == 2:
                return parts
        if depth == 0:
            names = [n for n in tree.listing(base) if not n.startswith(".") and n != "__MACOSX"]
            if len(names) == 1:
                kind = tree.kind((*base, names[0]))
                if kind == "dir":
                    base = (*base, names[0])
                    continue
                if kind not in ("file", "refused", "absent"):
                    intake.refuse(_join((*base, names[0])), _not_read(kind))
                    return None
        break
    return start


def _has_notebook(tree: _Tree, base: tuple[str, ...]) -> bool:
    """Whether the folder holds a notebook under any name: a notebook is matched to its modules
    by its code (``grader.intake.staging``), not only by its name."""
    try:
        return any(n.endswith(".ipynb") and not n.startswith(".") for n in tree.listing(base))
    except Refused:
        return False


def _gather(tree: _Tree, intake: Intake, assignment: str, modules: Sequence[str],
            start: tuple[str, ...] = ()) -> None:
    intake.folder = _join(start)
    try:
        base = _locate(tree, intake, assignment, modules, start)
        if base is None:
            return
        intake.folder = _join(base)
        names = tree.listing(base)
    except Refused as exc:
        intake.refuse(intake.folder, exc)
        return
    # Notebooks under any name ("4차시_실습.ipynb"): matched to modules by their code.
    wanted = [n for n in names if Path(n).suffix in MODULE_SUFFIXES and not n.startswith(".")
              and (Path(n).stem.isidentifier() or n.endswith(".ipynb"))]
    # The assignment's modules first, so that a helper cannot use up their share of the total.
    wanted.sort(key=lambda n: (Path(n).stem not in modules, n))
    total = 0
    for name in wanted:
        parts = (*base, name)
        if not _utf8(name):  # undecodable bytes (a tar's or a folder's): no report could say it
            intake.refuse(_join(parts), Refused("unreadable", detail=Msg("intake.name_not_utf8")))
            continue
        kind = tree.kind(parts)
        if kind == "refused":
            continue
        limit = MAX_NOTEBOOK_BYTES if name.endswith(".ipynb") else MAX_MODULE_BYTES
        left = MAX_TOTAL_BYTES - total  # never read (or unpack) past the submission's total
        try:
            if kind != "file":
                raise _not_read(kind)
            try:
                data = tree.read(parts, min(limit, left))
            except Refused as exc:
                if exc.reason == "too_large" and left < limit:
                    raise Refused("total_too_large", limit=_mib(MAX_TOTAL_BYTES)) from None
                raise
        except Refused as exc:
            intake.refuse(_join(parts), exc)
            continue
        total += len(data)
        intake.files[name] = data


def _utf8(name: str) -> bool:
    """Whether a name is text: a folder's or a tar's undecodable bytes come as lone surrogates."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def is_archive(path: Path) -> bool:
    return path.name.lower().endswith(ARCHIVE_SUFFIXES)


def read_submission(path: Path, assignment: str, modules: Iterable[str], *,
                    within: Path | None = None) -> Intake:
    """Read a submission — a folder, a checkout, a ``.py``/``.ipynb`` module file or an archive —
    as data: the ``.py``/``.ipynb`` files of the folder holding ``modules``, and what was refused.

    The folder the user named (or a named file's folder) is theirs and is followed as given;
    everything below it, and a named file itself, is the submission's and is never followed
    through a link. With ``within`` (the course's folder), a path inside it is walked from there:
    ``<course>/exercises/lec04`` of a pull request may itself be a link, and is then refused.
    Raises ``GraderError`` for a path that does not exist or is not a submission.
    """
    modules = list(modules)
    path = Path(os.path.abspath(path))
    if not os.path.lexists(path):
        raise GraderError(Msg("intake.no_path", path=str(path)))
    trusted = Path(os.path.abspath(within)) if within is not None else None
    if trusted is not None and path != trusted and path.is_relative_to(trusted):
        root, rel = trusted, path.relative_to(trusted).parts
    elif path.is_dir():
        root, rel = path, ()
    else:
        root, rel = path.parent, (path.name,)
    intake = Intake(path)
    tree = _Folder(root.resolve())
    try:
        _read_below(tree, rel, intake, assignment, modules)
    finally:
        tree.close()
    return intake


def _read_below(tree: _Folder, rel: tuple[str, ...], intake: Intake, assignment: str,
                modules: Sequence[str]) -> None:
    for i in range(1, len(rel)):  # the folders between the trusted root and the path
        try:
            tree._dir(rel[:i])
        except Refused as exc:
            intake.refuse(_join(rel[:i]), exc)
            return
    kind = tree.kind(rel) if rel else "dir"
    if kind == "dir":
        _gather(tree, intake, assignment, modules, rel)
        return
    name = rel[-1]
    suffix = Path(name).suffix
    if not is_archive(Path(name)) and suffix not in MODULE_SUFFIXES:
        if kind == "file":
            raise GraderError(Msg("intake.not_a_submission", path=str(intake.source)))
        intake.refuse(_join(rel), _not_read(kind))  # a link to a folder, a FIFO, ...
        return
    if is_archive(Path(name)):
        parent = tree._dir(rel[:-1])
        opener = ((lambda: os.open(name, _FILE_FLAGS, dir_fd=parent)) if isinstance(parent, int)
                  else (lambda: os.open(parent / name, _FILE_FLAGS)))
        if kind != "file":
            intake.refuse(_join(rel), _not_read(kind))
        else:
            _read_archive(opener, _join(rel), intake, assignment, modules)
        return
    intake.single = Path(name).stem
    limit = MAX_NOTEBOOK_BYTES if suffix == ".ipynb" else MAX_MODULE_BYTES
    try:
        intake.files[name] = tree.read(rel, limit)
    except Refused as exc:
        intake.refuse(_join(rel), exc)
