"""The report's timing: student calls, reference calls and the grader's own work."""

from __future__ import annotations

import time
import types

from grader.grading import timing


def _module() -> types.ModuleType:
    mod = types.ModuleType("ref")
    exec(
        "import time\n"
        "LIMIT = 3\n"
        "class Box:\n    pass\n"
        "def inner(s):\n    time.sleep(s)\n    return s\n"
        "def outer(s):\n    return inner(s) + inner(s)\n"
        "def apply(fn, s):\n    return fn(s)\n",
        mod.__dict__,
    )
    return mod


def test_reference_functions_are_timed_once_even_when_nested() -> None:
    watch = timing.Stopwatch()
    ref = timing.TimedModule(_module(), watch)
    assert isinstance(ref, types.ModuleType) and ref.__name__ == "ref"
    assert ref.__spec__ is None and ref.__package__ is None  # taken from the module itself
    assert ref.LIMIT == 3 and isinstance(ref.Box, type)  # a class is handed out, not wrapped
    start = time.perf_counter()
    assert ref.outer(0.02) == 0.04  # inner() is called through the module's globals
    assert ref.apply(ref.inner, 0.02) == 0.02  # a timed function handed to another: counted once
    spent = time.perf_counter() - start
    assert 0.06 <= watch.seconds <= spent


def test_exceptions_still_count_and_propagate() -> None:
    watch = timing.Stopwatch()
    ref = timing.TimedModule(_module(), watch)
    try:
        ref.inner("not a number")
    except TypeError:
        pass
    else:  # pragma: no cover
        raise AssertionError("expected TypeError")
    assert watch.seconds > 0 and watch._depth == 0


def test_breakdown_adds_up_to_the_total() -> None:
    got = timing.breakdown(1.0, 0.6, 0.1)
    assert got == {"student_calls_s": 0.6, "reference_calls_s": 0.1, "grader_s": 0.3}
    assert timing.breakdown(0.5, 0.4, 0.2)["grader_s"] == 0.0
