"""z == 0에서 1을 돌려주는 렐루 미분 / ReLU derivative that gives 1 at z == 0."""

import numpy as np

FUNCTION = "activations.relu_derivative"
HINT_KO = (
    "z가 정확히 0일 때의 값을 확인하세요. 이 과제의 계약에서는 z가 0보다 '클' 때만 기울기가 1이고, z = 0에서는 0입니다. 부등호에 등호가 들어가면 안 "
    "됩니다."
)
HINT_EN = (
    "Check the value at exactly z = 0. The contract says the slope is 1 only where z is strictly "
    "greater than 0, and 0 at zero (the comparison must be strict)."
)


def relu_derivative(z):
    z = np.asarray(z, dtype=np.float64)
    return np.where(z >= 0, 1.0, 0.0)
