"""The pytest plugin: fixtures ``student``, ``reference``, ``rng``, ``tolerance``, the ``grades``
marker, and the collection of test outcomes into points.

pytest 플러그인. ``pytest exercises/lec04``로 학생이 공개 테스트를 돌려도, ``grader check``가
pytest를 프로세스 안에서 돌려도 같은 픽스처와 같은 채점이 쓰인다.

The grading run is a plugin object (``RunPlugin``): ``grader check`` builds one and passes it to
``pytest.main(..., plugins=[run_plugin])``; a plain ``pytest`` run inside a course (a path under
a folder with ``course.yaml``) registers one built from the suites' location. Fixtures find it
through the plugin manager, the way ``capsys`` finds its capture manager; each test's outcome
is kept in its ``item.stash``. In any other pytest session (an unrelated project sharing the
virtual environment) this module registers nothing and prints nothing.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import importlib.util
import zlib
from collections.abc import Generator
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pytest

from grader import messages
from grader.boundary.calls import RecordedCall
from grader.boundary.proxy import Student, StudentSession, TestRecord
from grader.course.config import Assignment, Course, find_course, load_course
from grader.course.mistakes import Mistake, load_catalogue
from grader.errors import GraderError, StudentError
from grader.grading import compare, fingerprints, pytest_internals, time_limits, timing
from grader.grading.hints import HintMatcher, student_outcome
from grader.grading.reruns import STAND_IN, StandInRecord, rerun
from grader.grading.scoring import TestOutcome
from grader.messages import Msg

MAX_MESSAGE = 1500
RUN_PLUGIN_NAME = "grader-run"

# The templates of this module's Msg keys: grader/locale/{ko,en}/LC_MESSAGES/grader.po.


class ReferenceModules:
    """``reference.<module>``: the reference solutions, loaded in the trusted process."""

    def __init__(self, folder: Path, assignment: str) -> None:
        self._folder, self._assignment = folder, assignment
        self._loaded: dict[str, ModuleType] = {}
        self.stopwatch = timing.Stopwatch()  # speed: the report's timing.reference_calls_s

    def __getattr__(self, module: str) -> ModuleType:
        if module.startswith("_"):
            raise AttributeError(module)
        if module not in self._loaded:
            path = self._folder / f"{module}.py"
            if not path.is_file():
                raise GraderError(Msg("plugin.no_reference", path=str(path)))
            # A private module name: never importable as plain `activations` in this process.
            spec = importlib.util.spec_from_file_location(
                f"_grader_reference_{self._assignment}_{module}", path)
            assert spec is not None and spec.loader is not None
            mod = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(mod)
            self._loaded[module] = timing.TimedModule(mod, self.stopwatch)  # speed: timed calls
        return self._loaded[module]


@dataclass
class GradingRun:
    """Everything one grading needs; shared by the fixtures and the report hooks."""

    course: Course
    assignment: Assignment
    session: StudentSession
    seed: int
    reference_dir: Path
    # The hint fingerprints beside the public suites (``grader.grading.fingerprints``): used
    # where the reference's mistakes are not (a student's tree).
    fingerprints_file: Path | None = None
    # The reference's times behind the call limits, kept by a class process for its next
    # gradings (``time_limits.CallLimits``); None: this grading's own.
    limit_timings: time_limits.Timings | None = None
    _matcher: HintMatcher | None = field(default=None, repr=False)
    _probes: fingerprints.FingerprintMatcher | None = field(default=None, repr=False)
    _hinted: set[str] = field(default_factory=set, repr=False)  # functions with a hint found

    def __post_init__(self) -> None:
        self.reference = ReferenceModules(self.reference_dir, self.assignment.name)
        self.stand_in_reference_s = 0.0  # reference time spent answering stand-ins
        self.superseded: list[dict[str, str]] = []  # public tests not run (``supersedes``)
        self.internal_errors: list[BaseException] = []  # grader bugs that cost no points
        # speed: each call's limit follows the reference's time on its inputs
        self.session.call_limits = time_limits.CallLimits(
            self.reference_function, self.course.limits, self.limit_timings)

    def reference_function(self, function: str, timed: bool = True) -> Any:
        """The reference of ``"module.function"`` (``timed``: by the reference's stopwatch)."""
        module, name = function.split(".", 1)
        found = getattr(self.reference, module)
        return getattr(found if timed else timing.untimed(found), name)

    @property
    def tolerance(self) -> compare.Tolerance:
        return compare.Tolerance(self.course.tolerances.rtol, self.course.tolerances.atol)

    def hint_for(self, function: str, recorded: list[RecordedCall] | None = None) -> Msg | None:
        """The catalogued mistake that explains the student's output in this test, if any.

        With the reference here, the mistakes are run on the test's own inputs
        (``HintMatcher``); in a student's tree, which has neither, the function is called on
        the public inputs of the fingerprints ``grader release`` shipped (``FingerprintMatcher``,
        once a function). Once a function's mistake is named (on its first failing test that a
        mistake explains: the one the report shows), its later failing tests are not matched
        again: matching runs the mistake and the reference on the test's inputs in this
        process, as long as the student's own calls took (``train_xor``: ~0.5 s a test).
        ``recorded``: the test's calls (by default the current test's)."""
        recorded = self.session.recorded if recorded is None else recorded
        calls = [c for c in recorded if c.function == function]
        if not calls or function in self._hinted:
            return None
        mistakes_dir = self.reference_dir / "mistakes"
        try:
            if mistakes_dir.is_dir():
                if self._matcher is None:
                    self._matcher = HintMatcher(self.reference_dir, load_catalogue(mistakes_dir))
                found: Mistake | fingerprints.MistakePrints | None = \
                    self._matcher.match(function, calls)
            elif self.fingerprints_file is not None and self.fingerprints_file.is_file():
                if self._probes is None:
                    self._probes = fingerprints.FingerprintMatcher(self.fingerprints_file)
                found = self._probes.match(function, lambda args, kwargs: self._probe(
                    function, args, kwargs))
            else:
                return None
        except Exception as exc:  # a hint is a courtesy: no grade lost, the bug reported
            self.internal_errors.append(exc)
            return None
        if found is None:
            return None
        self._hinted.add(function)
        return found.hint()

    def _probe(self, function: str, args: tuple[Any, ...],
               kwargs: dict[str, Any]) -> fingerprints.Outcome | None:
        """The student's ``function`` on a fingerprint's public inputs, apart from any test's
        record; None when the call gave no result (a time-out, a crash)."""
        module, name = function.split(".", 1)
        with self.session.aside() as probed:
            try:
                self.session.call(module, name, args, kwargs)
            except Exception:  # the student's doing (a hang, a dead worker): no hint, no error
                return None
        return student_outcome(probed.recorded[-1])

    def reference_value(self, function: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
        """A stand-in's answer: the reference of ``"module.function"`` on the worker's plain
        data, computed here on the trusted side."""
        fn = self.reference_function(function)
        before = self.reference.stopwatch.seconds
        try:
            return fn(*args, **kwargs)
        finally:  # timed by the reference's stopwatch, and inside a student call's round trip
            self.stand_in_reference_s += self.reference.stopwatch.seconds - before


_OUTCOME = pytest.StashKey[TestOutcome]()
_RECORD = pytest.StashKey[TestRecord]()  # a failing test's calls, kept for its hint

# The plugin's own fixtures hold no state a test could change: a rerun after the test loop may
# reuse their values (``rng`` is made afresh). A test with any other fixture reruns at once.
_STATELESS_FIXTURES = frozenset({"student", "reference", "rng", "tolerance", "request"})


def _fixtures_are_stateless(item: pytest.Function) -> bool:
    return set(getattr(item, "fixturenames", ())) <= _STATELESS_FIXTURES


def _visibility(path: Path) -> str:
    return "hidden" if {"hidden", "solutions"} & set(path.parts) else "public"


def _grades(item: pytest.Item) -> tuple[str, float] | None:
    marker = item.get_closest_marker("grades")
    if marker is None or not marker.args:
        return None
    return str(marker.args[0]), float(marker.kwargs.get("weight", 1))


grades_of = _grades  # for grader.grading.engine


def without_superseded(items: list[pytest.Item]) -> tuple[list[pytest.Item], list[pytest.Item]]:
    """(kept, dropped): a public test named by a hidden test's ``supersedes`` marker is not run
    in the same grading — the hidden test makes the same check, stronger, on the same function
    (``train_xor``'s 5000-epoch training, half of a lec04 check's student time, runs once).
    Only a public test of that name grading the same function is dropped; plain ``pytest`` on
    the public suite alone runs it as always."""
    named: set[tuple[str, str]] = set()
    for item in items:
        marker = item.get_closest_marker("supersedes")
        grades = _grades(item)
        if marker is not None and grades is not None and _visibility(Path(str(item.path))) \
                == "hidden":
            named.update((grades[0], str(name)) for name in marker.args)
    if not named:
        return items, []
    kept: list[pytest.Item] = []
    dropped: list[pytest.Item] = []
    for item in items:
        grades = _grades(item)
        superseded = grades is not None and _visibility(Path(str(item.path))) == "public" \
            and (grades[0], getattr(item, "originalname", item.name)) in named
        (dropped if superseded else kept).append(item)
    return kept, dropped


def superseded_records(dropped: list[pytest.Item]) -> list[dict[str, str]]:
    """The report's record of the public tests ``without_superseded`` dropped."""
    return [{"function": grades[0], "test": item.name}
            for item in dropped if (grades := _grades(item)) is not None]


def forget_outcome(item: pytest.Item) -> None:
    """Clear what a run kept in ``item``'s stash, before the item runs again."""
    if _OUTCOME in item.stash:
        del item.stash[_OUTCOME]
    if STAND_IN in item.stash:
        del item.stash[STAND_IN]
    if _RECORD in item.stash:
        del item.stash[_RECORD]


def _graded_with_student(item: pytest.Item) -> tuple[str, float] | None:
    grades = _grades(item)
    return grades if grades is not None and "student" in getattr(item, "fixturenames", ()) \
        else None


def _message(excinfo: pytest.ExceptionInfo[BaseException]) -> tuple[str, Msg | str]:
    exc = excinfo.value
    if isinstance(exc, StudentError):
        return exc.status, exc.data
    if isinstance(exc, AssertionError):
        return "failed", getattr(exc, "data", None) or str(exc) or excinfo.exconly()
    if isinstance(exc, GraderError):
        return "error", str(exc)
    if isinstance(exc, pytest.skip.Exception):
        return "failed", Msg("plugin.skipped", reason=str(exc))
    return "failed", Msg("plugin.unexpected", kind=type(exc).__name__, detail=str(exc))


def seeded_rng(seed: int, item: pytest.Item) -> np.random.Generator:
    """The test's generator: the run's seed and the test's place (so a rerun sees the same
    inputs)."""
    key = f"{_visibility(Path(str(item.path)))}/{item.path.name}::{item.name}"
    return np.random.default_rng([seed, zlib.crc32(key.encode())])


def _run_of(request: pytest.FixtureRequest) -> GradingRun:
    plugin = _run_plugin(request.config)
    if plugin is None:
        lazy = request.config.pluginmanager.get_plugin("grader-course")
        if not isinstance(lazy, _LazyCourse):
            raise GraderError(Msg("plugin.not_a_course").render())
        plugin = lazy.ensure(request.node)
    return plugin.run


class CourseFixtures:
    """The suites' fixtures. They exist only in a session that runs a course's suites: the
    plugin object that carries them is registered only then."""

    @pytest.fixture
    def student(self, request: pytest.FixtureRequest) -> Student:
        """학생 제출물 프록시 / proxy to the student's submission (calls run in the worker)."""
        return Student(_run_of(request).session)

    @pytest.fixture
    def reference(self, request: pytest.FixtureRequest) -> ReferenceModules:
        """참조 해답 / the reference solutions (in the trusted process)."""
        return _run_of(request).reference

    @pytest.fixture
    def rng(self, request: pytest.FixtureRequest) -> np.random.Generator:
        """실행 시드와 테스트 이름으로 정해지는 난수 생성기 / seeded by the run's seed and the test."""
        return seeded_rng(_run_of(request).seed, request.node)

    @pytest.fixture
    def tolerance(self, request: pytest.FixtureRequest) -> compare.Tolerance:
        """과목의 허용 오차 / the course's tolerances (course.yaml)."""
        return _run_of(request).tolerance


class RunPlugin(CourseFixtures):
    """One grading run as a pytest plugin object: per-test set-up, the tolerance in force during
    each test, the stand-in rerun of a failing test, and each test's outcome in its stash."""

    run: GradingRun

    def __init__(self, run: GradingRun | None, *, partial: bool = False,
                 owned: tuple[Any, ...] = ()) -> None:
        if run is not None:  # None: set for each grading (``grader.grading.engine.serve``)
            self.run = run
        self.partial = partial  # only the graded modules' tests (grade(..., modules=...))
        self.items: list[pytest.Item] = []
        self._owned = owned  # (plain pytest) what to clean up at the end
        # Stand-in reruns waiting for the end of the test loop (``rerun_pending``); a run plugin
        # registered during the loop (plain pytest) reruns at once instead.
        self._in_loop = False
        # (test, its function, its callees, its record, its fixture values)
        self._pending: list[tuple[pytest.Function, str, frozenset[str], TestRecord,
                                  dict[str, object]]] = []

    @property
    def outcomes(self) -> list[TestOutcome]:
        return [item.stash[_OUTCOME] for item in self.items if _OUTCOME in item.stash]

    def pytest_unconfigure(self, config: pytest.Config) -> None:
        for cleanup in self._owned:
            cleanup()

    def pytest_collection_modifyitems(self, config: pytest.Config,
                                      items: list[pytest.Item]) -> None:
        """In a partial grading run only those modules' tests; no public test a hidden one
        supersedes."""
        items[:], superseded = without_superseded(items)
        if superseded:
            config.hook.pytest_deselected(items=superseded)
            self.run.superseded = superseded_records(superseded)
        if self.partial:
            graded = self.run.assignment.functions
            keep: list[pytest.Item] = []
            drop: list[pytest.Item] = []
            for item in items:
                grades = _grades(item)
                (drop if grades is not None and grades[0] not in graded else keep).append(item)
            if drop:
                config.hook.pytest_deselected(items=drop)
                items[:] = keep
        self.items = list(items)

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        if _graded_with_student(item) is not None:
            self.run.session.start_test(item.name)

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_call(self, item: pytest.Item) -> Generator[None, None, None]:
        with compare.using(self.run.tolerance):  # the course's tolerance, for this test only
            yield

    @pytest.hookimpl(hookwrapper=True)
    def pytest_pyfunc_call(self, pyfuncitem: pytest.Function) -> Generator[None, Any, None]:
        outcome = yield
        grades = _graded_with_student(pyfuncitem)
        if grades is None or outcome.excinfo is None:
            return
        exc = outcome.excinfo[1]
        if isinstance(exc, StudentError) and exc.status != "failed":
            return  # not implemented, missing, crashed, timed out: nothing to stand in for
        callees = frozenset(self.run.session.callees - {grades[0]})
        if not callees:
            return
        if self._in_loop and _fixtures_are_stateless(pyfuncitem):
            # Speed: rerun after every test has run, and only if a callee failed a test of its
            # own (otherwise the rerun could not earn anything: ``scoring.culprits``).
            self._pending.append((pyfuncitem, grades[0], callees, self.run.session.test,
                                  dict(pyfuncitem.funcargs)))
            return
        self._rerun(pyfuncitem, grades[0])

    def _rerun(self, item: pytest.Function, function: str) -> StandInRecord | None:
        record = rerun(self.run, item, function, lambda: seeded_rng(self.run.seed, item))
        if record is not None:
            item.stash[STAND_IN] = record
        return record

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtestloop(self, session: pytest.Session) -> Generator[None, Any, None]:
        self._in_loop, self._pending = True, []
        try:
            yield
        finally:
            self._in_loop = False
        if not session.shouldstop and not session.shouldfail:
            self.rerun_pending()

    def rerun_pending(self) -> None:
        """After the test loop: the deferred stand-in reruns, then the failing tests' hints.

        A failing test whose student function called a graded function that failed one of its
        own tests runs once more with its callees standing in. The verdict is what the immediate
        rerun would give wherever it can change a score: ``scoring.score`` credits a rescued
        test only for a demonstrably wrong callee, and those are among the functions that
        failed a test here. A test that passed with stand-ins gets no hint: its function is
        right, the mistake is a callee's (whose own tests name it)."""
        self._rerun_deferred()
        for item in self.items:
            record = item.stash.get(_RECORD, None)
            outcome = item.stash.get(_OUTCOME, None)
            if record is None or outcome is None or outcome.stand_in_passed:
                continue
            hint = self.run.hint_for(outcome.function, record.recorded)
            if hint is not None:  # for readers of `message` alone; the hint is its own field too
                item.stash[_OUTCOME] = dataclasses.replace(
                    outcome, hint=hint, message=f"{outcome.message}\n{hint.render()}")

    def _rerun_deferred(self) -> None:
        pending, self._pending = self._pending, []
        failed = {o.function for o in self.outcomes if not o.passed}
        session = self.run.session
        for item, function, callees, test, funcargs in pending:
            if not callees & failed or _OUTCOME not in item.stash:
                continue
            # The test's own record (its callees) and fixture values, as during its run.
            item.funcargs = funcargs
            session.current_test, session.test = item.name, test
            try:
                with compare.using(self.run.tolerance):
                    record = self._rerun(item, function)
            finally:
                item.funcargs = None  # type: ignore[assignment]  # as pytest leaves it
                session.test = TestRecord()
            if record is not None:
                item.stash[_OUTCOME] = dataclasses.replace(
                    item.stash[_OUTCOME], stand_in_passed=record.passed)

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item,
                                  call: pytest.CallInfo[None]) -> Generator[None, Any, None]:
        outcome = yield
        report: pytest.TestReport = outcome.get_result()
        grades = _graded_with_student(item)
        if grades is None:
            return
        failed_now = report.failed or report.skipped
        # One outcome per test: the call phase, or the phase that stopped it before the call.
        if not (report.when == "call" or (failed_now and report.when == "setup")):
            return
        function, weight = grades
        status: str = "passed"
        message: Msg | str = ""
        hint = None
        if failed_now and call.excinfo is not None:
            status, message = _message(call.excinfo)
            if status == "failed" and self._in_loop:
                item.stash[_RECORD] = self.run.session.test  # its hint after the loop
            elif status == "failed":
                hint = self.run.hint_for(function)
        session = self.run.session
        output = "".join(session.output)[: self.run.course.limits.output_bytes]
        stand_in: StandInRecord | None = item.stash.get(STAND_IN, None)
        text = messages.render(message)[:MAX_MESSAGE]
        reason = message if isinstance(message, Msg) else None
        if hint is not None:  # for readers of `message` alone; the hint is its own field too
            text = f"{text}\n{hint.render()}"
        item.stash[_OUTCOME] = TestOutcome(
            name=item.name, function=function, weight=weight,
            visibility=_visibility(Path(str(item.path))), passed=not failed_now,
            status=status, message=text, output=output,
            duration_s=round(call.duration, 4), hint=hint, reason=reason,
            callees=tuple(sorted(session.callees - {function})),
            stand_in_passed=bool(stand_in and stand_in.passed))


# --- the entry-point plugin: inert unless the session runs a course's suites -----------------


_FOUND = pytest.StashKey["RunPlugin"]()


def _run_plugin(config: pytest.Config) -> RunPlugin | None:
    """The run's plugin object, found in the plugin manager (then remembered in the config)."""
    found = config.stash.get(_FOUND, None)
    if found is not None:
        return found
    for plugin in config.pluginmanager.get_plugins():
        if isinstance(plugin, RunPlugin):
            config.stash[_FOUND] = plugin
            return plugin
    return None


def _course_of(config: pytest.Config) -> Path | None:
    """The ``course.yaml`` of the course whose suites pytest was asked to run: a path at the
    course's root or under its ``exercises/`` or ``solutions/``; None for anything else."""
    paths = [a.split("::")[0] for a in config.args] or ["."]
    for arg in paths:
        path = Path(config.invocation_params.dir, arg).resolve()
        try:
            course_file = find_course(path)
        except GraderError:
            continue
        inside = path.relative_to(course_file.parent).parts
        if not inside or inside[0] in ("exercises", "solutions"):
            return course_file
    return None


def pytest_addoption(parser: pytest.Parser) -> None:
    # Hidden from --help: an unrelated project sharing the virtual environment sees nothing of
    # grader. The course's README and the report header name them.
    parser.addoption("--grader-submission", default=None, help=argparse.SUPPRESS)
    parser.addoption("--grader-seed", type=int, default=None, help=argparse.SUPPRESS)
    parser.addoption("--grader-isolation", default="auto",
                     choices=["auto", "bwrap", "landlock", "process"], help=argparse.SUPPRESS)


def pytest_configure(config: pytest.Config) -> None:
    if _run_plugin(config) is None:
        course_file = _course_of(config)
        if course_file is None:
            return  # not a course's suites: stay out of the way
        config.pluginmanager.register(_LazyCourse(course_file), "grader-course")
    config.addinivalue_line(
        "markers", "grades(function, weight=1): ties a test to a graded function of course.yaml")
    config.addinivalue_line(
        "markers", "supersedes(*names): in a hidden suite, the public tests of these names that "
                   "grade the same function are not run beside it")


class _LazyCourse(CourseFixtures):
    """Plain pytest inside a course: the run is built from the first graded test's location
    (its assignment is the folder above ``tests/``), then registered as the run plugin."""

    def __init__(self, course_file: Path) -> None:
        self.course = load_course(course_file)

    def pytest_report_header(self, config: pytest.Config) -> list[str]:
        seed = config.getoption("--grader-seed")
        return [f"grader: seed {'random' if seed is None else seed} "
                "(--grader-seed N reproduces a run)"]

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        if _run_plugin(item.config) is None and "student" in getattr(item, "fixturenames", ()):
            plugin = self.ensure(item)
            plugin.pytest_runtest_setup(item)  # registered after this hook was called

    def ensure(self, item: pytest.Item) -> RunPlugin:
        """The run plugin, built and registered on first use."""
        plugin = _run_plugin(item.config)
        if plugin is None:
            plugin = self.build(item.config, Path(str(item.path)))
            item.config.pluginmanager.register(plugin, RUN_PLUGIN_NAME)
            plugin.items = list(item.session.items)
        return plugin

    def build(self, config: pytest.Config, test_path: Path) -> RunPlugin:
        from grader.grading.context import GradingContext, plan

        course = self.course
        name = test_path.parent.parent.name
        # The grading core decides the fence (secure by default: with the reference beside the
        # course, no readable worker), the protected paths and the seed, as for `grader check`.
        graded = plan(course, name, isolation=config.getoption("--grader-isolation"))
        option = config.getoption("--grader-submission")
        opened = contextlib.ExitStack()
        ctx = opened.enter_context(GradingContext.open(
            graded, Path(option) if option else course.exercises_dir(name),
            seed=config.getoption("--grader-seed")))
        run = GradingRun(course, graded.assignment, ctx.session, ctx.seed,
                         graded.reference_dir,
                         fingerprints_file=test_path.parent / fingerprints.FILE_NAME)
        return RunPlugin(run, owned=(opened.close,))

    # --- plain pytest's terminal output (concise: the reason and the hint, the table last) ---

    @pytest.hookimpl(trylast=True)
    def pytest_configure(self, config: pytest.Config) -> None:
        """The per-function table replaces the ``FAILED ...`` lines (unless ``-r`` was given)."""
        if config.option.reportchars == "fE" and not _given(config, "-r"):
            config.option.reportchars = "E"

    @pytest.hookimpl(hookwrapper=True, tryfirst=True)
    def pytest_runtest_makereport(self, item: pytest.Item,
                                  call: pytest.CallInfo[None]) -> Generator[None, Any, None]:
        """A graded test's failure as its reason and hint in a few lines, not a traceback
        through the grader's proxy and ``assert_close``'s docstring (``--tb`` given keeps
        pytest's own)."""
        outcome = yield
        report: pytest.TestReport = outcome.get_result()
        found = item.stash.get(_OUTCOME, None)
        if found is None or found.passed or not (report.failed or report.skipped) \
                or item.config.option.tbstyle != "auto":
            return
        if found.status in ("not_implemented", "missing"):
            item.stash[_QUIET] = True  # one line per function in the summary instead
        lang = self.course.language
        message = found.message.splitlines()
        hint = found.hint.render(lang) if found.hint is not None else ""
        both = found.hint.render("both") if found.hint is not None else ""
        from grader.report.text import wrap

        width = max(40, item.config.get_terminal_writer().fullwidth)
        lines = [w for ln in message if ln.strip() not in (hint, both) for w in wrap(ln, width)]
        lines += wrap(hint, width, "  ", "→ ") if hint else []
        report.longrepr = "\n".join(lines)

    @pytest.hookimpl(hookwrapper=True, tryfirst=True)
    def pytest_terminal_summary(self, terminalreporter: Any,
                                config: pytest.Config) -> Generator[None, None, None]:
        """Unimplemented functions' failures leave the FAILURES section (the table says it once
        per function); the table is written last, after pytest's own summary."""
        failed = terminalreporter.stats.get("failed", [])
        plugin = _run_plugin(config)
        quiet = {id(i) for i in plugin.items if i.stash.get(_QUIET, False)} if plugin else set()
        quiet_ids = {i.nodeid for i in plugin.items if id(i) in quiet} if plugin else set()
        terminalreporter.stats["failed"] = [r for r in failed
                                            if getattr(r, "nodeid", None) not in quiet_ids]
        try:
            yield
        finally:
            terminalreporter.stats["failed"] = failed
        self._table(terminalreporter, config)

    def _table(self, terminalreporter: Any, config: pytest.Config) -> None:
        """The report of ``grader check`` for the tests that ran: the same table and hints."""
        plugin = _run_plugin(config)
        if plugin is None or not plugin.outcomes:
            return
        from grader.grading import provisional, scoring
        from grader.report import text
        from grader.result import Result

        run = plugin.run
        outcomes = plugin.outcomes
        seen = {o.function for o in outcomes}
        functions = [f for f in scoring.score(run.assignment, outcomes,
                                                 run.course.dependency_credit)
                     if f.name in seen]
        provisional.mark(functions, outcomes, run.reference_dir)
        result = Result(run.assignment.name, sum(f.score for f in functions),
                        sum(f.max_score for f in functions), run.seed,
                        run.session.used_isolation, 0.0, "", functions,
                        language=self.course.language)
        terminalreporter.section(f"grader — {run.assignment.name} (seed {run.seed})")
        width = max(40, pytest_internals.terminal_width(terminalreporter))
        terminalreporter.write(text.render(result, width=width, lang=self.course.language,
                                           color=terminalreporter.hasmarkup, header=False))


_QUIET = pytest.StashKey[bool]()


def _given(config: pytest.Config, option: str) -> bool:
    return any(a.startswith(option) for a in config.invocation_params.args)
