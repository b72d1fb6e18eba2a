"""숨은 채점 스위트: 고급 경사 하강법 (옵티마이저) 과 미니배치 (optimizers).

Hidden suite for ``optimizers``: SGD → Momentum → NAG → Adagrad → RMSProp → Adam (figures 9-7,
9-8, 9-9) and the random mini-batches of SGD.

모든 업데이트 규칙은 같은 형식 ``update(w, dw, config=None) -> (next_w, config)`` 이다. 매 실행마다
``rng`` 에서 새로 뽑은 모양과 값으로 여러 단계를 진행하며, 반환된 config 에 담긴 상태를 다음
단계에 그대로 넘기고, 단계마다 next_w 와 config 를 참조 해답과 비교한다.
Every rule has the signature ``update(w, dw, config=None) -> (next_w, config)``. Each test runs
several steps on random shapes and values drawn from ``rng``, carries the state in the returned
config into the next step, and compares next_w and the config with the reference at every step.

값의 크기: |w| ∈ [1, 10], |dw| ∈ [0.5, 5]. 이 크기에서는 ε 의 위치 (√cache + ε 와
√(cache + ε)) 가 허용 오차보다 훨씬 작은 차이만 만든다.
Magnitudes: |w| in [1, 10], |dw| in [0.5, 5]; there the placement of ε (√cache + ε versus
√(cache + ε)) changes the result far less than the tolerance.
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import pytest

from grader.suite import (
    Label,
    Reference,
    Student,
    compare,
    fail,
    fail_returns,
    fail_value,
    joined,
    pair,
    part,
    random_shape,
    signed,
)
from grader.suite import step as step_of

# Defaults and state of every rule (EXERCISES.md §4).
DEFAULTS: dict[str, dict[str, float]] = {
    "sgd": {"learning_rate": 1e-2},
    "sgd_momentum": {"learning_rate": 1e-2, "momentum": 0.9},
    "nesterov_momentum": {"learning_rate": 1e-2, "momentum": 0.9},
    "adagrad": {"learning_rate": 1e-2, "epsilon": 1e-8},
    "rmsprop": {"learning_rate": 1e-2, "decay_rate": 0.99, "epsilon": 1e-8},
    "adam": {"learning_rate": 1e-3, "beta1": 0.9, "beta2": 0.999, "epsilon": 1e-8},
}
STATE: dict[str, tuple[str, ...]] = {
    "sgd": (),
    "sgd_momentum": ("velocity",),
    "nesterov_momentum": ("velocity",),
    "adagrad": ("cache",),
    "rmsprop": ("cache",),
    "adam": ("m", "v", "t"),
}
N_STEPS = 5
_ALL = object()  # _assert_config compares every key, defaults included


def _rules(weights: dict[str, int]) -> list[Any]:
    """One parameter per rule, each carrying the grades marker of its own function."""
    return [
        pytest.param(rule, id=rule, marks=pytest.mark.grades(f"optimizers.{rule}", weight=w))
        for rule, w in weights.items()
    ]


# ---------------------------------------------------------------------------------------------
# helpers (no conftest: suites are collected with --noconftest)


def _weights(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    return signed(rng, 1.0, 10.0, shape)


def _gradient(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    return signed(rng, 0.5, 5.0, shape)


def _custom_hyperparameters(rule: str, rng: np.random.Generator) -> dict[str, float]:
    """Hyper-parameters far from the defaults, so that ignoring one shows.

    epsilon stays 1e-8: a larger ε would make the two accepted placements of ε disagree.
    """
    config: dict[str, float] = {"learning_rate": float(rng.uniform(0.02, 0.1))}
    if rule in ("sgd_momentum", "nesterov_momentum"):
        config["momentum"] = float(rng.uniform(0.5, 0.8))
    if rule in ("adagrad", "rmsprop", "adam"):
        config["epsilon"] = 1e-8
    if rule == "rmsprop":
        config["decay_rate"] = float(rng.uniform(0.5, 0.9))
    if rule == "adam":
        config["beta1"] = float(rng.uniform(0.5, 0.8))
        config["beta2"] = float(rng.uniform(0.9, 0.99))
    return config


def _next_w_config(result: Any, name: Label) -> tuple[Any, Any]:
    """The ``(next_w, config)`` pair of an update rule."""
    return pair(result, name, ("next_w", "config"))


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float | np.integer | np.floating) and not isinstance(
        value, bool | np.bool_
    )


def _assert_config(got: Any, want: dict[str, Any], name: Label,
                   given: Any = None) -> None:
    """Every hyper-parameter and state entry of the reference's config is in ``got``.

    Extra keys of the student's own are allowed. A scalar (e.g. Adam's t) may be any real number
    type; arrays follow the usual rules (float64, same shape, within tolerance). With ``given``
    (the config the test passed in, None for none), a default the test did not set is not
    compared: ``test_update_defaults_when_config_is_omitted`` does, once, so one wrong default
    costs one test (docs/writing-suites.md, "Penalties in proportion").
    """
    if given is not _ALL:
        skipped = {k for d in DEFAULTS.values() for k in d} - set(given or ())
        want = {k: v for k, v in want.items() if k not in skipped}
    if not isinstance(got, dict):
        fail_returns(part(name, "config"), "dict", got)
    for key, want_value in want.items():
        if key not in got:
            fail("suite.config_key", name=name, key=key)
        value = got[key]
        if _is_number(want_value) and _is_number(value):
            compare.assert_close(float(value), float(want_value), name=part(name, f"config[{key!r}]"))
        else:
            compare.assert_close(value, want_value, name=part(name, f"config[{key!r}]"))


def _assert_next_w(got_w: Any, want_w: np.ndarray, w: np.ndarray, name: Label) -> None:
    """next_w against the reference, within 1e-6 of the largest step ``|want_w - w|``.

    A tolerance relative to |w| (1e-6·|w|, about 1e-5 at |w| = 10) let a 1 % error of an Adam
    step at lr 1e-3 (t off by one: ~7e-6) through on some seeds and not on others; one relative
    to the step never does, and stays far above the rounding of ``w - step`` (~1e-16·|w|, covered
    by ``rtol``) and the accepted placements of ε (~1e-8 of a step at these magnitudes).
    """
    step = float(np.max(np.abs(want_w - w))) if want_w.size else 0.0
    tol = compare.Tolerance(rtol=1e-12, atol=1e-6 * step)
    compare.assert_close(got_w, want_w, name=part(name, "next_w"), tol=tol)


def _run_steps(
    student: Student,
    reference: Reference,
    rng: np.random.Generator,
    rule: str,
    config: dict[str, Any] | None,
    n_steps: int = N_STEPS,
) -> None:
    """n_steps steps from the same w, with the state carried in each side's returned config."""
    shape = random_shape(rng)
    got_w = _weights(rng, shape)
    want_w = got_w.copy()
    got_config = copy.deepcopy(config)
    want_config = copy.deepcopy(config)
    student_rule = getattr(student.optimizers, rule)
    reference_rule = getattr(reference.optimizers, rule)
    for step in range(1, n_steps + 1):
        dw = _gradient(rng, shape)
        name = joined(step_of(rule, step, n_steps), f" (w.shape={shape})")
        # The reference runs in this process and fills in its config: give it its own copies.
        call = student_rule.call(got_w, dw, config=got_config)
        got_w, got_config = _next_w_config(call.value, name)
        before = want_w
        want_w, want_config = reference_rule(want_w.copy(), dw.copy(), config=want_config)
        _assert_next_w(got_w, want_w, before, name)
        _assert_config(got_config, want_config, name, config)
        compare.assert_not_mutated(call, name=name)
        want_config = copy.deepcopy(want_config)


