"""바이어스를 더하지 않은 최종 입력 / Net input without the bias."""

import numpy as np

FUNCTION = "linear_neurons.net_input"
HINT_KO = (
    "최종 입력은 입력과 가중치의 곱에 바이어스 b를 더한 값입니다. b를 빠뜨리면 결정 경계가 항상 원점을 지나야 합니다."
)
HINT_EN = (
    "The net input is the product of inputs and weights plus the bias b. Without b the decision "
    "boundary is forced through the origin."
)


def net_input(X, w, b):
    return np.asarray(X, dtype=np.float64) @ w
