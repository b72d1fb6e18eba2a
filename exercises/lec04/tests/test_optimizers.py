"""고급 경사 하강법 공개 테스트 (그림 9-7, 9-8, 9-9) — ``pytest exercises/lec04``로 실행하세요.

모든 옵티마이저는 같은 형식입니다: ``update(w, dw, config=None) -> (next_w, config)``. 상태
(속도 velocity, cache, 아담의 m, v, t) 는 돌려주는 config 에 담기고, 다음 호출에 그 config 를
그대로 넘깁니다. 여기서는 손으로 계산할 수 있는 값으로 한두 단계를 확인합니다. 채점에는 무작위
모양과 값으로 여러 단계를 확인하는 숨은 테스트가 더 있습니다.

Public tests for the optimizers (figures 9-7, 9-8, 9-9) — run them with
``pytest exercises/lec04``. Every optimizer has the form ``update(w, dw, config=None) ->
(next_w, config)``; the state (velocity, cache, Adam's m, v, t) travels in the returned config,
which is passed to the next call. These tests check one or two steps with numbers you can work
out by hand; grading adds hidden tests running several steps on random shapes and values.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from grader.suite import Label, Student, compare, fail, fail_returns, pair, part, step


def _pair(result: Any, name: Label) -> tuple[Any, Any]:
    """The result must be the pair (next_w, config) with config a dict."""
    next_w, config = pair(result, name, ("next_w", "config"))
    if not isinstance(config, dict):
        fail_returns(name, "(next_w, config: dict)", config)
    return next_w, config


def _step(update: Any, w: np.ndarray, dw: np.ndarray, config: Any, name: Label) -> tuple[Any, Any]:
    """One call of an update rule."""
    return _pair(update(w, dw, config=config), name)


def _step_count(config: dict[str, Any], name: Label) -> float:
    """Adam's t as a number (an int is expected; any real number type is accepted)."""
    t = config.get("t")
    if isinstance(t, bool) or not isinstance(t, int | float | np.integer | np.floating):
        fail("suite.no_step_count", name=name)
    return float(t)


# --- sgd ------------------------------------------------------------------------------------------

@pytest.mark.grades("optimizers.sgd", weight=1)
def test_sgd_one_step(student: Student) -> None:
    """경사 하강법 한 단계: w − lr·dw = [1, −2] − 0.1·[0.5, −1] = [0.95, −1.9].

    One step of gradient descent: move against the gradient by lr·dw.
    """
    w, dw = np.array([1.0, -2.0]), np.array([0.5, -1.0])
    next_w, _ = _step(student.optimizers.sgd, w, dw, {"learning_rate": 0.1}, "sgd")
    compare.assert_close(next_w, np.array([0.95, -1.9]), name="sgd: next_w")


@pytest.mark.grades("optimizers.sgd", weight=1)
def test_sgd_default_learning_rate(student: Student) -> None:
    """config=None 이면 learning_rate = 1e-2 를 쓰고, 돌려주는 config 에 넣는다.

    With config=None the default learning_rate 1e-2 is used and returned in config.
    """
    w, dw = np.array([1.0, -2.0]), np.array([0.5, -1.0])
    next_w, config = _step(student.optimizers.sgd, w, dw, None, "sgd")
    compare.assert_close(next_w, np.array([0.995, -1.99]), name="sgd: next_w")
    compare.assert_close(config.get("learning_rate"), 1e-2, name="sgd: config['learning_rate']")


# --- sgd_momentum ---------------------------------------------------------------------------------

@pytest.mark.grades("optimizers.sgd_momentum", weight=1)
def test_sgd_momentum_two_steps(student: Student) -> None:
    """모멘텀: v = μ·v − lr·dw, w + v. 앞 수정 값의 방향을 참고해 관성 효과를 낸다 (그림 9-8).

    lr = 0.1, μ = 0.9. 1 단계: v = [−0.1, 0.1], w = [0.9, 1.1]. 2 단계 (dw = [1, 1]):
    v = 0.9·[−0.1, 0.1] − 0.1·[1, 1] = [−0.19, −0.01], w = [0.71, 1.09]. 같은 방향이면 더 크게,
    방향이 바뀌면 더 작게 움직입니다 (지그재그가 줄어듦).
    Momentum: v = μ·v − lr·dw, then w + v. Where the gradient keeps its direction the step grows
    (−0.19), where it flips the step shrinks (−0.01): less zigzag (figure 9-8).
    """
    config: Any = {"learning_rate": 0.1, "momentum": 0.9}
    w = np.array([1.0, 1.0])
    w, config = _step(student.optimizers.sgd_momentum, w, np.array([1.0, -1.0]), config,
                      step("sgd_momentum", 1))
    compare.assert_close(w, np.array([0.9, 1.1]), name=part(step("sgd_momentum", 1), "next_w"))
    compare.assert_close(config.get("velocity"), np.array([-0.1, 0.1]),
                         name=part(step("sgd_momentum", 1), "config['velocity']"))
    w, config = _step(student.optimizers.sgd_momentum, w, np.array([1.0, 1.0]), config,
                      step("sgd_momentum", 2))
    compare.assert_close(w, np.array([0.71, 1.09]), name=part(step("sgd_momentum", 2), "next_w"))
    compare.assert_close(config.get("velocity"), np.array([-0.19, -0.01]),
                         name=part(step("sgd_momentum", 2), "config['velocity']"))


