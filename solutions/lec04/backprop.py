"""오차 역전파로 학습하는 다층 퍼셉트론 — XOR 문제를 스스로 학습하기 (그림 9-2, 9-3, 9-4).

가중치를 미리 알아내 집어넣는 것은 '모델링'이 아니다. 우리가 원하는 것은 데이터를 통해 스스로
가중치를 조절하는 '학습'이다. 한 번의 순전파로 출력층의 오차를 구하고(그림 9-3 ❶), 델타식
``out(1-out)``을 이용해 오차를 거꾸로 전달하며 가중치를 수정한다(❷, ❸). 은닉층이 늘어도 같은
꼴이 반복되므로 층이 몇 개든 같은 코드로 계산한다.

A multilayer perceptron trained by backpropagation — learning XOR from data (figures 9-2, 9-3,
9-4). Instead of setting the weights by hand, the network learns them: one forward pass gives
the output error (figure 9-3 ❶), and the delta rule ``out(1-out)`` carries it backwards to
update the weights (❷, ❸). The same form repeats for every hidden layer, so one loop handles
any depth.

매개변수는 딕셔너리 ``{"W1", "b1", ..., "WL", "bL"}``이다. ``W_l``의 모양은 ``(n_in, n_out)``,
``b_l``의 모양은 ``(n_out,)``이고, 한 층은 ``A_l = f(A_{l-1} @ W_l + b_l)``을 계산한다.
은닉층은 ``hidden_activation``(``"sigmoid"`` 또는 ``"relu"``, 대소문자 구분, 그 밖의 값은
``ValueError``)을, 출력층은 항상 시그모이드를 쓴다. 오차는 델타식의 ``E = ½ Σ (y_out − y_true)²``
(샘플과 출력에 대한 합, 평균이 아님)이다.

Parameters are a dict ``{"W1", "b1", ..., "WL", "bL"}`` with ``W_l`` of shape ``(n_in, n_out)``
and ``b_l`` of shape ``(n_out,)``; a layer computes ``A_l = f(A_{l-1} @ W_l + b_l)``. Hidden
layers use ``hidden_activation`` (``"sigmoid"`` or ``"relu"``, case-sensitive; anything else
raises ``ValueError``); the output layer is always sigmoid. The loss is the delta rule's
``E = ½ Σ (y_out − y_true)²`` (a sum over samples and outputs, not a mean).
"""

import numpy as np


def init_params(layer_sizes: list[int], seed: int) -> dict[str, np.ndarray]:
    """주어진 코드(채점 대상 아님): 층 크기 리스트에서 초기 가중치와 바이어스를 만든다.

    ``rng = np.random.default_rng(seed)``로, 층마다 차례로
    ``W_l = rng.normal(0.0, sqrt(1 / n_in), size=(n_in, n_out))``, ``b_l = zeros(n_out)``.

    Given code, not graded: the initial weights and biases for ``layer_sizes``. With
    ``rng = np.random.default_rng(seed)``, for each layer in order
    ``W_l = rng.normal(0.0, sqrt(1 / n_in), size=(n_in, n_out))`` and ``b_l = zeros(n_out)``.

    Parameters
    ----------
    layer_sizes : list of int
        ``[n_inputs, n_hidden_1, ..., n_outputs]`` (길이 L + 1 / length L + 1).
    seed : int
        난수 생성기의 시드.
        Seed of the random generator.

    Returns
    -------
    dict
        ``{"W1": (n_0, n_1), "b1": (n_1,), ..., "WL": (n_{L-1}, n_L), "bL": (n_L,)}``.
    """
    rng = np.random.default_rng(seed)
    params: dict[str, np.ndarray] = {}
    for layer in range(1, len(layer_sizes)):
        n_in, n_out = layer_sizes[layer - 1], layer_sizes[layer]
        params[f"W{layer}"] = rng.normal(0.0, np.sqrt(1.0 / n_in), size=(n_in, n_out))
        params[f"b{layer}"] = np.zeros(n_out)
    return params


