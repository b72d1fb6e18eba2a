"""Limits that follow the work (``grader.grading.time_limits``) and the calls of a function that timed
out (``grader.grading.callers``): an endless loop costs about a second, honest slow code keeps its
marks."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from redteam_support import replace_function

from grader.boundary.proxy import Student, StudentSession
from grader.course.config import Limits, load_course
from grader.errors import StudentError, WorkerTimeout
from grader.grading.callers import CallGraph
from grader.grading.engine import grade
from grader.grading.time_limits import CallLimits, signature

ROOT = Path(__file__).resolve().parent.parent
LOOPS = ROOT / "tests" / "submissions" / "loops"


def _finder(functions):
    return lambda name, timed=True: functions.get(name)


def test_the_work_signature_keeps_shapes_and_integers_and_drops_float_values():
    a, b = np.zeros((3, 4)), np.ones((3, 4))
    assert signature((a, 0.5)) == signature((b, 2.5))
    assert signature((a,)) != signature((np.zeros((4, 3)),))
    assert signature({"epochs": 10}) != signature({"epochs": 5000})
    assert signature([a, "relu"]) != signature([a, "sigmoid"])
    assert signature(np.zeros(3, dtype=np.float32)) != signature(np.zeros(3))


def test_a_fast_reference_gives_the_floor_and_a_slow_one_a_multiple_up_to_the_ceiling():
    def fast(z):
        return z

    def slow(z):
        time.sleep(0.02)
        return z

    limits = CallLimits(_finder({"m.fast": fast, "m.slow": slow}),
                        Limits(call_timeout_s=10.0, call_factor=100.0))
    floor = limits.limit("m.fast", (np.zeros(3),), {})
    assert floor.seconds == 1.0 and floor.derived and floor.reason.key == "limits.derived"
    scaled = limits.limit("m.slow", (np.zeros(3),), {})
    assert 2.0 <= scaled.seconds <= 10.0  # 100 × at least 20 ms
    batch = limits.limit("m.slow", (np.zeros(3),), {}, calls=50)  # 50 × 100 × 20 ms > 10 s
    assert batch.seconds == 10.0 and not batch.derived
    assert scaled.seconds in (2.0, 4.0, 8.0, 10.0)  # a power of two seconds, or the ceiling
    # The reason says the factor, the floor and the ceiling, in both languages, and no measured
    # time: the same words on every path and every run.
    en, ko = scaled.reason.render("en"), scaled.reason.render("ko")
    assert "100 times" in en and "at least 1 s" in en and "at most 10 s" in en
    assert "100" in ko and "ms" not in ko and "ms" not in en and en != ko


def test_the_reference_is_timed_once_per_work_signature_on_a_copy_of_the_inputs():
    seen = []

    def update(w, config):
        seen.append(w.shape)
        w += 1.0  # changes its inputs in place, as optimizers may
        config["t"] = config.get("t", 0) + 1
        return w

    limits = CallLimits(_finder({"opt.update": update}), Limits(call_timeout_s=10.0))
    w, config = np.zeros(4), {"t": 0}
    for value in (0.0, 1.0, 2.0):
        limits.limit("opt.update", (w + value, config), {})
    limits.limit("opt.update", (np.zeros(5), config), {})
    # once per signature (twice when the first time is above the floor: the best of two runs)
    assert sorted(set(seen)) == [(4,), (5,)] and all(seen.count(s) <= 2 for s in set(seen))
    assert seen[0] == (4,) and seen[-1] == (5,)
    assert w.tolist() == [0.0] * 4 and config == {"t": 0}  # the caller's inputs untouched


def test_no_reference_or_a_refusing_reference_still_gives_a_limit():
    def refuses(z):
        raise ValueError("no")

    limits = CallLimits(_finder({"m.refuses": refuses}), Limits(call_timeout_s=7.0))
    assert limits.limit("m.refuses", (1,), {}).seconds == 1.0
    course = limits.limit("m.unknown", (1,), {})
    assert course.seconds == 7.0 and course.reason.key == "limits.no_reference"
    assert "7 s" in course.reason.render("en")

    def broken(name, timed=True):
        raise RuntimeError("no such module")

    assert CallLimits(broken, Limits(call_timeout_s=7.0)).limit("x.y", (), {}).seconds == 7.0


GRAPH_A = """
import numpy as np
import mod_b as b

