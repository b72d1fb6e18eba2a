"""부호가 뒤집힌 아달린 기울기 / Adaline gradient with a flipped sign."""

import numpy as np

FUNCTION = "linear_neurons.adaline_gradient"
HINT_KO = (
    "이 함수는 오차를 '줄이는' 걸음이 아니라 오차의 기울기 자체를 돌려줍니다. (실제 값 − 최종 입력)을 가중치로 미분하면 앞에 음수 부호가 붙습니다. 부호를 "
    "확인하세요."
)
HINT_EN = (
    "This function returns the gradient of the loss itself, not the step that reduces it. "
    "Differentiating (target − net input) with respect to the weights brings a minus sign: "
    "check the sign."
)


def adaline_gradient(w, b, X, y):
    X = np.asarray(X, dtype=np.float64)
    n = X.shape[0]
    errors = y - (X @ w + b)
    return X.T @ errors / n, float(np.sum(errors) / n)
