"""Limits the worker puts on itself before any student code is importable.

작업자가 학생 코드를 불러오기 전에 스스로에게 거는 제한: rlimit, 권한(capability) 포기, seccomp 필터.

rlimits bound memory, CPU time and file size; as root every capability is dropped; on Linux a
seccomp filter makes new processes, threads, exec, sockets, signals to other processes and
tracing fail with EPERM. (The filesystem fence is ``landlock`` or bubblewrap.)
"""

from __future__ import annotations

import ctypes
import platform
import struct
import sys
from typing import Any


def die_with_parent() -> None:
    """Linux: be killed when the grader dies, even by SIGKILL (bwrap has --die-with-parent)."""
    if sys.platform == "linux":
        try:
            ctypes.CDLL(None).prctl(1, 9, 0, 0, 0)  # PR_SET_PDEATHSIG, SIGKILL
        except (OSError, AttributeError):
            pass


def apply_limits(limits: dict[str, Any]) -> dict[str, Any]:
    """rlimits and, as root, no capabilities; ``install_seccomp`` comes last, after the fence."""
    applied: dict[str, Any] = {"rlimits": False}
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


def install_seccomp() -> bool:
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
