"""Provisional points where no stand-in can rescue a function (issue 20, item 8).

참조 해답이 없는 학생 저장소에서는 대신 함수(stand-in)로 다시 실행할 수 없다. 그래서 자기 테스트에서
틀린 다른 채점 함수를 부르다 실패한 함수는 "잠정" 점수로 표시하고, 최종 채점이 다시 실행한다고 알린다.

In a released student tree there is no reference, so a right ``backward`` that calls the
student's wrong ``sigmoid_derivative`` cannot be rerun with a stand-in: it would show 0/9 where
the trusted grade gives 9/9. Such a test says so instead — it depends on the function that fails
its own tests, and its points are provisional until the final grade reruns it.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from grader import messages
from grader.grading.scoring import TestOutcome, demonstrably_wrong
from grader.messages import Msg
from grader.result import FunctionResult


def provisional_msg(function: str, culprits: list[str]) -> Msg:
    short = [c.split(".", 1)[-1] for c in culprits]
    return Msg("provisional.depends", function=function.split(".", 1)[-1],
               culprits="`, `".join(short))


def mark(functions: Iterable[FunctionResult], outcomes: Iterable[TestOutcome],
         reference_dir: Path) -> None:
    """Mark, in place, each failing test that called a graded function failing its own tests
    whose reference is not here to stand in for it (the reason then starts with it)."""
    outcomes = list(outcomes)
    wrong = demonstrably_wrong(outcomes)
    by_test = {(o.function, o.name): o for o in outcomes}
    for function in functions:
        for test in function.tests:
            outcome = by_test.get((function.name, test.name))
            if test.passed or outcome is None or outcome.stand_in_passed:
                continue
            culprits = sorted(c for c in outcome.callees if c in wrong and c != function.name
                              and not (reference_dir / f"{c.split('.', 1)[0]}.py").is_file())
            if not culprits:
                continue
            note = provisional_msg(function.name, culprits)
            own = messages.from_data(test.reason) if isinstance(test.reason, dict) \
                else test.reason or ""
            test.reason = messages.to_data(messages.join_with("messages.lines", note, own))
