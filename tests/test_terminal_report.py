"""The terminal report as a person sees it: at 80 columns, in Korean and in English, whole
(never cut), without colour when piped or under NO_COLOR; `grader check --watch`; and plain
`pytest exercises/lec04`, concise and ending with the table."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from grader.cli import main
from grader.course.config import load_course
from grader.grading.engine import grade
from grader.report import text
from grader.result import FunctionResult, Result, TestResult

ROOT = Path(__file__).resolve().parent.parent
MISTAKE = ROOT / "solutions" / "lec04" / "mistakes" / "activations_sigmoid_derivative_z_as_out.py"
ANSI = re.compile(r"\x1b\[[0-9;]*m")
LONG_KO = ("시그모이드의 미분은 출력 out에 대해 out(1-out)입니다. 사전 활성화 z를 그대로 쓰면 값이 "
           "크게 달라지고, 깊은 층에서는 기울기 소실과 반대로 기울기가 폭발합니다. 끝말")
LONG_EN = ("The sigmoid's derivative is out(1-out) of its output out. Using the pre-activation z "
           "as it is gives very different values, and in deep layers the gradient explodes "
           "instead of vanishing. THE-END")


def _hint() -> dict[str, object]:
    return {"key": "mistake.hint", "params": {}, "ko": "힌트: " + LONG_KO, "en": "Hint: " + LONG_EN}


def _result(language: str, *, hidden: bool = False) -> Result:
    reason = ("sigmoid_derivative[1]: -2.44646를 반환했지만 기대값은 0.104994입니다 (차이 "
              "2.55145, 허용 오차 1.1e-06; 4개 중 4개 원소 불일치) / sigmoid_derivative[1]: got "
              "-2.44646, expected 0.104994 (|difference| 2.55145, tolerance 1.1e-06; 4 of 4 "
              "elements differ)")
    vis = "hidden" if hidden else "public"
    failing = TestResult("test_matches_reference[sigmoid_derivative]", 0.0, 1.5, False, vis,
                         reason, hint=_hint())
    passing = TestResult("test_known_values[sigmoid_derivative]", 1.5, 1.5, True, vis)
    ok = TestResult("test_known_values[sigmoid]", 3.0, 3.0, True, vis)
    todo = TestResult("test_relu", 0.0, 2.0, False, vis,
                      "activations.relu는 아직 구현되지 않았습니다 / not implemented yet")
    functions = [FunctionResult("activations.sigmoid", 3, 3, "passed", [ok]),
                 FunctionResult("activations.sigmoid_derivative", 1.5, 3, "partial",
                                [passing, failing]),
                 FunctionResult("activations.relu", 0, 2, "not_implemented", [todo]),
                 FunctionResult("optimizers.a_function_with_a_rather_long_name_for_a_table",
                                1, 1, "passed", [TestResult("t", 1, 1, True, vis)])]
    return Result("lec04", 5.5, 9.0, 7, "bwrap", 0.5, "0", functions,
                  notes=["격리 수준이 낮습니다: 학생 코드가 참조 해답을 읽을 수 있었습니다 / "
                         "reduced isolation: student code could read the reference " * 2],
                  language=language)


def _squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


def _fits(report: str, width: int = 80) -> None:
    wide = [ln for ln in report.splitlines() if text.display_width(ANSI.sub("", ln)) > width]
    assert not wide, wide


@pytest.mark.parametrize(("lang", "hint", "other"), [("ko", LONG_KO, "Hint:"),
                                                      ("en", LONG_EN, "힌트")])
def test_a_long_reason_and_hint_appear_whole_within_80_columns(lang: str, hint: str,
                                                               other: str) -> None:
    report = text.render(_result(lang), width=80)
    _fits(report)
    assert _squash(hint) in _squash(report)  # wrapped across lines, never cut
    assert "…" not in report and other not in report  # one language at a time
    assert _squash("4 of 4 elements differ)") in _squash(report)
    assert _squash("reduced isolation: student code could read the reference") in _squash(report)
    assert ("통과" in report) == (lang == "ko") and ("passed" in report) == (lang == "en")
    # the table: one row per function, its points beside it
    assert re.search(r"◐ sigmoid_derivative +1\.5/3", report)


def test_the_hint_belongs_to_the_function_that_lost_points_not_to_the_one_that_passed() -> None:
    report = text.render(_result("en"), width=80)
    after = report.split("sigmoid_derivative  (test_matches_reference[sigmoid_derivative])")[1]
    assert "Hint:" in after and "relu" not in after.split("Hint:")[0]
    # not implemented: its row says it, no paragraph
    assert report.count("relu") == 1


def test_verbose_lists_every_test() -> None:
    result = _result("en")
    short, verbose = text.render(result, width=80), text.render(result, width=80, verbose=True)
    _fits(verbose)
    names = [t.name for f in result.functions for t in f.tests]
    assert all(n in verbose for n in names)
    assert "test_known_values[sigmoid]" not in short


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_the_hidden_tests_line_appears_only_without_hidden_suites(lang: str) -> None:
    line = {"ko": "성적은 숨은 테스트로 정해집니다", "en": "hidden tests decide the grade"}[lang]
    assert line in text.render(_result(lang), width=80)
    assert line not in text.render(_result(lang, hidden=True), width=80)


def test_no_colour_under_no_color_or_when_piped(monkeypatch: pytest.MonkeyPatch) -> None:
    class Tty:
        def isatty(self) -> bool:
            return True

    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    assert text.use_colour(Tty()) and not text.use_colour(open(os.devnull, "w"))
    monkeypatch.setenv("NO_COLOR", "1")
    assert not text.use_colour(Tty())
    coloured = text.render(_result("ko"), width=80, color=True)
    assert ANSI.search(coloured)
    _fits(coloured)  # escapes take no columns
    assert ANSI.sub("", coloured) == text.render(_result("ko"), width=80)


def test_wrap_breaks_by_display_width_and_keeps_every_character() -> None:
    line = "가" * 100 + " word " + "x" * 90
    out = text.wrap(line, 30, "  ")
    assert all(text.display_width(ln) <= 30 for ln in out)
    assert _squash("".join(out)) == _squash(line)


# --- through a real grading ---------------------------------------------------------------


@pytest.fixture(scope="module")
def buggy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The reference with the catalogued mistake in sigmoid_derivative."""
    folder = tmp_path_factory.mktemp("buggy")
    for f in (ROOT / "solutions" / "lec04").glob("*.py"):
        shutil.copy(f, folder / f.name)
    source = MISTAKE.read_text(encoding="utf-8")
    with open(folder / "activations.py", "a", encoding="utf-8") as out:
        out.write("\n\n" + source[source.index("def sigmoid_derivative"):])
    return folder


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["ko", "en"])
def test_the_report_of_a_real_grading_in_each_language(buggy: Path, lang: str) -> None:
    course = load_course(ROOT / "course.yaml")
    for target in (ROOT / "solutions" / "lec04", buggy):
        result = grade(course, "lec04", target, seed=5)
        result.language = lang
        report = text.render(result, width=80)
        _fits(report)
        assert f"{result.score:g} / {result.max_score:g}" in report
        assert "hidden tests decide" not in report and "숨은 테스트로 정해집니다" not in report
    hint = result.function("activations.sigmoid_derivative").tests
    wanted = next(t.hint_text(lang) for t in hint if t.hint)
    assert _squash(wanted) in _squash(report)


