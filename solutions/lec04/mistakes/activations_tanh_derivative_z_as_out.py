"""z를 tanh의 출력으로 착각한 tanh 미분 / tanh derivative that treats z as tanh's output."""

import numpy as np

FUNCTION = "activations.tanh_derivative"
HINT_KO = (
    "tanh의 미분은 tanh의 '출력'으로 표현됩니다. 이 함수가 받는 z는 사전 활성화 값이므로, "
    "z를 그대로 제곱하지 말고 먼저 tanh를 계산하세요."
)
HINT_EN = (
    "tanh's derivative is expressed through tanh's output. This function receives the "
    "pre-activation z, so compute tanh first instead of squaring z itself."
)


def tanh_derivative(z):
    z = np.asarray(z, dtype=np.float64)
    return 1.0 - z**2
