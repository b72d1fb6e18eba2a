"""``grade()``: one submission in, one ``Result`` out; ``serve()``: many, one after another, in
one pytest session (``grader grade``'s warm processes).

제출물 하나를 채점해 결과 객체 하나를 만든다. ``serve()``는 pytest 세션 하나에서 제출물을 차례로
채점한다 (스위트 수집은 한 번).

The suites are copied out of the course into a private folder and collected from there with
``--noconftest``, an empty ini file and no plugin autoload, so nothing in the submission (a
``conftest.py``, ``pytest.ini``, ``numpy.py``, a ``grader/`` package) reaches this process.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import os
import shutil
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from grader import messages, scratch
from grader.boundary.calls import RecordedCall
from grader.boundary.pool import WarmPool
from grader.course.config import Course
from grader.errors import GraderError
from grader.grading import context, fingerprints, scoring, steps, suite_cache
from grader.grading.context import hidden_in_play, suite_dirs
from grader.grading.time_limits import Timings
from grader.grading.watch import StartedAhead
from grader.result import Result

if TYPE_CHECKING:
    from grader.grading import plugin
    from grader.grading.serving import ServingRun

__all__ = ["Grader", "grade", "hidden_in_play", "serve", "suite_dirs"]

# pytest keeps global state (sys.modules, assertion rewriting, capture): one grading at a time
# (the core's lock: staging parses Python too).
_LOCK = context.LOCK


# Environment variables through which pytest would take options or plugins from outside.
_PYTEST_ENV = {"PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1", "PYTEST_ADDOPTS": None,
               "PYTEST_PLUGINS": None}


@contextlib.contextmanager
def _isolated_pytest_env() -> Iterator[None]:
    """The grade must not depend on the environment: no plugin autoload, no PYTEST_ADDOPTS."""
    saved = {k: os.environ.get(k) for k in _PYTEST_ENV}
    for key, value in _PYTEST_ENV.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _copy_suites(plan: context.Plan, suites: Path, reference: Path) -> Path:
    """Copy the suites, the reference modules and the mistakes into the run's private folder
    before any student code runs, so that a worker without bwrap cannot change them between two
    tests. Returns the copied reference folder."""
    skip = shutil.ignore_patterns("__pycache__", "conftest.py", "*.pyc")
    for name, folder in plan.suites.items():
        shutil.copytree(folder, suites / name, ignore=skip)
    (suites / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    return _copy_reference(plan, reference)


def _copy_reference(plan: context.Plan, reference: Path) -> Path:
    """The reference modules and the mistakes, copied into ``reference``."""
    reference.mkdir()
    reference_dir = plan.reference_dir
    if reference_dir.is_dir():
        for module in reference_dir.glob("*.py"):
            shutil.copy(module, reference / module.name)
        if (reference_dir / "mistakes").is_dir():
            shutil.copytree(reference_dir / "mistakes", reference / "mistakes",
                            ignore=shutil.ignore_patterns("__pycache__", "conftest.py", "*.pyc"))
    return reference


def _run_pytest(run_plugin: plugin.RunPlugin, suites: Path) -> tuple[int, str]:
    """pytest in this process on the private copy of the suites, with the run as a plugin
    object; nothing from the submission, the environment or installed plugins takes part."""
    import pytest

    # Imported here, not by pytest's ``-p``: the grader's own plugins are never assertion-
    # rewritten (nor kept in the suite cache), however the package was installed.
    from grader.grading import interrupt, plugin, pytest_internals  # noqa: F401

    args = [str(suites), "-c", str(suites / "pytest.ini"), "--rootdir", str(suites),
            "--noconftest", "-p", "no:cacheprovider", "-p", "grader.grading.plugin",
            "-p", "grader.grading.interrupt",
            "--import-mode=importlib", "-q", "--tb=no"]
    # Builtin plugins grading never uses (~50 ms of CPU per grading: logging's per-phase
    # capture, unraisableexception's forced garbage collections; unittest's import of the
    # standard library's unittest, ~10 ms, for test classes a graded suite cannot have: they
    # take no fixtures); fixtures, marks, skips and warnings stay.
    for unused in ("doctest", "junitxml", "pastebin", "setuponly", "setupplan", "stepwise",
                   "faulthandler", "logging", "unraisableexception", "threadexception",
                   "debugging", "unittest", "subtests"):
        args += ["-p", f"no:{unused}"]
    # speed: the suites' rewritten asserts from the user's cache when their content is known
    cache = suite_cache.suite_cache()
    rewriting = contextlib.nullcontext() if cache is None \
        else pytest_internals.rewriting_through(cache.through)
    with _LOCK, _isolated_pytest_env(), rewriting, \
            contextlib.redirect_stdout(io.StringIO()) as out:
        try:
            code = pytest.main(args, plugins=[run_plugin])
        finally:
            # Still under the lock: another grading's pytest (a Dask thread's) imports suite
            # modules of the same names from its own folder, and must not find these.
            _forget_modules(suites)
    return int(code), out.getvalue()


def _forget_modules(folder: Path) -> None:
    """Drop the suite modules pytest imported, so the next grading imports its own copies."""
    prefix = str(folder)
    for name, module in list(sys.modules.items()):
        if str(getattr(module, "__file__", "") or "").startswith(prefix):
            del sys.modules[name]


def grade(course: Course, assignment: str | None, submission: Path, *, seed: int | None = None,
          isolation: str = "auto", suites: Sequence[Path] | None = None,
          modules: Sequence[str] | None = None, notes: Sequence[messages.Msg] = (),
          during: Sequence[steps.InSession] = (), warm: WarmPool | None = None) -> Result:
    """Grade ``submission`` (a folder, a checkout, a module file or a notebook).

    ``modules`` limits the grading to those modules' functions (``validate`` uses it for a
    variant that differs from the reference in one module only); ``notes`` go into the report
    (the bundle graded with); ``during`` is work done in the grading's own worker session after
    the suites (the HTML pictures); ``warm``: stage into its folder and take its worker,
    started ahead (``grader check --watch``).
    """
    plan = context.plan(course, assignment, suites=suites, modules=modules, isolation=isolation,
                        notes=notes)
    return _grade(plan, submission, seed=seed, during=during, warm=warm)


def public_calls(course: Course, assignment: str | None, submission: Path, *, seed: int,
                 isolation: str = "auto") -> list[RecordedCall]:
    """Every call the public suites make to ``submission``'s functions, graded at ``seed``,
    copied as made: the public inputs of ``grader release``'s hint fingerprints."""
    plan = context.plan(course, assignment, isolation=isolation)
    plan = dataclasses.replace(plan, suites={"public": plan.suites["public"]}) \
        if "public" in plan.suites else plan
    calls: list[RecordedCall] = []
    _grade(plan, submission, seed=seed, history=calls)
    return calls


