"""델타식 공개 테스트 (그림 9-2, 9-3, 두 가중치 업데이트 공식) — ``pytest exercises/lec04``.

손으로 계산한 작은 예와, 델타가 오차 ``E = ½ Σ (y_out − y_true)²``의 기울기라는 것을 중앙
차분으로 확인하는 예를 보여 줍니다. 채점에는 무작위 입력의 숨은 테스트가 더 있습니다.

Public tests for the delta rule (figures 9-2, 9-3, the two weight-update formulas) — run them
with ``pytest exercises/lec04``. Small examples worked out by hand, and checks by central
differences that the deltas are gradients of ``E = ½ Σ (y_out − y_true)²``. Grading adds hidden
tests on random inputs.
"""

from __future__ import annotations

import numpy as np
import pytest

from grader.suite import Student, compare, gradcheck


def _sigmoid(z: np.ndarray) -> np.ndarray:
    # Moderate inputs only: the plain formula is fine here.
    return 1.0 / (1.0 + np.exp(-z))


# --- output_delta -------------------------------------------------------------------------------

@pytest.mark.grades("delta_rule.output_delta", weight=1)
def test_output_delta_by_hand(student: Student) -> None:
    """첫 번째 가중치 업데이트 공식의 ``(y_o1 − y_실제값) · y_o1(1 − y_o1)``.

    샘플 2개, 출력 1개: (0.8 − 1)·0.8·0.2 = −0.032, (0.3 − 0)·0.3·0.7 = 0.063.
    The first update formula's error times ``out(1-out)``, for two samples and one output.
    """
    y_out = np.array([[0.8], [0.3]])
    y_true = np.array([[1.0], [0.0]])
    compare.assert_close(student.delta_rule.output_delta(y_out, y_true),
                         np.array([[-0.032], [0.063]]), name="output_delta(y_out, y_true)")


@pytest.mark.grades("delta_rule.output_delta", weight=1)
def test_output_delta_is_slope_of_error(student: Student) -> None:
    """출력층의 델타는 ``dE/dZ``입니다 (``y_out = sigmoid(Z)``): 수치 미분과 비교.

    The output delta is ``dE/dZ`` for ``y_out = sigmoid(Z)``: compared with central differences
    of ``E`` (each unit's term of ``E`` depends only on its own ``Z``).
    """
    z = np.array([[0.5, -1.0], [2.0, 0.2]])
    y_true = np.array([[1.0, 0.0], [0.0, 1.0]])
    numeric = gradcheck.elementwise_derivative(
        lambda zs: [0.5 * (_sigmoid(x) - y_true) ** 2 for x in zs], z)
    gradcheck.assert_gradient(student.delta_rule.output_delta(_sigmoid(z), y_true), numeric,
                              name="output_delta")


# --- hidden_delta -------------------------------------------------------------------------------

@pytest.mark.grades("delta_rule.hidden_delta", weight=1)
def test_hidden_delta_by_hand(student: Student) -> None:
    """두 번째 가중치 업데이트 공식 ``(δy_o1 · w_31 + δy_o2 · w_41) · y_h1(1 − y_h1)``.

    은닉 유닛 3개, 출력 2개이므로 ``W_next``의 모양은 (3, 2)입니다 — 정사각이 아니라서
    ``W_next.T``를 써야 모양이 맞습니다. Three hidden units and two outputs: ``W_next`` is
    (3, 2), so only ``delta_next @ W_next.T`` fits.

    delta_next @ W_next.T = [0.1·1 + (−0.2)·(−1), 0.1·2 + 0, 0.1·0.5 + (−0.2)·1]
    = [0.3, 0.2, −0.15]; × out(1−out) = [0.25, 0.16, 0.09] → [0.075, 0.032, −0.0135].
    """
    y_hidden = np.array([[0.5, 0.2, 0.9]])
    w_next = np.array([[1.0, -1.0], [2.0, 0.0], [0.5, 1.0]])
    delta_next = np.array([[0.1, -0.2]])
    compare.assert_close(student.delta_rule.hidden_delta(y_hidden, w_next, delta_next),
                         np.array([[0.075, 0.032, -0.0135]]),
                         name="hidden_delta(y_hidden, W_next, delta_next)")


