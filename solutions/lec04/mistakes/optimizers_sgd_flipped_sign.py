"""기울기 방향으로 올라가는 SGD / SGD that steps along the gradient instead of against it."""

FUNCTION = "optimizers.sgd"
HINT_KO = (
    "경사 하강법은 기울기의 '반대' 방향으로 움직여 오차가 작아지는 쪽으로 갑니다. 업데이트의 "
    "부호를 확인하세요."
)
HINT_EN = (
    "Gradient descent moves against the gradient, towards smaller error. Check the sign of your "
    "update."
)


def sgd(w, dw, config=None):
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    return w + config["learning_rate"] * dw, config
