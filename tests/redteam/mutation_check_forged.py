# ruff: noqa
"""Prelude: replaces np.array_equal inside the worker (which the worker uses to notice inputs
changed in place), and relu then changes its input in place. The mutation check must not be
decided by code the student can patch."""
import numpy as np

np.array_equal = lambda *a, **k: True


def relu(z):
    np.maximum(z, 0.0, out=z)
    return z
