"""A mistake costs its points once: rerun a failing test with stand-ins for the student's own
graded functions that it called.

틀린 함수 하나가 그 함수를 부르는 다른 함수들의 점수까지 깎지 않게 한다: 실패한 테스트를, 그 함수가
부른 학생의 다른 채점 대상 함수를 참조 해답의 값으로 대신해 한 번 더 실행한다.

When a test of *f* fails and *f* called other graded functions of the submission (the worker
says which, ``grader.worker.standin``), the test runs once more with those functions standing
in: inside the worker each nested call of one of them asks the trusted side, which computes the
reference here and answers with plain data — the reference's code never enters the worker.
Whether the rerun earns anything is decided by ``scoring``, after the whole grading: only when a
callee is demonstrably wrong (it failed one of its own tests, and that failure was not itself
explained by a stand-in), and only ``course.dependency_credit`` of the test's share.

What the worker says is untrusted: its list of callees only chooses which functions may stand
in (graded functions of the submission, never *f* itself), the trusted side answers only for
those, at most ``MAX_ANSWERS`` times per rerun, and a stand-in's value is the reference's, so
a function that does not do its own job (a stub, or one that forwards to another graded
function with another contract) still fails its test.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pytest

from grader.grading import pytest_internals
from grader.grading.deadline import OutOfTime, time_limit
from grader.worker import protocol

if TYPE_CHECKING:
    from grader.grading.plugin import GradingRun

MAX_ANSWERS = 10_000  # stand-in answers in one rerun (a loop of train_xor's epochs fits)


@dataclass(frozen=True)
class StandInRecord:
    """What the rerun of one failing test showed."""

    stand_ins: tuple[str, ...]  # the functions that stood in
    passed: bool


STAND_IN = pytest.StashKey[StandInRecord]()


class _Answers:
    """Answers the worker's ``reference`` requests for the rerun's stand-ins only."""

    def __init__(self, run: GradingRun, stand_ins: frozenset[str]) -> None:
        self.run, self.stand_ins, self.count = run, stand_ins, 0
        # All answers of one rerun together get at most one call's timeout.
        self.seconds_left = float(run.course.limits.call_timeout_s)

    def __call__(self, request: dict[str, Any]) -> dict[str, Any]:
        function = request.get("function")
        self.count += 1
        if not isinstance(function, str) or function not in self.stand_ins:
            return {"op": "reference", "error": f"{function!r} does not stand in"}
        if self.count > MAX_ANSWERS:
            return {"op": "reference", "error": f"more than {MAX_ANSWERS} stand-in calls"}
        args, kwargs = request.get("args"), request.get("kwargs")
        if not isinstance(args, list) or not isinstance(kwargs, dict):
            return {"op": "reference", "error": "malformed stand-in call"}
        if self.seconds_left <= 0:
            return {"op": "reference", "error": "the stand-ins' time is used up"}
        start = time.monotonic()
        try:
            with time_limit(self.seconds_left), np.errstate(all="ignore"):
                value = self.run.reference_value(function, args, kwargs)
        except OutOfTime:
            self.seconds_left = 0.0
            return {"op": "reference", "error": "the reference took too long on these arguments"}
        except Exception as exc:  # the reference refuses these arguments: the student's bug
            return {"op": "reference", "error": protocol.error_record(
                [type(exc).__name__], str(exc)[:500])}
        finally:
            self.seconds_left -= time.monotonic() - start
        return {"op": "reference", "value": value}


def rerun(run: GradingRun, item: pytest.Function, function: str,
          fresh_rng: Callable[[], np.random.Generator]) -> StandInRecord | None:
    """Run ``item``'s test function once more with stand-ins for the graded functions that
    ``function`` called in its failing run; None when it called none."""
    session = run.session
    stand_ins = frozenset(session.callees - {function})
    if not stand_ins:
        return None
    funcargs = dict(item.funcargs)
    if "rng" in funcargs:  # the same inputs as the failing run
        funcargs["rng"] = fresh_rng()
    arguments = {name: funcargs[name] for name in pytest_internals.fixture_names(item) if name in funcargs}
    with session.standing_in(sorted(stand_ins), _Answers(run, stand_ins)):
        try:
            item.obj(**arguments)
            passed = True
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException:  # any failure of the rerun: no credit
            passed = False
    return StandInRecord(tuple(sorted(stand_ins)), passed)