@pytest.mark.slow
def test_check_piped_under_no_color_has_no_escapes_and_fits(buggy: Path) -> None:
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "80"}
    done = subprocess.run([sys.executable, "-m", "grader.cli", "check", str(buggy), "-v",
                           "--seed", "3"], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    assert not ANSI.search(done.stdout)
    _fits(done.stdout)
    assert "test_matches_reference_on_random_shapes[sigmoid_derivative]" in done.stdout


def test_cli_verbose_flag_reaches_the_report(buggy: Path) -> None:
    runner = CliRunner()
    out = runner.invoke(main, ["check", str(buggy), "--seed", "3", "-v"],
                        catch_exceptions=False)
    assert out.exit_code == 0 and not ANSI.search(out.output)
    data = runner.invoke(main, ["check", str(buggy), "--seed", "3", "--format", "json"])
    names = [t["name"] for f in json.loads(data.output)["functions"] for t in f["tests"]]
    assert len(names) > 40 and all(n in out.output for n in names)


# --- grader check --watch ----------------------------------------------------------------


@pytest.mark.slow
def test_watch_grades_again_when_a_file_changes(buggy: Path, tmp_path: Path) -> None:
    folder = tmp_path / "sub"
    shutil.copytree(buggy, folder)
    total = "총점"
    proc = subprocess.Popen([sys.executable, "-m", "grader.cli", "check", str(folder), "--watch",
                             "--seed", "1"], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "COLUMNS": "80"})
    try:
        assert proc.stdout is not None
        seen: list[str] = []

        def until(count: int) -> None:
            deadline = time.monotonic() + 120
            while sum(total in ln for ln in seen) < count:
                assert time.monotonic() < deadline, seen
                line = proc.stdout.readline()  # type: ignore[union-attr]
                assert line, "grader exited"
                seen.append(line)

        until(1)
        assert any("✗ sigmoid_derivative" in ln for ln in seen)
        for f in (ROOT / "solutions" / "lec04").glob("activations.py"):
            shutil.copy(f, folder / f.name)  # fixed
        until(2)
        second = "".join(seen).split(total)[1]
        assert "✓ sigmoid_derivative" in second
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()


