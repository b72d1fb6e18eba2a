# ruff: noqa
"""Replaces relu: walks sys._getframe() and the garbage collector looking for the expected
value ("want", "expected", "reference" ...). The expected values live in the trusted process;
the worker's frames hold only the request, so it finds nothing."""
import gc
import sys

import numpy as np

_NAMES = {"want", "expected", "reference", "ref", "solution", "answer"}


def relu(z):
    frame = sys._getframe()
    while frame is not None:
        for name, value in frame.f_locals.items():
            if name in _NAMES and isinstance(value, np.ndarray):
                return value
        frame = frame.f_back
    for obj in gc.get_objects():
        if isinstance(obj, dict) and _NAMES & set(k for k in obj if isinstance(k, str)):
            for name in _NAMES & set(obj):
                if isinstance(obj[name], np.ndarray) and obj[name].shape == np.shape(z):
                    return obj[name]
    raise RuntimeError("no expected value found in frames")
