"""Reading one class entry's Python sources, without trusting anything in it.

제출물 하나(폴더, .py, .ipynb, .zip)에서 파이썬 소스를 읽는다. 심볼릭 링크를 따라가지 않고,
일반 파일만, 크기를 제한해서 읽으며, 압축 파일은 메모리에서만 읽는다.

This is the only place of ``grader.similarity`` that touches a submission: it is meant to be
routed through the shared safe reader of ``grader.submission`` once that exists. It never follows
a symbolic link (``O_NOFOLLOW`` plus an ``fstat`` of the opened file, so a swap between check and
open is caught), reads only regular files, bounds every size and count, and reads zip members in
memory (no extraction), refusing absolute names, ``..``, links and members that inflate too much.
Nothing is imported or run: the text goes to ``tokenize`` and ``ast`` only.
"""

from __future__ import annotations

import io
import json
import os
import stat
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

MAX_FILE_BYTES = 2 << 20  # one source file or notebook
MAX_ZIP_BYTES = 64 << 20  # the archive itself
MAX_ZIP_TOTAL = 32 << 20  # all members read from one archive together
MAX_ZIP_RATIO = 100  # uncompressed / compressed size of one member (zip bombs)
MAX_FILES = 2000  # folder entries or zip members looked at per submission
MAX_DEPTH = 5  # folder levels below the submission (a checkout's exercises/<assignment>/)
MAX_OTHER_FILES = 20  # sources not named after a module, used when none is
SKIPPED_DIRS = {"__pycache__", "node_modules", "__MACOSX", "tests", "solutions"}
SOURCE_SUFFIXES = (".py", ".ipynb")


@dataclass
class Sources:
    """``name -> text``: a module name (``activations``), or another file's stem (``hong``)."""

    texts: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # bilingual, for the report


def sources_of(entry: Path, modules: Iterable[str]) -> Sources:
    """The sources of one class entry: a folder (or checkout), a ``.py``, ``.ipynb`` or ``.zip``.

    A folder or archive gives its files named after the assignment's ``modules`` (the least deep
    one when several; a ``.py`` wins over a notebook of the same name), or, when it has none, its
    other sources (``HW4.ipynb``); a single file gives itself, named by its stem, so
    ``activations.py`` is that module and ``hong.ipynb`` may hold any graded function.
    """
    wanted = set(modules)
    found = Sources()
    try:
        info = os.lstat(entry)
    except OSError as exc:
        found.notes.append(f"{entry.name}: 읽을 수 없습니다 / cannot be read ({exc.strerror})")
        return found
    if stat.S_ISLNK(info.st_mode):
        found.notes.append(f"{entry.name}: 심볼릭 링크는 읽지 않습니다 / symbolic link skipped")
    elif stat.S_ISDIR(info.st_mode):
        _choose(found, _folder_files(entry, found.notes), wanted)
    elif not stat.S_ISREG(info.st_mode):
        found.notes.append(f"{entry.name}: 일반 파일이 아닙니다 / not a regular file, skipped")
    elif entry.suffix == ".zip":
        data = read_regular(entry, MAX_ZIP_BYTES, found.notes)
        if data is not None:
            _choose(found, _zip_files(entry.name, data, found.notes), wanted)
    elif entry.suffix in SOURCE_SUFFIXES:
        data = read_regular(entry, MAX_FILE_BYTES, found.notes)
        text = None if data is None else _text(entry.name, data, found.notes)
        if text is not None:
            found.texts[entry.stem] = text
    else:
        found.notes.append(f"{entry.name}: .py, .ipynb, .zip 또는 폴더가 아닙니다 / not a .py, "
                           f".ipynb, .zip or folder, skipped")
    return found


def _choose(found: Sources, files: Iterator[tuple[PurePosixPath, bytes]], wanted: set[str]) -> None:
    best: dict[str, tuple[int, int, str]] = {}  # module -> (depth, notebook?, text)
    others: list[tuple[PurePosixPath, bytes]] = []  # a folder with only "HW4.ipynb" in it
    for rel, data in files:
        if rel.stem not in wanted:
            if len(others) < MAX_OTHER_FILES and not rel.name.startswith("test_"):
                others.append((rel, data))
            continue
        rank = (len(rel.parts), rel.suffix == ".ipynb")
        if rel.stem in best and best[rel.stem][:2] <= rank:
            continue
        text = _text(str(rel), data, found.notes)
        if text is not None:
            best[rel.stem] = (*rank, text)
    found.texts.update({module: text for module, (_, _, text) in sorted(best.items())})
    if not best:  # no file named after a module: every other source may hold the functions
        for rel, data in others:
            text = _text(str(rel), data, found.notes)
            if text is not None:
                found.texts.setdefault("/".join(rel.with_suffix("").parts), text)


