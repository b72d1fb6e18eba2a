"""출력층 델타에서 out(1-out)을 빠뜨림 / Output delta without the out(1-out) factor."""

FUNCTION = "delta_rule.output_delta"
HINT_KO = (
    "출력층의 델타는 오차만이 아닙니다. 첫 번째 가중치 업데이트 공식처럼 오차에 시그모이드의 "
    "미분, 즉 델타식의 out(1-out) 꼴을 곱해야 합니다."
)
HINT_EN = (
    "The output delta is not the error alone. As in the first weight update formula, the error "
    "must be multiplied by the sigmoid's derivative, the delta rule's out(1-out) form."
)


def output_delta(y_out, y_true):
    return y_out - y_true
