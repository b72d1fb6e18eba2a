"""Reading one class entry's Python sources, without trusting anything in it.

제출물 하나(폴더, .py, .ipynb, 압축 파일)에서 파이썬 소스를 읽는다. 채점(``grader grade``)과 같은
안전한 읽기(``grader.intake.reader``)를 쓰므로 두 명령이 반 전체 폴더를 똑같이 읽는다.

The entry is read by ``grader.intake.reader.read_submission``, exactly as ``grader grade`` reads it: the
same module folder (top, ``exercises/<assignment>/`` or a single top folder), links never
followed, special files never opened, sizes bounded, archives (zip and tar) read in memory with
the same refusals. The class folder itself is listed by ``grader.classroom.entries``. Nothing is
imported or run: the text goes to ``tokenize`` and ``ast`` only.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from grader.errors import GraderError
from grader.intake import safe_parse
from grader.intake.reader import read_submission, shown
from grader.messages import Msg

MAX_FILE_BYTES = 2 << 20  # one starter file (the submission's own limits are intake's)
MAX_OTHER_FILES = 20  # sources not named after a module, used when none is


@dataclass
class Sources:
    """``name -> text``: a module name (``activations``), or another file's stem (``hong``)."""

    texts: dict[str, str] = field(default_factory=dict)
    notes: list[Msg | str] = field(default_factory=list)  # for the report (``messages.render``)


def _assignment_of(entry: Path) -> str:
    """Without an assignment name: the only folder of a checkout's ``exercises/``, if any."""
    try:
        names = [n for n in os.listdir(entry / "exercises")
                 if stat.S_ISDIR(os.lstat(entry / "exercises" / n).st_mode)]
    except OSError:
        return ""
    return names[0] if len(names) == 1 else ""


def sources_of(entry: Path, modules: Iterable[str], assignment: str | None = None) -> Sources:
    """The sources of one class entry: a folder (or checkout), a ``.py``, ``.ipynb`` or archive.

    A folder or archive gives the module folder's files named after the assignment's
    ``modules``, or, when it has none, its other sources (``HW4.ipynb``; not ``test_*``); a
    single file gives itself, named by its stem, so ``activations.py`` is that module and
    ``hong.ipynb`` may hold any graded function. Refused files are listed in the notes.
    """
    wanted = list(modules)
    found = Sources()
    try:
        intake = read_submission(entry, assignment or _assignment_of(entry), wanted)
    except GraderError as exc:
        found.notes.append(exc.data)
        return found
    found.notes += [str(n).replace(str(intake.source), shown(entry.name))
                    for n in intake.notes]
    found.notes += [Msg("similarity.refused", entry=entry.name, path=r.path,
                        why_ko=r.message_in("ko"), why_en=r.message_in("en"))
                    for r in intake.refused]
    if intake.single is not None:
        text = _text(intake.single, next(iter(intake.files.items()))[1], found.notes,
                     notebook=next(iter(intake.files)).endswith(".ipynb")) \
            if intake.files else None
        if text is not None:
            found.texts[intake.single] = text
        return found
    # A module's .py wins over a notebook of the same name (as grading stages them).
    names = sorted(intake.files, key=lambda n: (n.endswith(".ipynb"), n))
    ours = [n for n in names if Path(n).stem in wanted]
    others = [n for n in names if Path(n).stem not in wanted and not n.startswith("test_")]
    for name in ours or others[:MAX_OTHER_FILES]:
        stem = Path(name).stem
        if stem in found.texts:
            continue
        text = _text(name, intake.files[name], found.notes, notebook=name.endswith(".ipynb"))
        if text is not None:
            found.texts[stem] = text
    return found


def _text(name: str, data: bytes, notes: list[Msg | str], *, notebook: bool) -> str | None:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        notes.append(Msg("similarity.not_utf8", name=name))
        return None
    if notebook:
        code = notebook_code(text)
        if code is None:
            notes.append(Msg("similarity.not_notebook", name=name))
        return code
    return text


def notebook_code(text: str) -> str | None:
    """A notebook's code cells as one module, IPython magics commented out (as ``grader check``).

    ``grader.intake.staging.notebook_source`` does the same from a path; archive members are bytes.
    """
    try:
        cells = safe_parse.json_value(text, "")["cells"]
        parts = []
        for cell in cells:
            if cell.get("cell_type") != "code":
                continue
            src = cell.get("source", "")
            src = "".join(src) if isinstance(src, list) else str(src)
            parts.append("\n".join(f"# {line}" if line.lstrip().startswith(("%", "!")) else line
                                   for line in src.splitlines()))
    except (safe_parse.Unreadable, ValueError, KeyError, TypeError, AttributeError,
            RecursionError):  # RecursionError: str() of a deeply nested cell
        return None
    return "\n\n".join(parts) + "\n"


def read_regular(path: Path, limit: int, notes: list[Msg | str]) -> bytes | None:
    """The bytes of a regular file, never through a link, at most ``limit`` of them."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) \
        | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        notes.append(Msg("similarity.unreadable", name=path.name, error=exc.strerror or str(exc)))
        return None
    with os.fdopen(fd, "rb") as f:
        info = os.fstat(f.fileno())
        if not stat.S_ISREG(info.st_mode):
            notes.append(Msg("similarity.not_regular", name=path.name))
            return None
        data = f.read(limit + 1)
    if len(data) > limit:
        notes.append(Msg("similarity.too_large", name=path.name, mb=limit >> 20))
        return None
    return data