def _grade(plan: context.Plan, submission: Path, *, seed: int | None,
           during: Sequence[steps.InSession] = (), warm: WarmPool | None = None,
           history: list[RecordedCall] | None = None) -> Result:
    with _private_folder() as private:
        private_reference = _copy_suites(plan, private / "suites", private / "reference")

        def run_suites(ctx: context.GradingContext) -> steps.Ran:
            # speed: pytest is imported now, while the worker (started by ``ctx``) starts
            from grader.grading import plugin

            ctx.session.history = history
            run = _run_of(ctx, private_reference, private / "suites")
            run_plugin = plugin.RunPlugin(run, partial=True)
            _run_suites(run_plugin, private / "suites")
            return _ran(run, run_plugin.outcomes)

        return context.grade(plan, submission, run_suites, seed=seed, private=[private],
                             during=during, warm=warm)


def _run_of(ctx: context.GradingContext, reference: Path, suites: Path,
            limit_timings: Timings | None = None) -> plugin.GradingRun:
    """The pytest side of an open grading: what the fixtures and the report hooks share.
    ``suites``: the private copy of the suites (a student's tree's hint fingerprints are the
    public suites' file there); ``limit_timings``: the reference's times known from earlier
    gradings of the same plan."""
    from grader.grading import plugin

    return plugin.GradingRun(ctx.plan.course, ctx.assignment, ctx.session, ctx.seed, reference,
                             fingerprints_file=suites / "public" / fingerprints.FILE_NAME,
                             limit_timings=limit_timings)


def _ran(run: plugin.GradingRun, outcomes: list[scoring.TestOutcome]) -> steps.Ran:
    return steps.Ran(outcomes, run.stand_in_reference_s, run.reference.stopwatch.seconds,
                     list(run.superseded), run.reference_dir, list(run.internal_errors))


