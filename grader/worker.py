"""The untrusted side: a process that imports only the student's modules and serves calls.

학생 모듈만 불러오는 작업자 프로세스. 신뢰 프로세스가 보낸 호출을 실행하고 결과를 순수 데이터로 돌려준다.

Started by ``grader.sandbox`` as ``python -I -S -B -c ...`` with an empty environment. It imports
NumPy, applies its limits (rlimits, and on Linux a seccomp filter that forbids new processes,
threads, sockets, signals to others and reading other processes' memory), then answers requests
read from fd 0 on the response fd. Student output never reaches the protocol: ``sys.stdout`` and
``sys.stderr`` are captured per call (capped); raw writes to fd 1/2 go to a pipe the trusted side
drains. Everything here runs next to student code and may be tampered with by it — the trusted
side treats whatever arrives as untrusted data (see ``grader.wire``).

This module imports only the standard library, NumPy and ``grader.wire``.
"""

from __future__ import annotations

import ctypes
import importlib
import inspect
import io
import json
import os
import platform
import struct
import sys
import time
import traceback
import warnings
from typing import Any

# Imported with this module, before the limits and before the submission is on sys.path, so a
# submission's own numpy.py can never shadow it.
import numpy as np

_FRAME = struct.Struct("<Q")


def main() -> None:
    submission, limits_json = sys.argv[1], sys.argv[2]
    limits = json.loads(limits_json)
    # Replies go out on the original stdout; fd 1 then points at fd 2 (drained by the trusted
    # side), so nothing the student writes can land in the protocol stream by accident.
    resp_fd = os.dup(1)
    os.dup2(2, 1)
    _die_with_parent()
    from grader import wire

    applied = _apply_limits(limits)
    sys.path.append(submission)
    server = _Server(resp_fd, submission, int(limits["output_bytes"]), wire)
    server.send({"op": "ready", "pid": os.getpid(), **applied})
    server.serve()


def _die_with_parent() -> None:
    """Linux: be killed when the grader dies, even by SIGKILL (bwrap has --die-with-parent)."""
    if sys.platform == "linux":
        try:
            ctypes.CDLL(None).prctl(1, 9, 0, 0, 0)  # PR_SET_PDEATHSIG, SIGKILL
        except (OSError, AttributeError):
            pass


# --- limits -------------------------------------------------------------------------------------

def _apply_limits(limits: dict[str, Any]) -> dict[str, Any]:
    applied: dict[str, Any] = {"rlimits": False, "seccomp": False}
    try:
        import resource
    except ImportError:  # Windows: no rlimits; the trusted side's timeouts still hold
        return applied
    mb = 1 << 20
    cpu = int(limits["cpu_s"])
    settings = [
        (resource.RLIMIT_AS, int(limits["memory_mb"]) * mb),
        (resource.RLIMIT_CPU, cpu),
        (resource.RLIMIT_FSIZE, int(limits["file_size_mb"]) * mb),
        (resource.RLIMIT_CORE, 0),
        # Only effective for non-root users; root is covered by the seccomp filter below.
        (resource.RLIMIT_NPROC, 0),
    ]
    for which, value in settings:
        try:
            _, hard = resource.getrlimit(which)
            if hard != resource.RLIM_INFINITY and value > hard:
                value = hard
            # The CPU hard limit sits one second above the soft one so SIGXCPU comes first.
            resource.setrlimit(which, (value, value + 1 if which == resource.RLIMIT_CPU else value))
        except (ValueError, OSError):
            continue
    applied["rlimits"] = True
    applied["capabilities_dropped"] = _drop_capabilities()
    applied["seccomp"] = _install_seccomp()
    return applied


def _drop_capabilities() -> bool:
    """Linux, as root: give up every capability, so that uid 0 gets no more than the ordinary
    checks allow (no reading a non-dumpable grader's memory or environment, no overriding file
    permissions of other users)."""
    if sys.platform != "linux":
        return False

    class Header(ctypes.Structure):
        _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]

    class Data(ctypes.Structure):
        _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32),
                    ("inheritable", ctypes.c_uint32)]

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        header = Header(0x20080522, 0)  # _LINUX_CAPABILITY_VERSION_3
        data = (Data * 2)()
        return bool(libc.capset(ctypes.byref(header), ctypes.byref(data)) == 0)
    except (OSError, AttributeError):
        return False


