"""Nothing a student submits crashes the grader (issue 19): a module no parser can read and a
notebook ``json`` cannot decode cost only their own module's functions, in every format of
``grader check`` and in ``grader grade``; exit statuses mean one thing each; a class always
finishes.

학생이 무엇을 내도 채점기는 죽지 않는다: 읽을 수 없는 모듈·노트북은 그 모듈의 함수만 잃고, 종료
코드는 저마다 한 가지 뜻이며, 반 전체 채점은 언제나 끝난다.
"""

from __future__ import annotations

import csv
import io
import json
import os
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from nocrash_support import DEEP_JSON, LONG_CHAIN, MORE_REFERENCE, REFERENCE, make_two_module_course

from grader.classroom import run
from grader.classroom.pool import LocalPool
from grader.classroom.task import CourseRef, Job, course_hash, grade_job, read_job, retry_reason
from grader.cli import main
from grader.course.config import load_course
from grader.grading import internal_error
from grader.intake import safe_parse
from grader.lms import gradebooks as gradebook
from grader.messages import Msg
from grader.result import message_of, notes_of

CASES = {
    # more.py: one expression chained past ast's recursion limit.
    "module": {"calc.py": REFERENCE, "more.py": LONG_CHAIN},
    # more.py: 330 KiB of statements (a 2 MiB one took ~1 GB and 10-30 s per ast.parse).
    "large": {"calc.py": REFERENCE, "more.py": MORE_REFERENCE + "x = 1\n" * 55_000},
    # more.ipynb: JSON nested past json's limit, beside a good more.py.
    "notebook": {"calc.py": REFERENCE, "more.py": MORE_REFERENCE, "more.ipynb": DEEP_JSON},
}


