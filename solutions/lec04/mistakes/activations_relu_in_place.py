"""입력 배열을 제자리에서 바꾸는 렐루 / ReLU that overwrites its input array in place."""

import numpy as np

FUNCTION = "activations.relu"
HINT_KO = (
    "렐루가 입력 배열 z 자체를 고치고 있습니다(제자리 변경). 호출한 쪽의 z가 바뀌면 역전파에서 "
    "사전 활성화 값이 사라집니다. 입력은 그대로 두고 새 배열을 만들어 돌려주세요."
)
HINT_EN = (
    "Your ReLU overwrites the input array z in place. If the caller's z changes, backpropagation "
    "loses the pre-activations. Leave the input alone and return a new array."
)


def relu(z):
    z = np.asarray(z)
    z[z < 0] = 0.0
    return z
