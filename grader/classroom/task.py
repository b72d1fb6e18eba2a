"""The per-submission task of class grading — the same in a local process and on Dask.

제출물 하나를 채점하는 작업. 로컬 작업 프로세스와 Dask 작업자에서 똑같이 실행된다.

The trusted side reads the entry with ``grader.intake.reader`` (links never followed, sizes bounded,
archives read in memory) into a ``Job``: the module folder's files as bytes and their hash. The
task writes exactly those bytes into a private folder and calls ``grader.grading.engine.grade`` on it —
the one grading code path, with its own fenced student worker — so what was hashed is what was
graded, and a Dask worker on another machine needs nothing but the job and the course.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

import grader
from grader import scratch
from grader.course.config import Assignment, Course, load_course
from grader.errors import GraderError
from grader.intake.reader import MODULE_SUFFIXES, read_submission, shown
from grader.messages import Msg, from_data, renamed, to_data
from grader.result import (
    FunctionResult,
    RefusedFile,
    Result,
    Submission,
    TestResult,
    Text,
)

if TYPE_CHECKING:
    from grader.grading.engine import Grader

STATUSES = ("graded", "missing", "error")


@dataclass
class Job:
    """One entry read as data, ready to grade anywhere."""

    id: str
    name: str  # the student's name (roster) or the entry's name
    path: str  # the entry in the class folder
    content_sha256: str
    files: dict[str, bytes] = field(default_factory=dict)  # module folder: name -> bytes
    single: str | None = None  # a module file given alone (its stem)
    refused: list[RefusedFile] = field(default_factory=list)
    notes: list[Text] = field(default_factory=list)  # intake's notes, as data
    student_id: str = ""
    section: str = ""
    error: str = ""  # reading failed: graded as an error without running anything


@dataclass(frozen=True)
class CourseRef:
    """Where a grading process finds the course: a folder on a shared disk, or a bundle's bytes
    (a Dask worker on another machine)."""

    assignment: str
    course_sha256: str
    root: str | None = None  # course.yaml's folder
    suites: tuple[str, ...] = ()
    bundle: bytes | None = None
    bundle_sha256: str = ""  # checked again where the bundle is opened
    bundle_note: str = ""  # the report's note naming the bundle
    bundle_note_data: dict[str, Any] = field(default_factory=dict)  # that note as data (Msg)


def utc_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def content_hash(files: dict[str, bytes], single: str | None, refused: Iterable[RefusedFile]) -> str:
    """SHA-256 of what intake read: every file's name and bytes, what was refused and why."""
    h = hashlib.sha256(b"grader.intake.staging/v1\0")
    for name in sorted(files):
        data = files[name]
        h.update(f"file\0{name}\0{len(data)}\0".encode())
        h.update(data)
    h.update(f"single\0{single or ''}\0".encode())
    for r in refused:
        h.update(f"refused\0{r.path}\0{r.reason}\0".encode())
    return h.hexdigest()


def course_hash(course: Course, assignment: str, suites: Iterable[Path] = ()) -> str:
    """SHA-256 of everything that decides a grade: course.yaml, the public and hidden suites, the
    reference, the mistakes, extra ``--suites`` and the grader's version."""
    h = hashlib.sha256(f"grader.course.config/v1\0{grader.__version__}\0".encode())
    h.update(course.path.read_bytes())
    roots = [course.exercises_dir(assignment) / "tests", course.solutions_dir(assignment),
             *(Path(s) for s in suites)]
    for i, root in enumerate(roots):
        if not root.is_dir():
            continue
        for path in sorted(root.rglob("*")):
            if "__pycache__" in path.parts or not path.is_file() or path.is_symlink():
                continue
            rel = path.relative_to(root).as_posix()
            h.update(f"{i}\0{rel}\0".encode())
            h.update(path.read_bytes())
    return h.hexdigest()


