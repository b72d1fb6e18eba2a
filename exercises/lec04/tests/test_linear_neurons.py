"""아달린과 퍼셉트론 공개 테스트 — ``pytest exercises/lec04``로 실행하세요.

아달린은 진짜 클래스 레이블과 선형 활성화 함수의 실수 출력 값(최종 입력 ``z``)을 비교하고,
퍼셉트론은 진짜 클래스 레이블과 예측 클래스 레이블 ``ŷ``을 비교합니다. 아래 예는 손으로 계산한
것입니다. 채점에는 무작위 입력의 숨은 테스트가 더 있습니다.

Public tests for Adaline and the perceptron — run them with ``pytest exercises/lec04``.
Adaline compares the true label with the linear activation's real-valued output (the net input
``z``); the perceptron compares it with the predicted class label ``ŷ``. The examples below are
worked out by hand; grading adds hidden tests on random inputs.
"""

from __future__ import annotations

import numpy as np
import pytest

from grader.suite import Student, compare, fail, fail_returns, gradcheck

# Two samples, one feature: z = X @ w + b = [1, 2] at w = [1], b = 0, so y - z = [0, -3].
X_SMALL = np.array([[1.0], [2.0]])
Y_SMALL = np.array([1, -1])


# --- net_input and perceptron_predict -----------------------------------------------------------

@pytest.mark.grades("linear_neurons.net_input", weight=1)
def test_net_input_by_hand(student: Student) -> None:
    """``z = X @ w + b``: [1·0.5 + 2·(−1) + 0.25, 3·0.5 + 4·(−1) + 0.25] = [−1.25, −2.25]."""
    x = np.array([[1.0, 2.0], [3.0, 4.0]])
    compare.assert_close(student.linear_neurons.net_input(x, np.array([0.5, -1.0]), 0.25),
                         np.array([-1.25, -2.25]), name="net_input(X, w, b)")


@pytest.mark.grades("linear_neurons.perceptron_predict", weight=1)
def test_perceptron_predict_by_hand(student: Student) -> None:
    """``z ≥ 0``이면 +1, 아니면 −1 — z가 정확히 0이면 +1입니다. 결과는 정수 배열입니다.

    +1 where ``z ≥ 0`` (so exactly ``z == 0`` gives +1), else −1, as an integer array.
    With w = [1, −1], b = 0: z = [1 − 1, 1 − 2, 3 − 1] = [0, −1, 2] → [+1, −1, +1].
    """
    x = np.array([[1.0, 1.0], [1.0, 2.0], [3.0, 1.0]])
    compare.assert_close(student.linear_neurons.perceptron_predict(x, np.array([1.0, -1.0]), 0.0),
                         np.array([1, -1, 1]), name="perceptron_predict(X, w, b)")


# --- perceptron_update --------------------------------------------------------------------------

@pytest.mark.grades("linear_neurons.perceptron_update", weight=1)
def test_perceptron_update_misclassified(student: Student) -> None:
    """틀린 샘플: z = 0.5 − 1 = −0.5이므로 ŷ = −1, y = +1 → u = 0.1·(1 − (−1)) = 0.2.

    w + u·x = [0.5 + 0.2, −0.5 + 0.4] = [0.7, −0.1], b + u = 0.2. 예측 레이블을 쓰지 않고
    최종 입력 z를 쓰면(아달린 규칙) u = 0.1·(1 − (−0.5)) = 0.15가 되어 틀립니다.
    A misclassified sample moves ``w`` by ``u·x`` with ``u = eta·(y − ŷ)``; using the net input
    ``z`` instead of the predicted label (the Adaline rule) would give u = 0.15.
    """
    got = student.linear_neurons.perceptron_update(np.array([0.5, -0.5]), 0.0,
                                                   np.array([1.0, 2.0]), 1, 0.1)
    compare.assert_close(got, (np.array([0.7, -0.1]), 0.2), name="perceptron_update")


@pytest.mark.grades("linear_neurons.perceptron_update", weight=1)
def test_perceptron_update_correct_sample_changes_nothing(student: Student) -> None:
    """맞힌 샘플(ŷ = y = −1)이면 ``y − ŷ = 0``이라 w와 b가 그대로입니다.

    A correctly classified sample (ŷ = y = −1) gives ``y − ŷ = 0``: ``w`` and ``b`` do not move,
    although ``z = −0.5`` is not equal to ``y``.
    """
    got = student.linear_neurons.perceptron_update(np.array([0.5, -0.5]), 0.0,
                                                   np.array([1.0, 2.0]), -1, 0.1)
    compare.assert_close(got, (np.array([0.5, -0.5]), 0.0), name="perceptron_update")


# --- train_perceptron ---------------------------------------------------------------------------

# Separable: the first class in the upper right, the second in the lower left.
X_SEP = np.array([[1.0, 1.0], [2.0, 0.5], [-1.0, -0.5], [-0.5, -2.0]])
Y_SEP = np.array([1, 1, -1, -1])


@pytest.mark.grades("linear_neurons.train_perceptron", weight=1)
def test_train_perceptron_by_hand(student: Student) -> None:
    """w = 0, b = 0에서 시작해 샘플 순서대로: 처음 두 샘플은 z = 0 → ŷ = +1 = y (업데이트 없음),
    세 번째는 ŷ = +1 ≠ −1이므로 u = 0.1·(−2) = −0.2 → w = [0.2, 0.1], b = −0.2. 그 뒤로는 모두 맞힙니다.

    From zero, in order: the first two samples have z = 0, predicted +1 = y (no update); the
    third is misclassified, u = −0.2 gives w = [0.2, 0.1], b = −0.2; after that every sample is
    right, so ``errors = [1, 0, 0]``.
    """
    got = student.linear_neurons.train_perceptron(X_SEP, Y_SEP, 0.1, 3)
    compare.assert_close(got, (np.array([0.2, 0.1]), -0.2, [1, 0, 0]),
                         name="train_perceptron(X, y, eta=0.1, epochs=3)")


