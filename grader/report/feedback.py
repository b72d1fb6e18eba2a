"""The course's feedback policy for hidden tests, applied before any report is rendered.

숨은 테스트 공개 범위: ``feedback.hidden_tests: summary``(기본)이면 숨은 테스트는 이름과 점수만
보이고, 메시지(입력값, 기대값)와 학생 코드의 출력은 감춘다. 흔한 실수 힌트는 코드를 알려 주지 않으므로
남긴다. ``full``이면 모두 보인다. 감춘 테스트도 무엇이 틀렸는지(값, dtype, 형태…)는 값 없이 알린다.
"""

from __future__ import annotations

import copy

from grader import messages
from grader.grading.scoring import rescued_msg
from grader.messages import Msg
from grader.report.failed_property import failed_property
from grader.result import WITHHELD, Result

HIDDEN = Msg(WITHHELD)
HIDDEN_MESSAGE = HIDDEN.render()


def apply(result: Result, hidden_tests: str) -> Result:
    """A copy of ``result`` that shows of each hidden test only what the policy allows.

    The student's printed output is hidden too: a submission could print the hidden inputs.
    """
    if hidden_tests == "full":
        return result
    shown = copy.deepcopy(result)
    for function in shown.functions:
        for test in function.tests:
            if test.visibility == "public":
                continue
            test.output = ""
            failed = failed_property(test.reason)
            test.reason = None  # it may hold the inputs and expected values
            if test.passed and test.culprits:  # rescued: whose fault it was, nothing more
                test.reason = messages.to_data(rescued_msg(function.name, test.culprits))
            elif not test.passed:  # the hint stays: it names a mistake, not the inputs
                withheld = HIDDEN if failed is None else Msg("feedback.hidden_property",
                                                               what=failed)
                rescued = rescued_msg(function.name, test.culprits) if test.culprits else ""
                test.reason = messages.to_data(messages.join_with("messages.lines", withheld,
                                                                  rescued))
    return shown