class Grader:
    """Gradings of one assignment, one after another, in one pytest session (a class worker):
    the suites are copied, collected and their asserts rewritten once, before any student code
    runs; each grading still gets its own copy of the reference, its own staged submission and
    its own fenced worker. Made by ``serve``; ``grade`` is ``engine.grade`` without the
    session's start-up."""

    def __init__(self, plan: context.Plan, private: Path, warm: bool = False) -> None:
        from grader.grading.serving import ServingRun

        self._plan, self._private = plan, private
        self._serving: ServingRun = ServingRun()
        self._gradings = 0
        # speed: the reference is the same for every grading, and so is its time on inputs of
        # the same shapes (the call limits)
        self._timings: Timings = {}
        # ``warm``: each grading's worker is started ahead, while the last result is read (an
        # in-notebook check; submissions staged into one folder, one after another).
        self._warm = StartedAhead(plan, private) if warm else None
        self._prepare()

    def _prepare(self) -> None:
        if self._warm is not None:
            self._warm.prepare()

    def close(self) -> None:
        """End the worker started ahead and remove its folder."""
        if self._warm is not None:
            self._warm.close()

    def grade(self, submission: Path, *, seed: int | None = None,
              modules: Sequence[str] | None = None,
              functions: Sequence[str] | None = None,
              during: Sequence[steps.InSession] = ()) -> Result:
        """One submission graded in the open session (as ``engine.grade`` would grade it;
        ``modules`` as there; ``functions``: only these ``module.function``)."""
        plan, serving = self._plan.only(modules), self._serving
        if functions is not None:
            plan = dataclasses.replace(plan, assignment=plan.assignment.only_functions(functions))
        if serving.failure is not None:  # the suites did not collect: every grading says why
            raise GraderError(serving.failure)
        self._gradings += 1
        # This grading's own copy, in the private folder (protected from the worker like the
        # rest of it), so that no grading sees what an earlier submission's worker did.
        reference = self._private / f"reference-{self._gradings}"
        try:
            _copy_reference(plan, reference)

            def run_suites(ctx: context.GradingContext) -> steps.Ran:
                run = _run_of(ctx, reference, self._private / "suites", self._timings)
                return _ran(run, serving.run_items(run))

            return context.grade(plan, submission, run_suites, seed=seed,
                                 private=[self._private], during=during,
                                 warm=self._warm.pool() if self._warm is not None else None)
        finally:
            _forget_modules(reference)
            shutil.rmtree(reference, ignore_errors=True)
            self._prepare()  # the next grading's worker starts now


def serve(course: Course, assignment: str | None, work: Callable[[Grader], None], *,
          isolation: str = "auto", suites: Sequence[Path] | None = None,
          warm: bool = False) -> None:
    """Open one pytest session on the assignment's suites and call ``work(grader)`` inside it;
    ``work`` grades any number of submissions with ``grader.grade``. Start-up, collection and
    assertion rewriting are paid once (``grader grade``'s warm worker processes use it). What
    ``work`` prints is pytest's output, as in a test: it answers through other channels.
    ``warm``: each grading's worker is started ahead (``Grader``)."""
    from pytest import ExitCode

    plan = context.plan(course, assignment, suites=suites, isolation=isolation)
    with _private_folder() as private:
        _copy_suites(plan, private / "suites", private / "reference")
        grader = Grader(plan, private, warm)
        grader._serving.work = lambda: work(grader)
        try:
            code, output = _run_pytest(grader._serving, private / "suites")
        finally:
            grader.close()
    if code == ExitCode.INTERRUPTED:
        raise KeyboardInterrupt
    if grader._serving.error is not None:  # raised by `work` itself, not a grading
        raise grader._serving.error
    if not grader._serving.served:
        raise GraderError(messages.Msg("engine.suites_failed", code=int(code),
                                       output=output[-3000:]))


@contextlib.contextmanager
def _private_folder() -> Iterator[Path]:
    """The run's private folder (suites and reference copied there), removed afterwards with
    the suite modules pytest imported from it."""
    scratch.sweep_stale()
    private = scratch.make_dir("suites")
    try:
        yield private
    finally:
        _forget_modules(private)
        shutil.rmtree(private, ignore_errors=True)


def _run_suites(run: plugin.RunPlugin, suites: Path) -> None:
    from pytest import ExitCode

    code, output = _run_pytest(run, suites)
    if code == ExitCode.INTERRUPTED:
        raise KeyboardInterrupt
    if code not in (ExitCode.OK, ExitCode.TESTS_FAILED):
        raise GraderError(messages.Msg("engine.suites_failed", code=int(code),
                                       output=output[-3000:]))
