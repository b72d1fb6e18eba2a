"""``--format classroom``: the runner result GitHub Classroom's reporter reads.

GitHub Classroom 자동 채점 보고기(autograding-grading-reporter)가 읽는 실행기(runner) 결과 JSON.

The reporter (``classroom-resources/autograding-grading-reporter``, v1) takes, for each runner
id listed in its ``runners`` input, the environment variable ``<ID>_RESULTS``: this JSON,
base64-encoded. It prints ``Points {sum of every test's score}/{sum of max_score}`` as the
notice "Autograding complete", which Classroom records. So each graded function is one test
whose ``score`` is its points: the sum is the grade, partial credit included. (The reporter's
console table counts passed tests instead, so it shows less for a partly right function; the
notice is what counts.)
"""

from __future__ import annotations

import json

from grader.report.github import Locations
from grader.result import FunctionResult, Result

# The runner result format of Classroom's own runners (autograding-python-grader's version 3).
VERSION = 3
_ERRORS = ("error", "timeout")


def _status(f: FunctionResult) -> str:
    if f.score >= f.max_score:
        return "pass"
    return "error" if f.status in _ERRORS else "fail"


def _message(f: FunctionResult, lang: str) -> str:
    reason, hint = f.reason_in(lang), f.hint_in(lang)
    return "\n".join(part for part in (reason, hint) if part)


def runner_result(result: Result, locations: Locations) -> dict[str, object]:
    """The runner result as data (what ``render`` writes as JSON)."""
    tests = []
    for f in result.functions:
        file, line = locations.get(f.name, (None, None))
        tests.append({
            "name": f.name,
            "status": _status(f),
            "score": f.score,
            "max_score": f.max_score,
            "message": _message(f, result.language) if f.score < f.max_score else "",
            "filename": file or "",
            "line_no": line or 0,
            "execution_time": f"{sum(t.duration_s for t in f.tests):.2f}s",
        })
    return {
        "version": VERSION,
        "status": "pass" if result.score >= result.max_score else "fail",
        "max_score": result.max_score,
        "tests": tests,
    }


def render(result: Result, locations: Locations) -> str:
    return json.dumps(runner_result(result, locations), ensure_ascii=False) + "\n"
