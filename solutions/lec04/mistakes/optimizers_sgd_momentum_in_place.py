"""config 안의 속도 배열을 제자리에서 바꾸는 모멘텀 / Momentum that updates the velocity array inside config in place."""

import numpy as np

FUNCTION = "optimizers.sgd_momentum"
HINT_KO = (
    "입력 config 안의 velocity 배열을 제자리 연산으로 고치고 있습니다. 계약에 따라 입력의 배열은 그대로 두고, 새 속도는 새 배열로 만들어 돌려주는 "
    "config에 담으세요."
)
HINT_EN = (
    "You modify the velocity array inside the input config with in-place operators. By the "
    "contract the input arrays stay untouched: build the new velocity as a new array and put it "
    "into the returned config."
)


def sgd_momentum(w, dw, config=None):
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("momentum", 0.9)
    v = config.setdefault("velocity", np.zeros_like(w))
    v *= config["momentum"]
    v -= config["learning_rate"] * dw
    return w + v, config
