"""The progress bar (count, rate, ETA) with ``rich``; silent when standard error is not a
terminal (piped, CI logs) or when ``rich`` is not installed (the ``class`` extra).

진행 표시줄: 개수, 속도, 남은 시간. 터미널이 아니면 조용하다.
"""

from __future__ import annotations

import sys
from types import TracebackType
from typing import Any

from grader.messages import Msg


class Progress:
    def __init__(self, total: int, enabled: bool | None = None, lang: str = "both") -> None:
        self.total = total
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self._bar: Any = None
        self._task: Any = None
        if not self.enabled:
            return
        try:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                TaskProgressColumn,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )
            from rich.progress import Progress as RichProgress
        except ImportError:  # the light install: no bar
            return
        self._bar = RichProgress(
            TextColumn(Msg("progress.grading").render(lang)), BarColumn(), MofNCompleteColumn(),
            TaskProgressColumn(),
            TextColumn("{task.fields[rate]}"), TimeElapsedColumn(), TextColumn("ETA"),
            TimeRemainingColumn(), console=Console(stderr=True), transient=False)

    def __enter__(self) -> Progress:
        if self._bar is not None:
            self._bar.start()
            self._task = self._bar.add_task("grading", total=self.total, rate="")
        return self

    def advance(self) -> None:
        if self._bar is None:
            return
        self._bar.advance(self._task)
        task = self._bar.tasks[0]
        speed = task.finished_speed or task.speed
        self._bar.update(self._task, rate=f"{speed * 60:.1f}/min" if speed else "")

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._bar is not None:
            self._bar.stop()