def test_watch_grades_with_a_worker_started_ahead_and_sees_each_edit(tiny_course: Path,
                                                                     tmp_path: Path) -> None:
    """``--watch``: while the files stand still the next grading's worker starts; the grading
    after an edit takes it, stages the edited code into its folder and grades that code (a
    fresh worker: nothing of the last version is imported); closing leaves nothing behind."""
    import redteam_support as rs

    from grader.cli import _check_once
    from grader.grading.watch import StartedAhead

    submission = tmp_path / "sub"
    submission.mkdir()
    reference = (tiny_course / "solutions" / "a1" / "calc.py").read_text(encoding="utf-8")
    report = tmp_path / "report.json"
    args = (submission, str(tiny_course), None, "json", report, None, 1, None, "process", (),
            None, None, False, None)
    with rs.watched(tmp_path):
        ahead = StartedAhead.of(load_course(tiny_course), None, None, "process")
        try:
            scores = []
            for body in ("return k * x", "return 3 * x", "return k * x"):
                (submission / "calc.py").write_text(reference.replace("return k * x", body),
                                                    encoding="utf-8")
                ahead.prepare()
                started = ahead.pool()._pool
                assert started is not None and started.running() is False  # up, nothing imported
                _check_once(*args, warm=ahead)
                assert ahead.pool()._pool is None  # the grading took it
                scores.append(json.loads(report.read_text(encoding="utf-8"))["score"])
        finally:
            ahead.close()
    assert scores[0] == scores[2] == 5.0 and scores[1] < 5.0


# --- plain pytest in a course ------------------------------------------------------------


def _pytest_in_copy(tmp_path: Path, submission: Path | None = None) -> str:
    course = tmp_path / "course"
    course.mkdir()
    shutil.copy(ROOT / "course.yaml", course)
    shutil.copytree(ROOT / "exercises", course / "exercises")
    shutil.copytree(ROOT / "solutions", course / "solutions")
    if submission is not None:
        for f in submission.glob("*.py"):
            shutil.copy(f, course / "exercises" / "lec04" / f.name)
    done = subprocess.run([sys.executable, "-m", "pytest", "exercises/lec04", "-p",
                           "no:cacheprovider"], cwd=course, capture_output=True, text=True,
                          env={**os.environ, "COLUMNS": "80"}, timeout=300)
    return done.stdout


