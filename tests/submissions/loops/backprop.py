# A network trained with loops over every sample, unit and weight.
import math

import numpy as np

from _loops import column_sums, each, matmul, total


def _check(hidden_activation):
    if not isinstance(hidden_activation, str) or hidden_activation not in ("sigmoid", "relu"):
        raise ValueError(f"hidden_activation must be 'sigmoid' or 'relu': {hidden_activation!r}")


def _layers(params):
    n = 0
    while f"W{n + 1}" in params:
        n += 1
    return n


def _sigmoid1(z):
    e = math.exp(-abs(z))
    return 1.0 / (1.0 + e) if z >= 0 else e / (1.0 + e)


def init_params(layer_sizes, seed):
    rng = np.random.default_rng(seed)
    params = {}
    for layer in range(1, len(layer_sizes)):
        n_in, n_out = layer_sizes[layer - 1], layer_sizes[layer]
        params[f"W{layer}"] = rng.normal(0.0, np.sqrt(1.0 / n_in), size=(n_in, n_out))
        params[f"b{layer}"] = np.zeros(n_out)
    return params


def forward(params, X, hidden_activation="sigmoid"):
    _check(hidden_activation)
    n_layers = _layers(params)
    A = np.asarray(X, dtype=np.float64)
    cache = {"A0": A}
    for layer in range(1, n_layers + 1):
        Z = each(lambda z, b: z + b, matmul(A, params[f"W{layer}"]), params[f"b{layer}"])
        if layer < n_layers and hidden_activation == "relu":
            A = each(lambda z: z if z > 0.0 else 0.0, Z)
        else:
            A = each(_sigmoid1, Z)
        cache[f"Z{layer}"] = Z
        cache[f"A{layer}"] = A
    return A, cache


def loss(y_out, y_true):
    return 0.5 * total(each(lambda y, t: (y - t) ** 2, y_out, y_true))


def backward(params, cache, y_true, hidden_activation="sigmoid"):
    _check(hidden_activation)
    n_layers = _layers(params)
    delta = each(lambda y, t: (y - t) * y * (1.0 - y), cache[f"A{n_layers}"], y_true)
    grads = {}
    for layer in range(n_layers, 0, -1):
        grads[f"W{layer}"] = matmul(np.asarray(cache[f"A{layer - 1}"]).T, delta)
        grads[f"b{layer}"] = column_sums(delta)
        if layer > 1:
            back = matmul(delta, np.asarray(params[f"W{layer}"]).T)
            if hidden_activation == "relu":
                delta = each(lambda s, z: s if z > 0.0 else 0.0, back, cache[f"Z{layer - 1}"])
            else:
                delta = each(lambda s, a: s * a * (1.0 - a), back, cache[f"A{layer - 1}"])
    return {key: grads[key] for key in params if key in grads}


def train_step(params, X, y, lr, hidden_activation="sigmoid"):
    y_out, cache = forward(params, X, hidden_activation)
    loss_before = loss(y_out, y)
    grads = backward(params, cache, y, hidden_activation)
    new_params = {key: each(lambda p, g: p - lr * g, value, grads[key])
                  for key, value in params.items()}
    return new_params, loss_before


def train_xor(hidden_units=4, lr=0.5, epochs=5000, seed=0, hidden_activation="sigmoid"):
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = np.array([[0.0], [1.0], [1.0], [0.0]])
    params = init_params([2, hidden_units, 1], seed)
    for _ in range(epochs):
        params, _ = train_step(params, X, y, lr, hidden_activation)
    return params


def layer_gradient_norms(params, X, y, hidden_activation="sigmoid"):
    _, cache = forward(params, X, hidden_activation)
    grads = backward(params, cache, y, hidden_activation)
    norms = []
    layer = 1
    while f"W{layer}" in grads:
        norms.append(math.sqrt(total(each(lambda g: g * g, grads[f"W{layer}"]))))
        layer += 1
    return norms
