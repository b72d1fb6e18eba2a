"""속도와 정확도 문제를 해결하는 고급 경사 하강법 — 옵티마이저 (그림 9-7, 9-8, 9-9).

경사 하강법은 정확하게 가중치를 찾아가지만 계산량이 매우 많다. 확률적 경사 하강법(SGD)은 랜덤하게
추출한 일부 데이터만 사용해 더 빠르고 자주 업데이트한다(그림 9-7). 모멘텀은 바로 앞 수정 값과 방향을
참고해 관성 효과를 내어 지그재그를 줄인다(그림 9-8). 그 뒤로 네스테로프 모멘텀, 아다그라드,
알엠에스프롭을 거쳐 정확도와 속도를 모두 향상시킨 아담(Adam)에 이르렀다(그림 9-9).

Advanced gradient descent that addresses speed and accuracy — the optimizers (figures 9-7, 9-8,
9-9). Gradient descent is accurate but expensive; stochastic gradient descent (SGD) uses a
randomly drawn part of the data to update faster and more often (figure 9-7). Momentum follows
the previous update's size and direction, which damps the zigzag (figure 9-8). Nesterov
momentum, Adagrad and RMSProp then led to Adam, which improves both accuracy and speed
(figure 9-9).

모든 업데이트 규칙은 같은 형식이다: ``update(w, dw, config=None) -> (next_w, config)``.
``config``는 하이퍼파라미터와 상태를 담은 딕셔너리이다. ``None``이면 새 딕셔너리를 만들고,
빠진 기본값은 ``config.setdefault``로 채우며, 상태 배열은 첫 호출에서 ``w``와 같은 모양의
0으로 만든다. 업데이트된 상태는 새 배열로 만들어 돌려주는 ``config``에 넣는다. 입력 ``w``와 입력
``config`` 안의 배열은 제자리에서 바꾸지 않는다.

Every update rule has one signature: ``update(w, dw, config=None) -> (next_w, config)``.
``config`` is a dict of hyperparameters and state: ``None`` means a new dict; missing defaults
are filled in with ``config.setdefault``; state arrays start as zeros shaped like ``w`` on the
first call. The updated state goes into the returned ``config`` as new arrays: neither ``w`` nor
the arrays inside the input ``config`` are modified in place.
"""

from collections.abc import Callable
from typing import Any

import numpy as np

Config = dict[str, Any]


def sgd(w: np.ndarray, dw: np.ndarray, config: Config | None = None) -> tuple[np.ndarray, Config]:
    """확률적 경사 하강법(SGD)의 한 단계: ``w − lr·dw`` (그림 9-7).

    One step of (stochastic) gradient descent: ``w − lr·dw`` (figure 9-7).

    Parameters
    ----------
    w : np.ndarray
        가중치, 임의의 모양.
        Weights, any shape.
    dw : np.ndarray
        ``w``에 대한 기울기, ``w``와 같은 모양.
        Gradient with respect to ``w``, same shape as ``w``.
    config : dict or None
        ``learning_rate`` (기본값 / default ``1e-2``).

    Returns
    -------
    tuple
        ``(next_w, config)``: ``w``와 같은 모양의 새 가중치와 (기본값이 채워진) ``config``.
        ``(next_w, config)``: new weights shaped like ``w`` and the ``config`` (defaults filled in).
    """
    ### BEGIN SOLUTION
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    next_w = w - config["learning_rate"] * dw
    return next_w, config
    ### END SOLUTION


