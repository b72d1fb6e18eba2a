"""One grading's set-up, in one place: what is secret, the fence, the protected paths, the
worker's packages and the seed; the submission staged once; its worker session opened.

채점 한 번의 준비를 한 곳에서 정한다: 무엇이 비밀인지, 울타리, 보호할 경로, 작업자 패키지, 시드.
제출물은 한 번만 올리고, 작업자 세션도 한 번만 연다.

Every entry point (``check``, ``check --watch``, ``grade`` in a local pool or on Dask, the
Gradescope autograder, ``validate``, plain ``pytest`` and the HTML pictures) grades through
``plan`` and ``GradingContext``; no other module stages a submission or starts a worker (a test
checks the import graph). ``grader.grading.engine`` is the pytest side: it runs the suites of an open
context.
"""

from __future__ import annotations

import contextlib
import secrets
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import grader
from grader import messages
from grader.boundary import sandbox
from grader.boundary.pool import WarmPool
from grader.boundary.proxy import StudentSession
from grader.course.config import Assignment, Course
from grader.errors import GraderError
from grader.grading import internal_error, provisional, scoring, steps, suite_cache, timing
from grader.intake.staging import Staged, stage
from grader.messages import Msg
from grader.result import Result

# One grading's Python-side work at a time in a process whose threads grade side by side (Dask's
# worker threads): pytest keeps global state (sys.modules, assertion rewriting, capture), and
# CPython 3.11's ast.parse is not safe beside another thread's (gh-106905: "AST constructor
# recursion depth mismatch"). Held by pytest's run (``grader.grading.engine``), staging and the steps.
LOCK = threading.RLock()


def suite_dirs(course: Course, assignment: str, suites: Sequence[Path] | None = None) \
        -> dict[str, Path]:
    """Public suites always; hidden ones when ``solutions/<assignment>/tests`` (or ``suites``)
    exists."""
    found: dict[str, Path] = {}
    public = course.exercises_dir(assignment) / "tests"
    if public.is_dir():
        found["public"] = public
    hidden = [Path(s) for s in suites] if suites else [course.solutions_dir(assignment) / "tests"]
    for i, folder in enumerate(p for p in hidden if p.is_dir()):
        found["hidden" if i == 0 else f"hidden{i}"] = folder
    if suites:
        missing = [str(s) for s in suites if not Path(s).is_dir()]
        if missing:
            raise GraderError(messages.Msg("engine.no_such_suites", folders=", ".join(missing)))
    if not found:
        raise GraderError(messages.Msg("engine.no_suites", public=str(public),
                                       assignment=assignment))
    return found


def hidden_in_play(found: dict[str, Path], reference_dir: Path) -> bool:
    """Whether anything secret is graded with: hidden suites or the reference (``solutions/``
    present, ``--suites``, a bundle). Then ``auto`` never uses a worker that could read them."""
    return any(name.startswith("hidden") for name in found) or reference_dir.is_dir()


def reference_dir(course: Course, assignment: str, suites: Sequence[Path] | None) -> Path:
    """``solutions/<assignment>``, or the folder of a hidden bundle beside its suites."""
    folder = course.solutions_dir(assignment)
    if suites and not folder.is_dir():
        folder = Path(suites[0]).resolve().parent
    return folder


@dataclass(frozen=True)
class Plan:
    """What gradings of one assignment share, decided before any submission is seen."""

    course: Course
    assignment: Assignment
    suites: dict[str, Path]  # "public", "hidden", ...
    reference_dir: Path
    secret: bool  # hidden suites or the reference in play
    fence: sandbox.FenceChoice
    # Notes every grading of this plan carries (the bundle graded with), as messages.
    notes: tuple[Msg, ...] = ()

    def protected(self, *private: Path) -> list[Path]:
        """What the worker must not see: the course, the reference, every suite and the
        grading's private folders and the cache of rewritten suites (one list for every entry
        point)."""
        return [self.course.root, self.reference_dir, *self.suites.values(), *private,
                *suite_cache.protected()]

    def only(self, modules: Sequence[str] | None) -> Plan:
        return self if modules is None else replace(self,
                                                    assignment=self.assignment.only(modules))


