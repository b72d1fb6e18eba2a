"""Where a grading's time goes: student calls, reference calls and the grader's own work.

채점 시간이 어디에 쓰였는지: 학생 함수 호출, 참조 해답 호출, 채점기 자신의 일.

The report's ``timing`` splits ``duration_s`` three ways. Student calls are what the worker
round trips took (``WorkerPool.spent_s``: the calls, imports and the wire, not the worker's
start). Reference calls are timed here: the ``reference`` fixture hands out each reference module
wrapped in a ``TimedModule``, whose functions add their wall time to one ``Stopwatch``. The rest
— pytest, comparisons, finite-difference bookkeeping, starting workers — is the grader's own.
"""

from __future__ import annotations

import functools
import time
from types import FunctionType, ModuleType
from typing import Any


class Stopwatch:
    """Wall time spent inside timed calls; a call made from inside another counts once."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self._depth = 0

    def wrap(self, fn: Any) -> Any:
        @functools.wraps(fn)
        def timed(*args: Any, **kwargs: Any) -> Any:
            if self._depth:  # already inside a timed call (a reference function handed to another)
                return fn(*args, **kwargs)
            self._depth += 1
            start = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - start
                self._depth -= 1

        return timed


class TimedModule(ModuleType):
    """A module whose functions are timed by ``stopwatch``; everything else passes through.

    Only plain functions are wrapped (classes, constants and arrays are handed out as they are),
    and calls between the module's own functions go through its globals, so they are neither
    slowed down nor counted twice.
    """

    def __init__(self, module: ModuleType, stopwatch: Stopwatch) -> None:
        super().__init__(module.__name__, module.__doc__)
        for key in ("__file__", "__spec__", "__loader__", "__package__"):  # as the module says
            if hasattr(module, key):
                self.__dict__[key] = getattr(module, key)
        self.__dict__["_timed_module"] = module
        self.__dict__["_timed_stopwatch"] = stopwatch
        self.__dict__["_timed_cache"] = {}

    def __getattr__(self, name: str) -> Any:
        value = getattr(self.__dict__["_timed_module"], name)
        if type(value) is not FunctionType:
            return value
        cache = self.__dict__["_timed_cache"]
        if name not in cache or cache[name][0] is not value:
            cache[name] = (value, self.__dict__["_timed_stopwatch"].wrap(value))
        return cache[name][1]

    def __dir__(self) -> list[str]:
        return dir(self.__dict__["_timed_module"])


def untimed(module: ModuleType) -> ModuleType:
    """The module a ``TimedModule`` times (any other module as it is)."""
    found = module.__dict__.get("_timed_module") if isinstance(module, TimedModule) else None
    return found if found is not None else module


def breakdown(total_s: float, student_s: float, reference_s: float) -> dict[str, float]:
    """The report's ``timing``: seconds in student calls, in reference calls, and the rest."""
    return {"student_calls_s": round(student_s, 3), "reference_calls_s": round(reference_s, 3),
            "grader_s": round(max(0.0, total_s - student_s - reference_s), 3)}
