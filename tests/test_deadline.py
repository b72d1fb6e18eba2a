"""The time limit on trusted code (``grader.grading.deadline``): it stops a Python loop in any
thread, never fires after its block ended, and many limits share one watchdog thread."""

from __future__ import annotations

import os
import threading
import time

import pytest

from grader.grading.deadline import OutOfTime, time_limit


def _spin(seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass


def test_an_endless_loop_is_stopped_near_its_limit():
    start = time.monotonic()
    with pytest.raises(OutOfTime), time_limit(0.05):
        while True:
            pass
    assert time.monotonic() - start < 1.0


def test_a_block_that_ends_in_time_is_never_interrupted_later():
    for _ in range(200):
        with time_limit(0.02):
            pass
    _spin(0.1)  # every limit above has come due meanwhile: none may land here


def test_a_loop_in_another_thread_is_stopped():
    caught: list[BaseException] = []

    def limited() -> None:
        try:
            with time_limit(0.05):
                while True:
                    pass
        except OutOfTime as exc:
            caught.append(exc)

    thread = threading.Thread(target=limited)
    thread.start()
    thread.join(5)
    assert not thread.is_alive() and len(caught) == 1


def test_an_earlier_limit_set_after_a_later_one_still_fires_on_time():
    start = time.monotonic()
    with time_limit(30):
        with pytest.raises(OutOfTime), time_limit(0.05):
            while True:
                pass
        _spin(0.1)  # the outer limit does not fire
    assert time.monotonic() - start < 5


def test_many_limits_start_no_thread_each():
    with time_limit(1):
        pass
    before = threading.active_count()
    for _ in range(500):
        with time_limit(0.5):
            # while the limit is pending: a thread (or timer) per limit would be alive here
            assert threading.active_count() == before
    assert threading.active_count() == before


def test_a_limit_works_in_a_forked_child():
    if not hasattr(os, "fork"):
        pytest.skip("no fork here")
    with time_limit(1):
        pass
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            with time_limit(0.05):
                while True:
                    pass
        except OutOfTime:
            code = 0
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0


_UNDER_A_TRACER = """
import sys
from grader.grading.deadline import OutOfTime, time_limit

def tracer(frame, event, arg):
    return None

getattr(sys, sys.argv[1])(tracer)
for _ in range(5):
    try:
        with time_limit(0.02):
            while True:
                pass
    except OutOfTime:
        pass
print("stopped 5 loops")
"""


@pytest.mark.parametrize("hook", ["setprofile", "settrace"])
def test_limits_keep_working_under_a_profiler_or_tracer(hook: str) -> None:
    """cProfile, coverage and debuggers install these hooks: a fired limit must not leave the
    thread spinning at its next function entry (it did when a landed exception was cleared)."""
    import subprocess
    import sys

    try:
        done = subprocess.run([sys.executable, "-c", _UNDER_A_TRACER, hook], capture_output=True,
                              text=True, timeout=60)
    except subprocess.TimeoutExpired:
        pytest.fail(f"the second limit under sys.{hook} never returned")
    assert done.returncode == 0 and "stopped 5 loops" in done.stdout, done.stderr
