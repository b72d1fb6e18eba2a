"""The worker's serving loop: import the student's modules, run calls, answer with plain data.

작업자의 서비스 루프: 학생 모듈만 불러오고, 신뢰 프로세스가 보낸 호출을 실행해 순수 데이터로 답한다.

Started by ``grader.boundary.sandbox`` as ``python -I -S -B -c ...`` with an empty environment. NumPy is
imported with this module, before any limit and before the submission is on ``sys.path`` (a
submission's own ``numpy.py`` can never shadow it). ``main`` then moves the request pipe off
fd 0 (student code gets ``/dev/null`` as its standard input) and the reply pipe off fd 1 (fd 1
then points at fd 2, which the trusted side drains, so a student's print never lands in the
protocol), applies its limits (``limits``), puts up the Landlock fence when asked
(``landlock``), installs the seccomp filter, and only then makes the submission importable.
``sys.stdout``/``sys.stderr`` are captured per call (capped). Everything here runs next to student
code and may be tampered with by it: the trusted side treats whatever arrives as untrusted data.
"""

from __future__ import annotations

import builtins
import importlib
import io
import os
import select
import sys
import warnings
from time import perf_counter
from typing import Any, NoReturn

import numpy as np

from grader.worker import landlock, limits, wire
from grader.worker.protocol import (
    CALL,
    CALL_REPLY,
    CALL_REQUEST,
    FENCE_FAILED_EXIT,
    GENERAL,
    GENERAL_HEAD,
    NO_INPUT,
    REPLY_ERROR,
    REPLY_EXTRAS,
    REQUEST_KWARGS,
    REQUEST_STAND_INS,
    Inbox,
    error_record,
    write_frame,
)
from grader.worker.standin import GradedCalls


def main() -> None:
    import json  # start-up only

    submission, limits_json, fence_json = sys.argv[1], sys.argv[2], sys.argv[3]
    settings = json.loads(limits_json)
    fence = json.loads(fence_json)
    req_fd, resp_fd = os.dup(0), os.dup(1)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    os.dup2(2, 1)
    builtins.input = _no_input
    limits.die_with_parent()
    applied = limits.apply_limits(settings)
    if fence is not None:
        try:
            applied["landlock"] = landlock.restrict(fence["read"], fence["write"],
                                                    fence.get("list", []))
            applied["landlock"]["refused"] = fence.get("refused", [])
        except Exception as exc:  # whatever went wrong, never serve half-fenced
            _refuse(resp_fd, f"Landlock: {type(exc).__name__}: {exc}")
    applied["seccomp"] = limits.install_seccomp()
    sys.path.append(submission)
    server = _Server(req_fd, resp_fd, submission, int(settings["output_bytes"]),
                     float(settings.get("spin_us", 0)) * 1e-6)
    server.send({"op": "ready", "pid": os.getpid(), **applied})
    server.serve()


def _no_input(prompt: Any = "") -> NoReturn:
    """``input()`` at once fails (a stdin of /dev/null would only say EOF) and says why."""
    raise EOFError(NO_INPUT)


def _refuse(resp_fd: int, reason: str) -> NoReturn:
    """The fence could not be put up: say so and exit before any student code is importable."""
    parts: list[Any] = [b"", GENERAL_HEAD]
    wire.encode_into({"op": "refused", "reason": reason[:500]}, parts)
    write_frame(resp_fd, parts)
    os._exit(FENCE_FAILED_EXIT)


class _CappedText(io.TextIOBase):
    """A stand-in for sys.stdout/sys.stderr that keeps at most ``cap`` characters."""

    def __init__(self, cap: int) -> None:
        self.cap = cap
        self.parts: list[str] = []
        self.size = 0
        self.dropped = 0

    def reset(self) -> None:
        self.parts = []
        self.size = self.dropped = 0

    def writable(self) -> bool:
        return True

    def write(self, s: Any) -> int:
        if type(s) is not str:
            s = str(s)
        n = len(s)
        room = self.cap - self.size
        if room <= 0:  # speed: a flood's millions of writes past the cap only count
            self.dropped += n
            return n
        if n > room:
            self.parts.append(s[:room])
            self.size, self.dropped = self.cap, self.dropped + n - room
        else:
            self.parts.append(s)
            self.size += n
        return n

    def text(self) -> str:
        if not self.parts and not self.dropped:
            return ""
        out = "".join(self.parts)
        return out + (f"\n… ({self.dropped} more characters dropped)" if self.dropped else "")


