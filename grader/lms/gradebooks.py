"""``gradebook.csv`` and Canvas's gradebook import CSV, rebuilt from the reports.

성적표 CSV와 Canvas 성적 가져오기 CSV. 언제나 보고서(OUT/reports/*.json)에서 다시 만든다.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from typing import Any

from grader.classroom.roster import Student
from grader.errors import GraderError
from grader.messages import Msg

FIXED_BEFORE = ["student_id", "name", "section", "submission_id", "total", "max"]
FIXED_AFTER = ["status", "seed", "duration_s", "content_sha256", "graded_at"]
# Canvas's importer: these exact headers, then "<assignment title> (<canvas assignment id>)".
CANVAS_COLUMNS = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
_CANVAS_TITLE = re.compile(r"^(?P<title>.*\S) \((?P<id>\d+)\)$")


def _points(x: float) -> str:
    return f"{x:g}"


def gradebook_csv(reports: Sequence[dict[str, Any]], functions: Sequence[str]) -> str:
    """One row per report: the student, total, max, points per function, status and provenance."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*FIXED_BEFORE, *functions, *FIXED_AFTER])
    for report in reports:
        sub = report["submission"]
        # Not graded (the grader failed): blank, not 0, as in canvas.csv.
        failed = sub.get("status") == "error"
        points = {} if failed else {f["name"]: f["score"] for f in report.get("functions", [])}
        writer.writerow([
            sub.get("student_id") or sub["id"], sub["name"], sub.get("section", ""), sub["id"],
            "" if failed else _points(report["score"]), _points(report["max_score"]),
            *(_points(points[f]) if f in points else "" for f in functions),
            sub.get("status", "graded"), sub["seed"], f"{report.get('duration_s', 0):.3f}",
            sub["content_sha256"], sub["graded_at"]])
    return out.getvalue()


def canvas_column(title_and_id: str) -> str:
    """Check ``"TITLE (ID)"`` (Canvas's assignment column: the title, then its numeric id)."""
    if not _CANVAS_TITLE.match(title_and_id.strip()):
        raise GraderError(Msg("gradebook.canvas_title", value=repr(title_and_id)))
    return title_and_id.strip()


def canvas_csv(reports: Sequence[dict[str, Any]], column: str,
               students: dict[str, Student], *, include_unlisted: bool = False) -> str:
    """Canvas's gradebook import: the student columns, a ``Points Possible`` row, then one row per
    student. ``students``: submission id -> roster entry. A submission the grader failed on
    (``error``) is left blank, not 0, so that no wrong grade is imported; one that is not on the
    roster (``unlisted``) is left out unless ``include_unlisted``: its folder name is no SIS id."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*CANVAS_COLUMNS, column])
    if reports:
        writer.writerow(["Points Possible", "", "", "", "", _points(reports[0]["max_score"])])
    for report in reports:
        sub = report["submission"]
        if sub.get("unlisted") and not include_unlisted:
            continue
        s = students.get(sub["id"])
        grade = "" if sub.get("status") == "error" else _points(report["score"])
        writer.writerow([sub["name"], s.canvas_id if s else "",
                         s.student_id if s else sub.get("student_id", sub["id"]),
                         s.sis_login_id if s else "", sub.get("section", ""), grade])
    return out.getvalue()