@pytest.fixture(scope="module")
def two(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_two_module_course(tmp_path_factory.mktemp("course"))


def submission(folder: Path, case: str) -> Path:
    folder.mkdir(parents=True)
    for name, text in CASES[case].items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def check(*args: str) -> Any:
    return CliRunner().invoke(main, ["check", *args], catch_exceptions=False)


# ---- the parsers themselves (fast) -------------------------------------------------------------

def test_each_parse_turns_what_crashed_into_a_reason() -> None:
    with pytest.raises(safe_parse.Unreadable) as chained:
        safe_parse.python_tree(LONG_CHAIN, "more.py")
    assert chained.value.resource and "RecursionError" in chained.value.data.render("en")
    with pytest.raises(safe_parse.Unreadable) as deep:
        safe_parse.json_value(DEEP_JSON, "more.ipynb")
    assert deep.value.resource
    with pytest.raises(safe_parse.Unreadable) as nul:
        safe_parse.python_tree("x = 1\0\n", "more.py")
    assert not nul.value.resource
    assert safe_parse.python_limit("def f(:\n", "more.py") is None  # syntax: the worker says
    assert safe_parse.text(b"\xef\xbb\xbfx = 1\n", "m.py") == "x = 1\n"  # a BOM, as import does
    with pytest.raises(safe_parse.Unreadable):
        safe_parse.encodable("x = '\ud800'", "m.ipynb")


# ---- grader check: every format ----------------------------------------------------------------

def _functions(report: dict[str, Any]) -> dict[str, tuple[float, str]]:
    return {f["name"]: (f["score"], f["status"]) for f in report["functions"]}


@pytest.mark.parametrize("case", sorted(CASES))
def test_check_json_costs_only_that_module(two: Path, tmp_path: Path, case: str) -> None:
    sub = submission(tmp_path / "sub", case)
    started = time.monotonic()
    done = check(str(sub), "--course", str(two), "--format", "json", "--seed", "1", "--lang", "en")
    assert done.exit_code == 0, done.output
    assert time.monotonic() - started < 60
    report = json.loads(done.stdout)
    got = _functions(report)
    assert got["calc.add"] == (2, "passed") and got["calc.scale"] == (3, "passed")
    if case == "module":
        assert got["more.twice"][0] == 0 and got["more.twice"][1] == "error"
        reason = message_of(report["functions"][-1]["tests"][0], "en")
        assert "nested too deeply or chained too long" in reason, reason
        assert any("more.py" in n and "RecursionError" in n for n in notes_of(report, "en"))
    elif case == "large":
        assert got["more.twice"][0] == 0 and got["more.twice"][1] == "error"
        assert "too large for the grader to read (over 256 KiB)" in \
            message_of(report["functions"][-1]["tests"][0], "en")
    else:
        assert got["more.twice"] == (1, "passed")  # the good .py is graded
        assert any("more.ipynb" in n and "RecursionError" in n for n in notes_of(report, "en"))


@pytest.mark.slow
@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("fmt", ["text", "github", "html", "junit", "markdown", "gradescope"])
def test_check_every_format_costs_only_that_module(two: Path, tmp_path: Path, case: str,
                                                   fmt: str) -> None:
    sub = submission(tmp_path / "sub", case)
    out = tmp_path / "report.out"
    done = check(str(sub), "--course", str(two), "--format", fmt, "--seed", "1", "--lang", "en",
                 "--output", str(out), "--json-report", str(tmp_path / "r.json"))
    assert done.exit_code == 0, done.output
    text = out.read_text(encoding="utf-8")
    assert "Traceback" not in text and text.strip()
    got = _functions(json.loads((tmp_path / "r.json").read_text(encoding="utf-8")))
    assert got["calc.add"][0] == 2 and got["calc.scale"][0] == 3
    assert got["more.twice"][0] == (1 if case == "notebook" else 0)


# ---- grader grade ------------------------------------------------------------------------------

def test_grade_costs_only_that_module(two: Path, tmp_path: Path) -> None:
    course = load_course(two / "course.yaml")
    ref = CourseRef("a1", course_hash(course, "a1"), root=str(two))
    klass = tmp_path / "class"
    for case in CASES:
        submission(klass / case, case)

    def in_process(jobs: list[Job], done: Any) -> None:
        for job in jobs:
            done(job, grade_job(ref, job, 5), "")

    out = tmp_path / "out"
    run.grade_class(klass, out, course=course, ref=ref, seed=5, runner=in_process, progress=False)
    for case in CASES:
        report = json.loads((out / "reports" / f"{case}.json").read_text(encoding="utf-8"))
        assert report["submission"]["status"] == "graded", notes_of(report, "en")
        got = _functions(report)
        assert got["calc.add"][0] == 2 and got["calc.scale"][0] == 3
        assert got["more.twice"][0] == (1 if case == "notebook" else 0)
    with (out / "gradebook.csv").open(encoding="utf-8", newline="") as f:
        rows = {r["submission_id"]: r for r in csv.DictReader(f)}
    assert rows["module"]["total"] == rows["large"]["total"] == "5"
    assert rows["notebook"]["total"] == "6"


# ---- exit statuses -----------------------------------------------------------------------------

def test_check_help_documents_the_exit_statuses() -> None:
    text = CliRunner().invoke(main, ["check", "--help"]).output
    for line in ("0  ", "1  ", "2  ", "3  "):
        assert line in text
    assert "internal error of the grader" in text and "below --fail-under" in text


def test_exit_statuses_0_1_2(two: Path, tmp_path: Path) -> None:
    sub = submission(tmp_path / "sub", "module")
    assert check(str(sub), "--course", str(two), "--format", "json").exit_code == 0
    below = check(str(sub), "--course", str(two), "--format", "json", "--fail-under", "6")
    assert below.exit_code == 1 and json.loads(below.stdout)["score"] == 5
    (tmp_path / "empty").mkdir()
    none = check(str(tmp_path / "empty"), "--course", str(two), "--format", "json")
    assert none.exit_code == 2 and json.loads(none.stdout)["score"] == 0  # with its report
    usage = check(str(sub), "--course", str(two), "--fail-under", "99")
    assert usage.exit_code == 2


def test_an_internal_error_is_reported_with_its_traceback_and_exit_3(
        two: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import grader.grading.engine

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise ZeroDivisionError("a bug of the grader")

    monkeypatch.setattr(grader.grading.engine, "grade", broken)
    sub = submission(tmp_path / "sub", "module")
    done = check(str(sub), "--course", str(two), "--format", "json", "--lang", "en")
    assert done.exit_code == internal_error.EXIT_INTERNAL == 3
    report = json.loads(done.stdout)
    assert {f["status"] for f in report["functions"]} == {"error"} and report["score"] == 0
    notes = "\n".join(notes_of(report, "en"))
    assert "internal error of the grader" in notes and "ZeroDivisionError: a bug of the grader" in notes
    assert "Traceback (most recent call last)" in notes and "in broken" in notes


def test_a_crash_outside_grading_is_exit_3_with_the_traceback(
        two: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import grader.report.formats

    def broken(*args: Any, **kwargs: Any) -> str:
        raise KeyError("renderer bug")

    monkeypatch.setattr(grader.report.formats, "render", broken)
    sub = submission(tmp_path / "sub", "notebook")
    done = CliRunner().invoke(main, ["check", str(sub), "--course", str(two)])
    assert done.exit_code == 3
    assert "Traceback" in done.stderr and "renderer bug" in done.stderr


# ---- a class always finishes -------------------------------------------------------------------

def test_gradebook_leaves_an_error_blank_not_zero() -> None:
    def report(ident: str, status: str) -> dict[str, Any]:
        return {"score": 0.0, "max_score": 6.0, "duration_s": 1.0,
                "functions": [{"name": "calc.add", "score": 0.0}],
                "submission": {"id": ident, "name": ident, "seed": 1, "status": status,
                               "content_sha256": "x", "graded_at": "t"}}

    rows = list(csv.DictReader(io.StringIO(gradebook.gradebook_csv(
        [report("a", "graded"), report("b", "error")], ["calc.add"]))))
    assert (rows[0]["total"], rows[0]["calc.add"]) == ("0", "0")
    assert (rows[1]["total"], rows[1]["calc.add"], rows[1]["status"]) == ("", "", "error")


def test_which_failures_are_tried_again() -> None:
    job = Job("a", "a", "a", "h")
    error = {"submission": {"status": "error"}, "notes": ["boom"]}
    assert retry_reason(job, error, "") == "boom"
    assert retry_reason(job, {"submission": {"status": "graded"}}, "") is None
    assert retry_reason(job, None, Msg("pool.died", code=-9)) is not None
    assert retry_reason(job, None, Msg("pool.too_long", seconds="9")) is None  # as long again
    unreadable = Job("b", "b", "b", "h", error="not an archive")
    assert retry_reason(unreadable, error, "") is None  # the entry itself: the same again


class _KillsItsProcess:
    """Unpickled in the grading process, it ends that process at once (exit 7)."""

    def __reduce__(self) -> tuple[Any, ...]:
        return (os._exit, (7,))


@pytest.mark.slow
def test_a_failed_grading_is_tried_once_more_in_a_fresh_process_and_the_class_goes_on(
        two: Path, tmp_path: Path) -> None:
    course = load_course(two / "course.yaml")
    ref = CourseRef("a1", course_hash(course, "a1"), root=str(two))
    a = course.assignment("a1")
    klass = tmp_path / "class"
    for i in range(3):
        submission(klass / f"good{i}", "notebook")
    jobs = [read_job(p.name, p, p.name, a) for p in sorted(klass.iterdir())]
    dies = Job("dies", "dies", "dies", "h1", files={"calc.py": _KillsItsProcess()})  # type: ignore[dict-item]
    # Not bytes: the grader's own write fails (a stand-in for a bug of the grader).
    buggy = Job("buggy", "buggy", "buggy", "h2", files={"calc.py": "text, not bytes"})  # type: ignore[dict-item]
    pool = LocalPool(2, ref, 1, "auto", deadline_s=120)
    started_processes = 0
    start = pool._start

    def counting() -> Any:
        nonlocal started_processes
        started_processes += 1
        return start()

    pool._start = counting  # type: ignore[method-assign]
    got: dict[str, tuple[Any, Any]] = {}
    pool.run([dies, *jobs, buggy], lambda job, report, failure: got.__setitem__(job.id,
                                                                               (report, failure)))
    assert set(got) == {"dies", "buggy", "good0", "good1", "good2"}
    for i in range(3):
        assert got[f"good{i}"][0]["score"] == 6  # the others' grades are unchanged
    report, failure = got["dies"]
    assert report is None and Msg("pool.died", code=7).render("en") in str(failure.render("en"))
    report, _ = got["buggy"]
    assert report["submission"]["status"] == "error"
    notes = "\n".join(notes_of(report, "en"))
    assert "graded again in a fresh process" in notes and "Traceback" in notes
    # 2 warm processes; a fresh one for each retry; one replacing the process that died again.
    assert started_processes == 2 + 2 + 1


# ---- crashers found by the fuzzing campaign ----------------------------------------------------

def test_a_file_name_of_undecodable_bytes_is_refused_not_a_crash(two: Path, tmp_path: Path) -> None:
    """Found by benchmarks/fuzz_campaign.py: ``more\\xff.ipynb`` (a Linux name that is not UTF-8,
    or a tar member's) reached the report as a lone surrogate, and no report could be written."""
    sub = submission(tmp_path / "sub", "notebook")
    (sub / os.fsdecode(b"more\xff.ipynb")).write_bytes(b"{}")
    (sub / os.fsdecode(b"\xfe.py")).write_bytes(b"x = 1\n")
    out = tmp_path / "r.json"
    done = check(str(sub), "--course", str(two), "--format", "json", "--output", str(out),
                 "--lang", "en")
    assert done.exit_code == 0, done.output
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["score"] == 6
    assert [(r["path"], r["reason"]) for r in report["refused"]] == [("more\\xff.ipynb",
                                                                      "unreadable")]
    assert "not UTF-8" in report["refused"][0]["message"]
    # A class entry of such a name is graded; its report and the gradebook are written.
    course = load_course(two / "course.yaml")
    ref = CourseRef("a1", course_hash(course, "a1"), root=str(two))
    klass = tmp_path / "class"
    submission(klass / os.fsdecode(b"st\xffudent"), "notebook")

    def in_process(jobs: list[Job], done: Any) -> None:
        for job in jobs:
            done(job, grade_job(ref, job, 5), "")

    batch = run.grade_class(klass, tmp_path / "out", course=course, ref=ref, seed=5,
                            runner=in_process, progress=False)
    assert batch.graded == 1
    (written,) = (tmp_path / "out" / "reports").glob("*.json")
    assert json.loads(written.read_text(encoding="utf-8"))["score"] == 6


def test_a_grader_bug_while_hinting_costs_no_points_and_is_reported(
        two: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A hint is a courtesy: a bug there no longer vanishes in an ``except Exception``; the report
    keeps the grade and tells the instructor, with the traceback."""
    import grader.grading.hints

    mistakes = two / "solutions/a1/mistakes"
    mistakes.mkdir(exist_ok=True)
    (mistakes / "more_twice_thrice.py").write_text(
        '"""세 배 / thrice."""\n\nFUNCTION = "more.twice"\nHINT_KO = "두 배입니다."\n'
        'HINT_EN = "Twice, not thrice."\n\n\ndef twice(x):\n    return 3 * x\n', encoding="utf-8")

    def broken(self: Any, function: str, calls: Any) -> Any:
        raise AttributeError("hint bug")

    monkeypatch.setattr(grader.grading.hints.HintMatcher, "match", broken)
    sub = submission(tmp_path / "sub", "notebook")
    (sub / "more.py").write_text("def twice(x):\n    return 3 * x\n", encoding="utf-8")
    (sub / "more.ipynb").unlink()
    try:
        done = check(str(sub), "--course", str(two), "--format", "json", "--lang", "en")
    finally:
        (mistakes / "more_twice_thrice.py").unlink()
    assert done.exit_code == 0, done.output
    report = json.loads(done.stdout)
    assert report["score"] == 5  # calc's 5; twice is wrong
    notes = "\n".join(notes_of(report, "en"))
    assert "while looking for a hint" in notes and "AttributeError: hint bug" in notes
    assert "Traceback (most recent call last)" in notes


@pytest.mark.parametrize("text", [
    "course: " + "[" * 5000 + "]" * 5000 + "\n",  # RecursionError in PyYAML's composer
    "a: &a [x, x]\n" + "".join(f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n"
                               for i in range(20)),  # a "billion laughs"
])
def test_a_hostile_course_yaml_is_a_course_error(tmp_path: Path, text: str) -> None:
    """A public bundle lives in the student's repository: its course.yaml is student bytes there."""
    from grader.errors import GraderError

    (tmp_path / "course.yaml").write_text(text, encoding="utf-8")
    started = time.monotonic()
    with pytest.raises(GraderError) as caught:
        load_course(tmp_path / "course.yaml")
    assert time.monotonic() - started < 5
    assert "course.yaml" in caught.value.in_language("en")


@pytest.mark.parametrize("fmt", ["json", *(pytest.param(f, marks=pytest.mark.slow) for f in
                                          ("text", "github", "markdown", "junit", "gradescope",
                                           "html"))])
def test_a_lone_surrogate_from_student_code_is_escaped_in_every_format(two: Path, tmp_path: Path,
                                                                      fmt: str) -> None:
    """Found while auditing: ``raise ValueError("\\ud800")`` reached the report faithfully (the
    wire carries strings as they are) and no format could be written: exit 3. Found by the
    campaign: the same for what a function printed (the Markdown report)."""
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "calc.py").write_text('def add(a, b):\n    raise ValueError("bad \\ud800 value")\n\n'
                                 'def scale(x, k=2.0):\n    print("\\udcff printed")\n'
                                 "    return k * x + 1\n", encoding="utf-8")
    (sub / "more.py").write_text(MORE_REFERENCE, encoding="utf-8")
    done = CliRunner().invoke(main, ["check", str(sub), "--course", str(two), "--format", fmt,
                                     "--lang", "en"])
    assert done.exit_code == 0, done.output
    if fmt in ("text", "json", "junit", "gradescope"):
        assert "\\ud800" in done.stdout  # escaped, not lost (JSON doubles the backslash)
    if fmt == "json":
        assert "\\udcff printed" in done.stdout
