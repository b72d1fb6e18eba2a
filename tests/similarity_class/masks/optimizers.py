# Independent style "masks": state read with defaults, tuples unpacked, one private helper for
# the adaptive denominators. Written for the similarity tests only.
import numpy as np


def _state(config, name, like):
    value = config.get(name)
    return np.zeros(np.shape(like)) if value is None else np.asarray(value, dtype=np.float64)


def _scaled(dw, second_moment, eps):
    return dw / (eps + np.sqrt(second_moment))


def sgd(w, dw, config=None):
    config = {} if config is None else config
    lr = config.setdefault("learning_rate", 0.01)
    return w - lr * dw, config


def sgd_momentum(w, dw, config=None):
    config = {} if config is None else config
    lr = config.setdefault("learning_rate", 0.01)
    mu = config.setdefault("momentum", 0.9)
    velocity = mu * _state(config, "velocity", w) - lr * dw
    config["velocity"] = velocity
    return w + velocity, config


def nesterov_momentum(w, dw, config=None):
    config = {} if config is None else config
    lr = config.setdefault("learning_rate", 0.01)
    mu = config.setdefault("momentum", 0.9)
    old = _state(config, "velocity", w)
    new = mu * old - lr * dw
    config["velocity"] = new
    return w + new + mu * (new - old), config


def adagrad(w, dw, config=None):
    config = {} if config is None else config
    lr = config.setdefault("learning_rate", 0.01)
    eps = config.setdefault("epsilon", 1e-8)
    config["cache"] = _state(config, "cache", w) + dw ** 2
    return w - lr * _scaled(dw, config["cache"], eps), config


def rmsprop(w, dw, config=None):
    config = {} if config is None else config
    lr = config.setdefault("learning_rate", 0.01)
    decay = config.setdefault("decay_rate", 0.99)
    eps = config.setdefault("epsilon", 1e-8)
    config["cache"] = decay * _state(config, "cache", w) + (1 - decay) * dw ** 2
    return w - lr * _scaled(dw, config["cache"], eps), config


def adam(w, dw, config=None):
    config = {} if config is None else config
    lr = config.setdefault("learning_rate", 0.001)
    b1, b2 = config.setdefault("beta1", 0.9), config.setdefault("beta2", 0.999)
    eps = config.setdefault("epsilon", 1e-8)
    t = config.setdefault("t", 0) + 1
    m = b1 * _state(config, "m", w) + (1 - b1) * dw
    v = b2 * _state(config, "v", w) + (1 - b2) * dw ** 2
    config.update({"t": t, "m": m, "v": v})
    return w - lr * _scaled(m / (1 - b1 ** t), v / (1 - b2 ** t), eps), config


def minibatches(n_samples, batch_size, seed):
    if not batch_size >= 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size!r}")
    rng = np.random.default_rng(seed)
    perm = rng.permutation(n_samples)
    cuts = np.arange(batch_size, n_samples, batch_size)
    return list(np.split(perm, cuts))
