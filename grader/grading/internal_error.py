"""A bug of the grader itself: reported with its traceback and a distinct exit status.

채점기 자체의 오류(학생 제출물 탓이 아닌 버그)는 삼키지 않는다: 보고서의 참고 사항에 traceback을
남기고 종료 코드 3으로 끝낸다. 사용법·과목·제출물 오류(2), 기준 점수 미달(1)과 섞이지 않는다.

Exit statuses of every ``grader`` command (``grader check --help`` and docs/ci.md say the same):
0 graded; 1 graded but below ``--fail-under`` (``validate``: a problem found); 2 a usage, course
or submission error (for a submission, with its report written); 3 an internal error of the
grader (``EXIT_INTERNAL``). Whatever a student submits ends in 0, 1 or 2: what the grader
cannot read becomes a refused file or a module error (``grader.intake.safe_parse``), never 3.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable
from typing import Any, NoReturn

import click

from grader.course.config import Assignment, Course
from grader.errors import GraderError
from grader.messages import Msg
from grader.result import Result

EXIT_INTERNAL = 3
# The traceback in a report: its last lines (the frames nearest the bug), enough to file an issue.
TRACEBACK_CHARS = 6000


def _traceback(exc: BaseException) -> str:
    text = "".join(traceback.format_exception(exc))
    return text if len(text) <= TRACEBACK_CHARS else "…" + text[-TRACEBACK_CHARS:]


def note(exc: BaseException, key: str = "internal_error.note") -> Msg:
    """The report's note for the instructor: what failed (the traceback is a note of its own,
    the same in every language)."""
    return Msg(key, error=f"{type(exc).__name__}: {exc}"[:500])


def guard(grade: Callable[[], Result], course: Course, assignment: Assignment,
          seed: int | None) -> tuple[Result, bool]:
    """``grade()``, or, when the grader itself fails, a report of that failure (every function
    ``error``, the traceback in its notes) and True. Usage and course errors (``GraderError``),
    Ctrl-C and exits go through."""
    try:
        return grade(), False
    except GraderError:
        raise
    except Exception as exc:  # a grader bug: reported with its traceback, exit 3 — not hidden
        from grader.classroom.task import error_result

        result = error_result(assignment, seed or 0, Msg("internal_error.reason"), course)
        add_notes(result, exc)
        return result, True


def add_notes(result: Result, exc: BaseException, key: str = "internal_error.note") -> None:
    """The failure (the message ``key``) and its traceback in the result's notes, for the
    instructor."""
    told = note(exc, key)
    result.add_note(told)
    result.add_note(_traceback(exc))


def abort(exc: BaseException) -> NoReturn:
    """No report could be written: the traceback on standard error, exit 3."""
    click.echo(_traceback(exc), err=True, nl=False)
    click.echo(f"grader: {note(exc).render()}", err=True)
    sys.exit(EXIT_INTERNAL)


class GuardedGroup(click.Group):
    """The ``grader`` command group: an exception no command handled is a grader bug (exit 3
    with its traceback), never a plain Python crash with status 1 (which means "below
    --fail-under")."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except GraderError as exc:  # a usage or course error a command did not catch: exit 2
            click.echo(f"grader: {exc}", err=True)
            sys.exit(2)
        except Exception as exc:
            abort(exc)
