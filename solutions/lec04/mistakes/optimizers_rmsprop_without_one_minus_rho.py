"""새 제곱 기울기에 (1-ρ)를 곱하지 않은 RMSProp / RMSProp that adds the squared gradient without (1-ρ)."""

import numpy as np

FUNCTION = "optimizers.rmsprop"
HINT_KO = (
    "RMSProp의 cache는 기울기 제곱의 '지수 이동 평균'입니다. 이전 값에 ρ를 곱했다면 새 값에는 "
    "나머지 비율을 곱해야 두 비율의 합이 1이 되어 평균이 됩니다."
)
HINT_EN = (
    "RMSProp's cache is an exponential moving average of squared gradients. If the old value is "
    "weighted by ρ, the new one gets the remaining share, so that the weights add up to 1."
)


def rmsprop(w, dw, config=None):
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("decay_rate", 0.99)
    config.setdefault("epsilon", 1e-8)
    cache = config["decay_rate"] * config.get("cache", np.zeros_like(w)) + dw**2
    config["cache"] = cache
    return w - config["learning_rate"] * dw / (np.sqrt(cache) + config["epsilon"]), config
