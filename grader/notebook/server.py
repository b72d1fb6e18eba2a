"""The checking process a notebook's kernel keeps warm: the trusted side of ``%grade``.

노트북 커널이 띄워 두는 채점 프로세스. 학생 코드는 커널에도 이 프로세스에도 들어오지 않고, 채점마다
격리된 작업자에서만 실행된다.

The kernel runs the student's code, so it never grades: it sends the code it executed (a
notebook made of its history, ``grader.notebook.history``) to this process, which grades it
exactly as ``grader check`` grades a notebook — fence, public and hidden suites, hints,
stand-ins, notes — and answers with the rendered report. The pytest session stays open between
checks (``engine.serve``: the suites are collected once), so a re-check pays only for its own
worker and tests.

Requests and answers are JSON lines on two pipes kept apart from fds 0-2, which pytest captures
during a grading (what pytest prints goes to stderr, which the kernel drains).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from grader import messages
from grader.course.config import Course, load_course
from grader.errors import GraderError
from grader.grading import engine
from grader.intake import notebook_code
from grader.messages import Msg
from grader.result import Result

# The one call into the grading core: re-pointed when the core moves (grader/grading/).
Check = Callable[[Path, "list[str] | None", "int | None", bool], Result]


def grade_adapter(grader_session: engine.Grader) -> Check:
    """How this process grades one notebook: ``grader check``'s grading, in the open session."""
    def check(path: Path, functions: list[str] | None, seed: int | None,
              pictures: bool) -> Result:
        from grader.report import pictures as drawn  # the pictures are part of the grading

        return grader_session.grade(path, seed=seed, functions=functions,
                                    during=[drawn.in_session()] if pictures else [])
    return check


def wanted_functions(course: Course, assignment: str | None, source: str,
                     names: list[str]) -> tuple[list[str], Msg | None]:
    """``module.function`` of what to grade: the named functions (bare or ``module.function``),
    else every graded function the code defines so far; or why there is nothing to grade."""
    a = course.assignment(assignment)
    graded = list(a.functions)
    if names:
        chosen, unknown = [], []
        for name in names:
            match = [g for g in graded if name in (g, g.split(".", 1)[1])]
            (chosen.extend(match) if match else unknown.append(name))
        if unknown:
            return [], Msg("notebook.unknown_functions", names=", ".join(unknown),
                           known=", ".join(g.split(".", 1)[1] for g in graded))
        return list(dict.fromkeys(chosen)), None
    defined = [f"{m}.{f}" for m, fns in a.exercises.items()
               for f in sorted(notebook_code.defined(source, fns))]
    if not defined:
        return [], Msg("notebook.nothing_defined", assignment=a.name)
    return [g for g in graded if g in defined], None


class _Answers:
    """Reads requests, writes answers (one JSON line each)."""

    def __init__(self, requests: int, answers: int) -> None:
        self._in = os.fdopen(requests, "r", encoding="utf-8")
        self._out = os.fdopen(answers, "w", encoding="utf-8")

    def requests(self) -> Any:
        for line in self._in:  # ends when the kernel closes the pipe (or dies)
            try:
                request = json.loads(line)
            except ValueError:
                continue
            if isinstance(request, dict):
                yield request

    def send(self, answer: dict[str, Any]) -> None:
        self._out.write(json.dumps(answer, ensure_ascii=False) + "\n")
        self._out.flush()


def _error_answer(request: dict[str, Any], error: Msg | str) -> dict[str, Any]:
    data = error if isinstance(error, Msg) else Msg("notebook.failed", error=str(error))
    return {"id": request.get("id"), "error": {lang: messages.render(data, lang)
                                               for lang in messages.LANGS}}


def answer(course: Course, check: Check, request: dict[str, Any], folder: Path,
           isolation: str = "auto") -> dict[str, Any]:
    """Grade one request's notebook and render its report (text and HTML)."""
    from grader.notebook import render

    names = [str(n) for n in request.get("functions") or []]
    lang = request.get("lang")
    lang = lang if lang in messages.LANGS else None
    name = Path(str(request.get("name") or "notebook.ipynb")).name
    path = folder / (name if name.endswith(".ipynb") else name + ".ipynb")
    notebook = str(request.get("notebook", "")).encode("utf-8")
    try:
        source = notebook_code.extract(path.name, notebook).source
        functions, nothing = wanted_functions(course, None, source, names)
        if nothing is not None:
            return _error_answer(request, nothing)
        path.write_bytes(notebook)
        seed = request.get("seed")
        result = check(path, functions, seed if isinstance(seed, int) else None,
                       bool(request.get("pictures")))
        if lang is not None:
            result.language = lang
        return {"id": request.get("id"), "score": result.score, "max_score": result.max_score,
                **render.both(result, course)}
    except GraderError as exc:
        return _error_answer(request, exc.data)
    except notebook_code.NotebookUnreadable as exc:
        return _error_answer(request, exc.data)


def main() -> None:
    from grader.worker.limits import die_with_parent

    course_path, isolation = Path(sys.argv[1]), sys.argv[2]
    channel = _Answers(os.dup(0), os.dup(1))
    os.dup2(2, 1)  # a stray print never lands in the answers
    die_with_parent()
    try:
        course = load_course(course_path)
    except GraderError as exc:
        _refuse_all(channel, exc.data)
        return

    def work(grader_session: engine.Grader) -> None:
        check = grade_adapter(grader_session)
        channel.send({"ready": True})
        with tempfile.TemporaryDirectory(prefix="grader-notebook-") as folder:
            for request in channel.requests():
                try:
                    reply = answer(course, check, request, Path(folder), isolation)
                except Exception as exc:  # a bug of ours: said, and the next check still runs
                    reply = _error_answer(request, f"{type(exc).__name__}: {exc}")
                channel.send(reply)

    try:
        engine.serve(course, None, work, isolation=isolation, warm=True)
    except GraderError as exc:  # no fence for the hidden suites, suites that do not collect
        _refuse_all(channel, exc.data)
    except KeyboardInterrupt:
        pass


def _refuse_all(channel: _Answers, why: Msg | str) -> None:
    """Every request gets the reason this process cannot grade (as ``grader check`` says it)."""
    channel.send({"ready": False})
    for request in channel.requests():
        channel.send(_error_answer(request, why))


if __name__ == "__main__":
    main()
