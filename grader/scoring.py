"""From test outcomes to points: each graded function's points are split over its tests.

테스트 결과를 함수별 점수로 바꾼다. 함수의 배점은 그 함수의 테스트들에 가중치(weight) 비율로 나뉜다.
Exact fractions are used so that a perfect submission scores exactly the maximum.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction

from grader.course import Assignment
from grader.result import FunctionResult, TestResult


@dataclass(frozen=True)
class TestOutcome:
    """One suite test, as the plugin saw it."""

    __test__ = False  # not a pytest test class

    name: str
    function: str  # "module.function" from the grades marker
    weight: float
    visibility: str
    passed: bool
    status: str = "failed"  # the status this failure suggests (see grader.errors)
    message: str = ""
    output: str = ""
    duration_s: float = 0.0


# When a function earned nothing, the status says why; the most specific cause wins.
_PRIORITY = ("missing", "error", "timeout", "failed")


def _status(outcomes: list[TestOutcome], earned: Fraction, total: Fraction) -> str:
    if not outcomes:
        return "missing"
    if earned == total:
        return "passed"
    if earned > 0:
        return "partial"
    failures = [o.status for o in outcomes if not o.passed]
    if failures and all(s == "not_implemented" for s in failures):
        return "not_implemented"
    for status in _PRIORITY:
        if status in failures:
            return status
    return "failed"


def _round(x: Fraction) -> float:
    return round(float(x), 4)


def score(assignment: Assignment, outcomes: Iterable[TestOutcome]) -> list[FunctionResult]:
    """Per-function results in the order of course.yaml; every graded function appears."""
    by_function: dict[str, list[TestOutcome]] = {name: [] for name in assignment.functions}
    for o in outcomes:
        if o.function in by_function:
            by_function[o.function].append(o)
    results = []
    for name, points in assignment.functions.items():
        tests = by_function[name]
        total_points = Fraction(points)
        weights = sum(Fraction(t.weight) for t in tests)
        earned = Fraction(0)
        rows = []
        for t in tests:
            share = total_points * Fraction(t.weight) / weights if weights else Fraction(0)
            got = share if t.passed else Fraction(0)
            earned += got
            rows.append(TestResult(t.name, _round(got), _round(share), t.passed, t.visibility,
                                   t.message, t.output, t.duration_s))
        status = _status(tests, earned, total_points if tests else Fraction(-1))
        results.append(FunctionResult(name, _round(earned), float(points), status, rows))
    return results


def total(functions: Iterable[FunctionResult]) -> tuple[float, float]:
    fs = list(functions)
    return round(sum(f.score for f in fs), 2), round(sum(f.max_score for f in fs), 2)
