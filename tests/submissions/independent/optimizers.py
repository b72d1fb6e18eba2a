# Written independently from the contract (EXERCISES.md) and the lecture notes only,
# without looking at the reference solutions or the stubs.
"""고급 경사 하강법 (그림 9-7, 9-8, 9-9) / Update rules: SGD, momentum, NAG, Adagrad, RMSProp, Adam.

Every rule: update(w, dw, config=None) -> (next_w, config). State arrays are always replaced by
new arrays, never changed in place.
"""

import numpy as np


def sgd(w, dw, config=None):
    """확률적 경사 하강법 / SGD: w - lr*dw."""
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    next_w = w - config["learning_rate"] * dw
    return next_w, config


def sgd_momentum(w, dw, config=None):
    """모멘텀 / Momentum: v = mu*v - lr*dw; w + v."""
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("momentum", 0.9)
    config.setdefault("velocity", np.zeros(np.shape(w)))
    v = config["momentum"] * config["velocity"] - config["learning_rate"] * dw
    next_w = w + v
    config["velocity"] = v
    return next_w, config


def nesterov_momentum(w, dw, config=None):
    """네스테로프 모멘텀 / Nesterov momentum: v = mu*v - lr*dw; w + mu*v - lr*dw."""
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("momentum", 0.9)
    config.setdefault("velocity", np.zeros(np.shape(w)))
    mu = config["momentum"]
    lr = config["learning_rate"]
    v = mu * config["velocity"] - lr * dw
    next_w = w + mu * v - lr * dw
    config["velocity"] = v
    return next_w, config


def adagrad(w, dw, config=None):
    """아다그라드 / Adagrad: cache += dw^2; w - lr*dw/(sqrt(cache)+eps)."""
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("epsilon", 1e-8)
    config.setdefault("cache", np.zeros(np.shape(w)))
    cache = config["cache"] + dw * dw
    next_w = w - config["learning_rate"] * dw / (np.sqrt(cache) + config["epsilon"])
    config["cache"] = cache
    return next_w, config


def rmsprop(w, dw, config=None):
    """알엠에스프롭 / RMSProp: cache = rho*cache + (1-rho)*dw^2; w - lr*dw/(sqrt(cache)+eps)."""
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("decay_rate", 0.99)
    config.setdefault("epsilon", 1e-8)
    config.setdefault("cache", np.zeros(np.shape(w)))
    rho = config["decay_rate"]
    cache = rho * config["cache"] + (1.0 - rho) * (dw * dw)
    next_w = w - config["learning_rate"] * dw / (np.sqrt(cache) + config["epsilon"])
    config["cache"] = cache
    return next_w, config


def adam(w, dw, config=None):
    """아담 / Adam with bias correction (figure 9-9)."""
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-3)
    config.setdefault("beta1", 0.9)
    config.setdefault("beta2", 0.999)
    config.setdefault("epsilon", 1e-8)
    config.setdefault("m", np.zeros(np.shape(w)))
    config.setdefault("v", np.zeros(np.shape(w)))
    config.setdefault("t", 0)
    b1 = config["beta1"]
    b2 = config["beta2"]
    t = config["t"] + 1
    m = b1 * config["m"] + (1.0 - b1) * dw
    v = b2 * config["v"] + (1.0 - b2) * (dw * dw)
    m_hat = m / (1.0 - b1**t)
    v_hat = v / (1.0 - b2**t)
    next_w = w - config["learning_rate"] * m_hat / (np.sqrt(v_hat) + config["epsilon"])
    config["t"] = t
    config["m"] = m
    config["v"] = v
    return next_w, config


def minibatches(n_samples, batch_size, seed):
    """미니배치 인덱스 / Random permutation of the samples cut into batches of batch_size."""
    order = np.random.default_rng(seed).permutation(n_samples)
    batches = []
    start = 0
    while start < n_samples:
        batches.append(order[start:start + batch_size].copy())
        start += batch_size
    return batches


def optimize(grad_fn, w0, update, config, steps):
    """주어진 코드: 궤적 / Given code: trajectory of shape (steps + 1, w0.size)."""
    w = np.array(w0, dtype=np.float64)
    path = [w.ravel().copy()]
    for _ in range(steps):
        w, config = update(w, grad_fn(w), config)
        path.append(np.asarray(w, dtype=np.float64).ravel().copy())
    return np.array(path)
