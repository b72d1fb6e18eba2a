"""The ``grader`` command. Exit codes: 0 graded, 1 graded but below ``--fail-under``
(or ``validate`` found a problem), 2 usage, course or submission error, 3 internal error of the
grader (``grader.grading.internal_error``).

``grader`` 명령. 종료 코드: 0 채점 완료, 1 기준 점수 미달, 2 사용법·과목·제출물 오류, 3 채점기 내부 오류.
"""

from __future__ import annotations

import atexit
import gc
import os
import signal
import sys
import typing
from pathlib import Path
from typing import NoReturn

import click

import grader
from grader import messages
from grader.course.config import Course, find_course, load_course
from grader.errors import GraderError
from grader.grading import internal_error
from grader.messages import Msg, choose_language
from grader.report import formats as report_formats

if typing.TYPE_CHECKING:
    from grader.course.bundle import OpenedBundle
    from grader.grading import watch as watching

EXIT_BELOW = 1
EXIT_USAGE = 2


def _course(course_opt: str | None, near: Path | None, lang: str | None = None, *,
            authoring: bool = False) -> Course:
    """``authoring`` (validate, stubs, bundle, release): also warn about reference functions
    the course does not grade; grading commands keep their first line for the submission."""
    if course_opt:
        return _checked(load_course(Path(course_opt)), lang, authoring)
    try:
        found = find_course(Path.cwd())
    except GraderError:
        if near is None:
            raise
        found = find_course(near)
    # Found but broken: the error names the key (not "none found" near PATH).
    return _checked(load_course(found), lang, authoring)


def _checked(course: Course, lang: str | None, authoring: bool = False) -> Course:
    """The course once its names are checked against its code (``grader.course.names``)."""
    from grader.course.names import check_names

    ungraded = check_names(course)
    for note in ungraded if authoring else []:
        _say("cli.warning", choose_language(lang, course.language), err=True, text=note)
    return course


def _open_course(bundle_path: Path | None, bundle_sha256: str | None, course_opt: str | None,
                 near: Path | None, lang: str | None = None,
                 ) -> tuple[OpenedBundle | None, Course]:
    """The course to grade with: a verified bundle's (remove it when done), else course.yaml's."""
    if bundle_path is not None:
        from grader.course.bundle import open_bundle

        opened = open_bundle(bundle_path, bundle_sha256)
        try:
            return opened, _checked(opened.course, lang)
        except GraderError:
            opened.remove()
            raise
    return None, _course(course_opt, near, lang)


def _fail(exc: Exception, lang: str | None = None) -> NoReturn:
    """The one place an error is shown: in ``lang`` (the language already chosen — the course's
    once it is loaded — or ``--lang``; None: the locale, as the course may be what failed to
    load), then exit with the error's own code (a ``GraderError``: 2)."""
    text = exc.in_language(choose_language(lang)) if isinstance(exc, GraderError) else str(exc)
    click.echo(f"grader: {text}", err=True)
    sys.exit(getattr(exc, "exit_code", EXIT_USAGE))


def _say(key: str, lang: str, *, err: bool = False, prefix: str = "", **params: object) -> None:
    """Print one of the command's own lines (a catalogue message) in ``lang``."""
    click.echo(prefix + Msg(key, **params).render(lang), err=err)


def _course_language(lang: str | None, course: Course) -> str:
    """The language of a command's lines once its course is loaded."""
    return choose_language(lang, course.language)


course_option = click.option(
    "--course", "course_opt", type=click.Path(dir_okay=True), default=None,
    help="course.yaml or its folder (default: the nearest one above the current folder)")
assignment_option = click.option("--assignment", "-a", default=None,
                                 help="assignment name (default: the course's only one)")
isolation_option = click.option(
    "--isolation", type=click.Choice(["auto", "bwrap", "landlock", "process"]), default="auto",
    show_default=True,
    help="the fence around student code — bwrap: namespaces and a read-only view; landlock: the "
         "worker fences itself (Linux 5.13+); process: a plain process (reduced isolation); "
         "auto: the strongest that works here")