# Syscalls the student may not make: new processes and threads, exec, sockets, signals to other
# processes, tracing and reading other processes' memory. Numbers per architecture.
_BLOCKED = {
    "x86_64": (0xC000003E, [57, 58, 56, 435, 59, 322, 41, 62, 200, 234, 424, 101, 310, 311]),
    "aarch64": (0xC00000B7, [220, 435, 221, 281, 198, 129, 130, 131, 424, 117, 270, 271]),
}


def _install_seccomp() -> bool:
    """A classic-BPF seccomp filter: the blocked syscalls fail with EPERM.

    Hand-written (about twenty lines) rather than a dependency: the filter must be installed from
    inside this minimal process, where only the standard library and NumPy exist.
    """
    if sys.platform != "linux" or platform.machine() not in _BLOCKED:
        return False
    arch, numbers = _BLOCKED[platform.machine()]
    ld_abs, jeq, jge, ret = 0x20, 0x15, 0x35, 0x06
    allow, deny = 0x7FFF0000, 0x00050000 | 1  # SECCOMP_RET_ERRNO | EPERM
    n_checks = len(numbers)
    deny_at = 4 + n_checks + 1  # index of the final "deny" instruction

    def to_deny(i: int) -> int:
        return deny_at - (i + 1)

    prog = [(ld_abs, 0, 0, 4), (jeq, 0, to_deny(1), arch), (ld_abs, 0, 0, 0),
            (jge, to_deny(3), 0, 0x40000000)]  # x32 syscalls: deny
    for nr in numbers:
        prog.append((jeq, to_deny(len(prog)), 0, nr))
    prog += [(ret, 0, 0, allow), (ret, 0, 0, deny)]
    raw = b"".join(struct.pack("HBBI", *ins) for ins in prog)

    class SockFprog(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_char_p)]

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        fprog = SockFprog(len(prog), raw)
        if libc.prctl(38, 1, 0, 0, 0) != 0:  # PR_SET_NO_NEW_PRIVS
            return False
        return bool(libc.prctl(22, 2, ctypes.byref(fprog), 0, 0) == 0)  # PR_SET_SECCOMP, FILTER
    except (OSError, AttributeError):
        return False


# --- serving ------------------------------------------------------------------------------------

class _CappedText(io.TextIOBase):
    """A stand-in for sys.stdout/sys.stderr that keeps at most ``cap`` characters."""

    def __init__(self, cap: int) -> None:
        self.cap = cap
        self.parts: list[str] = []
        self.size = 0
        self.dropped = 0

    def writable(self) -> bool:
        return True

    def write(self, s: Any) -> int:
        s = str(s)
        room = self.cap - self.size
        if room > 0:
            self.parts.append(s[:room])
            self.size += min(len(s), room)
        self.dropped += max(0, len(s) - max(room, 0))
        return len(s)

    def text(self) -> str:
        out = "".join(self.parts)
        return out + (f"\n… ({self.dropped} more characters dropped)" if self.dropped else "")


