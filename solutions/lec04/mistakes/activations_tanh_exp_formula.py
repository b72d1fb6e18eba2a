"""정의식 (e^z − e^−z)/(e^z + e^−z)를 그대로 쓴 tanh — |z|가 크면 NaN / tanh by its exp definition: NaN for large |z|."""

import numpy as np

FUNCTION = "activations.tanh"
HINT_KO = (
    "(e^z − e^−z) / (e^z + e^−z)는 수학적으로 맞지만, |z|가 710 정도를 넘으면 exp가 inf로 넘쳐 inf / inf = NaN이 됩니다. "
    "계약은 |z| ≤ 1e4까지 요구합니다. NumPy의 tanh를 쓰거나, exp에 0 이하의 값만 들어가게 식을 바꾸세요."
)
HINT_EN = (
    "(e^z − e^−z) / (e^z + e^−z) is right on paper, but for |z| above about 710 exp overflows to "
    "inf and inf / inf is NaN; the contract covers |z| up to 1e4. Use NumPy's tanh, or rewrite the "
    "formula so that exp only receives numbers <= 0."
)


def tanh(z):
    z = np.asarray(z, dtype=np.float64)
    return (np.exp(z) - np.exp(-z)) / (np.exp(z) + np.exp(-z))
