"""편향 보정이 없는 아담 / Adam without bias correction."""

import numpy as np

FUNCTION = "optimizers.adam"
HINT_KO = (
    "아담의 편향 보정을 확인하세요. m과 v는 0에서 시작하므로 초기 몇 단계에서는 0 쪽으로 치우쳐 있습니다. m과 v를 단계 수 t에 따라 달라지는 값으로 나누어 이"
    " 치우침을 바로잡아야 합니다(편향 보정)."
)
HINT_EN = (
    "Check Adam's bias correction: m and v start at zero, so in the first steps they are biased "
    "towards zero. That bias must be divided out, depending on the step count t."
)


def adam(w, dw, config=None):
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-3)
    config.setdefault("beta1", 0.9)
    config.setdefault("beta2", 0.999)
    config.setdefault("epsilon", 1e-8)
    m = config.get("m", np.zeros_like(w))
    v = config.get("v", np.zeros_like(w))
    t = config.get("t", 0) + 1
    b1, b2 = config["beta1"], config["beta2"]
    m = b1 * m + (1.0 - b1) * dw
    v = b2 * v + (1.0 - b2) * dw**2
    config["m"], config["v"], config["t"] = m, v, t
    return w - config["learning_rate"] * m / (np.sqrt(v) + config["epsilon"]), config
