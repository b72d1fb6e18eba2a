"""가중치 이동에서 이번 기울기 걸음을 빠뜨린 NAG / NAG whose weight step leaves out this step's gradient term."""

import numpy as np

FUNCTION = "optimizers.nesterov_momentum"
HINT_KO = (
    "네스테로프 모멘텀의 가중치 이동은 두 부분으로 이루어집니다. 하나는 새 속도로 한 번 더 내다본 관성 부분이고, 다른 하나는 이번 기울기로 내려가는 걸음입니다. 표의"
    " 두 번째 식에 두 부분이 모두 들어갔는지 확인하세요."
)
HINT_EN = (
    "Nesterov momentum moves the weights in two parts: the look-ahead inertia with the new "
    "velocity, and this step's move down the gradient. Check that both parts of the table's "
    "second formula are there."
)


def nesterov_momentum(w, dw, config=None):
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("momentum", 0.9)
    v = config.get("velocity", np.zeros_like(w))
    v = config["momentum"] * v - config["learning_rate"] * dw
    config["velocity"] = v
    return w + config["momentum"] * v, config
