"""The kernel's side of ``%grade``: the warm checking process it keeps, and one check.

커널 쪽: 채점 프로세스를 미리 띄워 두고(다시 채점할 때 빠르게), 요청을 보내고 답을 기다린다.
커널의 중단(■) 버튼을 누르면 1초 안에 채점을 멈추고 새 채점 프로세스를 띄운다.

The checking process (``grader.notebook.server``) runs in its own session, so the kernel's
interrupt (SIGINT to the kernel's process group) never reaches it: the kernel, interrupted while
it waits, kills that process's group (and with it the fenced worker) and starts a fresh one for
the next check. The process ends with the kernel: its request pipe closes (it then exits), and
on Linux it is also killed if the kernel dies (``PR_SET_PDEATHSIG``).
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import select
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

# How often the wait looks up from the pipe: an interrupt is handled within this.
_POLL_S = 0.1


class CheckerGone(Exception):
    """The checking process ended without an answer (killed, crashed)."""


class Checker:
    """The warm checking process of one kernel, for one course."""

    def __init__(self, course: Path, isolation: str = "auto") -> None:
        self.course, self.isolation = course, isolation
        self._proc: subprocess.Popen[bytes] | None = None
        self._buffer = b""
        self._next_id = 0
        self._starting: threading.Thread | None = None  # a replacement being started
        self.start()
        atexit.register(self.close)

    @property
    def pid(self) -> int | None:
        self._wait_started()
        return self._proc.pid if self._proc is not None else None

    def start(self) -> None:
        """Start the checking process now; it warms up (imports, collects) while the student
        works."""
        self._buffer = b""
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "grader.notebook.server", str(self.course), self.isolation],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            start_new_session=True, cwd=str(self.course.parent))

    def close(self) -> None:
        """End the checking process: close its requests (it exits), kill it if it lingers."""
        self._wait_started()
        proc, self._proc = self._proc, None
        if proc is None:
            return
        with contextlib.suppress(OSError):
            if proc.stdin is not None:
                proc.stdin.close()
        try:
            proc.wait(timeout=1.0)
        except subprocess.TimeoutExpired:
            _kill_group(proc)
        if proc.stdout is not None:
            proc.stdout.close()

    def restart(self) -> None:
        """Kill the checking process now; reap it and start the next one beside the kernel's
        own work (an interrupt answers at once)."""
        proc, self._proc = self._proc, None
        if proc is not None:
            with contextlib.suppress(OSError):
                os.killpg(proc.pid, signal.SIGKILL)
        self._starting = threading.Thread(target=self._replace, args=(proc,), daemon=True)
        self._starting.start()

    def _replace(self, old: subprocess.Popen[bytes] | None) -> None:
        if old is not None:
            _kill_group(old)
        self.start()

    def _wait_started(self) -> None:
        if self._starting is not None:
            self._starting.join()
            self._starting = None

    def check(self, request: dict[str, Any]) -> dict[str, Any]:
        """Send one request, wait for its answer; the kernel's interrupt stops the check at
        once (the process is replaced) and is raised again."""
        self._wait_started()
        if self._proc is None or self._proc.poll() is not None:
            self.start()
        proc = self._proc
        assert proc is not None and proc.stdin is not None and proc.stdout is not None
        self._next_id += 1
        request = {**request, "id": self._next_id}
        try:
            proc.stdin.write(json.dumps(request, ensure_ascii=False).encode("utf-8") + b"\n")
            proc.stdin.flush()
            while True:
                answer = self._next_line(proc)
                if answer.get("id") == self._next_id:
                    return answer
        except KeyboardInterrupt:
            self.restart()
            raise
        except (OSError, CheckerGone):
            self.restart()  # the next check gets a working process
            raise CheckerGone() from None

    def _next_line(self, proc: subprocess.Popen[bytes]) -> dict[str, Any]:
        assert proc.stdout is not None
        fd = proc.stdout.fileno()
        while b"\n" not in self._buffer:
            ready, _, _ = select.select([fd], [], [], _POLL_S)
            if not ready:
                continue
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                raise CheckerGone()
            self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        try:
            answer = json.loads(line)
        except ValueError:
            return {}
        return answer if isinstance(answer, dict) else {}


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    """Kill the checking process and everything it started (its own session's group)."""
    with contextlib.suppress(OSError):
        os.killpg(proc.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=1.0)
    for pipe in (proc.stdin, proc.stdout):
        with contextlib.suppress(OSError):
            if pipe is not None:
                pipe.close()
