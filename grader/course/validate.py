"""``grader validate``: does the course grade what it claims to grade?

과목 검증: 참조 해답은 만점, 빈 스텁은 0점, 알려진 실수는 자기 함수에서만 감점되고 힌트가 보이는지,
모든 채점 함수에 숨은 테스트가 있는지, 배점 합계가 맞는지 확인한다.

Checks, each graded with the engine exactly as a student's submission would be (same seed for
every grading, so every grading sees the same random inputs):

- the reference solutions score full marks;
- the stubs score zero, every function ``not_implemented`` — the stubs generated from
  ``solutions/`` (``grader.course.authoring.make_stubs``) into a temporary folder, not the live
  ``exercises/`` folder, where someone may have started working;
- every catalogued mistake (``solutions/<assignment>/mistakes``), planted into a copy of the
  reference with ``grader.course.variants.build_variant``, loses points in its own function and in no
  other, and its hint appears in a failing test message of that function;
- every graded function has at least one public and one hidden test;
- the points add up (``course.yaml`` total = the graded maximum).

A mistake's variant is graded on its own module only: the other modules are the reference's
files, unchanged, and reference modules never import each other.
"""

from __future__ import annotations

import ast
import multiprocessing
import os
import secrets
import shutil
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from grader import messages, scratch
from grader.course import authoring
from grader.course.config import COURSE_FILE, Course, load_course, total_check
from grader.course.mistakes import Mistake, load_catalogue
from grader.course.variants import build_variant
from grader.errors import GraderError
from grader.grading.engine import Grader, serve
from grader.messages import Msg, Said
from grader.report.text import display_width
from grader.result import FunctionResult, Result

__all__ = ["Check", "MistakeOutcome", "ValidationReport", "render", "validate"]

# The templates of this module's Msg keys (validate.*): grader/locale/{ko,en}/LC_MESSAGES/grader.po.
_EPS = 1e-9  # scores are sums of float fractions of points
_REASON_CHARS = 160


@dataclass
class Check:
    """검사 한 줄 / one check of the report: its name, whether it passed and why."""

    name: Msg | str
    ok: bool
    detail: Msg | str = ""
    problems: list[Msg | str] = field(default_factory=list)

    def name_in(self, lang: str = "both") -> str:
        return messages.render(self.name, lang)


@dataclass
class MistakeOutcome:
    """알려진 실수 하나를 채점한 결과 / what grading one catalogued mistake showed.

    ``lost`` is the number of points lost in the mistake's own function (out of ``points``);
    ``collateral`` maps every *other* function that scored lower than the reference to the
    points it lost; ``hint_shown`` says whether the mistake's hint was in a failing test
    message of its function; ``error`` is set when the variant could not be built or graded.
    """

    mistake: Mistake
    lost: float = 0.0
    points: float = 0.0
    collateral: dict[str, float] = field(default_factory=dict)
    hint_shown: bool = False
    error: Msg | str = ""

    @property
    def ok(self) -> bool:
        return not self.error and self.lost > _EPS and not self.collateral and self.hint_shown

    @property
    def problems(self) -> list[Msg | str]:
        """What is wrong, one message per problem (empty when ``ok``)."""
        if self.error:
            return [self.error]
        found: list[Msg | str] = []
        if self.lost <= _EPS:
            found.append(Msg("validate.no_loss", function=self.mistake.function))
        if self.collateral:
            others = ", ".join(f"{k} (-{_num(v)})" for k, v in sorted(self.collateral.items()))
            found.append(Msg("validate.collateral", others=others))
        if self.lost > _EPS and not self.hint_shown:
            found.append(Msg("validate.no_hint", function=self.mistake.function))
        return found


@dataclass
class ValidationReport:
    """``validate``의 결과 / the outcome of ``validate``: checks and one line per mistake."""

    assignment: str
    seed: int
    isolation: str
    points: dict[str, float]  # "module.function" -> points, as in course.yaml
    checks: list[Check] = field(default_factory=list)
    mistakes: list[MistakeOutcome] = field(default_factory=list)
    duration_s: float = 0.0

    @property
    def total_points(self) -> float:
        return sum(self.points.values())

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks) and all(m.ok for m in self.mistakes)


# --------------------------------------------------------------------------------------------
# Running the gradings


def _num(x: float) -> str:
    return f"{x:.4g}"


def _short(text: str, limit: int = _REASON_CHARS) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _copy_modules(source: Path, modules: list[str], dest: Path) -> Path:
    """A clean submission folder with only the assignment's modules (no tests/, mistakes/)."""
    dest.mkdir(parents=True, exist_ok=True)
    for module in modules:
        path = source / f"{module}.py"
        if not path.is_file():
            raise GraderError(Msg("validate.not_found", path=str(path)))
        shutil.copy2(path, dest / f"{module}.py")
    return dest


