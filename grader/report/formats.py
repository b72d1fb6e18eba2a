"""The one registry of output formats: name, renderer, whether students see it, its file suffix.

출력 형식 목록은 여기 하나뿐이다: 이름, 렌더러, 학생용인지, 파일 확장자, 반 전체 채점에서 쓰는지.

``grader check --format`` and ``grader grade --format`` offer what is registered here; a
student-facing format shows hidden tests only as the course's feedback policy allows. Renderers
only render: the function locations, the pictures and every message are in the Result.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass

from grader.course.config import Course
from grader.result import Result


@dataclass(frozen=True)
class Options:
    """How the command asked for it."""

    verbose: bool = False
    terminal: bool = False  # to a terminal: its width and colours


@dataclass(frozen=True)
class Format:
    name: str
    render: Callable[[Result, Course, Options], str]
    student_facing: bool  # hidden tests shown as ``feedback.hidden_tests`` allows
    suffix: str  # of a class report file (``grader grade --format``)
    in_class: bool = False  # offered by ``grader grade --format``


def _text(result: Result, course: Course, options: Options) -> str:
    from grader.report import text

    if not options.terminal:  # to a file: plain text at the usual width
        return text.render(result, verbose=options.verbose)
    return text.render(result, verbose=options.verbose, width=text.terminal_width(),
                       color=text.use_colour())


def _json(result: Result, course: Course, options: Options) -> str:
    from grader.report import json

    return json.render(result)


def _markdown(result: Result, course: Course, options: Options) -> str:
    from grader.report import markdown

    return markdown.render(result)


def _gradescope(result: Result, course: Course, options: Options) -> str:
    from grader.report import gradescope

    return gradescope.render(result, course.feedback.hidden_tests)


def _html(result: Result, course: Course, options: Options) -> str:
    from grader.report import html  # the pictures were computed by the grading

    return html.render(result)


def locations(result: Result) -> dict[str, tuple[str, int | None]]:
    """The function locations the grading found, as the GitHub and JUnit renderers take them."""
    return {name: (str(at[0]), at[1]) for name, at in result.locations.items()}


def _junit(result: Result, course: Course, options: Options) -> str:
    from grader.report import junit

    return junit.render(result, locations(result))


def _github(result: Result, course: Course, options: Options) -> str:
    from grader.report import github

    summary = github.write_summary(result, os.environ.get("GITHUB_STEP_SUMMARY"))
    rendered = github.render(result, locations(result))
    return rendered if summary is None else summary + "\n" + rendered


def _classroom(result: Result, course: Course, options: Options) -> str:
    from grader.report import classroom

    return classroom.render(result, locations(result))


FORMATS: dict[str, Format] = {f.name: f for f in (
    Format("text", _text, False, "txt", in_class=True),
    Format("json", _json, False, "json"),
    Format("github", _github, True, "txt"),
    Format("junit", _junit, True, "xml", in_class=True),
    Format("markdown", _markdown, True, "md", in_class=True),
    Format("gradescope", _gradescope, True, "json"),
    Format("html", _html, True, "html"),
    Format("classroom", _classroom, True, "json"),
)}
CLASS_FORMATS = [name for name, f in FORMATS.items() if f.in_class]


def render(name: str, result: Result, course: Course, options: Options = Options()) -> str:
    return FORMATS[name].render(result, course, options)
