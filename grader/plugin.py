"""The pytest plugin: fixtures ``student``, ``reference``, ``rng``, ``tolerance``, the ``grades``
marker, and the collection of test outcomes into points.

pytest 플러그인. ``pytest exercises/lec04``로 학생이 공개 테스트를 돌려도, ``grader check``가
pytest를 프로세스 안에서 돌려도 같은 픽스처와 같은 채점이 쓰인다.

Two ways in: ``grader check`` prepares a ``GradingRun`` (staged submission, suites copied out of
the course) and sets ``ACTIVE_RUN`` before calling ``pytest.main``; a plain ``pytest`` run builds
one from the test files' location (``<course>/exercises/<assignment>/tests``) and prints a score
table at the end.
"""

from __future__ import annotations

import importlib.util
import secrets
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pytest

from grader import timing
from grader.course import Assignment, Course, find_course, load_course
from grader.errors import GraderError, StudentError
from grader.proxy import Student, StudentSession
from grader.sandbox import ISOLATIONS, choose_fence
from grader.scoring import TestOutcome

HINT_PREFIX = "힌트 / Hint: "
MAX_MESSAGE = 1500


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
                raise GraderError(
                    f"참조 해답 {path}이(가) 없습니다 / reference solution {path} not found "
                    "(hidden suites need solutions/ or --suites with the course's solutions)")
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
    """Everything one grading needs; shared by the fixtures and the report hook."""

    course: Course
    assignment: Assignment
    session: StudentSession
    seed: int
    reference_dir: Path
    outcomes: list[TestOutcome] = field(default_factory=list)
    _matcher: Any = None

    def __post_init__(self) -> None:
        self.reference = ReferenceModules(self.reference_dir, self.assignment.name)

    def hint_for(self, function: str) -> str:
        """The catalogued mistake that explains the student's output in this test, if any."""
        calls = [c for c in self.session.recorded if c.function == function]
        mistakes_dir = self.reference_dir / "mistakes"
        if not calls or not mistakes_dir.is_dir():
            return ""
        try:
            from grader import mistakes

            if self._matcher is None:
                self._matcher = mistakes.HintMatcher(
                    self.reference_dir, mistakes.load_catalogue(mistakes_dir))
            found = self._matcher.match(function, calls)
        except Exception:  # a hint is a courtesy; it never costs the student a grade
            return ""
        return f"{HINT_PREFIX}{found.hint_ko} / {found.hint_en}" if found else ""


ACTIVE_RUN: GradingRun | None = None
_RUN_KEY = pytest.StashKey[GradingRun]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("grader", "grader: grading student submissions")
    group.addoption("--grader-submission", default=None,
                    help="folder with the student's modules (default: the suite's assignment "
                         "folder, e.g. exercises/lec04)")
    group.addoption("--grader-seed", type=int, default=None,
                    help="seed of the random inputs (default: a new one each run)")
    group.addoption("--grader-isolation", default="auto", choices=list(ISOLATIONS))


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "grades(function, weight=1): ties a test to a graded function of course.yaml")


def _run(config: pytest.Config, test_path: Path) -> GradingRun:
    """The active run, or (plain pytest) one built from the suite's location."""
    if ACTIVE_RUN is not None:
        return ACTIVE_RUN
    run = config.stash.get(_RUN_KEY, None)
    if run is not None:
        return run
    course = load_course(find_course(test_path))
    tests_dir = test_path.parent
    assignment = course.assignment(tests_dir.parent.name)
    # Secure by default here too: with the reference beside the course, no readable worker.
    fence = choose_fence(config.getoption("--grader-isolation"),
                         secrets_in_play=course.solutions_dir(assignment.name).is_dir())
    option = config.getoption("--grader-submission")
    from grader.submission import stage

    staged = stage(Path(option) if option else course.exercises_dir(assignment.name),
                   course, assignment)
    seed = config.getoption("--grader-seed")
    seed = secrets.randbelow(2**31) if seed is None else seed
    session = StudentSession(staged.folder, assignment.modules, course.limits, fence.name,
                             protected=[course.root])
    run = GradingRun(course, assignment, session, seed, course.solutions_dir(assignment.name))
    config.stash[_RUN_KEY] = run
    config.add_cleanup(session.close)
    config.add_cleanup(staged.remove)
    _set_tolerance(course)
    return run


def _set_tolerance(course: Course) -> None:
    from grader import compare

    compare.set_default(compare.Tolerance(course.tolerances.rtol, course.tolerances.atol))


def _item_run(request: pytest.FixtureRequest) -> GradingRun:
    return _run(request.config, Path(str(request.node.path)))


