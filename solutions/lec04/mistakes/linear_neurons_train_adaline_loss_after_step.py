"""업데이트 후의 오차를 기록하는 아달린 학습 / Adaline training that records the loss after each step."""

import numpy as np

FUNCTION = "linear_neurons.train_adaline"
HINT_KO = (
    "losses[i]는 i번째 에포크를 '시작할 때'의 오차입니다. 그러므로 losses[0]은 w = 0, b = 0일 때의 오차여야 합니다. 업데이트하기 전에 "
    "기록하세요."
)
HINT_EN = (
    "losses[i] is the loss at the start of epoch i, so losses[0] is the loss at w = 0, b = 0: "
    "record it before the update."
)


def train_adaline(X, y, eta=0.01, epochs=20):
    X = np.asarray(X, dtype=np.float64)
    n = X.shape[0]
    w = np.zeros(X.shape[1])
    b = 0.0
    losses = []
    for _ in range(epochs):
        errors = y - (X @ w + b)
        w = w + eta * X.T @ errors / n
        b = b + eta * float(np.sum(errors)) / n
        errors = y - (X @ w + b)
        losses.append(float(np.sum(errors**2) / (2 * n)))
    return w, float(b), losses
