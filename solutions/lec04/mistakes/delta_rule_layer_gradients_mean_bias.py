"""바이어스 기울기를 합 대신 평균으로 구함 / Bias gradient as a mean instead of a sum."""

FUNCTION = "delta_rule.layer_gradients"
HINT_KO = (
    "오차 E는 모든 샘플에 대해 '합'한 값입니다. 그러므로 바이어스의 기울기도 가중치의 기울기처럼 "
    "샘플에 대해 더해야 하며, 샘플 수로 나누면 안 됩니다."
)
HINT_EN = (
    "The error E is a sum over all samples, so the bias gradient, like the weight gradient, is "
    "summed over samples — do not divide by the number of samples."
)


def layer_gradients(a_in, delta):
    return a_in.T @ delta, delta.mean(axis=0)
