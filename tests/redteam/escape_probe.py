# ruff: noqa
"""Replaces relu: tries every way out of the fence it knows of, and answers correctly only if
none worked (so full marks mean the fence held; a failure lists what got out):
reading the course's reference (solutions/), its hidden suite, the grader's own temporary files
(the private copy of the suites), the cache of rewritten suites (reading it, planting code in it),
writing a file outside its scratch folder, and a TCP
connection to a listener the test started. Under bwrap the paths do not exist in its view; under
Landlock they exist but are out of reach; under process isolation the filesystem is open."""
import glob
import os
import socket

import numpy as np


def _read(path):
    with open(path, "rb") as f:
        return f.read(16)


def _escapes():
    got = []
    for name, path in (("solution", "@SOLUTION@"), ("suite", "@SUITE@")):
        try:
            _read(path)
            got.append(name)
        except OSError:
            pass
    # the private copy of the suites, and the cache of rewritten suites (the hidden suite's
    # code; then planting code in it)
    for name, pattern in (("grader-temp", "@TMP@/grader-*-suites-*/**/*.py"),
                          ("suite-cache", "@CACHE@/**/*.code")):
        try:
            for path in glob.glob(pattern, recursive=True):
                _read(path)
                got.append(name)
                break
        except OSError:
            pass
    try:
        with open("@CACHE@/suites/planted.code", "wb") as f:
            f.write(b"planted")
        got.append("cache-write")
    except OSError:
        pass
    try:
        with open("@OUTSIDE@", "w") as f:
            f.write("escaped")
        got.append("write-outside")
    except OSError:
        pass
    try:
        with socket.create_connection(("127.0.0.1", int("@PORT@")), timeout=0.5) as s:
            s.sendall(b"escaped")
        got.append("tcp")
    except OSError:
        pass
    return got


def relu(z):
    got = _escapes()
    if got:
        raise RuntimeError("escaped: " + ", ".join(got))
    return np.maximum(z, 0.0)
