"""Finding a submission's modules and staging them into a private folder for the worker.

제출물에서 과제 모듈(.py 파일, 폴더, 노트북)을 찾아 작업자 전용 임시 폴더로 복사한다.

PATH may be the folder holding the modules, a checkout whose ``exercises/<assignment>/`` holds
them, one module file, or a notebook named after its module (``activations.ipynb``: its code
cells become ``activations.py``). Only top-level ``.py`` files are staged (helpers the student
imports included); nothing else in the submission is read. The staged copy is what the worker
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

MAX_FILES = 200
MAX_FILE_BYTES = 2 << 20


@dataclass
class Staged:
    folder: Path
    source: Path  # what the user pointed at
    notes: list[str] = field(default_factory=list)  # bilingual remarks for the report

    def remove(self) -> None:
        shutil.rmtree(self.folder.parent, ignore_errors=True)


def locate(path: Path, course: Course, assignment: Assignment) -> Path:
    """The folder (or single file) that holds the assignment's modules."""
    if not path.exists():
        raise GraderError(
            f"{path}: 경로가 없습니다. 제출물 폴더나 .py/.ipynb 파일을 지정하세요 / "
            f"path does not exist; give the submission folder or a .py/.ipynb file")
    if path.is_file():
        if path.suffix not in (".py", ".ipynb"):
            raise GraderError(f"{path}: .py 또는 .ipynb 파일이어야 합니다 / expected a .py or "
                              f".ipynb file")
        return path
    nested = path / "exercises" / assignment.name
    if not _has_modules(path, assignment) and nested.is_dir():
        return nested
    return path


def _has_modules(folder: Path, assignment: Assignment) -> bool:
    return any((folder / f"{m}{ext}").is_file() for m in assignment.modules
               for ext in (".py", ".ipynb"))


def notebook_source(path: Path) -> str:
    """The code cells of a notebook as one module; IPython magics are commented out."""
    try:
        nb = json.loads(path.read_bytes().decode("utf-8"))
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
        raise _Unreadable(f"{path.name}: UTF-8이 아닙니다 / is not valid UTF-8 ({exc.reason} at "
                          f"byte {exc.start})") from None
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise _Unreadable(f"{path.name}: 노트북 형식이 아닙니다 / is not a valid notebook "
                          f"({type(exc).__name__})") from None
    return "\n\n".join(sources) + "\n"


class _Unreadable(Exception):
    pass


def _broken_module(reason: str) -> str:
    # The worker reports this at import like any other import error, with the reason.
    return f"raise ImportError({reason!r})\n"


def stage(path: Path, course: Course, assignment: Assignment) -> Staged:
    """Copy the submission's modules into a new private folder."""
    source = locate(path.resolve(), course, assignment)
    root = scratch.make_dir("submission")
    folder = root / "submission"
    folder.mkdir()
    staged = Staged(folder, source)
    files = [source] if source.is_file() else sorted(
        p for p in source.iterdir() if p.suffix in (".py", ".ipynb") and p.is_file())
    if len(files) > MAX_FILES:
        files = files[:MAX_FILES]
        staged.notes.append(f"파일이 너무 많아 처음 {MAX_FILES}개만 사용 / only the first "
                            f"{MAX_FILES} files were used")
    for file in files:
        target = folder / f"{file.stem}.py"
        if file.suffix == ".ipynb" and target.exists():
            continue  # a module's .py wins over a notebook of the same name
        if not file.stem.isidentifier():
            continue
        try:
            if file.stat().st_size > MAX_FILE_BYTES:
                raise _Unreadable(f"{file.name}: 파일이 너무 큽니다 / file is too large")
            if file.suffix == ".ipynb":
                text = notebook_source(file)
            else:
                raw = file.read_bytes()
                try:
                    text = raw.decode("utf-8")
                except UnicodeDecodeError as exc:
                    raise _Unreadable(
                        f"{file.name}: UTF-8이 아닙니다. 파일을 UTF-8로 저장하세요 / is not valid "
                        f"UTF-8; save the file as UTF-8 ({exc.reason} at byte {exc.start})") \
                        from None
        except _Unreadable as exc:
            text = _broken_module(str(exc))
            staged.notes.append(str(exc))
        target.write_text(text, encoding="utf-8")
    if not any((folder / f"{m}.py").exists() for m in assignment.modules):
        staged.notes.append(
            f"{source}: 과제 {assignment.name}의 모듈({', '.join(m + '.py' for m in assignment.modules)})"
            f"이 하나도 없습니다 / none of the assignment's modules were found "
            f"({', '.join(m + '.py' for m in assignment.modules)})")
    return staged