@pytest.mark.grades("optimizers.sgd_momentum", weight=1)
def test_sgd_momentum_does_not_modify_inputs(student: Student) -> None:
    """입력 w 와 config['velocity'] 배열을 제자리에서 바꾸지 않는다 (``v *= μ`` 금지).

    새 배열을 만들어 config 에 넣으세요. The input w and the array config['velocity'] are not
    modified in place (no ``v *= mu``): build a new array and put it in the returned config.
    """
    config = {"learning_rate": 0.1, "momentum": 0.9, "velocity": np.array([0.5, -0.5])}
    call = student.optimizers.sgd_momentum.call(
        np.array([1.0, 2.0]), np.array([1.0, 1.0]), config=config
    )
    next_w, _ = _pair(call.value, "sgd_momentum")
    compare.assert_not_mutated(call, name="sgd_momentum")
    # v = 0.9·[0.5, −0.5] − 0.1·[1, 1] = [0.35, −0.55]
    compare.assert_close(next_w, np.array([1.35, 1.45]), name="sgd_momentum: next_w")


# --- nesterov_momentum ----------------------------------------------------------------------------

@pytest.mark.grades("optimizers.nesterov_momentum", weight=1)
def test_nesterov_momentum_two_steps(student: Student) -> None:
    """네스테로프: v = μ·v − lr·dw, 그리고 *새* v 로 w + μ·v − lr·dw.

    lr = 0.1, μ = 0.9, dw = [1, −1] 두 번. 1 단계: v = [−0.1, 0.1],
    w = 1 + 0.9·(−0.1) − 0.1 = 0.81. 2 단계: v = [−0.19, 0.19], w = 0.81 − 0.171 − 0.1 = 0.539.
    Nesterov momentum uses the *new* v: w + μ·v − lr·dw. Step 1 gives 0.81, step 2 gives 0.539
    (the first coordinate; the second is its mirror image).
    """
    config: Any = {"learning_rate": 0.1, "momentum": 0.9}
    w, dw = np.array([1.0, -1.0]), np.array([1.0, -1.0])
    w, config = _step(student.optimizers.nesterov_momentum, w, dw, config, step("nesterov_momentum", 1))
    compare.assert_close(w, np.array([0.81, -0.81]), name=part(step("nesterov_momentum", 1), "next_w"))
    w, config = _step(student.optimizers.nesterov_momentum, w, dw, config, step("nesterov_momentum", 2))
    compare.assert_close(w, np.array([0.539, -0.539]), name=part(step("nesterov_momentum", 2), "next_w"))
    compare.assert_close(config.get("velocity"), np.array([-0.19, 0.19]),
                         name=part(step("nesterov_momentum", 2), "config['velocity']"))


# --- adagrad --------------------------------------------------------------------------------------

@pytest.mark.grades("optimizers.adagrad", weight=1)
def test_adagrad_two_steps(student: Student) -> None:
    """아다그라드: cache += dw², w − lr·dw / (√cache + ε). 기울기 제곱을 계속 *더한다*.

    lr = 0.1. 1 단계 dw = [3, −4]: cache = [9, 16], w = [1, 2] − 0.1·[3/3, −4/4] = [0.9, 2.1].
    2 단계 dw = [4, 3]: cache = [25, 25], w = [0.9 − 0.08, 2.1 − 0.06] = [0.82, 2.04].
    (ε = 1e-8 은 여기서 결과를 1e-9 보다 적게 바꿉니다.)
    Adagrad accumulates the squared gradients: cache = [9, 16], then [25, 25]. (ε = 1e-8 changes
    these results by less than 1e-9.)
    """
    config: Any = {"learning_rate": 0.1}
    w = np.array([1.0, 2.0])
    w, config = _step(student.optimizers.adagrad, w, np.array([3.0, -4.0]), config, step("adagrad", 1))
    compare.assert_close(w, np.array([0.9, 2.1]), name=part(step("adagrad", 1), "next_w"))
    w, config = _step(student.optimizers.adagrad, w, np.array([4.0, 3.0]), config, step("adagrad", 2))
    compare.assert_close(w, np.array([0.82, 2.04]), name=part(step("adagrad", 2), "next_w"))
    compare.assert_close(config.get("cache"), np.array([25.0, 25.0]),
                         name=part(step("adagrad", 2), "config['cache']"))


