"""활성화 함수 공개 테스트 (그림 9-4, 9-5, 9-6) — ``pytest exercises/lec04``로 실행하세요.

손으로 계산할 수 있는 작은 입력에서 값을 확인하고, 미분이 순전파 함수의 기울기(수치 미분)와
같은지 보여 줍니다. 채점에는 같은 종류의 숨은 테스트가 무작위 입력으로 더 있습니다.

Public tests for the activations (figures 9-4, 9-5, 9-6) — run them with
``pytest exercises/lec04``. They check values you can work out by hand and show that each
derivative is the slope (central difference) of its forward function. Grading adds hidden tests
of the same kind on random inputs.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from grader.suite import Student, compare, gradcheck

LN2, LN3 = float(np.log(2.0)), float(np.log(3.0))
EXACT = compare.Tolerance(rtol=0.0, atol=0.0)  # the contract's "exact": == in float64


# --- sigmoid ------------------------------------------------------------------------------------

@pytest.mark.grades("activations.sigmoid", weight=1)
def test_sigmoid_known_values(student: Student) -> None:
    """sigmoid(0) = 0.5, sigmoid(ln 3) = 1/(1 + 1/3) = 0.75, sigmoid(−ln 3) = 0.25.

    2차원 배열을 넣으면 같은 모양의 float64 배열이 나와야 합니다 (원소별 함수).
    A 2-D input gives a float64 array of the same shape (an elementwise function).
    """
    z = np.array([[-LN3, 0.0], [LN3, 0.0]])
    compare.assert_close(student.activations.sigmoid(z), np.array([[0.25, 0.5], [0.75, 0.5]]),
                         name="sigmoid(z)")


@pytest.mark.grades("activations.sigmoid", weight=1)
def test_sigmoid_large_inputs_without_warning(student: Student) -> None:
    """z = ±1000에서 정확히 0과 1, 그리고 오버플로 경고가 없어야 합니다.

    ``1 / (1 + np.exp(-z))``를 그대로 쓰면 z = −1000에서 ``exp(1000)``이 넘쳐(overflow)
    RuntimeWarning이 납니다. ``exp``에는 0 이하의 수만 넣도록 z의 부호에 따라 식을 고르세요.
    At z = ±1000 the result is exactly 0 and 1, with no overflow warning: the plain formula
    overflows in ``exp(1000)`` at z = −1000. Choose the form by the sign of z so that ``exp``
    only ever sees numbers ≤ 0.
    """
    call = student.activations.sigmoid.call(np.array([-1000.0, 1000.0]))
    compare.assert_close(call.value, np.array([0.0, 1.0]), name="sigmoid([-1000, 1000])",
                         tol=EXACT)
    compare.assert_no_warnings(call, name="sigmoid([-1000, 1000])")


# --- sigmoid_derivative -------------------------------------------------------------------------

@pytest.mark.grades("activations.sigmoid_derivative", weight=1)
def test_sigmoid_derivative_known_values(student: Student) -> None:
    """out(1−out): z = ±ln 3에서 0.75·0.25 = 0.1875, z = 0에서 최댓값 0.25 (그림 9-5).

    ``z``는 사전 활성화 값입니다 — 출력 ``out``이 아닙니다. ``z * (1 - z)``가 아니라
    ``s * (1 - s)``, ``s = sigmoid(z)``입니다. ``z`` is the pre-activation, not the output:
    the derivative is ``s * (1 - s)`` with ``s = sigmoid(z)``, at most 0.25 (at z = 0).
    """
    z = np.array([-LN3, 0.0, LN3])
    compare.assert_close(student.activations.sigmoid_derivative(z),
                         np.array([0.1875, 0.25, 0.1875]), name="sigmoid_derivative(z)")


# --- relu and its derivative --------------------------------------------------------------------

@pytest.mark.grades("activations.relu", weight=1)
def test_relu_known_values(student: Student) -> None:
    """렐루: 0보다 작으면 0, 크면 그대로 (그림 9-6 ②) / ReLU: 0 below zero, z above."""
    z = np.array([-2.0, 0.0, 3.0])
    compare.assert_close(student.activations.relu(z), np.array([0.0, 0.0, 3.0]), name="relu(z)")


@pytest.mark.grades("activations.relu", weight=1)
def test_relu_keeps_its_input(student: Student) -> None:
    """렐루는 입력 배열 z를 그대로 두고 새 배열을 돌려줍니다. 역전파가 그 z(사전 활성화)를 다시 씁니다.

    ReLU leaves its input z as it was and returns a new array: backpropagation uses that z (the
    pre-activation) again.
    """
    call = student.activations.relu.call(np.array([[-2.0, -0.5], [0.5, 2.0]]))
    compare.assert_close(call.value, np.array([[0.0, 0.0], [0.5, 2.0]]), name="relu(z)")
    compare.assert_not_mutated(call, name="relu")


@pytest.mark.grades("activations.relu_derivative", weight=1)
def test_relu_derivative_known_values(student: Student) -> None:
    """z > 0이면 1.0, 아니면 0.0 — z == 0에서는 0.0으로 정합니다 (계약).

    1.0 where z > 0, else 0.0; at exactly z == 0 the contract chooses 0.0. The result is a
    float64 array (not bool).
    """
    z = np.array([-2.0, 0.0, 3.0])
    compare.assert_close(student.activations.relu_derivative(z), np.array([0.0, 0.0, 1.0]),
                         name="relu_derivative(z)", tol=EXACT)


# --- tanh and its derivative --------------------------------------------------------------------

@pytest.mark.grades("activations.tanh", weight=1)
def test_tanh_known_values(student: Student) -> None:
    """tanh(ln 2) = (4 − 1)/(4 + 1) = 0.6, tanh(0) = 0, 홀함수 / an odd function (그림 9-6 ③)."""
    z = np.array([-LN2, 0.0, LN2])
    compare.assert_close(student.activations.tanh(z), np.array([-0.6, 0.0, 0.6]), name="tanh(z)")


@pytest.mark.grades("activations.tanh_derivative", weight=1)
def test_tanh_derivative_known_values(student: Student) -> None:
    """1 − tanh(z)²: z = ±ln 2에서 1 − 0.36 = 0.64, z = 0에서 1.

    ``1 - z**2``가 아니라 ``1 - tanh(z)**2``입니다 / it is ``1 - tanh(z)**2``, not ``1 - z**2``.
    """
    z = np.array([-LN2, 0.0, LN2])
    compare.assert_close(student.activations.tanh_derivative(z), np.array([0.64, 1.0, 0.64]),
                         name="tanh_derivative(z)")


# --- softplus and its derivative ----------------------------------------------------------------

@pytest.mark.grades("activations.softplus", weight=1)
def test_softplus_known_values(student: Student) -> None:
    """log(1 + e^z): z = 0 → ln 2, z = ln 3 → ln 4, z = −ln 3 → ln(4/3) (그림 9-6 ④)."""
    z = np.array([-LN3, 0.0, LN3])
    want = np.array([np.log(4.0 / 3.0), LN2, np.log(4.0)])
    compare.assert_close(student.activations.softplus(z), want, name="softplus(z)")


@pytest.mark.grades("activations.softplus", weight=1)
def test_softplus_large_inputs_without_warning(student: Student) -> None:
    """softplus(1000) == 1000, softplus(−1000) ≈ 0, 그리고 경고 없이.

    ``np.log(1 + np.exp(z))``는 z = 1000에서 ``inf``가 됩니다. ``np.logaddexp``나
    ``max(z, 0) + log1p(exp(-|z|))``를 생각해 보세요. The plain formula gives ``inf`` at
    z = 1000; think of ``np.logaddexp`` or ``max(z, 0) + log1p(exp(-|z|))``.
    """
    call = student.activations.softplus.call(np.array([-1000.0, 1000.0]))
    # The contract's words: softplus(-1000) ≈ 0 (the course's tolerance), softplus(1000) == 1000.
    got = call.value
    compare.assert_close(got, np.array([0.0, 1000.0]), name="softplus([-1000, 1000])")
    compare.assert_close(got[1], 1000.0, name="softplus(1000)", tol=EXACT)
    compare.assert_no_warnings(call, name="softplus([-1000, 1000])")


@pytest.mark.grades("activations.softplus_derivative", weight=1)
def test_softplus_derivative_known_values(student: Student) -> None:
    """소프트플러스의 미분은 시그모이드: 0.25, 0.5, 0.75 / softplus's derivative is the sigmoid."""
    z = np.array([-LN3, 0.0, LN3])
    compare.assert_close(student.activations.softplus_derivative(z),
                         np.array([0.25, 0.5, 0.75]), name="softplus_derivative(z)")


