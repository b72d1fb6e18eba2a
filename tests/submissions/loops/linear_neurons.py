# The perceptron and Adaline one sample and one feature at a time.
import numpy as np

from _loops import each, matmul, total


def net_input(X, w, b):
    return each(lambda z: z + b, matmul(X, w))


def perceptron_predict(X, w, b):
    return np.array([1 if z >= 0.0 else -1 for z in np.atleast_1d(net_input(X, w, b))]) \
        .reshape(np.shape(net_input(X, w, b)))


def perceptron_update(w, b, x, y, eta):
    y_hat = 1 if float(matmul(x, w)) + b >= 0.0 else -1
    u = eta * (y - y_hat)
    return each(lambda wi, xi: wi + u * xi, w, x), float(b + u)


def train_perceptron(X, y, eta=0.1, epochs=10):
    X = np.asarray(X, dtype=np.float64)
    w = np.zeros(X.shape[1])
    b = 0.0
    errors = []
    for _ in range(epochs):
        count = 0
        for xi, yi in zip(X, y, strict=True):
            s = b
            for j in range(len(w)):
                s += float(xi[j]) * float(w[j])
            u = eta * (yi - (1 if s >= 0.0 else -1))
            if u != 0:
                count += 1
                for j in range(len(w)):
                    w[j] = w[j] + u * xi[j]
                b = float(b + u)
        errors.append(count)
    return w, b, errors


def adaline_loss(w, b, X, y):
    residual = each(lambda t, z: t - z, y, net_input(X, w, b))
    return total(each(lambda r: r * r, residual)) / (2 * np.shape(X)[0])


def adaline_gradient(w, b, X, y):
    n = np.shape(X)[0]
    residual = each(lambda t, z: t - z, y, net_input(X, w, b))
    dw = each(lambda g: -g / n, matmul(np.asarray(X).T, residual))
    return dw, -total(residual) / n


def train_adaline(X, y, eta=0.01, epochs=20):
    w = np.zeros(np.shape(X)[1])
    b = 0.0
    losses = []
    for _ in range(epochs):
        losses.append(adaline_loss(w, b, X, y))
        dw, db = adaline_gradient(w, b, X, y)
        w = each(lambda p, g: p - eta * g, w, dw)
        b = float(b - eta * db)
    return w, b, losses
