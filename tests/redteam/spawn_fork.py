# ruff: noqa
"""Replaces relu: os.fork() and a child that spins forever."""
import os

import numpy as np


def relu(z):
    if os.fork() == 0:
        while True:
            pass
    return np.maximum(z, 0.0)
