"""The grading run is a pytest plugin object: no module global, the course's tolerance only
during each test, each outcome in its test's stash."""

from __future__ import annotations

from pathlib import Path

import grader.plugin
from grader import compare
from grader.course import load_course
from grader.engine import grade

CLOSE_ENOUGH = '''
def add(a, b):
    return (a + b) * (1 + 1e-4)

def scale(x, k=2.0):
    return k * x
'''


def _loose(course: Path) -> None:
    text = (course / "course.yaml").read_text(encoding="utf-8")
    (course / "course.yaml").write_text(text + "tolerances: {rtol: 1.0e-3, atol: 1.0e-12}\n",
                                        encoding="utf-8")


def _submission(tmp_path: Path, name: str, source: str) -> Path:
    folder = tmp_path / name
    folder.mkdir()
    (folder / "calc.py").write_text(source, encoding="utf-8")
    return folder


def test_no_module_global_carries_the_run() -> None:
    assert not hasattr(grader.plugin, "ACTIVE_RUN")
    assert not hasattr(compare, "set_default")


def test_the_course_tolerance_holds_during_the_tests_only(tiny_course: Path,
                                                         tmp_path: Path) -> None:
    sub = _submission(tmp_path, "close", CLOSE_ENOUGH)
    strict = grade(load_course(tiny_course), "a1", sub, seed=1, isolation="process")
    assert strict.function("calc.add").score == 0.0  # 1e-4 relative is off at rtol 1e-6
    _loose(tiny_course)
    loose = grade(load_course(tiny_course), "a1", sub, seed=1, isolation="process")
    assert loose.function("calc.add").score == 2.0
    assert compare.in_force() == compare.DEFAULT  # nothing left behind in this process


def test_two_gradings_in_a_row_do_not_share_outcomes(tiny_course: Path, tmp_path: Path) -> None:
    course = load_course(tiny_course)
    right = _submission(tmp_path, "right", CLOSE_ENOUGH.replace(" * (1 + 1e-4)", ""))
    wrong = _submission(tmp_path, "wrong", CLOSE_ENOUGH.replace("k * x", "x"))
    first = grade(course, "a1", right, seed=2, isolation="process")
    second = grade(course, "a1", wrong, seed=2, isolation="process")
    assert first.score == 5.0
    assert second.function("calc.scale").score == 0.0
    assert [t.name for f in second.functions for t in f.tests] == \
        [t.name for f in first.functions for t in f.tests]


def test_no_course_fixtures_outside_a_course(tmp_path: Path) -> None:
    import subprocess
    import sys

    (tmp_path / "test_x.py").write_text("def test_x(student):\n    pass\n", encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
                         cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert run.returncode == 1
    assert "fixture 'student' not found" in run.stdout
