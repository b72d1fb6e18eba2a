"""What a class folder holds: one entry per student, and each entry's id.

반 전체 제출물 폴더의 항목(학생 한 명당 하나)과 각 항목의 id. ``grader grade``와
``grader similarity``가 같은 방식으로 읽는다 / both commands list a class folder here.

An entry is a sub-folder (a checkout, an unpacked download), a ``.py`` or ``.ipynb`` file, or an
archive that ``grader.intake.reader`` reads (``.zip``, ``.tar``, ``.tar.gz`` ...). Links are never
followed (listed as skipped), hidden names and other files are skipped with a note. The id is the
name without its suffix, made safe for a file name (``OUT/reports/<id>.json``) and unique.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from grader.errors import GraderError
from grader.intake.reader import ARCHIVE_SUFFIXES, MODULE_SUFFIXES, shown
from grader.messages import Msg

_UNSAFE = re.compile(r"[^\w.\-]+")  # \w keeps Korean names (홍길동) readable
MAX_ID = 100


@dataclass(frozen=True)
class Entry:
    """One student's submission in the class folder."""

    id: str  # unique in the class, safe as a file name
    name: str  # the folder's or file's name as found
    path: Path

    @property
    def stem(self) -> str:
        return strip_suffix(self.name)


def strip_suffix(name: str) -> str:
    low = name.lower()
    for suffix in (*ARCHIVE_SUFFIXES, *MODULE_SUFFIXES):
        if low.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def entry_id(name: str) -> str:
    """``"홍길동 (2).zip"`` → ``"홍길동_2"``: safe as a file name, never empty or hidden."""
    text = _UNSAFE.sub("_", strip_suffix(name)).strip("._-")[:MAX_ID]
    return text or "entry"


def _is_entry(name: str, mode: int) -> bool:
    if stat.S_ISDIR(mode):
        return True
    low = name.lower()
    return stat.S_ISREG(mode) and low.endswith((*MODULE_SUFFIXES, *ARCHIVE_SUFFIXES))


def class_entries(folder: Path) -> tuple[list[Entry], list[Msg]]:
    """The class folder's entries sorted by name, and notes on what was skipped (as messages:
    ``note.render(lang)``)."""
    try:
        info = os.stat(folder)
    except OSError:
        info = None
    if info is None or not stat.S_ISDIR(info.st_mode):
        raise GraderError(Msg("entries.not_folder", folder=str(folder)))
    entries: list[Entry] = []
    notes: list[Msg] = []
    used: set[str] = set()
    for name in sorted(os.listdir(folder)):
        if name.startswith(".") or name == "__MACOSX":
            continue
        path = folder / name
        try:
            mode = os.lstat(path).st_mode
        except OSError as exc:
            notes.append(Msg("entries.unreadable", name=shown(name), error=exc.strerror or str(exc)))
            continue
        if stat.S_ISLNK(mode):
            notes.append(Msg("entries.symlink_rule", name=shown(name)))
            continue
        if not _is_entry(name, mode):
            notes.append(Msg("entries.not_submission", name=shown(name)))
            continue
        base = entry_id(name)
        ident, n = base, 2
        while ident.lower() in used:  # "a.py" and "a.zip", or names equal but for case
            ident, n = f"{base}-{n}", n + 1
        used.add(ident.lower())
        entries.append(Entry(ident, name, path))
    return entries, notes