# ---------------------------------------------------------------------------------------------
# every update rule


@pytest.mark.parametrize(
    "rule",
    _rules(
        {"sgd": 3, "sgd_momentum": 3, "nesterov_momentum": 3, "adagrad": 3, "rmsprop": 3,
         "adam": 3}
    ),
)
def test_update_matches_reference_step_by_step(
    student: Student, reference: Reference, rng: np.random.Generator, rule: str
) -> None:
    """config=None 에서 시작해 5 단계: 단계마다 next_w 와 config (기본값, 상태) 가 참조와 같다.

    Five steps starting from config=None, the state carried in the returned config: next_w and
    the config (defaults and state) match the reference at every step.
    """
    _run_steps(student, reference, rng, rule, None)


@pytest.mark.parametrize(
    "rule",
    _rules(
        {"sgd": 2, "sgd_momentum": 2, "nesterov_momentum": 2, "adagrad": 2, "rmsprop": 2,
         "adam": 3}
    ),
)
def test_update_respects_custom_hyperparameters(
    student: Student, reference: Reference, rng: np.random.Generator, rule: str
) -> None:
    """config 에 준 하이퍼파라미터 (학습률, 모멘텀, ρ, β1, β2) 를 그대로 쓴다 (5 단계).

    Hyper-parameters given in config (learning rate, momentum, decay rate, β1, β2) are used
    instead of the defaults, over five steps.
    """
    _run_steps(student, reference, rng, rule, _custom_hyperparameters(rule, rng))


