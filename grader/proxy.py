"""The trusted side of the trust boundary: a worker handle and the ``student`` proxy.

학생 함수 호출을 작업자 프로세스로 보내고 결과를 순수 데이터로 받는다. 작업자가 멈추거나 죽으면
그 호출만 실패하고, 다음 호출은 새 작업자가 받는다.

``student.activations.sigmoid(z)`` sends ``z`` to the worker and returns the decoded value.
A worker that hangs, dies or breaks the protocol fails the call with the reason and is replaced
by a fresh one on the next call; a module whose import kills or hangs the worker is remembered
as broken, so later tests fail fast instead of paying a new worker each.
"""

from __future__ import annotations

import difflib
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
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grader import sandbox, scratch
from grader.calls import Call, RecordedCall, WarningRecord
from grader.course import Limits
from grader.errors import (
    GraderError,
    ProtocolViolation,
    StudentError,
    StudentImportFailed,
    StudentMissing,
    StudentNotImplemented,
    StudentRaised,
    WorkerCrashed,
    WorkerTimeout,
)
from grader.worker import wire
from grader.worker.protocol import FRAME, MAX_MESSAGE_BYTES, ErrorRecord

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

    def request(self, message: dict[str, Any], deadline: float, what: str) -> dict[str, Any]:
        self._send(wire.encode(message), deadline, what)
        reply = self._receive(deadline, what)
        if not isinstance(reply, dict) or reply.get("id") != message["id"]:
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
        return WorkerTimeout(
            f"{what}: 제한 시간 {self.limits.call_timeout_s:g}초를 넘겼습니다 (무한 루프?) / "
            f"took longer than the {self.limits.call_timeout_s:g} s limit (an endless loop?) "
            "(limits.call_timeout_s)")

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
        return WorkerCrashed(
            f"{what}: 학생 코드 실행 중 작업자 프로세스가 종료되었습니다 ({_signal_reason(code)}){hint}"
            f" / the worker process died while running student code ({_signal_reason(code)})"
            f"{hint}{said}")

    def _protocol(self, detail: str) -> StudentError:
        self.kill()
        return ProtocolViolation(
            f"작업자가 잘못된 응답을 보냈습니다 / the worker sent an invalid reply: {detail}")

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


@dataclass
class _ModuleState:
    functions: list[str] | None = None  # the module's public callables once imported
    broken: StudentError | None = None  # remembered when importing it failed