def sgd_momentum(
    w: np.ndarray, dw: np.ndarray, config: Config | None = None
) -> tuple[np.ndarray, Config]:
    """모멘텀 SGD: ``v = μ·v − lr·dw``, 그리고 ``w + v`` (그림 9-8).

    모멘텀은 '관성, 탄력, 가속도'라는 뜻이다. 바로 앞 수정 값과 방향(+, −)을 속도 ``v``에 담아
    같은 방향으로 일정한 비율만큼 더 움직이므로, 지그재그로 흔들리는 현상이 줄어든다.

    SGD with momentum: ``v = μ·v − lr·dw``, then ``w + v`` (figure 9-8). The velocity ``v`` keeps
    the previous update's size and direction, so the step continues in the same direction by a
    fixed ratio (inertia), which reduces the zigzag.

    Parameters
    ----------
    w : np.ndarray
        가중치, 임의의 모양.
        Weights, any shape.
    dw : np.ndarray
        ``w``에 대한 기울기, ``w``와 같은 모양.
        Gradient with respect to ``w``, same shape as ``w``.
    config : dict or None
        ``learning_rate`` (기본값 / default ``1e-2``), ``momentum`` μ (기본값 / default ``0.9``),
        상태 / state ``velocity`` (첫 호출에서 ``w`` 모양의 0 / zeros shaped like ``w`` at first).

    Returns
    -------
    tuple
        ``(next_w, config)``: 새 가중치와, 새 ``velocity``를 담은 ``config``.
        ``(next_w, config)``: new weights and the ``config`` holding the new ``velocity``.
    """
    ### BEGIN SOLUTION
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("momentum", 0.9)
    v = config.get("velocity")
    if v is None:
        v = np.zeros(np.shape(w))
    # A new array, so the caller's velocity is left untouched.
    v = config["momentum"] * v - config["learning_rate"] * dw
    next_w = w + v
    config["velocity"] = v
    return next_w, config
    ### END SOLUTION


def nesterov_momentum(
    w: np.ndarray, dw: np.ndarray, config: Config | None = None
) -> tuple[np.ndarray, Config]:
    """네스테로프 모멘텀(NAG): ``v = μ·v − lr·dw``, 새 ``v``로 ``w + μ·v − lr·dw`` (그림 9-9).

    모멘텀이 이동할 방향으로 미리 한 걸음 가 본 뒤 기울기를 반영하는 방법을, 기울기 ``dw`` 하나로
    계산할 수 있게 고쳐 쓴 꼴이다.

    Nesterov accelerated gradient (NAG): ``v = μ·v − lr·dw``, then ``w + μ·v − lr·dw`` using the
    new ``v`` (figure 9-9) — the "look ahead along the momentum, then correct" method rewritten
    so that it needs only the gradient ``dw`` at ``w``.

    Parameters
    ----------
    w : np.ndarray
        가중치, 임의의 모양.
        Weights, any shape.
    dw : np.ndarray
        ``w``에 대한 기울기, ``w``와 같은 모양.
        Gradient with respect to ``w``, same shape as ``w``.
    config : dict or None
        ``learning_rate`` (기본값 / default ``1e-2``), ``momentum`` μ (기본값 / default ``0.9``),
        상태 / state ``velocity`` (첫 호출에서 ``w`` 모양의 0 / zeros shaped like ``w`` at first).

    Returns
    -------
    tuple
        ``(next_w, config)``: 새 가중치와, 새 ``velocity``를 담은 ``config``.
        ``(next_w, config)``: new weights and the ``config`` holding the new ``velocity``.
    """
    ### BEGIN SOLUTION
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("momentum", 0.9)
    v = config.get("velocity")
    if v is None:
        v = np.zeros(np.shape(w))
    lr, mu = config["learning_rate"], config["momentum"]
    v = mu * v - lr * dw
    next_w = w + mu * v - lr * dw
    config["velocity"] = v
    return next_w, config
    ### END SOLUTION


def adagrad(
    w: np.ndarray, dw: np.ndarray, config: Config | None = None
) -> tuple[np.ndarray, Config]:
    """아다그라드(Adagrad): ``cache += dw²``, 그리고 ``w − lr·dw / (√cache + ε)`` (그림 9-9).

    지금까지의 기울기 제곱을 모두 더해, 많이 변한 가중치일수록 보폭을 줄인다.

    Adagrad: ``cache += dw²``, then ``w − lr·dw / (√cache + ε)`` (figure 9-9). The sum of all
    squared gradients so far shrinks the step of weights that have changed a lot.

    Parameters
    ----------
    w : np.ndarray
        가중치, 임의의 모양.
        Weights, any shape.
    dw : np.ndarray
        ``w``에 대한 기울기, ``w``와 같은 모양.
        Gradient with respect to ``w``, same shape as ``w``.
    config : dict or None
        ``learning_rate`` (기본값 / default ``1e-2``), ``epsilon`` ε (기본값 / default ``1e-8``),
        상태 / state ``cache`` (첫 호출에서 ``w`` 모양의 0 / zeros shaped like ``w`` at first).

    Returns
    -------
    tuple
        ``(next_w, config)``: 새 가중치와, 새 ``cache``를 담은 ``config``.
        ``(next_w, config)``: new weights and the ``config`` holding the new ``cache``.
    """
    ### BEGIN SOLUTION
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("epsilon", 1e-8)
    cache = config.get("cache")
    if cache is None:
        cache = np.zeros(np.shape(w))
    # "cache += dw²" on a new array: the input config's array must not change.
    cache = cache + dw * dw
    next_w = w - config["learning_rate"] * dw / (np.sqrt(cache) + config["epsilon"])
    config["cache"] = cache
    return next_w, config
    ### END SOLUTION