def _text(name: str, data: bytes, notes: list[str]) -> str | None:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        notes.append(f"{name}: UTF-8이 아닙니다 / is not valid UTF-8, skipped")
        return None
    if name.endswith(".ipynb"):
        code = notebook_code(text)
        if code is None:
            notes.append(f"{name}: 노트북 형식이 아닙니다 / is not a valid notebook, skipped")
        return code
    return text


def notebook_code(text: str) -> str | None:
    """A notebook's code cells as one module, IPython magics commented out (as ``grader check``).

    ``grader.submission.notebook_source`` does the same from a path; archive members are bytes.
    """
    try:
        cells = json.loads(text)["cells"]
        parts = []
        for cell in cells:
            if cell.get("cell_type") != "code":
                continue
            src = cell.get("source", "")
            src = "".join(src) if isinstance(src, list) else str(src)
            parts.append("\n".join(f"# {line}" if line.lstrip().startswith(("%", "!")) else line
                                   for line in src.splitlines()))
    except (ValueError, KeyError, TypeError, AttributeError):
        return None
    return "\n\n".join(parts) + "\n"


def read_regular(path: Path, limit: int, notes: list[str]) -> bytes | None:
    """The bytes of a regular file, never through a link, at most ``limit`` of them."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) \
        | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        notes.append(f"{path.name}: 읽을 수 없습니다 / cannot be read ({exc.strerror})")
        return None
    with os.fdopen(fd, "rb") as f:
        info = os.fstat(f.fileno())
        if not stat.S_ISREG(info.st_mode):
            notes.append(f"{path.name}: 일반 파일이 아닙니다 / not a regular file, skipped")
            return None
        data = f.read(limit + 1)
    if len(data) > limit:
        notes.append(f"{path.name}: {limit >> 20} MiB보다 큽니다 / larger than {limit >> 20} MiB, "
                     f"skipped")
        return None
    return data


def _folder_files(root: Path, notes: list[str]) -> Iterator[tuple[PurePosixPath, bytes]]:
    seen = 0
    stack: list[tuple[Path, PurePosixPath]] = [(root, PurePosixPath())]
    while stack:
        folder, rel = stack.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            continue
        for e in entries:
            seen += 1
            if seen > MAX_FILES:
                notes.append(f"{root.name}: 파일이 너무 많아 {MAX_FILES}개까지만 봅니다 / only the "
                             f"first {MAX_FILES} entries were looked at")
                return
            if e.name.startswith(".") or e.is_symlink():
                continue
            if e.is_dir(follow_symlinks=False):
                if e.name not in SKIPPED_DIRS and len(rel.parts) < MAX_DEPTH:
                    stack.append((Path(e.path), rel / e.name))
            elif e.is_file(follow_symlinks=False) and e.name.endswith(SOURCE_SUFFIXES):
                data = read_regular(Path(e.path), MAX_FILE_BYTES, notes)
                if data is not None:
                    yield rel / e.name, data


def _zip_files(name: str, data: bytes, notes: list[str]) -> Iterator[tuple[PurePosixPath, bytes]]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        notes.append(f"{name}: 올바른 zip 파일이 아닙니다 / is not a valid zip file, skipped")
        return
    total = 0
    for info in members[:MAX_FILES]:
        rel = _safe_member(info)
        if rel is None or not rel.name.endswith(SOURCE_SUFFIXES) or len(rel.parts) > MAX_DEPTH + 1:
            continue
        if any(part in SKIPPED_DIRS or part.startswith(".") for part in rel.parts[:-1]):
            continue
        if info.file_size > MAX_FILE_BYTES or \
                info.file_size > MAX_ZIP_RATIO * max(info.compress_size, 1024):
            notes.append(f"{name}: {rel} 압축 해제 크기가 너무 큽니다 / inflates too much, skipped")
            continue
        try:
            with archive.open(info) as member:
                body = member.read(MAX_FILE_BYTES + 1)  # the header's size is not trusted
        except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, RuntimeError):
            notes.append(f"{name}: {rel}을(를) 읽을 수 없습니다 / cannot be read, skipped")
            continue
        total += len(body)
        if len(body) > MAX_FILE_BYTES or total > MAX_ZIP_TOTAL:
            notes.append(f"{name}: 압축 해제 크기가 너무 큽니다 / inflates too much, stopped")
            return
        yield rel, body
    if len(members) > MAX_FILES:
        notes.append(f"{name}: 항목이 너무 많아 {MAX_FILES}개까지만 봅니다 / only the first "
                     f"{MAX_FILES} members were looked at")


def _safe_member(info: zipfile.ZipInfo) -> PurePosixPath | None:
    """The member's relative path, or None for directories, links, absolute or ``..`` names."""
    if info.is_dir() or stat.S_ISLNK(info.external_attr >> 16):
        return None
    raw = info.filename
    if "\\" in raw or "\x00" in raw or raw.startswith("/") or (len(raw) > 1 and raw[1] == ":"):
        return None
    rel = PurePosixPath(raw)
    if not rel.parts or any(part in ("..", "") for part in rel.parts):
        return None
    return rel
