"""역전파에서 오차의 부호가 뒤집힘 / Backward pass with the error's sign flipped."""

import numpy as np

FUNCTION = "backprop.backward"
HINT_KO = (
    "기울기의 부호를 확인하세요. 출력층 델타의 오차는 '출력에서 실제 값을 뺀' 방향입니다. "
    "부호가 뒤집히면 경사 하강법이 오차를 줄이는 대신 키웁니다."
)
HINT_EN = (
    "Check the sign of the gradient. The error in the output delta is 'output minus target'; "
    "with the sign flipped, gradient descent increases the error instead of reducing it."
)


def backward(params, cache, y_true, hidden_activation="sigmoid"):
    if not isinstance(hidden_activation, str) or hidden_activation not in ("sigmoid", "relu"):
        raise ValueError(f"unknown hidden_activation {hidden_activation!r}")
    n_layers = 0
    while f"W{n_layers + 1}" in params:
        n_layers += 1
    y_out = cache[f"A{n_layers}"]
    delta = (y_true - y_out) * y_out * (1.0 - y_out)
    grads = {}
    for layer in range(n_layers, 0, -1):
        grads[f"W{layer}"] = cache[f"A{layer - 1}"].T @ delta
        grads[f"b{layer}"] = delta.sum(axis=0)
        if layer > 1:
            if hidden_activation == "relu":
                slope = np.where(cache[f"Z{layer - 1}"] > 0, 1.0, 0.0)
            else:
                A = cache[f"A{layer - 1}"]
                slope = A * (1.0 - A)
            delta = (delta @ params[f"W{layer}"].T) * slope
    return {key: grads[key] for key in params if key in grads}
