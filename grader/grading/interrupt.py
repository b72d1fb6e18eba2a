"""Ctrl-C and SIGTERM end a grading at once.

중단(Ctrl-C, SIGTERM)은 채점을 곧바로 끝낸다: pytest가 중단된 테스트의 긴 트레이스백을 만드느라
1초 넘게 기다리지 않게 한다.

On an interrupt, pytest's terminal reporter renders the interrupted test's traceback with the
source of every frame (``getrepr(funcargs=True)``: parsing each file, ~1 s in a long test or a
stand-in rerun), and grading never shows it. A pytest plugin that runs first keeps only the
last frame, so the session ends within milliseconds of the signal.
"""

from __future__ import annotations

import pytest


@pytest.hookimpl(tryfirst=True)
def pytest_keyboard_interrupt(excinfo: pytest.ExceptionInfo[BaseException]) -> None:
    excinfo.traceback = excinfo.traceback[-1:]
