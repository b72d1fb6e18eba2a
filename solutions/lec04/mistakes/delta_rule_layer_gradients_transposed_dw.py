"""가중치 기울기를 전치된 모양으로 돌려줌 / Weight gradient returned transposed."""

FUNCTION = "delta_rule.layer_gradients"
HINT_KO = (
    "dW는 W와 같은 모양 (입력 수, 출력 수)이어야 합니다. 행렬 곱의 순서와 전치를 모양으로 확인하세요. 샘플 축이 곱해져 사라지도록 입력 쪽을 전치합니다."
)
HINT_EN = (
    "dW must have W's shape (inputs, outputs). Check the order of the matrix product and which "
    "factor is transposed using the shapes: the sample axis must be summed away, with the input "
    "side transposed."
)


def layer_gradients(a_in, delta):
    return delta.T @ a_in, delta.sum(axis=0)
