"""단계 수 t가 늘지 않는 아담 / Adam whose step count t never advances."""

import numpy as np

FUNCTION = "optimizers.adam"
HINT_KO = (
    "아담의 단계 수 t는 매 호출마다 1씩 늘어나고, 그 값이 돌려주는 config에 저장되어야 합니다. "
    "그렇지 않으면 편향 보정이 매번 첫 단계의 것으로 계산됩니다."
)
HINT_EN = (
    "Adam's step count t grows by one on every call and must be stored in the returned config. "
    "Otherwise the bias correction is computed as for the first step every time."
)


def adam(w, dw, config=None):
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-3)
    config.setdefault("beta1", 0.9)
    config.setdefault("beta2", 0.999)
    config.setdefault("epsilon", 1e-8)
    config.setdefault("t", 0)
    m = config.get("m", np.zeros_like(w))
    v = config.get("v", np.zeros_like(w))
    t = config["t"] + 1
    b1, b2 = config["beta1"], config["beta2"]
    m = b1 * m + (1.0 - b1) * dw
    v = b2 * v + (1.0 - b2) * dw**2
    m_hat = m / (1.0 - b1**t)
    v_hat = v / (1.0 - b2**t)
    config["m"], config["v"] = m, v
    return w - config["learning_rate"] * m_hat / (np.sqrt(v_hat) + config["epsilon"]), config
