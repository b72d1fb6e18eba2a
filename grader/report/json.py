"""The JSON report (``grader.result/v1``)."""

from __future__ import annotations

import json

from grader.result import Result


def render(result: Result) -> str:
    return json.dumps(result.to_json(), ensure_ascii=False, indent=2) + "\n"
