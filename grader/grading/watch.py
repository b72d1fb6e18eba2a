"""``grader check --watch``: grade again whenever a file of the submission changes.

제출물의 .py/.ipynb 파일이 바뀔 때마다 다시 채점한다. Polling with the standard library (mtime and
size every ~0.5 s): no dependency, and it works the same on every system and network folder.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from grader import scratch
from grader.boundary import sandbox
from grader.boundary.pool import WarmPool
from grader.course.config import Course
from grader.grading import context

SUFFIXES = (".py", ".ipynb")
MAX_FILES = 2000  # a submission is a handful of files; a huge tree is not walked further
Snapshot = dict[str, tuple[int, int]]


def snapshot(target: Path) -> Snapshot:
    """(mtime_ns, size) of the submission's .py/.ipynb files, hidden folders and caches
    skipped; links are not followed."""
    if target.is_file():
        files = [target]
    else:
        files = []
        for root, dirs, names in os.walk(target):
            dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "__pycache__")
            files += [Path(root, n) for n in sorted(names) if n.endswith(SUFFIXES)]
            if len(files) >= MAX_FILES:
                break
    seen: Snapshot = {}
    for f in files[:MAX_FILES]:
        try:
            st = f.lstat()
        except OSError:
            continue  # removed while walking: the next poll sees it gone
        seen[str(f)] = (st.st_mtime_ns, st.st_size)
    return seen


def watch(target: Path, run: Callable[[], None], *, interval: float = 0.5,
          settle: float = 0.3, on_wait: Callable[[], None] = lambda: None,
          rounds: int | None = None) -> None:
    """Run ``run`` now and after every change under ``target``; returns after ``rounds`` runs
    (None: until interrupted). A change is acted on once the files have stood still for
    ``settle`` seconds (an editor's save is often several writes)."""
    done = 0
    while True:
        before = snapshot(target)
        run()
        done += 1
        if rounds is not None and done >= rounds:
            return
        on_wait()
        while True:
            time.sleep(interval)
            now = snapshot(target)
            if now != before:
                while True:  # debounce: wait until it stops changing
                    time.sleep(settle)
                    later = snapshot(target)
                    if later == now:
                        break
                    now = later
                break


class StartedAhead:
    """The next grading's worker, started while the submission's files are unchanged (as a
    notebook's re-check does): its interpreter and NumPy are up when a change is saved. Each
    grading stages into the pool's one folder and still gets a fresh worker: one never serves
    two versions of the code."""

    def __init__(self, plan: context.Plan, *private: Path) -> None:
        # The fence and the protected paths every grading of this plan uses (``private``: the
        # gradings' private folders, when already made; later ones are in the temporary
        # folder, out of every fence's reach).
        self._packages = plan.course.worker.packages
        inbox = scratch.make_dir("submission") / "submission"
        inbox.mkdir()
        self._warm = WarmPool(inbox, plan.course.limits, plan.fence.name,
                              plan.protected(*private))

    @classmethod
    def of(cls, course: Course, assignment: str | None, suites: Sequence[Path] | None,
           isolation: str) -> StartedAhead:
        """For the gradings of ``assignment`` with these suites, behind this fence."""
        return cls(context.plan(course, assignment, suites=suites, isolation=isolation))

    def prepare(self) -> None:
        """Start the next grading's worker now, if it is not up yet."""
        with sandbox.worker_packages(self._packages):
            self._warm.prepare()

    def pool(self) -> WarmPool:
        """What the next grading takes its worker from (``engine.grade(warm=...)``)."""
        return self._warm

    def close(self) -> None:
        self._warm.close()
        shutil.rmtree(self._warm.folder.parent, ignore_errors=True)
