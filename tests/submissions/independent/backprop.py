# Written independently from the contract (EXERCISES.md) and the lecture notes only,
# without looking at the reference solutions or the stubs.
"""오차 역전파로 학습하는 다층 퍼셉트론 (XOR) / A multilayer perceptron trained by backprop."""

import math

import numpy as np
from activations import relu, relu_derivative, sigmoid
from delta_rule import hidden_delta, layer_gradients, output_delta

HIDDEN_ACTIVATIONS = ("sigmoid", "relu")


def _check_hidden(hidden_activation):
    if not isinstance(hidden_activation, str) or hidden_activation not in HIDDEN_ACTIVATIONS:
        raise ValueError(
            f"은닉층 활성화 함수는 'sigmoid' 또는 'relu' / hidden_activation must be 'sigmoid' "
            f"or 'relu', got {hidden_activation!r}"
        )


def _n_layers(params):
    n = 0
    while f"W{n + 1}" in params:
        n += 1
    return n


def init_params(layer_sizes, seed):
    """주어진 코드: 가중치 초기화 / Given code: W_l ~ N(0, 1/n_in), b_l = 0."""
    rng = np.random.default_rng(seed)
    params = {}
    for k in range(1, len(layer_sizes)):
        n_in, n_out = layer_sizes[k - 1], layer_sizes[k]
        params[f"W{k}"] = rng.normal(0.0, np.sqrt(1.0 / n_in), size=(n_in, n_out))
        params[f"b{k}"] = np.zeros(n_out)
    return params


def forward(params, X, hidden_activation="sigmoid"):
    """순전파 / Forward pass: returns (y_out, cache) with A0..AL and Z1..ZL."""
    _check_hidden(hidden_activation)
    L = _n_layers(params)
    A = np.asarray(X, dtype=np.float64)
    cache = {"A0": A}
    for k in range(1, L + 1):
        Z = A @ params[f"W{k}"] + params[f"b{k}"]
        if k == L or hidden_activation == "sigmoid":
            A = sigmoid(Z)
        else:
            A = relu(Z)
        cache[f"Z{k}"] = Z
        cache[f"A{k}"] = A
    return A, cache


def loss(y_out, y_true):
    """오차 E = 1/2 Σ (y_out - y_true)^2 / squared error as a Python float."""
    diff = np.asarray(y_out, dtype=np.float64) - np.asarray(y_true, dtype=np.float64)
    return 0.5 * math.fsum((diff * diff).ravel().tolist())


def backward(params, cache, y_true, hidden_activation="sigmoid"):
    """역전파 / Backward pass with the delta rule: dE/dparam for every key of params."""
    _check_hidden(hidden_activation)
    L = _n_layers(params)
    y_true = np.asarray(y_true, dtype=np.float64)
    grads = {}
    delta = output_delta(cache[f"A{L}"], y_true)
    k = L
    while k >= 1:
        dW, db = layer_gradients(cache[f"A{k - 1}"], delta)
        grads[f"W{k}"] = dW
        grads[f"b{k}"] = db
        if k > 1:
            W = params[f"W{k}"]
            if hidden_activation == "sigmoid":
                # 델타식: out(1-out) of the hidden layer below
                delta = hidden_delta(cache[f"A{k - 1}"], W, delta)
            else:
                delta = (delta @ W.T) * relu_derivative(cache[f"Z{k - 1}"])
        k -= 1
    return grads


def train_step(params, X, y, lr, hidden_activation="sigmoid"):
    """경사 하강법 한 단계 / One full-batch gradient-descent step: (new_params, loss_before)."""
    y_out, cache = forward(params, X, hidden_activation)
    before = loss(y_out, y)
    grads = backward(params, cache, y, hidden_activation)
    new_params = {}
    for key in params:
        new_params[key] = params[key] - lr * grads[key]
    return new_params, before


def train_xor(hidden_units=4, lr=0.5, epochs=5000, seed=0, hidden_activation="sigmoid"):
    """XOR 학습 / Train a 2-hidden_units-1 network on XOR and return its parameters."""
    _check_hidden(hidden_activation)
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = np.array([[0.0], [1.0], [1.0], [0.0]])
    params = init_params([2, hidden_units, 1], seed)
    for _epoch in range(epochs):
        params, _loss = train_step(params, X, y, lr, hidden_activation)
    return params


def layer_gradient_norms(params, X, y, hidden_activation="sigmoid"):
    """층별 기울기 크기 (기울기 소실, 그림 9-4) / Frobenius norm of dE/dW_l for l = 1..L."""
    _, cache = forward(params, X, hidden_activation)
    grads = backward(params, cache, y, hidden_activation)
    norms = []
    for k in range(1, _n_layers(params) + 1):
        g = grads[f"W{k}"]
        norms.append(math.sqrt(math.fsum((g * g).ravel().tolist())))
    return norms
