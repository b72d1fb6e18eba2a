"""A student's first hour: paths as a student means them, the graded folder in every report,
display imports in a ``.py``, what the worker offers, the HTML format's check before grading,
and an interrupt that ends any grading within a second.

학생의 첫 한 시간: 학생이 뜻하는 경로, 보고서마다 채점한 폴더, .py의 그림 import, 작업자가
제공하는 것, HTML 형식의 사전 확인, 1초 안에 끝나는 중단.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from grader.cli import main
from grader.result import message_of, notes_of

RIGHT_CALC = '''
import numpy as np

def add(a, b):
    return a + b

def scale(x, k=2.0):
    return k * x
'''


def run(*args: str, cwd: Path | None = None):
    runner = CliRunner()
    if cwd is None:
        return runner.invoke(main, list(args), catch_exceptions=False)
    old = Path.cwd()
    os.chdir(cwd)
    try:
        return runner.invoke(main, list(args), catch_exceptions=False)
    finally:
        os.chdir(old)


def _report(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


# --- paths as a student means them; the graded folder in every header ------------------------

def test_a_module_name_from_the_repository_root_is_the_exercise_file(tiny_course, tmp_path):
    """`grader check calc.py` at the course's root grades exercises/a1/calc.py."""
    (tiny_course / "exercises/a1/calc.py").write_text(RIGHT_CALC, encoding="utf-8")
    out = tmp_path / "r.json"
    result = run("check", "calc.py", "--format", "json", "--output", str(out),
                 "--isolation", "process", cwd=tiny_course)
    assert result.exit_code == 0, result.output
    report = _report(out)
    assert report["score"] == report["max_score"] == 5
    assert report["graded"] == str((tiny_course / "exercises/a1/calc.py").resolve())


def test_course_option_from_a_students_folder_grades_that_folder(tiny_course, tmp_path):
    """From a student's own folder, `--course` names the course: the folder is what is graded
    (not the course's stubs), and every format's header says which folder it was."""
    student = tmp_path / "student1"
    student.mkdir()
    (student / "calc.py").write_text(RIGHT_CALC, encoding="utf-8")
    out = tmp_path / "r.json"
    result = run("check", "--course", str(tiny_course), "--format", "json", "--output", str(out),
                 "--isolation", "process", cwd=student)
    assert result.exit_code == 0, result.output
    assert _report(out)["score"] == 5
    assert _report(out)["graded"] == str(student.resolve())
    for fmt in ("text", "markdown", "junit"):
        page = tmp_path / f"r.{fmt}"
        result = run("check", "--course", str(tiny_course), "--format", fmt, "--output",
                     str(page), "--isolation", "process", "--lang", "en", cwd=student)
        assert result.exit_code == 0, result.output
        assert str(student.resolve()) in page.read_text(encoding="utf-8"), fmt
    text = (tmp_path / "r.text").read_text(encoding="utf-8")
    assert f"submission graded: {student.resolve()}" in text.splitlines()[1]
    # Inside the course, no PATH still means the course's own exercise folder.
    result = run("check", "--format", "json", "--output", str(out), "--isolation", "process",
                 cwd=tiny_course)
    assert _report(out)["graded"] == str((tiny_course / "exercises/a1").resolve())
    assert _report(out)["score"] == 0  # the stubs


# --- display imports in a .py; what the worker offers -----------------------------------------

def test_display_imports_in_a_py_cost_nothing(tiny_course, tmp_path):
    """matplotlib (installed or not) in a .py is made a no-op as in a notebook: full marks,
    tracebacks keep the student's line numbers, and the notes say what was neutralised."""
    student = tmp_path / "sub"
    student.mkdir()
    (student / "calc.py").write_text(
        "import numpy as np\nimport matplotlib.pyplot as plt\nfrom tqdm import tqdm\n"
        "plt.plot([1, 2])\nfig, ax = plt.subplots()\nplt.show()\n" + RIGHT_CALC
        + "\ndef broken():\n    return 1 / 0\n", encoding="utf-8")
    out = tmp_path / "r.json"
    result = run("check", str(student), "--course", str(tiny_course), "--format", "json",
                 "--output", str(out), "--isolation", "process", "--lang", "en")
    assert result.exit_code == 0, result.output
    report = _report(out)
    assert report["score"] == 5, report["functions"]
    notes = " ".join(notes_of(report))
    assert "import matplotlib.pyplot as plt" in notes and "from tqdm import tqdm" in notes


def test_a_failed_import_says_what_the_worker_offers(tiny_course, tmp_path):
    student = tmp_path / "sub"
    student.mkdir()
    (student / "calc.py").write_text("import scipy.special\n" + RIGHT_CALC, encoding="utf-8")
    out = tmp_path / "r.json"
    result = run("check", str(student), "--course", str(tiny_course), "--format", "json",
                 "--output", str(out), "--isolation", "process")
    assert result.exit_code == 0, result.output
    test = _report(out)["functions"][0]["tests"][0]
    assert "scipy" in message_of(test, "en")
    assert "NumPy and Python's standard library only" in message_of(test, "en")
    assert "NumPy와 파이썬 표준 라이브러리만" in message_of(test, "ko")


