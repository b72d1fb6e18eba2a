"""출력층에도 은닉층의 활성화 함수(렐루)를 씀 / Forward pass applying the hidden activation (ReLU) to the output layer too."""

import numpy as np

FUNCTION = "backprop.forward"
HINT_KO = (
    "hidden_activation은 은닉층에만 쓰입니다. 출력층은 렐루를 고른 경우에도 항상 시그모이드여야 합니다. 마지막 층을 따로 처리하고 있는지 확인하세요."
)
HINT_EN = (
    "hidden_activation applies to the hidden layers only. The output layer is always a sigmoid, "
    "even when ReLU is chosen: check that the last layer is handled separately."
)


def forward(params, X, hidden_activation="sigmoid"):
    if not isinstance(hidden_activation, str) or hidden_activation not in ("sigmoid", "relu"):
        raise ValueError(f"unknown hidden_activation {hidden_activation!r}")
    n_layers = 0
    while f"W{n_layers + 1}" in params:
        n_layers += 1
    A = np.asarray(X, dtype=np.float64)
    cache = {"A0": A}
    for layer in range(1, n_layers + 1):
        Z = A @ params[f"W{layer}"] + params[f"b{layer}"]
        if hidden_activation == "relu":
            A = np.maximum(Z, 0.0)
        else:
            e = np.exp(-np.abs(Z))
            A = np.where(Z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
        cache[f"Z{layer}"] = Z
        cache[f"A{layer}"] = A
    return A, cache