def _course_file(course_root: Path) -> Path:
    return course_root if course_root.is_file() else course_root / COURSE_FILE


_Job = tuple[Course, str, Path, "list[str] | None", int, str]


def _failed(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {_short(str(exc), 400)}"


def _grade_share(jobs: list[_Job]) -> list[Result | str]:
    """One process's share of the jobs (all of one assignment, seed and isolation), graded one
    after another in one served pytest session: start-up, collection and assertion rewriting
    are paid once, each grading still has its own reference copy, staging and fenced worker
    (``engine.serve``). One broken grading must not hide the others: its exception becomes its
    error string. Results in the order of ``jobs``."""
    course, assignment, _, _, _, isolation = jobs[0]
    results: list[Result | str] = []

    def work(grader: Grader) -> None:
        for _, _, path, only, seed, _ in jobs:
            try:
                results.append(grader.grade(path, seed=seed, modules=only))
            except Exception as exc:
                results.append(_failed(exc))

    try:
        serve(course, assignment, work, isolation=isolation)
    except Exception as exc:  # the session itself (no suites, a fence refused): every job says why
        results += [_failed(exc)] * (len(jobs) - len(results))
    return results


def _grade_all(jobs: list[_Job]) -> list[Result | str]:
    """Grade in a few processes at once (pytest's global state allows one session at a time in
    a process, see engine; each grading mostly waits on its worker), each process its share of
    the jobs in one served session. Results in the order of ``jobs``."""
    processes = min(len(jobs), os.cpu_count() or 1, 4)
    if processes < 2:
        return _grade_share(jobs) if jobs else []
    # Interleaved shares: the whole-assignment gradings (reference, stubs) come first and land
    # in different processes; the one-module variants spread evenly behind them.
    shares = [jobs[i::processes] for i in range(processes)]
    # "spawn": a fresh interpreter, nothing inherited from this process's threads or pytest.
    with ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("spawn")) as pool:
        graded = list(pool.map(_grade_share, shares))
    results: list[Result | str] = [""] * len(jobs)
    for i, share in enumerate(graded):
        results[i::processes] = share
    return results


def _write_generated_stubs(solutions: Path, modules: list[str], dest: Path) -> Path | Msg:
    """The stubs made from ``solutions`` now, written to ``dest``; or why they could not be."""
    try:
        stubs = authoring.make_stubs(solutions, modules)
    except GraderError as exc:  # nbgrader missing, a malformed solution region
        return Msg("validate.no_stubs", error=exc.data)
    dest.mkdir(parents=True, exist_ok=True)
    for module, text in stubs.items():
        (dest / f"{module}.py").write_text(text, encoding="utf-8")
    return dest


def validate(
    course_root: Path, assignment: str | None, *, seed: int | None = None, isolation: str = "auto"
) -> ValidationReport:
    """과목의 한 과제를 검증한다 / validate one assignment of the course at ``course_root``.

    ``course_root`` is the course folder (or its ``course.yaml``). Every grading uses the same
    ``seed`` (a new one when None, reported so the run can be repeated). Raises
    ``GraderError`` for a broken course or mistake catalogue; everything else is reported.
    """
    start = time.monotonic()
    course = load_course(_course_file(Path(course_root)))
    a = course.assignment(assignment)
    points = a.functions
    modules = a.modules
    seed = secrets.randbelow(2**31) if seed is None else seed
    solutions = course.solutions_dir(a.name)
    catalogue = load_catalogue(solutions / "mistakes", points)

    work = scratch.make_dir("validate")
    try:
        # What to grade: folder and modules (None: all) per job.
        jobs: dict[str, tuple[Path, list[str] | None]] = {
            "reference": (_copy_modules(solutions, modules, work / "reference"), None),
        }
        stubs = _write_generated_stubs(solutions, modules, work / "stubs")
        if isinstance(stubs, Path):
            jobs["stubs"] = (stubs, None)
        for mistake in catalogue:
            dest = work / "mistakes" / mistake.name
            build_variant(solutions, modules, mistake, dest)
            # A variant differs from the reference in its mistake's module only, and reference
            # modules never import each other (tests/test_stubs.py), so only that module's tests
            # can change: grading just those keeps validate fast.
            jobs[f"mistake:{mistake.name}"] = (dest, [mistake.module])
        args = [(course, a.name, path, only, seed, isolation) for path, only in jobs.values()]
        results: dict[str, Result | Msg | str] = dict(zip(jobs, _grade_all(args), strict=True))
        if not isinstance(stubs, Path):
            results["stubs"] = stubs
    finally:
        shutil.rmtree(work, ignore_errors=True)

    reference = results["reference"]
    used = reference.isolation if isinstance(reference, Result) else isolation
    report = ValidationReport(assignment=a.name, seed=seed, isolation=used, points=points)
    report.checks.append(_check_reference(reference, suite_test_files(course, a.name)))
    report.checks.append(_check_stubs(results["stubs"]))
    report.checks.append(_check_tests(reference, points))
    report.checks.append(_check_points(reference, points))
    # Required, as `grader bundle` requires it: a course that validates can be bundled.
    ok, detail, problems = total_check(course.path, a)
    report.checks.append(Check(Msg("validate.check_total"), ok, detail, list(problems)))
    report.mistakes = [
        _mistake_outcome(m, results[f"mistake:{m.name}"], reference) for m in catalogue
    ]
    report.duration_s = round(time.monotonic() - start, 1)
    return report