# --- --format html checks for matplotlib first -------------------------------------------------

def test_html_without_matplotlib_fails_before_grading(tiny_course, tmp_path, monkeypatch):
    import grader.grading.engine

    graded = []
    monkeypatch.setattr(grader.grading.engine, "grade", lambda *a, **k: graded.append(1))
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # `import matplotlib` fails
    result = CliRunner().invoke(main, ["check", "--course", str(tiny_course), "--format", "html",
                                       "--output", str(tmp_path / "r.html"), "--lang", "en"])
    assert result.exit_code == 2
    assert "pip install 'rokey-grader[html]'" in result.output
    assert graded == [] and not (tmp_path / "r.html").exists()


# --- an interrupt ends any grading within a second ----------------------------------------------

# `add` is wrong, so `scale` (which calls it) is rerun with the reference standing in for it; each
# call of `scale` takes 1.2 s and records its worker's pid, so the test knows when a rerun runs.
SLOW_STANDIN = '''
import os
import time

def add(a, b):
    return a - b

def scale(x, k=2.0):
    with open({marker!r}, "a") as f:
        f.write(f"{{os.getpid()}}\\n")
    time.sleep(1.2)
    return add(k * x / 2, k * x / 2)
'''


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}").exists() and "Z" not in \
        Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[:1]


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_an_interrupt_during_a_stand_in_rerun_ends_within_a_second(tiny_course, tmp_path,
                                                                   signum):
    marker = tmp_path / "calls"
    student = tmp_path / "sub"
    student.mkdir()
    (student / "calc.py").write_text(SLOW_STANDIN.format(marker=str(marker)), encoding="utf-8")
    # each call takes 1.2 s on purpose: a limit that follows the reference's time would stop it
    course_yaml = tiny_course / "course.yaml"
    course_yaml.write_text(course_yaml.read_text(encoding="utf-8").replace(
        "submission_budget_s: 20}", "submission_budget_s: 20, call_floor_s: 3}"), encoding="utf-8")
    out = tmp_path / "r.json"
    # Plain process isolation, so the student's module may write the marker (the test's own
    # course; nothing secret in it).
    proc = subprocess.Popen([sys.executable, "-m", "grader", "check", str(student), "--course",
                             str(tiny_course), "--isolation", "process", "--format", "json",
                             "--output", str(out)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        # Two calls of scale in its own tests, then the reruns: the third call is a rerun's.
        while time.monotonic() < deadline and proc.poll() is None:
            if marker.exists() and len(marker.read_text().split()) >= 3:
                break
            time.sleep(0.02)
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.3)  # well inside the rerun's 1.2 s call
        sent = time.monotonic()
        proc.send_signal(signum)
        _, err = proc.communicate(timeout=30)
        elapsed = time.monotonic() - sent
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, err
    assert "interrupted" in err or "중단" in err
    assert elapsed < 1.0, f"{elapsed:.2f} s"
    assert not out.exists()  # nothing half-written
    pids = {int(p) for p in marker.read_text().split()}
    assert not any(_alive(pid) for pid in pids)  # no worker left behind


def test_the_interrupt_hook_keeps_one_frame_for_pytest_to_render():
    """pytest renders the interrupted traceback with every frame's source before it stops; the
    hook leaves it one frame, whatever the depth."""
    from grader.grading import interrupt

    def deep(n: int) -> None:
        if n == 0:
            raise KeyboardInterrupt
        deep(n - 1)

    with pytest.raises(KeyboardInterrupt) as excinfo:
        deep(50)
    assert len(excinfo.traceback) > 50
    interrupt.pytest_keyboard_interrupt(excinfo)
    assert len(excinfo.traceback) == 1 and excinfo.traceback[0].name == "deep"
    assert "raise KeyboardInterrupt" in str(excinfo.getrepr(funcargs=True))


def test_submission_target_resolves_as_a_student_means(tiny_course, tmp_path):
    from grader.course.config import load_course
    from grader.intake.paths import submission_target

    course = load_course(tiny_course / "course.yaml")
    exercises = tiny_course / "exercises/a1"
    # A module name from the course's root, a path that exists as given, an absent name.
    assert submission_target(Path("calc.py"), course, "a1", bundle=False,
                             cwd=tiny_course) == exercises / "calc.py"
    (tiny_course / "calc.py").write_text(RIGHT_CALC, encoding="utf-8")
    assert submission_target(Path("calc.py"), course, "a1", bundle=False,
                             cwd=tiny_course) == Path("calc.py")
    assert submission_target(Path("nope.py"), course, "a1", bundle=False,
                             cwd=tiny_course) == Path("nope.py")
    # No PATH: a folder outside the course holding work; an unrelated folder; with a bundle.
    student, empty = tmp_path / "student", tmp_path / "empty"
    (student / "exercises/a1").mkdir(parents=True)
    empty.mkdir()
    assert submission_target(None, course, "a1", bundle=False, cwd=student) == student.resolve()
    assert submission_target(None, course, "a1", bundle=False, cwd=empty) == exercises
    assert submission_target(None, course, "a1", bundle=True, cwd=empty) == empty.resolve()
    assert submission_target(None, course, "a1", bundle=False, cwd=exercises) == exercises
