"""From test outcomes to points: each graded function's points are split over its tests.

테스트 결과를 함수별 점수로 바꾼다. 함수의 배점은 그 함수의 테스트들에 가중치(weight) 비율로 나뉜다.
Exact fractions are used so that a perfect submission scores exactly the maximum.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from grader import messages
from grader.course.config import Assignment
from grader.grading.penalties import credit as convention
from grader.messages import Msg
from grader.result import FunctionResult, TestResult, Text

MAX_REASON = 1500  # characters of a reason kept per language (as the plugin's MAX_MESSAGE)

# The templates of this module's Msg keys: grader/locale/{ko,en}/LC_MESSAGES/grader.po.


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
    hint: Msg | None = None  # the catalogued mistake that explains the failure, if any
    reason: Msg | None = None  # why it failed, as data (``message`` is it rendered, "ko / en")
    callees: tuple[str, ...] = ()  # graded functions the student's function called
    stand_in_passed: bool = False  # it passed when those callees stood in (grader.grading.reruns)


def demonstrably_wrong(outcomes: Iterable[TestOutcome]) -> set[str]:
    """Functions that failed one of their own tests, not explained by a stand-in rerun."""
    return {o.function for o in outcomes if not o.passed and not o.stand_in_passed}


def culprits(outcome: TestOutcome, wrong: set[str]) -> list[str]:
    """Why a failing test of a right function failed: the wrong functions it called.

    "Your f is right" is said only of an f not wrong itself: every failing test of f passed
    with the stand-ins (one that failed even so shows f is wrong on its own)."""
    if outcome.passed or not outcome.stand_in_passed or outcome.function in wrong:
        return []
    return sorted(c for c in outcome.callees if c in wrong and c != outcome.function)


def _short(function: str) -> str:
    return function.split(".", 1)[-1]


def rescued_msg(function: str, names: list[str]) -> Msg:
    """"your f is right; it called your g, which is wrong" for ``function`` and ``names``."""
    return Msg("scoring.right_but_called_wrong", function=_short(function),
               culprits="`, `".join(_short(n) for n in names))


def _reason(outcome: TestOutcome, names: list[str], credit: Fraction) -> Text | None:
    """The failure's reason as data (``TestResult.reason``, without the hint): for a rescued
    test, whose fault it was, then the original reason."""
    if outcome.passed and not names:
        return None
    base: Msg | str = outcome.reason if outcome.reason is not None else _without_hint(outcome)
    if not names:
        return _clipped(messages.to_data(base)) if base else None
    head = rescued_msg(outcome.function, names)
    if credit != 1:
        head = Msg("messages.space", first=head,
                   second=Msg("scoring.share", percent=f"{float(credit) * 100:g}"))
    return _clipped(messages.to_data(messages.join_with("messages.lines", head, base)))


def _without_hint(outcome: TestOutcome) -> str:
    """The plain-text message of a failure, without the hint the plugin appended to it."""
    text = outcome.message
    if outcome.hint is not None:
        hint = outcome.hint.render()
        if text.endswith("\n" + hint):
            return text[: -len(hint) - 1]
        if text == hint:
            return ""
    return text


def _clipped(data: Text) -> Text:
    """Long texts among the parameters cut to ``MAX_REASON`` characters."""
    if isinstance(data, str):
        return data[:MAX_REASON]
    params = {k: _clipped(v) if isinstance(v, dict | str) else v
              for k, v in data.get("params", {}).items()}
    return {**data, "params": params}


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


def _hint(outcome: TestOutcome) -> dict[str, Any] | None:
    data = messages.to_data(outcome.hint) if outcome.hint is not None else None
    return data if isinstance(data, dict) else None


def _round(x: Fraction) -> float:
    return round(float(x), 4)


def score(assignment: Assignment, outcomes: Iterable[TestOutcome],
          dependency_credit: float = 1.0) -> list[FunctionResult]:
    """Per-function results in the order of course.yaml; every graded function appears.

    A failing test that passed with stand-ins for demonstrably wrong callees earns
    ``dependency_credit`` of its share (course.yaml, default 1: full points)."""
    outcomes = list(outcomes)
    wrong = demonstrably_wrong(outcomes)
    credit = Fraction(dependency_credit).limit_denominator(10_000)
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
            blamed = culprits(t, wrong)
            got = share if t.passed else share * credit if blamed else share * convention(t.reason)
            earned += got
            rows.append(TestResult(
                t.name, _round(got), _round(share), t.passed or (bool(blamed) and got == share),
                t.visibility, output=t.output, duration_s=t.duration_s,
                hint=_hint(t), culprits=blamed, reason=_reason(t, blamed, credit)))
        status = _status(tests, earned, total_points if tests else Fraction(-1))
        results.append(FunctionResult(name, _round(earned), float(points), status, rows))
    return results


def total(functions: Iterable[FunctionResult]) -> tuple[float, float]:
    fs = list(functions)
    return round(sum(f.score for f in fs), 2), round(sum(f.max_score for f in fs), 2)
