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
import secrets
import shutil
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest

import grader
from grader import internal_error, messages, plugin, provisional, sandbox, scoring, scratch, timing
from grader.course import Assignment, Course
from grader.errors import GraderError
from grader.notebook_code import TOP_LEVEL_SHARE
from grader.proxy import StudentSession
from grader.result import FunctionResult, Result
from grader.submission import Staged, explain_refusals, point_at_cells, skipped_cell_notes, stage
from grader.workers import WarmPool

# pytest keeps global state (sys.modules, assertion rewriting, capture): one grading at a time.
_LOCK = threading.Lock()


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


def suite_dirs(course: Course, assignment: str, suites: Sequence[Path] | None = None) \
        -> dict[str, Path]:
    """Public suites always; hidden ones when ``solutions/<assignment>/tests`` (or ``suites``)
    exists."""
    found: dict[str, Path] = {}
    public = course.exercises_dir(assignment) / "tests"
    if public.is_dir():
        found["public"] = public
    hidden = [Path(s) for s in suites] if suites else [course.solutions_dir(assignment) / "tests"]
    for i, folder in enumerate(p for p in hidden if p.is_dir()):
        found["hidden" if i == 0 else f"hidden{i}"] = folder
    if suites:
        missing = [str(s) for s in suites if not Path(s).is_dir()]
        if missing:
            raise GraderError(messages.Msg("engine.no_such_suites", folders=", ".join(missing)))
    if not found:
        raise GraderError(messages.Msg("engine.no_suites", public=str(public),
                                       assignment=assignment))
    return found


def hidden_in_play(found: dict[str, Path], reference_dir: Path) -> bool:
    """Whether anything secret is graded with: hidden suites or the reference (``solutions/``
    present, ``--suites``, a bundle). Then ``auto`` never uses a worker that could read them."""
    return any(name.startswith("hidden") for name in found) or reference_dir.is_dir()


def isolation_notes(choice: sandbox.FenceChoice, session: StudentSession, secret: bool) \
        -> list[messages.Msg | str]:
    """What the report says about the fence: which one, why not a stronger one, what it could
    not enforce."""
    notes: list[messages.Msg | str] = list(choice.notes)
    if session.used_isolation == "landlock":
        report = session.fence_report
        abi = int(report["abi"]) if isinstance(report.get("abi"), int) else 0
        fenced = "filesystem" + (", TCP" if abi >= 4 else "") + \
            (", signals, abstract sockets" if abi >= 6 else "")
        gaps = [str(g) for g in report.get("not_applied") or []]
        gaps += [f"{p} (protected, not granted)" for p in report.get("refused") or []]
        notes.append(messages.Msg(
            "engine.landlock", abi=abi, fenced=fenced,
            gaps=messages.Msg("engine.landlock_gaps", rules="; ".join(gaps)) if gaps else ""))
    elif session.used_isolation == "process" and secret:
        notes.append(messages.Msg("engine.reduced_isolation"))
    return notes