lang_option = click.option(
    "--lang", type=click.Choice(["ko", "en", "both"]), default=None,
    help="보고서 언어 / language of the report: ko, en or both (side by side); default: "
         "course.yaml's course.language, else the locale (LANG/LC_ALL starting with 'ko': ko)")


@click.group(cls=internal_error.GuardedGroup)
@click.version_option(grader.__version__, prog_name="grader")
def main() -> None:
    """강의 4 실습 자동 채점기 / auto-grader for the lecture 4 exercises."""
    # SIGTERM (a CI timeout, `kill`) becomes a normal exit, so every `finally` removes its
    # temporary folders and kills its worker; SIGKILL leftovers are swept by the next run.
    signal.signal(signal.SIGTERM, _exit_on_signal)
    _collect_less()


_FREEZING: list[bool] = []


def _collect_less() -> None:
    """speed: a command allocates a great many objects once (importing pytest and NumPy,
    collecting the suites) and few of them become garbage: the cycle collector runs a tenth as
    often (~0.03 s of a `grader check`). At exit, the interpreter's last collections would walk
    every object the command made (~0.1 s): frozen objects are skipped; the exit is otherwise
    the same (atexit handlers run, modules are torn down, files close)."""
    first, *older = gc.get_threshold()
    gc.set_threshold(max(first, 7000), *older)
    if not _FREEZING:
        _FREEZING.append(True)
        atexit.register(gc.freeze)


def _exit_on_signal(signum: int, frame: object) -> None:
    # KeyboardInterrupt, not SystemExit: pytest stops the session on it instead of counting a
    # failed test and going on.
    raise KeyboardInterrupt


FORMATS = list(report_formats.FORMATS)


@main.command()
@click.argument("path", required=False, type=click.Path(path_type=Path))
@course_option
@assignment_option
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
              help="github: annotations, Classroom points and the job summary; junit: JUnit "
                   "XML; markdown: the summary table; gradescope: Gradescope's "
                   "results.json; html: one self-contained page with "
                   "pictures of your functions (needs matplotlib: "
                   "pip install 'rokey-grader[html]'); classroom: the runner result GitHub "
                   "Classroom's reporter reads")
@click.option("--output", type=click.Path(path_type=Path), default=None,
              help="write the report to this file (atomically) instead of standard output")
@click.option("--json-report", type=click.Path(path_type=Path), default=None,
              help="also write the JSON report here (e.g. a CI artifact)")
@click.option("--seed", type=int, default=None, help="seed of the random inputs (reproduces a run)")
@click.option("--fail-under", type=float, default=None,
              help="exit with 1 when the score is below this (at most the maximum score)")
@isolation_option
@click.option("--suites", multiple=True, type=click.Path(path_type=Path),
              help="folder of hidden suites (default: solutions/<assignment>/tests if present)")
@click.option("--bundle", "bundle_path", type=click.Path(path_type=Path), default=None,
              help="grade with a bundle from `grader bundle`: every suite, point and limit "
                   "comes from it, only the assignment's modules from PATH")
@click.option("--bundle-sha256", default=None,
              help="refuse the bundle unless its SHA-256 is this")
@click.option("--verbose", "-v", is_flag=True, help="text report: list every test")
@click.option("--watch", is_flag=True,
              help="grade again whenever a .py/.ipynb file of the submission changes (Ctrl-C "
                   "stops)")
