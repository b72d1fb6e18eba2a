"""exp(z)를 그대로 만드는 소프트플러스 미분 — 큰 z에서 inf/inf = NaN / Softplus derivative forming exp(z): NaN for large z."""

import numpy as np

FUNCTION = "activations.softplus_derivative"
HINT_KO = (
    "소프트플러스의 미분은 시그모이드입니다. exp(z) / (1 + exp(z))는 z가 710 정도를 넘으면 "
    "exp(z)가 inf로 넘쳐 inf / inf = NaN이 됩니다. 지수 함수에 0 이하의 값만 들어가는 안정한 "
    "시그모이드 식을 쓰세요."
)
HINT_EN = (
    "The derivative of softplus is the sigmoid. exp(z) / (1 + exp(z)) overflows for z above "
    "about 710: exp(z) becomes inf and inf / inf is NaN. Use the stable sigmoid, whose exp only "
    "ever receives numbers <= 0."
)


def softplus_derivative(z):
    z = np.asarray(z, dtype=np.float64)
    return np.exp(z) / (1.0 + np.exp(z))
