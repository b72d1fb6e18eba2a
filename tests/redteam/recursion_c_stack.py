# ruff: noqa
"""Replaces relu: recursion through C code (a __getattr__ that calls getattr) with the limit
raised — the C stack overflows and the worker dies of SIGSEGV."""
import sys


class _Deep:
    def __getattr__(self, name):
        return getattr(self, name)


def relu(z):
    sys.setrecursionlimit(10**9)
    return _Deep().anything