@lang_option
def check(path: Path | None, course_opt: str | None, assignment: str | None, fmt: str,
          output: Path | None, json_report: Path | None, seed: int | None,
          fail_under: float | None, isolation: str, suites: tuple[Path, ...],
          bundle_path: Path | None, bundle_sha256: str | None, verbose: bool,
          watch: bool, lang: str | None) -> None:
    """제출물을 채점합니다 / grade a submission (PATH: folder, checkout, .py or .ipynb).

    \b
    종료 코드 / exit status:
      0  채점 완료 / graded
      1  --fail-under 미달 / graded, below --fail-under
      2  사용법·과목·제출물 오류 / usage, course or submission error (report written if graded)
      3  채점기 내부 오류 / internal error of the grader (traceback in the report's notes)
    """
    args = (path, course_opt, assignment, fmt, output, json_report, seed, fail_under, isolation,
            suites, bundle_path, bundle_sha256, verbose, lang)
    if not watch:
        try:
            _check_once(*args)
        except KeyboardInterrupt:  # before grading started (imports, the course) or after it
            _interrupted(choose_language(lang))
        return
    from grader.grading import watch as watching

    said = choose_language(lang)
    try:
        if bundle_path is not None:
            target = path if path is not None else Path.cwd()
        else:  # what the gradings will grade: the same paths as a single check
            from grader.intake.paths import submission_target

            course = _course(course_opt, path, lang)
            said = _course_language(lang, course)
            target = submission_target(path, course, course.assignment(assignment).name,
                                       bundle=False)
    except GraderError as exc:
        _fail(exc, said)
    tty = sys.stdout.isatty()
    warm = None if bundle_path is not None else _warm_pool(course, assignment, suites, isolation)

    def once() -> None:
        if tty:
            click.clear()
        try:
            _check_once(*args, warm=warm)
        except SystemExit as exc:  # a usage error or --fail-under: keep watching
            if exc.code == 130:
                raise
        sys.stdout.flush()

    def waiting() -> None:
        if warm is not None:  # the next grading's worker starts while the files are unchanged
            warm.prepare()
        _say("cli.watching", said, err=True, prefix="grader: ", target=str(target))

    try:
        watching.watch(target, once, on_wait=waiting)
    except KeyboardInterrupt:
        _say("cli.stopped_watching", said, err=True, prefix="grader: ")
        sys.exit(0)
    finally:
        if warm is not None:
            warm.close()


def _warm_pool(course: Course, assignment: str | None, suites: tuple[Path, ...],
               isolation: str) -> watching.StartedAhead | None:
    """``--watch``: each grading's worker started ahead, while the files are unchanged (None
    when the course cannot be graded: each check says why)."""
    from grader.grading import watch as watching

    try:
        return watching.StartedAhead.of(course, assignment, list(suites) or None, isolation)
    except GraderError:
        return None


def _check_once(path: Path | None, course_opt: str | None, assignment: str | None, fmt: str,
                output: Path | None, json_report: Path | None, seed: int | None,
                fail_under: float | None, isolation: str, suites: tuple[Path, ...],
                bundle_path: Path | None, bundle_sha256: str | None, verbose: bool,
                lang: str | None, *, warm: watching.StartedAhead | None = None) -> None:
    from grader.grading.engine import grade
    from grader.report import feedback, utf8_safe, write_atomically

    _check_bundle_options(bundle_path, bundle_sha256, suites, course_opt, lang)
    opened = None
    # The language of this command's own lines: --lang, the course once it is known, the locale.
    said = choose_language(lang)
    try:
        opened, course = _open_course(bundle_path, bundle_sha256, course_opt, path, lang)
        said = _course_language(lang, course)
        a = course.assignment(assignment or (opened.assignment if opened else None))
        from grader.intake.paths import submission_target

        target = submission_target(path, course, a.name, bundle=opened is not None)
        _check_threshold(fail_under, a.max_score)
        # The HTML page's pictures are part of the grading: the student's code runs once.
        during = []
        if fmt == "html":  # a page that cannot be drawn says so before any grading
            from grader.report import pictures  # speed: only the HTML page needs it

            pictures.require_matplotlib()
            during.append(pictures.in_session())
        result, internal = internal_error.guard(
            lambda: grade(course, a.name, target, seed=seed, isolation=isolation,
                          suites=list(suites) or None,
                          notes=[opened.message] if opened is not None else [],
                          during=during, warm=warm.pool() if warm is not None else None),
            course, a, seed)
        result.graded = str(Path(target).resolve())
        if lang is not None:
            result.language = lang
    except KeyboardInterrupt:
        _interrupted(said)
    except GraderError as exc:
        _fail(exc, said)
    finally:
        if opened is not None:
            opened.remove()
    # ---- no module found (issue 10): the reason first, the report still written, exit 2 ----
    from grader.intake.staging import NONE_FOUND, NONE_FOUND_REFUSED

    said = result.language
    none_found = next((text for key, text in zip(result.note_keys(), result.notes_in(said),
                                                 strict=True)
                       if key in (NONE_FOUND, NONE_FOUND_REFUSED)),
                      None)
    if none_found is not None:
        click.secho(f"grader: {none_found}", err=True, fg="red")
    if "engine.reduced_isolation" in result.note_keys():
        click.secho(Msg("cli.reduced_isolation").render(said), err=True, fg="yellow")
    # What students may see of hidden tests (course.yaml feedback.hidden_tests): in every
    # format when grading with a bundle, and always in the formats made for CI pages. A local
    # run by the instructor in text or JSON shows everything.
    student_facing = opened is not None or report_formats.FORMATS[fmt].student_facing
    shown = feedback.apply(result, course.feedback.hidden_tests) if student_facing else result
    rendered = report_formats.render(fmt, shown, course, report_formats.Options(
        verbose=verbose, terminal=output is None))
    if json_report is not None:
        from grader.report import json as json_report_module

        write_atomically(json_report, json_report_module.render(shown))
    if output is not None:
        write_atomically(output, rendered)
        click.echo(f"{result.score:g}/{result.max_score:g} → {output}")
    else:
        click.echo(utf8_safe(rendered), nl=False)
    if internal:
        sys.exit(internal_error.EXIT_INTERNAL)
    if none_found is not None:
        sys.exit(EXIT_USAGE)
    if fail_under is not None and result.score < fail_under:
        below = Msg("cli.below_threshold", score=f"{result.score:g}",
                    max_score=f"{result.max_score:g}", threshold=f"{fail_under:g}")
        click.echo(f"grader: {below.render(said)}", err=True)
        sys.exit(EXIT_BELOW)