def read_job(entry_id: str, path: Path, name: str, a: Assignment, *, student_id: str = "",
             section: str = "") -> Job:
    """Read an entry with ``grader.intake.reader``; a reading failure becomes an ``error`` job."""
    job = Job(entry_id, name, str(path), "", student_id=student_id or entry_id, section=section)
    try:
        intake = read_submission(path, a.name, a.modules)
    except GraderError as exc:
        job.error = str(exc)
        job.content_sha256 = hashlib.sha256(f"error\0{exc}".encode()).hexdigest()
        return job
    job.files = dict(intake.files)
    job.single = intake.single
    job.refused = list(intake.refused)
    job.notes = [renamed(to_data(n), str(intake.source), shown(path.name))
                 for n in intake.notes]
    job.content_sha256 = content_hash(job.files, job.single, job.refused)
    return job


# ---- inside a grading process ------------------------------------------------------------------

_COURSES: dict[str, tuple[Course, tuple[Path, ...]]] = {}  # course_sha256 -> loaded course


def load(ref: CourseRef) -> tuple[Course, tuple[Path, ...]]:
    """The course of ``ref``, loaded (or unpacked from the bundle) once per process."""
    if ref.course_sha256 in _COURSES:
        return _COURSES[ref.course_sha256]
    if ref.bundle is not None:
        from grader.course.bundle import open_bundle

        folder = Path(tempfile.mkdtemp(prefix="grader-bundle-"))
        path = folder / "bundle.zip"
        path.write_bytes(ref.bundle)
        try:
            opened = open_bundle(path, ref.bundle_sha256 or None)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        loaded: tuple[Course, tuple[Path, ...]] = (opened.course, ())
    else:
        loaded = (load_course(Path(ref.root or ".")), tuple(Path(s) for s in ref.suites))
    _COURSES[ref.course_sha256] = loaded
    return loaded


def error_result(a: Assignment, seed: int, reason: Msg | str, course: Course | None = None,
                 duration: float = 0.0) -> Result:
    """A submission the grader itself failed on: every function ``error``, score 0, the reason
    first in the notes — listed, never skipped."""
    functions = [FunctionResult(name, 0.0, points, "error",
                                [TestResult("grading", 0.0, points, False, "public",
                                            reason=to_data(reason))])
                 for name, points in a.functions.items()]
    result = Result(assignment=a.name, score=0.0, max_score=a.max_score, seed=seed,
                    isolation="none", duration_s=round(duration, 3),
                    grader_version=grader.__version__, functions=functions,
                    limits=dict(course.limits.__dict__) if course is not None else {},
                    modules=list(a.modules))
    result.add_note(Msg("task.grader_failed", reason=reason))
    return result


def _missing_reason(job: Job, a: Assignment) -> Msg:
    from grader.intake.staging import refusal_reasons

    modules = ", ".join(m + ".py" for m in a.modules)
    why = (Msg("task.not_a_module", name=job.single)
           if job.single is not None and job.single not in a.modules
           # what intake refused (too many entries, an archive too large) is why none was found
           else refusal_reasons(job.refused) or Msg("task.no_module"))
    return Msg("task.missing", entry=Path(job.path).name, why=why, assignment=a.name,
               modules=modules)


#: ``grader.grading.engine.grade``'s signature: how a job's folder is graded.
GradeFn = Callable[..., Result]


def graded_by(grader: Grader) -> GradeFn:
    """A ``GradeFn`` grading in an open session (``grader.grading.engine.Grader``) of the same course,
    assignment, suites and isolation."""
    def grade(course: Course, assignment: str, submission: Path, *, seed: int,
              **_same: Any) -> Result:
        return grader.grade(submission, seed=seed)

    return grade


