"""The grading run is a pytest plugin object: no module global, the course's tolerance only
during each test, each outcome in its test's stash."""

from __future__ import annotations

from pathlib import Path

import pytest

import grader.grading.plugin
from grader.course.config import load_course
from grader.grading import compare
from grader.grading.engine import grade

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
    assert not hasattr(grader.grading.plugin, "ACTIVE_RUN")
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


def _comparable(result: object) -> list[tuple[str, float, str, list[tuple[str, bool, str]]]]:
    return [(f.name, f.score, f.status, [(t.name, t.passed, t.message) for t in f.tests])
            for f in result.functions]  # type: ignore[attr-defined]


def test_a_served_session_grades_like_grade_one_submission_after_another(
        tiny_course: Path, tmp_path: Path) -> None:
    """``engine.serve`` (a class worker's one pytest session) gives each submission the result
    ``grade`` gives it, whatever was graded before it in the session."""
    from grader.grading import engine

    course = load_course(tiny_course)
    right = _submission(tmp_path, "right", CLOSE_ENOUGH.replace(" * (1 + 1e-4)", ""))
    wrong = _submission(tmp_path, "wrong", CLOSE_ENOUGH.replace("k * x", "x"))
    stub = _submission(tmp_path, "stub", "def add(a, b):\n    raise NotImplementedError\n")
    order = [right, wrong, right, stub, wrong]
    alone = {sub: grade(course, "a1", sub, seed=4, isolation="process") for sub in set(order)}
    served: list[object] = []
    engine.serve(course, "a1", lambda g: served.extend(g.grade(s, seed=4) for s in order),
                 isolation="process")
    assert len(served) == len(order)
    for sub, result in zip(order, served, strict=True):
        assert _comparable(result) == _comparable(alone[sub]), sub.name
    # A partial grading (``modules``, as validate grades a variant) in the session, too.
    partial: list[object] = []
    engine.serve(course, "a1", lambda g: partial.append(g.grade(wrong, seed=4, modules=["calc"])),
                 isolation="process")
    assert _comparable(partial[0]) == _comparable(
        grade(course, "a1", wrong, seed=4, isolation="process", modules=["calc"]))
    assert compare.in_force() == compare.DEFAULT


def test_a_served_session_whose_suites_do_not_collect_fails_each_grading(
        tiny_course: Path, tmp_path: Path) -> None:
    from grader.errors import GraderError
    from grader.grading import engine

    (tiny_course / "solutions/a1/tests/test_calc.py").write_text("def broken(:\n",
                                                                  encoding="utf-8")
    sub = _submission(tmp_path, "right", CLOSE_ENOUGH)
    errors: list[str] = []

    def work(g: engine.Grader) -> None:
        for _ in range(2):
            with pytest.raises(GraderError) as caught:
                g.grade(sub, seed=1)
            errors.append(str(caught.value))

    engine.serve(load_course(tiny_course), "a1", work, isolation="process")
    assert len(errors) == 2 and all("test_calc.py" in e for e in errors)


def test_stand_in_reruns_give_the_same_scores_in_a_served_session(tmp_path: Path) -> None:
    """The deferred stand-in reruns (a wrong callee: its callers keep their points; a wrong
    caller of right callees: no rerun needed, no points) in one session as in ``grade``."""
    import textwrap

    from test_standins import RIGHT_OUTER, WRONG_SQUARE, _course

    from grader.grading import engine

    course = load_course(_course(tmp_path / "course"))
    wrong_inner = tmp_path / "wrong_inner"
    wrong_outer = tmp_path / "wrong_outer"
    right_square = "import numpy as np\n\ndef square(x):\n    return np.asarray(x, dtype=np.float64) ** 2\n"
    for folder, inner, outer in [
            (wrong_inner, textwrap.dedent(WRONG_SQUARE).lstrip(), RIGHT_OUTER),
            (wrong_outer, right_square, RIGHT_OUTER.replace("2.0 * square(x)", "3.0 * square(x)"))]:
        folder.mkdir()
        (folder / "inner.py").write_text(inner, encoding="utf-8")
        (folder / "outer.py").write_text(textwrap.dedent(outer).lstrip(), encoding="utf-8")
    alone = [grade(course, "a1", s, seed=3, isolation="process") for s in (wrong_inner, wrong_outer)]
    assert {f.name: f.score for f in alone[0].functions}["outer.norm"] == 3.0
    assert {f.name: f.score for f in alone[1].functions}["outer.twice_square"] == 0.0
    served: list[object] = []
    engine.serve(course, "a1", lambda g: served.extend(
        g.grade(s, seed=3) for s in (wrong_inner, wrong_outer, wrong_inner)), isolation="process")
    assert [_comparable(r) for r in served] == [_comparable(r) for r in [*alone, alone[0]]]


@pytest.mark.slow
def test_hints_name_the_wrong_function_not_the_ones_rescued_by_stand_ins(tmp_path: Path) -> None:
    """A backward that calls the student's wrong sigmoid_derivative: the derivative's failing
    test names the catalogued mistake; the rescued tests of its callers carry no hint (their
    functions are right), and a function's mistake is named once, on its first failing test."""
    from test_standins import ROOT, _lec04_submission

    course = load_course(ROOT / "course.yaml")
    result = grade(course, "lec04", _lec04_submission(tmp_path / "wrong", True), seed=11,
                   isolation="process", modules=["activations", "backprop"])
    derivative = [t for t in result.function("activations.sigmoid_derivative").tests
                  if not t.passed]
    hints = [t.hint for t in derivative if t.hint]
    assert len(hints) == 1 and derivative[0].hint is not None
    assert hints[0]["params"]["mistake"] == "activations_sigmoid_derivative_z_as_out"
    rescued = [t for f in result.functions for t in f.tests if t.culprits]
    assert rescued and all(t.hint is None for t in rescued)