@pytest.fixture
def student(request: pytest.FixtureRequest) -> Student:
    """학생 제출물 프록시 / proxy to the student's submission (calls run in the worker)."""
    return Student(_item_run(request).session)


@pytest.fixture
def reference(request: pytest.FixtureRequest) -> ReferenceModules:
    """참조 해답 / the reference solutions (in the trusted process)."""
    return _item_run(request).reference


@pytest.fixture
def rng(request: pytest.FixtureRequest) -> np.random.Generator:
    """실행 시드와 테스트 이름으로 정해지는 난수 생성기 / seeded by the run's seed and the test."""
    run = _item_run(request)
    key = f"{_visibility(Path(str(request.node.path)))}/{request.node.path.name}::{request.node.name}"
    return np.random.default_rng([run.seed, zlib.crc32(key.encode())])


@pytest.fixture
def tolerance(request: pytest.FixtureRequest) -> Any:
    from grader import compare

    t = _item_run(request).course.tolerances
    return compare.Tolerance(t.rtol, t.atol)


def _visibility(path: Path) -> str:
    return "hidden" if {"hidden", "solutions"} & set(path.parts) else "public"


def _grades(item: pytest.Item) -> tuple[str, float] | None:
    marker = item.get_closest_marker("grades")
    if marker is None or not marker.args:
        return None
    return str(marker.args[0]), float(marker.kwargs.get("weight", 1))


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    if _grades(item) is not None and "student" in getattr(item, "fixturenames", ()):
        session = _run(item.config, Path(str(item.path))).session
        session.recorded.clear()
        session.output.clear()
        session.current_test = item.name


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """In a partial grading (``grade(..., modules=...)``) run only those modules' tests."""
    if ACTIVE_RUN is None:
        return
    graded = ACTIVE_RUN.assignment.functions
    keep: list[pytest.Item] = []
    drop: list[pytest.Item] = []
    for item in items:
        grades = _grades(item)
        (drop if grades is not None and grades[0] not in graded else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


def _message(excinfo: pytest.ExceptionInfo[BaseException]) -> tuple[str, str]:
    exc = excinfo.value
    if isinstance(exc, StudentError):
        return exc.status, exc.message
    if isinstance(exc, AssertionError):
        text = str(exc) or excinfo.exconly()
        return "failed", text
    if isinstance(exc, GraderError):
        return "error", str(exc)
    if isinstance(exc, pytest.skip.Exception):
        return "failed", f"건너뜀 / skipped: {exc}"
    return "failed", f"{type(exc).__name__}: {exc}"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    outcome = yield
    report: pytest.TestReport = outcome.get_result()
    grades = _grades(item)
    if grades is None or "student" not in getattr(item, "fixturenames", ()):
        return
    run = _run(item.config, Path(str(item.path)))
    failed_now = report.failed or report.skipped
    # One outcome per test: the call phase, or the phase that stopped it before the call.
    if not (report.when == "call" or (failed_now and report.when == "setup")):
        return
    function, weight = grades
    status, message = "passed", ""
    if failed_now and call.excinfo is not None:
        status, message = _message(call.excinfo)
        if status == "failed":
            hint = run.hint_for(function)
            if hint:
                message = f"{message}\n{hint}"
    output = "".join(run.session.output)[: run.course.limits.output_bytes]
    run.outcomes.append(TestOutcome(
        name=item.name, function=function, weight=weight,
        visibility=_visibility(Path(str(item.path))), passed=not failed_now,
        status=status, message=message[:MAX_MESSAGE], output=output,
        duration_s=round(call.duration, 4)))


def pytest_report_header(config: pytest.Config) -> list[str]:
    if ACTIVE_RUN is not None:
        return []
    seed = config.getoption("--grader-seed")
    return [f"grader: seed {'random' if seed is None else seed} (--grader-seed N reproduces a run)"]


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    """Plain pytest: a per-function table of what the collected tests earned."""
    run = config.stash.get(_RUN_KEY, None)
    if run is None or ACTIVE_RUN is not None or not run.outcomes:
        return
    from grader import scoring

    seen = {o.function for o in run.outcomes}
    functions = [f for f in scoring.score(run.assignment, run.outcomes) if f.name in seen]
    terminalreporter.section(f"grader — {run.assignment.name} (seed {run.seed})")
    for f in functions:
        terminalreporter.write_line(
            f"{f.status:<16} {f.name:<40} {f.score:g}/{f.max_score:g} (이 테스트들 기준 / "
            f"from these tests)")
    terminalreporter.write_line(
        f"격리 / isolation: {run.session.used_isolation}. 숨겨진 테스트는 grader check에서 / "
        "hidden tests run in grader check.")
