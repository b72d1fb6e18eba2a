"""Warm local grading processes: start-up is paid once per worker, not once per submission.

미리 띄워 둔 채점 프로세스들. grader, NumPy, pytest와 과목을 한 번만 불러오고, 테스트 스위트도 한 번만
수집한다. 제출물마다 자기 격리된 학생 작업자를 새로 만든다 / each grading still gets its own fenced
student worker.

Each process keeps one pytest session open (``grader.grading.engine.serve``): the suites are copied,
collected and their asserts rewritten once, before any student code runs.

Each process serves jobs over its own pipe, one at a time. The parent watches every process: one
that dies (a crash, the OOM killer) or runs past the deadline is killed and replaced, and that
job's report is an ``error`` with the reason — the other jobs go on. A job whose process died or
whose grading failed inside the grader (an ``error`` report) is graded once more in a fresh
process first (``task.retry_reason``); its report says so. Nothing a submission does
can slow the others beyond its own limits: its calls run in its own worker, bounded by the
course's call timeout and submission budget.
"""

from __future__ import annotations

import multiprocessing
import signal
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any

from grader.classroom.task import CourseRef, Job, note_retry, retry_reason
from grader.messages import Msg

Report = dict[str, Any]


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _serve(conn: Connection, ref: CourseRef, seed: int, isolation: str) -> None:
    """A grading process: warm up, then grade jobs until told to stop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    signal.signal(signal.SIGTERM, _interrupt)  # so `finally` blocks clean up
    try:
        from grader.classroom import task
        from grader.errors import GraderError
        from grader.grading import engine

        def serve_jobs(grade: task.GradeFn | None) -> None:
            conn.send(("ready", None))
            while True:
                try:
                    job = conn.recv()
                except EOFError:
                    return
                if job is None:
                    return
                conn.send(("report", task.grade_job(ref, job, seed, isolation, grade=grade)))

        try:
            course, suites = task.load(ref)
            # One pytest session for every job: the suites collected once (engine.serve).
            engine.serve(course, ref.assignment, lambda g: serve_jobs(task.graded_by(g)),
                         isolation=isolation, suites=list(suites) or None)
        except GraderError:  # no session (the course or its suites): each job says why
            serve_jobs(None)
    except (KeyboardInterrupt, BrokenPipeError, EOFError):
        return


@dataclass
class _Slot:
    process: multiprocessing.process.BaseProcess
    conn: Connection
    job: Job | None = None
    started: float = 0.0


class LocalPool:
    """``workers`` warm grading processes fed from a queue of jobs."""

    def __init__(self, workers: int, ref: CourseRef, seed: int, isolation: str,
                 deadline_s: float) -> None:
        self.workers = max(1, workers)
        self.ref, self.seed, self.isolation = ref, seed, isolation
        self.deadline_s = deadline_s
        # spawn: the same on Linux, macOS and Windows, and no thread of the parent is copied.
        self._ctx = multiprocessing.get_context("spawn")
        self._slots: list[_Slot] = []

    def _start(self) -> _Slot:
        parent, child = self._ctx.Pipe()
        process = self._ctx.Process(target=_serve, args=(child, self.ref, self.seed,
                                                         self.isolation), daemon=True)
        process.start()
        child.close()
        return _Slot(process, parent)

    def _stop(self, slot: _Slot, graceful: bool) -> None:
        if graceful and slot.process.is_alive():
            try:
                slot.conn.send(None)
            except (BrokenPipeError, OSError):
                pass
            slot.process.join(2)
        if slot.process.is_alive():
            slot.process.terminate()  # SIGTERM: its `finally` blocks remove temporary folders
            slot.process.join(3)
        if slot.process.is_alive():
            slot.process.kill()
            slot.process.join()
        slot.conn.close()

    def run(self, jobs: Iterable[Job],
            done: Callable[[Job, Report | None, Msg | str], None]) -> None:
        """Grade every job; ``done(job, report, failure)`` is called in this process as each one
        finishes (``report`` None and ``failure`` the reason when its grading process failed)."""
        pending = deque(jobs)
        retried: dict[str, Msg | str] = {}  # job id -> why its first grading failed
        self._slots = [self._start() for _ in range(min(self.workers, len(pending)))]
        graceful = False
        try:
            while pending or any(s.job is not None for s in self._slots):
                for slot in self._slots:
                    if slot.job is None and pending:
                        slot.job, slot.started = pending.popleft(), time.monotonic()
                        slot.conn.send(slot.job)
                busy = [s for s in self._slots if s.job is not None]
                wait([s.conn for s in busy] + [s.process.sentinel for s in busy], timeout=1.0)
                for i, slot in enumerate(self._slots):
                    if slot.job is None:
                        continue
                    failure: Msg | str = ""
                    report = None
                    if slot.conn.poll():
                        try:
                            kind, payload = slot.conn.recv()
                        except (EOFError, OSError):
                            failure = self._died(slot)
                        else:
                            if kind == "ready":
                                continue
                            report = payload
                    elif not slot.process.is_alive():
                        failure = self._died(slot)
                    elif time.monotonic() - slot.started > self.deadline_s:
                        failure = Msg("pool.too_long", seconds=f"{self.deadline_s:g}")
                    else:
                        continue
                    job = slot.job
                    slot.job = None
                    first = None if job.id in retried else retry_reason(job, report, failure)
                    if failure or first is not None:
                        self._stop(slot, graceful=False)
                        self._slots[i] = self._start()
                    if first is not None:  # once more, in that fresh process
                        retried[job.id] = first
                        fresh = self._slots[i]
                        fresh.job, fresh.started = job, time.monotonic()
                        fresh.conn.send(job)
                        continue
                    if job.id in retried and report is not None:
                        note_retry(report, retried[job.id])
                    done(job, report, failure)
            graceful = True
        finally:
            for slot in self._slots:
                self._stop(slot, graceful)

    @staticmethod
    def _died(slot: _Slot) -> Msg:
        slot.process.join(1)
        code = slot.process.exitcode
        return Msg("pool.died", code=code)