# --- adaline_loss and adaline_gradient ----------------------------------------------------------

@pytest.mark.grades("linear_neurons.adaline_loss", weight=1)
def test_adaline_loss_by_hand(student: Student) -> None:
    """``(1/(2n)) Σ (y − z)²``: z = [1, 2], y − z = [0, −3] → 9 / 4 = 2.25 (파이썬 float).

    w = 0, b = 0이면 z = 0이므로 레이블 ±1에 대해 언제나 1/2입니다.
    At w = 0, b = 0, z = 0 and the loss of ±1 labels is always 1/2. Returns a Python float.
    """
    loss = student.linear_neurons.adaline_loss
    compare.assert_close(loss(np.array([1.0]), 0.0, X_SMALL, Y_SMALL), 2.25,
                         name="adaline_loss(w=[1], b=0)")
    compare.assert_close(loss(np.array([0.0]), 0.0, X_SMALL, Y_SMALL), 0.5,
                         name="adaline_loss(w=[0], b=0)")


@pytest.mark.grades("linear_neurons.adaline_gradient", weight=1)
def test_adaline_gradient_by_hand(student: Student) -> None:
    """``dw = −Xᵀ(y − z)/n = −(1·0 + 2·(−3))/2 = 3``, ``db = −Σ(y − z)/n = 1.5``.

    The gradient of ``adaline_loss``, with the 1/n and the minus sign; ``db`` is a float.
    """
    got = student.linear_neurons.adaline_gradient(np.array([1.0]), 0.0, X_SMALL, Y_SMALL)
    compare.assert_close(got, (np.array([3.0]), 1.5), name="adaline_gradient(w=[1], b=0)")


@pytest.mark.grades("linear_neurons.adaline_gradient", weight=1)
def test_adaline_gradient_is_slope_of_loss(student: Student) -> None:
    """``(dw, db)``가 오차의 수치 미분과 같습니다 / ``(dw, db)`` matches central differences."""
    x = np.array([[0.5, -1.0], [1.5, 2.0], [-0.3, 0.8]])
    y = np.array([1, -1, 1])
    w, b = np.array([0.4, -0.2]), 0.1

    def loss(points: list[np.ndarray]) -> list[float]:
        # p = [w_1, w_2, b]; the loss written out from the contract.
        return [float(np.sum((y - (x @ p[:2] + p[2])) ** 2) / (2 * len(y))) for p in points]

    numeric = gradcheck.central_difference(loss, np.append(w, b))
    got = student.linear_neurons.adaline_gradient(w, b, x, y)
    compare.assert_close(got, (numeric[:2], float(numeric[2])), name="adaline_gradient",
                         tol=compare.Tolerance(rtol=1e-5, atol=1e-7))  # finite-difference error


# --- train_adaline ------------------------------------------------------------------------------

@pytest.mark.grades("linear_neurons.train_adaline", weight=1)
def test_train_adaline_by_hand(student: Student) -> None:
    """두 에포크를 손으로: 오차는 각 에포크를 *시작할 때* 기록합니다.

    X = [[−1], [1]], y = [−1, 1], eta = 0.1. 에포크 0: 오차 0.5, dw = −1, db = 0 → w = 0.1.
    에포크 1: z = [−0.1, 0.1], 오차 (0.81 + 0.81)/4 = 0.405, dw = −0.9 → w = 0.19.
    Two epochs by hand; each loss is taken at the *start* of its epoch, so ``losses[0]`` is
    the loss at w = 0, b = 0.
    """
    got = student.linear_neurons.train_adaline(np.array([[-1.0], [1.0]]), np.array([-1, 1]),
                                               0.1, 2)
    compare.assert_close(got, (np.array([0.19]), 0.0, [0.5, 0.405]),
                         name="train_adaline(X, y, eta=0.1, epochs=2)")


@pytest.mark.grades("linear_neurons.train_adaline", weight=1)
def test_train_adaline_converges_on_standardized_data(student: Student) -> None:
    """표준화한 데이터에서 작은 학습률(0.01)이면 오차가 매 에포크 줄어듭니다 (수렴).

    숨은 테스트는 학습률이 너무 크면 오차가 매 에포크 커지는 것(발산)도 확인합니다.
    On standardized data a small learning rate (0.01) lowers the loss every epoch; the hidden
    tests also check that a learning rate far too large makes it grow every epoch.
    """
    x = np.array([[1.0, 2.0], [2.0, 1.0], [3.0, 5.0], [4.0, 3.0], [5.0, 6.0], [6.0, 4.0]])
    x = (x - x.mean(axis=0)) / x.std(axis=0)  # standardize: zero mean, unit deviation
    y = np.array([-1, -1, 1, -1, 1, 1])
    got = student.linear_neurons.train_adaline(x, y, 0.01, 20)
    if not isinstance(got, tuple) or len(got) != 3:
        fail_returns("train_adaline", "(w, b, losses)", got)
    if np.shape(got[2]) != (20,):
        fail("suite.per_epoch", name="train_adaline: losses", epochs=20, got=np.shape(got[2]))
    losses = np.asarray(got[2], dtype=np.float64)
    compare.assert_close(float(losses[0]), 0.5, name="train_adaline: losses[0]")
    if not np.all(np.diff(losses) < 0.0):
        fail("suite.decreasing", name="train_adaline", losses=np.round(losses, 6).tolist())
