"""제곱 기울기를 누적하지 않는 아다그라드 / Adagrad whose cache is overwritten instead of accumulated."""

import numpy as np

FUNCTION = "optimizers.adagrad"
HINT_KO = (
    "아다그라드의 cache는 지금까지 나온 기울기 제곱을 '모두 더한' 값입니다. 매 단계 새로 덮어쓰면 많이 움직인 가중치의 보폭이 줄어들지 않습니다. 그래서 두 번째"
    " 단계부터 값이 달라집니다."
)
HINT_EN = (
    "Adagrad's cache is the running total of all squared gradients so far. Overwriting it every "
    "step means weights that moved a lot never get smaller steps: results differ from the second "
    "step on."
)


def adagrad(w, dw, config=None):
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("epsilon", 1e-8)
    cache = dw**2
    config["cache"] = cache
    return w - config["learning_rate"] * dw / (np.sqrt(cache) + config["epsilon"]), config
