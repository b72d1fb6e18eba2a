"""숨은 채점 스위트: 다층 퍼셉트론의 순전파와 오차 역전파 (backprop).

Hidden suite for ``backprop``: forward pass, the delta rule's error ``E``, backpropagation,
one gradient-descent step, XOR training and the vanishing gradient (figures 9-2, 9-3, 9-4).

입력은 매 실행마다 ``rng`` 에서 새로 뽑으므로 답을 외워 둘 수 없다. 기울기는 참조 해답의
순전파와 오차로 계산한 수치 미분(central difference)과, 그리고 참조 해답과 비교한다.
Inputs are drawn from ``rng`` on every run, so answers cannot be hard-coded. Gradients are
checked against central finite differences of the reference forward pass and error (computed
in this process: fast and trusted) and against the reference solution.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import numpy as np
import pytest

from grader.suite import (
    Reference,
    Student,
    compare,
    fail_returns,
    fail_shape,
    gradcheck,
    joined,
    layers,
    part,
)
from grader.suite import fail as _fail
from grader.suite import pair as _pair
from grader.suite import signed as _signed

Params = dict[str, np.ndarray]

XOR_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_Y = np.array([[0.0], [1.0], [1.0], [0.0]])

# ReLU's kink: finite differences are only valid when no pre-activation lies within reach of
# the step h, so ReLU networks are redrawn until every hidden |Z| exceeds this margin.
KINK_MARGIN = 1e-2


# ---------------------------------------------------------------------------------------------
# helpers (no conftest: suites are collected with --noconftest)


def _layer_sizes(rng: np.random.Generator, n_layers: int) -> list[int]:
    """[n_in, hidden..., n_out]: inputs 1..5, hidden 2..5 units, 1..3 outputs."""
    hidden = [int(n) for n in rng.integers(2, 6, size=n_layers - 1)]
    return [int(rng.integers(1, 6)), *hidden, int(rng.integers(1, 4))]


def _random_params(rng: np.random.Generator, sizes: Sequence[int]) -> Params:
    params: Params = {}
    for layer, (n_in, n_out) in enumerate(itertools.pairwise(sizes), start=1):
        params[f"W{layer}"] = _signed(rng, 0.2, 1.5, (n_in, n_out))
        # A non-zero bias, so that forgetting it cannot go unnoticed.
        params[f"b{layer}"] = _signed(rng, 0.1, 1.0, n_out)
    return params


def _network(
    rng: np.random.Generator, reference: Reference, n_layers: int, hidden_activation: str
) -> tuple[Params, np.ndarray, np.ndarray]:
    """Random (params, X, y) with 2..6 samples, valid for finite differences.

    ReLU networks are redrawn until no hidden pre-activation is near the kink at 0 and every
    hidden layer has an active unit (so that the gradient reaches the first layer).
    """
    for _ in range(200):
        sizes = _layer_sizes(rng, n_layers)
        n_samples = int(rng.integers(2, 7))
        params = _random_params(rng, sizes)
        X = _signed(rng, 0.1, 2.0, (n_samples, sizes[0]))
        y = rng.uniform(0.0, 1.0, size=(n_samples, sizes[-1]))
        if hidden_activation != "relu":
            return params, X, y
        _, cache = reference.backprop.forward(params, X, hidden_activation="relu")
        hidden_z = [cache[f"Z{layer}"] for layer in range(1, n_layers)]
        if all(np.abs(z).min() > KINK_MARGIN and (z > 0).any() for z in hidden_z):
            return params, X, y
    raise RuntimeError("could not draw a ReLU network away from the kink")  # pragma: no cover


def _numerical_gradient(
    reference: Reference, params: Params, X: np.ndarray, y: np.ndarray, hidden_activation: str
) -> Params:
    """Central differences of loss(forward(params, X), y) over every parameter at once."""
    keys = list(params)
    shapes = [params[k].shape for k in keys]
    sizes = [params[k].size for k in keys]

    def unflatten(theta: np.ndarray) -> Params:
        parts = np.split(theta, np.cumsum(sizes)[:-1])
        return {k: part.reshape(shape) for k, part, shape in zip(keys, parts, shapes, strict=True)}

    def f_batch(thetas: Sequence[np.ndarray]) -> list[float]:
        # Every point in ONE reference forward pass: it broadcasts over a leading axis of
        # stacked parameters (W: (P, n_in, n_out), b: (P, 1, n_out)), so 2·size points cost
        # about one pass instead of 2·size of them. E = ½ Σ (y_out − y)² per point, as the
        # contract defines it (the reference's loss sums over every point at once).
        bp = reference.backprop
        count = len(thetas)
        parts = np.split(np.stack(thetas), np.cumsum(sizes)[:-1], axis=1)
        stacked = {
            k: part.reshape((count, *shape) if len(shape) == 2 else (count, 1, *shape))
            for k, part, shape in zip(keys, parts, shapes, strict=True)
        }
        y_out, _ = bp.forward(stacked, X, hidden_activation=hidden_activation)
        return list(0.5 * ((y_out - y) ** 2).sum(axis=(1, 2)))

    theta0 = np.concatenate([params[k].ravel() for k in keys])
    return unflatten(gradcheck.central_difference(f_batch, theta0))


def _assert_param_dict(got: Any, keys: Sequence[str], name: str) -> None:
    """``got`` is a dict with exactly ``keys`` (values are checked by the caller)."""
    if not isinstance(got, dict):
        fail_returns(name, "dict", got)
    missing = [k for k in keys if k not in got]
    extra = [k for k in got if k not in keys]
    if missing or extra:
        _fail("suite.keys", name=name, missing=missing, extra=extra)


def _assert_forward(got: Any, want: tuple[np.ndarray, dict[str, np.ndarray]], name: str) -> None:
    """(y_out, cache) equal the reference; the cache may hold extra keys of the student's own."""
    y_out, cache = _pair(got, name)
    compare.assert_close(y_out, want[0], name=part(name, "y_out"))
    compare.assert_close(cache, want[1], name=part(name, "cache"), extra_keys_ok=True)


