"""Points are split over a function's tests by weight; statuses say why points were lost."""

from __future__ import annotations

from grader.course.config import Assignment
from grader.grading.scoring import TestOutcome, score, total

A = Assignment("a", {"ko": "과제", "en": "a"}, {"m": {"f": 3, "g": 2, "h": 1, "k": 4}})


def outcome(function, passed, weight=1, status="failed", name="t"):
    return TestOutcome(name, function, weight, "hidden", passed, status, "" if passed else "why")


def test_weights_split_points_and_full_marks_are_exact():
    results = score(A, [
        outcome("m.f", True, 1), outcome("m.f", True, 1), outcome("m.f", True, 1),
        outcome("m.g", True, 2), outcome("m.g", False, 1),
        outcome("m.h", False, status="not_implemented"),
    ])
    by = {r.name: r for r in results}
    assert by["m.f"].score == 3 and by["m.f"].status == "passed"
    assert abs(by["m.g"].score - 2 * 2 / 3) < 1e-4 and by["m.g"].status == "partial"
    assert by["m.g"].reason == "why"
    assert by["m.h"].status == "not_implemented" and by["m.h"].score == 0
    # a graded function with no test outcome still appears
    assert by["m.k"].score == 0 and by["m.k"].max_score == 4
    assert total(results)[1] == 10


def test_status_priority_when_nothing_was_earned():
    cases = {
        "missing": ["missing", "failed"],
        "error": ["error", "not_implemented"],
        "timeout": ["timeout", "failed"],
        "failed": ["failed", "not_implemented"],
    }
    for expected, statuses in cases.items():
        r = score(A, [outcome("m.f", False, status=s) for s in statuses])[0]
        assert r.status == expected, (expected, statuses)