def spin(x):
    while True:
        pass

def _helper(x):
    return spin(x) + 1

def through_helper(x):
    return _helper(x)

def shadowed(spin):
    return spin

def through_b(x):
    return b.uses_spin(x)

def alone(x):
    return 2 * x
"""
GRAPH_B = """
from mod_a import spin as s

def uses_spin(x):
    return s(x)

def broken(:
"""


def test_the_call_graph_follows_helpers_imports_and_module_attributes(tmp_path):
    (tmp_path / "mod_a.py").write_text(GRAPH_A)
    (tmp_path / "mod_b.py").write_text(GRAPH_B.replace("def broken(:\n", ""))
    graded = ["mod_a.spin", "mod_a.through_helper", "mod_a.shadowed", "mod_a.through_b",
              "mod_a.alone", "mod_b.uses_spin"]
    graph = CallGraph(tmp_path, ["mod_a", "mod_b", "missing"], graded)
    assert graph.reaches("mod_a.through_helper") == {"mod_a.spin"}
    assert graph.reaches("mod_b.uses_spin") == {"mod_a.spin"}
    assert graph.reaches("mod_a.through_b") == {"mod_b.uses_spin", "mod_a.spin"}
    assert graph.reaches("mod_a.shadowed") == set()  # a parameter, not the function
    assert graph.reaches("mod_a.alone") == graph.reaches("mod_a.spin") == set()
    (tmp_path / "mod_b.py").write_text(GRAPH_B)  # a syntax error: nothing inferred, no crash
    assert CallGraph(tmp_path, ["mod_b"], graded).reaches("mod_b.uses_spin") == set()


@pytest.fixture
def session(tmp_path):
    (tmp_path / "mod_a.py").write_text(GRAPH_A)
    # ``import`` of a module, not ``from`` (mod_a imports mod_b: a cycle)
    (tmp_path / "mod_b.py").write_text("import mod_a as a\n\ndef uses_spin(x):\n"
                                       "    return a.spin(x)\n")
    graded = ["mod_a.spin", "mod_a.through_helper", "mod_a.alone", "mod_b.uses_spin"]
    s = StudentSession(tmp_path, ["mod_a", "mod_b"], Limits(call_timeout_s=10.0), "process",
                       graded=graded)
    reference = {"mod_a.spin": lambda x: x, "mod_a.through_helper": lambda x: x + 1,
                 "mod_a.alone": lambda x: 2 * x, "mod_b.uses_spin": lambda x: x}
    s.call_limits = CallLimits(_finder(reference), s.limits)
    yield s
    s.close()


def test_an_endless_loop_stops_at_the_derived_limit_and_its_callers_fail_at_once(session):
    student = Student(session)
    session.start_test("test_spin")
    start = time.monotonic()
    with pytest.raises(WorkerTimeout) as info:
        student.mod_a.spin(1)
    waited = time.monotonic() - start
    print(f"endless loop stopped after {waited:.2f} s (course limit 10 s)")
    assert waited < 3.0  # the floor (1 s), not the course's 10 s
    assert info.value.data.key == "limits.timeout"
    en = info.value.data.render("en")
    assert "took longer than the 1 s limit" in en and "times what the reference solution took" in en
    assert "주어진 1초를 넘겨" in info.value.data.render("ko")
    # Its callers, through a helper or another module, fail at once naming it as their callee
    # (so the stand-in rerun can credit them); the rest runs as usual.
    for caller in (student.mod_a.through_helper, student.mod_b.uses_spin):
        session.start_test("test_caller")
        start = time.monotonic()
        with pytest.raises(StudentError) as refused:
            caller(1)
        assert time.monotonic() - start < 0.5
        assert refused.value.status == "failed"
        assert refused.value.data.key == "limits.callee_timed_out"
        assert session.callees == {"mod_a.spin"}
    with pytest.raises(WorkerTimeout, match=r"timed out \(1 s\)"):
        student.mod_a.spin(2)
    assert student.mod_a.alone(4) == 8
    # With the culprit standing in (a rerun), the caller runs again, on the stand-in's answer.
    with session.standing_in(["mod_a.spin"], lambda question: {"op": "reference", "value": 5}):
        assert student.mod_a.through_helper(1) == 6


def _load() -> str:
    return "load average " + " ".join(f"{x:.1f}" for x in os.getloadavg())


@pytest.mark.slow
def test_one_endless_loop_in_sigmoid_costs_about_a_second_and_only_sigmoid_loses(tmp_path):
    course = load_course(ROOT)
    sub = tmp_path / "hangs"
    sub.mkdir()
    for path in (ROOT / "solutions" / "lec04").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        if path.name == "activations.py":
            text = replace_function(text, "sigmoid", "def sigmoid(z):\n    while True:\n"
                                    "        pass\n")
        (sub / path.name).write_text(text, encoding="utf-8")
    result = grade(course, "lec04", sub, seed=3)
    print(f"one endless loop in sigmoid: check {result.duration_s:.2f} s, timing "
          f"{result.timing}, {_load()} (before: 10 s per timed-out call)")
    lost = {f.name: f.score for f in result.functions if f.score < f.max_score}
    assert list(lost) == ["activations.sigmoid"] and result.score == 97
    sigmoid = next(f for f in result.functions if f.name == "activations.sigmoid")
    timed_out = [t for t in sigmoid.tests if t.reason and t.reason["key"] == "limits.timeout"]
    assert len(timed_out) == 1 and timed_out[0].duration_s < 3.0
    assert "times what the reference solution took" in timed_out[0].reason_in("en")
    # Its callers (sigmoid_derivative, softplus_derivative, ...) did not wait for it again.
    waited = [t.duration_s for f in result.functions for t in f.tests if t.duration_s > 0.9
              and t.reason and "limit" in t.reason["key"]]
    assert waited == [timed_out[0].duration_s]
    # The student's calls, timeout included, cost far less than the old 10 s limit alone.
    assert result.timing["student_calls_s"] < 6.0


@pytest.mark.slow
def test_pure_python_loops_in_every_function_keep_full_marks_on_a_loaded_machine():
    course = load_course(ROOT)
    graded = set(course.assignment("lec04").functions)
    defined = {f"{p.stem}.{line[4:].split('(')[0]}" for p in LOOPS.glob("[!_]*.py")
               for line in p.read_text(encoding="utf-8").splitlines() if line.startswith("def ")}
    assert graded <= defined  # every graded function, written with loops
    hogs = [subprocess.Popen([sys.executable, "-c", "while True: pass"])
            for _ in range(os.cpu_count() or 2)]
    try:
        result = grade(course, "lec04", LOOPS, seed=21)
    finally:
        for hog in hogs:
            hog.kill()
            hog.wait()
    print(f"pure-Python loops under {len(hogs)} CPU hogs: check {result.duration_s:.2f} s, "
          f"timing {result.timing}, {_load()}")
    lost = [(f.name, f.reason) for f in result.functions if f.score != f.max_score]
    assert lost == [] and result.score == 100


def test_a_long_reference_is_not_timed_to_its_end():
    """Past ``ceiling / factor`` the limit is the ceiling anyway: the measurement stops there
    (``train_xor``'s 5000 epochs are not run twice)."""
    def long(epochs):  # a Python loop, as train_xor's epochs (the limit lands between bytecodes)
        end = time.monotonic() + epochs
        while time.monotonic() < end:
            pass

    limits = CallLimits(_finder({"m.long": long}), Limits(call_timeout_s=10.0))
    start = time.monotonic()
    limit = limits.limit("m.long", (3,), {})
    assert time.monotonic() - start < 1.0
    assert limit.seconds == 10.0 and not limit.derived


def test_the_reference_is_timed_while_the_worker_runs_the_call_not_before_it(tmp_path):
    # Both sleep (no CPU needed), so the overlap shows however loaded the machine is.
    (tmp_path / "slow.py").write_text("import time\n\ndef nap(x):\n    time.sleep(0.6)\n"
                                      "    return x\n")
    measured = []

    def reference_nap(x):
        measured.append(time.monotonic())
        time.sleep(0.6)
        return x

    # factor 1 and a 2 s floor: one measure (no second run), the limit is the floor
    limits = Limits(call_timeout_s=10.0, call_factor=1.0, call_floor_s=2.0)
    s = StudentSession(tmp_path, ["slow"], limits, "process", graded=["slow.nap"])
    try:
        s.call_limits = CallLimits(_finder({"slow.nap": reference_nap}), s.limits)
        student = Student(s)
        s.start_test("test_nap")
        assert student.slow.nap(3) == 3  # imports the module and starts the worker
        spent_before, start = s.pool.spent_s, time.monotonic()
        assert student.slow.nap(np.zeros(4)).shape == (4,)  # a new work signature: measured
        waited = time.monotonic() - start
        assert len(measured) == 2 and measured[1] >= start
        assert waited < 1.1, f"{waited:.2f} s: the 0.6 s of each side ran one after the other"
        # the budget is charged the student's call, not the grader's timing of the reference
        assert s.pool.spent_s - spent_before < waited + 0.01
    finally:
        s.close()


def test_a_class_process_times_the_reference_once_for_all_its_gradings(tiny_course, monkeypatch):
    """``engine.serve`` (a class worker's one pytest session): the second grading finds every
    timing the first made, and measures nothing again."""
    from grader.grading import engine, time_limits

    measured: list[tuple[str, object]] = []
    original = time_limits.CallLimits._measure

    def counting(self, function, args, kwargs, timed):
        measured.append((function, signature((args, kwargs))))
        return original(self, function, args, kwargs, timed)

    monkeypatch.setattr(time_limits.CallLimits, "_measure", counting)
    course = load_course(tiny_course)
    submission = tiny_course / "solutions" / "a1"
    scores: list[float] = []
    per_grading: list[int] = []

    def work(grader):
        for _ in range(2):
            before = len(measured)
            scores.append(grader.grade(submission, seed=3).score)
            per_grading.append(len(measured) - before)

    engine.serve(course, "a1", work, isolation="process")
    assert scores == [5.0, 5.0]
    assert per_grading[0] > 0 and per_grading[1] == 0


BOMB = """
def bomb(x):
    hog = []
    while True:
        hog.append(bytearray(1 << 23))

def calls_bomb(x):
    return bomb(x) + 1

def alone(x):
    return 2 * x
"""


def test_a_memory_bomb_is_run_once_and_its_callers_fail_at_once_naming_it(tmp_path):
    (tmp_path / "mod_m.py").write_text(BOMB)
    graded = ["mod_m.bomb", "mod_m.calls_bomb", "mod_m.alone"]
    s = StudentSession(tmp_path, ["mod_m"], Limits(call_timeout_s=10.0, memory_mb=400),
                       "process", graded=graded)
    try:
        student = Student(s)
        s.start_test("test_bomb")
        first = student.mod_m.bomb.call(1).error
        assert first is not None and first.is_a("MemoryError")
        # a MemoryError says nothing of itself: the limit is the whole reason, read as one
        assert first.data.render("en").endswith("): over the memory limit of 400 MB")
        assert first.data.render("ko").endswith("). 메모리 제한 400 MB를 넘었습니다")
        s.start_test("test_bomb_again")
        start = time.monotonic()
        with pytest.raises(StudentError) as again:
            student.mod_m.bomb(2)
        assert again.value.data.key == "session.memory_before"
        assert "test_bomb" in again.value.data.render("en")
        assert "메모리 제한(400 MB)" in again.value.data.render("ko")
        with pytest.raises(StudentError) as caller:
            student.mod_m.calls_bomb(1)
        assert caller.value.data.key == "limits.callee_out_of_memory"
        assert s.callees == {"mod_m.bomb"}  # so the stand-in rerun can credit the caller
        assert time.monotonic() - start < 0.5
        assert student.mod_m.alone(4) == 8
        # With the culprit standing in (a rerun), the caller runs again, on the stand-in's
        # answer.
        with s.standing_in(["mod_m.bomb"], lambda question: {"op": "reference", "value": 5}):
            assert student.mod_m.calls_bomb(1) == 6
    finally:
        s.close()
