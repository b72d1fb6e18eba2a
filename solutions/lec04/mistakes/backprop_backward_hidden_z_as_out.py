"""은닉층 델타식에 A 대신 사전 활성화 Z를 넣음 / Hidden-layer delta rule evaluated on Z instead of A."""

import numpy as np

FUNCTION = "backprop.backward"
HINT_KO = (
    "시그모이드 은닉층의 델타식 out(1-out)에서 out은 그 층의 출력 A입니다. 사전 활성화 값 Z를 넣으면 미분값이 틀립니다. cache에서 어떤 값을 꺼내는지"
    " 확인하세요."
)
HINT_EN = (
    "In a sigmoid hidden layer's delta rule out(1-out), out is the layer's output A. Using the "
    "pre-activation Z gives the wrong derivative: check which value you take from the cache."
)


def backward(params, cache, y_true, hidden_activation="sigmoid"):
    if not isinstance(hidden_activation, str) or hidden_activation not in ("sigmoid", "relu"):
        raise ValueError(f"unknown hidden_activation {hidden_activation!r}")
    n_layers = 0
    while f"W{n_layers + 1}" in params:
        n_layers += 1
    y_out = cache[f"A{n_layers}"]
    delta = (y_out - y_true) * y_out * (1.0 - y_out)
    grads = {}
    for layer in range(n_layers, 0, -1):
        grads[f"W{layer}"] = cache[f"A{layer - 1}"].T @ delta
        grads[f"b{layer}"] = delta.sum(axis=0)
        if layer > 1:
            Z = cache[f"Z{layer - 1}"]
            if hidden_activation == "relu":
                slope = np.where(Z > 0, 1.0, 0.0)
            else:
                slope = Z * (1.0 - Z)
            delta = (delta @ params[f"W{layer}"].T) * slope
    return {key: grads[key] for key in params if key in grads}
