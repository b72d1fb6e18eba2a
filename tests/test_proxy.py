"""The worker and the proxy: calls cross as plain data; failures stay with the call that made them."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest

from grader.boundary.proxy import Student, StudentSession
from grader.boundary.sandbox import probe_bwrap, probe_landlock
from grader.course.config import Limits
from grader.errors import (
    StudentImportFailed,
    StudentMissing,
    StudentNotImplemented,
    StudentRaised,
    WorkerCrashed,
    WorkerTimeout,
)

ISOLATIONS = ["process"] + [name for name, probe in (("bwrap", probe_bwrap),
                                                     ("landlock", probe_landlock))
                            if probe().ok]

MODULE_A = '''
import numpy as np
import warnings

def double(x):
    return 2 * x

def mutate(x, config=None):
    x *= 2
    if config is not None:
        config["v"] += 1
    return x

def chatty(x):
    print("디버그 출력", x.shape)
    warnings.warn("just so you know", UserWarning)
    return x

def stub(x):
    raise NotImplementedError()

def boom(x):
    return 1 / 0

def exits(x):
    import sys
    sys.exit(3)

def hard_exit(x):
    import os
    os._exit(0)

def spin(x):
    while True:
        pass

def nap(x):
    import time
    time.sleep(x)
    return x

def ask(x):
    return input("x? ")
'''

MODULE_B = '''
from mod_a import double

def quadruple(x):
    return double(double(x))
'''


@pytest.fixture(params=ISOLATIONS)
def make_session(request, tmp_path):
    sessions = []

    def make(files: dict[str, str], **limits) -> StudentSession:
        folder = tmp_path / f"sub{len(sessions)}"
        folder.mkdir()
        for name, text in files.items():
            (folder / name).write_text(text, encoding="utf-8")
        modules = [Path(n).stem for n in files]
        s = StudentSession(folder, modules, Limits(**{"call_timeout_s": 2.0, **limits}),
                           request.param)
        sessions.append(s)
        return s

    yield make
    for s in sessions:
        s.close()


def test_calls_return_plain_values_and_sibling_imports_work(make_session):
    s = make_session({"mod_a.py": MODULE_A, "mod_b.py": MODULE_B})
    student = Student(s)
    out = student.mod_a.double(np.arange(3.0))
    assert type(out) is np.ndarray and out.tolist() == [0.0, 2.0, 4.0]
    assert student.mod_b.quadruple(1.5) == 6.0
    assert student.mod_a.double.batch([(1,), (2.0,), (np.ones(2),)])[:2] == [2, 4.0]


def test_mutation_is_reported_with_argument_names(make_session):
    student = Student(make_session({"mod_a.py": MODULE_A}))
    call = student.mod_a.mutate.call(np.ones(2), config={"v": np.zeros(1)})
    assert call.mutated == ["x", "config['v']"]
    assert student.mod_a.double.call(np.ones(2)).mutated == []


def test_output_and_warnings_are_captured_not_failures(make_session):
    student = Student(make_session({"mod_a.py": MODULE_A}))
    call = student.mod_a.chatty.call(np.ones(2))
    assert call.error is None and "디버그 출력 (2,)" in call.output
    assert [(w.category, w.message) for w in call.warnings] == [("UserWarning", "just so you know")]


def test_student_exceptions_carry_type_location_and_status(make_session):
    student = Student(make_session({"mod_a.py": MODULE_A}))
    with pytest.raises(StudentNotImplemented):
        student.mod_a.stub(1)
    err = student.mod_a.boom.call(1).error
    assert isinstance(err, StudentRaised) and err.is_a("ArithmeticError")
    assert "mod_a.py, line" in err.where and "ZeroDivisionError" in str(err)
    # sys.exit() in a function is that function's exception, the worker survives
    assert student.mod_a.exits.call(1).error.is_a("SystemExit")
    assert student.mod_a.double(2) == 4


def test_a_dying_or_hanging_worker_fails_only_its_call(make_session):
    s = make_session({"mod_a.py": MODULE_A})
    student = Student(s)
    with pytest.raises(WorkerCrashed, match="exit code 0"):
        student.mod_a.hard_exit(1)
    assert student.mod_a.double(2) == 4
    t = time.monotonic()
    with pytest.raises(WorkerTimeout, match="2 s"):
        student.mod_a.spin(1)
    assert time.monotonic() - t < 4
    assert student.mod_a.double(3) == 6
    assert s.worker_starts == 3


def test_submission_budget_stops_a_slow_submission(make_session):
    s = make_session({"mod_a.py": MODULE_A}, submission_budget_s=1.5, call_timeout_s=1.0)
    student = Student(s)
    assert student.mod_a.nap(0.8) == 0.8
    with pytest.raises(WorkerTimeout):
        student.mod_a.nap(0.9)  # 0.8 + 0.9 > 1.5: cut at the budget
    with pytest.raises(WorkerTimeout, match="budget"):
        student.mod_a.double(1)


def test_missing_module_function_and_broken_import(make_session):
    s = make_session({"mod_a.py": MODULE_A, "broken.py": "def f(:\n    pass\n",
                      "dies.py": "import os\nos._exit(1)\n"})
    student = Student(s)
    with pytest.raises(StudentMissing, match="found 'double': rename it to 'doubel'"):
        student.mod_a.doubel(1)
    with pytest.raises(StudentMissing, match=r"mod_c\.py"):
        student.mod_c.f(1)
    with pytest.raises(StudentImportFailed, match=r"SyntaxError \(broken.py, line 1\)"):
        student.broken.f(1)
    with pytest.raises(WorkerCrashed, match=r"while importing dies\.py"):
        student.dies.f(1)
    starts = s.worker_starts
    with pytest.raises(WorkerCrashed):  # remembered: no new worker is paid for it
        student.dies.f(1)
    assert student.mod_a.double(1) == 2 and s.worker_starts == starts + 1


def test_limits_name_themselves_in_messages(make_session):
    s = make_session({"mod_l.py": (
        "import numpy as np\n"
        "def hog(x):\n    return np.ones(10**9)\n"
        "def big_file(x):\n"
        "    with open('big.bin', 'wb') as f:\n        f.write(b'0' * (4 << 20))\n")},
        memory_mb=512, file_size_mb=2)
    student = Student(s)
    # The limit and its value in each language; the course.yaml key is the instructor's word.
    with pytest.raises(StudentRaised, match=r"메모리 제한 512 MB를 넘었습니다\) / .*"
                                            r"over the memory limit of 512 MB$") as hog:
        student.mod_l.hog(1)
    with pytest.raises(StudentRaised, match=r"파일 크기 제한 2 MB를 넘었습니다\) / .*"
                                            r"over the file size limit of 2 MB$") as big:
        student.mod_l.big_file(1)
    assert "limits." not in str(hog.value) + str(big.value)


def test_input_fails_at_once_and_says_why(make_session):
    """Standard input is /dev/null, and input() fails at once with a bilingual message instead
    of waiting for the call timeout."""
    student = Student(make_session({"mod_a.py": MODULE_A}))
    t = time.monotonic()
    err = student.mod_a.ask.call(1).error
    assert time.monotonic() - t < 1.0
    assert err is not None and err.is_a("EOFError")
    assert "표준 입력이 비어 있습니다" in str(err) and "standard input is empty" in str(err)
    # The worker says it in both languages; the trusted side reports it in one.
    ko, en = err.data.render("ko"), err.data.render("en")
    assert "표준 입력이 비어 있습니다" in ko and "standard input" not in ko
    assert "standard input is empty" in en and "표준" not in en


def test_a_timed_out_function_is_not_run_again(make_session):
    """After its first timeout a function's later calls fail at once, naming the test it timed
    out in; the other functions are graded normally."""
    s = make_session({"mod_a.py": MODULE_A}, call_timeout_s=1.0)
    student = Student(s)
    s.current_test = "test_spin_first"
    with pytest.raises(WorkerTimeout, match="1 s"):
        student.mod_a.spin(1)
    s.current_test = "test_spin_again"
    t = time.monotonic()
    for _ in range(3):
        with pytest.raises(WorkerTimeout, match="earlier test test_spin_first"):
            student.mod_a.spin(1)
        with pytest.raises(WorkerTimeout, match="not run again"):
            student.mod_a.spin.batch([(1,), (2,)])
    assert time.monotonic() - t < 0.5
    assert student.mod_a.double(3) == 6
