"""새 속도 대신 이전 속도로 앞을 내다보는 NAG / NAG that looks ahead with the old velocity instead of the new one."""

import numpy as np

FUNCTION = "optimizers.nesterov_momentum"
HINT_KO = (
    "네스테로프 모멘텀은 '이번 단계에서 새로 업데이트한' 속도로 앞을 내다봅니다. 이전 속도를 쓰면 결과가 보통 모멘텀과 똑같아집니다. 속도를 먼저 업데이트한 뒤 그 새"
    " 속도로 가중치를 옮기는지 확인하세요."
)
HINT_EN = (
    "Nesterov momentum looks ahead with the velocity updated in this step. With the old velocity "
    "the result is exactly plain momentum: update the velocity first, then move the weights "
    "using that new velocity."
)


def nesterov_momentum(w, dw, config=None):
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("momentum", 0.9)
    v_old = config.get("velocity", np.zeros_like(w))
    mu, lr = config["momentum"], config["learning_rate"]
    config["velocity"] = mu * v_old - lr * dw
    return w + mu * v_old - lr * dw, config
