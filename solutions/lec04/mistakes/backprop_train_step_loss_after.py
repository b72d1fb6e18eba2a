"""업데이트 후의 오차를 돌려주는 train_step / train_step returning the loss after the update."""

FUNCTION = "backprop.train_step"
HINT_KO = (
    "train_step이 돌려주는 오차는 업데이트 '전' 매개변수로 구한 값입니다. 순전파에서 이미 구한 "
    "출력으로 오차를 계산하고, 업데이트한 뒤 다시 계산하지 마세요."
)
HINT_EN = (
    "The loss returned by train_step is the one of the parameters before the update. Compute it "
    "from the forward pass you already did; do not recompute it after updating."
)


def train_step(params, X, y, lr, hidden_activation="sigmoid"):
    _, cache = forward(params, X, hidden_activation)
    grads = backward(params, cache, y, hidden_activation)
    new_params = {key: value - lr * grads[key] for key, value in params.items()}
    y_after, _ = forward(new_params, X, hidden_activation)
    return new_params, loss(y_after, y)
