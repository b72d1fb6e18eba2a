"""부호가 뒤집힌 소프트플러스 미분 (sigmoid(-z)) / Softplus derivative with a flipped sign (sigmoid(-z))."""

import numpy as np

FUNCTION = "activations.softplus_derivative"
HINT_KO = (
    "소프트플러스는 z가 커질수록 기울기가 1에 가까워지고, z가 작아질수록 0에 가까워집니다. z = 5에서 여러분의 값이 1에 가까운지 확인하세요. 지수의 부호가 "
    "뒤집혔을 수 있습니다."
)
HINT_EN = (
    "Softplus's slope tends to 1 as z grows and to 0 as z decreases. Check that your value at "
    "z = 5 is close to 1: the sign inside the exponential may be flipped."
)


def softplus_derivative(z):
    z = np.asarray(z, dtype=np.float64)
    e = np.exp(-np.abs(z))
    # sigmoid(-z), stably
    return np.where(z >= 0, e / (1.0 + e), 1.0 / (1.0 + e))
