"""A time limit on trusted code that works in any thread of any process.

참조 해답 계산 시간을 제한한다. 주 스레드가 아니어도 (Dask 작업 스레드 등) 똑같이 동작한다.

SIGALRM only interrupts the main thread, and Dask runs its tasks in worker threads: a stand-in
answered there could not be limited, so it was not answered at all and a mistake cost its points
again. Here a timer thread raises ``OutOfTime`` in the limited thread (CPython's
``PyThreadState_SetAsyncExc``): it lands at the next bytecode, so a Python loop of the reference
(``train_xor(epochs=10**12)``) stops; one long NumPy call finishes first.
"""

from __future__ import annotations

import ctypes
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class OutOfTime(BaseException):
    """The block ran past its limit (a BaseException, so that no ``except Exception`` in the
    reference swallows it)."""


def _raise_in(thread: int, exc: type[BaseException] | None) -> None:
    """Make ``thread`` raise ``exc`` at its next bytecode (None: cancel a pending one)."""
    ctypes.pythonapi.PyThreadState_SetAsyncExc(
        ctypes.c_ulong(thread), ctypes.py_object(exc) if exc is not None else None)


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise ``OutOfTime`` in this thread when the block runs longer than ``seconds``."""
    target = threading.get_ident()
    lock = threading.Lock()
    state = {"done": False, "fired": False}

    def expire() -> None:
        with lock:
            if not state["done"]:
                state["fired"] = True
                _raise_in(target, OutOfTime)

    timer = threading.Timer(max(seconds, 1e-3), expire)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        with lock:
            state["done"] = True
            if state["fired"]:  # raised but maybe not delivered yet: take it back
                _raise_in(target, None)
        timer.cancel()
