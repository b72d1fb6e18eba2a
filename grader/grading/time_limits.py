"""Time limits that follow the work: a student call may take what the reference takes on the
same inputs, many times over, at least a second and at most the course's ``call_timeout_s``.

호출 시간 제한을 참조 해답이 같은 입력에 걸린 시간에서 정한다 (넉넉한 배수, 최소 약 1초, 최대는
과목의 call_timeout_s). 무한 루프 하나가 10초가 아니라 약 1초만 쓰게 한다.

``CallLimits.limit`` times the reference function on a copy of the same inputs, here on the
trusted side (the reference never enters the worker), and keeps the time by the inputs' *work
signature* — array shapes and dtypes, integers (epochs, sizes), the structure of lists and
dicts — so a test that calls a function on the same shapes again does not pay for it twice (a
class process keeps the times for all its gradings: ``timings``). A student call is sent first
and its limit found while the worker runs it (``WorkerPool.call``): on two CPUs the timing costs
no wall time, and it is not counted in the report's ``reference_calls_s`` (a batch's limit, found
before it is sent, is). A measurement stops at ``call_timeout_s / call_factor`` (33 ms): beyond
it the limit is the course's anyway, so a long reference (``train_xor``'s 5000 epochs) is not
run twice for nothing.

``limits.call_factor`` (300) covers the slowest honest style: pure-Python loops over every
element and sample, about a hundred times NumPy, on a machine loaded by a whole class.
``limits.call_floor_s`` (1 s) covers what
does not scale with the inputs (a call's round trip, Python's own start of a loop, a busy
machine's scheduling). Stand-in reruns keep the course's limit: their nested calls each make a
round trip to the trusted side, which the reference's own time does not show.
"""

from __future__ import annotations

import copy
import math
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

import numpy as np

from grader.course.config import Limits
from grader.grading.deadline import OutOfTime, time_limit
from grader.messages import Msg

# The templates of this module's Msg keys: grader/locale/{ko,en}/LC_MESSAGES/grader.po.

_DEPTH = 4  # how deep a signature looks into nested lists and dicts


#: The reference's time by function and work signature (None: no reference to time).
Timings = dict[tuple[str, Hashable], float | None]


@dataclass(frozen=True)
class Limit:
    """The wall-clock limit of one call and why it is that (a ``Msg`` for the report)."""

    seconds: float
    reason: Msg
    derived: bool  # from the reference's time (False: the course's ``call_timeout_s``)


def signature(value: Any, depth: int = _DEPTH) -> Hashable:
    """What a call's cost depends on: shapes and dtypes of arrays, integers, the structure of
    lists, tuples and dicts. Floats and strings of the same shape cost the same."""
    if isinstance(value, np.ndarray):
        return ("a", value.shape, value.dtype.str)
    if isinstance(value, bool | int | np.integer):
        return ("i", int(value))
    if isinstance(value, float | np.floating | complex):
        return "f"
    if depth <= 0:
        return type(value).__name__
    if isinstance(value, list | tuple):
        return (type(value).__name__, tuple(signature(v, depth - 1) for v in value))
    if isinstance(value, dict):
        return ("d", tuple(sorted((str(k), signature(v, depth - 1)) for k, v in value.items())))
    if isinstance(value, str):
        return ("s", value[:50])  # a mode ("sigmoid", "relu") may choose the work
    return type(value).__name__


class CallLimits:
    """The limits of one submission's calls, from its reference (``find`` gives the reference
    function of ``"module.function"``, or None when there is none)."""

    def __init__(self, find: Callable[[str, bool], Callable[..., Any] | None],
                 limits: Limits, timings: Timings | None = None) -> None:
        self._find, self.ceiling_s = find, limits.call_timeout_s
        self.factor = max(limits.call_factor, 1.0)
        self.floor_s = min(limits.call_floor_s, self.ceiling_s)
        # ``timings``: shared by the gradings of one class process (the same reference); the
        # first measure of a work signature is every later grading's too.
        self._seconds: Timings = {} if timings is None else timings

    def course_limit(self, why: str) -> Limit:
        """The course's own limit, ``call_timeout_s``; ``why`` is the reason's key."""
        return Limit(self.ceiling_s, Msg(why, seconds=f"{self.ceiling_s:g}"), False)

    def reference_seconds(self, function: str, args: tuple[Any, ...],
                          kwargs: dict[str, Any], timed: bool = True) -> float | None:
        """The reference's time on these inputs (measured once per work signature), or None
        when there is no reference to time. ``timed``: through the run's stopwatch."""
        try:
            key = (function, signature((args, kwargs)))
        except Exception:  # an input whose shape cannot be read: measure every time
            key = None
        if key is not None and key in self._seconds:
            return self._seconds[key]
        seconds = self._measure(function, args, kwargs, timed)
        if seconds is not None and self.floor_s < self.factor * seconds < self.ceiling_s:
            # Between the floor and the ceiling the time decides the limit: the best of two
            # runs, as timeit does (a first call's warm-up or a busy moment would make the limit
            # a matter of luck). A run stopped at the cap is not run again: a second would only
            # tell 8 s from 10 s (``train_xor``: ~50 ms each, the watchdog fires that late).
            again = self._measure(function, args, kwargs, timed)
            seconds = seconds if again is None else min(seconds, again)
        if key is not None:
            self._seconds[key] = seconds
        return seconds

    def _measure(self, function: str, args: tuple[Any, ...],
                 kwargs: dict[str, Any], timed: bool) -> float | None:
        try:
            fn = self._find(function, timed)
        except Exception:  # no such reference module or function
            return None
        if fn is None or not callable(fn):
            return None
        try:  # a copy: the reference may change its inputs in place (optimizer configs)
            args, kwargs = copy.deepcopy(args), copy.deepcopy(kwargs)
        except Exception:
            return None
        cap = self.ceiling_s / self.factor  # a longer time gives the ceiling anyway
        start = time.perf_counter()
        try:
            with time_limit(cap):  # in any thread (grader.grading.deadline)
                fn(*args, **kwargs)
        except OutOfTime:
            return cap
        except Exception:  # an input the reference refuses: refusing took this long
            pass
        return time.perf_counter() - start

    def limit(self, function: str, args: tuple[Any, ...], kwargs: dict[str, Any],
              calls: int = 1, timed: bool = True) -> Limit:
        """The limit of one call of ``function`` (``calls``: a batch of that many on inputs of
        the same shapes, timed on the first; ``timed``: the reference's time counts in the
        report's ``reference_calls_s``)."""
        seconds = self.reference_seconds(function, args, kwargs, timed)
        if seconds is None:
            return self.course_limit("limits.no_reference")
        wanted = self.factor * seconds * calls
        # Rounded up to a power of two seconds, and the reason names no measured time: the same
        # submission gets the same limit and the same words on every path and every run (one
        # grade, one message), however the reference's timing jitters.
        rounded = 2.0 ** math.ceil(math.log2(wanted)) if wanted > 0 else 0.0
        applied = min(self.ceiling_s, max(self.floor_s, rounded))
        reason = Msg("limits.derived", factor=f"{self.factor:g}", floor=f"{self.floor_s:g}",
                     ceiling=f"{self.ceiling_s:g}")
        return Limit(applied, reason, applied < self.ceiling_s)
