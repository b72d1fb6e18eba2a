"""은닉층 델타에서 W_next를 전치하지 않음 / Hidden delta using W_next instead of its transpose."""

import numpy as np

FUNCTION = "delta_rule.hidden_delta"
HINT_KO = (
    "위층의 델타를 은닉층으로 거꾸로 보낼 때는 순전파와 반대 방향으로 가중치를 거쳐야 합니다. 모양을 적어 보세요. 결과는 (샘플 수, 은닉 유닛 수)여야 하고, 각 "
    "은닉 유닛 j는 자신에서 나가는 가중치 w_j·로 위층 델타를 모읍니다(강의의 δy_o1·w_31 + δy_o2·w_41)."
)
HINT_EN = (
    "Sending the deltas of the layer above back to the hidden layer goes through the weights in "
    "the opposite direction of the forward pass. Write down the shapes: the result is (samples, "
    "hidden units), and hidden unit j gathers the deltas above through its outgoing weights "
    "w_j· (the lecture's δy_o1·w_31 + δy_o2·w_41)."
)


def hidden_delta(y_hidden, W_next, delta_next):
    return np.dot(delta_next, W_next) * y_hidden * (1.0 - y_hidden)
