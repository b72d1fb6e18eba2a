"""아달린 오차에 예측 클래스 레이블을 씀 / Adaline loss computed on predicted class labels."""

import numpy as np

FUNCTION = "linear_neurons.adaline_loss"
HINT_KO = (
    "아달린은 진짜 클래스 레이블과 선형 활성화 함수의 '실수 출력 값'(최종 입력)을 비교해 오차를 계산합니다. 예측 레이블(+1/-1)로 바꾼 뒤 비교하는 것은 "
    "퍼셉트론의 방식입니다."
)
HINT_EN = (
    "Adaline computes its error by comparing the true class labels with the real-valued output "
    "of the linear activation (the net input). Turning it into predicted labels (+1/-1) first is "
    "the perceptron's way."
)


def adaline_loss(w, b, X, y):
    z = np.asarray(X, dtype=np.float64) @ w + b
    y_hat = np.where(z >= 0, 1.0, -1.0)
    return float(np.sum((y - y_hat) ** 2) / (2 * len(y)))
