"""단계 수 t를 1부터 세는 아담 (첫 단계가 t = 2) / Adam that counts t from 1 (its first step uses t = 2)."""

import numpy as np

FUNCTION = "optimizers.adam"
HINT_KO = (
    "아담의 t는 0에서 시작하고, 업데이트하기 전에 1을 더해 첫 단계에서 t = 1로 편향 보정을 합니다. "
    "t를 1에서 시작하면 모든 단계의 편향 보정이 한 단계씩 어긋납니다."
)
HINT_EN = (
    "Adam's t starts at 0 and is increased before the update, so the first step's bias "
    "correction uses t = 1. Starting t at 1 puts every step's bias correction one step off."
)


def adam(w, dw, config=None):
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-3)
    config.setdefault("beta1", 0.9)
    config.setdefault("beta2", 0.999)
    config.setdefault("epsilon", 1e-8)
    config.setdefault("t", 1)
    m = config.get("m", np.zeros_like(w))
    v = config.get("v", np.zeros_like(w))
    t = config["t"] + 1
    b1, b2 = config["beta1"], config["beta2"]
    m = b1 * m + (1.0 - b1) * dw
    v = b2 * v + (1.0 - b2) * dw**2
    m_hat = m / (1.0 - b1**t)
    v_hat = v / (1.0 - b2**t)
    config["t"], config["m"], config["v"] = t, m, v
    return w - config["learning_rate"] * m_hat / (np.sqrt(v_hat) + config["epsilon"]), config