# --------------------------------------------------------------------------------------------
# Checks


def _lost_points(result: Result) -> list[FunctionResult]:
    return [f for f in result.functions if f.score < f.max_score - _EPS]


def _check_reference(result: Result | Msg | str, files: dict[str, list[str]]) -> Check:
    name = Msg("validate.check_reference")
    if not isinstance(result, Result):
        return Check(name, False, Msg("validate.grading_failed"), [result])
    # Every failing test by its file and name, with its whole reason in the report's language:
    # the instructor has to find and fix it.
    problems: list[Msg | str] = [
        Msg("validate.reference_test", function=f.name, score=_num(f.score),
            max_score=_num(f.max_score), status=f.status, test=test, reason=reason)
        for f in _lost_points(result)
        for test, reason in _failing_tests(f, files)
    ]
    ok = not problems and result.score >= result.max_score - _EPS
    return Check(name, ok, f"{_num(result.score)}/{_num(result.max_score)}", problems)


def _failing_tests(function: FunctionResult,
                   files: dict[str, list[str]]) -> list[tuple[str, Said]]:
    """(``file::test``, its whole reason in each language) for each test of ``function`` that
    lost points; a function that lost points without a failing test: itself and its reason."""
    failing = [t for t in function.tests if not t.passed]
    if not failing:
        return [(function.name, Said(function.reason_in("ko"), function.reason_in("en")))]
    return [(_where(t.name, files), Said(t.reason_in("ko"), t.reason_in("en")))
            for t in failing]


def _where(test: str, files: dict[str, list[str]]) -> str:
    """``file::test`` for a test name (``test_x[param]``: its function ``test_x``)."""
    found = files.get(test.split("[", 1)[0], [])
    return " | ".join(f"{file}::{test}" for file in found) or test


def suite_test_files(course: Course, assignment: str) -> dict[str, list[str]]:
    """Test function name -> the suite files (relative to the course) that define it."""
    files: dict[str, list[str]] = {}
    for folder in (course.exercises_dir(assignment) / "tests",
                   course.solutions_dir(assignment) / "tests"):
        for path in sorted(folder.rglob("test*.py")) if folder.is_dir() else []:
            try:
                tree = ast.parse(path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, SyntaxError, ValueError):
                continue
            for node in ast.walk(tree):
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) \
                        and node.name.startswith("test"):
                    files.setdefault(node.name, []).append(
                        path.relative_to(course.root).as_posix())
    return files


def _check_stubs(result: Result | Msg | str) -> Check:
    name = Msg("validate.check_stubs")
    if not isinstance(result, Result):
        return Check(name, False, Msg("validate.grading_failed"), [result])
    problems: list[Msg | str] = [
        f"{f.name}: {_num(f.score)}/{_num(f.max_score)} ({f.status})"
        for f in result.functions
        if f.score > _EPS or f.status != "not_implemented"
    ]
    ok = not problems and result.score <= _EPS
    return Check(name, ok, f"{_num(result.score)}/{_num(result.max_score)}", problems)


def _check_tests(result: Result | Msg | str, points: dict[str, float]) -> Check:
    name = Msg("validate.check_tests")
    if not isinstance(result, Result):
        return Check(name, False, Msg("validate.reference_failed"), [])
    counts: dict[str, dict[str, int]] = {}
    for f in result.functions:
        for t in f.tests:
            kind = "hidden" if t.visibility.startswith("hidden") else "public"
            counts.setdefault(f.name, {}).setdefault(kind, 0)
            counts[f.name][kind] += 1
    for s in result.superseded:  # a public test a hidden one supersedes is still there
        counts.setdefault(s["function"], {}).setdefault("public", 0)
        counts[s["function"]]["public"] += 1
    folders = {"public": f"exercises/{result.assignment}/tests",
               "hidden": f"solutions/{result.assignment}/tests"}
    problems: list[Msg | str] = [
        Msg(f"validate.no_{kind}_test", function=fn, folder=folders[kind])
        for fn in points
        for kind in ("public", "hidden")
        if counts.get(fn, {}).get(kind, 0) == 0
    ]
    public = sum(c.get("public", 0) for c in counts.values())
    hidden = sum(c.get("hidden", 0) for c in counts.values())
    return Check(name, not problems, Msg("validate.tests_detail", public=public, hidden=hidden),
                 problems)