# --- every derivative is the slope of its function ----------------------------------------------

# The forward functions written out from the lecture, for moderate z only (no stability needed):
# the derivative is checked against the slope of the mathematical function.
FORWARD: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "sigmoid_derivative": lambda z: 1.0 / (1.0 + np.exp(-z)),
    "relu_derivative": lambda z: np.maximum(z, 0.0),
    "tanh_derivative": np.tanh,
    "softplus_derivative": lambda z: np.log1p(np.exp(z)),
}


@pytest.mark.parametrize("name", [
    pytest.param(n, marks=pytest.mark.grades(f"activations.{n}", weight=1), id=n)
    for n in FORWARD
])
def test_derivative_is_the_slope(student: Student, name: str) -> None:
    """미분 = 기울기: ``(f(z + h) − f(z − h)) / 2h``와 비교합니다 (기울기 확인, gradient check).

    숨은 테스트는 같은 검사를 무작위 z에서, 여러분 자신의 순전파 함수로 합니다. 렐루는 꺾이는 점
    z = 0에서는 기울기가 없으므로 그곳은 피합니다. The hidden tests do the same on random z with
    your own forward function; ReLU has no slope at its kink z = 0, so it is avoided.
    """
    z = np.array([-2.0, -0.5, 0.5, 2.0])
    forward = FORWARD[name]
    numeric = gradcheck.elementwise_derivative(lambda zs: [forward(x) for x in zs], z)
    gradcheck.assert_gradient(getattr(student.activations, name)(z), numeric, name=name)


