"""바이어스를 업데이트하지 않는 퍼셉트론 / Perceptron update that never changes the bias."""

import numpy as np

FUNCTION = "linear_neurons.perceptron_update"
HINT_KO = (
    "바이어스 b도 학습되는 매개변수입니다. 가중치를 고칠 때 쓴 것과 같은 업데이트 크기로 b도 "
    "함께 고쳐야 합니다 (b는 항상 1인 입력의 가중치라고 생각해 보세요)."
)
HINT_EN = (
    "The bias b is learned too. Change it by the same update amount as the weights (think of b "
    "as the weight of an input that is always 1)."
)


def perceptron_update(w, b, x, y, eta):
    y_hat = 1 if float(np.dot(x, w) + b) >= 0 else -1
    u = eta * (y - y_hat)
    return w + u * x, float(b)
