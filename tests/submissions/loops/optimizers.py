# Every update rule one weight at a time.
import math

import numpy as np

from _loops import each


def _state(config, key, w):
    value = config.get(key)
    return np.zeros(np.shape(w)) if value is None else value


def sgd(w, dw, config=None):
    if config is None:
        config = {}
    config.setdefault("learning_rate", 0.01)
    lr = config["learning_rate"]
    return each(lambda p, g: p - lr * g, w, dw), config


def sgd_momentum(w, dw, config=None):
    if config is None:
        config = {}
    config.setdefault("learning_rate", 0.01)
    config.setdefault("momentum", 0.9)
    lr, mu = config["learning_rate"], config["momentum"]
    v = each(lambda v0, g: mu * v0 - lr * g, _state(config, "velocity", w), dw)
    config["velocity"] = v
    return each(lambda p, v1: p + v1, w, v), config


def nesterov_momentum(w, dw, config=None):
    if config is None:
        config = {}
    config.setdefault("learning_rate", 0.01)
    config.setdefault("momentum", 0.9)
    lr, mu = config["learning_rate"], config["momentum"]
    v = each(lambda v0, g: mu * v0 - lr * g, _state(config, "velocity", w), dw)
    config["velocity"] = v
    return each(lambda p, v1, g: p + mu * v1 - lr * g, w, v, dw), config


def adagrad(w, dw, config=None):
    if config is None:
        config = {}
    config.setdefault("learning_rate", 0.01)
    config.setdefault("epsilon", 1e-8)
    lr, eps = config["learning_rate"], config["epsilon"]
    cache = each(lambda c, g: c + g * g, _state(config, "cache", w), dw)
    config["cache"] = cache
    return each(lambda p, g, c: p - lr * g / (math.sqrt(c) + eps), w, dw, cache), config


def rmsprop(w, dw, config=None):
    if config is None:
        config = {}
    config.setdefault("learning_rate", 0.01)
    config.setdefault("decay_rate", 0.99)
    config.setdefault("epsilon", 1e-8)
    lr, rho, eps = config["learning_rate"], config["decay_rate"], config["epsilon"]
    cache = each(lambda c, g: rho * c + (1.0 - rho) * g * g, _state(config, "cache", w), dw)
    config["cache"] = cache
    return each(lambda p, g, c: p - lr * g / (math.sqrt(c) + eps), w, dw, cache), config


def adam(w, dw, config=None):
    if config is None:
        config = {}
    config.setdefault("learning_rate", 0.001)
    config.setdefault("beta1", 0.9)
    config.setdefault("beta2", 0.999)
    config.setdefault("epsilon", 1e-8)
    config.setdefault("t", 0)
    lr, b1, b2, eps = (config["learning_rate"], config["beta1"], config["beta2"],
                       config["epsilon"])
    t = config["t"] + 1
    m = each(lambda m0, g: b1 * m0 + (1.0 - b1) * g, _state(config, "m", w), dw)
    v = each(lambda v0, g: b2 * v0 + (1.0 - b2) * g * g, _state(config, "v", w), dw)
    c1, c2 = 1.0 - b1 ** t, 1.0 - b2 ** t
    next_w = each(lambda p, m1, v1: p - lr * (m1 / c1) / (math.sqrt(v1 / c2) + eps), w, m, v)
    config["t"], config["m"], config["v"] = t, m, v
    return next_w, config


def minibatches(n_samples, batch_size, seed):
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size!r}")
    order = np.random.default_rng(seed).permutation(n_samples)
    batches = []
    for start in range(0, n_samples, batch_size):
        picked = []
        for i in range(start, min(start + batch_size, n_samples)):
            picked.append(order[i])
        batches.append(np.array(picked, dtype=order.dtype))
    return batches