# --- the other elementwise functions at large inputs ---------------------------------------------

# (want at z = -1000 and z = 1000, exact?, warning forbidden?) — the contract's range is
# |z| ≤ 1e4, and exp(1000) overflows: a formula that forms it returns inf or NaN.
AT_LARGE: dict[str, tuple[list[float], bool, bool]] = {
    "sigmoid_derivative": ([0.0, 0.0], False, True),   # s(1-s) with the stable sigmoid
    "relu": ([0.0, 1000.0], True, False),
    "relu_derivative": ([0.0, 1.0], True, False),
    "tanh": ([-1.0, 1.0], False, False),
    "tanh_derivative": ([0.0, 0.0], False, False),
    "softplus_derivative": ([0.0, 1.0], True, True),   # = sigmoid(z), exact limits
}


@pytest.mark.parametrize("name", [
    pytest.param(n, marks=pytest.mark.grades(f"activations.{n}", weight=1), id=n)
    for n in AT_LARGE
])
def test_large_inputs(student: Student, name: str) -> None:
    """z = ±1000에서도 NaN/inf 없이 올바른 값 — 계약은 |z| ≤ 1e4까지 요구합니다.

    ``np.exp(1000)``은 넘쳐서 ``inf``가 되고, ``inf / inf``는 NaN입니다. ``exp``에 큰 양수가
    들어가지 않는 식(예: 안정한 시그모이드, ``np.tanh``)을 쓰세요. 시그모이드로 정의된 두 미분
    (``sigmoid_derivative``, ``softplus_derivative``)은 오버플로 경고도 없어야 합니다.
    At z = ±1000 the right values without NaN or inf (the contract covers |z| up to 1e4):
    ``np.exp(1000)`` overflows to ``inf`` and ``inf / inf`` is NaN, so use a form that never puts
    a large positive number into ``exp`` (the stable sigmoid, ``np.tanh``). The two derivatives
    defined by the sigmoid must not warn either.
    """
    want, exact, no_warning = AT_LARGE[name]
    call = getattr(student.activations, name).call(np.array([-1000.0, 1000.0]))
    label = f"{name}([-1000, 1000])"
    compare.assert_close(call.value, np.array(want), name=label, tol=EXACT if exact else None)
    if no_warning:
        compare.assert_no_warnings(call, name=label)


# --- gradient_through_layers --------------------------------------------------------------------

@pytest.mark.grades("activations.gradient_through_layers", weight=1)
def test_gradient_through_three_sigmoid_layers(student: Student) -> None:
    """z = 0인 시그모이드 층 3개: 0.25 × 0.25 × 0.25 = 0.015625 — 기울기 소실 (그림 9-4).

    렐루는 양수 구간에서 1을 곱하므로 기울기가 그대로 1.0입니다. 결과는 파이썬 float입니다.
    Three sigmoid layers at z = 0 multiply the gradient by 0.25³ = 0.015625 (it vanishes);
    ReLU multiplies by 1 on positive inputs, so the gradient stays 1.0. Returns a Python float.
    """
    grad = student.activations.gradient_through_layers
    compare.assert_close(grad(np.zeros(3), "sigmoid"), 0.015625,
                         name="gradient_through_layers([0, 0, 0], 'sigmoid')")
    compare.assert_close(grad(np.array([1.0, 2.0, 3.0]), "relu"), 1.0,
                         name="gradient_through_layers([1, 2, 3], 'relu')")


@pytest.mark.grades("activations.gradient_through_layers", weight=1)
def test_gradient_through_no_layers_is_one(student: Student) -> None:
    """층이 없으면 빈 곱(empty product) 1.0 / no layers: the empty product, 1.0."""
    compare.assert_close(student.activations.gradient_through_layers(np.array([]), "tanh"), 1.0,
                         name="gradient_through_layers([], 'tanh')", tol=EXACT)


@pytest.mark.grades("activations.gradient_through_layers", weight=1)
def test_gradient_through_layers_unknown_activation(student: Student) -> None:
    """이름은 대소문자를 구분합니다: ``"Sigmoid"``는 ValueError / names are case-sensitive."""
    call = student.activations.gradient_through_layers.call(np.array([0.5]), "Sigmoid")
    compare.assert_raises(call, "ValueError", name="gradient_through_layers(zs, 'Sigmoid')")
