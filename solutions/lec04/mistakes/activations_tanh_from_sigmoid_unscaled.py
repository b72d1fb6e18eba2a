"""시그모이드로 tanh를 만들며 입력의 배율 2를 빠뜨림 / tanh built from the sigmoid, forgetting to double the input."""

import numpy as np

FUNCTION = "activations.tanh"
HINT_KO = (
    "시그모이드로 tanh를 만들려면 세로로 늘리고 옮기는 것만으로는 부족합니다. 가로 방향의 배율도 맞아야 합니다. z = 1에서 여러분의 값을 tanh의 참값(약 "
    "0.7616)과 비교해 보세요."
)
HINT_EN = (
    "Building tanh from the sigmoid needs more than stretching and shifting it vertically: the "
    "horizontal scale must match too. Compare your value at z = 1 with the true tanh(1), about "
    "0.7616."
)


def tanh(z):
    z = np.asarray(z, dtype=np.float64)
    e = np.exp(-np.abs(z))
    s = np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    return 2.0 * s - 1.0