def forward(
    params: dict[str, np.ndarray], X: np.ndarray, hidden_activation: str = "sigmoid"
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """순전파 (그림 9-3 ❶): 입력에서 출력층까지 층마다 ``A_l = f(A_{l-1} @ W_l + b_l)``을 계산한다.

    은닉층은 ``hidden_activation``을, 출력층은 시그모이드를 쓴다. 역전파에 필요한 값을 ``cache``에
    모아 둔다: ``"A0"``(= ``X``) … ``"AL"``(= ``y_out``)과 사전 활성화 값 ``"Z1"`` … ``"ZL"``.
    층의 수 L은 ``params``의 ``"W1"``, ``"W2"``, … 개수이다. 시그모이드는 큰 ``|z|``에서도
    오버플로 경고 없이 안정적으로 계산해야 한다.

    The forward pass (figure 9-3 ❶): for each layer ``A_l = f(A_{l-1} @ W_l + b_l)``, with
    ``hidden_activation`` in the hidden layers and the sigmoid in the output layer. What
    backpropagation needs is kept in ``cache``: ``"A0"`` (= ``X``) … ``"AL"`` (= ``y_out``) and the
    pre-activations ``"Z1"`` … ``"ZL"``. The number of layers L is the number of keys ``"W1"``,
    ``"W2"``, … in ``params``. Compute the sigmoid stably (no overflow warning for large ``|z|``).

    Parameters
    ----------
    params : dict
        ``{"W1", "b1", ..., "WL", "bL"}``; ``W_l``의 모양은 ``(n_{l-1}, n_l)``,
        ``b_l``의 모양은 ``(n_l,)``.
        ``W_l`` has shape ``(n_{l-1}, n_l)`` and ``b_l`` shape ``(n_l,)``.
    X : np.ndarray
        입력 배치, 모양 ``(n_samples, n_0)``.
        Input batch, shape ``(n_samples, n_0)``.
    hidden_activation : str
        은닉층의 활성화 함수: ``"sigmoid"`` 또는 ``"relu"``.
        Activation of the hidden layers: ``"sigmoid"`` or ``"relu"``.

    Returns
    -------
    tuple
        ``(y_out, cache)``: ``y_out``의 모양은 ``(n_samples, n_L)``; ``cache``는
        ``"A0"`` … ``"AL"``, ``"Z1"`` … ``"ZL"`` 키를 가진 딕셔너리
        (``A_l``, ``Z_l``의 모양은 ``(n_samples, n_l)``).
        ``(y_out, cache)``: ``y_out`` has shape ``(n_samples, n_L)``; ``cache`` is a dict with
        keys ``"A0"`` … ``"AL"``, ``"Z1"`` … ``"ZL"`` (``A_l`` and ``Z_l`` of shape
        ``(n_samples, n_l)``).

    Raises
    ------
    ValueError
        ``hidden_activation``이 ``"sigmoid"``나 ``"relu"``가 아닐 때.
        If ``hidden_activation`` is neither ``"sigmoid"`` nor ``"relu"``.
    """
    ### BEGIN SOLUTION
    if not isinstance(hidden_activation, str) or hidden_activation not in ("sigmoid", "relu"):
        raise ValueError(
            f"hidden_activation은 'sigmoid' 또는 'relu'여야 합니다 (대소문자 구분):"
            f" {hidden_activation!r} / hidden_activation must be 'sigmoid' or 'relu'"
            f" (case-sensitive), got {hidden_activation!r}"
        )
    n_layers = 0
    while f"W{n_layers + 1}" in params:
        n_layers += 1
    A = np.asarray(X, dtype=np.float64)
    cache: dict[str, np.ndarray] = {"A0": A}
    for layer in range(1, n_layers + 1):
        Z = A @ params[f"W{layer}"] + params[f"b{layer}"]
        if layer < n_layers and hidden_activation == "relu":
            A = np.maximum(Z, 0.0)
        else:
            # Stable sigmoid: exp of a non-positive number never overflows.
            e = np.exp(-np.abs(Z))
            A = np.where(Z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
        cache[f"Z{layer}"] = Z
        cache[f"A{layer}"] = A
    return A, cache
    ### END SOLUTION


def loss(y_out: np.ndarray, y_true: np.ndarray) -> float:
    """오차 ``E = 0.5 * sum((y_out − y_true)**2)`` — 샘플과 출력에 대한 합 (평균이 아님).

    The error ``E = 0.5 * sum((y_out − y_true)**2)`` — summed over samples and outputs (not
    a mean).

    Parameters
    ----------
    y_out : np.ndarray
        네트워크의 출력, 모양 ``(n_samples, n_out)``.
        Network outputs, shape ``(n_samples, n_out)``.
    y_true : np.ndarray
        실제 값(목표), 같은 모양.
        Targets, same shape.

    Returns
    -------
    float
        ``E`` (파이썬 float).
        ``E`` as a Python float.
    """
    ### BEGIN SOLUTION
    return float(0.5 * np.sum((y_out - y_true) ** 2))
    ### END SOLUTION


def backward(
    params: dict[str, np.ndarray],
    cache: dict[str, np.ndarray],
    y_true: np.ndarray,
    hidden_activation: str = "sigmoid",
) -> dict[str, np.ndarray]:
    """역전파 (그림 9-3 ❷, ❸): ``E``의 모든 매개변수에 대한 기울기 ``dE/dparam``을 구한다.

    출력층의 델타는 ``(y_out − y_true) * out(1 − out)``(첫 번째 가중치 업데이트 공식)이고,
    아래 층의 델타는 ``(delta_next @ W_next.T) * f'(Z)``(두 번째 가중치 업데이트 공식)이다.
    시그모이드 층에서 ``f'(Z) = A(1 − A)``(델타식), 렐루 층에서는 ``Z > 0``이면 1, 아니면 0
    (``Z == 0``에서 0)이다. 각 층에서 ``dW_l = A_{l-1}.T @ delta_l``,
    ``db_l = delta_l.sum(axis=0)``.

    Backpropagation (figure 9-3 ❷, ❸): the gradient ``dE/dparam`` of every parameter. The
    output delta is ``(y_out − y_true) * out(1 − out)`` (first weight update formula); a lower
    layer's delta is ``(delta_next @ W_next.T) * f'(Z)`` (second weight update formula), with
    ``f'(Z) = A(1 − A)`` for sigmoid layers (the delta rule) and, for ReLU layers, 1 where
    ``Z > 0`` else 0 (0 at ``Z == 0``). Each layer gets ``dW_l = A_{l-1}.T @ delta_l`` and
    ``db_l = delta_l.sum(axis=0)``.

    Parameters
    ----------
    params : dict
        ``forward``에 준 매개변수 ``{"W1", "b1", ..., "WL", "bL"}``.
        The parameters given to ``forward``.
    cache : dict
        같은 ``hidden_activation``으로 ``forward``가 돌려준 ``cache``.
        The ``cache`` returned by ``forward`` with the same ``hidden_activation``.
    y_true : np.ndarray
        실제 값(목표), 모양 ``(n_samples, n_L)``.
        Targets, shape ``(n_samples, n_L)``.
    hidden_activation : str
        은닉층의 활성화 함수: ``"sigmoid"`` 또는 ``"relu"``.
        Activation of the hidden layers: ``"sigmoid"`` or ``"relu"``.

    Returns
    -------
    dict
        ``params``와 같은 키와 모양의 기울기: ``{"W1": dE/dW1, "b1": dE/db1, ...}``.
        Gradients with the same keys and shapes as ``params``.

    Raises
    ------
    ValueError
        ``hidden_activation``이 ``"sigmoid"``나 ``"relu"``가 아닐 때.
        If ``hidden_activation`` is neither ``"sigmoid"`` nor ``"relu"``.
    """
    ### BEGIN SOLUTION
    if not isinstance(hidden_activation, str) or hidden_activation not in ("sigmoid", "relu"):
        raise ValueError(
            f"hidden_activation은 'sigmoid' 또는 'relu'여야 합니다 (대소문자 구분):"
            f" {hidden_activation!r} / hidden_activation must be 'sigmoid' or 'relu'"
            f" (case-sensitive), got {hidden_activation!r}"
        )
    n_layers = 0
    while f"W{n_layers + 1}" in params:
        n_layers += 1
    y_out = cache[f"A{n_layers}"]
    delta = (y_out - y_true) * y_out * (1.0 - y_out)
    grads: dict[str, np.ndarray] = {}
    for layer in range(n_layers, 0, -1):
        grads[f"W{layer}"] = cache[f"A{layer - 1}"].T @ delta
        grads[f"b{layer}"] = delta.sum(axis=0)
        if layer > 1:
            below = layer - 1
            if hidden_activation == "relu":
                slope = np.where(cache[f"Z{below}"] > 0, 1.0, 0.0)
            else:
                A = cache[f"A{below}"]
                slope = A * (1.0 - A)
            delta = (delta @ params[f"W{layer}"].T) * slope
    # Same key order as params (W1, b1, W2, ...), which reads better in reports.
    return {key: grads[key] for key in params if key in grads}
    ### END SOLUTION


def train_step(
    params: dict[str, np.ndarray],
    X: np.ndarray,
    y: np.ndarray,
    lr: float,
    hidden_activation: str = "sigmoid",
) -> tuple[dict[str, np.ndarray], float]:
    """전체 배치 경사 하강법 한 단계: 순전파, 역전파, 그리고 ``param − lr * dE/dparam``.

    ``params``는 바꾸지 않고 새 딕셔너리를 돌려준다. 함께 돌려주는 오차는 업데이트 전의 값이다.

    One full-batch gradient-descent step: forward, backward, then ``param − lr * dE/dparam`` for
    every parameter. ``params`` is not modified: a new dict is returned, together with the loss
    before the step.

    Parameters
    ----------
    params : dict
        현재 매개변수 ``{"W1", "b1", ..., "WL", "bL"}``.
        Current parameters.
    X : np.ndarray
        입력 배치, 모양 ``(n_samples, n_0)``.
        Input batch, shape ``(n_samples, n_0)``.
    y : np.ndarray
        실제 값(목표), 모양 ``(n_samples, n_L)``.
        Targets, shape ``(n_samples, n_L)``.
    lr : float
        학습률.
        Learning rate.
    hidden_activation : str
        은닉층의 활성화 함수: ``"sigmoid"`` 또는 ``"relu"``.
        Activation of the hidden layers: ``"sigmoid"`` or ``"relu"``.

    Returns
    -------
    tuple
        ``(new_params, loss_before_step)``: 같은 키와 모양의 새 매개변수, 그리고 업데이트 전
        오차 ``E`` (파이썬 float).
        New parameters with the same keys and shapes, and the loss ``E`` before the step (a
        Python float).
    """
    ### BEGIN SOLUTION
    y_out, cache = forward(params, X, hidden_activation)
    loss_before = loss(y_out, y)
    grads = backward(params, cache, y, hidden_activation)
    new_params = {key: value - lr * grads[key] for key, value in params.items()}
    return new_params, loss_before
    ### END SOLUTION


def train_xor(
    hidden_units: int = 4,
    lr: float = 0.5,
    epochs: int = 5000,
    seed: int = 0,
    hidden_activation: str = "sigmoid",
) -> dict[str, np.ndarray]:
    """XOR 문제를 오차 역전파로 학습한다 — 가중치를 미리 넣지 않고 데이터로부터 스스로 조절한다.

    입력 ``[[0, 0], [0, 1], [1, 0], [1, 1]]``, 목표 ``[[0], [1], [1], [0]]``.
    ``init_params([2, hidden_units, 1], seed)``에서 시작해 ``train_step``을 ``epochs``번 반복한다.

    Learns XOR by backpropagation — the weights are learned from data instead of being set by
    hand. Inputs ``[[0, 0], [0, 1], [1, 0], [1, 1]]``, targets ``[[0], [1], [1], [0]]``; start
    from ``init_params([2, hidden_units, 1], seed)`` and repeat ``train_step`` ``epochs`` times.

    Parameters
    ----------
    hidden_units : int
        은닉층의 유닛 수.
        Number of hidden units.
    lr : float
        학습률.
        Learning rate.
    epochs : int
        ``train_step`` 반복 횟수.
        Number of ``train_step`` repetitions.
    seed : int
        ``init_params``의 시드.
        Seed for ``init_params``.
    hidden_activation : str
        은닉층의 활성화 함수: ``"sigmoid"`` 또는 ``"relu"``.
        Activation of the hidden layer: ``"sigmoid"`` or ``"relu"``.

    Returns
    -------
    dict
        학습된 매개변수 ``{"W1": (2, hidden_units), "b1": (hidden_units,), "W2": (hidden_units, 1),
        "b2": (1,)}``.
        The trained parameters (shapes as above).
    """
    ### BEGIN SOLUTION
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = np.array([[0.0], [1.0], [1.0], [0.0]])
    params = init_params([2, hidden_units, 1], seed)
    for _ in range(epochs):
        params, _ = train_step(params, X, y, lr, hidden_activation)
    return params
    ### END SOLUTION


def layer_gradient_norms(
    params: dict[str, np.ndarray],
    X: np.ndarray,
    y: np.ndarray,
    hidden_activation: str = "sigmoid",
) -> list[float]:
    """층마다 ``dE/dW_l``의 프로베니우스 노름 (``l = 1..L``) — 기울기 소실 문제 (그림 9-4).

    시그모이드 은닉층이 깊을수록 입력 쪽 층(작은 ``l``)의 노름이 작아진다. 시그모이드의 미분이
    최대 0.25이기 때문이다(그림 9-5). 렐루를 쓰면 이 현상이 줄어든다.

    The Frobenius norm of ``dE/dW_l`` for ``l = 1..L`` — it shows the vanishing gradient of
    figure 9-4: with deep sigmoid layers the norms near the input (small ``l``) shrink, because
    the sigmoid's derivative is at most 0.25 (figure 9-5); ReLU reduces the effect.

    Parameters
    ----------
    params : dict
        매개변수 ``{"W1", "b1", ..., "WL", "bL"}``.
        The parameters.
    X : np.ndarray
        입력 배치, 모양 ``(n_samples, n_0)``.
        Input batch, shape ``(n_samples, n_0)``.
    y : np.ndarray
        실제 값(목표), 모양 ``(n_samples, n_L)``.
        Targets, shape ``(n_samples, n_L)``.
    hidden_activation : str
        은닉층의 활성화 함수: ``"sigmoid"`` 또는 ``"relu"``.
        Activation of the hidden layers: ``"sigmoid"`` or ``"relu"``.

    Returns
    -------
    list of float
        길이 L의 리스트, ``[‖dE/dW1‖, ..., ‖dE/dWL‖]`` (파이썬 float).
        A list of length L of Python floats.
    """
    ### BEGIN SOLUTION
    _, cache = forward(params, X, hidden_activation)
    grads = backward(params, cache, y, hidden_activation)
    norms: list[float] = []
    layer = 1
    while f"W{layer}" in grads:
        norms.append(float(np.linalg.norm(grads[f"W{layer}"])))
        layer += 1
    return norms
    ### END SOLUTION
