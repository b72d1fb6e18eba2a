"""Tests of grader.grading.gradcheck on functions with known derivatives, and of its failure messages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from grader.boundary.wire import Unsupported
from grader.grading import gradcheck
from grader.grading.gradcheck import (
    DEFAULT_STEP,
    assert_gradient,
    away_from_kinks,
    central_difference,
    check_directional,
    check_gradient,
    directional_difference,
    elementwise_derivative,
    relative_error,
)


class Batch:
    """An ``f_batch`` that evaluates ``f`` in-process and records every call (one per message)."""

    def __init__(self, f: Callable[[np.ndarray], Any]) -> None:
        self.f = f
        self.calls: list[list[np.ndarray]] = []

    def __call__(self, points: list[np.ndarray]) -> list[Any]:
        self.calls.append([p.copy() for p in points])
        return [self.f(p) for p in points]


def cube_sum(x: np.ndarray) -> float:
    return float(np.sum(x**3))


def sin_sum(x: np.ndarray) -> float:
    return float(np.sum(np.sin(x)))


# A matrix function: the delta rule's squared error of one sigmoid layer, E(W) = ½‖σ(XW) − Y‖².
X = np.array([[0.5, -1.0, 2.0], [1.5, 0.3, -0.7], [-0.2, 0.8, 0.1], [1.0, 1.0, 1.0]])
Y = np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0]])


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def layer_error(W: np.ndarray) -> float:
    return float(0.5 * np.sum((sigmoid(X @ W) - Y) ** 2))


def layer_gradient(W: np.ndarray) -> np.ndarray:
    out = sigmoid(X @ W)
    return X.T @ ((out - Y) * out * (1 - out))  # the lecture's out(1-out)


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(12345)


# ---- the step and relative_error ---------------------------------------------------------------


def test_default_step_balances_truncation_and_round_off() -> None:
    eps = np.finfo(np.float64).eps
    assert DEFAULT_STEP == 1e-5
    assert 0.5 < DEFAULT_STEP / eps ** (1 / 3) < 2.0
    # The kink margin is many steps wide, so x ± h never crosses a kink.
    assert away_from_kinks(np.array([0.0]))[0] > 50 * DEFAULT_STEP


def test_relative_error() -> None:
    assert relative_error(np.ones(3), np.ones(3)) == 0.0
    assert relative_error(np.array([1.0, 2.0]), np.array([1.0, 3.0])) == pytest.approx(0.2)
    assert relative_error(0.0, 1e-12) == pytest.approx(1e-4)  # the 1e-8 floor
    assert relative_error(np.zeros(0), np.zeros(0)) == 0.0
    assert np.isnan(relative_error(np.array([np.nan]), np.array([1.0])))
    with pytest.raises(ValueError, match="shapes"):
        relative_error(np.zeros(2), np.zeros(3))


# ---- central_difference -----------------------------------------------------------------------


def test_central_difference_of_cube_sum(rng: np.random.Generator) -> None:
    x = rng.uniform(0.1, 3.0, size=(3, 4)) * rng.choice([-1, 1], size=(3, 4))
    f = Batch(cube_sum)
    grad = central_difference(f, x)
    assert grad.shape == x.shape and grad.dtype == np.float64
    np.testing.assert_allclose(grad, 3 * x**2, rtol=1e-8, atol=1e-9)
    # One f_batch call with all 2·size points: +h points first, then -h points.
    assert len(f.calls) == 1 and len(f.calls[0]) == 2 * x.size
    plus, minus = f.calls[0][:12], f.calls[0][12:]
    diff = plus[5] - x
    assert diff[1, 1] == pytest.approx(DEFAULT_STEP) and np.count_nonzero(diff) == 1
    assert (minus[5] - x)[1, 1] == pytest.approx(-DEFAULT_STEP)


def test_central_difference_of_sin(rng: np.random.Generator) -> None:
    x = rng.uniform(-3, 3, size=7)
    np.testing.assert_allclose(central_difference(Batch(sin_sum), x), np.cos(x), atol=1e-9)


def test_central_difference_of_a_matrix_function(rng: np.random.Generator) -> None:
    W = rng.normal(size=(3, 2))
    numeric = central_difference(Batch(layer_error), W, h=1e-6)
    np.testing.assert_allclose(numeric, layer_gradient(W), rtol=1e-6, atol=1e-9)


def test_central_difference_scalar_and_int_inputs() -> None:
    assert central_difference(Batch(cube_sum), 2.0) == pytest.approx(12.0)
    grad = central_difference(Batch(cube_sum), np.array([1, 2]))
    assert grad.dtype == np.float64
    np.testing.assert_allclose(grad, [3.0, 12.0], rtol=1e-8)


def test_central_difference_does_not_modify_x() -> None:
    x = np.array([1.0, 2.0])
    central_difference(Batch(cube_sum), x)
    assert x.tolist() == [1.0, 2.0]


def test_central_difference_refuses_huge_inputs() -> None:
    with pytest.raises(ValueError, match="check_directional"):
        central_difference(Batch(cube_sum), np.zeros(gradcheck.MAX_ELEMENTWISE_SIZE + 1))


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        (Unsupported("Foo", "x"), "f(x ± h) must be a float, returned Foo"),
        ([1.0], "f(x ± h) must be a float, returned list"),
        (np.array([1.0]), "f(x ± h) must have shape (), returned (1,)"),
        (np.float32(1.0), "f(x ± h) must be float64, returned dtype float32"),
        (True, "f(x ± h) must be a float, returned bool"),
        (None, "f(x ± h) must be a float, returned None"),
    ],
)
def test_central_difference_checks_what_f_returns(value: Any, fragment: str) -> None:
    with pytest.raises(AssertionError) as info:
        central_difference(Batch(lambda x: value), np.zeros(2), name="loss")
    message = str(info.value)
    assert message.startswith("loss: 수치 미분 중")
    assert f"loss: during finite differences {fragment}" in message


def test_central_difference_accepts_scalar_like_results() -> None:
    for value in (1, 1.5, np.float64(1.5), np.int64(1), np.array(1.5)):
        constant = central_difference(Batch(lambda x, v=value: v), [0.0])  # type: ignore[misc]
        np.testing.assert_array_equal(constant, [0.0])
    # An ndarray of results (a reference function batching itself) is fine too.
    grad = central_difference(lambda xs: np.array([cube_sum(p) for p in xs]), np.array([1.0]))
    assert grad[0] == pytest.approx(3.0)


def test_central_difference_wrong_number_of_results() -> None:
    with pytest.raises(AssertionError) as info:
        central_difference(lambda xs: xs[:-1], np.zeros(2), name="loss")
    assert str(info.value).endswith(
        "loss: expected a list of 4 values (one per point), returned list of length 3"
    )
    with pytest.raises(AssertionError, match="returned Foo"):
        central_difference(lambda xs: Unsupported("Foo", ""), np.zeros(2), name="loss")


def test_central_difference_names_the_point_where_f_is_not_finite() -> None:
    def f(x: np.ndarray) -> float:
        return float("nan") if x[1, 0] < 0 else float(np.sum(x))

    with pytest.raises(AssertionError) as info:
        central_difference(Batch(f), np.zeros((2, 2)), name="loss")
    assert str(info.value) == (
        "loss: 수치 미분 중 f(x[1, 0] - h) 값이 유한한 수가 아닙니다(nan) / "
        "loss: during finite differences f(x[1, 0] - h) = nan — it must be finite"
    )


# ---- elementwise_derivative --------------------------------------------------------------------


def test_elementwise_derivative_of_sin(rng: np.random.Generator) -> None:
    z = rng.uniform(-3, 3, size=(2, 3))
    f = Batch(np.sin)
    d = elementwise_derivative(f, z)
    np.testing.assert_allclose(d, np.cos(z), atol=1e-9)
    # Exactly one call with exactly two points, z + h and z - h.
    assert len(f.calls) == 1 and len(f.calls[0]) == 2
    np.testing.assert_array_equal(f.calls[0][0], z + DEFAULT_STEP)
    np.testing.assert_array_equal(f.calls[0][1], z - DEFAULT_STEP)


def test_elementwise_derivative_of_sigmoid(rng: np.random.Generator) -> None:
    z = rng.uniform(-5, 5, size=10)
    s = sigmoid(z)
    np.testing.assert_allclose(elementwise_derivative(Batch(sigmoid), z), s * (1 - s), atol=1e-10)


def test_elementwise_derivative_accepts_a_stacked_array() -> None:
    z = np.array([0.1, 0.2])
    d = elementwise_derivative(lambda zs: np.sin(np.stack(zs)), z)
    np.testing.assert_allclose(d, np.cos(z), atol=1e-9)


def test_elementwise_derivative_zero_d() -> None:
    assert elementwise_derivative(Batch(np.sin), 0.5) == pytest.approx(np.cos(0.5))
    # A NumPy scalar (what np.sin gives for a 0-d input) or a float is accepted for 0-d z.
    assert elementwise_derivative(lambda zs: [float(np.sin(z)) for z in zs], np.array(0.5)) == (
        pytest.approx(np.cos(0.5))
    )


@pytest.mark.parametrize(
    ("result", "fragment"),
    [
        (
            lambda zs: [np.sin(zs[0])],
            "expected a list of 2 values (one per point), returned list of length 1",
        ),
        (lambda zs: [list(z) for z in zs], "f(z + h) must be an ndarray, returned list"),
        (lambda zs: [z[:2] for z in zs], "f(z + h) must have shape (3,), returned (2,)"),
        (lambda zs: [z.astype(np.float32) for z in zs], "must be float64, returned dtype float32"),
        (
            lambda zs: [zs[0], np.where(zs[1] < 0.5, np.nan, zs[1])],
            "f(z - h)[0] = nan — it must be finite",
        ),
    ],
)
def test_elementwise_derivative_checks_what_f_returns(result: Any, fragment: str) -> None:
    with pytest.raises(AssertionError) as info:
        elementwise_derivative(result, np.array([0.2, 1.0, 2.0]), name="sigmoid")
    assert fragment in str(info.value)
    assert str(info.value).startswith("sigmoid: ")


# ---- directional_difference ----------------------------------------------------------------------


def test_directional_difference(rng: np.random.Generator) -> None:
    W = rng.normal(size=(3, 2))
    d = rng.normal(size=(5, 3, 2))
    f = Batch(layer_error)
    numeric = directional_difference(f, W, d)
    want = np.tensordot(d, layer_gradient(W), axes=2)
    np.testing.assert_allclose(numeric, want, rtol=1e-7, atol=1e-9)
    assert len(f.calls) == 1 and len(f.calls[0]) == 10


def test_directional_difference_scale_and_zero_direction() -> None:
    x = np.array([1.0, 2.0])
    d = np.array([[1.0, 0.0], [1000.0, 0.0], [0.0, 0.0]])
    numeric = directional_difference(Batch(cube_sum), x, d)
    np.testing.assert_allclose(numeric, [3.0, 3000.0, 0.0], rtol=1e-8)


def test_directional_difference_shape_mismatch() -> None:
    with pytest.raises(ValueError, match=r"expected \(k, \*x.shape\)"):
        directional_difference(Batch(cube_sum), np.zeros((2, 2)), np.zeros((3, 4)))


# ---- assert_gradient -----------------------------------------------------------------------------


def test_assert_gradient_passes_on_the_right_gradient(rng: np.random.Generator) -> None:
    x = rng.normal(size=(3, 2))
    numeric = central_difference(Batch(cube_sum), x)
    assert_gradient(3 * x**2, numeric, name="∂/∂x")


def test_assert_gradient_names_the_worst_element() -> None:
    numeric = np.full((4, 2), 0.25)
    analytic = numeric.copy()
    analytic[3, 1] = 0.19
    with pytest.raises(AssertionError) as info:
        assert_gradient(analytic, numeric, name="∂/∂z")
    assert str(info.value) == (
        "∂/∂z[3, 1]: 반환값 0.19, 수치 미분 값 0.25 "
        "(차이 0.06, 허용 오차 2.6e-06, 원소 8개 중 1개가 틀림) / "
        "∂/∂z[3, 1]: got 0.19, finite difference 0.25 "
        "(|difference| 0.06, tolerance 2.6e-06; 1 of 8 elements differ)"
    )


def test_assert_gradient_tolerances() -> None:
    numeric = np.array([1.0, 0.0])
    assert_gradient(np.array([1.0 + 9e-6, 9e-8]), numeric, name="g")
    with pytest.raises(AssertionError):
        assert_gradient(np.array([1.0 + 2e-5, 0.0]), numeric, name="g")
    with pytest.raises(AssertionError):
        assert_gradient(np.array([1.0, 2e-7]), numeric, name="g")
    assert_gradient(np.array([1.1, 0.0]), numeric, name="g", rtol=0.2)


@pytest.mark.parametrize(
    ("analytic", "fragment"),
    [
        ([0.25, 0.25], "g: expected ndarray, returned list"),
        (Unsupported("Foo", ""), "g: expected ndarray, returned Foo"),
        (np.zeros((2, 1)), "g: expected shape (2,), returned shape (2, 1)"),
        (np.zeros(2, dtype=np.float32), "g: expected dtype float64, returned dtype float32"),
        (np.array([np.nan, 0.25]), "g[0]: got nan, not a finite number; finite difference 0.25"),
    ],
)
def test_assert_gradient_type_shape_dtype_nan(analytic: Any, fragment: str) -> None:
    with pytest.raises(AssertionError) as info:
        assert_gradient(analytic, np.array([0.25, 0.25]), name="g")
    assert fragment in str(info.value)


def test_assert_gradient_zero_d() -> None:
    assert_gradient(np.float64(2.0), np.array(2.0), name="g")
    assert_gradient(np.array(2.0), 2.0, name="g")
    with pytest.raises(AssertionError, match="g: got 3, finite difference 2"):
        assert_gradient(np.float64(3.0), 2.0, name="g")


# ---- check_gradient (element-wise mode) -------------------------------------------------------


def test_check_gradient_on_known_functions(rng: np.random.Generator) -> None:
    x = rng.normal(size=(2, 3))
    numeric = check_gradient(Batch(cube_sum), x, 3 * x**2, name="∂/∂x")
    assert numeric.shape == x.shape
    check_gradient(Batch(sin_sum), x, np.cos(x), name="∂/∂x")
    W = rng.normal(size=(3, 2))
    check_gradient(Batch(layer_error), W, layer_gradient(W), name="dE/dW")


def test_check_gradient_fails_on_a_wrong_gradient_and_names_the_element(
    rng: np.random.Generator,
) -> None:
    W = rng.normal(size=(3, 2))
    wrong = layer_gradient(W)
    wrong[2, 1] *= 1.5  # one wrong entry
    with pytest.raises(AssertionError) as info:
        check_gradient(Batch(layer_error), W, wrong, name="dE/dW")
    message = str(info.value)
    assert message.startswith("dE/dW[2, 1]: ")
    assert "수치 미분 값" in message
    assert "dE/dW[2, 1]: got " in message and ", finite difference " in message
    assert "1 of 6 elements differ" in message


def test_check_gradient_catches_a_missing_derivative_factor(rng: np.random.Generator) -> None:
    # Forgetting out(1-out) — a classic delta-rule mistake — is far outside the tolerance.
    W = rng.normal(size=(3, 2))
    out = sigmoid(X @ W)
    wrong = X.T @ (out - Y)
    with pytest.raises(AssertionError, match="6 of 6 elements differ"):
        check_gradient(Batch(layer_error), W, wrong, name="dE/dW")


def test_check_gradient_checks_the_type_before_calling_f() -> None:
    f = Batch(cube_sum)
    with pytest.raises(AssertionError, match="g: expected shape \\(2,\\), returned shape \\(3,\\)"):
        check_gradient(f, np.zeros(2), np.zeros(3), name="g")
    with pytest.raises(AssertionError, match="g: expected ndarray, returned list"):
        check_gradient(f, np.zeros(2), [0.0, 0.0], name="g")
    assert f.calls == []


def test_check_gradient_with_kinks_needs_away_from_kinks(rng: np.random.Generator) -> None:
    def relu_sum(x: np.ndarray) -> float:
        return float(np.sum(np.maximum(x, 0.0)))

    x = np.array([-0.5, 0.0, 2e-6, 0.7])
    derivative = (x > 0).astype(np.float64)  # the contract: 0.0 at z == 0
    with pytest.raises(AssertionError, match=r"g\[1\]: got 0, finite difference 0.5"):
        check_gradient(Batch(relu_sum), x, derivative, name="g")
    safe = away_from_kinks(x)
    check_gradient(Batch(relu_sum), safe, (safe > 0).astype(np.float64), name="g")


# ---- check_directional -------------------------------------------------------------------------


def test_check_directional_passes(rng: np.random.Generator) -> None:
    W = rng.normal(size=(3, 2))
    f = Batch(layer_error)
    d = check_directional(f, W, layer_gradient(W), rng, name="dE/dW")
    assert d.shape == (8, 3, 2)
    np.testing.assert_allclose(np.sqrt((d**2).sum(axis=(1, 2))), 1.0)
    assert len(f.calls) == 1 and len(f.calls[0]) == 16


def test_check_directional_fails_on_a_wrong_gradient(rng: np.random.Generator) -> None:
    x = rng.normal(size=50)
    wrong = 3 * x**2
    wrong[17] += 0.5
    with pytest.raises(AssertionError) as info:
        check_directional(Batch(cube_sum), x, wrong, rng, name="∂/∂x", n_directions=4)
    message = str(info.value)
    assert message.startswith("∂/∂x: 무작위 방향 d[")
    assert "]에서 기울기·d = " in message and "수치 미분 값" in message
    assert "∂/∂x: along random direction d[" in message
    assert "4 of 4 directions differ" in message


def test_check_directional_transposed_gradient_fails(rng: np.random.Generator) -> None:
    W = rng.normal(size=(2, 2))
    X2 = np.array([[1.0, 2.0], [-0.5, 0.3]])

    def f(w: np.ndarray) -> float:
        return float(np.sum(np.tanh(X2 @ w)))

    right = X2.T @ (1 - np.tanh(X2 @ W) ** 2)
    check_directional(Batch(f), W, right, rng, name="g")
    with pytest.raises(AssertionError, match="directions differ"):
        check_directional(Batch(f), W, right.T, rng, name="g")


def test_check_directional_nan_and_type(rng: np.random.Generator) -> None:
    x = np.ones(3)
    with pytest.raises(AssertionError, match="directions differ"):
        check_directional(Batch(cube_sum), x, np.array([3.0, np.nan, 3.0]), rng, name="g")
    with pytest.raises(AssertionError, match="g: expected dtype float64, returned dtype int64"):
        check_directional(Batch(cube_sum), x, np.array([3, 3, 3]), rng, name="g")


def test_check_directional_is_reproducible() -> None:
    x = np.ones(4)
    a = check_directional(Batch(cube_sum), x, 3 * x**2, np.random.default_rng(7), name="g")
    b = check_directional(Batch(cube_sum), x, 3 * x**2, np.random.default_rng(7), name="g")
    np.testing.assert_array_equal(a, b)


# ---- away_from_kinks -----------------------------------------------------------------------------


def test_away_from_kinks_moves_only_close_values() -> None:
    x = np.array([[-1e-4, 0.0], [2e-4, 0.5]])
    out = away_from_kinks(x)
    np.testing.assert_array_equal(out, [[-1e-3, 1e-3], [1e-3, 0.5]])
    assert x[0, 1] == 0.0  # a new array
    assert out.dtype == np.float64


def test_away_from_kinks_several_kinks_and_margin() -> None:
    out = away_from_kinks(np.array([0.99, 1.001, -1.0, 3.0]), kinks=(1.0, -1.0), margin=0.05)
    np.testing.assert_allclose(out, [0.95, 1.05, -0.95, 3.0])
    assert away_from_kinks([0, 1], kinks=()).tolist() == [0.0, 1.0]


def test_away_from_kinks_kinks_too_close() -> None:
    with pytest.raises(ValueError, match="apart"):
        away_from_kinks(np.zeros(2), kinks=(0.0, 1e-3))
