"""델타식 — 오차 역전파로 은닉층의 가중치를 수정하는 방법 (그림 9-2, 9-3).

은닉층이 생기면 가중치를 두 번 수정해야 한다(그림 9-2). 한 번의 순전파 뒤 출력층의 오차를 구하고,
그 오차를 거꾸로 전달하며 첫 번째와 두 번째 가중치를 차례로 수정한다(그림 9-3).
강의의 두 가중치 업데이트 공식은 다음과 같다.

- 첫 번째 가중치 업데이트 공식: ``(y_o1 - y_실제값) · y_o1(1 - y_o1) · y_h1``
- 두 번째 가중치 업데이트 공식: ``(δy_o1 · w_31 + δy_o2 · w_41) · y_h1(1 - y_h1) · x_1``

두 식 모두 ``out(1-out)`` 꼴을 포함하며, 이를 델타식이라고 한다. 은닉층이 늘어도 같은 꼴이
반복되므로 깊은 층도 계산할 수 있다.

The delta rule — how backpropagation updates the weights of hidden layers (figures 9-2, 9-3).
With a hidden layer the weights must be corrected twice (figure 9-2): after one forward pass the
output error is computed and propagated backwards to update the first and then the second
weights (figure 9-3). Both update formulas of the lecture contain the factor ``out(1-out)``,
the delta rule; the same form repeats for every additional hidden layer.

모든 유닛은 시그모이드 유닛이고, 오차는 샘플과 출력에 대해 합한 ``E = ½ Σ (y_out − y_true)²``이다.
배치는 행 단위이다: 한 층은 ``A_next = sigmoid(A @ W + b)``를 계산한다.
All units are sigmoid units and the error is ``E = ½ Σ (y_out − y_true)²``, summed over samples
and outputs. Batches are rows: a layer computes ``A_next = sigmoid(A @ W + b)``.
"""

import numpy as np


def output_delta(y_out: np.ndarray, y_true: np.ndarray) -> np.ndarray:
    """출력층의 델타 ``(y_out − y_true) * y_out * (1 − y_out)`` (첫 번째 가중치 업데이트 공식).

    오차 ``(y_out - y_true)``에 델타식 ``out(1-out)``을 곱한 값으로, 출력층의 사전 활성화 값에 대한
    ``E``의 기울기 ``dE/dZ``이다.

    The delta of the output layer, ``(y_out − y_true) * y_out * (1 − y_out)`` — the error times
    the delta rule's ``out(1-out)`` (first weight update formula). It is ``dE/dZ`` for the
    output layer's pre-activations.

    Parameters
    ----------
    y_out : np.ndarray
        출력층의 시그모이드 출력, 모양 ``(n_samples, n_out)``.
        Sigmoid outputs of the output layer, shape ``(n_samples, n_out)``.
    y_true : np.ndarray
        실제 값(목표), ``y_out``과 같은 모양.
        Targets, same shape as ``y_out``.

    Returns
    -------
    np.ndarray
        출력층의 델타, 모양 ``(n_samples, n_out)``.
        The output delta, shape ``(n_samples, n_out)``.
    """
    # YOUR CODE HERE
    raise NotImplementedError()


def hidden_delta(y_hidden: np.ndarray, W_next: np.ndarray, delta_next: np.ndarray) -> np.ndarray:
    """은닉층의 델타 ``(delta_next @ W_next.T) * y_hidden * (1 − y_hidden)`` (두 번째 공식).

    강의의 ``(δy_o1 · w_31 + δy_o2 · w_41) · y_h1(1 - y_h1)``을 행렬로 쓴 것이다: 위층의 델타를
    그 층의 가중치로 거꾸로 모은 뒤 은닉층의 ``out(1-out)``을 곱한다.

    The delta of a hidden layer from the layer above,
    ``(delta_next @ W_next.T) * y_hidden * (1 − y_hidden)`` — the lecture's
    ``(δy_o1 · w_31 + δy_o2 · w_41) · y_h1(1 - y_h1)`` in matrix form (second weight update
    formula): the deltas above are gathered back through their weights, then multiplied by the
    hidden layer's ``out(1-out)``.

    Parameters
    ----------
    y_hidden : np.ndarray
        은닉층의 시그모이드 출력, 모양 ``(n_samples, n_hidden)``.
        Sigmoid outputs of the hidden layer, shape ``(n_samples, n_hidden)``.
    W_next : np.ndarray
        은닉층에서 위층으로 가는 가중치, 모양 ``(n_hidden, n_next)``.
        Weights from the hidden layer to the layer above, shape ``(n_hidden, n_next)``.
    delta_next : np.ndarray
        위층의 델타, 모양 ``(n_samples, n_next)``.
        Delta of the layer above, shape ``(n_samples, n_next)``.

    Returns
    -------
    np.ndarray
        은닉층의 델타, 모양 ``(n_samples, n_hidden)``.
        The hidden delta, shape ``(n_samples, n_hidden)``.
    """
    # YOUR CODE HERE
    raise NotImplementedError()


def layer_gradients(a_in: np.ndarray, delta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """한 층의 기울기 ``(dW, db)``: ``dW = a_in.T @ delta``, ``db = delta.sum(axis=0)``.

    강의 공식의 마지막 인자(``y_h1`` 또는 ``x_1``)가 그 층의 입력 ``a_in``이다. 델타에 입력을 곱하면
    가중치 업데이트 공식이 되고, 샘플에 대해 합한다.

    Gradients of one layer's weights and bias, ``dW = a_in.T @ delta`` and
    ``db = delta.sum(axis=0)``. The last factor of the lecture's update formulas (``y_h1`` or
    ``x_1``) is the layer's input ``a_in``; the products are summed over samples.

    Parameters
    ----------
    a_in : np.ndarray
        층의 입력, 모양 ``(n_samples, n_in)``.
        The layer's input, shape ``(n_samples, n_in)``.
    delta : np.ndarray
        층의 델타, 모양 ``(n_samples, n_out)``.
        The layer's delta, shape ``(n_samples, n_out)``.

    Returns
    -------
    tuple of np.ndarray
        ``(dW, db)``: ``dW``의 모양은 ``(n_in, n_out)``, ``db``의 모양은 ``(n_out,)``.
        ``(dW, db)`` with ``dW`` of shape ``(n_in, n_out)`` and ``db`` of shape ``(n_out,)``.
    """
    # YOUR CODE HERE
    raise NotImplementedError()
