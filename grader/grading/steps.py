"""The edits made to a Result after its tests ran: one declared, ordered list.

테스트가 끝난 뒤 결과에 하는 일(거부된 파일, 노트북 셀 위치, 격리 안내, 번들 안내)을 한 목록에
차례대로 적어 둔다.

Each step is a small function with one job (as nbgrader's preprocessors); ``AFTER`` is their
order. No entry point edits a Result on its own: what ``grader grade`` or the CLI added before
(the bundle's note, the refused files' reasons) is a step here.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from grader import messages
from grader.boundary import sandbox
from grader.grading.scoring import TestOutcome
from grader.intake.notebook_code import TOP_LEVEL_SHARE
from grader.intake.staging import explain_refusals, point_at_cells, skipped_cell_notes
from grader.messages import Msg
from grader.result import Result

if TYPE_CHECKING:
    from grader.boundary.proxy import StudentSession
    from grader.grading.context import GradingContext


@dataclass
class Ran:
    """What running the suites of one grading gave."""

    outcomes: list[TestOutcome]
    stand_in_reference_s: float = 0.0  # reference time spent answering stand-ins
    reference_s: float = 0.0  # all reference time
    superseded: list[dict[str, str]] = field(default_factory=list)  # public tests not run
    reference_dir: Path | None = None  # the grading's copy of the reference (stand-ins)
    internal_errors: list[BaseException] = field(default_factory=list)  # grader bugs, no cost


@dataclass
class Graded:
    """A grading whose tests ran: its context (closed) and its scored Result."""

    ctx: GradingContext
    result: Result


#: Work done in the open worker session after the suites (the HTML pictures): returns how to
#: put what it found into the Result.
InSession = Callable[["GradingContext"], Callable[[Result], None]]


def isolation_notes(choice: sandbox.FenceChoice, session: StudentSession, secret: bool) \
        -> list[Msg | str]:
    """What the report says about the fence: which one, why not a stronger one, what it could
    not enforce."""
    notes: list[Msg | str] = list(choice.notes)
    if session.used_isolation == "landlock":
        report = session.fence_report
        abi = int(report["abi"]) if isinstance(report.get("abi"), int) else 0
        fenced = "filesystem" + (", TCP" if abi >= 4 else "") + \
            (", signals, abstract sockets" if abi >= 6 else "")
        gaps = [str(g) for g in report.get("not_applied") or []]
        gaps += [f"{p} (protected, not granted)" for p in report.get("refused") or []]
        notes.append(messages.Msg(
            "engine.landlock", abi=abi, fenced=fenced,
            gaps=messages.Msg("engine.landlock_gaps", rules="; ".join(gaps)) if gaps else ""))
    elif session.used_isolation == "process" and secret:
        notes.append(messages.Msg("engine.reduced_isolation"))
    return notes


def refused_files(g: Graded) -> None:
    """A function made missing by a refused file says so first."""
    explain_refusals(g.result.functions, g.ctx.staged.refused)


def notebook_cells(g: Graded) -> None:
    """Messages about a module made from a notebook point at its cells."""
    point_at_cells(g.result.functions, g.ctx.staged)


def staging_notes(g: Graded) -> None:
    """What staging found worth saying (a notebook taken as modules, a file chosen...)."""
    for note in g.ctx.staged.notes:
        g.result.add_note(note)


def skipped_cells(g: Graded) -> None:
    """The notebook cells the worker skipped at import (they raised, or ran too long)."""
    seconds = g.ctx.plan.course.limits.call_timeout_s * TOP_LEVEL_SHARE
    for note in skipped_cell_notes(g.ctx.staged, g.ctx.session.skipped_cells, seconds):
        g.result.add_note(note)


def fence_notes(g: Graded) -> None:
    """Which fence, why not a stronger one, what it could not enforce."""
    ctx = g.ctx
    for note in isolation_notes(ctx.plan.fence, ctx.session, ctx.plan.secret):
        g.result.add_note(note)
    if ctx.session.seccomp is False:
        g.result.add_note(Msg("engine.no_seccomp"))


def function_locations(g: Graded) -> None:
    """Where each of the student's functions is defined, found once from what was staged (the
    GitHub annotations and JUnit's file and line render them; no renderer reads the submission
    again). Paths are relative to the checkout holding the submission."""
    from grader.report import github

    staged = g.ctx.staged
    if staged.found_in is None:
        return
    workspace = Path(os.environ.get("GITHUB_WORKSPACE") or os.environ.get("CI_PROJECT_DIR")
                     or Path.cwd())
    found = github.function_locations(staged.found_in, staged.files,
                                      list(g.ctx.plan.assignment.modules),
                                      github.repository_root(staged.found_in, workspace))
    g.result.locations = {name: [file, line] for name, (file, line) in found.items()}


def plan_notes(g: Graded) -> None:
    """Notes of every grading of the plan (the bundle graded with)."""
    for note in g.ctx.plan.notes:
        g.result.add_note(note)


Step = Callable[[Graded], None]

#: The post-grading steps, in order.
AFTER: tuple[Step, ...] = (refused_files, notebook_cells, function_locations, staging_notes,
                           skipped_cells, fence_notes, plan_notes)
