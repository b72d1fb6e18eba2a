"""Student notebooks of a release, one per module, made through nbgrader's own preprocessors.

릴리스용 학생 노트북: 모듈마다 하나. 참조 해답을 셀로 나누고(설명, 읽기 전용 준비 코드, 채점 함수마다
해답 셀과 자동 채점 셀), nbgrader 셀 메타데이터를 붙인 다음 nbgrader의 전처리기(LockCells,
ClearSolutions, ClearHiddenTests, ClearOutput, ComputeChecksums, CheckCellMetadata)로
``### BEGIN SOLUTION`` 구역을 지운다. nbgrader의 메타데이터 검사기를 통과하므로 nbgrader 도구가
그대로 받아들인다.

Cells of a module's notebook:

- a markdown cell: the module's docstring and how to grade the notebook, then a locked
  ``%load_ext grader`` cell (``%grade`` in the notebook, ``grader.notebook``);
- read-only ``given_<n>`` cells: the reference's code outside graded functions (imports,
  constants, helpers) — locked, as nbgrader locks cells that are neither solution nor grade;
- per graded function: a solution cell ``<function>`` (its signature and docstring kept, the
  solution region replaced by nbgrader's stub) and a locked, autograded test cell
  ``test_<function>`` worth the function's points. ``grader export --nbgrader-db`` writes the
  function's score into that grade cell. The test cell only checks that the function exists:
  the grade comes from ``grader check`` with the hidden suites, as for ``.py`` submissions;
  then a locked ``%grade <function>`` cell: the student's check of that function, in place.

``grader check notebooks/<assignment>/<module>.ipynb`` grades the notebook (its code cells are
the module). The release refuses a notebook that still holds any reference body.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path
from typing import Any

from grader.course.authoring import BEGIN_SOLUTION, END_SOLUTION
from grader.course.config import Course
from grader.errors import GraderError
from grader.messages import Msg

FOLDER = "notebooks"
SCHEMA_VERSION = 3


def _nbgrader() -> tuple[Any, Any]:
    try:
        import nbformat
        from nbgrader import preprocessors
    except ImportError as exc:
        raise GraderError(Msg("notebooks.no_nbgrader", error=str(exc))) from None
    return nbformat, preprocessors


def _meta(grade_id: str, *, solution: bool = False, grade: bool = False, locked: bool = False,
          points: float | None = None) -> dict[str, Any]:
    meta: dict[str, Any] = {"grade": grade, "solution": solution, "locked": locked,
                            "grade_id": grade_id, "schema_version": SCHEMA_VERSION}
    if grade:
        meta["points"] = points
    return {"nbgrader": meta}


def _segments(source: str, graded: dict[str, float]) -> list[tuple[str, str | None, str]]:
    """The reference split into (kind, function, source): "doc" (the module docstring),
    "given" (code outside graded functions, consecutive statements together) and "solution"
    (one graded function, with the comments right above it)."""
    tree = ast.parse(source)
    lines = source.splitlines()
    segments: list[tuple[str, str | None, str]] = []
    body = list(tree.body)
    if (body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant)
            and isinstance(body[0].value.value, str)):
        segments.append(("doc", None, body[0].value.value))
        start = body[0].end_lineno or 1
        body = body[1:]
    else:
        start = 0
    given: list[str] = []
    for node in body:
        # Comments and blank lines between the previous statement and this one go with it.
        end = node.end_lineno or start
        # Indented comments after the last statement (``### END SOLUTION``) belong to it.
        j = end
        while j < len(lines) and (not lines[j].strip() or (
                lines[j][:1] in (" ", "\t") and lines[j].strip().startswith("#"))):
            j += 1
            if lines[j - 1].strip():
                end = j
        chunk = "\n".join(lines[start:end])
        start = end
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name in graded:
            if given:
                segments.append(("given", None, "\n".join(given).strip("\n")))
                given = []
            segments.append(("solution", node.name, chunk.strip("\n")))
        else:
            given.append(chunk)
    if given:
        segments.append(("given", None, "\n".join(given).strip("\n")))
    return segments


def _langs(lang: str) -> tuple[str, ...]:
    """A notebook for a mixed class ("both") says each thing in Korean, then in English."""
    return ("ko", "en") if lang == "both" else (lang,)


def build_notebook(reference: str, module: str, assignment: str,
                   graded: dict[str, float], lang: str = "both") -> Any:
    """The student notebook of one module (an ``nbformat`` node), solutions cleared; its own
    words in ``lang`` ("ko", "en" or "both")."""
    nbformat, pp = _nbgrader()
    cells = []
    given = 0
    for kind, function, text in _segments(reference, graded):
        if kind == "doc":
            how = Msg("notebooks.intro",
                      command=f"grader check {FOLDER}/{assignment}/{module}.ipynb")
            inline = Msg("notebooks.grade_cells")
            intro = (f"# {assignment} · `{module}`\n\n{text.strip()}\n\n---\n"
                     + "\n\n".join(how.render(one) + " " + inline.render(one)
                                     for one in _langs(lang)))
            cells.append(nbformat.v4.new_markdown_cell(intro))
            # %grade in this notebook (grader.notebook): the extension, loaded once.
            cells.append(nbformat.v4.new_code_cell(
                "%load_ext grader", metadata=_meta("load_grader", locked=True)))
        elif kind == "given":
            given += 1
            solution = BEGIN_SOLUTION in text  # a helper with a region: students write it too
            cells.append(nbformat.v4.new_code_cell(
                text, metadata=_meta(f"given_{given}", solution=solution, locked=not solution)))
        else:
            assert function is not None
            cells.append(nbformat.v4.new_code_cell(text, metadata=_meta(function, solution=True)))
            graded_cell = Msg("notebooks.graded_cell", points=f"{graded[function]:g}")
            cells.append(nbformat.v4.new_code_cell(
                "".join(f"# {graded_cell.render(one)}\n" for one in _langs(lang))
                + f"assert callable({function})",
                metadata=_meta(f"test_{function}", grade=True, locked=True,
                               points=graded[function])))
            cells.append(nbformat.v4.new_code_cell(
                f"%grade {function}", metadata=_meta(f"grade_{function}", locked=True)))
    nb = nbformat.v4.new_notebook(cells=cells, metadata={
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"}})
    resources: dict[str, Any] = {}
    # The order of nbgrader's generate_assignment.
    for step in (pp.LockCells(), pp.ClearSolutions(), pp.ClearOutput(), pp.ClearHiddenTests(),
                 pp.ClearMarkScheme(), pp.ComputeChecksums(), pp.CheckCellMetadata()):
        try:
            nb, resources = step.preprocess(nb, resources)
        except RuntimeError as exc:  # a nested or unterminated solution region
            raise GraderError(Msg("notebooks.malformed", module=module, error=str(exc))) \
                from None
    validate(nb)
    return nb


def validate(nb: Any) -> None:
    """nbgrader's own metadata validator (raises on a cell nbgrader would reject)."""
    from nbgrader.nbgraderformat import MetadataValidator, ValidationError

    try:
        MetadataValidator().validate_nb(nb)
    except ValidationError as exc:
        raise GraderError(Msg("notebooks.invalid_metadata", error=str(exc))) from None


def code_of(nb_text: str) -> str:
    """All code cells of a notebook's JSON text, joined (what a leak check reads)."""
    nb = json.loads(nb_text)
    return "\n".join("".join(c["source"]) if isinstance(c["source"], list) else c["source"]
                     for c in nb["cells"] if c.get("cell_type") == "code")


def write_notebooks(course: Course, assignment: str, out: Path, lang: str = "both") -> list[Path]:
    """``out/notebooks/<assignment>/<module>.ipynb`` for every module of the assignment."""
    nbformat, _ = _nbgrader()
    a = course.assignment(assignment)
    folder = out / FOLDER / a.name
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for module in a.modules:
        path = course.solutions_dir(a.name) / f"{module}.py"
        if not path.is_file():
            raise GraderError(Msg("notebooks.no_solution", path=str(path)))
        source = path.read_text(encoding="utf-8")
        if BEGIN_SOLUTION not in source or END_SOLUTION not in source:
            raise GraderError(Msg("notebooks.no_region", path=str(path)))
        nb = build_notebook(source, module, a.name, a.exercises[module], lang)
        target = folder / f"{module}.ipynb"
        target.write_text(nbformat.writes(nb) + "\n", encoding="utf-8")
        written.append(target)
    return written
