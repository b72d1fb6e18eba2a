"""얕은 복사 뒤 배열을 제자리에서 바꾸는 train_step / train_step that updates shared arrays in place after a shallow copy."""

FUNCTION = "backprop.train_step"
HINT_KO = (
    "params를 dict(...)나 .copy()로 복사해도 안의 배열은 공유됩니다. 그 배열을 제자리 연산으로 "
    "고치면 호출한 쪽의 params도 바뀝니다. 새 값을 계산해 새 배열로 담으세요."
)
HINT_EN = (
    "Copying params with dict(...) or .copy() still shares the arrays inside. Updating those "
    "arrays with in-place operators changes the caller's params too. Compute the new values as "
    "new arrays."
)


def train_step(params, X, y, lr, hidden_activation="sigmoid"):
    y_out, cache = forward(params, X, hidden_activation)
    loss_before = loss(y_out, y)
    grads = backward(params, cache, y, hidden_activation)
    new_params = dict(params)
    for key in new_params:
        new_params[key] -= lr * grads[key]
    return new_params, loss_before
