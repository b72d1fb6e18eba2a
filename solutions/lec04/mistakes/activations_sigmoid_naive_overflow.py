"""exp(-z)가 넘쳐 오버플로 경고를 내는 단순한 시그모이드 / Naive sigmoid whose exp(-z) overflows for large negative z."""

import numpy as np

FUNCTION = "activations.sigmoid"
HINT_KO = (
    "큰 음수 z(예: -1000)에서 exp가 넘쳐(overflow) RuntimeWarning이 납니다. "
    "z의 부호에 따라 식을 나누어, 지수 함수에 들어가는 값이 항상 0 이하가 되게 하세요."
)
HINT_EN = (
    "For large negative z (e.g. -1000) exp overflows and raises a RuntimeWarning. "
    "Split the computation by the sign of z so that exp never receives a positive number."
)


def sigmoid(z):
    z = np.asarray(z, dtype=np.float64)
    return 1.0 / (1.0 + np.exp(-z))
