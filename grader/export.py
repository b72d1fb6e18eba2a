"""``grader export --nbgrader-db URL REPORTS``: a graded batch into an nbgrader gradebook.

채점 결과 폴더를 nbgrader 성적부(gradebook)에 nbgrader 자신의 API로 쓴다. 그러면
``nbgrader export``와 formgrader가 그 점수를 그대로 보여 준다.

The gradebook gets, through ``nbgrader.api.Gradebook`` (never by writing its tables directly):

- the assignment (the reports' ``assignment``), one notebook per module and, in each, one
  autograded grade cell per graded function, named ``test_<function>`` with the function's points
  as ``max_score`` — the same names ``grader release --notebooks`` gives its test cells;
- one student per report (``submission.id``; the name, when given, as first/last name) and their
  submission, stamped with ``submission.graded_at``;
- each function's score as the ``auto_score`` of its grade cell.

Rerunning updates what is there (a regraded submission replaces its scores). REPORTS is the
folder ``grader grade`` writes (``REPORTS/reports/<id>.json``: the ``grader.result/v1`` JSON with
a ``submission`` object) or a plain folder of result JSON files (the student id is then the file
name). Reports are read as plain JSON and checked field by field; a bad one is an error naming the
file and the field, and nothing is written.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import math
import os
import re
import sys
import sysconfig
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grader.errors import GraderError
from grader.result import SCHEMA

MAX_REPORT_BYTES = 16 << 20
_STUDENT_ID = re.compile(r"^[^\s/\\]{1,128}$")


@dataclass
class GradedSubmission:
    """What the gradebook needs of one report."""

    student_id: str
    name: str
    graded_at: dt.datetime | None
    scores: dict[str, float]  # "module.function" -> points
    source: Path
    failed: bool = False  # the grader itself failed on it (`grader grade`'s status "error")


@dataclass
class Batch:
    assignment: str
    max_scores: dict[str, float] = field(default_factory=dict)  # "module.function" -> points
    submissions: list[GradedSubmission] = field(default_factory=list)
    # Submissions the grader failed on: left out, never exported as 0 (like Canvas's blank).
    skipped: list[GradedSubmission] = field(default_factory=list)


def _bad(path: Path, what: str) -> GraderError:
    return GraderError(f"{path}: 채점 결과 형식이 아닙니다 — {what} / not a grader result: {what}")


def _number(value: Any, path: Path, key: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise _bad(path, f"'{key}'는 숫자여야 합니다 / '{key}' must be a number, not {value!r}")
    return float(value)


def _text(value: Any, path: Path, key: str) -> str:
    if not isinstance(value, str) or not value:
        raise _bad(path, f"'{key}'는 문자열이어야 합니다 / '{key}' must be a non-empty string")
    return value


def _timestamp(value: Any, path: Path) -> dt.datetime | None:
    if value in (None, ""):
        return None
    try:
        when = dt.datetime.fromisoformat(_text(value, path, "submission.graded_at")
                                         .replace("Z", "+00:00"))
    except ValueError:
        raise _bad(path, f"'submission.graded_at'은 ISO 8601 시각이어야 합니다 / must be an ISO 8601 "
                         f"time, not {value!r}") from None
    # nbgrader stores naive UTC times.
    return when.astimezone(dt.timezone.utc).replace(tzinfo=None) if when.tzinfo else when


def read_report(path: Path) -> tuple[str, GradedSubmission, dict[str, float]]:
    """One result file: (assignment, the submission, max points per function)."""
    if path.stat().st_size > MAX_REPORT_BYTES:
        raise _bad(path, "파일이 너무 큽니다 / file too large")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _bad(path, f"JSON이 아닙니다 / not JSON ({exc})") from None
    if not isinstance(data, dict):
        raise _bad(path, "JSON 객체가 아닙니다 / not a JSON object")
    if data.get("schema") != SCHEMA:
        raise _bad(path, f"'schema'가 {SCHEMA!r}가 아닙니다 / 'schema' is not {SCHEMA!r}")
    assignment = _text(data.get("assignment"), path, "assignment")
    functions = data.get("functions")
    if not isinstance(functions, list):
        raise _bad(path, "'functions'는 목록이어야 합니다 / 'functions' must be a list")
    scores: dict[str, float] = {}
    maxima: dict[str, float] = {}
    for i, f in enumerate(functions):
        if not isinstance(f, dict):
            raise _bad(path, f"functions[{i}] is not an object")
        name = _text(f.get("name"), path, f"functions[{i}].name")
        if not re.fullmatch(r"[A-Za-z_]\w*\.[A-Za-z_]\w*", name):
            raise _bad(path, f"functions[{i}].name {name!r}는 'module.function'이 아닙니다 / is "
                             f"not 'module.function'")
        score = _number(f.get("score"), path, f"functions[{i}].score")
        maximum = _number(f.get("max_score"), path, f"functions[{i}].max_score")
        if not 0 <= score <= maximum:
            raise _bad(path, f"functions[{i}]: 0 <= score <= max_score가 아닙니다 / score "
                             f"{score:g} is not between 0 and max_score {maximum:g}")
        scores[name], maxima[name] = score, maximum
    submission = data.get("submission")
    failed = False
    if submission is None:  # a plain result file: the file name is the student id
        student_id, name, when = path.stem, "", None
    elif isinstance(submission, dict):
        # The roster's student id when `grader grade` had one, else the submission's own id.
        student_id = _text(submission.get("student_id") or submission.get("id"), path,
                           "submission.id")
        failed = submission.get("status") == "error"
        name = submission.get("name") or ""
        if not isinstance(name, str):
            raise _bad(path, "'submission.name' must be a string")
        when = _timestamp(submission.get("graded_at"), path)
    else:
        raise _bad(path, "'submission'은 객체여야 합니다 / 'submission' must be an object")
    if not _STUDENT_ID.match(student_id):
        raise _bad(path, f"학생 ID {student_id!r}에 공백이나 '/'가 있습니다 / student id "
                         f"{student_id!r} has spaces or slashes (or is too long)")
    return (assignment, GradedSubmission(student_id, name.strip(), when, scores, path, failed),
            maxima)


def read_batch(folder: Path) -> Batch:
    """Every report of a batch folder (``folder/reports/*.json``, else ``folder/*.json``)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise GraderError(f"{folder}: 폴더가 없습니다 / no such folder")
    reports = folder / "reports"
    files = sorted((reports if reports.is_dir() else folder).glob("*.json"))
    files = [f for f in files if f.is_file() and not f.is_symlink()]
    if not files:
        raise GraderError(f"{folder}: 채점 결과(JSON)가 없습니다 / no result JSON files (expected "
                          f"{folder}/reports/<id>.json from `grader grade`, or result files)")
    batch: Batch | None = None
    seen: dict[str, Path] = {}
    for path in files:
        assignment, submission, maxima = read_report(path)
        if batch is None:
            batch = Batch(assignment)
        if assignment != batch.assignment:
            raise _bad(path, f"과제 {assignment!r}가 다른 결과({batch.assignment!r})와 다릅니다 / "
                             f"assignment {assignment!r} differs from {batch.assignment!r}")
        for name, maximum in maxima.items():
            if batch.max_scores.setdefault(name, maximum) != maximum:
                raise _bad(path, f"{name}의 배점 {maximum:g}이(가) 다른 결과와 다릅니다 / max_score "
                                 f"{maximum:g} of {name} differs from other reports "
                                 f"({batch.max_scores[name]:g})")
        if submission.student_id in seen:
            raise _bad(path, f"학생 {submission.student_id}의 결과가 {seen[submission.student_id]}"
                             f"에도 있습니다 / student {submission.student_id} also in "
                             f"{seen[submission.student_id]}")
        seen[submission.student_id] = path
        (batch.skipped if submission.failed else batch.submissions).append(submission)
    assert batch is not None
    return batch


def grade_cell(function: str) -> str:
    """The nbgrader grade cell of a graded function (``test_sigmoid``), in its module's
    notebook."""
    return f"test_{function}"


def _split_name(name: str) -> dict[str, str]:
    if not name:
        return {}
    parts = name.split()
    if len(parts) == 1:
        return {"last_name": parts[0]}
    return {"first_name": " ".join(parts[:-1]), "last_name": parts[-1]}


def _gradebook_class() -> Any:
    try:
        from nbgrader.api import Gradebook
    except ImportError:
        raise GraderError("nbgrader가 없습니다: pip install 'grader[authoring]' / nbgrader is not "
                          "installed: install the 'authoring' extra") from None
    return Gradebook


@contextlib.contextmanager
def _scripts_on_path() -> Iterator[None]:
    """nbgrader runs the ``alembic`` command to stamp a new gradebook: find it beside this
    Python (a virtual environment used without activating it)."""
    saved = os.environ.get("PATH")
    os.environ["PATH"] = os.pathsep.join(
        p for p in (sysconfig.get_path("scripts"), str(Path(sys.executable).parent), saved) if p)
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop("PATH", None)
        else:
            os.environ["PATH"] = saved


def write_gradebook(batch: Batch, db_url: str) -> int:
    """Write the batch into the gradebook at ``db_url``; return the number of submissions."""
    Gradebook = _gradebook_class()
    modules: dict[str, dict[str, float]] = {}
    for name, maximum in batch.max_scores.items():
        module, function = name.split(".", 1)
        modules.setdefault(module, {})[function] = maximum
    try:
        with _scripts_on_path():
            gb_context = Gradebook(db_url)
    except Exception as exc:  # sqlalchemy's errors: a bad URL, an unreachable server
        raise GraderError(f"--nbgrader-db {db_url}: 성적부를 열 수 없습니다 / cannot open the "
                          f"gradebook ({type(exc).__name__}: {exc})") from None
    with gb_context as gb:
        gb.update_or_create_assignment(batch.assignment)
        for module, functions in modules.items():
            gb.update_or_create_notebook(module, batch.assignment)
            for function, maximum in functions.items():
                gb.update_or_create_grade_cell(grade_cell(function), module, batch.assignment,
                                               max_score=maximum, cell_type="code")
        for sub in batch.submissions:
            gb.update_or_create_student(sub.student_id, **_split_name(sub.name))
            extra = {"timestamp": sub.graded_at} if sub.graded_at is not None else {}
            gb.update_or_create_submission(batch.assignment, sub.student_id, **extra)
            for name in batch.max_scores:
                module, function = name.split(".", 1)
                try:
                    grade = gb.find_grade(grade_cell(function), module, batch.assignment,
                                          sub.student_id)
                except Exception as exc:  # nbgrader's MissingEntry: a cell added after the
                    # submission was first written; nbgrader creates grades with submissions only
                    raise GraderError(
                        f"{sub.source}: 성적부에 {module}/{grade_cell(function)} 성적이 없습니다 — "
                        f"이 과제를 성적부에서 지우고 다시 내보내세요 / the gradebook has no grade "
                        f"for {module}/{grade_cell(function)} of {sub.student_id} (the cell is "
                        f"newer than the submission): remove the assignment from the gradebook "
                        f"and export again ({type(exc).__name__})") from None
                # A function the report did not grade (one module checked) earned nothing.
                grade.auto_score = sub.scores.get(name, 0.0)
        gb.db.commit()
    return len(batch.submissions)
