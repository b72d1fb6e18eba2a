"""오차 역전파 공개 테스트 (그림 9-2, 9-3, 9-4) — ``pytest exercises/lec04``로 실행하세요.

손으로 계산할 수 있는 작은 신경망에서 순전파, 오차, 델타식으로 구한 기울기, 경사 하강법 한 단계,
XOR 학습, 기울기 소실을 확인합니다. 기울기는 오차 E의 수치 미분(수치 미분)과도 비교합니다.
채점에는 같은 종류의 숨은 테스트가 무작위 모양과 값으로 더 있습니다.

Public tests for backpropagation (figures 9-2, 9-3, 9-4) — run them with
``pytest exercises/lec04``. On tiny networks you can work out by hand they check the forward
pass, the error E, the gradients of the delta rule, one gradient-descent step, learning XOR and
the vanishing gradient; gradients are also compared with central differences of E. Grading adds
hidden tests of the same kind on random shapes and values.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pytest

from grader.suite import Student, compare, fail, fail_returns, fail_shape, gradcheck

LN3 = float(np.log(3.0))  # sigmoid(ln 3) = 1 / (1 + 1/3) = 0.75

XOR_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_Y = np.array([[0.0], [1.0], [1.0], [0.0]])


# --- a small network written out in full, used to compute what the student should get -----------

def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * z))  # = 1 / (1 + exp(-z)), without overflow


def _errors(params: dict[str, np.ndarray], X: np.ndarray, y: np.ndarray, hidden: str) -> np.ndarray:
    """E = ½ Σ (y_out − y)² of a network of any depth (hidden layers: sigmoid or relu).

    A parameter may hold a stack of P values along a new first axis (``W`` of shape
    ``(P, n_in, n_out)``, ``b`` of shape ``(P, 1, n_out)``): then E of each, shape ``(P,)``.
    """
    n_layers = len(params) // 2
    A = X
    for layer in range(1, n_layers + 1):
        Z = A @ params[f"W{layer}"] + params[f"b{layer}"]
        A = np.maximum(Z, 0.0) if hidden == "relu" and layer < n_layers else _sigmoid(Z)
    return 0.5 * ((A - y) ** 2).sum(axis=(-2, -1))


def _finite_difference_gradients(
    params: dict[str, np.ndarray], X: np.ndarray, y: np.ndarray, hidden: str
) -> dict[str, np.ndarray]:
    """dE/dparam by central differences, (E(p + h) − E(p − h)) / 2h, one parameter at a time."""
    grads = {}
    for key, value in params.items():

        def e_at(points: list[np.ndarray], key: str = key) -> list[float]:
            # Every point in one pass: the perturbed parameter stacked along a new first axis.
            stacked = np.stack(points)
            if stacked.ndim == 2:  # biases: (P, n_out) -> (P, 1, n_out), one row per point
                stacked = stacked[:, None, :]
            return list(_errors({**params, key: stacked}, X, y, hidden))

        grads[key] = gradcheck.central_difference(e_at, value)
    return grads


def _assert_keys(got: Any, keys: list[str], name: str) -> None:
    """A dict with exactly the keys of params (W1, b1, ...)."""
    if not isinstance(got, dict) or sorted(got) != sorted(keys):
        what = f"dict {{{', '.join(repr(k) for k in keys)}}}"
        fail_returns(name, what, sorted(got) if isinstance(got, dict) else got)


def _tiny_network() -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray]:
    """2 inputs → 3 hidden units → 1 output, 3 samples; no pre-activation is near 0."""
    params = {
        "W1": np.array([[0.5, -1.0, 0.8], [1.5, 0.3, -0.6]]),
        "b1": np.array([0.1, -0.2, 0.3]),
        "W2": np.array([[1.2], [-0.7], [0.9]]),
        "b2": np.array([-0.4]),
    }
    X = np.array([[1.0, 2.0], [-1.0, 0.5], [0.3, -1.5]])
    y = np.array([[1.0], [0.0], [0.5]])
    return params, X, y


# --- forward --------------------------------------------------------------------------------------

@pytest.mark.grades("backprop.forward", weight=1)
def test_forward_one_layer_known_values(student: Student) -> None:
    """한 층: Z = X @ W + b, y_out = sigmoid(Z); cache 에는 A0 (= X), Z1, A1 (= y_out).

    W1 = [[ln 3], [0]], b1 = [−ln 3] 이면 X = [[0, 0], [1, 1]] 에서 Z1 = [[−ln 3], [0]],
    y_out = [[0.25], [0.5]]. 바이어스를 빠뜨리면 Z1 = [[0], [ln 3]] 이 됩니다.
    One layer: with these weights Z1 = [[−ln 3], [0]] and y_out = [[0.25], [0.5]]; forgetting the
    bias would give Z1 = [[0], [ln 3]]. The cache holds A0 (= X), Z1 and A1 (= y_out).
    """
    params = {"W1": np.array([[LN3], [0.0]]), "b1": np.array([-LN3])}
    X = np.array([[0.0, 0.0], [1.0, 1.0]])
    y_out, cache = student.backprop.forward(params, X)
    compare.assert_close(y_out, np.array([[0.25], [0.5]]), name="forward: y_out")
    want_cache = {"A0": X, "Z1": np.array([[-LN3], [0.0]]), "A1": np.array([[0.25], [0.5]])}
    compare.assert_close(cache, want_cache, name="forward: cache", extra_keys_ok=True)


@pytest.mark.grades("backprop.forward", weight=1)
def test_forward_relu_hidden_sigmoid_output(student: Student) -> None:
    """은닉층은 렐루, 출력층은 항상 시그모이드.

    Z1 = [3, −3] 이므로 렐루 은닉층의 출력은 A1 = [3, 0] (음수는 0). 출력층 Z2 = 3·(ln 3)/3 = ln 3
    이므로 y_out = 0.75. The hidden layer is ReLU (A1 = [3, 0]: negatives become 0), the output
    layer is always sigmoid: Z2 = ln 3, y_out = 0.75.
    """
    params = {
        "W1": np.array([[1.0, -1.0], [1.0, -1.0]]),
        "b1": np.array([0.0, 0.0]),
        "W2": np.array([[LN3 / 3.0], [1.0]]),
        "b2": np.array([0.0]),
    }
    X = np.array([[1.0, 2.0]])
    y_out, cache = student.backprop.forward(params, X, hidden_activation="relu")
    compare.assert_close(y_out, np.array([[0.75]]), name="forward(relu): y_out")
    want_cache = {
        "A0": X,
        "Z1": np.array([[3.0, -3.0]]),
        "A1": np.array([[3.0, 0.0]]),
        "Z2": np.array([[LN3]]),
        "A2": np.array([[0.75]]),
    }
    compare.assert_close(cache, want_cache, name="forward(relu): cache", extra_keys_ok=True)


@pytest.mark.grades("backprop.forward", weight=1)
def test_forward_rejects_unknown_activation(student: Student) -> None:
    """'sigmoid', 'relu' 외의 이름은 ValueError (대소문자 구분) / others raise ValueError."""
    params, X, _ = _tiny_network()
    for bad in ("Sigmoid", "tanh"):
        call = student.backprop.forward.call(params, X, hidden_activation=bad)
        compare.assert_raises(call, "ValueError", name=f"forward(hidden_activation={bad!r})")


# --- loss -----------------------------------------------------------------------------------------

@pytest.mark.grades("backprop.loss", weight=1)
def test_loss_known_values(student: Student) -> None:
    """E = ½ Σ (y_out − y_true)²: 샘플과 출력 전체의 합 (평균이 아님), 파이썬 float.

    ½ (0.2² + 0.2²) = 0.04, 그리고 ½ (0.5² + 0.5²) = 0.25.
    Summed over samples and outputs (not averaged), times ½; a Python float.
    """
    got = student.backprop.loss(np.array([[0.8], [0.2]]), np.array([[1.0], [0.0]]))
    compare.assert_close(got, 0.04, name="loss([[0.8], [0.2]], [[1], [0]])")
    got = student.backprop.loss(np.array([[0.5, 0.5]]), np.array([[1.0, 0.0]]))
    compare.assert_close(got, 0.25, name="loss([[0.5, 0.5]], [[1, 0]])")


# --- backward -------------------------------------------------------------------------------------

@pytest.mark.grades("backprop.backward", weight=1)
def test_backward_one_layer_by_hand(student: Student) -> None:
    """첫 번째 가중치 업데이트 공식: δ = (y_out − y) · y_out(1 − y_out), dW = Xᵀδ, db = Σδ.

    W = 0, b = 0 이면 y_out = 0.5 이고, 목표 1 에 대해 δ = (0.5 − 1)·0.5·0.5 = −0.125.
    X = [[1, 2]] 이므로 dW1 = [[−0.125], [−0.25]], db1 = [−0.125].
    With W = 0 and b = 0, y_out = 0.5 and δ = −0.125, so dW1 = Xᵀδ = [[−0.125], [−0.25]] and
    db1 = [−0.125].
    """
    params = {"W1": np.zeros((2, 1)), "b1": np.zeros(1)}
    X, y = np.array([[1.0, 2.0]]), np.array([[1.0]])
    cache = {"A0": X, "Z1": np.array([[0.0]]), "A1": np.array([[0.5]])}
    got = student.backprop.backward(params, cache, y)
    want = {"W1": np.array([[-0.125], [-0.25]]), "b1": np.array([-0.125])}
    compare.assert_close(got, want, name="backward")


def _check_backward(student: Student, hidden: str) -> None:
    params, X, y = _tiny_network()
    _, cache = _forward_cache(params, X, hidden)
    call = student.backprop.backward.call(params, cache, y, hidden_activation=hidden)
    grads = call.value
    _assert_keys(grads, list(params), f"backward({hidden!r})")
    numeric = _finite_difference_gradients(params, X, y, hidden)
    for key in params:
        gradcheck.assert_gradient(grads[key], numeric[key], name=f"dE/d{key}")
    compare.assert_not_mutated(call, name=f"backward({hidden!r})")


def _forward_cache(
    params: dict[str, np.ndarray], X: np.ndarray, hidden: str
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """The cache forward() must return: A0 = X, then Z_l and A_l for every layer."""
    cache = {"A0": X}
    A = X
    n_layers = len(params) // 2
    for layer in range(1, n_layers + 1):
        Z = A @ params[f"W{layer}"] + params[f"b{layer}"]
        A = np.maximum(Z, 0.0) if hidden == "relu" and layer < n_layers else _sigmoid(Z)
        cache[f"Z{layer}"], cache[f"A{layer}"] = Z, A
    return A, cache


@pytest.mark.grades("backprop.backward", weight=1)
def test_backward_sigmoid_matches_finite_differences(student: Student) -> None:
    """두 층 시그모이드 신경망: 모든 매개변수의 dE/dparam 이 E 의 수치 미분과 같다.

    기울기는 E 의 기울기(경사)입니다: 매개변수 하나를 ±h 만큼 움직였을 때 E 가 변하는 비율
    (E(p + h) − E(p − h)) / 2h 와 같아야 합니다. 델타식 out(1 − out) 이 층마다 반복됩니다.
    Two-layer sigmoid network: every dE/dparam equals the central difference of E — the rate at
    which E changes when that one parameter moves by ±h. params and cache are not modified.
    """
    _check_backward(student, "sigmoid")


@pytest.mark.grades("backprop.backward", weight=1)
def test_backward_relu_matches_finite_differences(student: Student) -> None:
    """렐루 은닉층: 렐루의 미분은 Z > 0 이면 1, 아니면 0 (여기서는 어떤 Z 도 0 근처가 아님).

    ReLU hidden layer: its derivative is 1 where Z > 0, else 0 (no Z is near the kink here).
    """
    _check_backward(student, "relu")


# --- train_step -----------------------------------------------------------------------------------

@pytest.mark.grades("backprop.train_step", weight=1)
def test_train_step_one_step_by_hand(student: Student) -> None:
    """한 단계: new = param − lr · dE/dparam, 그리고 업데이트 *전* 의 오차; params 는 그대로.

    위의 한 층 예에서 lr = 0.5: W1 = −0.5·[[−0.125], [−0.25]] = [[0.0625], [0.125]],
    b1 = [0.0625], 업데이트 전 오차 E = ½ (0.5 − 1)² = 0.125.
    With the one-layer example above and lr = 0.5 the new W1 is [[0.0625], [0.125]], b1 is
    [0.0625], and the loss before the step is 0.125. The input params are not modified.
    """
    params = {"W1": np.zeros((2, 1)), "b1": np.zeros(1)}
    X, y = np.array([[1.0, 2.0]]), np.array([[1.0]])
    call = student.backprop.train_step.call(params, X, y, 0.5)
    want = ({"W1": np.array([[0.0625], [0.125]]), "b1": np.array([0.0625])}, 0.125)
    compare.assert_close(call.value, want, name="train_step")
    compare.assert_not_mutated(call, name="train_step")


# --- train_xor ------------------------------------------------------------------------------------

@pytest.mark.grades("backprop.train_xor", weight=1)
def test_train_xor_learns_xor(student: Student) -> None:
    """가중치를 미리 넣지 않고 데이터로 학습해 XOR 을 푼다: 출력을 반올림하면 [0, 1, 1, 0].

    기본값 (은닉 유닛 4 개, lr = 0.5, 5000 에포크, seed = 0, 시그모이드) 으로 학습합니다.
    Learned from data instead of set by hand: with the defaults the trained network's outputs
    round to the XOR targets [0, 1, 1, 0].
    """
    params = student.backprop.train_xor(seed=0)
    _assert_keys(params, ["W1", "b1", "W2", "b2"], "train_xor()")
    for key, shape in {"W1": (2, 4), "b1": (4,), "W2": (4, 1), "b2": (1,)}.items():
        if not isinstance(params[key], np.ndarray) or params[key].shape != shape:
            fail_shape(f"train_xor()['{key}']", shape, params[key])
    y_out, _ = _forward_cache(params, XOR_X, "sigmoid")
    compare.assert_close(np.round(y_out), XOR_Y, name="round(forward(train_xor(), XOR inputs))")


# --- layer_gradient_norms -------------------------------------------------------------------------

@pytest.mark.grades("backprop.layer_gradient_norms", weight=1)
def test_layer_gradient_norms_one_layer_by_hand(student: Student) -> None:
    """‖dE/dW1‖ = √(0.125² + 0.25²) = 0.125·√5 ≈ 0.2795 (위의 한 층 예) — float 의 리스트.

    For the one-layer example above the list is [0.125·√5]: one Frobenius norm per layer.
    """
    params = {"W1": np.zeros((2, 1)), "b1": np.zeros(1)}
    got = student.backprop.layer_gradient_norms(params, np.array([[1.0, 2.0]]), np.array([[1.0]]))
    compare.assert_close(got, [0.125 * np.sqrt(5.0)], name="layer_gradient_norms")


@pytest.mark.grades("backprop.layer_gradient_norms", weight=1)
def test_layer_gradient_norms_show_vanishing_gradient(student: Student) -> None:
    """기울기 소실 (그림 9-4): 시그모이드 8 층에서 첫 층의 기울기가 마지막 층보다 훨씬 작다.

    시그모이드의 미분은 최대 0.25 (그림 9-5) 라서 층을 거칠 때마다 곱해져 0 에 가까워집니다.
    The vanishing gradient (figure 9-4): in 8 sigmoid layers the first layer's gradient norm is
    far smaller (here by more than a factor of 100) than the last layer's, because the sigmoid's
    derivative, at most 0.25 (figure 9-5), is multiplied in at every layer.
    """
    gen = np.random.default_rng(4)
    sizes = [8] * 8 + [1]
    params = {}
    for layer, (n_in, n_out) in enumerate(itertools.pairwise(sizes), start=1):
        params[f"W{layer}"] = gen.normal(0.0, np.sqrt(1.0 / n_in), size=(n_in, n_out))
        params[f"b{layer}"] = np.zeros(n_out)
    X, y = gen.normal(size=(16, 8)), gen.uniform(size=(16, 1))
    norms = student.backprop.layer_gradient_norms(params, X, y)
    want = [float(np.linalg.norm(g)) for k, g in
            _finite_difference_gradients(params, X, y, "sigmoid").items() if k.startswith("W")]
    # The first norm is ~1e-5: compare it relative to its own size, not to the course's atol.
    compare.assert_close(norms, want, name="layer_gradient_norms",
                         tol=compare.Tolerance(rtol=1e-4, atol=1e-10))
    if not norms[0] < 0.01 * norms[-1]:
        fail("suite.vanishing", name="layer_gradient_norms", first=f"{norms[0]:.3g}",
             last=f"{norms[-1]:.3g}")
