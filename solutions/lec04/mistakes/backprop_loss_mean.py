"""오차를 합 대신 평균으로 구함 / Loss as a mean instead of a sum."""

import numpy as np

FUNCTION = "backprop.loss"
HINT_KO = (
    "이 과제의 오차 E는 모든 샘플과 출력에 대해 '합'한 값입니다(평균이 아님). 샘플 수로 나누면 "
    "역전파가 구하는 기울기와 맞지 않습니다."
)
HINT_EN = (
    "In this assignment the error E is a sum over all samples and outputs, not a mean. Dividing "
    "by the number of samples no longer matches the gradients that backpropagation computes."
)


def loss(y_out, y_true):
    return float(0.5 * np.mean((y_out - y_true) ** 2))
