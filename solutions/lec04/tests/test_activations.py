"""활성화 함수의 숨은 채점 스위트 (그림 9-4, 9-5, 9-6).

입력은 실행마다 기록된 시드로 뽑은 무작위 모양과 값이므로 답을 외워 둘 수 없다. 모든 미분은
참조 해답과, 그리고 학생 자신의 순전파 함수에 대한 수치 미분(기울기 확인)과 비교한다.
시그모이드와 소프트플러스는 ±1e3, ±1e4에서 경고 없이 정확한 극한값을 내야 하고, 나머지 원소별 함수도
계약의 범위(|z| ≤ 1e4)의 극단값에서 NaN/inf 없이 참조 해답과 같은 값을 내야 한다.

Hidden suite for the activations (figures 9-4, 9-5, 9-6). Inputs are random shapes and values
drawn from the run's recorded seed, so answers cannot be hard-coded. Every derivative is compared
with the reference and with central finite differences of the student's own forward function;
sigmoid and softplus must give exact limits at ±1e3 and ±1e4 without a warning, and every other
elementwise function must match the reference, without NaN or inf, at extreme inputs of the
contract's range (|z| up to 1e4).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pytest

from grader.suite import (
    Reference,
    Student,
    StudentError,
    compare,
    fail,
    gradcheck,
    random_shape,
)

ELEMENTWISE = [
    "sigmoid", "sigmoid_derivative", "relu", "relu_derivative",
    "tanh", "tanh_derivative", "softplus", "softplus_derivative",
]
# derivative -> the forward function whose slope it is
DERIVATIVES = {
    "sigmoid_derivative": "sigmoid",
    "relu_derivative": "relu",
    "tanh_derivative": "tanh",
    "softplus_derivative": "softplus",
}
ACTIVATIONS = ["sigmoid", "relu", "tanh", "softplus"]
# Where the exact limits must hold: far beyond exp's overflow at about 709.
LARGE = np.array([-1e4, -1e3, 1e3, 1e4])
EXACT = compare.Tolerance(rtol=0.0, atol=0.0)  # the contract's "exact": == in float64
# The contract gives relu_derivative's values exactly: 1.0 where z > 0, else 0.0.
EXACT_VALUES = {"relu_derivative"}


def _tol(name: str) -> compare.Tolerance | None:
    """``EXACT`` where the contract's values are exact, else the course's tolerance (None)."""
    return EXACT if name in EXACT_VALUES else None


def _graded(names: Sequence[str], weight: int) -> list[Any]:
    """One parameter per function, each carrying its own ``grades`` marker."""
    return [
        pytest.param(n, marks=pytest.mark.grades(f"activations.{n}", weight=weight), id=n)
        for n in names
    ]


def _moderate(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """Random signs, magnitudes log-uniform in [0.1, 10] (the course's moderate range).

    With two elements or more, both signs always: a mistake on one side of 0 never passes on a
    lucky seed."""
    return _signs(rng, shape) * 10.0 ** rng.uniform(-1.0, 1.0, size=shape)


def _signs(rng: np.random.Generator, shape: Any) -> np.ndarray:
    """Random signs, both of them whenever there are two elements or more."""
    signs = rng.choice([-1.0, 1.0], size=shape)
    if signs.size >= 2:
        signs.flat[rng.choice(signs.size, size=2, replace=False)] = [-1.0, 1.0]
    return signs


def _forward_slope(student: Student, reference: Reference, forward: str) -> Any:
    """``f_batch`` for finite differences of the student's own forward function.

    학생의 순전파 함수가 틀렸거나 없거나 작업자를 죽이면 참조 해답의 순전파 함수로 차분한다:
    미분 함수는 자기 잘못으로만 점수를 잃어야 하기 때문이다 (EXERCISES.md, Grading intent).
    When the student's forward function is wrong, missing or kills its worker, the reference's
    is differenced instead: a derivative must lose points only for its own mistakes.
    """
    student_f = getattr(student.activations, forward)
    reference_f = getattr(reference.activations, forward)

    def f_batch(zs: Sequence[np.ndarray]) -> list[np.ndarray]:
        want = [np.asarray(reference_f(z)) for z in zs]
        try:
            got = student_f.batch([(z,) for z in zs])
        except StudentError:  # raised, missing, crashed, timed out: not this test's business
            return want
        pairs = zip(got, want, strict=False)
        if len(got) == len(want) and all(compare.values_match(g, w) for g, w in pairs):
            return [np.asarray(g, dtype=np.float64) for g in got]
        return want

    return f_batch


# --- every elementwise function -----------------------------------------------------------------

@pytest.mark.parametrize("name", _graded(ELEMENTWISE, weight=2))
def test_matches_reference_on_random_shapes(student: Student, reference: Reference,
                                            rng: np.random.Generator, name: str) -> None:
    """무작위 모양과 값에서 참조 해답과 같은 값, 모양, float64 / same values, shape, float64."""
    for _ in range(2):
        shape = random_shape(rng)
        z = _moderate(rng, shape if np.prod(shape) >= 2 else (2, *shape[1:]))
        got = getattr(student.activations, name)(z)
        want = np.asarray(getattr(reference.activations, name)(z))
        compare.assert_close(got, want, name=name, tol=_tol(name))


@pytest.mark.parametrize("name", _graded(ELEMENTWISE, weight=1))
def test_zero_dimensional_input(student: Student, reference: Reference,
                                rng: np.random.Generator, name: str) -> None:
    """0차원 배열도 받는다 (결과는 0차원 배열 또는 NumPy 스칼라) / a 0-d input works too."""
    z = np.array(_moderate(rng, ()))
    got = getattr(student.activations, name)(z)
    compare.assert_close(got, np.asarray(getattr(reference.activations, name)(z)), name=name,
                         tol=_tol(name))


@pytest.mark.parametrize("name", _graded(ELEMENTWISE, weight=1))
def test_input_not_modified(student: Student, reference: Reference,
                            rng: np.random.Generator, name: str) -> None:
    """입력 배열을 제자리에서 바꾸지 않는다 / the input array is not modified in place."""
    # Both signs, so that an in-place clip (z[z < 0] = 0) or exp(z, out=z) changes something.
    z = _moderate(rng, (3, 4))
    call = getattr(student.activations, name).call(z)
    compare.assert_close(call.value, np.asarray(getattr(reference.activations, name)(z)), name=name,
                         tol=_tol(name))
    compare.assert_not_mutated(call, name=name)


# --- derivatives: slope of the forward function -------------------------------------------------

@pytest.mark.parametrize("name", _graded(list(DERIVATIVES), weight=2))
def test_derivative_matches_finite_differences(student: Student, reference: Reference,
                                               rng: np.random.Generator, name: str) -> None:
    """미분이 순전파 함수의 수치 미분 기울기와 같다 / the derivative is the slope of the forward function.

    학생 자신의 순전파 함수를 ``z ± h``에서 한 번의 배치 호출로 계산해 차분한다 (렐루는 꺾이는 점
    0에서 멀리 떨어진 곳에서만). Finite differences of the student's own forward function, all
    points in one batched call (ReLU away from its kink at 0).
    """
    z = gradcheck.away_from_kinks(_moderate(rng, random_shape(rng)))
    analytic = getattr(student.activations, name)(z)
    numeric = gradcheck.elementwise_derivative(
        _forward_slope(student, reference, DERIVATIVES[name]), z
    )
    gradcheck.assert_gradient(analytic, numeric, name=name)


@pytest.mark.grades("activations.relu_derivative", weight=2)
def test_relu_derivative_is_zero_at_zero(student: Student) -> None:
    """렐루의 미분은 ``z == 0``에서 정확히 0.0 (계약) / exactly 0.0 at ``z == 0`` (the contract)."""
    z = np.array([-2.5, -0.0, 0.0, 0.0, 1e-12, 3.0])
    got = student.activations.relu_derivative(z)
    compare.assert_close(got, np.array([0.0, 0.0, 0.0, 0.0, 1.0, 1.0]), name="relu_derivative",
                         tol=EXACT)


@pytest.mark.grades("activations.sigmoid_derivative", weight=1)
def test_sigmoid_derivative_peaks_at_a_quarter(student: Student, rng: np.random.Generator) -> None:
    """시그모이드 미분의 최댓값은 z = 0에서 0.25 (그림 9-5) / its maximum is 0.25 at z = 0."""
    z = np.concatenate([[0.0], _moderate(rng, (7,))])
    got = student.activations.sigmoid_derivative(z)
    want = np.concatenate([[0.25], 0.25 / np.cosh(z[1:] / 2.0) ** 2])  # s(1-s) = ¼ sech²(z/2)
    compare.assert_close(got, want, name="sigmoid_derivative")


# --- numerical stability of sigmoid and softplus ------------------------------------------------

@pytest.mark.parametrize("name", _graded(["sigmoid", "softplus"], weight=1))
def test_exact_limits_at_large_inputs(student: Student, name: str) -> None:
    """±1e3, ±1e4에서 정확한 극한값 (nan/inf 없이) / exact limits at ±1e3 and ±1e4, no nan/inf.

    sigmoid → 0, 0, 1, 1; softplus → 0, 0, 1000, 10000 (``softplus(1000) == 1000``).
    """
    want = {"sigmoid": np.array([0.0, 0.0, 1.0, 1.0]),
            "softplus": np.array([0.0, 0.0, 1e3, 1e4])}[name]
    got = getattr(student.activations, name)(LARGE)
    if name == "sigmoid":
        compare.assert_close(got, want, name=name, tol=EXACT)
        return
    # The contract's words: softplus(1000) == 1000 exactly, softplus(-1000) ≈ 0.
    compare.assert_close(got, want, name=name)
    compare.assert_close(got[2:], want[2:], name=f"{name}(z > 0)", tol=EXACT)


# Weight 2: "numerically stable" is the headline of both rows of the contract.
@pytest.mark.parametrize("name", _graded(["sigmoid", "softplus"], weight=2))
def test_no_overflow_warning(student: Student, reference: Reference,
                             rng: np.random.Generator, name: str) -> None:
    """큰 입력에서도 오버플로 경고(RuntimeWarning)가 없다 / no RuntimeWarning for large inputs."""
    z = np.concatenate([LARGE, _moderate(rng, (4,)), -LARGE * rng.uniform(0.5, 1.0, size=4)])
    call = getattr(student.activations, name).call(z)
    compare.assert_close(call.value, np.asarray(getattr(reference.activations, name)(z)), name=name)
    compare.assert_no_warnings(call, name=name)


# --- every other elementwise function at extreme inputs ----------------------------------------

# The contract's range is |z| up to 1e4; exp overflows from z ≈ 709.78, so 710 and beyond is
# where a formula that forms exp(|z|) breaks (inf, then inf/inf = NaN).
EXTREME_FIXED = np.array([-1e4, -1e3, -710.0, 710.0, 1e3, 1e4])
# Rows of the contract that forbid a warning at these inputs: sigmoid_derivative is
# "s * (1 - s) with s = sigmoid(z)" and softplus_derivative is "sigmoid(z)", the sigmoid whose row
# says "no overflow warning". (sigmoid and softplus themselves: test_no_overflow_warning.)
# tanh, relu and their derivatives have no such clause: a correct value is enough there.
EXTREME_NO_WARNING = {"sigmoid_derivative", "softplus_derivative"}
# Rows whose values are exact in float64 at these inputs: relu is max(0, z), relu_derivative is
# 1.0 or 0.0, softplus_derivative is the sigmoid with its exact limits. The others compare with
# the course's tolerance (its absolute part admits tiny values such as 1e-300 for 0).
EXTREME_EXACT = {"relu", "relu_derivative", "softplus_derivative"}
EXTREME = [n for n in ELEMENTWISE if n not in ("sigmoid", "softplus")]


@pytest.mark.parametrize("name", _graded(EXTREME, weight=1))
def test_extreme_inputs(student: Student, reference: Reference, rng: np.random.Generator,
                        name: str) -> None:
    """|z|가 710에서 1e4까지여도 NaN/inf 없이 참조 해답과 같은 값 (계약의 범위).

    At |z| from 710 (where ``exp`` overflows) up to 1e4, the contract's range: the same values as
    the reference, no NaN or inf; exact where the contract's values are exact; no RuntimeWarning
    where the contract forbids one (the derivatives defined by the stable sigmoid).
    """
    magnitudes = 10.0 ** rng.uniform(np.log10(750.0), 4.0, size=6)
    z = np.concatenate([EXTREME_FIXED, rng.choice([-1.0, 1.0], size=6) * magnitudes]).reshape(3, 4)
    call = getattr(student.activations, name).call(z)
    want = np.asarray(getattr(reference.activations, name)(z))
    label = f"{name}(z = ±710 … ±1e4)"
    compare.assert_close(call.value, want, name=label,
                         tol=EXACT if name in EXTREME_EXACT else None)
    if name in EXTREME_NO_WARNING:
        compare.assert_no_warnings(call, name=label)


# --- gradient_through_layers: the vanishing gradient --------------------------------------------

def _path(rng: np.random.Generator, n: int) -> np.ndarray:
    # |z| in [0.1, 2.5]: every factor stays above ~0.03, so the product of a few layers is far
    # above round-off and a relative comparison is meaningful. Both signs: a relu path with a
    # negative layer is 0, whatever the seed (a sum instead of a product shows on every seed).
    return _signs(rng, n) * rng.uniform(0.1, 2.5, size=n)


# Relative only: a product of a few factors is exact to a few ulps, and it can be small enough
# that the course's absolute tolerance would accept almost anything.
PRODUCT = compare.Tolerance(rtol=1e-6, atol=0.0)


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.grades("activations.gradient_through_layers", weight=1)
def test_gradient_through_layers_matches_reference(student: Student, reference: Reference,
                                                   rng: np.random.Generator,
                                                   activation: str) -> None:
    """층마다의 미분값을 곱한 값이 참조 해답과 같고 파이썬 float이다 / the product, as a float."""
    zs = _path(rng, int(rng.integers(2, 7)))
    got = student.activations.gradient_through_layers(zs, activation)
    want = float(reference.activations.gradient_through_layers(zs, activation))
    compare.assert_close(got, want, name=f"gradient_through_layers(zs, {activation!r})",
                         tol=PRODUCT)


@pytest.mark.grades("activations.gradient_through_layers", weight=1)
def test_gradient_through_layers_empty_is_one(student: Student) -> None:
    """층이 없으면 빈 곱 1.0 / no layers: the empty product 1.0, for every activation."""
    calls = student.activations.gradient_through_layers.batch(
        [(np.array([]), a) for a in ACTIVATIONS]
    )
    for activation, got in zip(ACTIVATIONS, calls, strict=True):
        compare.assert_close(got, 1.0, name=f"gradient_through_layers([], {activation!r})",
                             tol=EXACT)


@pytest.mark.grades("activations.gradient_through_layers", weight=1)
def test_gradient_through_layers_rejects_unknown_activation(student: Student) -> None:
    """대소문자가 다르거나 문자열이 아니면 ValueError / ValueError for any other value."""
    zs = np.array([0.5, -1.0])
    for bad in ("Sigmoid", "RELU", None, 3):
        call = student.activations.gradient_through_layers.call(zs, bad)
        compare.assert_raises(call, "ValueError", name=f"gradient_through_layers(zs, {bad!r})")


@pytest.mark.grades("activations.gradient_through_layers", weight=1)
def test_sigmoid_gradient_vanishes(student: Student, reference: Reference,
                                   rng: np.random.Generator) -> None:
    """시그모이드로 n개 층을 지나면 기울기는 0.25**n 이하 (기울기 소실, 그림 9-4).

    Through n sigmoid layers the gradient shrinks to at most 0.25**n: the vanishing gradient.
    """
    n = int(rng.integers(10, 16))
    zs = rng.uniform(-2.0, 2.0, size=n)
    call = student.activations.gradient_through_layers.call(zs, "sigmoid")
    got = call.value
    compare.assert_close(got, float(reference.activations.gradient_through_layers(zs, "sigmoid")),
                         name="gradient_through_layers(zs, 'sigmoid')", tol=PRODUCT)
    if not float(got) <= 0.25**n:
        fail("suite.product", name="gradient_through_layers(zs, 'sigmoid')", n=n, got=repr(got))
    compare.assert_not_mutated(call, name="gradient_through_layers")


@pytest.mark.grades("activations.gradient_through_layers", weight=1)
def test_relu_keeps_the_gradient(student: Student, rng: np.random.Generator) -> None:
    """렐루는 양수 구간에서 1을 곱해 기울기가 그대로 남고, z == 0인 층이 하나라도 있으면 0.

    ReLU multiplies by 1 on positive inputs, so the gradient survives any depth; one layer at
    exactly ``z == 0`` stops it (the derivative is 0.0 there).
    """
    zs = rng.uniform(0.1, 10.0, size=30)
    stopped = zs.copy()
    stopped[int(rng.integers(0, 30))] = 0.0
    got = student.activations.gradient_through_layers.batch([(zs, "relu"), (stopped, "relu")])
    compare.assert_close(got[0], 1.0, name="gradient_through_layers(zs > 0, 'relu')", tol=EXACT)
    compare.assert_close(got[1], 0.0, name="gradient_through_layers([..., 0.0, ...], 'relu')",
                         tol=EXACT)
