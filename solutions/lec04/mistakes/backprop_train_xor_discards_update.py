"""train_step의 결과를 버려 학습이 되지 않는 train_xor / train_xor that throws away train_step's result."""

import numpy as np

FUNCTION = "backprop.train_xor"
HINT_KO = (
    "train_step은 params를 바꾸지 않고 새 매개변수를 '돌려줍니다'. 돌려받은 값을 다음 반복에서 "
    "쓰지 않으면 가중치가 처음 값 그대로 남아 XOR을 배우지 못합니다."
)
HINT_EN = (
    "train_step does not change params; it returns the new parameters. If the returned value is "
    "not used in the next iteration, the weights stay at their initial values and XOR is never "
    "learned."
)


def train_xor(hidden_units=4, lr=0.5, epochs=5000, seed=0, hidden_activation="sigmoid"):
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = np.array([[0.0], [1.0], [1.0], [0.0]])
    params = init_params([2, hidden_units, 1], seed)
    for _ in range(epochs):
        train_step(params, X, y, lr, hidden_activation)
    return params