@pytest.mark.parametrize(
    "rule",
    _rules(
        {"sgd": 1, "sgd_momentum": 1, "nesterov_momentum": 1, "adagrad": 1, "rmsprop": 1,
         "adam": 1}
    ),
)
def test_update_defaults_when_config_is_omitted(
    student: Student, reference: Reference, rng: np.random.Generator, rule: str
) -> None:
    """config 없이 호출하면 기본값을 쓰고, 반환한 config 에 기본값과 상태 (0 에서 시작) 가 있다.

    Called without config, the rule uses the defaults and returns them in config together with
    its state (started from zeros shaped like w).
    """
    shape = random_shape(rng)
    w, dw = _weights(rng, shape), _gradient(rng, shape)
    name = f"{rule}(w, dw)"
    got_w, got_config = _next_w_config(getattr(student.optimizers, rule)(w, dw), name)
    want_w, want_config = getattr(reference.optimizers, rule)(w.copy(), dw.copy())
    if isinstance(got_config, dict):
        for key, default in DEFAULTS[rule].items():
            if key not in got_config:
                fail("suite.config_default", name=name, key=key, default=default)
        for key in STATE[rule]:
            if key not in got_config:
                fail("suite.config_state", name=name, key=key)
    _assert_config(got_config, want_config, name, _ALL)
    _assert_next_w(got_w, want_w, w, name)


@pytest.mark.parametrize(
    "rule",
    _rules(
        {"sgd": 1, "sgd_momentum": 1, "nesterov_momentum": 1, "adagrad": 1, "rmsprop": 1,
         "adam": 1}
    ),
)
def test_update_does_not_modify_inputs(
    student: Student, reference: Reference, rng: np.random.Generator, rule: str
) -> None:
    """입력 w 와 입력 config 안의 상태 배열을 제자리에서 바꾸지 않는다.

    The input w and the state arrays inside the input config (here already non-zero, as after a
    few steps) are not modified in place; the result still matches the reference.
    """
    shape = random_shape(rng)
    w = _weights(rng, shape)
    config: dict[str, Any] = dict(DEFAULTS[rule])
    # A state as after a few steps: velocity of either sign, positive squared-gradient caches.
    if rule in ("sgd_momentum", "nesterov_momentum"):
        config["velocity"] = signed(rng, 0.01, 0.1, shape)
    if rule in ("adagrad", "rmsprop"):
        config["cache"] = rng.uniform(0.5, 20.0, size=shape)
    if rule == "adam":
        config["m"] = signed(rng, 0.1, 2.0, shape)
        config["v"] = rng.uniform(0.5, 5.0, size=shape)
        config["t"] = int(rng.integers(1, 20))
    dw = _gradient(rng, shape)
    # Trusted copies, kept here, to compare with after the calls.
    w_before, config_before = w.copy(), copy.deepcopy(config)
    name = f"{rule}(w, dw, config)"
    call = getattr(student.optimizers, rule).call(w, dw, config=config)
    got_w, got_config = _next_w_config(call.value, name)
    compare.assert_not_mutated(call, name=name)
    want_w, want_config = getattr(reference.optimizers, rule)(
        w.copy(), dw.copy(), config=copy.deepcopy(config)
    )
    _assert_next_w(got_w, want_w, w_before, name)
    _assert_config(got_config, want_config, name, config_before)
    compare.assert_close(w, w_before, name=part(name, "w (input)"))
    compare.assert_close(config, config_before, name=part(name, "config (input)"))


