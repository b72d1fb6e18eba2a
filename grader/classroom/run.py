"""A class graded into one resumable output folder.

반 전체를 채점해 출력 폴더 하나에 쓴다. 중단되어도 끝난 채점은 남고, 다시 실행하면 바뀐 것만 채점한다.

Layout of ``OUT``::

    OUT/batch.json             the run's seed, assignment, course hash (a rerun reuses the seed)
    OUT/reports/<id>.json      grader.result/v1 + "submission" (written atomically as each ends)
    OUT/reports/<id>.<ext>     every --format (txt, md, xml), student-facing
    OUT/gradebook.csv          rebuilt from the reports at the end of every run
    OUT/summary.txt, summary.json
    OUT/canvas.csv             with --canvas-assignment "TITLE (ID)"

A report is up to date when its submission's content hash, the course's (or bundle's) hash and
the seed are those of this run and it is not an ``error``; everything else is graded.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grader.classroom import summary
from grader.classroom.entries import Entry, class_entries
from grader.classroom.progress import Progress
from grader.classroom.roster import Student, student_for
from grader.classroom.task import CourseRef, Job, failed_report, read_job
from grader.course.config import Course
from grader.errors import GraderError
from grader.lms import gradebooks as gradebook
from grader.messages import Msg
from grader.report import formats as report_formats
from grader.report import write_atomically
from grader.report.formats import CLASS_FORMATS, FORMATS
from grader.result import Result

BATCH_FILE = "batch.json"
FORMAT_EXTENSIONS = {name: FORMATS[name].suffix for name in CLASS_FORMATS}


@dataclass
class Batch:
    """What a run did: counts and the paths it wrote."""

    seed: int
    total: int = 0
    graded: int = 0
    up_to_date: int = 0
    notes: list[Msg] = field(default_factory=list)  # ``note.render(lang)``
    summary: dict[str, Any] = field(default_factory=dict)
    summary_text: str = ""
    interrupted: bool = False


def batch_seed(out: Path, seed: int | None) -> int:
    """``--seed``, else the seed recorded by an earlier run in ``OUT`` (so a rerun resumes), else a
    new one."""
    if seed is not None:
        return seed
    try:
        recorded = json.loads((out / BATCH_FILE).read_text(encoding="utf-8")).get("seed")
    except (OSError, ValueError, AttributeError):
        recorded = None
    return recorded if isinstance(recorded, int) else secrets.randbelow(2**31)


def load_report(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and isinstance(data.get("submission"), dict) else None


def _up_to_date(report: dict[str, Any] | None, job: Job, ref: CourseRef, seed: int) -> bool:
    if report is None:
        return False
    sub = report["submission"]
    return (sub.get("content_sha256") == job.content_sha256 and sub.get("seed") == seed
            and sub.get("course_sha256") == ref.course_sha256 and sub.get("status") != "error")


def write_report(out: Path, report: dict[str, Any], formats: Sequence[str], course: Course, *,
                 with_json: bool = True, lang: str | None = None) -> None:
    """The other formats first, the JSON report last: resuming trusts the JSON, so a run killed in
    between grades that submission again and nothing is left half-written."""
    ident = report["submission"]["id"]
    folder = out / "reports"
    for fmt in formats:
        if fmt in FORMAT_EXTENSIONS:
            write_atomically(folder / f"{ident}.{FORMAT_EXTENSIONS[fmt]}",
                             render(report, fmt, course, lang))
    if with_json:
        write_atomically(folder / f"{ident}.json",
                         json.dumps(report, ensure_ascii=False, indent=2) + "\n")


def render(report: dict[str, Any], fmt: str, course: Course, lang: str | None = None) -> str:
    """A per-student report in another format, as a student may see it (course feedback), in
    ``lang`` (``grade --lang``; default: the report's language)."""
    from grader.report import feedback

    result = feedback.apply(Result.from_json(report), course.feedback.hidden_tests)
    result.language = lang or result.language
    return report_formats.render(fmt, result, course)


def _refresh_identity(report: dict[str, Any], job: Job, unlisted: bool) -> bool:
    """A roster edit changes names, not grades: update the report without grading again."""
    sub = report["submission"]
    new = {"name": job.name, "student_id": job.student_id, "section": job.section, "path": job.path,
           "unlisted": unlisted}
    if all(sub.get(k) == v for k, v in new.items()):
        return False
    sub.update(new)
    return True


Runner = Callable[[list[Job], Callable[[Job, "dict[str, Any] | None", "Msg | str"], None]], None]


def grade_class(submissions: Path, out: Path, *, course: Course, ref: CourseRef, seed: int,
                runner: Runner, roster: dict[str, Student] | None = None, force: bool = False,
                formats: Sequence[str] = (), canvas_assignment: str | None = None,
                progress: bool | None = None, lang: str = "both",
                include_unlisted: bool = False) -> Batch:
    """Grade every entry of ``submissions`` that is not up to date into ``out``; rebuild the
    gradebook, summary and Canvas CSV from all the class's reports (also after an interruption).
    ``lang``: the language of the summary (``summary.txt``, ``summary_text``) and the progress bar.
    With a roster, an entry not on it is graded and flagged (``submission.unlisted``) but left out
    of ``canvas.csv`` (and of ``grader export``) unless ``include_unlisted``."""
    a = course.assignment(ref.assignment)
    column = gradebook.canvas_column(canvas_assignment) if canvas_assignment else None
    entries, notes = class_entries(submissions)
    if not entries:
        raise GraderError(Msg("run.no_submissions", folder=str(submissions)))
    batch = Batch(seed=seed, total=len(entries), notes=list(notes))
    (out / "reports").mkdir(parents=True, exist_ok=True)
    write_atomically(out / BATCH_FILE, json.dumps(
        {"seed": seed, "assignment": a.name, "course_sha256": ref.course_sha256,
         "submissions": str(submissions)}, ensure_ascii=False, indent=2) + "\n")

    by_id: dict[str, Entry] = {e.id: e for e in entries}
    students: dict[str, Student] = {}
    todo: list[Job] = []
    unlisted: set[str] = set()
    for entry in entries:
        student = student_for(roster, entry.name, entry.stem, entry.id) if roster else None
        if student is not None:
            students[entry.id] = student
        elif roster is not None:
            unlisted.add(entry.id)
            batch.notes.append(Msg("run.not_on_roster_left_out" if not include_unlisted
                                   else "run.not_on_roster", name=entry.name))
        job = read_job(entry.id, entry.path, student.name if student and student.name else entry.name,
                       a, student_id=student.student_id if student else "",
                       section=student.section if student else "")
        existing = None if force else load_report(out / "reports" / f"{entry.id}.json")
        if _up_to_date(existing, job, ref, seed):
            assert existing is not None
            batch.up_to_date += 1
            unrendered = any(not (out / "reports" / f"{entry.id}.{FORMAT_EXTENSIONS[f]}").exists()
                         for f in formats)
            if _refresh_identity(existing, job, entry.id in unlisted):  # names, not grades
                write_report(out, existing, formats, course, lang=lang)
            elif unrendered:  # a --format asked for later
                write_report(out, existing, formats, course, with_json=False, lang=lang)
            continue
        todo.append(job)
    if roster is not None:
        matched = {(s.student_id) for s in students.values()}
        absent = sorted(s.student_id for s in roster.values() if s.student_id not in matched)
        if absent:
            batch.notes.append(Msg("run.absent", count=len(absent), ids=", ".join(absent)))

    def done(job: Job, report: dict[str, Any] | None, failure: Msg | str) -> None:
        if report is None:
            report = failed_report(ref, a, job, seed, failure, 0.0)
        # Not on the roster: flagged, so that no LMS import takes its folder name for a student.
        report["submission"]["unlisted"] = job.id in unlisted
        write_report(out, report, formats, course, lang=lang)
        batch.graded += 1
        bar.advance()

    try:
        with Progress(len(todo), progress, lang) as bar:
            if todo:
                runner(todo, done)
    except KeyboardInterrupt:
        batch.interrupted = True
    finally:
        reports = [r for r in (load_report(out / "reports" / f"{i}.json") for i in by_id)
                   if r is not None]
        reports.sort(key=lambda r: r["submission"]["id"])
        write_atomically(out / "gradebook.csv", gradebook.gradebook_csv(reports, list(a.functions)))
        if column is not None:
            write_atomically(out / "canvas.csv", gradebook.canvas_csv(
                reports, column, students, include_unlisted=include_unlisted))
        batch.summary = summary.summarise(reports, a.functions,
                                          not_graded=len(entries) - len(reports))
        batch.summary_text = summary.render(batch.summary, lang)
        write_atomically(out / "summary.json",
                         json.dumps(batch.summary, ensure_ascii=False, indent=2) + "\n")
        write_atomically(out / "summary.txt", batch.summary_text)
    return batch
