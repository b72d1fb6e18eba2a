"""Student stubs generated from the reference solutions with nbgrader's own solution clearing.

참조 해답에서 학생용 스텁을 만든다 — nbgrader의 ClearSolutions 전처리기를 그대로 쓴다.

A solution module marks the body of every graded function with nbgrader's markers::

    def sigmoid(z):
        \"\"\"docstring (kept)\"\"\"
        ### BEGIN SOLUTION
        ...
        ### END SOLUTION

``make_stub`` wraps the whole module in one notebook code cell marked as a solution cell and
runs ``nbgrader.preprocessors.ClearSolutions`` on it, so each region becomes nbgrader's Python
stub (``# YOUR CODE HERE`` / ``raise NotImplementedError()``) at the region's indentation, and
everything outside the regions (imports, signatures, docstrings, given code) is kept as is.
Reusing nbgrader rather than a regex keeps the stubs identical to what
``nbgrader generate_assignment`` would produce for the same source.

nbgrader is an optional dependency (the ``authoring`` extra) and is imported only when a stub is
made: grading never needs it.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from grader.errors import GraderError

BEGIN_SOLUTION = "BEGIN SOLUTION"
END_SOLUTION = "END SOLUTION"


def _nbgrader() -> tuple[Any, Any]:
    """Import nbformat and ClearSolutions lazily; a missing install is a clear GraderError."""
    try:
        import nbformat
        from nbgrader.preprocessors import ClearSolutions
    except ImportError as exc:
        raise GraderError(
            "스텁을 만들려면 nbgrader가 필요합니다: pip install 'grader[authoring]' 를 실행하세요"
            f" ({exc}). / Generating stubs needs nbgrader: run pip install 'grader[authoring]'"
            f" ({exc})."
        ) from exc
    return nbformat, ClearSolutions


def make_stub(source: str, *, name: str = "<source>") -> str:
    """Return ``source`` with every solution region replaced by nbgrader's Python stub.

    ``name`` only labels error messages. Raises ``GraderError`` when nbgrader is missing, when
    ``source`` has no solution region (the stub would give the whole answer away, or nbgrader
    would replace the whole module), or when a region is nested or not closed.
    """
    if BEGIN_SOLUTION not in source:
        raise GraderError(
            f"{name}: '### {BEGIN_SOLUTION}' 구역이 없습니다 — 채점 대상 함수의 본문을"
            f" '### {BEGIN_SOLUTION}' / '### {END_SOLUTION}'로 감싸세요. / {name}: no"
            f" '### {BEGIN_SOLUTION}' region — wrap the body of every graded function in"
            f" '### {BEGIN_SOLUTION}' / '### {END_SOLUTION}'."
        )
    nbformat, clear_solutions = _nbgrader()
    cell = nbformat.v4.new_code_cell(
        source,
        # A solution cell, as nbgrader requires for cells with solution regions.
        metadata={
            "nbgrader": {
                "solution": True,
                "grade": False,
                "locked": False,
                "grade_id": "module",
                "schema_version": 3,
            }
        },
    )
    notebook = nbformat.v4.new_notebook(
        cells=[cell],
        metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
        },
    )
    try:
        notebook, _ = clear_solutions().preprocess(notebook, {})
    except RuntimeError as exc:  # nested or unterminated region
        raise GraderError(
            f"{name}: 해답 구역 표시가 잘못되었습니다 ({exc}). / {name}: malformed solution"
            f" region ({exc})."
        ) from exc
    stub: str = notebook.cells[0].source
    if BEGIN_SOLUTION in stub or END_SOLUTION in stub:  # cannot happen with nbgrader's rules
        raise GraderError(f"{name}: 해답 구역이 남았습니다 / a solution region is left over")
    return stub


def _module_path(folder: Path, module: str) -> Path:
    if not module.isidentifier():
        raise GraderError(
            f"모듈 이름이 올바르지 않습니다: {module!r} / not a valid module name: {module!r}"
        )
    return folder / f"{module}.py"


def _read_solution(solutions_dir: Path, module: str) -> tuple[Path, str]:
    path = _module_path(solutions_dir, module)
    if not path.is_file():
        raise GraderError(f"해답 파일이 없습니다: {path} / solution file not found: {path}")
    # Universal newlines: a CRLF checkout on Windows gives the same stub as on Linux.
    return path, path.read_text(encoding="utf-8")


def write_stubs(solutions_dir: Path, exercises_dir: Path, modules: Iterable[str]) -> list[Path]:
    """Generate ``exercises_dir/<module>.py`` from ``solutions_dir/<module>.py`` for each module.

    All stubs are made before any is written, so an error leaves the exercises untouched. A
    stub whose content is already current is not rewritten (its timestamp stays). Files are
    written as UTF-8 with ``\\n`` line endings on every platform. Returns the stub paths, in the
    order of ``modules``.
    """
    solutions_dir, exercises_dir = Path(solutions_dir), Path(exercises_dir)
    stubs: list[tuple[Path, str]] = []
    for module in modules:
        path, source = _read_solution(solutions_dir, module)
        stubs.append((_module_path(exercises_dir, module), make_stub(source, name=str(path))))
    for target, stub in stubs:
        if _read_or_none(target) == stub:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(stub.encode("utf-8"))
    return [target for target, _ in stubs]


def stub_differences(solutions_dir: Path, exercises_dir: Path, modules: Iterable[str]) -> list[str]:
    """The modules whose checked-in stub is missing or differs from what ``write_stubs`` makes.

    An empty list means the exercises are up to date; otherwise run ``grader stubs``.
    """
    solutions_dir, exercises_dir = Path(solutions_dir), Path(exercises_dir)
    stale: list[str] = []
    for module in modules:
        path, source = _read_solution(solutions_dir, module)
        current = _read_or_none(_module_path(exercises_dir, module))
        if current != make_stub(source, name=str(path)):
            stale.append(module)
    return stale


def _read_or_none(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