@pytest.mark.grades("delta_rule.hidden_delta", weight=1)
def test_hidden_delta_is_slope_of_error(student: Student) -> None:
    """은닉층의 델타는 은닉층 사전 활성화 값 ``Z_h``에 대한 ``dE/dZ_h``: 두 층 신경망에서 확인.

    The hidden delta is ``dE/dZ_h`` in a two-layer sigmoid network
    ``y_out = sigmoid(sigmoid(Z_h) @ W + b)``: compared with central differences of ``E``.
    """
    z_hidden = np.array([[0.3, -1.2, 0.8], [1.5, 0.1, -0.4]])
    w = np.array([[0.7, -1.1], [1.3, 0.4], [-0.6, 0.9]])
    b = np.array([0.1, -0.3])
    y_true = np.array([[1.0, 0.0], [0.0, 1.0]])

    def error(zs: list[np.ndarray]) -> list[float]:
        return [0.5 * float(np.sum((_sigmoid(_sigmoid(x) @ w + b) - y_true) ** 2)) for x in zs]

    numeric = gradcheck.central_difference(error, z_hidden)
    y_hidden = _sigmoid(z_hidden)
    y_out = _sigmoid(y_hidden @ w + b)
    delta_next = (y_out - y_true) * y_out * (1.0 - y_out)  # the output delta, written out
    gradcheck.assert_gradient(student.delta_rule.hidden_delta(y_hidden, w, delta_next), numeric,
                              name="hidden_delta")


# --- layer_gradients ----------------------------------------------------------------------------

@pytest.mark.grades("delta_rule.layer_gradients", weight=1)
def test_layer_gradients_by_hand(student: Student) -> None:
    """``dW = a_in.T @ delta``, ``db = delta.sum(axis=0)`` — 샘플에 대해 합(평균이 아님).

    dW = [[1·0.1 + 3·(−0.2)], [2·0.1 + 4·(−0.2)]] = [[−0.5], [−0.6]], db = [0.1 − 0.2] = [−0.1].
    Summed over samples (not averaged); the result is the tuple ``(dW, db)``.
    """
    a_in = np.array([[1.0, 2.0], [3.0, 4.0]])
    delta = np.array([[0.1], [-0.2]])
    compare.assert_close(student.delta_rule.layer_gradients(a_in, delta),
                         (np.array([[-0.5], [-0.6]]), np.array([-0.1])),
                         name="layer_gradients(a_in, delta)")


@pytest.mark.grades("delta_rule.layer_gradients", weight=1)
def test_layer_gradients_are_slopes_of_error(student: Student) -> None:
    """한 층 ``y_out = sigmoid(A @ W + b)``에서 ``(dW, db)``가 ``E``의 수치 미분과 같습니다.

    For one layer ``y_out = sigmoid(A @ W + b)`` the tuple ``(dW, db)`` from
    ``layer_gradients(A, output delta)`` equals the central differences of ``E``.
    """
    a_in = np.array([[0.5, -1.0, 2.0], [1.5, 0.3, -0.7]])
    w = np.array([[0.2, -0.4], [0.9, 0.1], [-0.3, 0.6]])
    b = np.array([0.05, -0.1])
    y_true = np.array([[1.0, 0.0], [0.0, 1.0]])

    def error(weights: np.ndarray, bias: np.ndarray) -> float:
        return 0.5 * float(np.sum((_sigmoid(a_in @ weights + bias) - y_true) ** 2))

    numeric_w = gradcheck.central_difference(lambda ws: [error(x, b) for x in ws], w)
    numeric_b = gradcheck.central_difference(lambda bs: [error(w, x) for x in bs], b)
    y_out = _sigmoid(a_in @ w + b)
    delta = (y_out - y_true) * y_out * (1.0 - y_out)
    got = student.delta_rule.layer_gradients(a_in, delta)
    compare.assert_close(got, (numeric_w, numeric_b), name="layer_gradients",
                         tol=compare.Tolerance(rtol=1e-5, atol=1e-7))  # finite-difference error
