"""The Landlock fence: the worker restricts its own view of the filesystem and the network.

Landlock 격리: 작업자가 스스로 파일 시스템·네트워크 접근을 제한한다 (권한도 별도 프로그램도 필요 없음).

Landlock is a Linux security module (mainline since 5.13) through which an unprivileged process
fences itself and every process it could start, irreversibly. The kernel interface is three system
calls, used here through ``ctypes`` (no binding is maintained for every ABI, and this module must
run inside the worker, where only the standard library and NumPy exist):

- ``landlock_create_ruleset`` (444): which accesses the fence handles — everything the running
  kernel's ABI knows of; whatever the ABI lacks is *reported*, never silently skipped;
- ``landlock_add_rule`` (445): the folders and files that stay reachable, and how;
- ``landlock_restrict_self`` (446): after ``PR_SET_NO_NEW_PRIVS``, the fence goes up.

ABI 1 fences the filesystem, 2 adds linking/renaming across folders, 3 truncation, 4 TCP
bind/connect (``handled_access_net`` with no port allowed: every TCP bind and connect fails), 5
device ioctls, 6 scopes signals and abstract UNIX sockets to the worker itself. The numbers of the
system calls are the same on x86_64 and aarch64 (the generic table).
"""

from __future__ import annotations

import ctypes
import json
import os
import platform
import sys
from typing import Any

_SYSCALLS = {"x86_64": (444, 445, 446), "aarch64": (444, 445, 446)}
_CREATE_RULESET_VERSION = 1
_RULE_PATH_BENEATH = 1
_PR_SET_NO_NEW_PRIVS = 38

# Filesystem access rights (include/uapi/linux/landlock.h).
EXECUTE = 1 << 0
WRITE_FILE = 1 << 1
READ_FILE = 1 << 2
READ_DIR = 1 << 3
REMOVE_DIR = 1 << 4
REMOVE_FILE = 1 << 5
MAKE_CHAR = 1 << 6
MAKE_DIR = 1 << 7
MAKE_REG = 1 << 8
MAKE_SOCK = 1 << 9
MAKE_FIFO = 1 << 10
MAKE_BLOCK = 1 << 11
MAKE_SYM = 1 << 12
REFER = 1 << 13
TRUNCATE = 1 << 14
IOCTL_DEV = 1 << 15
# Rights that may be granted on a file (the others only make sense on a folder).
_FILE_RIGHTS = EXECUTE | WRITE_FILE | READ_FILE | TRUNCATE | IOCTL_DEV
_NET_BIND_TCP, _NET_CONNECT_TCP = 1 << 0, 1 << 1
_SCOPE_ABSTRACT_UNIX_SOCKET, _SCOPE_SIGNAL = 1 << 0, 1 << 1

READ_ONLY = EXECUTE | READ_FILE | READ_DIR
SCRATCH = (READ_FILE | READ_DIR | WRITE_FILE | REMOVE_DIR | REMOVE_FILE | MAKE_DIR | MAKE_REG
           | MAKE_SOCK | MAKE_FIFO | MAKE_SYM | REFER | TRUNCATE)

# What each ABI lacks that a later one fences, in the report's words.
_GAPS = [
    (3, "truncate", "truncating files outside the scratch folder (ABI 3)"),
    (4, "tcp", "TCP bind/connect (ABI 4; seccomp still forbids sockets)"),
    (5, "ioctl_dev", "ioctl on devices (ABI 5)"),
    (6, "signal", "signals to other processes (ABI 6; seccomp still forbids kill)"),
    (6, "abstract_unix_socket", "abstract UNIX sockets (ABI 6; seccomp still forbids sockets)"),
]


class LandlockUnavailable(OSError):
    """This kernel (or this platform) cannot put up the fence; the message says why."""


class _RulesetAttr(ctypes.Structure):
    _fields_ = [("handled_access_fs", ctypes.c_uint64), ("handled_access_net", ctypes.c_uint64),
                ("scoped", ctypes.c_uint64)]


class _PathBeneathAttr(ctypes.Structure):
    _pack_ = 1  # __attribute__((packed)) in the kernel's header
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


def _libc() -> Any:
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long
    return libc


def _syscall(number: int, *args: Any) -> int:
    libc = _libc()
    result = int(libc.syscall(ctypes.c_long(number), *args))
    if result < 0:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err))
    return result


