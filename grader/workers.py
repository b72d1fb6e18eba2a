"""Workers on the trusted side: one worker process (``Worker``) and the pool that starts,
replaces and budgets them (``WorkerPool``).

작업자 프로세스 하나와, 작업자를 시작·교체하고 시간 예산을 지키는 풀.

A worker that hangs, dies or breaks the protocol fails the request with the reason and is
replaced by a fresh one (started ahead as a spare) on the next request. The pool knows nothing
of modules or functions: that is the session's job (``grader.proxy``).
"""

from __future__ import annotations

import json
import os
import queue
import select
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from grader import sandbox, scratch
from grader.course import Limits
from grader.errors import GraderError, ProtocolViolation, StudentError, WorkerCrashed, WorkerTimeout
from grader.messages import Msg
from grader.worker import wire
from grader.worker.protocol import FRAME, MAX_MESSAGE_BYTES

#: Answers a worker's callback (op "reference", see ``grader.standins``) with a reply message.
Answer = Callable[[dict[str, Any]], dict[str, Any]]

# The templates of this module's Msg keys: grader/locale/{ko,en}/LC_MESSAGES/grader.po.

STARTUP_TIMEOUT_S = 20.0
RAW_OUTPUT_BYTES = 4096  # of output written straight to fd 1/2, kept for crash messages
PIPE_SAFE_BYTES = 4096  # POSIX guarantees at least this much pipe buffer
_TOO_LARGE = b"<a frame over the size limit>"  # compared by identity


class _Expired(Exception):
    """The deadline passed while waiting for a reply."""


_SIGNAL_REASONS = {
    "SIGKILL": "강제 종료됨 / killed (SIGKILL)",
    "SIGSEGV": "세그멘테이션 오류 / segmentation fault (SIGSEGV)",
    "SIGABRT": "비정상 종료 / aborted (SIGABRT)",
    "SIGXCPU": "CPU 시간 제한 초과 / CPU time limit exceeded (SIGXCPU, limits.cpu_s)",
    "SIGXFSZ": "파일 크기 제한 초과 / file size limit exceeded (SIGXFSZ)",
}


def _signal_reason(code: int) -> str:
    """A worker's exit status in words (negative: killed by that signal)."""
    if code >= 0:
        return f"exit code {code}"
    try:
        name = signal.Signals(-code).name
    except ValueError:
        return f"signal {-code}"
    return _SIGNAL_REASONS.get(name, f"signal {name}")