def _interrupted(lang: str) -> NoReturn:
    """Ctrl-C or SIGTERM during a grading: say so, exit 130 (the shell's code for SIGINT)."""
    click.echo(f"grader: {Msg('cli.interrupted').render(lang)}", err=True)
    sys.exit(130)


def _check_bundle_options(bundle_path: Path | None, bundle_sha256: str | None,
                          suites: tuple[Path, ...], course_opt: str | None,
                          lang: str | None = None) -> None:
    """A bundle brings its own course and suites; its hash pin needs a bundle (said in the
    language of --lang, else the locale: the course is not known yet)."""
    if bundle_path is not None and (suites or course_opt):
        _fail(GraderError(Msg("cli.bundle_alone")), lang)
    if bundle_sha256 and bundle_path is None:
        _fail(GraderError(Msg("cli.sha256_needs_bundle")), lang)


def _check_threshold(fail_under: float | None, max_score: float) -> None:
    if fail_under is None:
        return
    if not 0 <= fail_under <= max_score:
        key = "cli.threshold_above" if fail_under > max_score else "cli.threshold_below"
        raise GraderError(Msg(key, threshold=f"{fail_under:g}", max_score=f"{max_score:g}"))


@main.command()
@course_option
@assignment_option
@click.option("--seed", type=int, default=None)
@isolation_option
@lang_option
def validate(course_opt: str | None, assignment: str | None, seed: int | None,
             isolation: str, lang: str | None) -> None:
    """과목 검증: 참조 해답 만점, 스텁 0점, 흔한 실수마다 해당 함수만 감점 / check a course.

    스텁은 solutions/에서 임시 폴더로 새로 만들어 채점합니다(exercises/의 수정과 무관) / grades stubs
    generated from solutions/ into a temporary folder, so edits in exercises/ do not matter; checks
    that every graded function has public and hidden tests and every catalogued mistake is caught.
    """
    from grader.course import validate as validation

    said = choose_language(lang)
    try:
        course = _course(course_opt, None, lang, authoring=True)
        said = _course_language(lang, course)
        a = course.assignment(assignment)
        report = validation.validate(course.root, a.name, seed=seed, isolation=isolation)
    except GraderError as exc:
        _fail(exc, said)
    click.echo(validation.render(report, said))
    if not report.ok:
        sys.exit(EXIT_BELOW)


@main.command()
@course_option
@assignment_option
@click.option("--force", is_flag=True,
              help="overwrite stubs edited since they were generated (their edits are lost)")