def abi_version() -> int:
    """The Landlock ABI of the running kernel, or ``LandlockUnavailable`` saying why not."""
    if sys.platform != "linux":
        raise LandlockUnavailable(f"Landlock is Linux only (this is {sys.platform})")
    calls = _SYSCALLS.get(platform.machine())
    if calls is None:
        raise LandlockUnavailable(f"no Landlock system call numbers for {platform.machine()}")
    try:
        return _syscall(calls[0], None, ctypes.c_size_t(0),
                        ctypes.c_uint32(_CREATE_RULESET_VERSION))
    except OSError as exc:
        if exc.errno == 38:  # ENOSYS
            raise LandlockUnavailable("this kernel has no Landlock (Linux 5.13+ with "
                                      "CONFIG_SECURITY_LANDLOCK)") from None
        if exc.errno == 95:  # EOPNOTSUPP
            raise LandlockUnavailable("Landlock is built into this kernel but not enabled at "
                                      "boot (add landlock to the lsm= kernel parameter)") from None
        raise LandlockUnavailable(f"Landlock is not usable: {exc}") from None


def handled_fs(abi: int) -> int:
    """Every filesystem right the ABI knows of: the fence handles (denies by default) them all."""
    rights = (MAKE_SYM << 1) - 1  # ABI 1: EXECUTE .. MAKE_SYM
    if abi >= 2:
        rights |= REFER
    if abi >= 3:
        rights |= TRUNCATE
    if abi >= 5:
        rights |= IOCTL_DEV
    return rights


def gaps(abi: int) -> list[str]:
    """What this ABI cannot fence (each a sentence for the report)."""
    return [text for since, _, text in _GAPS if abi < since]


def restrict(read_only: list[str], read_write: list[str],
             list_only: list[str] | tuple[str, ...] = ()) -> dict[str, Any]:
    """Fence this process: ``read_only`` paths (folders and everything beneath them, or single
    files) may be read and executed, ``read_write`` folders also written, ``list_only`` folders
    only listed (names, not contents: the standard library's folder when it holds
    ``site-packages``); nothing else of the filesystem is reachable, and where the ABI has it,
    no TCP bind/connect, no signal to a process outside the fence, no abstract UNIX socket
    outside it.

    Returns the report (``abi``, ``rules``, ``missing`` paths, ``not_applied``: rules this ABI
    cannot enforce). Raises ``LandlockUnavailable`` or ``OSError`` — never returns half-fenced.
    """
    abi = abi_version()
    create, add_rule, restrict_self = _SYSCALLS[platform.machine()]
    fs = handled_fs(abi)
    attr = _RulesetAttr(fs, 0, 0)
    size = 8
    if abi >= 4:
        attr.handled_access_net = _NET_BIND_TCP | _NET_CONNECT_TCP
        size = 16
    if abi >= 6:
        attr.scoped = _SCOPE_ABSTRACT_UNIX_SOCKET | _SCOPE_SIGNAL
        size = 24
    ruleset = _syscall(create, ctypes.byref(attr), ctypes.c_size_t(size), ctypes.c_uint32(0))
    report: dict[str, Any] = {"abi": abi, "rules": 0, "missing": [], "not_applied": gaps(abi)}
    try:
        for paths, rights in ((read_only, READ_ONLY), (read_write, SCRATCH),
                              (list(list_only), READ_DIR)):
            for path in paths:
                try:
                    fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
                except FileNotFoundError:
                    report["missing"].append(path)
                    continue
                try:
                    allowed = rights & fs
                    if not os.path.isdir(path):
                        allowed &= _FILE_RIGHTS
                    rule = _PathBeneathAttr(allowed, fd)
                    _syscall(add_rule, ctypes.c_int(ruleset), ctypes.c_int(_RULE_PATH_BENEATH),
                             ctypes.byref(rule), ctypes.c_uint32(0))
                    report["rules"] += 1
                finally:
                    os.close(fd)
        if _libc().prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_SET_NO_NEW_PRIVS) failed")
        _syscall(restrict_self, ctypes.c_int(ruleset), ctypes.c_uint32(0))
    finally:
        os.close(ruleset)
    return report


def probe() -> None:
    """Run in a throw-away child by ``grader.boundary.sandbox``: fence this process with nothing allowed,
    check that the filesystem is really out of reach, and print the ABI as JSON."""
    try:
        report = restrict([], [])
        try:
            os.listdir("/")
        except PermissionError:
            pass
        else:
            raise LandlockUnavailable("the fence is up but / can still be listed")
        print(json.dumps({"abi": report["abi"], "not_applied": report["not_applied"]}))
    except OSError as exc:
        print(json.dumps({"error": str(exc)}))


if __name__ == "__main__":
    probe()
