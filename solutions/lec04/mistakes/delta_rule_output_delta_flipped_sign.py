"""오차의 방향이 뒤집힌 출력층 델타 / Output delta with the error's sign flipped."""

FUNCTION = "delta_rule.output_delta"
HINT_KO = (
    "오차의 방향(부호)을 확인하세요. E = ½ Σ (출력 − 실제 값)² 을 출력으로 미분하면 "
    "'출력에서 실제 값을 뺀' 방향이 나옵니다. 반대로 빼면 경사 하강이 오차를 키웁니다."
)
HINT_EN = (
    "Check the direction (sign) of the error. Differentiating E = ½ Σ (output − target)² with "
    "respect to the output gives 'output minus target'; subtracting the other way makes "
    "gradient descent increase the error."
)


def output_delta(y_out, y_true):
    return (y_true - y_out) * y_out * (1.0 - y_out)
