# Independent style "loops": element by element with the math module, results poured back into
# arrays of the input's shape. Written for the similarity tests only.
import math

import numpy as np


def _each(z, fn):
    arr = np.asarray(z, dtype=np.float64)
    out = np.empty_like(arr)
    flat_in, flat_out = arr.reshape(-1), out.reshape(-1)
    for idx in range(flat_in.size):
        flat_out[idx] = fn(float(flat_in[idx]))
    return out


def _sig(x):
    if x < 0:
        ex = math.exp(x)
        return ex / (ex + 1.0)
    return 1.0 / (math.exp(-x) + 1.0)


def sigmoid(z):
    return _each(z, _sig)


def sigmoid_derivative(z):
    def one(x):
        s = _sig(x)
        return s - s * s
    return _each(z, one)


def relu(z):
    return _each(z, lambda x: x if x > 0.0 else 0.0)


def relu_derivative(z):
    return _each(z, lambda x: 1.0 if x > 0.0 else 0.0)


def tanh(z):
    return _each(z, math.tanh)


def tanh_derivative(z):
    return _each(z, lambda x: 1.0 / math.cosh(x) ** 2 if abs(x) < 350.0 else 0.0)


def softplus(z):
    def one(x):
        if x > 30.0:
            return x + math.log1p(math.exp(-x))
        return math.log1p(math.exp(x))
    return _each(z, one)


def softplus_derivative(z):
    return sigmoid(z)


DERIVATIVES = {"sigmoid": sigmoid_derivative, "relu": relu_derivative,
               "tanh": tanh_derivative, "softplus": softplus_derivative}


def gradient_through_layers(zs, activation):
    if type(activation) is not str or activation not in DERIVATIVES:
        raise ValueError("activation must be sigmoid, relu, tanh or softplus: " + repr(activation))
    total = 1.0
    for slope in DERIVATIVES[activation](zs).ravel().tolist():
        total *= slope
    return total
