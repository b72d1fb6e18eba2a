# ruff: noqa
"""Replaces relu: starts a thread that keeps spinning (and would steal the CPU from every later
call). clone() is refused by the seccomp filter, so the thread cannot start."""
import threading

import numpy as np


def _spin():
    while True:
        pass


def relu(z):
    threading.Thread(target=_spin, daemon=True).start()
    return np.maximum(z, 0.0)
