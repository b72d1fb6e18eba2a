# Written independently from the contract (EXERCISES.md) and the lecture notes only,
# without looking at the reference solutions or the stubs.
"""아달린과 퍼셉트론 / Adaline (linear activation) vs perceptron (predicted class label)."""

import math

import numpy as np


def net_input(X, w, b):
    """순입력 z = Xw + b / Net input."""
    return np.dot(np.asarray(X, dtype=np.float64), np.asarray(w, dtype=np.float64)) + b


def perceptron_predict(X, w, b):
    """퍼셉트론 예측: z >= 0 이면 +1, 아니면 -1 / Perceptron class labels (integer array)."""
    z = net_input(X, w, b)
    return np.where(z >= 0.0, 1, -1)


def perceptron_update(w, b, x, y, eta):
    """퍼셉트론 규칙 한 번 / One perceptron update with the predicted class label."""
    x = np.asarray(x, dtype=np.float64)
    z = float(np.dot(x, w) + b)
    y_hat = 1 if z >= 0.0 else -1
    u = eta * (y - y_hat)
    return w + u * x, float(b + u)


def train_perceptron(X, y, eta=0.1, epochs=10):
    """퍼셉트론 학습 / Train a perceptron: (w, b, errors per epoch)."""
    X = np.asarray(X, dtype=np.float64)
    w = np.zeros(X.shape[1])
    b = 0.0
    errors = []
    for _ in range(epochs):
        count = 0
        for i in range(X.shape[0]):
            z = float(np.dot(X[i], w) + b)
            y_hat = 1 if z >= 0.0 else -1
            u = eta * (y[i] - y_hat)
            if u != 0:
                count += 1
            w = w + u * X[i]
            b = float(b + u)
        errors.append(count)
    return w, b, errors


def adaline_loss(w, b, X, y):
    """아달린 오차 (1/2n) Σ (y - z)^2 / Adaline loss on the real-valued linear output."""
    r = np.asarray(y, dtype=np.float64) - net_input(X, w, b)
    n = r.shape[0]
    return math.fsum((r * r).tolist()) / (2.0 * n)


def adaline_gradient(w, b, X, y):
    """아달린 기울기 / Gradient of adaline_loss: dw = -X^T (y - z)/n, db = -Σ(y - z)/n."""
    X = np.asarray(X, dtype=np.float64)
    r = np.asarray(y, dtype=np.float64) - net_input(X, w, b)
    n = X.shape[0]
    dw = -(X.T @ r) / n
    db = -math.fsum(r.tolist()) / n
    return dw, db


def train_adaline(X, y, eta=0.01, epochs=20):
    """아달린 학습 (전체 배치 경사 하강법) / Train Adaline: (w, b, losses per epoch)."""
    X = np.asarray(X, dtype=np.float64)
    w = np.zeros(X.shape[1])
    b = 0.0
    losses = []
    for _ in range(epochs):
        losses.append(adaline_loss(w, b, X, y))
        dw, db = adaline_gradient(w, b, X, y)
        w = w - eta * dw
        b = b - eta * db
    return w, b, losses


def standardize(X):
    """주어진 코드: 표준화 / Given code: zero mean and unit standard deviation per column."""
    X = np.asarray(X, dtype=np.float64)
    return (X - X.mean(axis=0)) / X.std(axis=0)
