"""exp(z)가 넘치는 단순한 소프트플러스 / Naive softplus whose exp(z) overflows for large z."""

import numpy as np

FUNCTION = "activations.softplus"
HINT_KO = (
    "큰 z(예: 1000)에서 exp(z)가 넘쳐 inf가 됩니다. 소프트플러스는 큰 z에서 z 자신에 가까워지므로, "
    "큰 부분을 따로 떼어 내고 나머지만 로그로 계산하거나 NumPy의 안정한 log-sum-exp 함수를 쓰세요."
)
HINT_EN = (
    "For large z (e.g. 1000) exp(z) overflows to inf. Softplus approaches z itself for large z, "
    "so take the large part out and put only the rest through the logarithm, or use NumPy's "
    "stable log-sum-exp function."
)


def softplus(z):
    z = np.asarray(z, dtype=np.float64)
    return np.log(1.0 + np.exp(z))