# --- rmsprop --------------------------------------------------------------------------------------

@pytest.mark.grades("optimizers.rmsprop", weight=1)
def test_rmsprop_first_step_with_defaults(student: Student) -> None:
    """알엠에스프롭: cache = ρ·cache + (1−ρ)·dw², 기본값 lr = 0.01, ρ = 0.99.

    dw = [2, −0.5]: cache = 0.01·[4, 0.25] = [0.04, 0.0025], √cache = [0.2, 0.05],
    w − 0.01·[2/0.2, −0.5/0.05] = [1, −1] − [0.1, −0.1] = [0.9, −0.9].
    RMSProp with the defaults: the (1−ρ) factor makes cache = [0.04, 0.0025] after one step.
    """
    w, dw = np.array([1.0, -1.0]), np.array([2.0, -0.5])
    next_w, config = _step(student.optimizers.rmsprop, w, dw, None, "rmsprop")
    compare.assert_close(next_w, np.array([0.9, -0.9]), name="rmsprop: next_w")
    compare.assert_close(config.get("cache"), np.array([0.04, 0.0025]),
                         name="rmsprop: config['cache']")
    compare.assert_close(config.get("decay_rate"), 0.99, name="rmsprop: config['decay_rate']")


# --- adam -----------------------------------------------------------------------------------------

@pytest.mark.grades("optimizers.adam", weight=1)
def test_adam_first_steps_are_lr_sized(student: Student) -> None:
    """아담의 편향 보정: 기울기가 일정하면 m̂ = dw, v̂ = dw² 이므로 한 단계는 정확히 lr·부호(dw).

    기본값 lr = 1e-3. dw = [0.5, −2] 를 두 번: w = [1, −1] → [0.999, −0.999] → [0.998, −0.998],
    t = 1 → 2, 1 단계 뒤 m = 0.1·dw = [0.05, −0.2], v = 0.001·dw² = [0.00025, 0.004].
    편향 보정 m/(1−β1ᵗ), v/(1−β2ᵗ) 이 없으면 첫 단계가 lr 의 약 3 배가 됩니다.
    Adam's bias correction: with a constant gradient m̂ = dw and v̂ = dw², so each step is exactly
    lr·sign(dw): [1, −1] → [0.999, −0.999] → [0.998, −0.998], and t goes 1 → 2. Without the
    correction the first step would be about three times lr.
    """
    w, dw = np.array([1.0, -1.0]), np.array([0.5, -2.0])
    w, config = _step(student.optimizers.adam, w, dw, None, step("adam", 1))
    compare.assert_close(w, np.array([0.999, -0.999]), name=part(step("adam", 1), "next_w"))
    compare.assert_close(config.get("m"), np.array([0.05, -0.2]), name=part(step("adam", 1), "config['m']"))
    compare.assert_close(config.get("v"), np.array([0.00025, 0.004]),
                         name=part(step("adam", 1), "config['v']"))
    compare.assert_close(_step_count(config, step("adam", 1)), 1.0, name=part(step("adam", 1), "config['t']"))
    w, config = _step(student.optimizers.adam, w, dw, config, step("adam", 2))
    compare.assert_close(w, np.array([0.998, -0.998]), name=part(step("adam", 2), "next_w"))
    compare.assert_close(_step_count(config, step("adam", 2)), 2.0, name=part(step("adam", 2), "config['t']"))


# --- minibatches ----------------------------------------------------------------------------------

@pytest.mark.grades("optimizers.minibatches", weight=1)
def test_minibatches_seven_samples_in_threes(student: Student) -> None:
    """확률적 경사 하강법은 랜덤하게 추출한 일부 데이터를 쓴다 (그림 9-7).

    7 개의 샘플, batch_size = 3: 섞은 순서 np.random.default_rng(0).permutation(7) 을 앞에서부터
    3, 3, 1 개씩 자른 정수 인덱스 배열 세 개.
    SGD uses randomly drawn parts of the data: the permutation
    np.random.default_rng(0).permutation(7) cut into integer index arrays of 3, 3 and 1.
    """
    order = np.random.default_rng(0).permutation(7)
    want = [order[0:3], order[3:6], order[6:7]]
    got = student.optimizers.minibatches(7, 3, 0)
    got = list(got) if isinstance(got, tuple) else got  # a tuple of batches is fine too
    compare.assert_close(got, want, name="minibatches(7, 3, 0)")
