"""A time limit on trusted code that works in any thread of any process.

참조 해답 계산 시간을 제한한다. 주 스레드가 아니어도 (Dask 작업 스레드 등) 똑같이 동작한다.

SIGALRM only interrupts the main thread, and Dask runs its tasks in worker threads: a stand-in
answered there could not be limited, so it was not answered at all and a mistake cost its points
again. Here a watchdog thread raises ``OutOfTime`` in the limited thread (CPython's
``PyThreadState_SetAsyncExc``): it lands at the next bytecode, so a Python loop of the reference
(``train_xor(epochs=10**12)``) stops; one long NumPy call finishes first.

speed: one watchdog thread serves every limit of the process. A grading sets a limit on each
reference timing (~250 per lec04 check); a thread started per limit cost ~1 ms each, most of it
waiting for the new thread to be scheduled. A limit fires up to ``_Watchdog.POLL_S`` (50 ms)
after its time.
"""

from __future__ import annotations

import ctypes
import heapq
import itertools
import math
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager


class OutOfTime(BaseException):
    """The block ran past its limit (a BaseException, so that no ``except Exception`` in the
    reference swallows it)."""


def _raise_in(thread: int, exc: type[BaseException]) -> None:
    """Make ``thread`` raise ``exc`` at its next bytecode."""
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread), ctypes.py_object(exc))


class _Limit:
    """One block's limit: the thread to stop, and whether the block ended or the limit fired."""

    __slots__ = ("done", "fired", "lock", "thread")

    def __init__(self, thread: int) -> None:
        self.thread = thread
        self.lock = threading.Lock()
        self.done = False
        self.fired = False

    def expire(self) -> None:
        with self.lock:
            if not self.done:
                self.fired = True
                _raise_in(self.thread, OutOfTime)

    def end(self) -> bool:
        """Mark the block ended; True when the limit fired first (its exception was raised in
        this thread, landed or not)."""
        with self.lock:
            self.done = True
            return self.fired


class _Watchdog:
    """A daemon thread that checks the pending limits at least every ``POLL_S`` while any are
    pending, so that setting a limit never has to wake it (a wake-up hands the GIL back and
    forth, ~1 ms on a busy machine): a limit fires up to ``POLL_S`` late. A block that ends in
    time only marks its limit done; done limits leave the queue when they come due. With
    nothing pending for ``IDLE_S`` it sleeps until the next limit, which then wakes it."""

    POLL_S = 0.05
    IDLE_S = 2.0
    # Done limits with far deadlines are dropped from the queue past this many entries.
    _COMPACT_AT = 1024

    def __init__(self) -> None:
        self._cond = threading.Condition(threading.Lock())
        self._queue: list[tuple[float, int, _Limit]] = []
        self._order = itertools.count()
        self._thread: threading.Thread | None = None
        self._wakes_at = math.inf  # when the thread looks at the queue next

    def add(self, limit: _Limit, at: float) -> None:
        with self._cond:
            if len(self._queue) >= self._COMPACT_AT:
                self._queue = [e for e in self._queue if not e[2].done]
                heapq.heapify(self._queue)
            heapq.heappush(self._queue, (at, next(self._order), limit))
            if self._thread is None or not self._thread.is_alive():
                self._wakes_at = at
                self._thread = threading.Thread(target=self._run, name="grader-deadline",
                                                daemon=True)
                self._thread.start()
            elif at + self.POLL_S < self._wakes_at:  # asleep for longer: wake it
                self._wakes_at = at
                self._cond.notify()

    def _run(self) -> None:
        with self._cond:
            idle_since = time.monotonic()
            while True:
                now = time.monotonic()
                while self._queue and (self._queue[0][2].done or self._queue[0][0] <= now):
                    heapq.heappop(self._queue)[2].expire()  # a done limit ignores it
                if self._queue:
                    idle_since = now
                    self._wakes_at = min(self._queue[0][0], now + self.POLL_S)
                elif now - idle_since < self.IDLE_S:
                    self._wakes_at = now + self.POLL_S
                else:
                    self._wakes_at = math.inf
                    self._cond.wait()
                    continue
                self._cond.wait(self._wakes_at - now)


_WATCHDOG = _Watchdog()


def _after_fork() -> None:
    # A forked child has no watchdog thread, and its lock may have been copied held.
    global _WATCHDOG
    _WATCHDOG = _Watchdog()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork)


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise ``OutOfTime`` in this thread when the block runs longer than ``seconds``."""
    limit = _Limit(threading.get_ident())
    _WATCHDOG.add(limit, time.monotonic() + max(seconds, 1e-3))
    try:
        yield
    finally:
        if limit.end():
            # The block ran out its time: an exception not landed yet lands at this loop's
            # backward jump, inside the limit, never later in the caller. It is not taken back:
            # clearing a pending one (SetAsyncExc with NULL) leaves CPython 3.11's eval breaker
            # set, and under a tracer or profiler (coverage, cProfile, a debugger) the thread
            # then spins for good at its next function entry.
            for _ in range(2):
                pass
