# ruff: noqa
"""Replaces relu: os._exit(0) — the worker vanishes with a "success" exit code. Detected as a
dead worker (end of file on the response pipe); only relu's tests fail."""
import os


def relu(z):
    os._exit(0)