def rmsprop(
    w: np.ndarray, dw: np.ndarray, config: Config | None = None
) -> tuple[np.ndarray, Config]:
    """알엠에스프롭(RMSProp): ``cache = ρ·cache + (1−ρ)·dw²``, ``w − lr·dw / (√cache + ε)``.

    아다그라드의 합 대신 지수 이동 평균을 써서, 보폭이 계속 줄어들어 학습이 멈추는 문제를 막는다
    (그림 9-9).

    RMSProp: ``cache = ρ·cache + (1−ρ)·dw²``, then ``w − lr·dw / (√cache + ε)`` (figure 9-9).
    An exponential moving average replaces Adagrad's sum, so the step does not shrink to zero.

    Parameters
    ----------
    w : np.ndarray
        가중치, 임의의 모양.
        Weights, any shape.
    dw : np.ndarray
        ``w``에 대한 기울기, ``w``와 같은 모양.
        Gradient with respect to ``w``, same shape as ``w``.
    config : dict or None
        ``learning_rate`` (기본값 / default ``1e-2``), ``decay_rate`` ρ (기본값 / default
        ``0.99``), ``epsilon`` ε (기본값 / default ``1e-8``), 상태 / state ``cache``
        (첫 호출에서 ``w`` 모양의 0 / zeros shaped like ``w`` at first).

    Returns
    -------
    tuple
        ``(next_w, config)``: 새 가중치와, 새 ``cache``를 담은 ``config``.
        ``(next_w, config)``: new weights and the ``config`` holding the new ``cache``.
    """
    ### BEGIN SOLUTION
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("decay_rate", 0.99)
    config.setdefault("epsilon", 1e-8)
    cache = config.get("cache")
    if cache is None:
        cache = np.zeros(np.shape(w))
    rho = config["decay_rate"]
    cache = rho * cache + (1.0 - rho) * dw * dw
    next_w = w - config["learning_rate"] * dw / (np.sqrt(cache) + config["epsilon"])
    config["cache"] = cache
    return next_w, config
    ### END SOLUTION


def adam(w: np.ndarray, dw: np.ndarray, config: Config | None = None) -> tuple[np.ndarray, Config]:
    """아담(Adam): 모멘텀과 알엠에스프롭을 합친, 지금 가장 많이 쓰이는 고급 경사 하강법 (그림 9-9).

    ``t += 1``; ``m = β1·m + (1−β1)·dw``; ``v = β2·v + (1−β2)·dw²``;
    ``m̂ = m / (1−β1ᵗ)``; ``v̂ = v / (1−β2ᵗ)``; ``w − lr·m̂ / (√v̂ + ε)``.

    Adam, momentum and RMSProp combined — the most widely used optimizer today (figure 9-9).
    The rule is the one above; ``m̂`` and ``v̂`` correct the bias of ``m`` and ``v`` towards 0
    in the first steps.

    Parameters
    ----------
    w : np.ndarray
        가중치, 임의의 모양.
        Weights, any shape.
    dw : np.ndarray
        ``w``에 대한 기울기, ``w``와 같은 모양.
        Gradient with respect to ``w``, same shape as ``w``.
    config : dict or None
        ``learning_rate`` (기본값 / default ``1e-3``), ``beta1`` (``0.9``), ``beta2``
        (``0.999``), ``epsilon`` (``1e-8``); 상태 / state ``m``, ``v`` (첫 호출에서 ``w`` 모양의
        0 / zeros shaped like ``w`` at first) and ``t`` (정수 단계 수, 처음 0 / integer step
        count, starting at 0).

    Returns
    -------
    tuple
        ``(next_w, config)``: 새 가중치와, 새 ``m``, ``v``, ``t``를 담은 ``config``.
        ``(next_w, config)``: new weights and the ``config`` holding the new ``m``, ``v``, ``t``.
    """
    ### BEGIN SOLUTION
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-3)
    config.setdefault("beta1", 0.9)
    config.setdefault("beta2", 0.999)
    config.setdefault("epsilon", 1e-8)
    config.setdefault("t", 0)
    m = config.get("m")
    if m is None:
        m = np.zeros(np.shape(w))
    v = config.get("v")
    if v is None:
        v = np.zeros(np.shape(w))
    beta1, beta2 = config["beta1"], config["beta2"]
    t = config["t"] + 1
    m = beta1 * m + (1.0 - beta1) * dw
    v = beta2 * v + (1.0 - beta2) * dw * dw
    m_hat = m / (1.0 - beta1**t)
    v_hat = v / (1.0 - beta2**t)
    next_w = w - config["learning_rate"] * m_hat / (np.sqrt(v_hat) + config["epsilon"])
    config["t"] = t
    config["m"] = m
    config["v"] = v
    return next_w, config
    ### END SOLUTION


