# ruff: noqa
"""Replaces relu: reads the environment (CI secrets live there) and the memory (the expected
values live there) of its parent process through /proc/<ppid>/environ and /proc/<ppid>/mem,
and answers correctly if it could. Under bwrap the parent is bwrap's own init inside a new PID
namespace, and the grader is out of reach. Under process isolation the parent IS the grading
process, and the same user (root even more so: CAP_SYS_PTRACE) passes the kernel's ptrace
access check unless the grader made itself non-dumpable or the worker dropped its
capabilities."""
import os

import numpy as np


def _read_parent(ppid):
    with open(f"/proc/{ppid}/environ", "rb") as f:
        f.read()
    with open(f"/proc/{ppid}/maps") as maps:
        start = next(int(line.split("-")[0], 16) for line in maps if "[heap]" in line)
    with open(f"/proc/{ppid}/mem", "rb") as mem:
        mem.seek(start)
        return mem.read(64)


def relu(z):
    ppid = os.getppid()
    with open(f"/proc/{ppid}/cmdline", "rb") as f:
        if b"bwrap" in f.read():
            raise RuntimeError("the parent is bwrap: the grader is out of reach")
    _read_parent(ppid)  # raises PermissionError when the grader is protected
    return np.maximum(z, 0.0)
