# ruff: noqa
"""Replaces relu: grabs 128 MB blocks until something gives. RLIMIT_AS (memory_mb) counts
address space, so the worker hits MemoryError within a few blocks, whether or not the pages are
ever written (they are not here, which keeps the attack fast on a slow machine)."""
import numpy as np


def relu(z):
    hoard = []
    while True:
        hoard.append(np.empty(16 << 20))  # 128 MB of float64
