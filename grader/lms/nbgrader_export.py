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
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grader.errors import GraderError
from grader.messages import Msg
from grader.result import READABLE, SCHEMA

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
    unlisted: bool = False  # graded with a roster that does not list it (its id is no student's)


@dataclass
class Batch:
    assignment: str
    max_scores: dict[str, float] = field(default_factory=dict)  # "module.function" -> points
    submissions: list[GradedSubmission] = field(default_factory=list)
    # Submissions the grader failed on: left out, never exported as 0 (like Canvas's blank).
    skipped: list[GradedSubmission] = field(default_factory=list)
    # Not on the roster `grader grade` had: left out unless asked (no nbgrader student made up).
    unlisted: list[GradedSubmission] = field(default_factory=list)


# The templates of this module's Msg keys (export.*): grader/locale/{ko,en}/LC_MESSAGES/grader.po.


def _bad(path: Path, why: Msg) -> GraderError:
    return GraderError(Msg("export.bad_report", path=str(path), why=why))


def _number(value: Any, path: Path, key: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise _bad(path, Msg("export.number", key=key, value=repr(value)))
    return float(value)


def _text(value: Any, path: Path, key: str) -> str:
    if not isinstance(value, str) or not value:
        raise _bad(path, Msg("export.text", key=key))
    return value


def _timestamp(value: Any, path: Path) -> dt.datetime | None:
    if value in (None, ""):
        return None
    try:
        when = dt.datetime.fromisoformat(_text(value, path, "submission.graded_at")
                                         .replace("Z", "+00:00"))
    except ValueError:
        raise _bad(path, Msg("export.timestamp", value=repr(value))) from None
    # nbgrader stores naive UTC times.
    return when.astimezone(dt.timezone.utc).replace(tzinfo=None) if when.tzinfo else when


def read_report(path: Path) -> tuple[str, GradedSubmission, dict[str, float]]:
    """One result file: (assignment, the submission, max points per function)."""
    if path.stat().st_size > MAX_REPORT_BYTES:
        raise _bad(path, Msg("export.too_large", mb=MAX_REPORT_BYTES >> 20))
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _bad(path, Msg("export.not_json", error=str(exc))) from None
    if not isinstance(data, dict):
        raise _bad(path, Msg("export.not_object"))
    if data.get("schema") not in READABLE:
        raise _bad(path, Msg("export.schema", schema=repr(SCHEMA), value=repr(data.get("schema"))))
    assignment = _text(data.get("assignment"), path, "assignment")
    functions = data.get("functions")
    if not isinstance(functions, list):
        raise _bad(path, Msg("export.functions_list"))
    scores: dict[str, float] = {}
    maxima: dict[str, float] = {}
    for i, f in enumerate(functions):
        if not isinstance(f, dict):
            raise _bad(path, Msg("export.function_object", index=i))
        name = _text(f.get("name"), path, f"functions[{i}].name")
        if not re.fullmatch(r"[A-Za-z_]\w*\.[A-Za-z_]\w*", name):
            raise _bad(path, Msg("export.function_name", index=i, name=repr(name)))
        score = _number(f.get("score"), path, f"functions[{i}].score")
        maximum = _number(f.get("max_score"), path, f"functions[{i}].max_score")
        if not 0 <= score <= maximum:
            raise _bad(path, Msg("export.score_range", index=i, score=f"{score:g}",
                                 maximum=f"{maximum:g}"))
        scores[name], maxima[name] = score, maximum
    submission = data.get("submission")
    failed = unlisted = False
    if submission is None:  # a plain result file: the file name is the student id
        student_id, name, when = path.stem, "", None
    elif isinstance(submission, dict):
        # The roster's student id when `grader grade` had one, else the submission's own id.
        student_id = _text(submission.get("student_id") or submission.get("id"), path,
                           "submission.id")
        failed = submission.get("status") == "error"
        unlisted = submission.get("unlisted") is True
        name = submission.get("name") or ""
        if not isinstance(name, str):
            raise _bad(path, Msg("export.name_string"))
        when = _timestamp(submission.get("graded_at"), path)
    else:
        raise _bad(path, Msg("export.submission_object"))
    if not _STUDENT_ID.match(student_id):
        raise _bad(path, Msg("export.student_id", student_id=repr(student_id)))
    return (assignment, GradedSubmission(student_id, name.strip(), when, scores, path, failed,
                                         unlisted), maxima)


def read_batch(folder: Path, include_unlisted: bool = False) -> Batch:
    """Every report of a batch folder (``folder/reports/*.json``, else ``folder/*.json``).
    ``include_unlisted``: also export submissions not on the roster they were graded with."""
    folder = Path(folder)
    if not folder.is_dir():
        raise GraderError(Msg("export.no_folder", folder=str(folder)))
    reports = folder / "reports"
    files = sorted((reports if reports.is_dir() else folder).glob("*.json"))
    files = [f for f in files if f.is_file() and not f.is_symlink()]
    if not files:
        raise GraderError(Msg("export.no_reports", folder=str(folder),
                              expected=f"{folder}/reports/<id>.json"))
    batch: Batch | None = None
    seen: dict[str, Path] = {}
    for path in files:
        assignment, submission, maxima = read_report(path)
        if batch is None:
            batch = Batch(assignment)
        if assignment != batch.assignment:
            raise _bad(path, Msg("export.assignment_differs", assignment=repr(assignment),
                                 other=repr(batch.assignment)))
        for name, maximum in maxima.items():
            if batch.max_scores.setdefault(name, maximum) != maximum:
                raise _bad(path, Msg("export.max_differs", name=name, maximum=f"{maximum:g}",
                                     other=f"{batch.max_scores[name]:g}"))
        if submission.student_id in seen:
            raise _bad(path, Msg("export.duplicate_student", student_id=submission.student_id,
                                 other=str(seen[submission.student_id])))
        seen[submission.student_id] = path
        if submission.failed:
            batch.skipped.append(submission)
        elif submission.unlisted and not include_unlisted:
            batch.unlisted.append(submission)
        else:
            batch.submissions.append(submission)
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
        raise GraderError(Msg("export.no_nbgrader")) from None
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
    # nbgrader's own API makes SQLAlchemy warn about its session's autoflush ("not in session,
    # add operation ... will not proceed"): nothing the instructor can act on, and the gradebook
    # is written right (tests/test_nbgrader_export.py reads it back with nbgrader).
    from sqlalchemy.exc import SAWarning

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=SAWarning, module=r"nbgrader\.")
        return _write_gradebook(Gradebook, batch, db_url)


def _write_gradebook(Gradebook: Any, batch: Batch, db_url: str) -> int:
    modules: dict[str, dict[str, float]] = {}
    for name, maximum in batch.max_scores.items():
        module, function = name.split(".", 1)
        modules.setdefault(module, {})[function] = maximum
    try:
        with _scripts_on_path():
            gb_context = Gradebook(db_url)
    except Exception as exc:  # sqlalchemy's errors: a bad URL, an unreachable server
        raise GraderError(Msg("export.cannot_open", url=db_url,
                              error=f"{type(exc).__name__}: {exc}")) from None
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
                    raise GraderError(Msg(
                        "export.missing_grade", source=str(sub.source),
                        cell=f"{module}/{grade_cell(function)}", student_id=sub.student_id,
                        error=type(exc).__name__)) from None
                # A function the report did not grade (one module checked) earned nothing.
                grade.auto_score = sub.scores.get(name, 0.0)
        gb.db.commit()
    return len(batch.submissions)
