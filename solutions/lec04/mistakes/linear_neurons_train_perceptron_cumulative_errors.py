"""에포크마다 오류 수를 0으로 되돌리지 않음 / Perceptron training that never resets the error count per epoch."""

import numpy as np

FUNCTION = "linear_neurons.train_perceptron"
HINT_KO = (
    "errors[i]는 i번째 에포크 '한 번' 동안 업데이트가 일어난 샘플 수입니다. 세는 값을 에포크마다 0에서 다시 시작하세요. 학습이 수렴하면 0이 되어야 "
    "합니다."
)
HINT_EN = (
    "errors[i] counts the samples updated during epoch i alone. Restart the count from 0 every "
    "epoch: once training converges it must reach 0."
)


def train_perceptron(X, y, eta=0.1, epochs=10):
    X = np.asarray(X, dtype=np.float64)
    w = np.zeros(X.shape[1])
    b = 0.0
    errors = []
    count = 0
    for _ in range(epochs):
        for xi, yi in zip(X, y):
            y_hat = 1 if float(xi @ w + b) >= 0 else -1
            u = eta * (yi - y_hat)
            w = w + u * xi
            b = b + u
            if u != 0:
                count += 1
        errors.append(count)
    return w, float(b), errors