class _Server:
    def __init__(self, req_fd: int, resp_fd: int, submission: str, output_cap: int,
                 spin_s: float = 0.0) -> None:
        self.req_fd = req_fd
        self.resp_fd = resp_fd
        self.submission = os.path.realpath(submission)
        self.output_cap = output_cap
        self.modules: dict[str, Any] = {}
        self.numpy_errors = np.geterr()
        self.inbox = Inbox()
        self.graded_calls = GradedCalls(self.ask_reference)
        self._request_id: Any = None
        self._capture = _CappedText(output_cap)  # speed: one buffer, emptied for each call
        self.spin_s = spin_s
        self._calm = 0  # requests to wait for without spinning, after a spin that was in vain
        if spin_s > 0:
            os.set_blocking(req_fd, False)  # read while spinning, or after select()

    # --- frames -------------------------------------------------------------------------------
    def send(self, payload: dict[str, Any]) -> None:
        """A general message (the start, an import's result, a batch, a stand-in's question)."""
        parts: list[Any] = [b"", GENERAL_HEAD]
        try:
            wire.encode_into(payload, parts)
        except Exception:  # MemoryError included: say so instead of dying mid-frame
            parts = [b"", GENERAL_HEAD]
            wire.encode_into({"op": payload.get("op"), "id": payload.get("id"),
                              "fatal": "result too large to send (MemoryError)"}, parts)
        write_frame(self.resp_fd, parts)

    def read_frame(self) -> memoryview | None:
        """The next request's body (a view into the inbox: decode it before reading again);
        None when the trusted side is gone."""
        inbox = self.inbox
        if (body := inbox.next_frame()) is not None:
            return body
        # The next request of a test often comes within microseconds: asking again for a short
        # while keeps the worker on its CPU instead of a sleep and a wake-up (adaptive: only
        # while requests have been coming that fast, so a slow test costs one short spin).
        spin_until = perf_counter() + self.spin_s if self.spin_s and not self._calm else 0.0
        self._calm = max(0, self._calm - 1)
        while True:
            try:
                if not inbox.read_from(self.req_fd):
                    return None
            except BlockingIOError:
                if spin_until and perf_counter() < spin_until:
                    os.sched_yield()  # the trusted side first, should it want this CPU
                    continue
                if spin_until:
                    self._calm = 16  # a spin in vain: wait without one for a while
                spin_until = 0.0
                select.select((self.req_fd,), (), ())
                continue
            if (body := inbox.next_frame()) is not None:
                return body

    def read_general(self) -> Any:
        body = self.read_frame()
        if body is None:
            return None
        if not len(body) or body[0] != GENERAL:
            raise wire.WireError("expected a general message")
        return wire.decode_nodes(body, 1, 1)[0]

    def serve(self) -> None:
        while True:
            body = self.read_frame()
            if body is None:
                return
            if body[0] == CALL:
                self.serve_call(body)
                continue
            request = wire.decode_nodes(body, 1, 1)[0]
            op = request.get("op")
            if op == "load":
                loaded = self.load(request["module"])
                if loaded["ok"]:
                    self.graded_calls.wrap(self._submission_modules(),
                                           list(request.get("graded") or []))
                self.send({"op": "load", "id": request["id"], "module": request["module"],
                           **loaded})
            elif op == "batch":
                self._request_id = request["id"]
                self.graded_calls.begin(request.get("stand_ins"))
                kwargs = request.get("kwargs") or {}
                results = []
                for args in request["calls"]:
                    value, error, seconds, extras = self.call(
                        request["module"], request["function"], list(args), dict(kwargs),
                        check_mutation=False)
                    result = {"seconds": seconds, **(extras or {})}
                    result["error" if error else "value"] = value
                    results.append(result)
                self.send({"op": "batch", "id": request["id"], "results": results,
                           **self._callees()})

    def serve_call(self, body: memoryview) -> None:
        """The hot path: one call, its reply in the ``CALL`` form (``protocol``)."""
        _, request_id, flags = CALL_REQUEST.unpack_from(body)
        count = 3 + (flags & REQUEST_KWARGS) + (flags & REQUEST_STAND_INS) // REQUEST_STAND_INS
        nodes = wire.decode_nodes(body, CALL_REQUEST.size, count)
        module, function, args = nodes[0], nodes[1], nodes[2]
        kwargs = nodes[3] if flags & REQUEST_KWARGS else {}
        self._request_id = request_id
        self.graded_calls.begin(nodes[-1] if flags & REQUEST_STAND_INS else None)
        value, error, seconds, extras = self.call(module, function, args, kwargs)
        callees = self.graded_calls.callees
        if callees:
            extras = {**(extras or {}), "callees": sorted(callees)}
        parts: list[Any] = [b"", b""]
        try:
            wire.encode_into(value, parts)
            if extras:
                wire.encode_into(extras, parts)
        except Exception:  # MemoryError included: a fatal reply instead of a half frame
            self.send({"op": "call", "id": request_id,
                       "fatal": "result too large to send (MemoryError)"})
            return
        parts[1] = CALL_REPLY.pack(CALL, request_id, seconds,
                                   (REPLY_ERROR if error else 0) | (REPLY_EXTRAS if extras else 0))
        write_frame(self.resp_fd, parts)

    # --- calls between graded functions, and stand-ins (grader.worker.standin) ----------------
    def _callees(self) -> dict[str, Any]:
        names = self.graded_calls.callees
        return {"callees": sorted(names)} if names else {}

    def ask_reference(self, function: str, args: list[Any], kwargs: dict[str, Any]) \
            -> dict[str, Any]:
        """A stand-in's value: ask the trusted side, wait for its answer."""
        self.send({"op": "reference", "id": self._request_id, "function": function,
                   "args": args, "kwargs": kwargs})
        reply = self.read_general()
        if reply is None:  # the trusted side is gone
            os._exit(0)
        return reply if isinstance(reply, dict) else {"error": "malformed answer"}

    def load(self, module: str) -> dict[str, Any]:
        out = self._capture_start()
        try:
            mod = importlib.import_module(module)
        except BaseException as exc:  # SystemExit and KeyboardInterrupt at import too
            return {"ok": False, "error": self._describe(exc), "output": self._capture_end(out)}
        if os.path.dirname(os.path.realpath(getattr(mod, "__file__", "") or "")) != \
                self.submission:
            return {"ok": False, "output": self._capture_end(out), "error": error_record(
                ["ModuleNotFoundError"], f"'{module}' is not a module of the submission")}
        self.modules[module] = mod
        names = sorted(n for n, v in vars(mod).items() if callable(v) and not n.startswith("_"))
        loaded = {"ok": True, "functions": names, "output": self._capture_end(out)}
        skipped = vars(mod).get("__grader_skipped_cells__")  # a notebook's cells that failed
        if isinstance(skipped, list) and skipped:
            loaded["skipped_cells"] = [list(s) for s in skipped[:50] if isinstance(s, list)]
        return loaded

    def _submission_modules(self) -> dict[str, Any]:
        """Every module imported from the submission so far (the graded ones and whatever
        they imported: a module the trusted side has not asked for yet included)."""
        found = dict(self.modules)
        for name, mod in list(sys.modules.items()):
            path = getattr(mod, "__file__", None)
            if name not in found and isinstance(path, str) and \
                    os.path.dirname(os.path.realpath(path)) == self.submission:
                found[name] = mod
        return found

    def call(self, module: str, function: str, args: Any, kwargs: Any,
             check_mutation: bool = True) -> tuple[Any, bool, float, dict[str, Any] | None]:
        """Run one call: (value or error record, whether it raised, seconds, extras — the
        warnings, changed inputs and output when there are any)."""
        fn = getattr(self.modules.get(module), function, None)
        if not callable(fn):
            return error_record(["AttributeError"], f"no function {function}"), True, 0.0, None
        before = _snapshot(args, kwargs) if check_mutation else None
        capture = self._capture
        capture.reset()
        saved_out, saved_err = sys.stdout, sys.stderr
        sys.stdout = sys.stderr = capture
        if np.geterr() != self.numpy_errors:  # a submission's np.seterr must not hide warnings
            np.seterr(**self.numpy_errors)
        error = False
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            start = perf_counter()
            try:
                value = fn(*args, **kwargs)
            except BaseException as exc:  # sys.exit() in a function is that function's failure
                seconds = perf_counter() - start
                value, error = self._describe(exc), True
            else:
                seconds = perf_counter() - start
        sys.stdout, sys.stderr = saved_out, saved_err
        # Empty fields are left out: every node costs time on both sides of the wire.
        extras: dict[str, Any] | None = None
        if caught:
            extras = {"warnings": [[_category(w.category), str(w.message)[:500]]
                                   for w in caught[:20]]}
        if before:
            mutated = _mutated(before, fn)
            if mutated:
                extras = extras or {}
                extras["mutated"] = mutated
        if capture.parts or capture.dropped:
            extras = extras or {}
            extras["output"] = capture.text()
        return value, error, seconds, extras

    def _capture_start(self) -> tuple[Any, Any, _CappedText]:
        buf = self._capture
        buf.reset()
        saved = (sys.stdout, sys.stderr, buf)
        sys.stdout = sys.stderr = buf
        return saved

    def _capture_end(self, saved: tuple[Any, Any, _CappedText]) -> str:
        sys.stdout, sys.stderr = saved[0], saved[1]
        return saved[2].text()

    def _describe(self, exc: BaseException) -> dict[str, Any]:
        names = [c.__name__ for c in type(exc).__mro__ if c is not object]
        try:
            detail = str(exc)[:1000]
        except Exception:
            detail = "?"
        if isinstance(exc, SyntaxError):
            name = os.path.basename(exc.filename or "")
            return error_record(names, str(exc.msg)[:500], f"{name}, line {exc.lineno}")
        return error_record(names, detail, self._where(exc))

    def _where(self, exc: BaseException) -> str:
        """The innermost traceback line inside the submission, e.g. ``activations.py, line 12``."""
        import traceback  # only when a call fails

        where = ""
        for frame in traceback.extract_tb(exc.__traceback__):
            if os.path.dirname(os.path.realpath(frame.filename)) == self.submission:
                where = f"{os.path.basename(frame.filename)}, line {frame.lineno}"
        return where


