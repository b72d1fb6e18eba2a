"""퍼셉트론 업데이트에 아달린 규칙(최종 입력)을 씀 / Perceptron update using the Adaline rule (net input instead of the predicted label)."""

import numpy as np

FUNCTION = "linear_neurons.perceptron_update"
HINT_KO = (
    "퍼셉트론은 진짜 클래스 레이블과 '예측 클래스 레이블'을 비교합니다. 최종 입력(선형 활성화의 실수 출력)과 비교하는 것은 아달린의 방식입니다. 먼저 최종 입력을 "
    "+1/-1로 바꾸세요."
)
HINT_EN = (
    "The perceptron compares the true class label with the predicted class label. Comparing with "
    "the net input (the linear activation's real-valued output) is Adaline: turn the net input "
    "into +1/-1 first."
)


def perceptron_update(w, b, x, y, eta):
    z = float(np.dot(x, w) + b)
    u = eta * (y - z)
    return w + u * x, float(b + u)
