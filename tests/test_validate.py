"""``grader validate`` (grader.course.validate): checks, mistakes and the rendered table.

과목 검증: 참조 만점, 스텁 0점, 실수는 자기 함수에서만 감점 + 힌트, 숨은 테스트, 배점 합계.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from grader import messages
from grader.course.mistakes import Mistake
from grader.course.validate import (
    Check,
    MistakeOutcome,
    ValidationReport,
    _check_points,
    _check_stubs,
    _check_tests,
    render,
    validate,
)
from grader.messages import Msg
from grader.report.text import display_width
from grader.result import FunctionResult, Result, TestResult

ROOT = Path(__file__).resolve().parents[1]

ADD_MINUS = '''
"""뺄셈으로 더함 / Adds by subtracting."""
FUNCTION = "calc.add"
HINT_KO = "더하기와 빼기를 확인하세요."
HINT_EN = "Check addition versus subtraction."


def add(a, b):
    return a - b
'''

# Numerically the same as the reference: a catalogue entry no suite can catch.
SCALE_SAME = '''
"""같은 값을 다르게 계산 / The same value, computed another way."""
FUNCTION = "calc.scale"
HINT_KO = "이 힌트는 나오면 안 됩니다."
HINT_EN = "This hint must never show."


def scale(x, k=2.0):
    return x * k
'''


def en(message: Msg | str) -> str:
    return messages.render(message, "en")


def _mistake(name: str, function: str) -> Mistake:
    return Mistake(name, function, "힌트", "hint", Path(f"{name}.py"), "")


def _result(functions: list[FunctionResult], max_score: float | None = None) -> Result:
    score = sum(f.score for f in functions)
    total = sum(f.max_score for f in functions) if max_score is None else max_score
    return Result("a1", score, total, 1, "process", 0.1, "0", functions)


def _test(visibility: str, passed: bool = True, message: str = "") -> TestResult:
    return TestResult("t", 1.0 if passed else 0.0, 1.0, passed, visibility, message)


# The tiny course's public suite tests calc.add only; validate wants a public test of every
# graded function.
PUBLIC_SCALE = '''
import numpy as np
import pytest
from grader.suite import compare

@pytest.mark.grades("calc.scale")
def test_scale_example(student):
    compare.assert_close(student.calc.scale(np.ones(2)), np.full(2, 2.0), name="scale")
'''


def _add_public_scale_test(course: Path) -> None:
    (course / "exercises" / "a1" / "tests" / "test_scale.py").write_text(
        PUBLIC_SCALE, encoding="utf-8")


HIDDEN_EXACT = '''
import numpy as np
import pytest
from grader.suite import compare

@pytest.mark.parametrize("n", [3, 40], ids=["short", "long"])
@pytest.mark.grades("calc.scale")
def test_scale_exact(student, n):
    x = np.linspace(1.0, 2.0, n)
    compare.assert_close(student.calc.scale(x), 2.0 * x,
                         name="scale of a long input named so that the line runs past 160 "
                              "characters, which validate used to cut")
'''


def _add_total(course: Path) -> None:
    """``total: 5``, which validate requires as bundle does."""
    course_yaml = course / "course.yaml"
    course_yaml.write_text(course_yaml.read_text(encoding="utf-8").replace(
        "    exercises:\n", "    total: 5\n    exercises:\n"), encoding="utf-8")


def test_validate_tiny_course(tiny_course: Path) -> None:
    _add_public_scale_test(tiny_course)
    mistakes = tiny_course / "solutions" / "a1" / "mistakes"
    mistakes.mkdir()
    (mistakes / "calc_add_minus.py").write_text(ADD_MINUS, encoding="utf-8")
    (mistakes / "calc_scale_same.py").write_text(SCALE_SAME, encoding="utf-8")

    _add_total(tiny_course)
    report = validate(tiny_course, "a1", seed=3, isolation="auto")

    assert report.seed == 3 and report.total_points == 5.0
    assert [c.ok for c in report.checks] == [True] * 5, render(report)
    by_name = {m.mistake.name: m for m in report.mistakes}
    minus = by_name["calc_add_minus"]
    assert minus.ok and minus.lost == pytest.approx(2.0) and minus.hint_shown
    same = by_name["calc_scale_same"]
    assert not same.ok and same.lost == 0.0 and not same.collateral
    assert "loses no points in calc.scale" in en(same.problems[0])
    assert not report.ok
    text = render(report)
    assert "calc_add_minus" in text and "FAIL" in text and "validation failed: 1 problem" in text


def test_validate_accepts_the_course_file_and_a_broken_catalogue_is_an_error(
    tiny_course: Path,
) -> None:
    from grader.errors import GraderError

    mistakes = tiny_course / "solutions" / "a1" / "mistakes"
    mistakes.mkdir()
    (mistakes / "calc_wrong.py").write_text(
        ADD_MINUS.replace('"calc.add"', '"calc.subtract"'), encoding="utf-8")
    with pytest.raises(GraderError, match=r"calc_wrong\.py"):
        validate(tiny_course / "course.yaml", "a1", seed=1)


def test_checks_on_synthetic_results() -> None:
    points = {"m.f": 2.0, "m.g": 3.0}
    ok = _result([
        FunctionResult("m.f", 2.0, 2.0, "passed", [_test("public"), _test("hidden")]),
        FunctionResult("m.g", 3.0, 3.0, "passed", [_test("hidden")]),
    ])
    assert not _check_tests(ok, points).ok  # m.g has no public test
    ok.functions[1].tests.append(_test("public"))
    assert _check_tests(ok, points).ok and _check_points(ok, points).ok
    assert en(_check_tests(ok, points).detail) == "2 public, 2 hidden tests"

    no_hidden = _result([
        FunctionResult("m.f", 2.0, 2.0, "passed", [_test("public")]),
        FunctionResult("m.g", 3.0, 3.0, "passed", [_test("hidden"), _test("public")]),
    ])
    check = _check_tests(no_hidden, points)
    assert not check.ok and len(check.problems) == 1
    assert en(check.problems[0]).startswith("m.f:") and "no hidden test" in en(check.problems[0])

    no_tests = _result([FunctionResult("m.f", 2.0, 2.0, "passed", [_test("public")])])
    problems = _check_tests(no_tests, points).problems
    assert [en(p).split(":")[0] for p in problems] == ["m.f", "m.g", "m.g"]
    assert "no public test" in en(problems[1]) and "exercises/a1/tests" in en(problems[1])
    assert "no hidden test" in en(problems[2]) and "solutions/a1/tests" in en(problems[2])
    assert not _check_tests("GraderError: boom", points).ok

    wrong_points = _result([
        FunctionResult("m.f", 2.0, 2.0, "passed", [_test("hidden")]),
        FunctionResult("m.g", 4.0, 4.0, "passed", [_test("hidden")]),
    ])
    check = _check_points(wrong_points, points)
    assert not check.ok and any("m.g: 4 ≠ 3" in en(p) for p in check.problems)

    stubs = _result([
        FunctionResult("m.f", 0.0, 2.0, "not_implemented"),
        FunctionResult("m.g", 0.0, 3.0, "failed"),
    ])
    check = _check_stubs(stubs)
    assert not check.ok and check.problems == ["m.g: 0/3 (failed)"]
    assert not _check_stubs("GraderError: boom").ok


def test_render_lists_every_problem() -> None:
    report = ValidationReport(
        assignment="a1", seed=9, isolation="process", points={"m.f": 2.0, "m.g": 3.0},
        checks=[Check("reference", True, "5/5"), Check("hidden", False, "1", ["m.g: none"])],
        mistakes=[
            MistakeOutcome(_mistake("m_f_good", "m.f"), lost=2.0, points=2.0, hint_shown=True),
            MistakeOutcome(_mistake("m_f_spills", "m.f"), lost=1.0, points=2.0,
                           collateral={"m.g": 1.5}, hint_shown=True),
            MistakeOutcome(_mistake("m_g_broken", "m.g"), error="GraderError: boom"),
        ],
    )
    assert not report.ok and report.total_points == 5.0
    text = render(report)
    assert "seed 9" in text and "m_f_good" in text
    assert "✗ hidden: m.g: none" in text
    assert "m.g (-1.5)" in text  # collateral named with the points it cost
    assert "✗ m_g_broken: GraderError: boom" in text
    assert "validation failed: 3 problem(s)" in text
    good = ValidationReport("a1", 1, "bwrap", {"m.f": 1.0}, [Check("reference", True)], [])
    assert good.ok and render(good).endswith("validation passed")


@pytest.mark.slow
def test_validate_the_shipped_course() -> None:
    """The whole lec04 course: reference, stubs, hidden tests, points and every mistake."""
    report = validate(ROOT, "lec04", seed=20240, isolation="auto")
    text = render(report)
    assert all(c.ok for c in report.checks), text
    assert len(report.mistakes) >= 30
    assert all(not m.error and m.lost > 0 and not m.collateral for m in report.mistakes), text
    assert report.ok, text


def test_validate_grades_stubs_generated_from_solutions_not_the_live_exercises(
    tiny_course: Path,
) -> None:
    """Someone has started working in exercises/: validate still sees stubs scoring zero."""
    _add_public_scale_test(tiny_course)
    solution = (tiny_course / "solutions" / "a1" / "calc.py").read_text(encoding="utf-8")
    live = tiny_course / "exercises" / "a1" / "calc.py"
    live.write_text(solution, encoding="utf-8")  # every function implemented in exercises/
    _add_total(tiny_course)

    report = validate(tiny_course, "a1", seed=5, isolation="process")

    assert report.ok, render(report)
    stubs = report.checks[1]
    assert stubs.name_in("ko").startswith("스텁") and stubs.ok and stubs.detail == "0/5"
    assert live.read_text(encoding="utf-8") == solution  # exercises/ untouched


def test_validate_without_nbgrader_fails_the_stub_check_only(
    tiny_course: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    _add_public_scale_test(tiny_course)
    monkeypatch.setitem(sys.modules, "nbgrader", None)
    monkeypatch.setitem(sys.modules, "nbgrader.preprocessors", None)
    report = validate(tiny_course, "a1", seed=5, isolation="process")
    stubs = report.checks[1]
    assert not stubs.ok and "grader[authoring]" in en(stubs.problems[0])
    assert report.checks[0].ok and report.checks[2].ok


def test_tables_align_korean_by_display_width() -> None:
    report = ValidationReport(
        assignment="a1", seed=1, isolation="process", points={"m.f": 1.0},
        checks=[Check("참조 해답 만점 / reference", True, "1/1"), Check("short", False, "세부")],
        mistakes=[MistakeOutcome(_mistake("m_f_한글", "m.f"), lost=1.0, points=1.0,
                                 hint_shown=True)],
    )
    lines = render(report).splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("검사 / check"))
    rows = lines[header:header + 4]
    # The second column starts at the same terminal column in the header and every row.
    starts = [display_width(row[: row.index(word)]) for row, word in
              zip(rows, ["결과", "-", "ok", "FAIL"], strict=True)]
    assert len(set(starts[:1] + starts[2:])) == 1, rows
    mistake_header = next(i for i, line in enumerate(lines) if line.startswith("실수 / mistake"))
    head, row = lines[mistake_header], lines[mistake_header + 2]
    assert display_width(head[: head.index("함수 / function")]) == display_width(
        row[: row.index("m.f")])


def test_the_report_renders_in_one_language_and_names_the_fix() -> None:
    import re

    points = {"m.f": 1.0, "m.g": 1.0}
    check = _check_tests(_result([FunctionResult("m.f", 1.0, 1.0, "passed", [
        TestResult("t", 1.0, 1.0, True, "public", "")])]), points)
    outcome = MistakeOutcome(_mistake("m_g_sign", "m.g"), lost=0.0, points=1.0)
    report = ValidationReport(assignment="a1", seed=3, isolation="process", points=points,
                              checks=[check], mistakes=[outcome])
    ko, en_text = render(report, "ko"), render(report, "en")
    # Korean: the folder and the marker to add, nothing in English but code
    assert "m.g: 숨은 테스트가 없습니다. solutions/a1/tests 폴더에 " \
           '@pytest.mark.grades("m.g") 표시를 한 테스트를 추가하세요.' in ko
    assert "`m.g` 함수에서 감점되지 않았습니다. 이 실수를 잡는 숨은 테스트를 추가하세요." in ko
    assert ko.splitlines()[0].startswith("grader validate — 과제 a1: 시드 3")
    assert "검증 실패: 문제 2건" in ko and "no hidden test" not in ko and "validation" not in ko
    assert "m.g: no hidden test; add a test marked @pytest.mark.grades(\"m.g\") to " \
           "solutions/a1/tests" in en_text
    assert "validation failed: 2 problem(s)" in en_text
    assert not re.search(r"[\uac00-\ud7a3]", en_text), en_text
    # the Korean header cells are two columns wide: the table still lines up
    lines = ko.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("검사"))
    assert display_width(lines[header][: lines[header].index("결과")]) == display_width(
        lines[header + 2][: lines[header + 2].index("FAIL")])


def _outcomes(result: Result | str) -> object:
    """What validate's checks read of a grading: scores, statuses, each test's pass and hint."""
    if isinstance(result, str):
        return result
    return (result.score, result.max_score, result.isolation, [
        (f.name, f.score, f.max_score, f.status,
         [(t.name, t.passed, t.visibility, t.hint) for t in f.tests])
        for f in result.functions])


def test_served_gradings_match_one_grade_call_each_and_a_broken_one_stays_alone(
    tiny_course: Path,
) -> None:
    """validate's pool processes grade their shares in one served session each: every job's
    outcome is what its own ``engine.grade`` call gives, in job order, and a grading that
    raises becomes that job's error string while the jobs after it are still graded."""
    from grader.course.config import load_course
    from grader.course.mistakes import load_catalogue
    from grader.course.validate import _failed, _grade_all, _grade_share, _Job
    from grader.course.variants import build_variant
    from grader.grading.engine import grade

    _add_public_scale_test(tiny_course)
    solutions = tiny_course / "solutions" / "a1"
    (solutions / "mistakes").mkdir()
    (solutions / "mistakes" / "calc_add_minus.py").write_text(ADD_MINUS, encoding="utf-8")
    course = load_course(tiny_course / "course.yaml")
    catalogue = load_catalogue(solutions / "mistakes", course.assignment("a1").functions)
    variant = tiny_course / "variant"
    build_variant(solutions, ["calc"], catalogue[0], variant)
    jobs: list[_Job] = [
        (course, "a1", solutions, None, 5, "process"),
        (course, "a1", tiny_course / "missing", None, 5, "process"),  # raises
        (course, "a1", variant, ["calc"], 5, "process"),
        (course, "a1", tiny_course / "exercises" / "a1", None, 5, "process"),
    ]
    alone: list[Result | str] = []
    for _, _, path, only, seed, isolation in jobs:
        try:
            alone.append(grade(course, "a1", path, seed=seed, isolation=isolation, modules=only))
        except Exception as exc:
            alone.append(_failed(exc))
    assert isinstance(alone[1], str) and isinstance(alone[2], Result)
    assert alone[2].score < alone[0].score  # the variant is caught: the comparison can differ

    served = _grade_share(jobs)
    assert [_outcomes(r) for r in served] == [_outcomes(r) for r in alone]
    pooled = _grade_all(jobs)  # shares over processes, put back in job order
    assert [_outcomes(r) for r in pooled] == [_outcomes(r) for r in alone]


