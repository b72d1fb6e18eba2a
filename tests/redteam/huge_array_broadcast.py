# ruff: noqa
"""Replaces relu: returns a 10^9-element view that costs no memory — until it is sent. Making
it contiguous for the wire hits RLIMIT_AS in the worker; the worker reports the reply as too
large (a protocol failure of this call)."""
import numpy as np


def relu(z):
    return np.broadcast_to(np.float64(0.0), (10**9,))