def _check_points(result: Result | Msg | str, points: dict[str, float]) -> Check:
    total = sum(points.values())
    name = Msg("validate.check_points")
    detail = Msg("validate.points_detail", points=_num(total), functions=len(points))
    if not isinstance(result, Result):
        return Check(name, False, detail, [])
    problems: list[Msg | str] = []
    if abs(result.max_score - total) > _EPS:
        problems.append(Msg("validate.max_differs", graded=_num(result.max_score),
                            total=_num(total)))
    graded = {f.name: f.max_score for f in result.functions}
    for fn, pts in points.items():
        if fn not in graded:
            problems.append(Msg("validate.not_in_result", function=fn))
        elif abs(graded[fn] - pts) > _EPS:
            problems.append(Msg("validate.points_differ", function=fn, graded=_num(graded[fn]),
                                points=_num(pts)))
    for fn in graded:
        if fn not in points:
            problems.append(Msg("validate.not_in_course", function=fn))
    return Check(name, not problems, detail, problems)


def _mistake_outcome(mistake: Mistake, result: Result | Msg | str,
                     reference: Result | Msg | str) -> MistakeOutcome:
    if not isinstance(result, Result):
        return MistakeOutcome(mistake, error=result)
    try:
        own = result.function(mistake.function)
    except KeyError:
        return MistakeOutcome(
            mistake, error=Msg("validate.not_in_result", function=mistake.function))
    baseline = (
        {f.name: f.score for f in reference.functions}
        if isinstance(reference, Result)
        else {f.name: f.max_score for f in result.functions}
    )
    collateral = {
        f.name: baseline.get(f.name, f.max_score) - f.score
        for f in result.functions
        if f.name != mistake.function and f.score < baseline.get(f.name, f.max_score) - _EPS
    }
    hint_shown = any(
        not t.passed and t.hint is not None
        and t.hint.get("key") == "mistake.hint"
        and t.hint.get("params", {}).get("mistake") == mistake.name
        for t in own.tests
    )
    return MistakeOutcome(
        mistake,
        lost=own.max_score - own.score,
        points=own.max_score,
        collateral=collateral,
        hint_shown=hint_shown,
    )


# --------------------------------------------------------------------------------------------
# Rendering


def _table(rows: list[list[str]]) -> list[str]:
    # Display width, not len(): a Korean character takes two terminal columns.
    widths = [max(display_width(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for n, row in enumerate(rows):
        cells = [cell + " " * (w - display_width(cell)) for cell, w in zip(row, widths, strict=True)]
        lines.append("  ".join(cells).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return lines


def render(report: ValidationReport, lang: str = "both") -> str:
    """보고서를 표로 / the report as plain-text tables (checks, then one row per mistake), in
    ``lang`` ("ko", "en" or "both")."""
    def say(message: Msg | str) -> str:
        return messages.render(message, lang)

    def col(name: str) -> str:
        return say(Msg(f"validate.col_{name}"))

    out = [
        say(Msg("validate.header", assignment=report.assignment, seed=report.seed,
                isolation=report.isolation, functions=len(report.points),
                points=_num(report.total_points), mistakes=len(report.mistakes),
                seconds=f"{report.duration_s:g}")),
        "",
    ]
    rows = [[col("check"), col("result"), col("detail")]]
    for c in report.checks:
        rows.append([say(c.name), "ok" if c.ok else "FAIL", say(c.detail)])
    out += _table(rows)
    for c in report.checks:
        out += [f"  ✗ {say(c.name)}: {say(p)}" for p in c.problems]

    if report.mistakes:
        out.append("")
        rows = [[col("mistake"), col("function"), col("lost"), col("others"), col("hint"),
                 col("result")]]
        for m in report.mistakes:
            if m.error:
                rows.append([m.mistake.name, m.mistake.function, "-", "-", "-", "ERROR"])
                continue
            others = ", ".join(sorted(m.collateral)) or "-"
            rows.append([
                m.mistake.name,
                m.mistake.function,
                f"{_num(m.lost)}/{_num(m.points)}",
                others,
                say(Msg("validate.yes" if m.hint_shown else "validate.no")),
                "ok" if m.ok else "FAIL",
            ])
        out += _table(rows)
        for m in report.mistakes:
            out += [f"  ✗ {m.mistake.name}: {say(p)}" for p in m.problems]

    bad = sum(not c.ok for c in report.checks) + sum(not m.ok for m in report.mistakes)
    out += ["", say(Msg("validate.passed") if report.ok else Msg("validate.failed", count=bad))]
    return "\n".join(out)
