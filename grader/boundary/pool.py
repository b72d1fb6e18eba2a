"""Workers on the trusted side: one worker process (``Worker``) and the pool that starts,
replaces and budgets them (``WorkerPool``).

작업자 프로세스 하나와, 작업자를 시작·교체하고 시간 예산을 지키는 풀.

A worker that hangs, dies or breaks the protocol fails the request with the reason and is
replaced by a fresh one (started ahead as a spare) on the next request. The pool knows nothing
of modules or functions: that is the session's job (``grader.boundary.proxy``).
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

from grader import scratch
from grader.boundary import sandbox
from grader.course.config import Limits
from grader.errors import GraderError, ProtocolViolation, StudentError, WorkerCrashed, WorkerTimeout
from grader.messages import Msg
from grader.worker.protocol import (
    CALL,
    CALL_REPLY,
    CALL_REQUEST,
    GENERAL,
    GENERAL_HEAD,
    MAX_MESSAGE_BYTES,
    REPLY_ERROR,
    REPLY_EXTRAS,
    REQUEST_KWARGS,
    REQUEST_STAND_INS,
    FrameTooLarge,
    Inbox,
    seal,
    write_frame,
)
from grader.worker.wire import WireError, decode_nodes, encode_into

#: Answers a worker's callback (op "reference", see ``grader.grading.reruns``) with a reply message.
Answer = Callable[[dict[str, Any]], dict[str, Any]]
#: A call's reply: (value, error record or None, seconds, extras or None), from untrusted data.
CallReply = tuple[Any, Any, float, dict[str, Any] | None]

# The templates of this module's Msg keys: grader/locale/{ko,en}/LC_MESSAGES/grader.po.

STARTUP_TIMEOUT_S = 20.0
RAW_OUTPUT_BYTES = 4096  # of output written straight to fd 1/2, kept for crash messages
PIPE_SAFE_BYTES = 4096  # POSIX guarantees at least this much pipe buffer
PIPE_BYTES = 1 << 20
SPIN_BACKOFF = 16  # waits without spinning after a spin that came to nothing
# How long each side keeps asking for the other's next frame before it sleeps (a sleep and a
# wake-up cost more than a short call on an idle machine): Worker._next_frame, and in the worker
# serve._Server.read_frame. Both adapt: they spin only while answers come that fast.
# GRADER_SPIN_US=0 turns it off; it is off where only one CPU is ours (nobody to wait for).
try:
    SPIN_US = max(0.0, float(os.environ.get("GRADER_SPIN_US", "100") or 0))
except ValueError:
    SPIN_US = 100.0
if sys.platform == "win32" or (len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
                               else os.cpu_count() or 1) < 2:
    SPIN_US = 0.0
_TOO_LARGE = b"<a frame over the size limit>"  # compared by identity


class _Expired(Exception):
    """The deadline passed while waiting for a reply."""


# The signals a worker dies of for a reason a student can act on (catalogue: workers.signal.*).
_SIGNALS_EXPLAINED = {"SIGKILL", "SIGSEGV", "SIGABRT", "SIGXCPU", "SIGXFSZ"}


def spin_us() -> float:
    """The spin (``SPIN_US``) for a worker started now: only on a machine with a CPU to spare
    (the load average, which counts this grading's own ~1, leaves at least half a CPU idle).
    On a busy one (a class graded on every core, a shared machine) spinning keeps the other side
    or other jobs waiting: measured at load 2.7-3.2 on 2 CPUs, the worker's spin made a grading's
    median call ~20 µs slower. Each side also backs off by itself after a spin in vain."""
    if not SPIN_US:
        return 0.0
    try:
        busy = os.getloadavg()[0] + 0.5 > (len(os.sched_getaffinity(0))
                                          if hasattr(os, "sched_getaffinity")
                                          else os.cpu_count() or 1)
    except OSError:
        busy = True
    return 0.0 if busy else SPIN_US


def _widen_pipes(*fds: int) -> None:
    """Linux: 1 MiB pipes instead of 64 KiB, so a large message crosses in a few wake-ups."""
    if sys.platform == "linux":
        import fcntl

        for fd in fds:
            try:
                fcntl.fcntl(fd, 1031, PIPE_BYTES)  # F_SETPIPE_SZ
            except OSError:  # above /proc/sys/fs/pipe-max-size or the user's pipe quota
                pass


def call_target(module: str, function: str) -> bytes:
    """A call's module and function as the ``CALL`` request carries them (two ``wire`` nodes),
    encoded once per function."""
    parts: list[Any] = []
    encode_into(module, parts)
    encode_into(function, parts)
    return b"".join(parts)


def _signal_reason(code: int) -> Msg:
    """A worker's exit status in words (negative: killed by that signal)."""
    if code >= 0:
        return Msg("workers.exit_code", code=code)
    try:
        name = signal.Signals(-code).name
    except ValueError:
        return Msg("workers.signal", name=str(-code))
    return Msg(f"workers.signal.{name}") if name in _SIGNALS_EXPLAINED \
        else Msg("workers.signal", name=name)


class Worker:
    """One running worker process: requests go to its stdin, replies come from its stdout
    (the worker moves its own fd 1 onto fd 2 at start, so student prints never reach the
    protocol), and whatever it writes to fd 2 is drained and only the tail kept."""

    def __init__(self, plan: sandbox.LaunchPlan, limits: Limits) -> None:
        self.limits = limits
        self.isolation = plan.isolation
        self.raw_output = bytearray()
        self.info: dict[str, Any] = {}
        self._inbox = Inbox()  # reply bytes read but not yet decoded
        try:
            # Unbuffered: a frame goes out in one write of our own (protocol.write_frame).
            self.proc = subprocess.Popen(
                plan.argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                stderr=subprocess.PIPE, env=plan.env, cwd=plan.cwd, bufsize=0,
                start_new_session=sys.platform != "win32")
        except OSError as exc:
            raise GraderError(Msg("workers.cannot_start", error=str(exc))) from exc
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self._request_fd = self.proc.stdin.fileno()
        self._reply_fd = self.proc.stdout.fileno()
        _widen_pipes(self._request_fd, self._reply_fd)
        self._spin_s = spin_us() * 1e-6
        self._calm = 0  # replies to wait for without spinning, after one that came too late
        if sys.platform != "win32":
            os.set_blocking(self._reply_fd, False)  # read after select(), or while spinning
        self._ended = False  # set when fd 1/2 reach their end: the worker is gone
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
            while chunk := self.proc.stderr.read(65536):
                self.raw_output += chunk
                if len(self.raw_output) > RAW_OUTPUT_BYTES:
                    del self.raw_output[:-RAW_OUTPUT_BYTES]
        except (OSError, ValueError):  # closed by kill() while reading
            pass
        finally:
            self._ended = True

    def _read_replies(self) -> None:
        """Windows: read replies in a thread, one frame per queue item, None at the end."""
        assert self._replies is not None
        try:
            while self._inbox.read_from(self._reply_fd):
                while (body := self._inbox.next_frame()) is not None:
                    self._replies.put(bytes(body))
        except FrameTooLarge:
            self._replies.put(_TOO_LARGE)
        except (OSError, ValueError):
            pass
        finally:
            self._replies.put(None)

    def _next_frame(self, deadline: float) -> memoryview | bytes | None:
        """The next reply frame (a view into the inbox: decode it before the next read); None
        when the worker closed its end. Waits are cut into short slices so that SIGTERM/SIGINT
        handlers get to run meanwhile."""
        if self._replies is not None:
            while True:
                remaining = deadline - time.monotonic()
                try:
                    return self._replies.get(timeout=min(0.25, max(0.0, remaining)))
                except queue.Empty:
                    pass
                if time.monotonic() >= deadline:
                    raise _Expired
        inbox, fd = self._inbox, self._reply_fd
        started = time.perf_counter()
        spin_until = started + self._spin_s if self._spin_s and not self._calm else 0.0
        self._calm = max(0, self._calm - 1)
        while True:
            body = inbox.next_frame()  # raises FrameTooLarge
            if body is not None:
                if spin_until and time.perf_counter() - started >= self._spin_s:
                    self._calm = SPIN_BACKOFF  # a slow call, or a busy machine: stop a while
                return body
            if spin_until:
                # A short call answers within microseconds: asking again (the pipe does not
                # block) keeps this process on its CPU instead of paying a sleep and a wake-up.
                try:
                    if not inbox.read_from(fd):
                        return None
                    continue
                except BlockingIOError:
                    if time.perf_counter() < spin_until:
                        os.sched_yield()  # the worker first, should it be waiting for this CPU
                        continue
                    spin_until = 0.0
            remaining = deadline - time.monotonic()
            if select.select((fd,), (), (), min(0.25, max(0.0, remaining)))[0]:
                try:
                    if not inbox.read_from(fd):
                        return None
                except BlockingIOError:
                    pass
            elif time.monotonic() >= deadline:
                raise _Expired

    def alive(self) -> bool:
        """Whether the worker is up. speed: no wait() per call — a worker we stopped has its
        exit status, and one that ended by itself closed its output (seen by the drainer; a
        death not seen yet fails the next call as a crash, as a death during it would)."""
        return not self._ended and self.proc.returncode is None

    def wait_ready(self, deadline: float) -> None:
        msg = self._receive(deadline, "start")
        if isinstance(msg, dict) and msg.get("op") == "refused":  # the fence could not go up
            self.kill()
            raise GraderError(Msg("workers.fence_refused", isolation=self.isolation,
                                  reason=str(msg.get("reason"))[:500]))
        if not isinstance(msg, dict) or msg.get("op") != "ready":
            raise self._protocol("no ready message")
        self.info = msg

    def request(self, message: dict[str, Any], deadline: float, what: str,
                answer: Answer | None = None) -> dict[str, Any]:
        """A general request (``protocol.GENERAL``) and its reply."""
        parts: list[Any] = [b"", GENERAL_HEAD]
        encode_into(message, parts)
        self._send(parts, deadline, what)
        while True:
            reply = self._receive(deadline, what)
            if not self._asks(reply, message["id"], answer):
                break
            self._answer(reply, answer, deadline, what)
        if not isinstance(reply, dict) or reply.get("id") != message["id"] \
                or reply.get("op") == "reference":
            raise self._protocol("reply does not match the request")
        if "fatal" in reply:
            raise self._protocol(str(reply["fatal"])[:200])
        return reply

    def call(self, request_id: int, target: bytes, args: Sequence[Any],
             kwargs: dict[str, Any], stand_ins: list[str] | None, deadline: float, what: str,
             answer: Answer | None = None,
             while_running: Callable[[], float] | None = None) -> CallReply:
        """One call in the ``protocol.CALL`` form: (value, error record or None, seconds,
        extras or None), every part checked; the value is plain data (``wire``). ``target``
        is the module's and the function's names, encoded once (``call_target``).
        ``while_running``: trusted work done once the call is sent, while the worker runs it
        (on another CPU); it returns the call's deadline, which replaces ``deadline``."""
        parts: list[Any] = [b"", CALL_REQUEST.pack(
            CALL, request_id, (REQUEST_KWARGS if kwargs else 0)
            | (REQUEST_STAND_INS if stand_ins else 0)), target]
        encode_into(args, parts)
        if kwargs:
            encode_into(kwargs, parts)
        if stand_ins:
            encode_into(stand_ins, parts)
        self._send(parts, deadline, what)
        if while_running is not None:
            try:
                deadline = while_running()
            except BaseException:
                self.kill()  # its reply would answer the next request: this worker is done
                raise
        while True:
            body = self._frame(deadline, what)
            if body[0] == CALL:
                break
            # A general message in the middle of a call: a stand-in's question, or "fatal".
            message = self._decode(body)
            if self._asks(message, request_id, answer):
                self._answer(message, answer, deadline, what)
                continue
            if isinstance(message, dict) and message.get("id") == request_id \
                    and "fatal" in message:
                raise self._protocol(str(message["fatal"])[:200])
            raise self._protocol("reply does not match the request")
        if len(body) < CALL_REPLY.size:
            raise self._protocol("truncated call reply")
        _, reply_id, seconds, flags = CALL_REPLY.unpack_from(body)
        if reply_id != request_id or flags & ~(REPLY_ERROR | REPLY_EXTRAS):
            raise self._protocol("reply does not match the request")
        try:
            nodes = decode_nodes(body, CALL_REPLY.size, 2 if flags & REPLY_EXTRAS else 1)
        except WireError as exc:
            raise self._protocol(str(exc)) from None
        extras = nodes[1] if flags & REPLY_EXTRAS else None
        if extras is not None and not isinstance(extras, dict):
            raise self._protocol("a call reply's extras are not a mapping")
        if flags & REPLY_ERROR:
            return None, nodes[0], seconds, extras
        return nodes[0], None, seconds, extras

    @staticmethod
    def _asks(message: Any, request_id: int, answer: Answer | None) -> bool:
        """Whether ``message`` is a stand-in's question about this request, to be answered."""
        return answer is not None and isinstance(message, dict) \
            and message.get("op") == "reference" and message.get("id") == request_id

    def _answer(self, question: dict[str, Any], answer: Answer | None, deadline: float,
                what: str) -> None:
        assert answer is not None
        parts: list[Any] = [b"", GENERAL_HEAD]
        encode_into(answer(question), parts)
        self._send(parts, deadline, what)

    def _send(self, parts: list[Any], deadline: float, what: str) -> None:
        # The pipe is empty between requests, so a small frame never blocks; a large one may,
        # if the worker stops reading, so a timer kills the worker at the deadline.
        size = seal(parts)
        timer = None
        if size > PIPE_SAFE_BYTES:
            timer = threading.Timer(max(0.0, deadline - time.monotonic()), self.kill)
            timer.start()
        try:
            write_frame(self._request_fd, parts, size)
        except (BrokenPipeError, OSError, ValueError):
            if time.monotonic() >= deadline:
                raise self._timeout(what) from None
            raise self._crashed(what) from None
        finally:
            if timer is not None:
                timer.cancel()

    def _frame(self, deadline: float, what: str) -> memoryview | bytes:
        """The next frame's body, at least its kind byte; timeouts and deaths as errors."""
        try:
            body = self._next_frame(deadline)
        except _Expired:
            raise self._timeout(what) from None
        except FrameTooLarge:
            body = _TOO_LARGE
        if body is None:
            raise self._crashed(what)
        if body is _TOO_LARGE:
            raise self._protocol(f"a reply larger than {MAX_MESSAGE_BYTES} bytes")
        if not len(body):
            raise self._protocol("an empty frame")
        return body

    def _decode(self, body: memoryview | bytes) -> Any:
        if body[0] != GENERAL:
            raise self._protocol("reply does not match the request")
        try:
            return decode_nodes(body, 1, 1)[0]
        except WireError as exc:
            raise self._protocol(str(exc)) from None

    def _receive(self, deadline: float, what: str) -> Any:
        """The next general message."""
        return self._decode(self._frame(deadline, what))

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
        self._limits_json = json.dumps({**limits.__dict__, "spin_us": spin_us()})
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

    def deadline(self, what: str, limit_s: float | None = None) -> tuple[float, bool]:
        """The call's deadline, and whether the submission's budget (not the call timeout)
        sets it. ``limit_s``: a shorter limit for this call (``grader.grading.time_limits``)."""
        remaining = self.limits.submission_budget_s - self.spent_s
        if remaining <= 0:
            raise self.budget_exhausted(what)
        limit = self.limits.call_timeout_s if limit_s is None else limit_s
        capped = remaining < limit
        return time.monotonic() + min(limit, remaining), capped

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
            raise GraderError(Msg("workers.did_not_start", error=exc.data)) from None
        self.seccomp = bool(worker.info.get("seccomp"))
        landlock = worker.info.get("landlock")
        if isinstance(landlock, dict):
            self.fence_report = landlock
        self._worker = worker
        return worker, True

    def exchange(self, message: dict[str, Any], what: str,
                 answer: Answer | None = None, limit_s: float | None = None) -> dict[str, Any]:
        """Send one general request to the running worker (started if needed) within the call's
        deadline; a worker that timed out or died is replaced by the spare on the next one."""
        self.deadline(what)  # a used-up budget fails before paying for a worker
        worker, _ = self.ensure_worker()
        deadline, capped = self.deadline(what, limit_s)
        self._next_id += 1
        message["id"] = self._next_id
        start = time.monotonic()
        try:
            return worker.request(message, deadline, what, answer)
        except StudentError as exc:
            raise self._failed(worker, exc, capped, what) from None
        finally:
            self.spent_s += time.monotonic() - start

    def call(self, target: bytes, args: Sequence[Any], kwargs: dict[str, Any],
             stand_ins: list[str] | None, what: str, answer: Answer | None = None,
             *, find_limit: Callable[[], float | None]) -> CallReply:
        """One call on the hot path (``Worker.call``), in the running worker — the session has
        just checked it is up and has imported the module — within the call's deadline.

        ``find_limit``: the call's own limit (None: the course's), found while the worker runs
        the call (``time_limits`` times the reference on the trusted side: speed, the two
        overlap on two CPUs). The deadline still counts from the send. Trusted time past the
        worker's own (a reference slower than the student's call) is not charged to the
        submission's budget."""
        worker = self._worker
        if worker is None:
            worker, _ = self.ensure_worker()
        deadline, capped = self.deadline(what)
        self._next_id += 1
        start = time.monotonic()
        trusted_s = 0.0

        def found_deadline() -> float:
            nonlocal capped, trusted_s
            found = find_limit()
            trusted_s = time.monotonic() - start
            new_deadline, capped = self.deadline(what, found)
            return new_deadline - trusted_s  # from the send, as the course's would be

        reply: CallReply | None = None
        try:
            reply = worker.call(self._next_id, target, args, kwargs, stand_ins, deadline, what,
                                answer, found_deadline)
            return reply
        except StudentError as exc:
            raise self._failed(worker, exc, capped, what) from None
        finally:
            elapsed = time.monotonic() - start
            # The worker's word on its own time can only make the charge larger (up to the
            # trip): the part of the trusted work it did not cover is the grader's.
            worked = min(elapsed, reply[2]) if reply is not None and reply[2] >= 0 else elapsed
            self.spent_s += elapsed - max(0.0, trusted_s - worked)

    def _failed(self, worker: Worker, exc: StudentError, capped: bool, what: str) \
            -> StudentError:
        """What a failed request raises; a new spare starts now for a worker that is gone."""
        if isinstance(exc, WorkerTimeout):
            self._start_spare()
            return self.budget_exhausted(what) if capped else exc
        if not worker.alive():
            self._start_spare()
        return exc


class WarmPool:
    """The pool of the next grading of one fixed folder, started ahead (a notebook's
    re-checks): its first worker is up — NumPy imported, limits, fence and seccomp in place —
    before the next submission is staged into the folder. The folder must stay the same
    directory (bubblewrap binds it, Landlock grants it at the worker's start); only its
    files change. A fresh worker per grading still: one never serves two versions of the
    code."""

    def __init__(self, folder: Path, limits: Limits, isolation: str,
                 protected: Sequence[Path]) -> None:
        self.folder, self._limits, self._isolation = folder, limits, isolation
        self._protected = list(protected)
        self._pool: WorkerPool | None = None

    def prepare(self) -> None:
        """Start the next pool (and its first worker) now, if not already started."""
        if self._pool is None:
            self._pool = WorkerPool(self.folder, self._limits, self._isolation, self._protected)

    def take(self) -> WorkerPool:
        """The started pool, for this grading (the caller closes it)."""
        self.prepare()
        pool, self._pool = self._pool, None
        assert pool is not None
        return pool

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool = None