@dataclass
class StudentSession:
    """The student's submission behind the ``student`` fixture: starts and replaces workers,
    enforces the submission's time budget, records calls for mistake hints."""

    submission: Path  # staged folder holding the student's modules
    modules: Sequence[str]
    limits: Limits
    isolation: str = "auto"
    # Folders a Landlock-fenced worker must never be granted (the course, the suites' copy).
    protected: Sequence[Path] = ()
    used_isolation: str = ""
    # The test being run (set by the plugin): named when a timed-out function is not run again.
    current_test: str = ""
    # What the fence reported from inside the worker (Landlock: its ABI, rules not applied).
    fence_report: dict[str, Any] = field(default_factory=dict)
    spent_s: float = 0.0
    recorded: list[RecordedCall] = field(default_factory=list)
    output: list[str] = field(default_factory=list)
    worker_starts: int = 0
    seccomp: bool | None = None
    _worker: Worker | None = None
    _spare: Worker | None = None
    _spawned: int = 0
    _next_id: int = 0
    _modules: dict[str, _ModuleState] = field(default_factory=dict)
    _timed_out: dict[str, str] = field(default_factory=dict)  # function -> test it timed out in
    _tmp: Path | None = None

    def __post_init__(self) -> None:
        self.used_isolation = sandbox.resolve_isolation(self.isolation)
        sandbox.protect_grader_process()
        self._tmp = scratch.make_dir("worker")
        self._site = sandbox.make_site(self._tmp / "site")
        self._limits_json = json.dumps(self.limits.__dict__)
        self._start_spare()

    # --- lifecycle ---------------------------------------------------------------------------
    def close(self) -> None:
        for worker in (self._worker, self._spare):
            if worker is not None:
                worker.kill()
        self._worker = self._spare = None
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None

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

    def _budget_exhausted(self, what: str) -> WorkerTimeout:
        return WorkerTimeout(
            f"{what}: 제출물 전체의 실행 시간 예산 {self.limits.submission_budget_s:g}초를 "
            f"다 썼습니다 / the submission's time budget of "
            f"{self.limits.submission_budget_s:g} s is used up (limits.submission_budget_s)")

    def _deadline(self, what: str) -> tuple[float, bool]:
        """The call's deadline, and whether the submission's budget (not the call timeout)
        sets it."""
        remaining = self.limits.submission_budget_s - self.spent_s
        if remaining <= 0:
            raise self._budget_exhausted(what)
        capped = remaining < self.limits.call_timeout_s
        return time.monotonic() + min(self.limits.call_timeout_s, remaining), capped

    def _start_spare(self) -> None:
        """Start the next worker now, so its start-up (mostly importing NumPy) overlaps with
        pytest's collection or with the test that just lost its worker."""
        if self._spare is None and self._tmp is not None:
            self._spawned += 1
            self._spare = Worker(self._plan(), self.limits)

    def _ensure_worker(self, what: str) -> Worker:
        if self._worker is not None and self._worker.alive():
            return self._worker
        if self._worker is not None:
            self._worker.kill()
            self._worker = None
        self.worker_starts += 1
        for state in self._modules.values():
            state.functions = None  # a fresh worker imports again
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
        return worker

    def _exchange(self, message: dict[str, Any], what: str, function: str = "") \
            -> dict[str, Any]:
        self._deadline(what)  # a used-up budget fails before paying for a worker
        worker = self._ensure_worker(what)
        deadline, capped = self._deadline(what)
        self._next_id += 1
        message["id"] = self._next_id
        start = time.monotonic()
        try:
            return worker.request(message, deadline, what)
        except WorkerTimeout:
            self._start_spare()
            if capped:
                raise self._budget_exhausted(what) from None
            if function:  # it is not given another worker (and another timeout) by later tests
                self._timed_out[function] = self.current_test or "?"
            raise
        except StudentError:
            if not worker.alive():
                self._start_spare()
            raise
        finally:
            self.spent_s += time.monotonic() - start

    # --- modules -----------------------------------------------------------------------------
    def functions_of(self, module: str, what: str) -> list[str]:
        """Import ``module`` in the worker (once per worker) and list its functions."""
        state = self._modules.setdefault(module, _ModuleState())
        if state.functions is not None and self._worker is not None and self._worker.alive():
            return state.functions  # the hot path: imported in the running worker
        if state.broken is not None:
            raise state.broken.with_traceback(None)
        if module not in self.modules or not (self.submission / f"{module}.py").is_file():
            state.broken = StudentMissing(
                f"모듈 {module}.py가 제출물에 없습니다 / module {module}.py is not in the "
                f"submission{_suggest(module, _files(self.submission))}")
            raise state.broken.with_traceback(None)
        self._ensure_worker(what)  # a fresh worker forgets what the last one imported
        if state.functions is None:
            try:
                reply = self._exchange({"op": "load", "module": module}, f"import {module}")
            except (WorkerCrashed, WorkerTimeout, ProtocolViolation) as exc:
                state.broken = type(exc)(
                    f"{module}.py를 불러오는 중 / while importing {module}.py: {exc}")
                raise state.broken.with_traceback(None) from None
            self._keep_output(reply)
            if not reply.get("ok"):
                state.broken = _import_error(module, reply.get("error"))
                raise state.broken.with_traceback(None)
            state.functions = [f for f in reply.get("functions", []) if isinstance(f, str)]
        return state.functions

    def _keep_output(self, reply: dict[str, Any]) -> None:
        text = reply.get("output")
        if isinstance(text, str) and text:
            self.output.append(text[: self.limits.output_bytes])

    # --- calls -------------------------------------------------------------------------------
    def _check_function(self, module: str, function: str) -> str:
        name = f"{module}.{function}"
        if name in self._timed_out:
            test = self._timed_out[name]
            raise WorkerTimeout(
                f"{name}: 앞선 테스트 {test}에서 제한 시간 {self.limits.call_timeout_s:g}초를 넘겨 "
                f"다시 실행하지 않습니다 / timed out ({self.limits.call_timeout_s:g} s) in the "
                f"earlier test {test}, so it is not run again (limits.call_timeout_s)")
        functions = self.functions_of(module, name)
        if function not in functions:
            raise StudentMissing(
                f"{module}.py에 함수 {function}이(가) 없습니다 / {module}.py has no function "
                f"{function}{_suggest(function, functions)}")
        return name

    def call(self, module: str, function: str, args: tuple[Any, ...],
             kwargs: dict[str, Any]) -> Call:
        name = self._check_function(module, function)
        reply = self._exchange({"op": "call", "module": module, "function": function,
                                "args": list(args), "kwargs": kwargs}, name, name)
        call = _to_call(name, reply, self.limits)
        if call.output:
            self.output.append(call.output[: self.limits.output_bytes])
        self.recorded.append(RecordedCall(
            name, args, kwargs, call.result if call.error is None else call.error,
            tuple(call.warnings), tuple(call.mutated)))
        return call

    def batch(self, module: str, function: str, calls: Sequence[tuple[Any, ...]],
              kwargs: dict[str, Any] | None = None) -> list[Any]:
        name = self._check_function(module, function)
        reply = self._exchange({"op": "batch", "module": module, "function": function,
                                "calls": [list(a) for a in calls], "kwargs": kwargs or {}}, name,
                               name)
        results = reply.get("results")
        if not isinstance(results, list) or len(results) != len(calls):
            raise ProtocolViolation("batch reply has the wrong number of results")
        values = []
        for r in results:
            call = _to_call(name, r, self.limits)
            values.append(call.value)  # raises the first student exception
        return values