def _copy_suites(found: dict[str, Path], reference_dir: Path, suites: Path,
                 reference: Path) -> Path:
    """Copy the suites, the reference modules and the mistakes into the run's private folder
    before any student code runs, so that a worker without bwrap cannot change them between two
    tests. Returns the copied reference folder."""
    skip = shutil.ignore_patterns("__pycache__", "conftest.py", "*.pyc")
    for name, folder in found.items():
        shutil.copytree(folder, suites / name, ignore=skip)
    (suites / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    return _copy_reference(reference_dir, reference)


def _copy_reference(reference_dir: Path, reference: Path) -> Path:
    """The reference modules and the mistakes, copied into ``reference``."""
    reference.mkdir()
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
    args = [str(suites), "-c", str(suites / "pytest.ini"), "--rootdir", str(suites),
            "--noconftest", "-p", "no:cacheprovider", "-p", "grader.plugin", "-p", "grader.interrupt",
            "--import-mode=importlib", "-q", "--tb=no"]
    # Builtin plugins grading never uses (~50 ms of CPU per grading: logging's per-phase
    # capture, unraisableexception's forced garbage collections; unittest's import of the
    # standard library's unittest, ~10 ms, for test classes a graded suite cannot have: they
    # take no fixtures); fixtures, marks, skips and warnings stay.
    for unused in ("doctest", "junitxml", "pastebin", "setuponly", "setupplan", "stepwise",
                   "faulthandler", "logging", "unraisableexception", "threadexception",
                   "debugging", "unittest", "subtests"):
        args += ["-p", f"no:{unused}"]
    with _LOCK, _isolated_pytest_env(), contextlib.redirect_stdout(io.StringIO()) as out:
        code = pytest.main(args, plugins=[run_plugin])
    return int(code), out.getvalue()


def _forget_modules(folder: Path) -> None:
    """Drop the suite modules pytest imported, so the next grading imports its own copies."""
    prefix = str(folder)
    for name, module in list(sys.modules.items()):
        if str(getattr(module, "__file__", "") or "").startswith(prefix):
            del sys.modules[name]


@dataclasses.dataclass(frozen=True)
class _Plan:
    """What gradings of one assignment share, decided before any submission is seen."""

    course: Course
    assignment: Assignment
    found: dict[str, Path]  # the suites: "public", "hidden", ...
    reference_dir: Path
    secret: bool
    choice: sandbox.FenceChoice


def _plan(course: Course, assignment: str | None, suites: Sequence[Path] | None,
          modules: Sequence[str] | None, isolation: str) -> _Plan:
    a = course.assignment(assignment)
    if modules is not None:
        a = a.only(modules)
    found = suite_dirs(course, a.name, suites)
    reference_dir = _reference_dir(course, a.name, suites)
    secret = hidden_in_play(found, reference_dir)
    choice = sandbox.choose_fence(isolation, secrets_in_play=secret)  # NoFence before any work
    return _Plan(course, a, found, reference_dir, secret, choice)


def grade(course: Course, assignment: str | None, submission: Path, *, seed: int | None = None,
          isolation: str = "auto", suites: Sequence[Path] | None = None,
          modules: Sequence[str] | None = None) -> Result:
    """Grade ``submission`` (a folder, a checkout, a module file or a notebook).

    ``modules`` limits the grading to those modules' functions (``validate`` uses it for a
    variant that differs from the reference in one module only).
    """
    plan = _plan(course, assignment, suites, modules, isolation)
    start = time.monotonic()
    with _private_folder() as private:
        private_reference = _copy_suites(plan.found, plan.reference_dir, private / "suites",
                                         private / "reference")

        def run_suites(run: plugin.GradingRun) -> list[scoring.TestOutcome]:
            run_plugin = plugin.RunPlugin(run, partial=True)
            _run_suites(run_plugin, private / "suites")
            return run_plugin.outcomes

        return _grade_with(plan, submission, seed, start, private, private_reference, run_suites)


def _protected(plan: _Plan, private: Path) -> list[Path]:
    """What a worker must not reach: the course, the run's private copies, the suites."""
    return [plan.course.root, private, plan.reference_dir, *plan.found.values()]


def _grade_with(plan: _Plan, submission: Path, seed: int | None, start: float, private: Path,
                private_reference: Path,
                run_suites: Callable[[plugin.GradingRun], list[scoring.TestOutcome]],
                warm: WarmPool | None = None) -> Result:
    """Stage the submission, start its worker, run the suites (``run_suites``) and score;
    ``warm``: stage into its folder and take its worker, started ahead."""
    course, a = plan.course, plan.assignment
    seed = secrets.randbelow(2**31) if seed is None else seed
    with contextlib.ExitStack() as cleanup:
        staged = stage(submission, course, a, into=warm.folder if warm is not None else None)
        cleanup.callback(staged.remove)
        if staged.modules != a.modules:  # one module file: only its functions are graded
            a = a.only(m for m in a.modules if m in staged.modules)
        with sandbox.worker_packages(course.worker.packages):  # course.yaml worker.packages
            session = StudentSession(staged.folder, a.modules, course.limits, plan.choice.name,
                                     protected=_protected(plan, private),
                                     graded=list(a.functions),
                                     pool=warm.take() if warm is not None else None)
        cleanup.callback(session.close)
        run = plugin.GradingRun(course, a, session, seed, private_reference)
        outcomes = run_suites(run)
    functions = scoring.score(a, outcomes, course.dependency_credit)
    provisional.mark(functions, outcomes, private_reference)  # no reference: no stand-ins
    explain_refusals(functions, staged.refused)
    point_at_cells(functions, staged)
    seconds = time.monotonic() - start
    # Where the time went: the student's calls, the reference's, the grader's own work.
    # A stand-in's answer is reference time inside a student call's round trip: counted once.
    spent = timing.breakdown(seconds, session.pool.spent_s - run.stand_in_reference_s,
                             run.reference.stopwatch.seconds)
    result = _result(course, a, seed, functions, staged, session,
                     isolation_notes(plan.choice, session, plan.secret), seconds, spent)
    result.superseded = run.superseded
    for exc in run.internal_errors[:3]:  # for the instructor (grader.internal_error)
        internal_error.add_notes(result, exc, "internal_error.hint_failed")
    return result


class Grader:
    """Gradings of one assignment, one after another, in one pytest session (a class worker):
    the suites are copied, collected and their asserts rewritten once, before any student code
    runs; each grading still gets its own copy of the reference, its own staged submission and
    its own fenced worker. Made by ``serve``; ``grade`` is ``engine.grade`` without the
    session's start-up."""

    def __init__(self, plan: _Plan, private: Path, warm: bool = False) -> None:
        self._plan, self._private = plan, private
        self._serving = _ServingRun()
        self._gradings = 0
        # ``warm``: each grading's worker is started ahead, while the last result is read (an
        # in-notebook check; submissions staged into one folder, one after another).
        self._warm: WarmPool | None = None
        if warm:
            inbox = scratch.make_dir("submission") / "submission"
            inbox.mkdir()
            self._warm = WarmPool(inbox, plan.course.limits, plan.choice.name,
                                  _protected(plan, private))
            self._prepare()

    def _prepare(self) -> None:
        if self._warm is not None:
            with sandbox.worker_packages(self._plan.course.worker.packages):
                self._warm.prepare()

    def close(self) -> None:
        """End the worker started ahead and remove its folder."""
        if self._warm is not None:
            self._warm.close()
            shutil.rmtree(self._warm.folder.parent, ignore_errors=True)

    def grade(self, submission: Path, *, seed: int | None = None,
              modules: Sequence[str] | None = None,
              functions: Sequence[str] | None = None) -> Result:
        """One submission graded in the open session (as ``engine.grade`` would grade it;
        ``modules`` as there; ``functions``: only these ``module.function``)."""
        plan, serving = self._plan, self._serving
        if modules is not None:
            plan = dataclasses.replace(plan, assignment=plan.assignment.only(modules))
        if functions is not None:
            plan = dataclasses.replace(plan, assignment=plan.assignment.only_functions(functions))
        if serving.failure is not None:  # the suites did not collect: every grading says why
            raise GraderError(serving.failure)
        start = time.monotonic()
        self._gradings += 1
        # This grading's own copy, in the private folder (protected from the worker like the
        # rest of it), so that no grading sees what an earlier submission's worker did.
        reference = self._private / f"reference-{self._gradings}"
        try:
            _copy_reference(plan.reference_dir, reference)
            return _grade_with(plan, submission, seed, start, self._private, reference,
                               serving.run_items, self._warm)
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
    plan = _plan(course, assignment, suites, None, isolation)
    with _private_folder() as private:
        _copy_suites(plan.found, plan.reference_dir, private / "suites", private / "reference")
        grader = Grader(plan, private, warm)
        grader._serving.work = lambda: work(grader)
        try:
            code, output = _run_pytest(grader._serving, private / "suites")
        finally:
            grader.close()
    if code == pytest.ExitCode.INTERRUPTED:
        raise KeyboardInterrupt
    if grader._serving.error is not None:  # raised by `work` itself, not a grading
        raise grader._serving.error
    if not grader._serving.served:
        raise GraderError(messages.Msg("engine.suites_failed", code=int(code),
                                       output=output[-3000:]))


class _ServingRun(plugin.RunPlugin):
    """The run plugin of a served session: collects once; its test loop is ``work``, which runs
    the collected tests once per grading (``run_items``) with that grading's run."""

    def __init__(self) -> None:
        super().__init__(None)
        self.all_items: list[pytest.Item] = []
        self.superseded: list[dict[str, str]] = []  # public tests not run (``supersedes``)
        self.work: Callable[[], None] = lambda: None
        self.failure: messages.Msg | None = None  # why the suites could not be collected
        self.error: BaseException | None = None
        self.served = False
        self._session: pytest.Session | None = None

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            self.failure = messages.Msg("engine.not_collected", node=report.nodeid,
                                        detail=str(report.longrepr)[-3000:])

    def pytest_collection_modifyitems(self, config: pytest.Config,
                                      items: list[pytest.Item]) -> None:
        items[:], superseded = plugin.without_superseded(items)
        if superseded:
            config.hook.pytest_deselected(items=superseded)
        self.superseded = plugin.superseded_records(superseded)
        self.all_items = list(items)  # each grading picks its modules' tests from these

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtestloop(self, session: pytest.Session) -> bool:  # type: ignore[override]
        self._session, self.served = session, True
        try:
            self.work()
        except Exception as exc:  # `work`'s own failure: raised again by `serve`
            self.error = exc
        return True

    def run_items(self, run: plugin.GradingRun) -> list[scoring.TestOutcome]:
        """Every collected test of the graded functions, once, with ``run``; then the deferred
        stand-in reruns. The items are reset as pytest would make them afresh."""
        assert self._session is not None
        session = self._session
        graded = run.assignment.functions
        items = [i for i in self.all_items
                 if (g := plugin.grades_of(i)) is None or g[0] in graded]
        self.run, self.items = run, items
        run.superseded = [s for s in self.superseded if s["function"] in graded]
        self._in_loop, self._pending = True, []
        terminal = session.config.pluginmanager.get_plugin("terminalreporter")
        try:
            for item in items:
                plugin.forget_outcome(item)
                item._report_sections = []  # captured output of the last grading
                item.user_properties = []
                if isinstance(item, pytest.Function):
                    item._initrequest()  # fresh fixture request and funcargs (as pytest makes)
            for i, item in enumerate(items):
                following = items[i + 1] if i + 1 < len(items) else None
                item.ihook.pytest_runtest_protocol(item=item, nextitem=following)
                if session.shouldstop or session.shouldfail:
                    raise KeyboardInterrupt
            self._in_loop = False
            self.rerun_pending()
            return self.outcomes
        except BaseException:
            # A grading cut short leaves no fixture set up for the next one.
            session._setupstate.teardown_exact(None)
            raise
        finally:
            self._in_loop, self._pending = False, []
            if terminal is not None:  # its statistics would grow with every grading
                terminal.stats.clear()


def _reference_dir(course: Course, assignment: str, suites: Sequence[Path] | None) -> Path:
    """``solutions/<assignment>``, or the folder of a hidden bundle beside its suites."""
    reference_dir = course.solutions_dir(assignment)
    if suites and not reference_dir.is_dir():
        reference_dir = Path(suites[0]).resolve().parent
    return reference_dir


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
    code, output = _run_pytest(run, suites)
    if code == pytest.ExitCode.INTERRUPTED:
        raise KeyboardInterrupt
    if code not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED):
        raise GraderError(messages.Msg("engine.suites_failed", code=int(code),
                                       output=output[-3000:]))


def _result(course: Course, a: Assignment, seed: int, functions: list[FunctionResult],
            staged: Staged, session: StudentSession, isolation: list[messages.Msg | str],
            seconds: float, spent: dict[str, float]) -> Result:
    score, max_score = scoring.total(functions)
    notes: list[messages.Msg | str] = [*staged.notes, *isolation, *skipped_cell_notes(
        staged, session.skipped_cells, course.limits.call_timeout_s * TOP_LEVEL_SHARE)]
    if session.seccomp is False:
        notes.append(messages.Msg("engine.no_seccomp"))
    result = Result(
        assignment=a.name, score=score, max_score=max_score, seed=seed,
        isolation=session.used_isolation, duration_s=round(seconds, 3),
        grader_version=grader.__version__, functions=functions,
        limits=dict(course.limits.__dict__), modules=list(a.modules),
        refused=list(staged.refused), language=messages.choose_language(None, course.language),
        timing=spent)
    for note in notes:
        if isinstance(note, messages.Msg):
            result.add_note(note.render(), note.to_json())
        else:
            result.add_note(note)
    return result
