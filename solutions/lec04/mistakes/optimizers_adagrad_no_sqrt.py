"""누적 제곱 기울기의 제곱근을 빠뜨린 아다그라드 / Adagrad dividing by the cache without its square root."""

import numpy as np

FUNCTION = "optimizers.adagrad"
HINT_KO = (
    "cache는 기울기 '제곱'의 합이라 단위가 기울기의 제곱입니다. 기울기를 나눌 때는 cache에 제곱근을 "
    "씌워 기울기와 같은 단위로 되돌린 뒤 나누어야 보폭이 학습률 정도로 유지됩니다."
)
HINT_EN = (
    "The cache sums squared gradients, so its unit is a squared gradient. Bring it back to the "
    "gradient's scale (square root) before dividing, so that steps stay of the order of the "
    "learning rate."
)


def adagrad(w, dw, config=None):
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("epsilon", 1e-8)
    cache = config.get("cache", np.zeros_like(w)) + dw**2
    config["cache"] = cache
    return w - config["learning_rate"] * dw / (cache + config["epsilon"]), config
