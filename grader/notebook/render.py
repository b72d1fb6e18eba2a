"""The report of an in-notebook check, rendered on the trusted side: the terminal text and the
HTML page (``grader check --format html``'s), the page inside a frame of the notebook.

노트북 안 채점 결과: 터미널용 글과 HTML 보고서(그림 포함 가능)를 신뢰 프로세스에서 만든다.

The page keeps its own style sheet and Content-Security-Policy inside an ``<iframe srcdoc>``:
its CSS (``body``, ``main``) must not restyle the notebook, and the frame runs no script (no
``allow-scripts``); ``allow-same-origin`` only lets a test read what it shows.
"""

from __future__ import annotations

import html

from grader.course.config import Course
from grader.report import feedback
from grader.report import html as html_report
from grader.report import text as text_report
from grader.result import Result

# Rough heights (px) of the page's parts, for a frame that shows the report without a script.
_HEADER_PX, _FUNCTION_PX, _FAILURE_PX, _PICTURE_PX, _NOTE_PX = 260, 34, 130, 460, 48
_MAX_PX = 4000


def both(result: Result, course: Course) -> dict[str, str]:
    """``text`` (as ``grader check`` prints it) and ``html`` (the frame with the page and the
    pictures the grading drew, if asked; hidden tests shown as the course's feedback policy
    allows, as in ``check --format html``)."""
    text = text_report.render(result, width=100)
    shown = feedback.apply(result, course.feedback.hidden_tests)
    page = html_report.render(shown)
    return {"text": text, "html": frame(page, _height(shown, page))}


def _height(result: Result, page: str) -> int:
    lost = sum(1 for f in result.functions if f.score < f.max_score)
    notes = len(result.notes) + len(result.refused)
    px = (_HEADER_PX + _FUNCTION_PX * 2 * len(result.functions) + _FAILURE_PX * lost
          + _NOTE_PX * notes + _PICTURE_PX * page.count('class="picture'))
    return min(px, _MAX_PX)


def frame(page: str, height: int) -> str:
    """The page in a frame of the notebook (escaped into ``srcdoc``: nothing of it is markup
    of the notebook's own page)."""
    return (f'<iframe class="grader-report" sandbox="allow-same-origin" '
            f'style="width:100%;height:{height}px;border:1px solid #ddd;border-radius:8px" '
            f'srcdoc="{html.escape(page, quote=True)}"></iframe>')