def grade_job(ref: CourseRef, job: Job, seed: int, isolation: str = "auto",
              grade: GradeFn | None = None) -> dict[str, Any]:
    """Grade one job with ``grade`` (``grader.grading.engine.grade`` unless given); always returns a
    report (JSON form)."""
    start = time.monotonic()
    course: Course | None = None
    a: Assignment | None = None
    status = "graded"
    try:
        from grader.intake.staging import explain_refusals

        if grade is None:
            from grader.grading.engine import grade as engine_grade

            grade = engine_grade

        course, suites = load(ref)
        a = course.assignment(ref.assignment)
        if job.error:
            raise GraderError(job.error)
        work = scratch.make_dir("class")
        try:
            folder = work / "submission"
            folder.mkdir()
            for name, data in job.files.items():
                # Intake only keeps '<identifier>.py|.ipynb' of one folder; checked again here.
                if Path(name).name != name or Path(name).suffix not in MODULE_SUFFIXES:
                    continue
                (folder / name).write_bytes(data)
            # A file given alone is graded as `grader check` grades it: by its own path (a
            # notebook named after its student stands for every module it defines).
            alone = [folder / n for n in job.files if Path(n).stem == job.single]
            target = alone[0] if job.single is not None and len(alone) == 1 else folder
            if target.suffix == ".py" and job.single not in a.modules:
                os.unlink(target)  # grades as "missing", with the reason below
                target = folder
            result = grade(course, a.name, target, seed=seed, isolation=isolation,
                           suites=list(suites) or None)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        result.refused = [*job.refused, *result.refused]
        explain_refusals(result.functions, job.refused)
        # Notes about the private copy speak of the entry instead.
        notes = [renamed(n, str(folder), Path(job.path).name) for n in result.notes]
        result.locations = {name: [renamed(str(at[0]), str(folder), Path(job.path).name),
                                   *at[1:]] for name, at in result.locations.items()}
        result.notes = [*job.notes, *notes]
        if ref.bundle_note:
            result.add_note(ref.bundle_note_data or ref.bundle_note)
        if result.functions and all(f.status == "missing" for f in result.functions):
            status = "missing"
            result.add_note(_missing_reason(job, a), at=0)
    except KeyboardInterrupt:
        raise
    except Exception as exc:  # the grader failed: an "error" report, never a skipped student
        if a is None:
            raise
        reason = str(exc) if isinstance(exc, GraderError) else f"{type(exc).__name__}: {exc}"
        result = error_result(a, seed, reason, course, time.monotonic() - start)
        if not isinstance(exc, GraderError):  # a grader bug: its traceback for the instructor
            from grader.grading import internal_error

            internal_error.add_notes(result, exc)
        status = "error"
    result.submission = Submission(
        id=job.id, name=job.name, path=job.path, content_sha256=job.content_sha256,
        graded_at=utc_now(), seed=seed, status=status, course_sha256=ref.course_sha256,
        student_id=job.student_id, section=job.section)
    return result.to_json()


def retry_reason(job: Job, report: dict[str, Any] | None, failure: Msg | str) -> Msg | str | None:
    """Why a job's grading is worth one more try in a fresh process: its grading process died,
    or the grader failed on it (an ``error`` report). None when it was graded, when the entry
    itself could not be read (the same again), or when it ran past the deadline (another try
    would only take as long)."""
    if job.error:
        return None
    if report is None:
        timed_out = isinstance(failure, Msg) and failure.key == "pool.too_long"
        return None if timed_out or not failure else failure
    if report.get("submission", {}).get("status") != "error":
        return None
    notes = report.get("notes") or []
    if not notes:
        return "error"
    return from_data(notes[0]) if isinstance(notes[0], dict) else str(notes[0])


def note_retry(report: dict[str, Any], first: Msg | str) -> None:
    """Say in a report (JSON form) that its first grading failed and why."""
    report.setdefault("notes", []).append(to_data(Msg("task.retried", reason=first)))


def failed_report(ref: CourseRef, a: Assignment, job: Job, seed: int, reason: Msg | str,
                  duration: float) -> dict[str, Any]:
    """The report of a job whose grading process died or ran past its deadline."""
    result = error_result(a, seed, reason, None, duration)
    result.submission = Submission(
        id=job.id, name=job.name, path=job.path, content_sha256=job.content_sha256,
        graded_at=utc_now(), seed=seed, status="error", course_sha256=ref.course_sha256,
        student_id=job.student_id, section=job.section)
    return result.to_json()