@pytest.mark.grades("optimizers.adam", weight=1)
def test_adam_time_step_advances(
    student: Student, reference: Reference, rng: np.random.Generator
) -> None:
    """아담의 t 는 호출마다 1 씩 늘고, 편향 보정 1/(1−βᵗ) 은 그 t 로 계산한다.

    Adam's t grows by one per call (returned in config) and the bias corrections 1/(1−β1ᵗ),
    1/(1−β2ᵗ) use the new t — checked from a state with t already > 0.
    """
    shape = random_shape(rng)
    t0 = int(rng.integers(1, 8))
    config: dict[str, Any] = {
        "learning_rate": 1e-2,
        "m": signed(rng, 0.1, 2.0, shape),
        "v": rng.uniform(0.5, 5.0, size=shape),
        "t": t0,
    }
    w = _weights(rng, shape)
    given = set(config)  # beta1, beta2 and epsilon are the defaults: not this test's to check
    for step in range(1, 3):
        dw = _gradient(rng, shape)
        name = f"adam(w, dw, config={{'t': {t0 + step - 1}, ...}})"
        got_w, got_config = _next_w_config(student.optimizers.adam(w, dw, config=config), name)
        want_w, want_config = reference.optimizers.adam(w.copy(), dw, config=copy.deepcopy(config))
        if not isinstance(got_config, dict) or not _is_number(got_config.get("t")):
            fail("suite.step_count_int", name=name)
        if float(got_config["t"]) != t0 + step:
            fail_value(f"{name}: config['t']", got_config["t"], t0 + step)
        _assert_next_w(got_w, want_w, w, name)
        _assert_config(got_config, want_config, name, given)
        w, config = got_w, got_config


# ---------------------------------------------------------------------------------------------
# minibatches


def _contract_batches(n_samples: int, batch_size: int, seed: int) -> list[np.ndarray]:
    """EXERCISES.md: default_rng(seed).permutation(n_samples) cut into consecutive batches."""
    order = np.random.default_rng(seed).permutation(n_samples)
    return [order[i : i + batch_size] for i in range(0, n_samples, batch_size)]


def _assert_index_batches(got: Any, name: str) -> list[np.ndarray]:
    """A list (or tuple) of 1-D integer arrays."""
    if not isinstance(got, list | tuple):
        fail_returns(name, "list[np.ndarray]", got)
    for i, batch in enumerate(got):
        if not isinstance(batch, np.ndarray) or batch.ndim != 1 or batch.dtype.kind not in "iu":
            what = (
                f"ndarray (shape {batch.shape}, dtype {batch.dtype})"
                if isinstance(batch, np.ndarray)
                else type(batch).__name__
            )
            fail("suite.index_array", name=f"{name}[{i}]", got=what)
    return list(got)


