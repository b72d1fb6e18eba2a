# The delta rule with explicit loops over samples and units.
import numpy as np

from _loops import column_sums, each, matmul


def output_delta(y_out, y_true):
    return each(lambda y, t: (y - t) * y * (1.0 - y), y_out, y_true)


def hidden_delta(y_hidden, W_next, delta_next):
    back = matmul(delta_next, np.asarray(W_next).T)
    return each(lambda s, y: s * y * (1.0 - y), back, y_hidden)


def layer_gradients(a_in, delta):
    return matmul(np.asarray(a_in).T, delta), column_sums(delta)
