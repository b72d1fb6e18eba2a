"""층별 미분을 곱하지 않고 더함 / Adds the per-layer derivatives instead of multiplying them."""

import numpy as np

FUNCTION = "activations.gradient_through_layers"
HINT_KO = (
    "연쇄 법칙(체인 룰)에서는 층마다의 미분값이 더해지지 않고 곱해집니다. 그래서 0.25 이하의 값을 "
    "여러 번 곱하면 기울기가 사라집니다(기울기 소실). 층이 없으면 빈 곱인 1.0이어야 합니다."
)
HINT_EN = (
    "By the chain rule the per-layer derivatives are multiplied, not added: that is why "
    "repeated factors of at most 0.25 make the gradient vanish. With no layers the result is "
    "the empty product, 1.0."
)


def _mistake_derivative(z, activation):
    if activation == "sigmoid":
        e = np.exp(-np.abs(z))
        s = np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
        return s * (1.0 - s)
    if activation == "relu":
        return np.where(z > 0, 1.0, 0.0)
    if activation == "tanh":
        return 1.0 - np.tanh(z) ** 2
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def gradient_through_layers(zs, activation):
    if not isinstance(activation, str) or activation not in ("sigmoid", "relu", "tanh", "softplus"):
        raise ValueError(f"unknown activation {activation!r}")
    zs = np.asarray(zs, dtype=np.float64)
    return float(np.sum(_mistake_derivative(zs, activation)))
