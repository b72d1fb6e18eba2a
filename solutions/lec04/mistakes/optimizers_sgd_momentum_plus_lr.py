"""속도에 학습률·기울기를 더하는 모멘텀 / Momentum whose velocity adds lr·dw instead of subtracting it."""

import numpy as np

FUNCTION = "optimizers.sgd_momentum"
HINT_KO = (
    "모멘텀의 속도 v는 이전 속도의 일정 비율에 '내려가는' 방향의 새 걸음을 보탭니다. 기울기 항의 부호를 확인하세요. 속도가 기울기 방향으로 쌓이면 오차가 커집니다."
)
HINT_EN = (
    "Momentum's velocity keeps a fraction of the previous velocity and adds a new step downhill. "
    "Check the sign of the gradient term: a velocity that builds up along the gradient increases "
    "the error."
)


def sgd_momentum(w, dw, config=None):
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("momentum", 0.9)
    v = config.get("velocity", np.zeros_like(w))
    v = config["momentum"] * v + config["learning_rate"] * dw
    config["velocity"] = v
    return w + v, config
