"""아달린 기울기에서 1/n을 빠뜨림 / Adaline gradient without the 1/n factor."""

import numpy as np

FUNCTION = "linear_neurons.adaline_gradient"
HINT_KO = (
    "adaline_loss는 샘플 수 n으로 나눈 평균 꼴의 오차입니다. 그 기울기에도 같은 1/n이 남아야 합니다. 수치 미분으로 구한 기울기와 비교해 보세요."
)
HINT_EN = (
    "adaline_loss is averaged over the n samples, so its gradient keeps the same 1/n. Compare "
    "with a finite-difference gradient."
)


def adaline_gradient(w, b, X, y):
    X = np.asarray(X, dtype=np.float64)
    errors = y - (X @ w + b)
    return -X.T @ errors, float(-np.sum(errors))
