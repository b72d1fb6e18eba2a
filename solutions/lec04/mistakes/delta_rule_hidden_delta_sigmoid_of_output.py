"""은닉층 출력에 시그모이드를 한 번 더 적용한 델타 / Hidden delta that puts the hidden output through the sigmoid again."""

import numpy as np

FUNCTION = "delta_rule.hidden_delta"
HINT_KO = (
    "y_hidden은 이미 시그모이드의 출력(out)입니다. 델타식의 out(1-out)에는 y_hidden을 그대로 쓰세요. 시그모이드를 한 번 더 통과시키면 미분값이"
    " 달라집니다."
)
HINT_EN = (
    "y_hidden is already the sigmoid's output (out). Use it directly in the delta rule's "
    "out(1-out): putting it through the sigmoid again gives a different derivative."
)


def hidden_delta(y_hidden, W_next, delta_next):
    s = 1.0 / (1.0 + np.exp(-y_hidden))
    return (delta_next @ W_next.T) * s * (1.0 - s)
