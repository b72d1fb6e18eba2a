"""The same per-submission task on a Dask distributed cluster (``grader grade --dask ADDRESS``).

Dask 클러스터에서 같은 채점 작업을 실행한다. 결과는 도착하는 대로 같은 출력 폴더에 쓰인다.

Needs the optional extra ``dask`` (``pip install 'rokey-grader[dask]'``) here and on every worker. The
course travels as a bundle's bytes (scattered once to every worker), each submission as the bytes
intake read, so workers need no shared disk; each task grades inside its own fenced student
worker on the Dask worker's machine (bubblewrap or Landlock there; secure by default as
``grader check``). ``grader.grading.engine`` grades one submission at a time per process: start workers
with ``--nthreads 1`` and as many processes as cores (``--nworkers N``).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from grader.classroom.task import CourseRef, Job, failed_report, grade_job, load, note_retry, retry_reason
from grader.course.config import Course
from grader.errors import GraderError
from grader.messages import Msg


def _client(address: str) -> Any:
    try:
        from distributed import Client
    except ImportError:
        raise GraderError(Msg("dask.no_extra")) from None
    try:
        return Client(address, timeout="20s")
    except OSError as exc:
        raise GraderError(Msg("dask.unreachable", address=address, error=str(exc))) from None


def portable_ref(ref: CourseRef, course: Course) -> CourseRef:
    """A ``CourseRef`` a worker on another machine can use: the bundle's bytes (made here from
    the course folder unless grading with ``--bundle`` already)."""
    if ref.bundle is not None:
        return ref
    if ref.suites:
        raise GraderError(Msg("dask.no_suites"))
    from grader.course.bundle import make_bundle

    with tempfile.TemporaryDirectory(prefix="grader-dask-") as tmp:
        path = Path(tmp) / "bundle.zip"
        digest = make_bundle(course, ref.assignment, path, "full")
        data = path.read_bytes()
    return CourseRef(ref.assignment, ref.course_sha256, bundle=data, bundle_sha256=digest)


def _task(ref: CourseRef, job: Job, seed: int, isolation: str) -> dict[str, Any]:
    """``grade_job`` on a Dask worker: whatever escapes it (a BaseException would leave the task
    unfinished and the class waiting) becomes that student's error report."""
    try:
        return grade_job(ref, job, seed, isolation)
    except BaseException as exc:
        course, _ = load(ref)
        return failed_report(ref, course.assignment(ref.assignment), job, seed,
                             f"{type(exc).__name__}: {exc}", 0.0)


def dask_runner(address: str, ref: CourseRef, seed: int, isolation: str
                ) -> Callable[[list[Job], Callable[[Job, dict[str, Any] | None, Msg | str], None]], None]:
    """A runner for ``grade_class`` that grades on the cluster at ``address``."""

    def run(jobs: list[Job], done: Callable[[Job, dict[str, Any] | None, Msg | str], None]) -> None:
        from distributed import as_completed

        client = _client(address)
        try:
            shared = client.scatter(ref, broadcast=True)  # the course travels once per worker
            futures = {client.submit(_task, shared, job, seed, isolation, pure=False,
                                     key=f"grade-{job.id}-{job.content_sha256[:16]}"): job
                       for job in jobs}
            retried: dict[str, Msg | str] = {}  # job id -> why its first grading failed
            try:
                finished = as_completed(futures)
                for future in finished:
                    job = futures[future]
                    try:
                        report, failure = future.result(), ""
                    except Exception as exc:  # a lost worker, a task error: that student only
                        report, failure = None, f"Dask: {type(exc).__name__}: {exc}"
                    first = None if job.id in retried else retry_reason(job, report, failure)
                    if first is not None:  # once more, as a new task (as the local pool does)
                        retried[job.id] = first
                        again = client.submit(_task, shared, job, seed, isolation, pure=False,
                                              key=f"grade-{job.id}-{job.content_sha256[:16]}-2")
                        futures[again] = job
                        finished.add(again)
                        continue
                    if job.id in retried and report is not None:
                        note_retry(report, retried[job.id])
                    done(job, report, failure)
            finally:
                client.cancel(list(futures))
        finally:
            client.close()

    return run