class Worker:
    """One running worker process: requests go to its stdin, replies come from its stdout
    (the worker moves its own fd 1 onto fd 2 at start, so student prints never reach the
    protocol), and whatever it writes to fd 2 is drained and only the tail kept."""

    def __init__(self, plan: sandbox.LaunchPlan, limits: Limits) -> None:
        self.limits = limits
        self.isolation = plan.isolation
        self.raw_output = bytearray()
        self.info: dict[str, Any] = {}
        self._inbox = bytearray()  # reply bytes read but not yet cut into frames
        try:
            self.proc = subprocess.Popen(
                plan.argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                stderr=subprocess.PIPE, env=plan.env, cwd=plan.cwd,
                start_new_session=sys.platform != "win32")
        except OSError as exc:
            raise GraderError(f"작업자를 시작할 수 없습니다 / cannot start the worker: {exc}") from exc
        self._drainer = threading.Thread(target=self._drain, daemon=True)
        self._drainer.start()
        # Windows' select() takes only sockets: there a thread reads the replies into a queue.
        self._replies: queue.SimpleQueue[bytes | None] | None = None
        if sys.platform == "win32":
            self._replies = queue.SimpleQueue()
            threading.Thread(target=self._read_replies, daemon=True).start()

    def _drain(self) -> None:
        """Read what the worker writes to fd 1/2 so it never blocks; keep only the tail."""
        assert self.proc.stderr is not None
        try:
            while chunk := self.proc.stderr.read1(65536):  # type: ignore[attr-defined]
                self.raw_output += chunk
                if len(self.raw_output) > RAW_OUTPUT_BYTES:
                    del self.raw_output[:-RAW_OUTPUT_BYTES]
        except (OSError, ValueError):  # closed by kill() while reading
            pass

    def _cut_frame(self) -> bytes | None:
        """The next whole frame's body from the inbox, if it holds one."""
        if len(self._inbox) < FRAME.size:
            return None
        (n,) = FRAME.unpack_from(self._inbox)
        if n > MAX_MESSAGE_BYTES:
            return _TOO_LARGE
        if len(self._inbox) < FRAME.size + n:
            return None
        body = bytes(self._inbox[FRAME.size:FRAME.size + n])
        del self._inbox[:FRAME.size + n]
        return body

    def _read_replies(self) -> None:
        """Windows: read replies in a thread, one frame per queue item, None at the end."""
        assert self.proc.stdout is not None and self._replies is not None
        try:
            while chunk := self.proc.stdout.read1(1 << 20):  # type: ignore[attr-defined]
                self._inbox += chunk
                while (body := self._cut_frame()) is not None:
                    self._replies.put(body)
                    if body is _TOO_LARGE:
                        return
        except (OSError, ValueError):
            pass
        finally:
            self._replies.put(None)

    def _next_frame(self, deadline: float) -> bytes | None:
        """The next reply frame; None when the worker closed its end. Waits are cut into short
        slices so that SIGTERM/SIGINT handlers get to run meanwhile."""
        while True:
            remaining = deadline - time.monotonic()
            if self._replies is not None:
                try:
                    return self._replies.get(timeout=min(0.25, max(0.0, remaining)))
                except queue.Empty:
                    pass
            else:
                body = self._cut_frame()
                if body is not None:
                    return body
                assert self.proc.stdout is not None
                fd = self.proc.stdout.fileno()
                if select.select([fd], [], [], min(0.25, max(0.0, remaining)))[0]:
                    # 64 KiB: a pipe holds no more, and a larger buffer costs on every call
                    chunk = os.read(fd, 65536)
                    if not chunk:
                        return None
                    self._inbox += chunk
                    continue
            if time.monotonic() >= deadline:
                raise _Expired

    def alive(self) -> bool:
        return self.proc.poll() is None

    def wait_ready(self, deadline: float) -> None:
        msg = self._receive(deadline, "start")
        if isinstance(msg, dict) and msg.get("op") == "refused":  # the fence could not go up
            self.kill()
            raise GraderError(
                f"작업자가 격리({self.isolation})를 적용하지 못해 학생 코드를 실행하지 않았습니다 / the "
                f"worker could not put up its fence ({self.isolation}) and ran no student code: "
                f"{str(msg.get('reason'))[:500]}")
        if not isinstance(msg, dict) or msg.get("op") != "ready":
            raise self._protocol("no ready message")
        self.info = msg

    def request(self, message: dict[str, Any], deadline: float, what: str,
                answer: Answer | None = None) -> dict[str, Any]:
        self._send(wire.encode(message), deadline, what)
        reply = self._receive(deadline, what)
        # A stand-in inside the worker asks for the reference's value: answered, then waited on.
        while answer is not None and isinstance(reply, dict) and reply.get("op") == "reference" \
                and reply.get("id") == message["id"]:
            self._send(wire.encode(answer(reply)), deadline, what)
            reply = self._receive(deadline, what)
        if not isinstance(reply, dict) or reply.get("id") != message["id"] \
                or reply.get("op") == "reference":
            raise self._protocol("reply does not match the request")
        if "fatal" in reply:
            raise self._protocol(str(reply["fatal"])[:200])
        return reply

    def _send(self, body: bytes, deadline: float, what: str) -> None:
        stdin = self.proc.stdin
        assert stdin is not None
        frame = FRAME.pack(len(body)) + body
        # The pipe is empty between requests, so a small frame never blocks; a large one may,
        # if the worker stops reading, so a timer kills the worker at the deadline.
        timer = None
        if len(frame) > PIPE_SAFE_BYTES:
            timer = threading.Timer(max(0.0, deadline - time.monotonic()), self.kill)
            timer.start()
        try:
            stdin.write(frame)
            stdin.flush()
        except (BrokenPipeError, OSError, ValueError):
            if time.monotonic() >= deadline:
                raise self._timeout(what) from None
            raise self._crashed(what) from None
        finally:
            if timer is not None:
                timer.cancel()

    def _receive(self, deadline: float, what: str) -> Any:
        try:
            body = self._next_frame(deadline)
        except _Expired:
            raise self._timeout(what) from None
        if body is None:
            raise self._crashed(what)
        if body is _TOO_LARGE:
            raise self._protocol(f"a reply larger than {MAX_MESSAGE_BYTES} bytes")
        try:
            return wire.decode(body)
        except wire.WireError as exc:
            raise self._protocol(str(exc)) from None

    def _timeout(self, what: str) -> StudentError:
        self.kill()
        return WorkerTimeout(Msg("worker.timeout", what=what,
                                 seconds=f"{self.limits.call_timeout_s:g}"))

    def _crashed(self, what: str) -> StudentError:
        try:  # let it finish dying so its own exit status is reported, not our SIGKILL
            self.proc.wait(timeout=0.5)
        except subprocess.TimeoutExpired:
            pass
        code = self.kill()
        if self.isolation == "bwrap" and code > 128:  # bwrap exits 128+N when its child dies of N
            code = -(code - 128)
        tail = self.raw_output.decode("utf-8", "replace").strip().splitlines()[-3:]
        said = f" — {' | '.join(tail)[-300:]}" if tail else ""
        hint = ""
        if code == 0 or code == 1:
            hint = " (os._exit/sys.exit?)"
        return WorkerCrashed(Msg("worker.crashed", what=what, reason=_signal_reason(code),
                                 hint=hint, said=said))

    def _protocol(self, detail: str) -> StudentError:
        self.kill()
        return ProtocolViolation(Msg("worker.protocol", detail=detail))

    def kill(self) -> int:
        """Kill the worker's whole process group; return its exit code."""
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)  # type: ignore[attr-defined,unused-ignore]
            except (AttributeError, ProcessLookupError, PermissionError):
                self.proc.kill()
        code = self.proc.wait()
        if threading.current_thread() is not self._drainer:
            self._drainer.join(timeout=0.5)  # the tail of its output, for the crash message
        for stream in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            try:
                if stream is not None:
                    stream.close()
            except OSError:
                pass
        return code