def _category(cls: Any) -> str:
    return cls.__name__ if isinstance(cls, type) else str(cls)


def _arrays(value: Any, path: str, out: list[tuple[str, Any]]) -> None:
    if isinstance(value, np.ndarray):
        out.append((path, value))
    elif isinstance(value, list | tuple):
        for i, v in enumerate(value):
            _arrays(v, f"{path}[{i}]", out)
    elif isinstance(value, dict):
        for k, v in value.items():
            _arrays(v, f"{path}[{k!r}]", out)


_ARG_PATHS = tuple(f"#{i}" for i in range(16))


def _snapshot(args: list[Any], kwargs: dict[str, Any]) -> list[tuple[str, Any, Any]]:
    found: list[tuple[str, Any]] = []
    for i, a in enumerate(args):
        path = _ARG_PATHS[i] if i < len(_ARG_PATHS) else f"#{i}"
        if type(a) is np.ndarray:  # speed: the common case, no walk
            found.append((path, a))
        elif isinstance(a, np.ndarray | list | tuple | dict):
            _arrays(a, path, found)
    for k, v in kwargs.items():
        _arrays(v, k, found)
    # Bytes, shape and dtype: ndarray's own methods, which the student cannot patch (unlike
    # np.array_equal, which a submission can replace at import).
    return [(path, arr, (arr.shape, arr.dtype, arr.tobytes())) for path, arr in found]


def _mutated(before: list[tuple[str, Any, Any]], fn: Any) -> list[str]:
    names: list[str] = []
    params: list[str] | None = None
    for path, arr, (shape, dtype, data) in before:
        if arr.shape != shape or arr.dtype != dtype or arr.tobytes() != data:
            if params is None:  # named only when needed: inspect is slow on the hot path
                import inspect

                try:
                    params = list(inspect.signature(fn).parameters)
                except (TypeError, ValueError):
                    params = []
            if path.startswith("#"):
                index, _, rest = path[1:].partition("[")
                i = int(index)
                head = params[i] if i < len(params) else f"args[{i}]"
                path = head + ("[" + rest if rest else "")
            names.append(path)
    return names