@pytest.mark.slow
def test_plain_pytest_on_the_stubs_is_short_and_ends_with_the_table(tmp_path: Path) -> None:
    out = _pytest_in_copy(tmp_path)
    lines = out.splitlines()
    assert len(lines) < 100, len(lines)  # about 2,150 before
    assert "proxy.py" not in out and "pool.py" not in out and "calls.py" not in out
    assert "Parameters" not in out and "FAILED " not in out
    table = lines.index(next(ln for ln in lines if "grader — lec04" in ln))
    assert all("미구현" in ln for ln in lines[table + 2:table + 5])
    assert "총점: 0 / 100" in "\n".join(lines[-6:])  # the table is what the student sees last


@pytest.mark.slow
def test_plain_pytest_shows_the_catalogued_hint_of_a_buggy_submission(tmp_path: Path,
                                                                         buggy: Path) -> None:
    out = _pytest_in_copy(tmp_path, buggy)
    # the same hint grader check shows, in the course's language, wrapped to the terminal
    hint = "→ 힌트: 델타식의 out(1-out)에서 out은 시그모이드의 출력입니다"
    assert _squash(hint) in _squash(out)
    # (pytest's own header lists the installed plugins: as long as the environment makes it)
    assert all(text.display_width(ln) <= 80 for ln in out.splitlines()
               if not ln.startswith(("exercises/", "plugins:")))
    assert "proxy.py" not in out and "def assert_close" not in out
    assert len(out.splitlines()) < 150
    assert "총점" in "\n".join(out.splitlines()[-8:])


def test_both_languages_side_by_side_still_fit_80_columns() -> None:
    report = text.render(_result("both"), width=80, verbose=True)
    _fits(report)
    assert _squash(LONG_KO) in _squash(report) and _squash(LONG_EN) in _squash(report)
    assert "통과 passed" in report and "총점 / total: 5.5 / 9" in report


def test_watch_sees_an_edit_of_the_submission_but_not_of_caches(tmp_path: Path) -> None:
    import threading

    from grader.grading import watch

    (tmp_path / "activations.py").write_text("x = 1\n", encoding="utf-8")
    (tmp_path / "__pycache__").mkdir()
    (tmp_path / ".git").mkdir()
    (tmp_path / "notes.txt").write_text("n", encoding="utf-8")
    before = watch.snapshot(tmp_path)
    assert list(before) == [str(tmp_path / "activations.py")]
    (tmp_path / "__pycache__" / "a.py").write_text("y", encoding="utf-8")
    (tmp_path / ".git" / "b.py").write_text("y", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("changed", encoding="utf-8")
    assert watch.snapshot(tmp_path) == before
    runs: list[float] = []

    def edit() -> None:
        time.sleep(0.3)
        (tmp_path / "activations.py").write_text("x = 22\n", encoding="utf-8")

    threading.Thread(target=edit).start()
    started = time.monotonic()
    watch.watch(tmp_path, lambda: runs.append(time.monotonic()), interval=0.05, settle=0.05,
                rounds=2)
    assert len(runs) == 2 and time.monotonic() - started < 10


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_status_words_and_report_words_come_from_the_catalogues(lang: str) -> None:
    from grader.messages import Msg
    from grader.report.text import STATUSES, status_word

    words = {s: status_word(s, lang) for s in STATUSES}
    assert words == {s: Msg(f"status.{s}").render(lang) for s in STATUSES}
    assert words["timeout"] == {"ko": "시간 초과", "en": "timed out"}[lang]
    assert status_word("passed", "both") == "통과 passed"
    assert status_word("odd", lang) == "odd"
