"""Which submission a ``grader check`` means, as a student means it.

학생이 뜻하는 대로 채점 대상을 정한다: 저장소 최상위에서 ``grader check activations.py``는
``exercises/<과제>/activations.py``를, 학생 폴더에서 ``--course``만 주면 지금 폴더를 채점한다.

- no PATH: the current folder when it lies outside the course and holds the assignment's work
  (one of its modules, a notebook, or ``exercises/<assignment>/``: a student's folder or
  checkout, the course given with ``--course``), or with a bundle; else the course's
  ``exercises/<assignment>/``;
- a relative PATH that does not exist where the command runs but does in the assignment's
  exercise folder (``activations.py`` from the repository's root) is that file.
"""

from __future__ import annotations

from pathlib import Path

from grader.course.config import Course


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _holds_work(folder: Path, course: Course, assignment: str) -> bool:
    modules = course.assignment(assignment).modules
    return (any((folder / f"{m}.py").is_file() for m in modules)
            or any(folder.glob("*.ipynb")) or (folder / "exercises" / assignment).is_dir())


def submission_target(path: Path | None, course: Course, assignment: str, *,
                      bundle: bool, cwd: Path | None = None) -> Path:
    """The file or folder to grade (see the module's docstring)."""
    here = (cwd or Path.cwd()).resolve()
    exercises = course.exercises_dir(assignment)
    if path is None:
        if bundle or (not _inside(here, course.root.resolve())
                       and _holds_work(here, course, assignment)):
            return here
        return exercises
    if not path.is_absolute() and not (here / path).exists() and (exercises / path).exists():
        return exercises / path
    return path