class WorkerPool:
    """Starts, replaces and budgets the workers of one submission: one running worker, one spare
    started ahead, the submission's time budget (``limits.submission_budget_s``)."""

    def __init__(self, submission: Path, limits: Limits, isolation: str,
                 protected: Sequence[Path]) -> None:
        self.submission, self.limits, self.protected = submission, limits, protected
        self.used_isolation = sandbox.resolve_isolation(isolation)
        # What the fence reported from inside the worker (Landlock: its ABI, rules not applied).
        self.fence_report: dict[str, Any] = {}
        self.spent_s = 0.0
        self.worker_starts = 0
        self.seccomp: bool | None = None
        self._worker: Worker | None = None
        self._spare: Worker | None = None
        self._spawned = 0
        self._next_id = 0
        sandbox.protect_grader_process()
        self._tmp: Path | None = scratch.make_dir("worker")
        self._site = sandbox.make_site(self._tmp / "site")
        self._limits_json = json.dumps(limits.__dict__)
        self._start_spare()

    def close(self) -> None:
        for worker in (self._worker, self._spare):
            if worker is not None:
                worker.kill()
        self._worker = self._spare = None
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None

    def running(self) -> bool:
        """Whether a worker is up (what it imported is still imported)."""
        return self._worker is not None and self._worker.alive()

    def _plan(self) -> sandbox.LaunchPlan:
        if self.used_isolation == "bwrap":
            return sandbox.plan_bwrap(self.submission, self._site, self._limits_json,
                                      tmp_bytes=self.limits.file_size_mb << 21)
        assert self._tmp is not None
        work = self._tmp / f"work{self._spawned}"
        work.mkdir()
        if self.used_isolation == "landlock":
            return sandbox.plan_landlock(self.submission, work, self._site, self._limits_json,
                                         self.protected)
        return sandbox.plan_process(self.submission, work, self._site, self._limits_json)

    def budget_exhausted(self, what: str) -> WorkerTimeout:
        return WorkerTimeout(Msg("worker.budget", what=what,
                                 seconds=f"{self.limits.submission_budget_s:g}"))

    def deadline(self, what: str) -> tuple[float, bool]:
        """The call's deadline, and whether the submission's budget (not the call timeout)
        sets it."""
        remaining = self.limits.submission_budget_s - self.spent_s
        if remaining <= 0:
            raise self.budget_exhausted(what)
        capped = remaining < self.limits.call_timeout_s
        return time.monotonic() + min(self.limits.call_timeout_s, remaining), capped

    def _start_spare(self) -> None:
        """Start the next worker now, so its start-up (mostly importing NumPy) overlaps with
        pytest's collection or with the test that just lost its worker."""
        if self._spare is None and self._tmp is not None:
            self._spawned += 1
            self._spare = Worker(self._plan(), self.limits)

    def ensure_worker(self) -> tuple[Worker, bool]:
        """The running worker, and whether it is a fresh one (which has imported nothing)."""
        if self._worker is not None and self._worker.alive():
            return self._worker, False
        if self._worker is not None:
            self._worker.kill()
            self._worker = None
        self.worker_starts += 1
        self._start_spare()
        worker, self._spare = self._spare, None
        assert worker is not None
        try:  # startup is the grader's cost, not charged to the student's budget
            worker.wait_ready(time.monotonic() + STARTUP_TIMEOUT_S)
        except StudentError as exc:
            raise GraderError(f"작업자가 시작되지 않았습니다 / the worker did not start: {exc}") \
                from None
        self.seccomp = bool(worker.info.get("seccomp"))
        landlock = worker.info.get("landlock")
        if isinstance(landlock, dict):
            self.fence_report = landlock
        self._worker = worker
        return worker, True

    def exchange(self, message: dict[str, Any], what: str,
                 answer: Answer | None = None) -> dict[str, Any]:
        """Send one request to the running worker (started if needed) within the call's
        deadline; a worker that timed out or died is replaced by the spare on the next one."""
        self.deadline(what)  # a used-up budget fails before paying for a worker
        worker, _ = self.ensure_worker()
        deadline, capped = self.deadline(what)
        self._next_id += 1
        message["id"] = self._next_id
        start = time.monotonic()
        try:
            return worker.request(message, deadline, what, answer)
        except WorkerTimeout:
            self._start_spare()
            if capped:
                raise self.budget_exhausted(what) from None
            raise
        except StudentError:
            if not worker.alive():
                self._start_spare()
            raise
        finally:
            self.spent_s += time.monotonic() - start
