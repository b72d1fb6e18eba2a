"""새 속도 대신 이전 속도로 앞을 내다보는 NAG / NAG that looks ahead with the old velocity instead of the new one."""

import numpy as np

FUNCTION = "optimizers.nesterov_momentum"
HINT_KO = (
    "지금 결과는 보통 모멘텀(w + v)과 똑같습니다. 네스테로프 모멘텀은 이번 단계에서 업데이트한 속도 v로 "
    "한 번 더 앞을 내다보며, 가중치를 w + μ·v − lr·dw 꼴로 옮깁니다. 이전 속도로 앞을 내다보았거나, "
    "w − μ·v_prev + (1 + μ)·v 꼴에서 v_prev를 저장하기 전에 속도를 덮어쓰면 이렇게 됩니다."
)
HINT_EN = (
    "Your step is exactly plain momentum's (w + v). Nesterov momentum looks ahead once more with "
    "the velocity v updated in this step: w + mu*v - lr*dw. Looking ahead with the old velocity "
    "does this, and so does w - mu*v_prev + (1 + mu)*v with v_prev overwritten by the update "
    "before it is used."
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
