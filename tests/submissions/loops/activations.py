# Every activation one element at a time, with the math module (slow but honest).
import math

import numpy as np

from _loops import each


def _sigmoid1(z):
    e = math.exp(-abs(z))
    return 1.0 / (1.0 + e) if z >= 0 else e / (1.0 + e)


def sigmoid(z):
    return each(_sigmoid1, z)


def sigmoid_derivative(z):
    return each(lambda v: _sigmoid1(v) * _sigmoid1(-v), z)


def relu(z):
    return each(lambda v: v if v > 0.0 else 0.0, z)


def relu_derivative(z):
    return each(lambda v: 1.0 if v > 0.0 else 0.0, z)


def tanh(z):
    return each(math.tanh, z)


def tanh_derivative(z):
    return each(lambda v: 1.0 - math.tanh(v) ** 2, z)


def softplus(z):
    return each(lambda v: max(v, 0.0) + math.log1p(math.exp(-abs(v))), z)


def softplus_derivative(z):
    return each(_sigmoid1, z)


def gradient_through_layers(zs, activation):
    derivatives = {"sigmoid": sigmoid_derivative, "relu": relu_derivative,
                   "tanh": tanh_derivative, "softplus": softplus_derivative}
    if not isinstance(activation, str) or activation not in derivatives:
        raise ValueError(f"unknown activation {activation!r}")
    product = 1.0
    for d in derivatives[activation](np.asarray(zs, dtype=np.float64)).reshape(-1):
        product *= float(d)
    return product
