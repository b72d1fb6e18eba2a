"""층 순서를 거꾸로(L..1) 돌려주는 layer_gradient_norms / layer_gradient_norms in reverse layer order (L..1)."""

import numpy as np

FUNCTION = "backprop.layer_gradient_norms"
HINT_KO = (
    "역전파는 출력층부터 거꾸로 계산하지만, 돌려주는 리스트는 입력 쪽 첫 번째 층(W1)부터 차례로 놓여야 합니다. 그래야 기울기 소실(그림 9-4)이 리스트 앞쪽의 "
    "작은 값으로 보입니다."
)
HINT_EN = (
    "Backpropagation runs from the output layer backwards, but the returned list goes from the "
    "first layer (W1) upwards, so that the vanishing gradient (figure 9-4) shows as small values "
    "at the front of the list."
)


def layer_gradient_norms(params, X, y, hidden_activation="sigmoid"):
    _, cache = forward(params, X, hidden_activation)
    grads = backward(params, cache, y, hidden_activation)
    n_layers = 0
    while f"W{n_layers + 1}" in grads:
        n_layers += 1
    return [float(np.linalg.norm(grads[f"W{layer}"])) for layer in range(n_layers, 0, -1)]