class _Server:
    def __init__(self, resp_fd: int, submission: str, output_cap: int, wire: Any) -> None:
        self.resp_fd = resp_fd
        self.submission = os.path.realpath(submission)
        self.output_cap = output_cap
        self.wire = wire
        self.modules: dict[str, Any] = {}
        self.numpy_errors = np.geterr()

    # framing: an 8-byte little-endian length, then one wire message
    def send(self, payload: dict[str, Any]) -> None:
        try:
            body = self.wire.encode(payload)
        except MemoryError:
            body = self.wire.encode({"op": payload.get("op"), "id": payload.get("id"),
                                     "fatal": "result too large to send (MemoryError)"})
        data = _FRAME.pack(len(body)) + body
        view = memoryview(data)
        while view:
            n = os.write(self.resp_fd, view)
            view = view[n:]

    def read_request(self) -> Any:
        header = _read_exact(0, _FRAME.size)
        if header is None:
            return None
        (n,) = _FRAME.unpack(header)
        body = _read_exact(0, n)
        return None if body is None else self.wire.decode(body)

    def serve(self) -> None:
        while True:
            request = self.read_request()
            if request is None:
                return
            op = request.get("op")
            if op == "load":
                self.send({"op": "load", "id": request["id"], "module": request["module"],
                           **self.load(request["module"])})
            elif op == "call":
                self.send({"op": "call", "id": request["id"], **self.call(request)})
            elif op == "batch":
                results = [
                    self.call({**request, "args": args, "kwargs": request.get("kwargs", {})},
                              check_mutation=False)
                    for args in request["calls"]
                ]
                self.send({"op": "batch", "id": request["id"], "results": results})

    def load(self, module: str) -> dict[str, Any]:
        out = self._capture_start()
        try:
            mod = importlib.import_module(module)
        except BaseException as exc:  # SystemExit and KeyboardInterrupt at import too
            return {"ok": False, "error": self._describe(exc), "output": self._capture_end(out)}
        if os.path.dirname(os.path.realpath(getattr(mod, "__file__", "") or "")) != \
                self.submission:
            return {"ok": False, "output": self._capture_end(out), "error": {
                "type_names": ["ModuleNotFoundError"], "where": "",
                "detail": f"'{module}' is not a module of the submission"}}
        self.modules[module] = mod
        names = sorted(n for n, v in vars(mod).items() if callable(v) and not n.startswith("_"))
        return {"ok": True, "functions": names, "output": self._capture_end(out)}

    def call(self, request: dict[str, Any], check_mutation: bool = True) -> dict[str, Any]:
        fn = getattr(self.modules.get(request["module"]), request["function"], None)
        if not callable(fn):
            return {"error": {"type_names": ["AttributeError"], "where": "",
                              "detail": f"no function {request['function']}"}}
        args, kwargs = list(request["args"]), dict(request["kwargs"])
        before = _snapshot(args, kwargs) if check_mutation else []
        out = self._capture_start()
        np.seterr(**self.numpy_errors)  # a submission's np.seterr must not hide warnings
        start = time.perf_counter()
        reply: dict[str, Any] = {}
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                reply["value"] = fn(*args, **kwargs)
            except BaseException as exc:  # sys.exit() in a function is that function's failure
                reply["error"] = self._describe(exc)
        reply["seconds"] = time.perf_counter() - start
        # Empty fields are left out: every node costs time on both sides of the wire.
        if caught:
            reply["warnings"] = [[_category(w.category), str(w.message)[:500]]
                                 for w in caught[:20]]
        mutated = _mutated(before, fn) if before else []
        if mutated:
            reply["mutated"] = mutated
        output = self._capture_end(out)
        if output:
            reply["output"] = output
        return reply

    def _capture_start(self) -> tuple[Any, Any, _CappedText]:
        buf = _CappedText(self.output_cap)
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
            return {"type_names": names, "detail": str(exc.msg)[:500],
                    "where": f"{name}, line {exc.lineno}"}
        return {"type_names": names, "detail": detail, "where": self._where(exc)}

    def _where(self, exc: BaseException) -> str:
        """The innermost traceback line inside the submission, e.g. ``activations.py, line 12``."""
        where = ""
        for frame in traceback.extract_tb(exc.__traceback__):
            if os.path.dirname(os.path.realpath(frame.filename)) == self.submission:
                where = f"{os.path.basename(frame.filename)}, line {frame.lineno}"
        return where


def _category(cls: Any) -> str:
    return cls.__name__ if isinstance(cls, type) else str(cls)


def _read_exact(fd: int, n: int) -> bytes | None:
    chunks = []
    while n:
        chunk = os.read(fd, min(n, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        n -= len(chunk)
    return b"".join(chunks)


def _arrays(value: Any, path: str, out: list[tuple[str, Any]]) -> None:
    if isinstance(value, np.ndarray):
        out.append((path, value))
    elif isinstance(value, list | tuple):
        for i, v in enumerate(value):
            _arrays(v, f"{path}[{i}]", out)
    elif isinstance(value, dict):
        for k, v in value.items():
            _arrays(v, f"{path}[{k!r}]", out)


def _snapshot(args: list[Any], kwargs: dict[str, Any]) -> list[tuple[str, Any, Any]]:
    found: list[tuple[str, Any]] = []
    for i, a in enumerate(args):
        _arrays(a, f"#{i}", found)
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


if __name__ == "__main__":
    main()
