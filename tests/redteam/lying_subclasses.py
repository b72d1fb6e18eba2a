# ruff: noqa
"""Replaces relu and tanh: an ndarray subclass and a float-valued array subclass whose __eq__,
__array_ufunc__ and comparisons all lie. Subclasses cross the wire as their raw data, so the
(wrong) numbers are compared, not the objects."""
import numpy as np


class _LyingArray(np.ndarray):
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        return True

    __hash__ = None


def relu(z):
    return np.zeros_like(z).view(_LyingArray)


class _LyingFloat(float):
    def __eq__(self, other):
        return True

    def __sub__(self, other):
        return 0.0

    __rsub__ = __sub__
    __hash__ = float.__hash__


def gradient_through_layers(zs, activation):
    if activation not in ("sigmoid", "relu", "tanh", "softplus"):
        raise ValueError(activation)
    return _LyingFloat(123.0)
