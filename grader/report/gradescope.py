"""Gradescope's ``results.json`` (the autograder specification's fields).

Gradescope 자동 채점 결과 형식. 테스트 하나가 한 줄(tests[])이 되고, 숨은 테스트는 과목의
``feedback.hidden_tests`` 정책을 따른다: ``summary``(기본)이면 점수가 공개된 뒤에만
(``after_published``) 이름과 점수만 보이고, ``full``이면 바로 보인다.

The student's printed output (``stdout_visibility``) is hidden until the scores are published:
a submission could print the hidden inputs.
"""

from __future__ import annotations

import json
from typing import Any

from grader.report import feedback
from grader.report.text import report_word, status_word
from grader.result import Result

# Gradescope's visibility values, from most to least visible.
VISIBILITIES = ("visible", "after_published", "after_due_date", "hidden")
MAX_OUTPUT = 8000  # characters of one test's output (Gradescope's page stays readable)


def _cap(text: str) -> str:
    return text if len(text) <= MAX_OUTPUT else text[: MAX_OUTPUT - 1] + "…"


def results(result: Result, hidden_tests: str = "summary") -> dict[str, Any]:
    """The ``results.json`` object of ``result`` under the course's hidden-test policy."""
    shown = feedback.apply(result, hidden_tests)
    hidden_visibility = "visible" if hidden_tests == "full" else "after_published"
    tests: list[dict[str, Any]] = []
    for i, function in enumerate(shown.functions, start=1):
        label = status_word(function.status, shown.language)
        if not function.tests:  # nothing ran for it (a missing module): one row says so
            tests.append({
                "name": f"{function.name} — {label}", "number": f"{i}",
                "score": function.score, "max_score": function.max_score,
                "status": "failed", "visibility": "visible",
                "output": report_word("not_found", shown.language),
            })
            continue
        for j, test in enumerate(function.tests, start=1):
            output = test.message_in(shown.language)
            if test.output:
                output += (("\n\n" if output else "") + report_word("printed", shown.language) + ":\n"
                           + test.output)
            tests.append({
                "name": f"{function.name}: {test.name}",
                "number": f"{i}.{j}",
                "score": test.score,
                "max_score": test.max_score,
                "status": "passed" if test.passed else "failed",
                "visibility": "visible" if test.visibility == "public" else hidden_visibility,
                "output": _cap(output),
            })
    summary = [f"{shown.assignment}: {shown.score:g} / {shown.max_score:g}"]
    summary += [f"{status_word(f.status, shown.language)}  {f.name}  {f.score:g}/{f.max_score:g}"
                for f in shown.functions]
    refused = report_word("refused_short", shown.language)
    summary += [f"{refused}: {r}" for r in shown.refused_in()]
    summary += [f"※ {note}" for note in shown.notes_in()]
    return {
        "score": shown.score,
        "execution_time": round(shown.duration_s),  # whole seconds, as in the spec's example
        "output": _cap("\n".join(summary)),
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": tests,
        "extra_data": {"schema": "grader.result/v1", "seed": shown.seed,
                       "isolation": shown.isolation, "grader_version": shown.grader_version},
    }


def render(result: Result, hidden_tests: str = "summary") -> str:
    return json.dumps(results(result, hidden_tests), ensure_ascii=False, indent=2) + "\n"
