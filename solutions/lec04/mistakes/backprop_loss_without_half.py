"""오차에서 ½을 빠뜨림 / Loss without the factor ½."""

import numpy as np

FUNCTION = "backprop.loss"
HINT_KO = (
    "델타식의 오차는 제곱 오차의 합에 ½을 곱한 값입니다. ½은 미분할 때 제곱에서 나오는 2를 "
    "없애 주므로, 빠뜨리면 오차와 기울기가 서로 맞지 않습니다."
)
HINT_EN = (
    "The delta rule's error is one half of the summed squared error. The ½ cancels the 2 that "
    "comes out of the square when differentiating; without it the loss and its gradient disagree."
)


def loss(y_out, y_true):
    return float(np.sum((y_out - y_true) ** 2))
