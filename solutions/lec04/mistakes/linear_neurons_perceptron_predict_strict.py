"""최종 입력이 정확히 0일 때 -1을 주는 퍼셉트론 예측 / Perceptron prediction that gives -1 at a net input of exactly 0."""

import numpy as np

FUNCTION = "linear_neurons.perceptron_predict"
HINT_KO = (
    "최종 입력이 정확히 0일 때의 예측을 확인하세요. 계약에서는 0 '이상'이면 +1입니다. 가중치와 바이어스가 0에서 시작하는 퍼셉트론 학습의 첫 예측이 바로 이 "
    "경우입니다."
)
HINT_EN = (
    "Check the prediction when the net input is exactly 0: the contract gives +1 for 0 and "
    "above. The very first prediction of perceptron training, with weights and bias at zero, is "
    "exactly this case."
)


def perceptron_predict(X, w, b):
    z = np.asarray(X, dtype=np.float64) @ w + b
    return np.where(z > 0, 1, -1)
