"""-1/+1 대신 0/1 레이블을 주는 퍼셉트론 예측 / Perceptron prediction with labels 0/1 instead of -1/+1."""

import numpy as np

FUNCTION = "linear_neurons.perceptron_predict"
HINT_KO = (
    "퍼셉트론의 클래스 레이블은 0과 1이 아니라 -1과 +1입니다. 최종 입력이 0 이상이면 +1을, "
    "아니면 -1을 돌려주세요."
)
HINT_EN = (
    "The perceptron's class labels are -1 and +1 (not 0 and 1): return +1 where the net input "
    "is 0 or more, else -1."
)


def perceptron_predict(X, w, b):
    z = np.asarray(X, dtype=np.float64) @ w + b
    return np.where(z >= 0, 1, 0)
