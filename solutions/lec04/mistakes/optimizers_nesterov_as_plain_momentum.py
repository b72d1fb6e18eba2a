"""네스테로프 대신 보통 모멘텀으로 움직임 / NAG that moves like plain momentum."""

import numpy as np

FUNCTION = "optimizers.nesterov_momentum"
HINT_KO = (
    "네스테로프 모멘텀은 보통 모멘텀과 속도 갱신은 같지만, 가중치를 옮길 때 속도만큼 가는 것이 "
    "아니라 '한 번 더 내다본' 위치로 갑니다. 표의 두 번째 식을 다시 읽어 보세요."
)
HINT_EN = (
    "Nesterov momentum updates the velocity like plain momentum, but the weights do not simply "
    "move by the velocity: they move to the looked-ahead position. Read the second formula in "
    "the table again."
)


def nesterov_momentum(w, dw, config=None):
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("momentum", 0.9)
    v = config.get("velocity", np.zeros_like(w))
    v = config["momentum"] * v - config["learning_rate"] * dw
    config["velocity"] = v
    return w + v, config