def _files(folder: Path) -> list[str]:
    return sorted(p.stem for p in folder.glob("*.py"))


def _suggest(name: str, candidates: Sequence[str]) -> str:
    """Point at a close misspelling the student wrote (``tahn`` for ``tanh``)."""
    close = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.6)
    if not close:
        return ""
    return (f" — '{close[0]}'이(가) 있습니다. 이름을 '{name}'(으)로 바꾸세요 / found "
            f"'{close[0]}': rename it to '{name}'")


def _import_error(module: str, error: Any) -> StudentError:
    record = ErrorRecord.read(error)
    kind, detail = record.kind, record.detail[:500]
    at = f" ({record.where})" if record.where else ""
    return StudentImportFailed(
        f"{module}.py를 불러올 수 없습니다 — {kind}{at}: {detail} / "
        f"{module}.py does not import — {kind}{at}: {detail}")


def _limit_note(kind: str, detail: str, limits: Limits) -> str:
    """Say which limit of course.yaml an exception comes from, when it comes from one."""
    if kind == "MemoryError":
        return (f" — 메모리 제한 {limits.memory_mb} MB 초과 / over the memory limit of "
                f"{limits.memory_mb} MB (limits.memory_mb)")
    if "Errno 27" in detail:  # EFBIG: Python ignores SIGXFSZ, so the write fails instead
        return (f" — 파일 크기 제한 {limits.file_size_mb} MB 초과 / over the file size limit of "
                f"{limits.file_size_mb} MB (limits.file_size_mb)")
    return ""


def _to_call(name: str, reply: Any, limits: Limits) -> Call:
    if not isinstance(reply, dict):
        raise ProtocolViolation("a call reply is not a mapping")
    warns = []
    for w in reply.get("warnings") or []:
        if isinstance(w, list) and len(w) == 2:
            warns.append(WarningRecord(str(w[0])[:100], str(w[1])[:500]))
    mutated = [str(m)[:200] for m in reply.get("mutated") or [] if isinstance(m, str)]
    output = reply.get("output") if isinstance(reply.get("output"), str) else ""
    seconds = reply.get("seconds")
    call = Call(name, warnings=warns, mutated=mutated, output=output or "",
                seconds=float(seconds) if isinstance(seconds, float | int) else 0.0)
    if reply.get("error") is not None:
        record = ErrorRecord.read(reply["error"])
        cls = StudentNotImplemented if record.kind == "NotImplementedError" else StudentRaised
        call.error = cls(name, record.type_names,
                         record.detail + _limit_note(record.kind, record.detail, limits),
                         record.where)
    elif "value" in reply:
        call.result = reply["value"]
    else:
        raise ProtocolViolation("a call reply has neither a value nor an error")
    return call


class FunctionProxy:
    """``student.<module>.<function>``: call it, ``.call(...)`` it, or ``.batch(...)`` it."""

    def __init__(self, session: StudentSession, module: str, function: str) -> None:
        self._session, self._module, self._function = session, module, function

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.call(*args, **kwargs).value

    def call(self, *args: Any, **kwargs: Any) -> Call:
        return self._session.call(self._module, self._function, args, kwargs)

    def batch(self, calls: Sequence[tuple[Any, ...]], kwargs: dict[str, Any] | None = None) \
            -> list[Any]:
        return self._session.batch(self._module, self._function, calls, kwargs)

    def __repr__(self) -> str:
        return f"<student function {self._module}.{self._function}>"


class ModuleProxy:
    def __init__(self, session: StudentSession, module: str) -> None:
        self._session, self._module = session, module

    def __getattr__(self, function: str) -> FunctionProxy:
        if function.startswith("_"):
            raise AttributeError(function)
        return FunctionProxy(self._session, self._module, function)


class Student:
    """The ``student`` fixture: ``student.<module>.<function>(...)``."""

    def __init__(self, session: StudentSession) -> None:
        self._session = session

    def __getattr__(self, module: str) -> ModuleProxy:
        if module.startswith("_"):
            raise AttributeError(module)
        return ModuleProxy(self._session, module)
