"""``--format github``: what a GitHub Actions step shows of a grading.

GitHub Actions 보고서: 작업 요약(``$GITHUB_STEP_SUMMARY``에 마크다운 표), 학생 함수 정의 줄의 오류
주석(workflow command ``::error``), GitHub Classroom이 읽는 ``Points X/Y`` 알림.

- the job summary is the Markdown report (``grader.report.markdown``);
- one ``::error file=…,line=…,title=…::`` annotation per function that lost points, on the line
  of its ``def`` in the student's module (found by parsing the module with ``ast`` on the trusted
  side — it is never imported here); GitHub keeps 10 per step, so the 10 that lost the most
  points are shown and a line says how many more there are;
- ``::notice title=Autograding complete::Points X/Y`` and the JSON ``Autograding report``
  notice, the two lines GitHub Classroom's grading reporter prints and reads.

Values are escaped as the workflow-command rules require (``%``, CR, LF; in properties also
``:`` and ``,``), so a message from student code cannot end a command early or start another.
"""

from __future__ import annotations

import ast
import json
import os
from collections.abc import Mapping
from pathlib import Path

from grader.intake import safe_parse
from grader.messages import Msg
from grader.report import markdown, utf8_safe
from grader.report.text import status_word
from grader.result import Result

MAX_ANNOTATIONS = 10
MESSAGE_CHARS = 1000
MAX_SOURCE_BYTES = 2 << 20

# "module.function" -> (file relative to the workspace, line of the def or None)
Locations = dict[str, tuple[str, int | None]]


def escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def command(name: str, message: str, **properties: object) -> str:
    """One workflow command line, every value escaped."""
    props = ",".join(f"{k}={escape_property(str(v))}" for k, v in properties.items()
                     if v is not None)
    return f"::{name}{' ' + props if props else ''}::{escape_data(message)}"


def repository_root(folder: Path, workspace: Path) -> Path:
    """What annotation paths are relative to: the checkout holding ``folder`` (the nearest
    folder with ``.git`` up to the workspace), so that GitHub can place them on the pull
    request's diff also when the pull request is checked out into a subfolder."""
    folder, workspace = folder.resolve(), workspace.resolve()
    for candidate in [folder, *folder.parents]:
        if (candidate / ".git").exists():
            return candidate
        if candidate == workspace:
            break
    return workspace


def function_locations(folder: Path, files: Mapping[str, bytes], modules: list[str],
                       workspace: Path) -> Locations:
    """Where each top-level function of the student's modules is defined.

    ``files`` are the module files as read by ``grader.intake.reader`` (name -> contents, found in
    ``folder``); the source is parsed, never run. A module that is missing, too large or not
    valid Python gets no locations (its annotations then carry no file).
    """
    found: Locations = {}
    for module in modules:
        source = files.get(f"{module}.py")
        if source is None or len(source) > MAX_SOURCE_BYTES:
            continue
        path = folder / f"{module}.py"
        try:
            tree = safe_parse.python_tree(safe_parse.text(source, path.name), path.name)
        except safe_parse.Unreadable:
            continue
        try:
            shown = Path(os.path.relpath(path.resolve(), workspace.resolve())).as_posix()
        except ValueError:  # another drive on Windows
            shown = path.as_posix()
        if shown.startswith("../"):
            shown = path.resolve().as_posix()
        for node in tree.body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                found[f"{module}.{node.name}"] = (shown, node.lineno)  # the last def wins
    return found


def error_annotations(result: Result, locations: Locations | None = None) -> list[str]:
    """``::error`` lines for the functions that lost the most points, and how many more."""
    locations = locations or {}
    order = {f.name: i for i, f in enumerate(result.functions)}
    lost = sorted((f for f in result.functions if f.score < f.max_score),
                  key=lambda f: (f.score - f.max_score, order[f.name]))
    lines = []
    for f in lost[:MAX_ANNOTATIONS]:
        file, line = locations.get(f.name, (None, None))
        label = status_word(f.status, result.language)
        message = f.summary_in(result.language).strip() or label
        if len(message) > MESSAGE_CHARS:
            message = message[: MESSAGE_CHARS - 1] + "…"
        title = f"{f.name}: {markdown.points(f.score, f.max_score)} ({label})"
        lines.append(command("error", message, file=file, line=line, title=title))
    if len(lost) > MAX_ANNOTATIONS:
        more = len(lost) - MAX_ANNOTATIONS
        lines.append(Msg("github.more_lost", count=more).render(result.language))
    return lines


def classroom_notices(result: Result) -> list[str]:
    """The two notices GitHub Classroom's grading reporter prints; Classroom reads the first."""
    report = json.dumps({"totalPoints": result.score, "maxPoints": result.max_score})
    return [command("notice", f"Points {result.score:g}/{result.max_score:g}",
                    title="Autograding complete"),
            command("notice", report, title="Autograding report")]


def render(result: Result, locations: Locations | None = None) -> str:
    """What the step prints: annotations, then the Classroom notices."""
    return "\n".join([*error_annotations(result, locations), *classroom_notices(result)]) + "\n"


def write_summary(result: Result, summary_file: str | None) -> str | None:
    """Append the Markdown report to the job summary file; return it when there is none (the
    caller prints it instead)."""
    text = markdown.render(result)
    if not summary_file:
        return text
    with open(summary_file, "a", encoding="utf-8") as f:
        f.write(utf8_safe(text) + "\n")
    return None
