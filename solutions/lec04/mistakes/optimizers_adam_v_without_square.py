"""2차 모멘트 v에 기울기 제곱 대신 기울기를 쓴 아담 / Adam whose second moment v uses dw instead of dw²."""

import numpy as np

FUNCTION = "optimizers.adam"
HINT_KO = (
    "아담의 v는 RMSProp의 cache처럼 기울기 '제곱'의 이동 평균(2차 모멘트)입니다. 기울기 자체를 쓰면 v가 음수가 될 수 있고 제곱근이 nan이 됩니다."
)
HINT_EN = (
    "Adam's v is, like RMSProp's cache, a moving average of squared gradients (the second "
    "moment). Using the gradient itself lets v go negative, and its square root becomes nan."
)


def adam(w, dw, config=None):
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-3)
    config.setdefault("beta1", 0.9)
    config.setdefault("beta2", 0.999)
    config.setdefault("epsilon", 1e-8)
    m = config.get("m", np.zeros_like(w))
    v = config.get("v", np.zeros_like(w))
    t = config.get("t", 0) + 1
    b1, b2 = config["beta1"], config["beta2"]
    m = b1 * m + (1.0 - b1) * dw
    v = b2 * v + (1.0 - b2) * dw
    config["m"], config["v"], config["t"] = m, v, t
    m_hat = m / (1.0 - b1**t)
    v_hat = v / (1.0 - b2**t)
    return w - config["learning_rate"] * m_hat / (np.sqrt(v_hat) + config["epsilon"]), config
