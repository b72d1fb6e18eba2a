"""시그모이드로 tanh를 만들며 입력의 배율 2를 빠뜨림 / tanh built from the sigmoid, forgetting to double the input."""

import numpy as np

FUNCTION = "activations.tanh"
HINT_KO = (
    "tanh를 시그모이드로 만들려면 세로로 늘리고 옮기는 것만으로는 부족합니다. 가로 방향의 배율도 "
    "맞아야 합니다: z = 1에서 값을 np.tanh와 비교해 보거나, 그냥 NumPy의 하이퍼볼릭 탄젠트를 쓰세요."
)
HINT_EN = (
    "Building tanh from the sigmoid needs more than stretching and shifting vertically: the "
    "horizontal scale must match too. Compare your value at z = 1 with np.tanh, or simply use "
    "NumPy's hyperbolic tangent."
)


def tanh(z):
    z = np.asarray(z, dtype=np.float64)
    e = np.exp(-np.abs(z))
    s = np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    return 2.0 * s - 1.0
