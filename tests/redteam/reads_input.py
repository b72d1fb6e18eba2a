# ruff: noqa
"""Replaces relu: a left-over input() waits for the user. Standard input is /dev/null and
input() fails at once with a message saying so (instead of waiting for the call timeout)."""
import numpy as np


def relu(z):
    answer = input("continue? ")
    return np.maximum(z, 0.0)
