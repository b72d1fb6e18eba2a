"""Staging a submission's modules into a private folder for the worker.

제출물에서 과제 모듈(.py 파일, 폴더, 노트북, 압축 파일)을 읽어 작업자 전용 임시 폴더로 복사한다.

PATH may be the folder holding the modules, a checkout whose ``exercises/<assignment>/`` holds
them, either of those inside a single top folder, one module file, a notebook named after its
module (``activations.ipynb``: its code cells become ``activations.py``), or an archive of any of
these (``.zip``, ``.tar``, ``.tar.gz``/``.tgz``). Everything is read as data by ``grader.intake``
(no link, special file or archive path is followed out of the submission; a refused file is
graded as missing and listed in the report). Only top-level ``.py`` and ``.ipynb`` files of that
folder are staged (helpers the student imports included). The staged copy is what the worker
sees, read-only under bwrap, and it is removed after grading.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from grader import scratch
from grader.course import Assignment, Course
from grader.errors import GraderError
from grader.intake import read_submission
from grader.result import FunctionResult, RefusedFile


@dataclass
class Staged:
    folder: Path
    source: Path  # what the user pointed at
    notes: list[str] = field(default_factory=list)  # bilingual remarks for the report
    refused: list[RefusedFile] = field(default_factory=list)  # files not read, with the reason
    # The modules to grade: one when a single module file (or notebook) was given, else all.
    modules: list[str] = field(default_factory=list)

    def remove(self) -> None:
        shutil.rmtree(self.folder.parent, ignore_errors=True)


def notebook_source(name: str, raw: bytes) -> str:
    """The code cells of a notebook as one module; IPython magics are commented out."""
    try:
        nb = json.loads(raw.decode("utf-8"))
        cells = nb["cells"]
        sources = []
        for cell in cells:
            if cell.get("cell_type") != "code":
                continue
            src = cell.get("source", "")
            src = "".join(src) if isinstance(src, list) else str(src)
            lines = [f"# {line}" if line.lstrip().startswith(("%", "!")) else line
                     for line in src.splitlines()]
            sources.append("\n".join(lines))
    except UnicodeDecodeError as exc:
        raise _Unreadable(f"{name}: UTF-8이 아닙니다 / is not valid UTF-8 ({exc.reason} at "
                          f"byte {exc.start})") from None
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise _Unreadable(f"{name}: 노트북 형식이 아닙니다 / is not a valid notebook "
                          f"({type(exc).__name__})") from None
    return "\n\n".join(sources) + "\n"


class _Unreadable(Exception):
    pass


def _broken_module(reason: str) -> str:
    # The worker reports this at import like any other import error, with the reason.
    return f"raise ImportError({reason!r})\n"


def _module_source(name: str, raw: bytes) -> str:
    if name.endswith(".ipynb"):
        return notebook_source(name, raw)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _Unreadable(
            f"{name}: UTF-8이 아닙니다. 파일을 UTF-8로 저장하세요 / is not valid UTF-8; save the "
            f"file as UTF-8 ({exc.reason} at byte {exc.start})") from None


def stage(path: Path, course: Course, assignment: Assignment) -> Staged:
    """Read the submission (see ``grader.intake``) and write its modules into a new private
    folder."""
    intake = read_submission(path, assignment.name, assignment.modules, within=course.root)
    modules = assignment.modules
    if intake.single is not None:
        if intake.single not in modules:
            raise GraderError(
                f"{path}: 과제 {assignment.name}의 모듈이 아닙니다. 파일 이름은 모듈 이름이어야 합니다"
                f"({', '.join(m + '.py' for m in modules)}) / not a module of {assignment.name}: "
                f"name the file after its module ({', '.join(m + '.py' for m in modules)})")
        modules = [intake.single]
    root = scratch.make_dir("submission")
    folder = root / "submission"
    folder.mkdir()
    staged = Staged(folder, intake.source, list(intake.notes), list(intake.refused), modules)
    # A module's .py wins over a notebook of the same name.
    for name in sorted(intake.files, key=lambda n: (n.endswith(".ipynb"), n)):
        target = folder / f"{Path(name).stem}.py"
        if target.exists():
            continue
        try:
            text = _module_source(name, intake.files[name])
        except _Unreadable as exc:
            text = _broken_module(str(exc))
            staged.notes.append(str(exc))
        target.write_text(text, encoding="utf-8")
    if not any((folder / f"{m}.py").exists() for m in modules):
        staged.notes.append(
            f"{intake.source}: 과제 {assignment.name}의 모듈({', '.join(m + '.py' for m in modules)})"
            f"이 하나도 없습니다 / none of the assignment's modules were found "
            f"({', '.join(m + '.py' for m in modules)})")
    return staged


def explain_refusals(functions: list[FunctionResult], refused: list[RefusedFile]) -> None:
    """Put the refusal first in the message of each function it made missing: the refused
    module file for that module's functions, a refused folder or archive for all of them."""
    for f in functions:
        if f.status != "missing":
            continue
        module = f.name.split(".", 1)[0]
        causes = [r for r in refused
                  if r.path.rsplit("/", 1)[-1] in (f"{module}.py", f"{module}.ipynb")
                  or not r.path.endswith((".py", ".ipynb"))]
        if not causes:
            continue
        why = f"{causes[0].path}: {causes[0].message}"
        for t in f.tests:
            if not t.passed:
                t.message = f"{why}\n{t.message}" if t.message else why