@pytest.mark.grades("optimizers.minibatches", weight=3)
def test_minibatches_follow_the_contract(student: Student, rng: np.random.Generator) -> None:
    """np.random.default_rng(seed).permutation(n) 을 batch_size 씩 차례로 자른 것과 같다.

    Equal to np.random.default_rng(seed).permutation(n_samples) cut into consecutive batches of
    batch_size, the last one possibly smaller.
    """
    # Never a multiple of batch_size: a dropped last batch shows on every seed.
    batch_size = int(rng.integers(2, 12))
    n_samples = batch_size * int(rng.integers(1, 6)) + int(rng.integers(1, batch_size))
    seed = int(rng.integers(0, 2**31))
    name = f"minibatches({n_samples}, {batch_size}, seed={seed})"
    got = student.optimizers.minibatches(n_samples, batch_size, seed)
    compare.assert_close(
        _assert_index_batches(got, name), _contract_batches(n_samples, batch_size, seed), name=name
    )


@pytest.mark.grades("optimizers.minibatches", weight=2)
def test_minibatches_are_a_shuffled_partition(student: Student, rng: np.random.Generator) -> None:
    """모든 샘플이 정확히 한 번씩, 섞인 순서로; 크기는 batch_size, 마지막만 더 작다.

    Every sample exactly once, in a shuffled order; batch_size samples per batch, only the last
    batch smaller (n_samples is not a multiple of batch_size here).
    """
    batch_size = int(rng.integers(3, 8))
    n_samples = batch_size * int(rng.integers(3, 7)) + int(rng.integers(1, batch_size))
    name = f"minibatches({n_samples}, {batch_size}, seed)"
    batches = _assert_index_batches(
        student.optimizers.minibatches(n_samples, batch_size, int(rng.integers(0, 2**31))), name
    )
    sizes = [len(b) for b in batches]
    want_sizes = [batch_size] * (n_samples // batch_size) + [n_samples % batch_size]
    if sizes != want_sizes:
        fail_value(f"{name}: [len(batch) for batch in batches]", sizes, want_sizes)
    order = np.concatenate(batches)
    if not np.array_equal(np.sort(order), np.arange(n_samples)):
        fail("suite.partition", name=name, last=n_samples - 1)
    if np.array_equal(order, np.arange(n_samples)):
        fail("suite.not_shuffled", name=name)


@pytest.mark.grades("optimizers.minibatches", weight=1)
def test_minibatches_depend_on_the_seed_only(student: Student, rng: np.random.Generator) -> None:
    """같은 seed 는 같은 순서, 다른 seed 는 다른 순서 / same seed same order, other seed other.

    n_samples ≥ 20, so that two seeds giving the same permutation is practically impossible.
    """
    n_samples = int(rng.integers(20, 50))
    batch_size = int(rng.integers(3, 10))
    seed_a, seed_b = (int(s) for s in rng.choice(2**31, size=2, replace=False))
    calls = [(n_samples, batch_size, seed_a), (n_samples, batch_size, seed_a),
             (n_samples, batch_size, seed_b)]
    first, again, other = (
        np.concatenate(_assert_index_batches(b, f"minibatches{args}"))
        for b, args in zip(student.optimizers.minibatches.batch(calls), calls, strict=True)
    )
    if not np.array_equal(first, again):
        fail("suite.same_seed", seed=seed_a)
    if np.array_equal(first, other):
        fail("suite.other_seed", a=seed_a, b=seed_b)


@pytest.mark.grades("optimizers.minibatches", weight=1)
def test_minibatches_single_batch_when_batch_is_larger(
    student: Student, rng: np.random.Generator
) -> None:
    """batch_size > n_samples 이면 섞인 배치 하나 / One shuffled batch when batch_size > n.

    n_samples ≥ 8, so that an unshuffled order matches the permutation by chance at most once in
    8! = 40320 runs.
    """
    n_samples = int(rng.integers(8, 15))
    batch_size = n_samples + int(rng.integers(1, 5))
    seed = int(rng.integers(0, 2**31))
    name = f"minibatches({n_samples}, {batch_size}, seed={seed})"
    got = student.optimizers.minibatches(n_samples, batch_size, seed)
    compare.assert_close(
        _assert_index_batches(got, name), _contract_batches(n_samples, batch_size, seed), name=name
    )
