# Written independently from the contract (EXERCISES.md) and the lecture notes only,
# without looking at the reference solutions or the stubs.
"""활성화 함수와 그 미분 (그림 9-4, 9-5, 9-6) / Activation functions and their derivatives."""

import math

import numpy as np


def sigmoid(z):
    """시그모이드 1/(1+e^-z) / Sigmoid, stable form 0.5*(1 + tanh(z/2)) (figure 9-5)."""
    z = np.asarray(z, dtype=np.float64)
    # tanh never overflows, so no warning even for |z| = 1e4, and tanh(+-5000) is exactly +-1
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def sigmoid_derivative(z):
    """시그모이드의 미분 out(1-out) / Sigmoid derivative s*(1-s), at most 0.25 (figure 9-5)."""
    s = sigmoid(z)
    return s * (1.0 - s)


def relu(z):
    """렐루 max(0, z) / ReLU (figure 9-6 ②)."""
    z = np.asarray(z, dtype=np.float64)
    return np.where(z > 0.0, z, 0.0)


def relu_derivative(z):
    """렐루의 미분: z > 0 이면 1, 아니면 0 / ReLU derivative: 1 where z > 0 else 0."""
    z = np.asarray(z, dtype=np.float64)
    return np.where(z > 0.0, 1.0, 0.0)


def tanh(z):
    """하이퍼볼릭 탄젠트 / Hyperbolic tangent (figure 9-6 ③)."""
    z = np.asarray(z, dtype=np.float64)
    return np.tanh(z)


def tanh_derivative(z):
    """하이퍼볼릭 탄젠트의 미분 1 - tanh^2 / tanh derivative, written as (1-t)(1+t)."""
    t = tanh(z)
    return (1.0 - t) * (1.0 + t)


def softplus(z):
    """소프트플러스 log(1+e^z) / Softplus (figure 9-6 ④), via logaddexp(0, z)."""
    z = np.asarray(z, dtype=np.float64)
    return np.logaddexp(0.0, z)


def softplus_derivative(z):
    """소프트플러스의 미분 = 시그모이드 / Softplus derivative = sigmoid(z)."""
    z = np.asarray(z, dtype=np.float64)
    # another stable sigmoid: exp(-log(1 + e^-z)); logaddexp does not overflow
    return np.exp(-np.logaddexp(0.0, -z))


def _math_sigmoid(x):
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def _slope(name, x):
    # derivative of one unit, as a Python float
    if name == "sigmoid":
        s = _math_sigmoid(x)
        return s * (1.0 - s)
    if name == "relu":
        return 1.0 if x > 0 else 0.0
    if name == "tanh":
        t = math.tanh(x)
        return 1.0 - t * t
    # softplus
    return _math_sigmoid(x)


def gradient_through_layers(zs, activation):
    """층을 거치며 기울기가 곱해지는 비율 (기울기 소실, 그림 9-4).

    Product of the activation's derivative at each pre-activation in zs: how much a gradient
    shrinks (vanishing gradient) or survives through len(zs) layers.
    """
    if not isinstance(activation, str) or activation not in ("sigmoid", "relu", "tanh", "softplus"):
        raise ValueError(f"unknown activation: {activation!r}")
    values = np.asarray(zs, dtype=np.float64).reshape(-1)
    factor = 1.0
    for i in range(values.shape[0]):
        factor = factor * _slope(activation, float(values[i]))
    return float(factor)
