# ruff: noqa
"""Replaces relu and tanh: NaN everywhere from relu, +inf everywhere from tanh."""
import numpy as np


def relu(z):
    return np.full_like(z, np.nan)


def tanh(z):
    return np.full_like(z, np.inf)