def test_validate_names_the_failing_test_uncut_in_one_language_and_requires_a_total(
    tiny_course: Path,
) -> None:
    """Issue 21 item 4: a reference that fails a hidden test; a course without ``total:``."""
    import re

    reference = tiny_course / "solutions" / "a1" / "calc.py"
    reference.write_text(reference.read_text(encoding="utf-8").replace(
        "return k * x", "return k * x + 1e-3 * x * x"), encoding="utf-8")
    _add_public_scale_test(tiny_course)
    (tiny_course / "solutions" / "a1" / "tests" / "test_exact.py").write_text(HIDDEN_EXACT,
                                                                              encoding="utf-8")
    report = validate(tiny_course, "a1", seed=5, isolation="auto")
    by_name = {en(c.name): c for c in report.checks}
    assert not by_name["reference scores full marks"].ok
    total = by_name["points add up to the total"]
    assert not total.ok and "add 'total: 5'" in en(total.detail)
    english, korean = render(report, "en"), render(report, "ko")
    for rendered, said in ((english, "failing test"), (korean, "실패한 테스트")):
        for test in ("solutions/a1/tests/test_exact.py::test_scale_exact[long]",
                     "exercises/a1/tests/test_scale.py::test_scale_example"):
            assert f"{said} {test}: " in rendered, rendered
    assert "test_calc.py" not in english  # the hidden tests that compare with the reference pass
    # the whole reason, in one language: the long input's name is there, nothing is cut
    line = next(ln for ln in english.splitlines() if "::test_scale_exact[long]: " in ln)
    assert "…" not in line and not re.search(r"[\uac00-\ud7a3]", english)
    assert "scale of a long input named so that the line runs past 160 characters" in line
