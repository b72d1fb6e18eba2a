"""순전파에서 바이어스를 더하지 않음 / Forward pass that forgets the bias."""

import numpy as np

FUNCTION = "backprop.forward"
HINT_KO = (
    "각 층의 사전 활성화 값은 입력과 가중치의 곱에 그 층의 바이어스 b를 더한 값입니다. "
    "params의 b1, b2, … 가 순전파에 쓰이고 있는지 확인하세요."
)
HINT_EN = (
    "Each layer's pre-activation is the product of its input and weights plus the layer's "
    "bias b. Check that b1, b2, … from params are used in the forward pass."
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
        Z = A @ params[f"W{layer}"]
        if layer < n_layers and hidden_activation == "relu":
            A = np.maximum(Z, 0.0)
        else:
            e = np.exp(-np.abs(Z))
            A = np.where(Z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
        cache[f"Z{layer}"] = Z
        cache[f"A{layer}"] = A
    return A, cache
