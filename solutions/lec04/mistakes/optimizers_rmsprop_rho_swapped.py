"""ρ와 (1-ρ)의 자리를 바꾼 RMSProp / RMSProp with ρ and (1-ρ) swapped."""

import numpy as np

FUNCTION = "optimizers.rmsprop"
HINT_KO = (
    "decay_rate ρ(기본 0.99)는 '이전 cache'를 얼마나 남길지 정합니다. ρ가 새 기울기 제곱 쪽에 붙어 있으면 과거를 거의 잊어버립니다. 두 비율의 "
    "자리를 확인하세요."
)
HINT_EN = (
    "The decay_rate ρ (0.99 by default) says how much of the previous cache is kept. If ρ "
    "weights the new squared gradient instead, the past is almost forgotten: check which share "
    "goes where."
)


def rmsprop(w, dw, config=None):
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("decay_rate", 0.99)
    config.setdefault("epsilon", 1e-8)
    rho = config["decay_rate"]
    cache = (1.0 - rho) * config.get("cache", np.zeros_like(w)) + rho * dw**2
    config["cache"] = cache
    return w - config["learning_rate"] * dw / (np.sqrt(cache) + config["epsilon"]), config