@lang_option
def stubs(course_opt: str | None, assignment: str | None, force: bool, lang: str | None) -> None:
    """solutions/에서 학생용 스텁을 생성합니다 (nbgrader 필요) / generate student stubs.

    수정된 스텁은 덮어쓰지 않습니다(--force 제외) / never overwrites an edited stub unless --force
    (exit 1 when it refused).
    """
    from grader.course import authoring

    said = choose_language(lang)
    try:
        course = _course(course_opt, None, lang, authoring=True)
        said = _course_language(lang, course)
        a = course.assignment(assignment)
        done = authoring.write_stubs(course.solutions_dir(a.name),
                                     course.exercises_dir(a.name), a.modules, force=force)
    except authoring.StubsEdited as exc:
        click.echo(f"grader: {exc.in_language(said)}", err=True)
        sys.exit(EXIT_BELOW)
    except GraderError as exc:
        _fail(exc, said)
    from grader.report.text import display_width

    # One column for every status word of the language, by display width (Hangul takes two).
    column = max(display_width(authoring.StubWrite(Path(), s).status_in(said))
                 for s in typing.get_args(authoring.StubStatus))
    for stub in done:
        word = stub.status_in(said)
        click.echo(f"{word}{' ' * (column - display_width(word))} {stub.path}")


# ---- grader similarity (issue 13) --------------------------------------------------------------
@main.command()
@click.argument("submissions", type=click.Path(path_type=Path, file_okay=False))
@course_option
@assignment_option
@click.option("--html", "html_out", type=click.Path(path_type=Path), default=None,
              help="write the report as one self-contained HTML file (passages side by side)")
@click.option("--csv", "csv_out", type=click.Path(path_type=Path), default=None,
              help="write every pair sharing a passage as CSV")
@click.option("--top", type=click.IntRange(min=1), default=20, show_default=True,
              help="pairs shown in the terminal (and 50 at least in the HTML file)")
@click.option("-k", "k", type=click.IntRange(min=1), default=8, show_default=True,
              help="noise threshold: shorter shared token runs never count")
@click.option("-t", "t", type=click.IntRange(min=1), default=12, show_default=True,
              help="guarantee threshold: every shared run this long is found (t >= k)")
@click.option("--max-share", type=click.FloatRange(0, 1), default=0.2, show_default=True,
              help="drop passages found in more than this share of submissions (at least 3)")
@click.option("--max-count", type=click.IntRange(min=1), default=None,
              help="drop passages found in more than this many submissions (overrides --max-share)")
@click.option("--min-tokens", type=click.IntRange(min=0), default=30, show_default=True,
              help="functions with fewer normalised tokens are reported, not ranked")
@click.option("--include-short", is_flag=True, help="rank short functions too")
@click.option("--starter", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="folder of the starter code (default: exercises/<assignment>; its tests/ too)")
@lang_option
def similarity(submissions: Path, course_opt: str | None, assignment: str | None,
               html_out: Path | None, csv_out: Path | None, top: int, k: int, t: int,
               max_share: float, max_count: int | None, min_tokens: int, include_short: bool,
               starter: Path | None, lang: str | None) -> None:
    """반 전체 코드 유사도 (살펴볼 이유일 뿐 증거가 아님) / similarity across a class.

    SUBMISSIONS: one entry per student — a folder (or checkout), a .py, an .ipynb or a .zip.
    """
    import shutil
    import time

    from grader.report import write_atomically
    from grader.similarity import Parameters, class_entries, compare_class, starter_texts
    from grader.similarity import report as similarity_report

    started = time.perf_counter()
    said = choose_language(lang)
    try:
        course = _course(course_opt, submissions, lang)
        said = _course_language(lang, course)
        a = course.assignment(assignment)
        entries, notes = class_entries(submissions)
        params = Parameters(k=k, t=t, max_share=max_share, max_count=max_count,
                            min_tokens=min_tokens, include_short=include_short)
        run = compare_class(entries, a, starter_texts(starter or course.exercises_dir(a.name)),
                            params)
    except GraderError as exc:
        _fail(exc, said)
    width = shutil.get_terminal_size((100, 24)).columns
    click.echo(similarity_report.render_text(run.analysis, top=top, width=width, lang=said),
               nl=False)
    for note in notes:
        click.echo(f"※ {messages.render(note, said)}", err=True)
    if html_out is not None:
        page = similarity_report.render_html(run.analysis, top=max(top, 50), lang=said)
        write_atomically(html_out, page)
        click.echo(f"HTML → {html_out}")
    if csv_out is not None:
        write_atomically(csv_out, similarity_report.render_csv(run.analysis))
        click.echo(f"CSV → {csv_out}")
    _say("cli.similarity_done", said, err=True, count=len(entries),
         seconds=f"{time.perf_counter() - started:.2f}")
