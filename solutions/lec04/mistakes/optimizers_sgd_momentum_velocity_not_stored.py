"""새 속도를 config에 저장하지 않는 모멘텀 / Momentum that never stores the new velocity in config."""

import numpy as np

FUNCTION = "optimizers.sgd_momentum"
HINT_KO = (
    "모멘텀의 관성은 이전 단계의 속도를 기억해야 생깁니다. 새로 계산한 속도를 돌려주는 config에 담지 않으면 매 단계가 처음처럼 계산됩니다. 그래서 두 번째 "
    "단계부터 값이 달라집니다."
)
HINT_EN = (
    "Momentum's inertia needs the previous step's velocity. If the new velocity is not put into "
    "the returned config, every step is computed as if it were the first: results differ from "
    "the second step on."
)


def sgd_momentum(w, dw, config=None):
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("momentum", 0.9)
    config.setdefault("velocity", np.zeros_like(w))
    v = config["momentum"] * config["velocity"] - config["learning_rate"] * dw
    return w + v, config