def plan(course: Course, assignment: str | None = None, *, suites: Sequence[Path] | None = None,
         modules: Sequence[str] | None = None, isolation: str = "auto",
         notes: Sequence[Msg] = ()) -> Plan:
    """Decide what is secret and the fence (``NoFence`` here, before any work)."""
    a = course.assignment(assignment)
    if modules is not None:
        a = a.only(modules)
    found = suite_dirs(course, a.name, suites)
    folder = reference_dir(course, a.name, suites)
    secret = hidden_in_play(found, folder)
    choice = sandbox.choose_fence(isolation, secrets_in_play=secret)
    return Plan(course, a, found, folder, secret, choice, tuple(notes))


def new_seed(seed: int | None) -> int:
    """The seed of a grading: the one given, else a fresh one (reported to repeat the run)."""
    return secrets.randbelow(2**31) if seed is None else seed


@dataclass
class GradingContext:
    """One submission, staged, with its worker session open (``GradingContext.open``)."""

    plan: Plan
    assignment: Assignment  # the plan's, reduced to the modules the submission stands for
    staged: Staged
    session: StudentSession
    seed: int
    start: float = field(default_factory=time.monotonic)

    @classmethod
    @contextlib.contextmanager
    def open(cls, plan: Plan, submission: Path, *, seed: int | None = None,
             private: Sequence[Path] = (), limits_budget_s: float | None = None,
             warm: WarmPool | None = None) -> Iterator[GradingContext]:
        """Stage ``submission`` once and start its worker behind the plan's fence; both are
        removed when the block ends. ``private``: the grading's own folders (suites and
        reference copies), protected like the course. ``warm``: stage into its folder and
        take its worker, started ahead (an in-notebook check)."""
        start = time.monotonic()
        course, a = plan.course, plan.assignment
        with contextlib.ExitStack() as cleanup:
            with LOCK:
                staged = stage(submission, course, a,
                               into=warm.folder if warm is not None else None)
            cleanup.callback(staged.remove)
            if staged.modules != a.modules:  # one module file: only its functions are graded
                a = a.only(m for m in a.modules if m in staged.modules)
            limits = course.limits
            if limits_budget_s is not None:
                limits = replace(limits, submission_budget_s=min(limits_budget_s,
                                                                 limits.submission_budget_s))
            with sandbox.worker_packages(course.worker.packages):  # course.yaml worker.packages
                session = StudentSession(staged.folder, a.modules, limits, plan.fence.name,
                                         protected=plan.protected(*private),
                                         graded=list(a.functions),
                                         pool=warm.take() if warm is not None else None)
            cleanup.callback(session.close)
            yield cls(plan, a, staged, session, new_seed(seed), start)


#: Runs the suites of an open context: the test outcomes, and what the run learned.
RunSuites = Callable[[GradingContext], "steps.Ran"]


def grade(plan: Plan, submission: Path, run_suites: RunSuites, *, seed: int | None = None,
          private: Sequence[Path] = (), during: Sequence[steps.InSession] = (),
          warm: WarmPool | None = None) -> Result:
    """Stage, open the worker session, run the suites, then (still in the session) ``during``
    (the HTML pictures), score, and the declared post-grading steps (``steps.AFTER``)."""
    with GradingContext.open(plan, submission, seed=seed, private=private, warm=warm) as ctx:
        ran = run_suites(ctx)
        extra = [work(ctx) for work in during]
    functions = scoring.score(ctx.assignment, ran.outcomes, plan.course.dependency_credit)
    if ran.reference_dir is not None:  # without the reference: marked provisional, not rescued
        provisional.mark(functions, ran.outcomes, ran.reference_dir)
    seconds = time.monotonic() - ctx.start
    # Where the time went: the student's calls, the reference's, the grader's own work.
    # A stand-in's answer is reference time inside a student call's round trip: counted once.
    spent = timing.breakdown(seconds, ctx.session.pool.spent_s - ran.stand_in_reference_s,
                             ran.reference_s)
    score, max_score = scoring.total(functions)
    result = Result(
        assignment=ctx.assignment.name, score=score, max_score=max_score, seed=ctx.seed,
        isolation=ctx.session.used_isolation, duration_s=round(seconds, 3),
        grader_version=grader.__version__, functions=functions,
        limits=dict(plan.course.limits.__dict__), modules=list(ctx.assignment.modules),
        refused=list(ctx.staged.refused),
        language=messages.choose_language(None, plan.course.language), timing=spent,
        superseded=list(ran.superseded))
    graded = steps.Graded(ctx, result)
    with LOCK:
        for step in steps.AFTER:
            step(graded)
    for add in extra:
        add(result)
    for exc in ran.internal_errors[:3]:  # for the instructor (grader.grading.internal_error)
        internal_error.add_notes(result, exc, "internal_error.hint_failed")
    return result
