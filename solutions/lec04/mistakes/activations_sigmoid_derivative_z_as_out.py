"""z를 출력 out으로 착각한 시그모이드 미분 / Sigmoid derivative that treats z as the output out."""

import numpy as np

FUNCTION = "activations.sigmoid_derivative"
HINT_KO = (
    "델타식의 out(1-out)에서 out은 시그모이드의 출력입니다. 이 함수가 받는 z는 활성화 전 값"
    "(사전 활성화)이므로, 먼저 시그모이드를 통과시킨 뒤 out(1-out) 꼴을 만드세요."
)
HINT_EN = (
    "In the delta rule's out(1-out), out is the sigmoid's output. This function receives the "
    "pre-activation z, so pass it through the sigmoid first, then form out(1-out)."
)


def sigmoid_derivative(z):
    z = np.asarray(z, dtype=np.float64)
    return z * (1.0 - z)
