"""델타식의 숨은 채점 스위트 (그림 9-2, 9-3, 두 가중치 업데이트 공식).

델타는 오차 ``E = ½ Σ (y_out − y_true)²``의 사전 활성화 값에 대한 기울기이고, 층의 기울기는 그
층의 가중치와 바이어스에 대한 기울기이다. 그래서 참조 해답과 비교할 뿐 아니라, 참조 해답으로 이
신뢰 프로세스 안에서 만든 ``E``의 수치 미분과도 비교한다. 은닉층의 가중치는 정사각이 아니어서
``W_next``와 ``W_next.T``를 혼동하면 드러난다.

Hidden suite for the delta rule (figures 9-2, 9-3, the two weight-update formulas). A delta is
the gradient of ``E = ½ Σ (y_out − y_true)²`` with respect to pre-activations, and a layer's
gradients are those of its weights and bias; so besides the reference, they are checked against
central finite differences of ``E`` built in this (trusted) process from the reference. Weight
matrices are never square, so ``W_next`` instead of ``W_next.T`` is caught.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from grader.suite import Reference, Student, compare, gradcheck, pair


def _dw_db(got: Any, name: str) -> tuple[Any, Any]:
    """The ``(dW, db)`` pair of a gradient function."""
    return pair(got, name, ("dW", "db"))


def _sizes(rng: np.random.Generator) -> tuple[int, int, int]:
    """(n_samples, n_in, n_out) with n_in != n_out and n_samples >= 2 (sum vs mean differ)."""
    n = int(rng.integers(2, 7))
    n_in = int(rng.integers(2, 6))
    n_out = int(rng.choice([k for k in range(1, 6) if k != n_in]))
    return n, n_in, n_out


def _weights(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """Random signs, magnitudes in [0.1, 2]: moderate, and sigmoids stay away from saturation."""
    return rng.choice([-1.0, 1.0], size=shape) * rng.uniform(0.1, 2.0, size=shape)


def _activations(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """Sigmoid outputs in about (0.05, 0.95), as a real layer would produce."""
    return 1.0 / (1.0 + np.exp(-rng.uniform(-3.0, 3.0, size=shape)))


def _targets(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    return rng.uniform(0.0, 1.0, size=shape)


# --- output_delta -------------------------------------------------------------------------------

@pytest.mark.grades("delta_rule.output_delta", weight=2)
def test_output_delta_matches_reference(student: Student, reference: Reference,
                                        rng: np.random.Generator) -> None:
    """무작위 배치에서 참조 해답과 같다 / same as the reference on random batches."""
    for _ in range(2):
        n, _, k = _sizes(rng)
        y_out, y_true = _activations(rng, (n, k)), _targets(rng, (n, k))
        compare.assert_close(student.delta_rule.output_delta(y_out, y_true),
                             reference.delta_rule.output_delta(y_out, y_true), name="output_delta")


@pytest.mark.grades("delta_rule.output_delta", weight=2)
def test_output_delta_is_slope_of_error(student: Student, reference: Reference,
                                        rng: np.random.Generator) -> None:
    """출력층의 델타는 ``dE/dZ``: 오차의 수치 미분과 같다 (델타식 ``out(1-out)``이 빠지면 틀린다).

    The output delta is ``dE/dZ`` for the output pre-activations ``Z``: it equals the central
    difference of ``E`` (forgetting the delta rule's ``out(1-out)`` fails here).
    """
    n, _, k = _sizes(rng)
    z_out, y_true = rng.uniform(-3.0, 3.0, size=(n, k)), _targets(rng, (n, k))
    sigmoid = reference.activations.sigmoid

    def error_per_unit(zs: list[np.ndarray]) -> list[np.ndarray]:
        # E is a sum of one term per unit, so its gradient is elementwise.
        return [0.5 * (sigmoid(z) - y_true) ** 2 for z in zs]

    numeric = gradcheck.elementwise_derivative(error_per_unit, z_out)
    analytic = student.delta_rule.output_delta(sigmoid(z_out), y_true)
    gradcheck.assert_gradient(analytic, numeric, name="output_delta")


@pytest.mark.grades("delta_rule.output_delta", weight=1)
def test_output_delta_does_not_modify_inputs(student: Student, reference: Reference,
                                             rng: np.random.Generator) -> None:
    """입력 배열을 바꾸지 않는다 / the inputs are not modified in place."""
    n, _, k = _sizes(rng)
    y_out, y_true = _activations(rng, (n, k)), _targets(rng, (n, k))
    call = student.delta_rule.output_delta.call(y_out, y_true)
    compare.assert_close(call.value, reference.delta_rule.output_delta(y_out, y_true),
                         name="output_delta")
    compare.assert_not_mutated(call, name="output_delta")


# --- hidden_delta -------------------------------------------------------------------------------

@pytest.mark.grades("delta_rule.hidden_delta", weight=2)
def test_hidden_delta_matches_reference(student: Student, reference: Reference,
                                        rng: np.random.Generator) -> None:
    """정사각이 아닌 ``W_next``로 참조 해답과 같다 / same as the reference, non-square ``W_next``.

    ``W_next``의 모양은 ``(n_hidden, n_next)``이고 ``n_hidden != n_next``이므로, 전치를 빠뜨리면
    모양이 맞지 않는다. ``W_next`` has shape ``(n_hidden, n_next)`` with ``n_hidden != n_next``,
    so a missing transpose cannot go unnoticed.
    """
    for _ in range(2):
        n, h, k = _sizes(rng)
        y_hidden, w_next = _activations(rng, (n, h)), _weights(rng, (h, k))
        delta_next = _weights(rng, (n, k)) * 0.1
        compare.assert_close(student.delta_rule.hidden_delta(y_hidden, w_next, delta_next),
                             reference.delta_rule.hidden_delta(y_hidden, w_next, delta_next),
                             name="hidden_delta")


@pytest.mark.grades("delta_rule.hidden_delta", weight=1)
def test_hidden_delta_with_square_weights(student: Student, reference: Reference,
                                          rng: np.random.Generator) -> None:
    """정사각 ``W_next``에서도 같다: 전치를 빠뜨리면 오류 대신 틀린 값이 나온다.

    With a square ``W_next`` a missing transpose gives wrong numbers instead of a shape error.
    """
    n, h = int(rng.integers(2, 7)), int(rng.integers(2, 6))
    y_hidden, w_next = _activations(rng, (n, h)), _weights(rng, (h, h))
    delta_next = _weights(rng, (n, h)) * 0.1
    compare.assert_close(student.delta_rule.hidden_delta(y_hidden, w_next, delta_next),
                         reference.delta_rule.hidden_delta(y_hidden, w_next, delta_next),
                         name="hidden_delta")


@pytest.mark.grades("delta_rule.hidden_delta", weight=2)
def test_hidden_delta_is_slope_of_error(student: Student, reference: Reference,
                                        rng: np.random.Generator) -> None:
    """은닉층의 델타는 은닉층 사전 활성화 값에 대한 ``dE/dZ_h``: 두 층 신경망 ``E``의 수치 미분과 같다.

    The hidden delta is ``dE/dZ_h`` of a two-layer sigmoid network (second weight-update formula):
    it equals the central difference of ``E`` with respect to the hidden pre-activations.
    """
    n, h, k = _sizes(rng)
    z_hidden = rng.uniform(-2.0, 2.0, size=(n, h))
    w_next, b_next = _weights(rng, (h, k)), _weights(rng, (k,))
    y_true = _targets(rng, (n, k))
    sigmoid = reference.activations.sigmoid

    def error(zs: list[np.ndarray]) -> list[float]:
        return [0.5 * float(np.sum((sigmoid(sigmoid(z) @ w_next + b_next) - y_true) ** 2))
                for z in zs]

    numeric = gradcheck.central_difference(error, z_hidden)
    y_hidden = sigmoid(z_hidden)
    delta_next = reference.delta_rule.output_delta(sigmoid(y_hidden @ w_next + b_next), y_true)
    analytic = student.delta_rule.hidden_delta(y_hidden, w_next, delta_next)
    gradcheck.assert_gradient(analytic, numeric, name="hidden_delta")


@pytest.mark.grades("delta_rule.hidden_delta", weight=1)
def test_hidden_delta_does_not_modify_inputs(student: Student, reference: Reference,
                                             rng: np.random.Generator) -> None:
    """입력 배열을 바꾸지 않는다 / the inputs are not modified in place."""
    n, h, k = _sizes(rng)
    y_hidden, w_next = _activations(rng, (n, h)), _weights(rng, (h, k))
    delta_next = _weights(rng, (n, k)) * 0.1
    call = student.delta_rule.hidden_delta.call(y_hidden, w_next, delta_next)
    compare.assert_close(call.value,
                         reference.delta_rule.hidden_delta(y_hidden, w_next, delta_next),
                         name="hidden_delta")
    compare.assert_not_mutated(call, name="hidden_delta")


# --- layer_gradients ----------------------------------------------------------------------------

@pytest.mark.grades("delta_rule.layer_gradients", weight=2)
def test_layer_gradients_match_reference(student: Student, reference: Reference,
                                         rng: np.random.Generator) -> None:
    """``(dW, db)``의 값과 모양이 참조 해답과 같다 (``db``는 샘플에 대한 합) / same tuple as the reference.

    ``n_samples >= 2``이므로 합 대신 평균을 쓰면 틀린다; ``n_in != n_out``이므로 모양을 바꿔 쓰면
    틀린다. With at least two samples a mean instead of a sum fails; with ``n_in != n_out`` a
    transposed ``dW`` fails.
    """
    for _ in range(2):
        n, m, k = _sizes(rng)
        a_in, delta = _activations(rng, (n, m)), _weights(rng, (n, k)) * 0.1
        dw, db = reference.delta_rule.layer_gradients(a_in, delta)
        compare.assert_close(student.delta_rule.layer_gradients(a_in, delta), (dw, db),
                             name="layer_gradients")


@pytest.mark.grades("delta_rule.layer_gradients", weight=2)
def test_layer_gradients_are_slopes_of_error(student: Student, reference: Reference,
                                             rng: np.random.Generator) -> None:
    """한 시그모이드 층 ``Y = sigmoid(A @ W + b)``에서 ``dW``, ``db``가 ``E``의 수치 미분과 같다.

    For one sigmoid layer ``Y = sigmoid(A @ W + b)`` with ``delta = output_delta(Y, T)``,
    ``layer_gradients(A, delta)`` equals the central differences of ``E`` in ``W`` and in ``b``.
    """
    n, m, k = _sizes(rng)
    a_in = _weights(rng, (n, m))
    w, b, y_true = _weights(rng, (m, k)), _weights(rng, (k,)), _targets(rng, (n, k))
    sigmoid = reference.activations.sigmoid

    def error(weights: np.ndarray, bias: np.ndarray) -> float:
        return 0.5 * float(np.sum((sigmoid(a_in @ weights + bias) - y_true) ** 2))

    numeric_w = gradcheck.central_difference(lambda ws: [error(x, b) for x in ws], w)
    numeric_b = gradcheck.central_difference(lambda bs: [error(w, x) for x in bs], b)
    delta = reference.delta_rule.output_delta(sigmoid(a_in @ w + b), y_true)
    dw, db = _dw_db(student.delta_rule.layer_gradients(a_in, delta), "layer_gradients")
    gradcheck.assert_gradient(dw, numeric_w, name="layer_gradients: dW")
    gradcheck.assert_gradient(db, numeric_b, name="layer_gradients: db")


@pytest.mark.grades("delta_rule.layer_gradients", weight=1)
def test_layer_gradients_do_not_modify_inputs(student: Student, reference: Reference,
                                              rng: np.random.Generator) -> None:
    """입력 배열을 바꾸지 않는다 / the inputs are not modified in place."""
    n, m, k = _sizes(rng)
    a_in, delta = _activations(rng, (n, m)), _weights(rng, (n, k)) * 0.1
    call = student.delta_rule.layer_gradients.call(a_in, delta)
    compare.assert_close(call.value, tuple(reference.delta_rule.layer_gradients(a_in, delta)),
                         name="layer_gradients")
    compare.assert_not_mutated(call, name="layer_gradients")
