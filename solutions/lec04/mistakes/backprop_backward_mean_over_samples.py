"""역전파에서 기울기를 샘플 수로 나눔 / Backward pass that averages the gradients over samples."""

import numpy as np

FUNCTION = "backprop.backward"
HINT_KO = (
    "오차 E는 샘플에 대한 '합'이므로 그 기울기도 샘플별 기울기의 합입니다. 샘플 수로 나누면 E가 아닌 평균 오차의 기울기가 됩니다. 수치 미분으로 구한 기울기와 "
    "비교해 보세요."
)
HINT_EN = (
    "The error E is a sum over samples, so its gradient is the sum of the per-sample gradients. "
    "Dividing by the number of samples gives the gradient of the mean error, not of E: compare "
    "with finite differences."
)


def backward(params, cache, y_true, hidden_activation="sigmoid"):
    if not isinstance(hidden_activation, str) or hidden_activation not in ("sigmoid", "relu"):
        raise ValueError(f"unknown hidden_activation {hidden_activation!r}")
    n_layers = 0
    while f"W{n_layers + 1}" in params:
        n_layers += 1
    y_out = cache[f"A{n_layers}"]
    n = y_out.shape[0]
    delta = (y_out - y_true) * y_out * (1.0 - y_out)
    grads = {}
    for layer in range(n_layers, 0, -1):
        grads[f"W{layer}"] = cache[f"A{layer - 1}"].T @ delta / n
        grads[f"b{layer}"] = delta.sum(axis=0) / n
        if layer > 1:
            if hidden_activation == "relu":
                slope = np.where(cache[f"Z{layer - 1}"] > 0, 1.0, 0.0)
            else:
                A = cache[f"A{layer - 1}"]
                slope = A * (1.0 - A)
            delta = (delta @ params[f"W{layer}"].T) * slope
    return {key: grads[key] for key in params if key in grads}
