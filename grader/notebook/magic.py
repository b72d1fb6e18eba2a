"""``%grade`` and ``grade()`` in the kernel: send what the kernel executed to the checking
process and display its report (HTML in a notebook, text in a terminal).

커널 안의 ``%grade``: 실행한 셀을 채점 프로세스로 보내고 결과를 보여 준다.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from IPython.core.magic_arguments import argument, magic_arguments, parse_argstring

from grader.course.config import find_course, load_course
from grader.errors import GraderError
from grader.messages import LANGS, Msg, choose_language
from grader.notebook import history
from grader.notebook.client import Checker, CheckerGone


@dataclass
class Report:
    """One check's report: rich display in a notebook, plain text in a terminal."""

    text: str
    html: str
    score: float | None = None
    max_score: float | None = None

    def _repr_html_(self) -> str:
        return self.html

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(self.text)

    def __repr__(self) -> str:
        return self.text


class CheckInterrupted(KeyboardInterrupt):
    """The kernel's interrupt stopped a check: the cell ends in error (so "run all" stops
    there), shown as its one line; IPython's full traceback would take longer than the
    interrupt may (``_render_traceback_`` is IPython's protocol for that)."""

    def _render_traceback_(self) -> list[str]:
        return [f"KeyboardInterrupt: {self}"]


def _message(msg: Msg | str, lang: str) -> Report:
    text = msg.render(lang) if isinstance(msg, Msg) else msg
    return Report(text, f"<pre>{html.escape(text)}</pre>")


class _Kernel:
    """This kernel's checking process and its course (found from the working folder)."""

    checker: Checker | None = None
    language: str | None = None


def _checker() -> Checker:
    course = find_course(Path.cwd())
    if _Kernel.checker is None or _Kernel.checker.course != course:
        if _Kernel.checker is not None:
            _Kernel.checker.close()
        _Kernel.language = load_course(course).language
        _Kernel.checker = Checker(course)
    return _Kernel.checker


def load(shell: Any) -> None:
    """Register ``%grade`` and start the checking process now, so the first check is warm."""
    shell.register_magic_function(grade_magic, "line", "grade")
    try:
        _checker()
    except GraderError:  # no course.yaml above the working folder yet: said at the first check
        pass


def unload() -> None:
    if _Kernel.checker is not None:
        _Kernel.checker.close()
        _Kernel.checker = None


def grade(*functions: str, lang: str | None = None, pictures: bool = False) -> Report:
    """Grade what this kernel executed (see ``grader.notebook``)."""
    from IPython import get_ipython

    said = choose_language(lang if lang in LANGS else None, _Kernel.language)
    shell = get_ipython()
    if shell is None:
        return _message(Msg("notebook.no_ipython"), said)
    try:
        checker = _checker()
    except GraderError as exc:
        return _message(exc.data, said)
    said = choose_language(lang if lang in LANGS else None, _Kernel.language)
    cells = list(shell.history_manager.input_hist_raw[1:])
    request = {"notebook": history.as_notebook(cells, shell.transform_cell),
               "name": history.notebook_name(shell.user_ns),
               "functions": [n for f in functions for n in f.replace(",", " ").split()],
               "lang": lang, "pictures": pictures}
    try:
        answer = checker.check(request)
    except KeyboardInterrupt:
        raise CheckInterrupted(Msg("notebook.interrupted").render(said)) from None
    except CheckerGone:
        return _message(Msg("notebook.checker_gone"), said)
    error = answer.get("error")
    if isinstance(error, dict):
        return _message(str(error.get(said, "")), said)
    return Report(str(answer.get("text", "")), str(answer.get("html", "")),
                  answer.get("score"), answer.get("max_score"))


@magic_arguments()
@argument("functions", nargs="*", help="graded functions to check (default: every one defined)")
@argument("--lang", choices=LANGS, default=None, help="language of the report")
@argument("--pictures", action="store_true",
          help="draw the functions beside the reference (a few seconds more)")
def grade_magic(line: str) -> None:
    """%grade [--lang ko|en|both] [--pictures] [function ...]"""
    from IPython.display import display

    args = parse_argstring(grade_magic, line)
    display(grade(*args.functions, lang=args.lang, pictures=args.pictures))