def minibatches(n_samples: int, batch_size: int, seed: int) -> list[np.ndarray]:
    """확률적 경사 하강법이 쓰는 '랜덤하게 추출한 일부 데이터'의 인덱스 (그림 9-7).

    ``np.random.default_rng(seed).permutation(n_samples)``로 섞은 인덱스를 앞에서부터
    ``batch_size``개씩 잘라 돌려준다. 마지막 배치는 더 작을 수 있다.

    The indices of the "randomly drawn part of the data" used by SGD (figure 9-7): the
    permutation ``np.random.default_rng(seed).permutation(n_samples)`` cut into consecutive
    batches of ``batch_size`` (the last one may be smaller).

    Parameters
    ----------
    n_samples : int
        샘플 수.
        Number of samples.
    batch_size : int
        배치 크기 (1 이상).
        Batch size (at least 1).
    seed : int
        난수 생성기의 시드.
        Seed of the random generator.

    Returns
    -------
    list of np.ndarray
        1차원 정수 인덱스 배열의 리스트; 모두 이어 붙이면 ``0 .. n_samples-1``의 순열이다.
        A list of 1-D integer index arrays; concatenated they are a permutation of
        ``0 .. n_samples-1``.
    """
    ### BEGIN SOLUTION
    if batch_size < 1:
        raise ValueError(
            f"batch_size는 1 이상이어야 합니다: {batch_size!r} / "
            f"batch_size must be at least 1, got {batch_size!r}"
        )
    order = np.random.default_rng(seed).permutation(n_samples)
    return [order[start : start + batch_size] for start in range(0, n_samples, batch_size)]
    ### END SOLUTION


def optimize(
    grad_fn: Callable[[np.ndarray], np.ndarray],
    w0: np.ndarray,
    update: Callable[[np.ndarray, np.ndarray, Config | None], tuple[np.ndarray, Config]],
    config: Config | None,
    steps: int,
) -> np.ndarray:
    """주어진 코드(채점 대상 아님): ``w0``에서 ``update``를 ``steps``번 실행한 궤적을 돌려준다.

    그림 9-7, 9-8처럼 옵티마이저가 지나가는 경로를 비교할 때 쓴다. 예:
    ``optimize(lambda w: 2 * w, np.array([1.0, -2.0]), sgd_momentum, None, 50)``.

    Given code, not graded: runs ``update`` for ``steps`` steps from ``w0`` (``dw = grad_fn(w)``)
    and returns the trajectory, to compare the paths of the optimizers as in figures 9-7 and 9-8.

    Parameters
    ----------
    grad_fn : callable
        ``w``를 받아 기울기 ``dw``를 돌려주는 함수.
        Function returning the gradient ``dw`` at ``w``.
    w0 : np.ndarray
        시작 가중치 (바뀌지 않음).
        Starting weights (not modified).
    update : callable
        위의 업데이트 규칙 중 하나 (예: ``adam``).
        One of the update rules above (e.g. ``adam``).
    config : dict or None
        ``update``의 첫 ``config``.
        The first ``config`` given to ``update``.
    steps : int
        단계 수.
        Number of steps.

    Returns
    -------
    np.ndarray
        모양 ``(steps + 1, w0.size)``의 궤적; 0번째 행은 ``w0``이다.
        The trajectory, shape ``(steps + 1, w0.size)``; row 0 is ``w0``.
    """
    w = np.array(w0, dtype=np.float64)  # a copy: w0 stays as the caller gave it
    trajectory = [w.ravel().copy()]
    for _ in range(steps):
        w, config = update(w, grad_fn(w), config)
        trajectory.append(np.asarray(w, dtype=np.float64).ravel().copy())
    return np.array(trajectory)