# ---- end of grader similarity ------------------------------------------------------------------


# ---- grader grade (issue 10) -------------------------------------------------------------------
CLASS_FORMATS = report_formats.CLASS_FORMATS


@main.command()
@click.argument("submissions", type=click.Path(path_type=Path, file_okay=False))
@click.option("--out", "-o", type=click.Path(path_type=Path, file_okay=False),
              default=Path("grades"), show_default=True,
              help="output folder: reports/, gradebook.csv, summary.txt/json (reused to resume)")
@course_option
@assignment_option
@click.option("--bundle", "bundle_path", type=click.Path(path_type=Path), default=None,
              help="grade with a bundle from `grader bundle` (as `grader check --bundle`)")
@click.option("--bundle-sha256", default=None, help="refuse the bundle unless its SHA-256 is this")
@click.option("--suites", multiple=True, type=click.Path(path_type=Path),
              help="folder of hidden suites (default: solutions/<assignment>/tests if present)")
@click.option("--workers", "-j", type=click.IntRange(min=1), default=None,
              help="grading processes (default: the cores)")
@click.option("--seed", type=int, default=None,
              help="seed of the random inputs (default: the one recorded in OUT, else a new one)")
@click.option("--force", is_flag=True, help="grade every submission again, even up-to-date ones")
@click.option("--roster", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="CSV: submission, student_id[, name, section, canvas_id, sis_login_id]")
@click.option("--format", "formats", multiple=True, type=click.Choice(CLASS_FORMATS),
              help="also write each student's report in this format (repeatable); JSON always")
@click.option("--canvas-assignment", default=None,
              help='write OUT/canvas.csv for Canvas\'s gradebook import: "TITLE (ID)"')
@click.option("--include-unlisted", is_flag=True,
              help="with --roster: also put submissions not on the roster into canvas.csv")
@click.option("--dask", "dask_address", default=None,
              help="grade on a Dask cluster at this scheduler address "
                   "(pip install 'rokey-grader[dask]')")
