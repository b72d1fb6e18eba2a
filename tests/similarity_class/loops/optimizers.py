# Independent style "loops": one shared helper fills the defaults, state kept under its own
# names, updates spelled out step by step. Written for the similarity tests only.
import numpy as np

DEFAULTS = {
    "sgd": {"learning_rate": 1e-2},
    "momentum": {"learning_rate": 1e-2, "momentum": 0.9},
    "adagrad": {"learning_rate": 1e-2, "epsilon": 1e-8},
    "rmsprop": {"learning_rate": 1e-2, "decay_rate": 0.99, "epsilon": 1e-8},
    "adam": {"learning_rate": 1e-3, "beta1": 0.9, "beta2": 0.999, "epsilon": 1e-8, "t": 0},
}


def _with_defaults(config, rule, w, *state):
    cfg = {} if config is None else config
    for key, value in DEFAULTS[rule].items():
        if key not in cfg:
            cfg[key] = value
    for key in state:
        if cfg.get(key) is None:
            cfg[key] = np.zeros_like(np.asarray(w, dtype=np.float64))
    return cfg


def sgd(w, dw, config=None):
    cfg = _with_defaults(config, "sgd", w)
    step = cfg["learning_rate"] * dw
    return w - step, cfg


def sgd_momentum(w, dw, config=None):
    cfg = _with_defaults(config, "momentum", w, "velocity")
    velocity = cfg["velocity"] * cfg["momentum"]
    velocity = velocity - cfg["learning_rate"] * dw
    cfg["velocity"] = velocity
    return w + velocity, cfg


def nesterov_momentum(w, dw, config=None):
    cfg = _with_defaults(config, "momentum", w, "velocity")
    previous = cfg["velocity"]
    velocity = cfg["momentum"] * previous - cfg["learning_rate"] * dw
    # look-ahead form: -mu * v_prev + (1 + mu) * v
    updated = w - cfg["momentum"] * previous + (1.0 + cfg["momentum"]) * velocity
    cfg["velocity"] = velocity
    return updated, cfg


def adagrad(w, dw, config=None):
    cfg = _with_defaults(config, "adagrad", w, "cache")
    squares = np.square(dw)
    cache = np.add(cfg["cache"], squares)
    denom = np.sqrt(cache)
    denom += cfg["epsilon"]
    cfg["cache"] = cache
    return w - cfg["learning_rate"] * np.divide(dw, denom), cfg


def rmsprop(w, dw, config=None):
    cfg = _with_defaults(config, "rmsprop", w, "cache")
    keep = cfg["decay_rate"]
    cache = keep * cfg["cache"]
    cache = cache + (1 - keep) * np.square(dw)
    denom = np.sqrt(cache)
    denom += cfg["epsilon"]
    cfg["cache"] = cache
    return w - cfg["learning_rate"] * np.divide(dw, denom), cfg


def adam(w, dw, config=None):
    cfg = _with_defaults(config, "adam", w, "m", "v")
    step_no = cfg["t"] + 1
    first = cfg["beta1"] * cfg["m"] + (1 - cfg["beta1"]) * dw
    second = cfg["beta2"] * cfg["v"] + (1 - cfg["beta2"]) * np.square(dw)
    first_unbiased = first / (1 - np.power(cfg["beta1"], step_no))
    second_unbiased = second / (1 - np.power(cfg["beta2"], step_no))
    denom = np.sqrt(second_unbiased)
    denom += cfg["epsilon"]
    cfg.update(t=step_no, m=first, v=second)
    return w - cfg["learning_rate"] * np.divide(first_unbiased, denom), cfg


def minibatches(n_samples, batch_size, seed):
    if batch_size <= 0:
        raise ValueError("batch_size must be positive")
    shuffled = np.random.default_rng(seed).permutation(n_samples)
    n_batches = -(-n_samples // batch_size)
    return [shuffled[b * batch_size:(b + 1) * batch_size] for b in range(n_batches)]
