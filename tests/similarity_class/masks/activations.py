# Independent style "masks": boolean masks and in-place writes on fresh copies.
# Written for the similarity tests only.
import numpy as np


def sigmoid(z):
    x = np.array(z, dtype=np.float64, copy=True)
    positive = x >= 0
    result = np.zeros_like(x)
    result[positive] = 1.0 / (1.0 + np.exp(-x[positive]))
    exp_neg = np.exp(x[~positive])
    result[~positive] = exp_neg / (1.0 + exp_neg)
    return result


def sigmoid_derivative(z):
    a = sigmoid(z)
    return a * (1 - a)


def relu(z):
    x = np.array(z, dtype=np.float64, copy=True)
    x[x < 0] = 0.0
    return x


def relu_derivative(z):
    x = np.asarray(z, dtype=np.float64)
    return (x > 0).astype(np.float64)


def tanh(z):
    x = np.asarray(z, dtype=np.float64)
    return np.tanh(x)


def tanh_derivative(z):
    th = np.tanh(np.asarray(z, dtype=np.float64))
    return 1 - np.square(th)


def softplus(z):
    x = np.asarray(z, dtype=np.float64)
    return np.maximum(x, 0) + np.log1p(np.exp(-np.abs(x)))


def softplus_derivative(z):
    return sigmoid(z)


def gradient_through_layers(zs, activation):
    table = {
        "sigmoid": sigmoid_derivative,
        "relu": relu_derivative,
        "tanh": tanh_derivative,
        "softplus": softplus_derivative,
    }
    try:
        derivative = table[activation] if isinstance(activation, str) else None
    except KeyError:
        derivative = None
    if derivative is None:
        raise ValueError(f"unknown activation {activation!r}")
    slopes = derivative(np.asarray(zs, dtype=np.float64))
    return float(np.prod(slopes)) if slopes.size else 1.0
