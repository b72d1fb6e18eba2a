# ruff: noqa
"""Replaces relu: a multiprocessing.Process that sleeps for ten minutes."""
import multiprocessing
import time

import numpy as np


def relu(z):
    multiprocessing.Process(target=time.sleep, args=(600,), daemon=False).start()
    return np.maximum(z, 0.0)
