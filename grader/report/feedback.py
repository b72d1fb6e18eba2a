"""The course's feedback policy for hidden tests, applied before any report is rendered.

숨은 테스트 공개 범위: ``feedback.hidden_tests: summary``(기본)이면 숨은 테스트는 이름과 점수만
보이고, 메시지(입력값, 기대값)와 학생 코드의 출력은 감춘다. 흔한 실수 힌트는 코드를 알려 주지 않으므로
남긴다. ``full``이면 모두 보인다.
"""

from __future__ import annotations

import copy

from grader.result import Result
from grader.scoring import rescued_msg

HIDDEN_MESSAGE = ("숨은 테스트: 자세한 내용은 공개하지 않습니다 / hidden test: the details are not "
                  "shown (feedback.hidden_tests: summary)")


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
            if not test.passed:
                lines = [HIDDEN_MESSAGE]
                if test.culprits:
                    lines.append(rescued_msg(function.name, test.culprits).render())
                if test.hint:
                    lines.append(test.hint_text())
                test.message = "\n".join(lines)
    return shown
