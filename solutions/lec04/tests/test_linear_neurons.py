"""아달린과 퍼셉트론의 숨은 채점 스위트.

아달린은 진짜 클래스 레이블과 선형 활성화 함수의 실수 출력 값을 비교하고, 퍼셉트론은 진짜 클래스
레이블과 예측 클래스 레이블을 비교한다. 두 규칙이 다른 답을 내는 입력을 일부러 만들어, 퍼셉트론
안에 아달린 규칙을 쓰면 드러나게 한다. 아달린의 기울기는 참조 해답의 ``adaline_loss``에 대한
수치 미분과 비교하고, 학습은 작은 학습률에서 수렴하고 큰 학습률에서 발산해야 한다.

Hidden suite for Adaline and the perceptron. Adaline compares the true label with the linear
activation's real-valued output, the perceptron with the predicted class label; inputs are
crafted where the two rules differ, so the Adaline rule inside the perceptron fails. The Adaline
gradient is checked against central differences of the reference's ``adaline_loss``; training
must converge with a small learning rate and diverge with a large one.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from grader.suite import Reference, Student, compare, example, fail, fail_returns, gradcheck


def _data(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """Random ``(X, y, w, b)``: moderate features and weights, labels -1/+1 (integers).

    Always both classes and net inputs on both sides of 0 (clear of it): a mistake that shows
    on one side only (labels 0/1 for -1/+1) must not pass on a lucky seed.
    """
    while True:
        n, m = int(rng.integers(4, 12)), int(rng.integers(2, 5))
        x = rng.choice([-1.0, 1.0], size=(n, m)) * rng.uniform(0.1, 3.0, size=(n, m))
        y = rng.choice([-1, 1], size=n)
        w = rng.choice([-1.0, 1.0], size=m) * rng.uniform(0.1, 2.0, size=m)
        b = float(rng.uniform(-1.0, 1.0))
        z = x @ w + b
        if (z < -0.1).any() and (z > 0.1).any() and len(np.unique(y)) == 2:
            return x, y, w, b


def _standardized(rng: np.random.Generator, n: int, m: int) -> tuple[np.ndarray, np.ndarray]:
    """Standardized features (zero mean, unit standard deviation) and noisy linear labels."""
    x = rng.normal(size=(n, m)) * rng.uniform(0.5, 5.0, size=m) + rng.uniform(-5.0, 5.0, size=m)
    x = (x - x.mean(axis=0)) / x.std(axis=0)
    y = np.where(x @ rng.normal(size=m) + 0.3 * rng.normal(size=n) >= 0.0, 1, -1)
    return x, y


def _separable(rng: np.random.Generator, reference: Reference, epochs: int) -> tuple[np.ndarray,
                                                                                 np.ndarray]:
    """Linearly separable data with a margin, drawn until the reference converges in ``epochs``."""
    for _ in range(100):
        n, m = int(rng.integers(8, 20)), int(rng.integers(2, 4))
        w_true, b_true = rng.normal(size=m), float(rng.normal())
        x = rng.uniform(-3.0, 3.0, size=(4 * n, m))
        z = x @ w_true + b_true
        keep = np.abs(z) > 0.3 * np.linalg.norm(w_true)  # a margin: convergence in few epochs
        x, y = x[keep][:n], np.where(z[keep][:n] >= 0.0, 1, -1)
        if len(np.unique(y)) == 2 and reference.linear_neurons.train_perceptron(
                x, y, 0.1, epochs)[2][-1] == 0:
            return x, y
    raise RuntimeError("no separable data set converged; change the generator")  # never


def _history(got: Any, name: str, epochs: int) -> tuple[Any, Any, np.ndarray]:
    """``(w, b, history)`` with ``history`` (``errors``/``losses``) as a float array of one value
    per epoch — or a failure that says what came back instead."""
    if not isinstance(got, tuple | list) or len(got) != 3:
        fail_returns(name, f"(w, b, {'errors' if name == 'train_perceptron' else 'losses'})", got)
    try:
        history = np.asarray(got[2], dtype=np.float64)
    except (TypeError, ValueError):
        history = np.zeros((0, 0))
    if history.shape != (epochs,):
        fail("suite.per_epoch", name=f"{name}[2]", epochs=epochs,
             got=f"{type(got[2]).__name__}, shape {history.shape}")
    return got[0], got[1], history


def _expected(result: tuple[Any, ...]) -> tuple[Any, ...]:
    """The reference's ``(w, b, history)`` in the contract's types: float ``b``, list history."""
    w, b, history = result
    items = [int(v) if isinstance(v, int | np.integer) else float(v) for v in history]
    return np.asarray(w, dtype=np.float64), float(b), items


# --- net_input ----------------------------------------------------------------------------------

@pytest.mark.grades("linear_neurons.net_input", weight=2)
def test_net_input_matches_reference(student: Student, reference: Reference,
                                     rng: np.random.Generator) -> None:
    """최종 입력 ``z = X @ w + b`` (모양 ``(n_samples,)``) / the net input, shape ``(n_samples,)``."""
    x, _, w, b = _data(rng)
    compare.assert_close(student.linear_neurons.net_input(x, w, b),
                         reference.linear_neurons.net_input(x, w, b), name="net_input")


@pytest.mark.grades("linear_neurons.net_input", weight=1)
def test_net_input_does_not_modify_inputs(student: Student, reference: Reference,
                                          rng: np.random.Generator) -> None:
    """입력 배열을 바꾸지 않는다 / the inputs are not modified in place."""
    x, _, w, b = _data(rng)
    call = student.linear_neurons.net_input.call(x, w, b)
    compare.assert_close(call.value, reference.linear_neurons.net_input(x, w, b),
                         name="net_input")
    compare.assert_not_mutated(call, name="net_input")


# --- perceptron_predict -------------------------------------------------------------------------

@pytest.mark.grades("linear_neurons.perceptron_predict", weight=2)
def test_perceptron_predict_matches_reference(student: Student, reference: Reference,
                                              rng: np.random.Generator) -> None:
    """예측 클래스 레이블 -1/+1, 정수 배열 / predicted labels -1/+1 as an integer array."""
    x, _, w, b = _data(rng)
    want = np.asarray(reference.linear_neurons.perceptron_predict(x, w, b))
    compare.assert_close(student.linear_neurons.perceptron_predict(x, w, b), want,
                         name="perceptron_predict")


@pytest.mark.grades("linear_neurons.perceptron_predict", weight=1)
def test_perceptron_predict_at_exactly_zero(student: Student, rng: np.random.Generator) -> None:
    """최종 입력이 정확히 0이면 +1 (``z ≥ 0``) / exactly ``z == 0`` gives +1 (``z ≥ 0``).

    정수 값만 써서 ``X @ w + b``가 정확히 0이 되는 행을 만든다. Integer-valued inputs make
    ``X @ w + b`` exactly 0 on some rows, whatever the order of the floating-point operations.
    """
    a = rng.integers(-4, 5, size=8).astype(np.float64)
    d = np.array([1.0, 1.0, 1.0, 0.0, 3.0, -2.0, 1.0, 5.0])  # x0 - x1: 1 means z == 0 below
    x = np.stack([a + d, a], axis=1)
    w, b = np.array([1.0, -1.0]), -1.0
    want = np.where(d - 1.0 >= 0.0, 1, -1)  # [1, 1, 1, -1, 1, -1, 1, 1]
    compare.assert_close(student.linear_neurons.perceptron_predict(x, w, b), want,
                         name="perceptron_predict")


@pytest.mark.grades("linear_neurons.perceptron_predict", weight=1)
def test_perceptron_predict_does_not_modify_inputs(student: Student, reference: Reference,
                                                   rng: np.random.Generator) -> None:
    """입력 배열을 바꾸지 않는다 / the inputs are not modified in place."""
    x, _, w, b = _data(rng)
    call = student.linear_neurons.perceptron_predict.call(x, w, b)
    compare.assert_close(call.value, np.asarray(reference.linear_neurons.perceptron_predict(x, w, b)),
                         name="perceptron_predict")
    compare.assert_not_mutated(call, name="perceptron_predict")


# --- perceptron_update --------------------------------------------------------------------------

def _update_cases(rng: np.random.Generator) -> list[tuple[Any, ...]]:
    """(w, b, x, y, eta) cases, half misclassified, none with |z| near 1.

    ``|z|``가 1에서 멀면 예측 레이블 ``ŷ``과 최종 입력 ``z``가 확실히 달라서, 아달린 규칙
    ``eta·(y − z)``는 퍼셉트론 규칙 ``eta·(y − ŷ)``과 다른 답을 낸다. Far from ``|z| = 1`` the
    predicted label and the net input differ, so the Adaline rule gives another answer.
    """
    cases = []
    # Both signs of z among the right samples and among the wrong ones, whatever the seed.
    first, second = (float(rng.choice([-1.0, 1.0])) for _ in range(2))
    signs = [first, -first, float(rng.choice([-1.0, 1.0])),
             second, -second, float(rng.choice([-1.0, 1.0]))]
    for i in range(6):
        m = int(rng.integers(2, 6))
        w = rng.choice([-1.0, 1.0], size=m) * rng.uniform(0.1, 2.0, size=m)
        x = rng.choice([-1.0, 1.0], size=m) * rng.uniform(0.1, 3.0, size=m)
        # Choose the net input first, |z| in [0.2, 0.7] or [1.5, 4] (never near 0 or 1), and set
        # the bias that gives it.
        z = signs[i] * float(rng.uniform(0.2, 0.7) if i % 2 else rng.uniform(1.5, 4.0))
        b = z - float(x @ w)
        predicted = 1 if z >= 0.0 else -1
        y = predicted if i < 3 else -predicted  # three right, three misclassified
        cases.append((w, b, x, int(y), float(rng.uniform(0.01, 1.0))))
    return cases


@pytest.mark.grades("linear_neurons.perceptron_update", weight=2)
def test_perceptron_update_matches_reference(student: Student, reference: Reference,
                                             rng: np.random.Generator) -> None:
    """맞힌 샘플과 틀린 샘플 모두에서 참조 해답과 같다 / same as the reference, right and wrong samples."""
    cases = _update_cases(rng)
    got = student.linear_neurons.perceptron_update.batch(cases)
    for i, (case, value) in enumerate(zip(cases, got, strict=True)):
        w_new, b_new = reference.linear_neurons.perceptron_update(*case)
        compare.assert_close(value, (np.asarray(w_new), float(b_new)),
                             name=example("perceptron_update", i), parts=("w_new", "b_new"))


@pytest.mark.grades("linear_neurons.perceptron_update", weight=2)
def test_perceptron_update_uses_predicted_label(student: Student, rng: np.random.Generator) -> None:
    """퍼셉트론은 예측 클래스 레이블과 비교한다: 맞힌 샘플은 그대로, 틀린 샘플은 ``2·eta·y``만큼.

    The perceptron compares the true label with the *predicted class label*: a correctly
    classified sample leaves ``w`` and ``b`` unchanged, a misclassified one moves them by
    ``u = 2·eta·y`` — not by ``eta·(y − z)`` as Adaline would.
    """
    cases = _update_cases(rng)
    got = student.linear_neurons.perceptron_update.batch(cases)
    for i, ((w, b, x, y, eta), value) in enumerate(zip(cases, got, strict=True)):
        z = float(x @ w + b)
        u = 0.0 if (1 if z >= 0.0 else -1) == y else 2.0 * eta * y
        compare.assert_close(value, (w + u * x, b + u), name=example("perceptron_update", i),
                             parts=("w_new", "b_new"))


@pytest.mark.grades("linear_neurons.perceptron_update", weight=1)
def test_perceptron_update_at_zero_net_input(student: Student, rng: np.random.Generator) -> None:
    """``w = 0, b = 0``(학습의 첫 단계)에서는 ``z = 0``이므로 예측은 +1: y = +1이면 그대로.

    At ``w = 0, b = 0`` (the first step of training) ``z = 0`` is predicted +1, so a +1 sample
    changes nothing and a -1 sample moves ``w`` by ``-2·eta·x`` and ``b`` by ``-2·eta``.
    """
    m = int(rng.integers(2, 5))
    x, eta = rng.uniform(0.5, 3.0, size=m), float(rng.uniform(0.05, 0.5))
    got = student.linear_neurons.perceptron_update.batch(
        [(np.zeros(m), 0.0, x, 1, eta), (np.zeros(m), 0.0, x, -1, eta)]
    )
    compare.assert_close(got[0], (np.zeros(m), 0.0), name="perceptron_update (y = +1, z = 0)")
    compare.assert_close(got[1], (-2.0 * eta * x, -2.0 * eta),
                         name="perceptron_update (y = -1, z = 0)")


@pytest.mark.grades("linear_neurons.perceptron_update", weight=1)
def test_perceptron_update_does_not_modify_inputs(student: Student, reference: Reference,
                                                  rng: np.random.Generator) -> None:
    """``w``와 ``x``를 제자리에서 바꾸지 않는다 (``w += ...`` 금지) / ``w`` and ``x`` stay unchanged."""
    w, b, x, y, eta = _update_cases(rng)[3]  # a misclassified sample: the update is not zero
    call = student.linear_neurons.perceptron_update.call(w, b, x, y, eta)
    w_new, b_new = reference.linear_neurons.perceptron_update(w, b, x, y, eta)
    compare.assert_close(call.value, (np.asarray(w_new), float(b_new)), name="perceptron_update")
    compare.assert_not_mutated(call, name="perceptron_update")


# --- train_perceptron ---------------------------------------------------------------------------

@pytest.mark.grades("linear_neurons.train_perceptron", weight=2)
def test_train_perceptron_matches_reference(student: Student, reference: Reference,
                                            rng: np.random.Generator) -> None:
    """``(w, b, errors)``가 참조 해답과 같다 (샘플 순서대로, w = 0, b = 0에서 시작).

    Same ``(w, b, errors)`` as the reference: start from zero, visit the samples in order.
    """
    epochs = int(rng.integers(3, 15))
    x, y = _separable(rng, reference, 50)
    eta = float(rng.uniform(0.05, 1.0))
    want = _expected(reference.linear_neurons.train_perceptron(x, y, eta, epochs))
    compare.assert_close(student.linear_neurons.train_perceptron(x, y, eta, epochs), want,
                         name="train_perceptron")


@pytest.mark.grades("linear_neurons.train_perceptron", weight=1)
def test_train_perceptron_separates_separable_data(student: Student, reference: Reference,
                                                   rng: np.random.Generator) -> None:
    """선형 분리 가능한 데이터에서 오류가 0이 되고, 학습된 ``(w, b)``가 모든 샘플을 맞힌다.

    On linearly separable data the errors reach zero and the learned ``(w, b)`` classifies every
    training sample correctly (``+1`` where ``z ≥ 0``).
    """
    epochs = 50
    x, y = _separable(rng, reference, epochs)
    w, b, errors = _history(student.linear_neurons.train_perceptron(x, y, 0.1, epochs),
                            "train_perceptron", epochs)
    if errors[-1] != 0:
        fail("suite.separable", errors=f"{errors[-1]:g}")
    try:
        predicted = np.where(x @ np.asarray(w, dtype=np.float64) + float(b) >= 0.0, 1, -1)
    except (TypeError, ValueError):
        fail_returns("train_perceptron", f"(w: ndarray ({x.shape[1]},), b: float, errors)",
                     (w, b))
    compare.assert_close(predicted, y, name="train_perceptron: np.where(X @ w + b >= 0, 1, -1)")


@pytest.mark.grades("linear_neurons.train_perceptron", weight=1)
def test_train_perceptron_defaults_and_inputs(student: Student, reference: Reference,
                                              rng: np.random.Generator) -> None:
    """기본값 ``eta=0.1, epochs=10``으로 참조 해답과 같고 ``X``, ``y``를 바꾸지 않는다.

    With the defaults ``eta=0.1, epochs=10`` it matches the reference and leaves ``X``, ``y``
    unchanged.
    """
    x, y = _separable(rng, reference, 50)
    call = student.linear_neurons.train_perceptron.call(x, y)
    compare.assert_close(call.value, _expected(reference.linear_neurons.train_perceptron(x, y)),
                         name="train_perceptron")
    compare.assert_not_mutated(call, name="train_perceptron")


# --- adaline_loss -------------------------------------------------------------------------------

@pytest.mark.grades("linear_neurons.adaline_loss", weight=2)
def test_adaline_loss_matches_reference(student: Student, reference: Reference,
                                        rng: np.random.Generator) -> None:
    """``(1/(2n)) Σ (y − z)²``, 파이썬 float / the Adaline loss as a Python float."""
    for _ in range(2):
        x, y, w, b = _data(rng)
        compare.assert_close(student.linear_neurons.adaline_loss(w, b, x, y),
                             float(reference.linear_neurons.adaline_loss(w, b, x, y)),
                             name="adaline_loss")


@pytest.mark.grades("linear_neurons.adaline_loss", weight=1)
def test_adaline_loss_does_not_modify_inputs(student: Student, reference: Reference,
                                             rng: np.random.Generator) -> None:
    """입력 배열을 바꾸지 않는다 / the inputs are not modified in place."""
    x, y, w, b = _data(rng)
    call = student.linear_neurons.adaline_loss.call(w, b, x, y)
    compare.assert_close(call.value, float(reference.linear_neurons.adaline_loss(w, b, x, y)),
                         name="adaline_loss")
    compare.assert_not_mutated(call, name="adaline_loss")


# --- adaline_gradient ---------------------------------------------------------------------------

@pytest.mark.grades("linear_neurons.adaline_gradient", weight=2)
def test_adaline_gradient_matches_reference(student: Student, reference: Reference,
                                            rng: np.random.Generator) -> None:
    """``(dw, db)``가 참조 해답과 같다 (``db``는 파이썬 float) / same ``(dw, db)``, float ``db``."""
    for _ in range(2):
        x, y, w, b = _data(rng)
        dw, db = reference.linear_neurons.adaline_gradient(w, b, x, y)
        compare.assert_close(student.linear_neurons.adaline_gradient(w, b, x, y),
                             (np.asarray(dw), float(db)), name="adaline_gradient")


@pytest.mark.grades("linear_neurons.adaline_gradient", weight=2)
def test_adaline_gradient_is_slope_of_loss(student: Student, reference: Reference,
                                           rng: np.random.Generator) -> None:
    """``(dw, db)``가 ``adaline_loss``의 수치 미분과 같다 (1/n과 부호까지) / central differences.

    오차는 참조 해답의 ``adaline_loss``이므로, 여러분의 오차 함수가 틀려도 이 검사는 기울기만
    본다. The loss differenced is the reference's, so this test judges the gradient alone.
    """
    x, y, w, b = _data(rng)
    params = np.append(w, b)

    def loss(points: list[np.ndarray]) -> list[float]:
        return [float(reference.linear_neurons.adaline_loss(p[:-1], float(p[-1]), x, y))
                for p in points]

    numeric = gradcheck.central_difference(loss, params)
    got = student.linear_neurons.adaline_gradient(w, b, x, y)
    if not isinstance(got, tuple | list) or len(got) != 2:
        fail_returns("adaline_gradient", "(dw, db)", got)
    gradcheck.assert_gradient(got[0], numeric[:-1], name="adaline_gradient: dw")
    # db is a float, which assert_gradient (arrays) does not take; same tolerance as it uses.
    compare.assert_close(got[1], float(numeric[-1]), name="adaline_gradient: db",
                         tol=compare.Tolerance(rtol=1e-5, atol=1e-7))


@pytest.mark.grades("linear_neurons.adaline_gradient", weight=1)
def test_adaline_gradient_does_not_modify_inputs(student: Student, reference: Reference,
                                                 rng: np.random.Generator) -> None:
    """입력 배열을 바꾸지 않는다 / the inputs are not modified in place."""
    x, y, w, b = _data(rng)
    call = student.linear_neurons.adaline_gradient.call(w, b, x, y)
    dw, db = reference.linear_neurons.adaline_gradient(w, b, x, y)
    compare.assert_close(call.value, (np.asarray(dw), float(db)), name="adaline_gradient")
    compare.assert_not_mutated(call, name="adaline_gradient")


# --- train_adaline ------------------------------------------------------------------------------

@pytest.mark.grades("linear_neurons.train_adaline", weight=2)
def test_train_adaline_matches_reference(student: Student, reference: Reference,
                                         rng: np.random.Generator) -> None:
    """``(w, b, losses)``가 참조 해답과 같다 / same ``(w, b, losses)`` as the reference."""
    x, y = _standardized(rng, int(rng.integers(10, 40)), int(rng.integers(2, 5)))
    eta, epochs = float(rng.uniform(0.005, 0.2)), int(rng.integers(3, 20))
    want = _expected(reference.linear_neurons.train_adaline(x, y, eta, epochs))
    compare.assert_close(student.linear_neurons.train_adaline(x, y, eta, epochs), want,
                         name="train_adaline")


@pytest.mark.grades("linear_neurons.train_adaline", weight=1)
def test_train_adaline_records_loss_at_start_of_epoch(student: Student, reference: Reference,
                                                      rng: np.random.Generator) -> None:
    """``losses[i]``는 에포크 ``i``를 시작할 때의 오차: ``losses[0]``은 ``w = 0, b = 0``에서의 오차.

    ``losses[i]`` is the loss at the *start* of epoch ``i``, so ``losses[0]`` is the loss at
    ``w = 0, b = 0`` and there is one loss per epoch.
    """
    x, y = _standardized(rng, int(rng.integers(10, 40)), int(rng.integers(2, 5)))
    epochs = int(rng.integers(2, 6))
    _, _, losses = _history(student.linear_neurons.train_adaline(x, y, 0.05, epochs),
                            "train_adaline", epochs)
    start = float(reference.linear_neurons.adaline_loss(np.zeros(x.shape[1]), 0.0, x, y))
    compare.assert_close(float(losses[0]), start, name="train_adaline: losses[0]")


@pytest.mark.grades("linear_neurons.train_adaline", weight=1)
def test_train_adaline_converges_with_small_eta(student: Student, reference: Reference,
                                                rng: np.random.Generator) -> None:
    """표준화한 데이터에서 작은 학습률(0.01)이면 오차가 매 에포크 줄어든다 (수렴).

    On standardized data a small learning rate (0.01) makes the loss decrease every epoch.
    """
    x, y = _standardized(rng, int(rng.integers(20, 40)), int(rng.integers(2, 4)))
    got = student.linear_neurons.train_adaline(x, y, 0.01, 20)
    _, _, losses = _history(got, "train_adaline", 20)
    if not np.all(np.diff(losses) < 0.0):
        fail("suite.decreasing", name="train_adaline", losses=np.round(losses, 6).tolist())
    compare.assert_close(got, _expected(reference.linear_neurons.train_adaline(x, y, 0.01, 20)),
                         name="train_adaline")


@pytest.mark.grades("linear_neurons.train_adaline", weight=1)
def test_train_adaline_diverges_with_large_eta(student: Student, reference: Reference,
                                               rng: np.random.Generator) -> None:
    """학습률이 너무 크면 매 단계 최솟값을 지나쳐 오차가 매 에포크 커진다 (발산).

    With a learning rate too large every step overshoots the minimum and the loss grows every
    epoch. ``eta = 3 / λ_min`` (the smallest curvature of the loss) overshoots in *every*
    direction, so the growth is strict from the first epoch.
    """
    x, y = _standardized(rng, int(rng.integers(20, 40)), int(rng.integers(2, 4)))
    design = np.column_stack([x, np.ones(len(x))])
    eta = 3.0 / float(np.linalg.eigvalsh(design.T @ design / len(x))[0])
    got = student.linear_neurons.train_adaline(x, y, eta, 8)
    _, _, losses = _history(got, "train_adaline", 8)
    if not np.all(np.diff(losses) > 0.0):
        fail("suite.growing", name="train_adaline", eta=f"{eta:.3g}",
             losses=np.round(losses, 3).tolist())
    compare.assert_close(got, _expected(reference.linear_neurons.train_adaline(x, y, eta, 8)),
                         name="train_adaline")


@pytest.mark.grades("linear_neurons.train_adaline", weight=1)
def test_train_adaline_defaults_and_inputs(student: Student, reference: Reference,
                                           rng: np.random.Generator) -> None:
    """기본값 ``eta=0.01, epochs=20``으로 참조 해답과 같고 ``X``, ``y``를 바꾸지 않는다.

    With the defaults ``eta=0.01, epochs=20`` it matches the reference and leaves ``X``, ``y``
    unchanged.
    """
    x, y = _standardized(rng, int(rng.integers(10, 40)), int(rng.integers(2, 5)))
    call = student.linear_neurons.train_adaline.call(x, y)
    compare.assert_close(call.value, _expected(reference.linear_neurons.train_adaline(x, y)),
                         name="train_adaline")
    compare.assert_not_mutated(call, name="train_adaline")