@isolation_option
@lang_option
def grade(submissions: Path, out: Path, course_opt: str | None, assignment: str | None,
          bundle_path: Path | None, bundle_sha256: str | None, suites: tuple[Path, ...],
          workers: int | None, seed: int | None, force: bool, roster: Path | None,
          formats: tuple[str, ...], canvas_assignment: str | None, include_unlisted: bool,
          dask_address: str | None, isolation: str, lang: str | None) -> None:
    """반 전체를 병렬로 채점합니다 (이어서 채점 가능) / grade a whole class, in parallel, resumably.

    SUBMISSIONS: one entry per student — a folder (or checkout), a .py, an .ipynb or an archive.
    Exit codes: 0 graded, 1 some submission is `error` (listed; rerun retries it), 2 usage or course
    error, 130 interrupted (finished reports are kept; rerun to continue).
    """
    from grader.classroom.roster import load_roster
    from grader.classroom.run import batch_seed, grade_class
    from grader.classroom.task import CourseRef, course_hash

    _check_bundle_options(bundle_path, bundle_sha256, suites, course_opt, lang)
    opened = None
    said = choose_language(lang)
    try:
        opened, course = _open_course(bundle_path, bundle_sha256, course_opt, None, lang)
        said = _course_language(lang, course)
        a = course.assignment(assignment or (opened.assignment if opened else None))
        if opened is not None:
            assert bundle_path is not None
            note, note_data = opened.note, messages.to_data(opened.message)
            ref = CourseRef(a.name, opened.sha256, root=str(course.root), bundle_note=note,
                            bundle_note_data=note_data)
            if dask_address:
                ref = CourseRef(a.name, opened.sha256, bundle=bundle_path.read_bytes(),
                                bundle_sha256=opened.sha256, bundle_note=note,
                                bundle_note_data=note_data)
        else:
            ref = CourseRef(a.name, course_hash(course, a.name, suites), root=str(course.root),
                            suites=tuple(str(Path(s).resolve()) for s in suites))
        students = load_roster(roster) if roster is not None else None
        run_seed = batch_seed(out, seed)
        if dask_address:
            from grader.classroom.dask import dask_runner, portable_ref

            runner = dask_runner(dask_address, portable_ref(ref, course), run_seed, isolation)
        else:
            from grader.classroom.pool import LocalPool
            from grader.grading.context import plan

            # Secure by default, once for the class: exit 2 here rather than 200 errors.
            plan(course, a.name, suites=list(suites) or None, isolation=isolation)
            limits = course.limits
            deadline = limits.submission_budget_s + 4 * limits.call_timeout_s + 120
            cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") \
                else os.cpu_count() or 1
            pool = LocalPool(workers or cores, ref, run_seed, isolation, deadline)
            runner = pool.run
        batch = grade_class(submissions, out, course=course, ref=ref, seed=run_seed,
                            runner=runner, roster=students, force=force, formats=formats,
                            canvas_assignment=canvas_assignment, lang=said,
                            include_unlisted=include_unlisted)
    except GraderError as exc:
        _fail(exc, said)
    except KeyboardInterrupt:  # before grading started: nothing was written
        _interrupted(said)
    finally:
        if opened is not None:
            opened.remove()
    click.echo(batch.summary_text, nl=False)
    for batch_note in batch.notes:
        click.echo(f"※ {messages.render(batch_note, said)}", err=True)
    _say("cli.grade_done", said, err=True, total=batch.total, graded=batch.graded,
         up_to_date=batch.up_to_date, seed=batch.seed, out=str(out))
    if batch.interrupted:
        _say("cli.grade_interrupted", said, err=True, prefix="grader: ")
        sys.exit(130)
    if batch.summary.get("errors"):
        sys.exit(EXIT_BELOW)
# ---- end of grader grade -----------------------------------------------------------------------


@main.command()
@click.argument("out", type=click.Path(path_type=Path), required=False)
@course_option
@assignment_option
@click.option("--public", is_flag=True,
              help="only the course file and the public suites (for students' own CI)")
@click.option("--gradescope", "gradescope_zip", type=click.Path(path_type=Path), default=None,
              help="also (or only) write a Gradescope autograder zip here (setup.sh, "
                   "run_autograder, the hidden bundle); needs --grader-requirement")
@click.option("--grader-requirement", default=None,
              help="with --gradescope: what setup.sh installs, pinned to one build (the same "
                   "rules as `grader release`)")
@lang_option
def bundle(out: Path | None, course_opt: str | None, assignment: str | None, public: bool,
           gradescope_zip: Path | None, grader_requirement: str | None,
           lang: str | None) -> None:
    """숨은 번들(과목 파일, 테스트, 참조 해답, 흔한 실수 + SHA-256 목록)을 씁니다 / write the bundle
    grading needs: course file, suites, reference, mistakes, hashed."""
    from grader.course.bundle import make_bundle

    # ---- grader bundle --gradescope (issue 10) ----
    said = choose_language(lang)
    if out is None and gradescope_zip is None:
        _fail(GraderError(Msg("cli.bundle_needs_out")), said)
    if gradescope_zip is not None:
        from grader.lms.gradescope_zip import make_autograder

        if grader_requirement is None or public:
            _fail(GraderError(Msg("cli.gradescope_options")), said)
        try:
            course = _course(course_opt, None, lang, authoring=True)
            said = _course_language(lang, course)
            a = course.assignment(assignment)
            make_autograder(course, a.name, gradescope_zip, str(grader_requirement))
        except GraderError as exc:
            _fail(exc, said)
        _say("cli.wrote_gradescope", said, path=str(gradescope_zip), assignment=a.name)
        if out is None:
            return
    # ---- end of grader bundle --gradescope ----
    try:
        course = _course(course_opt, None, lang, authoring=True)
        said = _course_language(lang, course)
        a = course.assignment(assignment)
        assert out is not None  # checked above: OUT or --gradescope
        digest = make_bundle(course, a.name, out, "public" if public else "full")
    except GraderError as exc:
        _fail(exc, said)
    _say("cli.wrote_public_bundle" if public else "cli.wrote_bundle", said, path=str(out),
         assignment=a.name, version=grader.__version__)
    click.echo(f"sha256 {digest}")


