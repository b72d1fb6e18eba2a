"""The grading core (``grader.grading``): one place sets a grading up, and the HTML pictures are
part of the grading, not a second one.

채점 핵심: 채점 준비는 한 곳에서만 하고, HTML 그림도 같은 채점의 일부로 계산한다.
"""

from __future__ import annotations

import ast
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from grader.cli import main
from grader.course.config import load_course
from grader.grading import context
from grader.grading.engine import grade
from grader.report.pictures import Pictures

ROOT = Path(__file__).resolve().parents[1]
GRADER = ROOT / "grader"

# Where a submission is staged and a worker started: the core only.
# A worker pool is made by a session (proxy) or, started ahead for an in-notebook check, by the
# warm pool beside it (workers.WarmPool), which only the core hands to a session.
STARTS = {"stage": ["grader/grading/context.py"], "StudentSession": ["grader/grading/context.py"],
          "WorkerPool": ["grader/boundary/pool.py", "grader/boundary/proxy.py"]}


def _called_names(path: Path) -> set[str]:
    """Names this module calls (``f(...)`` or ``m.f(...)``)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name):
                names.add(func.id)
            elif isinstance(func, ast.Attribute):
                names.add(func.attr)
    return names


def test_only_the_core_stages_a_submission_or_starts_a_worker() -> None:
    callers: dict[str, list[str]] = {name: [] for name in STARTS}
    for path in sorted(GRADER.rglob("*.py")):
        called = _called_names(path)
        for name in STARTS:
            if name in called:
                callers[name].append(path.relative_to(ROOT).as_posix())
    # `stage_submission` is the old name: no module may bring it back.
    assert callers == STARTS, callers


def test_every_entry_point_grades_through_the_core() -> None:
    # The entry points reach a grading only through engine.grade / engine.serve (which open a
    # GradingContext), never by deciding the fence or the secrets themselves.
    deciders = []
    for path in sorted(GRADER.rglob("*.py")):
        if "choose_fence" in _called_names(path) and path.name != "sandbox.py":
            deciders.append(path.relative_to(ROOT).as_posix())
    assert deciders == ["grader/grading/context.py"]


def _course_copy(tmp: Path, timeout: int = 2) -> Path:
    for part in ("exercises/lec04", "solutions/lec04"):
        shutil.copytree(ROOT / part, tmp / part, ignore=shutil.ignore_patterns("__pycache__"))
    text = (ROOT / "course.yaml").read_text(encoding="utf-8")
    (tmp / "course.yaml").write_text(
        re.sub(r"call_timeout_s: *\d+", f"call_timeout_s: {timeout}", text), encoding="utf-8")
    return tmp


def _count_sessions(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """How many worker sessions are opened, and which functions' calls really timed out."""
    from grader.boundary import proxy

    counts: dict[str, Any] = {"sessions": 0, "timeouts": []}
    original_init = proxy.StudentSession.__init__
    original_timed_out = proxy.StudentSession._timed_out_in

    def init(self: Any, *args: Any, **kwargs: Any) -> None:
        counts["sessions"] += 1
        original_init(self, *args, **kwargs)

    def timed_out(self: Any, function: str, *args: Any) -> Any:
        counts["timeouts"].append(function)
        return original_timed_out(self, function, *args)

    monkeypatch.setattr(proxy.StudentSession, "__init__", init)
    monkeypatch.setattr(proxy.StudentSession, "_timed_out_in", timed_out)
    return counts


@pytest.mark.slow
def test_html_pictures_come_from_the_grading_own_session(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("matplotlib")
    from grader.report import pictures

    course = load_course(_course_copy(tmp_path / "course"))
    submission = tmp_path / "sub"
    shutil.copytree(ROOT / "solutions" / "lec04", submission,
                    ignore=shutil.ignore_patterns("__pycache__", "tests", "mistakes"))
    with (submission / "activations.py").open("a", encoding="utf-8") as f:
        f.write("\n\ndef tanh_derivative(z):\n    while True:\n        pass\n")
    counts = _count_sessions(monkeypatch)
    result = grade(course, "lec04", submission, seed=3, isolation="process",
                   modules=["activations"], during=[pictures.in_session()])
    # one session, and the hanging function cost one call timeout: the pictures did not run it
    # again, and gradient_through_layers, which calls it, failed at once (grader.grading.callers)
    assert counts["sessions"] == 1
    assert counts["timeouts"] == ["activations.tanh_derivative"]
    drawn = Pictures.from_json(result.pictures)
    keys = {p.key for p in drawn.pictures if p.svgs}
    assert {"activations.sigmoid", "gradcheck.sigmoid"} <= keys
    failed = [p for p in drawn.pictures if "activations.tanh_derivative" in p.functions]
    assert [p.key for p in failed] == ["activations.tanh", "gradcheck.tanh"]
    assert all("not run again" in p.error_in("en") and not p.svgs for p in failed)
    # kept as plain data: the report's JSON carries them and reads them back
    again = Pictures.from_json(json.loads(json.dumps(result.to_json()))["pictures"])
    assert [p.key for p in again.pictures] == [p.key for p in drawn.pictures]


@pytest.mark.slow
def test_check_html_with_a_bundle_has_its_pictures(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("matplotlib")
    course = _course_copy(tmp_path / "course", timeout=10)
    # one module, so the page is quick: the course with only activations graded
    runner = CliRunner()
    bundle = tmp_path / "b.zip"
    made = runner.invoke(main, ["bundle", str(bundle), "--course", str(course)])
    assert made.exit_code == 0, made.output
    submission = tmp_path / "sub"
    submission.mkdir()
    shutil.copy(ROOT / "solutions" / "lec04" / "activations.py", submission / "activations.py")
    counts = _count_sessions(monkeypatch)
    page = tmp_path / "page.html"
    res = runner.invoke(main, ["check", str(submission / "activations.py"), "--bundle",
                               str(bundle), "--format", "html", "--output", str(page),
                               "--isolation", "process", "--seed", "3"])
    assert res.exit_code == 0, res.output
    text = page.read_text(encoding="utf-8")
    assert text.count("<img ") >= 8, text[-2000:]  # four activations, four gradient checks
    assert counts["sessions"] == 1


def test_a_plan_decides_secrets_fence_and_protected_paths_once(tmp_path: Path) -> None:
    course = load_course(ROOT / "course.yaml")
    plan = context.plan(course, "lec04", isolation="process")
    assert plan.secret  # solutions/ beside the course
    private = tmp_path / "private"
    protected = plan.protected(private)
    assert course.root in protected and private in protected
    assert plan.reference_dir in protected
    assert all(folder in protected for folder in plan.suites.values())


# pytest's private names grader uses: all in grader/grading/pytest_internals.py.
PYTEST_INTERNALS = re.compile(r"\._(initrequest|setupstate|fixtureinfo|tw|report_sections)\b"
                              r"|\"_(initrequest|setupstate|fixtureinfo|tw|report_sections)\"")


def test_pytest_internals_are_named_in_one_module_only() -> None:
    naming = sorted(p.relative_to(ROOT).as_posix() for p in GRADER.rglob("*.py")
                    if PYTEST_INTERNALS.search(p.read_text(encoding="utf-8")))
    assert naming == ["grader/grading/pytest_internals.py"]


def test_the_pytest_internals_grader_uses_are_there() -> None:
    # Fails naming the internal that moved (and pyproject pins pytest below its next major).
    from grader.grading import pytest_internals

    pytest_internals.check()
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert re.search(r'"pytest>=[\d.]+,<\d+', pyproject)
