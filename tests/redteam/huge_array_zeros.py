# ruff: noqa
"""Replaces relu: np.zeros(10**9) (8 GB) — RLIMIT_AS makes it a MemoryError in the function."""
import numpy as np


def relu(z):
    return np.zeros(10**9)