@main.command()
@click.argument("out", type=click.Path(path_type=Path))
@course_option
@assignment_option
@click.option("--bundle", "hidden_bundle", type=click.Path(path_type=Path), default=None,
              help="the hidden bundle the trusted workflow will use: its SHA-256 is pinned there")
@click.option("--grader-requirement", required=True,
              help="what CI installs, pinned to one build: 'rokey-grader==0.2.0', 'rokey-grader "
                   "@ https://…/rokey_grader-0.2.0-py3-none-any.whl#sha256=…' or 'rokey-grader @ "
                   "git+https://…/grader.git@<commit>'")
@click.option("--force", is_flag=True, help="replace OUT if it exists")
@click.option("--notebooks", is_flag=True,
              help="also write one student notebook per module (notebooks/<assignment>/), made "
                   "with nbgrader's preprocessors; needs the 'authoring' extra")
@click.option("--allow-edited-stubs", is_flag=True,
              help="ship stubs that differ from what `grader stubs` generated (a solution body "
                   "in them is still refused)")
@lang_option
def release(out: Path, course_opt: str | None, assignment: str | None,
            hidden_bundle: Path | None, grader_requirement: str, force: bool,
            notebooks: bool, allow_edited_stubs: bool, lang: str | None) -> None:
    """학생용 저장소를 만듭니다 (스텁, 공개 테스트, README, CI 템플릿) / write the student tree."""
    from grader.course.release import write_release

    said = choose_language(lang)
    try:
        course = _course(course_opt, None, lang, authoring=True)
        said = _course_language(lang, course)
        a = course.assignment(assignment)
        written = write_release(course, a.name, out, grader_requirement=grader_requirement,
                                hidden_bundle=hidden_bundle, force=force, notebooks=notebooks,
                                # the notebooks speak to students: --lang, else the course's
                                lang=lang or course.language or "both",
                                allow_edited_stubs=allow_edited_stubs)
    except GraderError as exc:
        _fail(exc, said)
    _say("cli.wrote_release", said, path=str(out), count=len(written))
    if hidden_bundle is None:
        click.secho(Msg("cli.release_unpinned").render(said), err=True, fg="yellow")


# ---- grader export (issue 10) -------------------------------------------------------------------
@main.command()
@click.argument("reports", type=click.Path(path_type=Path, file_okay=False))
@click.option("--nbgrader-db", "db_url", required=True,
              help="nbgrader's gradebook, e.g. sqlite:////home/me/course/gradebook.db (the "
                   "db_url of nbgrader_config.py); needs the 'authoring' extra")
@click.option("--include-unlisted", is_flag=True,
              help="also export submissions that were not on `grader grade`'s roster")
@lang_option
def export(reports: Path, db_url: str, include_unlisted: bool, lang: str | None) -> None:
    """채점 결과를 nbgrader 성적부에 씁니다 / write a graded batch into an nbgrader gradebook.

    REPORTS: the folder of `grader grade` (REPORTS/reports/<id>.json) or of result JSON files.
    """
    from grader.lms.nbgrader_export import read_batch, write_gradebook

    said = choose_language(lang)  # no course here: --lang, else the locale
    try:
        batch = read_batch(reports, include_unlisted)
        count = write_gradebook(batch, db_url)
    except GraderError as exc:
        _fail(exc, said)
    _say("cli.exported", said, count=count, assignment=batch.assignment, db=db_url,
         cells=len(batch.max_scores))
    for skipped in batch.skipped:
        _say("cli.export_skipped", said, err=True, student=skipped.student_id,
             source=str(skipped.source))
    for unlisted in batch.unlisted:
        _say("cli.export_unlisted", said, err=True, student=unlisted.student_id,
             source=str(unlisted.source))
# ---- end of grader export ----------------------------------------------------------------------


if __name__ == "__main__":
    main()
