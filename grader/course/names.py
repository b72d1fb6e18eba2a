"""course.yaml's module and function names, checked against the code that defines them.

과목 파일의 모듈·함수 이름을 참조 해답(없으면 스텁)과 대조한다. 철자가 틀린 이름은 모든 명령이
"혹시 …?"와 함께 거부하고, 해답 영역이 있는데 채점되지 않는 참조 함수는 알린다.

A misspelt name in course.yaml (``sigmoud: 3``) would otherwise grade every submission as
missing that function and silently drop the real function's tests. The names are read with
``ast`` (the code is never imported). The reference, ``solutions/<a>/<module>.py``, is the
authority; in a student tree (no ``solutions/``) the stubs in ``exercises/<a>/`` stand in for it;
an assignment with neither (a public bundle) has nothing to compare against.
"""

from __future__ import annotations

import ast
import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from grader.course.config import Course
from grader.errors import GraderError
from grader.messages import Msg

# The marker of a graded body (nbgrader's, as ``grader stubs`` uses it).
_SOLUTION_MARK = "BEGIN SOLUTION"


@dataclass(frozen=True)
class _Module:
    functions: set[str]  # top-level function names
    with_solution: set[str]  # those whose body holds a solution region


def _read_module(path: Path) -> _Module | None:
    """The module's top-level functions, or None when it cannot be read or parsed (the
    commands that need it say why)."""
    try:
        source = path.read_text(encoding="utf-8")
        tree = ast.parse(source)
    except (OSError, UnicodeDecodeError, SyntaxError, ValueError):
        return None
    lines = source.splitlines()
    functions: set[str] = set()
    marked: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            functions.add(node.name)
            body = lines[node.lineno - 1:node.end_lineno or node.lineno]
            if any(_SOLUTION_MARK in line for line in body):
                marked.add(node.name)
    return _Module(functions, marked)


def did_you_mean(name: str, known: Iterable[str]) -> Msg | str:
    """``(did you mean 'x'?)`` for the closest known name, else ""."""
    close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.6)
    return Msg("course.did_you_mean", name=close[0]) if close else ""


def _join(lines: list[Msg]) -> Msg | str:
    joined: Msg | str = ""
    for line in lines:
        joined = Msg("course.names_line", first=joined, second=line)
    return joined


def check_names(course: Course) -> list[Msg]:
    """Raise ``GraderError`` naming every module or function of course.yaml that its code does
    not define (each with a did-you-mean); return a note for each reference function with a
    solution region that course.yaml does not grade."""
    wrong: list[Msg] = []
    ungraded: list[Msg] = []
    for a in course.assignments.values():
        reference = course.solutions_dir(a.name)
        folder = reference if reference.is_dir() else course.exercises_dir(a.name)
        present = sorted(p.stem for p in folder.glob("*.py")) if folder.is_dir() else []
        if not present:
            continue  # nothing to compare against (a public bundle, a course being started)
        for module, functions in a.exercises.items():
            path = folder / f"{module}.py"
            key = f"assignments.{a.name}.exercises.{module}"
            if not path.is_file():
                wrong.append(Msg("course.unknown_module", path=str(course.path), key=key,
                                 file=str(path), hint=did_you_mean(module, present)))
                continue
            found = _read_module(path)
            if found is None:
                continue  # unreadable or invalid Python: grading and validate say so
            for fn in functions:
                if fn not in found.functions:
                    wrong.append(Msg("course.unknown_function", path=str(course.path),
                                     key=f"{key}.{fn}", file=str(path),
                                     hint=did_you_mean(fn, found.functions - set(functions))))
            if folder == reference:
                ungraded.extend(
                    Msg("course.ungraded_function", path=str(course.path), file=str(path),
                        function=fn, key=key)
                    for fn in sorted(found.with_solution - set(functions)))
    if wrong:
        raise GraderError(Msg("course.unknown_names", names=_join(wrong)))
    return ungraded