def _assert_backward_fd(
    student: Student,
    reference: Reference,
    params: Params,
    X: np.ndarray,
    y: np.ndarray,
    hidden_activation: str,
) -> None:
    """backward(...) equals the finite-difference gradient of E, then the reference."""
    _, cache = reference.backprop.forward(params, X, hidden_activation=hidden_activation)
    call = student.backprop.backward.call(params, cache, y, hidden_activation=hidden_activation)
    grads = call.value
    name = layers("backward", len(params) // 2, f", hidden_activation={hidden_activation!r}")
    _assert_param_dict(grads, list(params), name)
    numeric = _numerical_gradient(reference, params, X, y, hidden_activation)
    for key in params:
        gradcheck.assert_gradient(grads[key], numeric[key], name=part(name, f"dE/d{key}"))
    want = reference.backprop.backward(params, cache, y, hidden_activation=hidden_activation)
    compare.assert_close(grads, want, name=name)
    compare.assert_not_mutated(call, name=name)


# ---------------------------------------------------------------------------------------------
# forward


@pytest.mark.grades("backprop.forward", weight=2)
@pytest.mark.parametrize("n_layers", [1, 2, 3])
def test_forward_sigmoid_matches_reference(
    student: Student, reference: Reference, rng: np.random.Generator, n_layers: int
) -> None:
    """y_out 과 cache (A0..AL, Z1..ZL) 가 참조 해답과 같다 — 시그모이드 은닉층.

    y_out and every cache entry A0..AL, Z1..ZL (values and shapes) match the reference.
    """
    params, X, _ = _network(rng, reference, n_layers, "sigmoid")
    got = student.backprop.forward(params, X, hidden_activation="sigmoid")
    want = reference.backprop.forward(params, X, hidden_activation="sigmoid")
    _assert_forward(got, want, layers("forward", n_layers, ", 'sigmoid'"))


@pytest.mark.grades("backprop.forward", weight=2)
@pytest.mark.parametrize("n_layers", [2, 3])
def test_forward_relu_hidden_matches_reference(
    student: Student, reference: Reference, rng: np.random.Generator, n_layers: int
) -> None:
    """렐루 은닉층, 시그모이드 출력층 / ReLU hidden layers, sigmoid output layer."""
    params, X, _ = _network(rng, reference, n_layers, "relu")
    got = student.backprop.forward(params, X, hidden_activation="relu")
    want = reference.backprop.forward(params, X, hidden_activation="relu")
    _assert_forward(got, want, layers("forward", n_layers, ", 'relu'"))


@pytest.mark.grades("backprop.forward", weight=1)
def test_forward_default_is_sigmoid(
    student: Student, reference: Reference, rng: np.random.Generator
) -> None:
    """hidden_activation 을 주지 않으면 시그모이드 / The default hidden activation is sigmoid."""
    params, X, _ = _network(rng, reference, 2, "sigmoid")
    got = student.backprop.forward(params, X)
    want = reference.backprop.forward(params, X, hidden_activation="sigmoid")
    _assert_forward(got, want, "forward(params, X)")


@pytest.mark.grades("backprop.forward", weight=1)
def test_forward_rejects_unknown_activation(
    student: Student, reference: Reference, rng: np.random.Generator
) -> None:
    """알 수 없는 활성화 함수 이름은 ValueError (대소문자 구분).

    Any hidden_activation other than "sigmoid"/"relu" (case-sensitive, None, a number) raises
    ValueError.
    """
    params, X, _ = _network(rng, reference, 2, "sigmoid")
    for bad in ("Sigmoid", "RELU", "tanh", "", None, 1):
        call = student.backprop.forward.call(params, X, hidden_activation=bad)
        compare.assert_raises(call, "ValueError", name=f"forward(hidden_activation={bad!r})")


@pytest.mark.grades("backprop.forward", weight=1)
def test_forward_does_not_mutate_inputs(
    student: Student, reference: Reference, rng: np.random.Generator
) -> None:
    """params 와 X 를 제자리에서 바꾸지 않는다 / params and X are not modified in place."""
    params, X, _ = _network(rng, reference, 3, "relu")
    call = student.backprop.forward.call(params, X, hidden_activation="relu")
    _assert_forward(call.value, reference.backprop.forward(params, X, "relu"), "forward")
    compare.assert_not_mutated(call, name="forward")


# ---------------------------------------------------------------------------------------------
# loss


@pytest.mark.grades("backprop.loss", weight=3)
@pytest.mark.parametrize("n_out", [1, 3])
def test_loss_matches_reference(
    student: Student, reference: Reference, rng: np.random.Generator, n_out: int
) -> None:
    """E = ½ Σ (y_out − y_true)² (샘플과 출력 전체의 합, Python float).

    The delta rule's error, summed over samples and outputs, as a Python float.
    """
    n_samples = int(rng.integers(2, 9))
    y_out = rng.uniform(0.05, 0.95, size=(n_samples, n_out))
    y_true = rng.uniform(0.0, 1.0, size=(n_samples, n_out))
    call = student.backprop.loss.call(y_out, y_true)
    compare.assert_close(call.value, reference.backprop.loss(y_out, y_true), name="loss")
    compare.assert_not_mutated(call, name="loss")


@pytest.mark.grades("backprop.loss", weight=1)
def test_loss_is_zero_for_perfect_output(student: Student, rng: np.random.Generator) -> None:
    """출력이 정답과 같으면 오차는 0.0 / No error when the output equals the target."""
    y = rng.uniform(0.0, 1.0, size=(int(rng.integers(1, 6)), 2))
    compare.assert_close(student.backprop.loss(y, y.copy()), 0.0, name="loss(y, y)")


# ---------------------------------------------------------------------------------------------
# backward


@pytest.mark.grades("backprop.backward", weight=3)
@pytest.mark.parametrize("n_layers", [1, 2, 3])
def test_backward_sigmoid_finite_differences(
    student: Student, reference: Reference, rng: np.random.Generator, n_layers: int
) -> None:
    """모든 매개변수의 기울기 = 수치 미분 (시그모이드 은닉층), 그리고 참조 해답과 같다.

    dE/dparam for every parameter equals central finite differences of E(forward(params, X)),
    then the reference; same keys and shapes as params; params and cache are not modified.
    """
    params, X, y = _network(rng, reference, n_layers, "sigmoid")
    _assert_backward_fd(student, reference, params, X, y, "sigmoid")


@pytest.mark.grades("backprop.backward", weight=3)
@pytest.mark.parametrize("n_layers", [2, 3])
def test_backward_relu_finite_differences(
    student: Student, reference: Reference, rng: np.random.Generator, n_layers: int
) -> None:
    """렐루 은닉층의 기울기 (사전 활성화는 0 에서 떨어진 값) / ReLU hidden layers, away from 0."""
    params, X, y = _network(rng, reference, n_layers, "relu")
    _assert_backward_fd(student, reference, params, X, y, "relu")


@pytest.mark.grades("backprop.backward", weight=1)
def test_backward_default_is_sigmoid(
    student: Student, reference: Reference, rng: np.random.Generator
) -> None:
    """hidden_activation 기본값은 시그모이드 / The default hidden activation is sigmoid."""
    params, X, y = _network(rng, reference, 2, "sigmoid")
    _, cache = reference.backprop.forward(params, X)
    got = student.backprop.backward(params, cache, y)
    want = reference.backprop.backward(params, cache, y, hidden_activation="sigmoid")
    compare.assert_close(got, want, name="backward(params, cache, y_true)")


@pytest.mark.grades("backprop.backward", weight=1)
def test_backward_rejects_unknown_activation(
    student: Student, reference: Reference, rng: np.random.Generator
) -> None:
    """알 수 없는 활성화 함수 이름은 ValueError / An unknown hidden_activation raises ValueError."""
    params, X, y = _network(rng, reference, 2, "sigmoid")
    _, cache = reference.backprop.forward(params, X)
    call = student.backprop.backward.call(params, cache, y, hidden_activation="Relu")
    compare.assert_raises(call, "ValueError", name="backward(hidden_activation='Relu')")


# ---------------------------------------------------------------------------------------------
# train_step


@pytest.mark.grades("backprop.train_step", weight=2)
@pytest.mark.parametrize(("n_layers", "hidden_activation"), [(2, "sigmoid"), (3, "relu")])
def test_train_step_matches_reference(
    student: Student,
    reference: Reference,
    rng: np.random.Generator,
    n_layers: int,
    hidden_activation: str,
) -> None:
    """한 번의 경사 하강: (params − lr·dE/dparams, 업데이트 전의 오차), params 는 그대로.

    One full-batch gradient-descent step returns (new_params, loss_before_step) and leaves
    params unchanged.
    """
    params, X, y = _network(rng, reference, n_layers, hidden_activation)
    lr = float(rng.uniform(0.1, 1.0))
    call = student.backprop.train_step.call(params, X, y, lr, hidden_activation=hidden_activation)
    new_params, loss_before = _pair(call.value, "train_step")
    want_params, want_loss = reference.backprop.train_step(
        params, X, y, lr, hidden_activation=hidden_activation
    )
    _assert_param_dict(new_params, list(params), "train_step: new_params")
    compare.assert_close(new_params, want_params, name="train_step: new_params")
    compare.assert_close(loss_before, want_loss, name="train_step: loss_before_step")
    compare.assert_not_mutated(call, name="train_step")


@pytest.mark.grades("backprop.train_step", weight=1)
def test_train_step_default_is_sigmoid(
    student: Student, reference: Reference, rng: np.random.Generator
) -> None:
    """hidden_activation 기본값은 시그모이드 / The default hidden activation is sigmoid."""
    params, X, y = _network(rng, reference, 2, "sigmoid")
    got = student.backprop.train_step(params, X, y, 0.5)
    want = reference.backprop.train_step(params, X, y, 0.5, hidden_activation="sigmoid")
    compare.assert_close(_pair(got, "train_step"), want, name="train_step(params, X, y, 0.5)")


# ---------------------------------------------------------------------------------------------
# train_xor


def _assert_xor_shapes(got: Any, hidden_units: int, name: str) -> None:
    _assert_param_dict(got, ["W1", "b1", "W2", "b2"], name)
    shapes = {"W1": (2, hidden_units), "b1": (hidden_units,), "W2": (hidden_units, 1), "b2": (1,)}
    for key, shape in shapes.items():
        value = got[key]
        if not isinstance(value, np.ndarray) or value.shape != shape:
            fail_shape(joined(name, f"['{key}']"), shape, value)


# Seeds whose training with the defaults was checked to solve XOR with the reference (every one
# of 0..119 does, each output within 0.052 of its target); the accuracy test draws one per run.
XOR_SEEDS = 120
# After the default 5000 epochs every output is this close to its target (rounding needs 0.5).
# Trained for 1000 epochs (or with lr=0.1), 33 of 40 seeds miss it, where rounding lets 38 of 40
# pass: one seed with this margin catches a wrong default far more often than five seeds rounded.
XOR_MARGIN = 0.1


@pytest.mark.grades("backprop.train_xor", weight=4)
# The public suite's test of seed 0 (rounded outputs) is the same check, weaker: not run beside
# this one, so a grading trains the student's network once (half of lec04's student time).
@pytest.mark.supersedes("test_train_xor_learns_xor")
def test_train_xor_learns_xor(student: Student, reference: Reference,
                             rng: np.random.Generator) -> None:
    """기본 설정(시그모이드)으로 학습한 신경망이 XOR 을 맞힌다: 출력이 정답에서 0.1 이내.

    With the defaults (sigmoid hidden layer) the trained network solves XOR: every output is
    within 0.1 of its target [0, 1, 1, 0] (rounding would need 0.5). Only sigmoid is graded
    (with ReLU some seeds do not converge). The seed is drawn per run from the seeds known to
    converge: one 5000-epoch training per grading instead of five fixed seeds, with a stronger
    check (the margin, and the defaults against the reference in the next test).
    """
    seed = int(rng.integers(0, XOR_SEEDS))
    params = student.backprop.train_xor(seed=seed)
    name = f"train_xor(seed={seed})"
    _assert_xor_shapes(params, 4, name)
    y_out, _ = reference.backprop.forward(params, XOR_X, hidden_activation="sigmoid")
    if not np.array_equal(np.round(y_out), XOR_Y) or np.abs(y_out - XOR_Y).max() > XOR_MARGIN:
        _fail("suite.xor", name=name, margin=XOR_MARGIN, outputs=y_out.ravel().round(3).tolist(),
              targets=XOR_Y.ravel().tolist())


@pytest.mark.grades("backprop.train_xor", weight=1)
def test_train_xor_defaults_match_reference(
    student: Student, reference: Reference, rng: np.random.Generator
) -> None:
    """기본값 hidden_units=4, lr=0.5, hidden_activation="sigmoid" — 몇 에포크 동안 참조와 같다.

    The defaults hidden_units=4, lr=0.5 and hidden_activation="sigmoid": a few epochs with only
    ``seed`` and ``epochs`` given end at the reference's parameters for those explicit values.
    """
    seed, epochs = int(rng.integers(0, 1000)), int(rng.integers(5, 30))
    got = student.backprop.train_xor(seed=seed, epochs=epochs)
    name = f"train_xor(seed={seed}, epochs={epochs})"
    _assert_xor_shapes(got, 4, name)
    want = reference.backprop.train_xor(
        hidden_units=4, lr=0.5, epochs=epochs, seed=seed, hidden_activation="sigmoid"
    )
    compare.assert_close(got, want, name=name)


@pytest.mark.grades("backprop.train_xor", weight=2)
def test_train_xor_matches_reference_for_a_few_epochs(
    student: Student, reference: Reference, rng: np.random.Generator
) -> None:
    """init_params([2, hidden_units, 1], seed) 에서 train_step 을 epochs 번 — 참조와 같다.

    Starting from init_params([2, hidden_units, 1], seed) and repeating train_step `epochs`
    times gives the reference's parameters (hidden_units, lr, epochs and seed are honoured).
    """
    kwargs: dict[str, Any] = {
        "hidden_units": int(rng.integers(2, 6)),
        "lr": float(rng.uniform(0.2, 1.0)),
        "epochs": int(rng.integers(5, 30)),
        "seed": int(rng.integers(0, 1000)),
        "hidden_activation": "sigmoid",
    }
    got = student.backprop.train_xor(**kwargs)
    name = "train_xor({})".format(", ".join(f"{k}={v!r}" for k, v in kwargs.items()))
    _assert_xor_shapes(got, kwargs["hidden_units"], name)
    want = reference.backprop.train_xor(**kwargs)
    if not compare.values_match(got, want):
        _assert_starts_from_init_params(student, reference, kwargs)
    compare.assert_close(got, want, name=name)


def _assert_starts_from_init_params(student: Student, reference: Reference,
                                    kwargs: dict[str, Any]) -> None:
    """After zero epochs train_xor must return ``init_params([2, hidden_units, 1], seed)``: a
    network initialised its own way is told so, by the function it should call."""
    start = dict(kwargs, epochs=0)
    got = student.backprop.train_xor(**start)
    want = reference.backprop.init_params([2, kwargs["hidden_units"], 1], kwargs["seed"])
    if not compare.values_match(got, want):
        _fail("suite.train_xor_from_init_params",
              call=f"train_xor(epochs=0, seed={kwargs['seed']})",
              init=f"init_params([2, {kwargs['hidden_units']}, 1], {kwargs['seed']})")


# ---------------------------------------------------------------------------------------------
# layer_gradient_norms


@pytest.mark.grades("backprop.layer_gradient_norms", weight=2)
@pytest.mark.parametrize("hidden_activation", ["sigmoid", "relu"])
def test_layer_gradient_norms_match_reference(
    student: Student, reference: Reference, rng: np.random.Generator, hidden_activation: str
) -> None:
    """층마다 ‖dE/dW_l‖ (프로베니우스 노름) 의 리스트 / List of Frobenius norms of dE/dW_l."""
    params, X, y = _network(rng, reference, 3, hidden_activation)
    call = student.backprop.layer_gradient_norms.call(
        params, X, y, hidden_activation=hidden_activation
    )
    want = reference.backprop.layer_gradient_norms(
        params, X, y, hidden_activation=hidden_activation
    )
    compare.assert_close(call.value, want, name=f"layer_gradient_norms({hidden_activation!r})")
    compare.assert_not_mutated(call, name="layer_gradient_norms")


@pytest.mark.grades("backprop.layer_gradient_norms", weight=2)
def test_layer_gradient_norms_show_vanishing_gradient(
    student: Student, reference: Reference, rng: np.random.Generator
) -> None:
    """깊은 시그모이드 신경망: 첫 층의 기울기가 마지막 층보다 훨씬 작다 (기울기 소실, 그림 9-4).

    Deep sigmoid network initialised like init_params (std √(1/n_in)): the first layer's
    gradient norm is far smaller than the last layer's — the vanishing gradient of figure 9-4.
    """
    width = int(rng.integers(6, 11))
    sizes = [width] * int(rng.integers(10, 13)) + [1]
    params: Params = {}
    for layer, (n_in, n_out) in enumerate(itertools.pairwise(sizes), start=1):
        params[f"W{layer}"] = rng.normal(0.0, np.sqrt(1.0 / n_in), size=(n_in, n_out))
        params[f"b{layer}"] = np.zeros(n_out)
    X = rng.normal(0.0, 1.0, size=(16, width))
    y = rng.uniform(0.0, 1.0, size=(16, 1))
    got = student.backprop.layer_gradient_norms(params, X, y)
    want = reference.backprop.layer_gradient_norms(params, X, y, hidden_activation="sigmoid")
    compare.assert_close(got, want, name=layers("layer_gradient_norms", len(sizes) - 1))
    # With 10-12 sigmoid layers (σ' ≤ 0.25 each) the ratio is ~1e-6 (below 3e-3 in 3000 draws):
    # 0.05 leaves a wide margin.
    assert want[0] < 0.05 * want[-1], "instructor check: this network must show the effect"
    if not got[0] < 0.05 * got[-1]:
        _fail("suite.vanishing", name=layers("layer_gradient_norms", len(sizes) - 1),
              first=f"{got[0]:.3g}", last=f"{got[-1]:.3g}")
