"""활성화 함수와 그 미분 — 기울기 소실 문제 (그림 9-4, 9-5, 9-6).

시그모이드 함수를 미분하면 최대치는 0.25이므로(그림 9-5), 여러 층을 거치며 계속 곱하면
기울기가 0에 가까워진다: 기울기 소실 문제(그림 9-4). 이를 해결하려고 렐루(ReLU)가
제안되었고, 하이퍼볼릭 탄젠트(tanh)와 소프트플러스(softplus) 같은 활성화 함수도 쓰인다(그림 9-6).

Activation functions and their derivatives — the vanishing gradient problem (figures 9-4, 9-5,
9-6). The derivative of the sigmoid is at most 0.25 (figure 9-5), so multiplying it over many
layers drives the gradient towards 0: the vanishing gradient of figure 9-4. ReLU was proposed to
fix this; the hyperbolic tangent and softplus are further activations (figure 9-6).

모든 함수는 원소별(elementwise)로 동작한다: 어떤 모양의 float64 배열이든 받아 같은 모양의 배열을
돌려주며, 입력 배열을 바꾸지 않는다.
Every function is elementwise: it accepts a float64 array of any shape, returns an array of the
same shape, and never modifies its input.
"""

import numpy as np


def sigmoid(z: np.ndarray) -> np.ndarray:
    """시그모이드 함수 ``1 / (1 + exp(-z))`` (그림 9-5, 그림 9-6 ①).

    수치적으로 안정해야 한다: ``abs(z)``가 1e4까지여도 오버플로 경고가 없고, 극한값
    (``sigmoid(1e4) == 1.0``, ``sigmoid(-1e4) == 0.0``)이 정확해야 한다.
    힌트: ``exp(-abs(z))``는 오버플로하지 않는다.

    The sigmoid function ``1 / (1 + exp(-z))`` (figure 9-5, figure 9-6 ①). It must be
    numerically stable: no overflow warning and exact limits for ``abs(z)`` up to 1e4.
    Hint: ``exp(-abs(z))`` never overflows.

    Parameters
    ----------
    z : np.ndarray
        사전 활성화 값, 임의의 모양 (float64).
        Pre-activations, any shape (float64).

    Returns
    -------
    np.ndarray
        ``z``와 같은 모양, 값은 (0, 1) 범위 (극한에서는 정확히 0 또는 1).
        Same shape as ``z``, values in (0, 1) (exactly 0 or 1 in the limits).
    """
    ### BEGIN SOLUTION
    z = np.asarray(z, dtype=np.float64)
    # exp of a non-positive number never overflows; pick the form that uses it on each side.
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    ### END SOLUTION


def sigmoid_derivative(z: np.ndarray) -> np.ndarray:
    """시그모이드의 미분 ``s * (1 - s)``, ``s = sigmoid(z)`` — 델타식의 ``out(1-out)`` (그림 9-5).

    최댓값은 ``z = 0``에서 0.25이다. 그래서 시그모이드 층을 여러 번 거치면 기울기가 사라진다
    (그림 9-4).

    Derivative of the sigmoid, ``s * (1 - s)`` with ``s = sigmoid(z)`` — the lecture's
    ``out(1-out)`` of the delta rule (figure 9-5). Its maximum is 0.25 at ``z = 0``, which is why
    the gradient vanishes through many sigmoid layers (figure 9-4).

    Parameters
    ----------
    z : np.ndarray
        사전 활성화 값, 임의의 모양.
        Pre-activations, any shape.

    Returns
    -------
    np.ndarray
        ``z``와 같은 모양의 ``d sigmoid / dz``.
        ``d sigmoid / dz``, same shape as ``z``.
    """
    ### BEGIN SOLUTION
    # 1 - sigmoid(z) == sigmoid(-z): this form keeps full relative accuracy for large |z|.
    return sigmoid(z) * sigmoid(-np.asarray(z, dtype=np.float64))
    ### END SOLUTION


def relu(z: np.ndarray) -> np.ndarray:
    """렐루(ReLU) ``max(0, z)`` (그림 9-6 ②).

    ``z``가 0보다 작으면 0, 0보다 크면 ``z``를 그대로 쓴다.

    The rectified linear unit ``max(0, z)`` (figure 9-6 ②): 0 below zero, ``z`` itself above.

    Parameters
    ----------
    z : np.ndarray
        사전 활성화 값, 임의의 모양.
        Pre-activations, any shape.

    Returns
    -------
    np.ndarray
        ``z``와 같은 모양의 float64 배열.
        float64 array of the same shape as ``z``.
    """
    ### BEGIN SOLUTION
    return np.maximum(np.asarray(z, dtype=np.float64), 0.0)
    ### END SOLUTION


def relu_derivative(z: np.ndarray) -> np.ndarray:
    """렐루의 미분: ``z > 0``이면 1.0, 아니면 0.0 (``z == 0``에서는 0.0) (그림 9-6 ②의 점선).

    ``z``가 0보다 크기만 하면 미분값이 1이므로 역전파가 여러 번 진행되어도 맨 처음 층까지
    값이 남아 있다.

    Derivative of ReLU: 1.0 where ``z > 0``, else 0.0 (so 0.0 at ``z == 0``) — the dashed line
    of figure 9-6 ②. Because it is 1 for every positive input, the gradient survives
    backpropagation all the way to the first layer.

    Parameters
    ----------
    z : np.ndarray
        사전 활성화 값, 임의의 모양.
        Pre-activations, any shape.

    Returns
    -------
    np.ndarray
        ``z``와 같은 모양, 값은 0.0 또는 1.0 (float64).
        Same shape as ``z``, values 0.0 or 1.0 (float64).
    """
    ### BEGIN SOLUTION
    return np.where(np.asarray(z, dtype=np.float64) > 0, 1.0, 0.0)
    ### END SOLUTION


def tanh(z: np.ndarray) -> np.ndarray:
    """하이퍼볼릭 탄젠트(hyperbolic tangent) 함수 (그림 9-6 ③).

    The hyperbolic tangent (figure 9-6 ③).

    Parameters
    ----------
    z : np.ndarray
        사전 활성화 값, 임의의 모양.
        Pre-activations, any shape.

    Returns
    -------
    np.ndarray
        ``z``와 같은 모양, 값은 [-1, 1] 범위.
        Same shape as ``z``, values in [-1, 1].
    """
    ### BEGIN SOLUTION
    return np.tanh(np.asarray(z, dtype=np.float64))
    ### END SOLUTION


def tanh_derivative(z: np.ndarray) -> np.ndarray:
    """하이퍼볼릭 탄젠트의 미분 ``1 - tanh(z)**2`` (그림 9-6 ③).

    Derivative of the hyperbolic tangent, ``1 - tanh(z)**2`` (figure 9-6 ③).

    Parameters
    ----------
    z : np.ndarray
        사전 활성화 값, 임의의 모양.
        Pre-activations, any shape.

    Returns
    -------
    np.ndarray
        ``z``와 같은 모양의 ``d tanh / dz`` (최댓값 1.0).
        ``d tanh / dz``, same shape as ``z`` (at most 1.0).
    """
    ### BEGIN SOLUTION
    t = np.tanh(np.asarray(z, dtype=np.float64))
    return 1.0 - t * t
    ### END SOLUTION


def softplus(z: np.ndarray) -> np.ndarray:
    """소프트플러스(softplus) ``log(1 + exp(z))`` (그림 9-6 ④).

    수치적으로 안정해야 한다: ``softplus(1000) == 1000``, ``softplus(-1000)``은 약 0이고,
    오버플로 경고가 없어야 한다. 힌트: ``np.logaddexp``, 또는
    ``max(z, 0) + log1p(exp(-abs(z)))``.

    Softplus ``log(1 + exp(z))`` (figure 9-6 ④), a smooth version of ReLU. It must be
    numerically stable: ``softplus(1000) == 1000``, ``softplus(-1000)`` is about 0, and nothing
    overflows. Hint: ``np.logaddexp``, or ``max(z, 0) + log1p(exp(-abs(z)))``.

    Parameters
    ----------
    z : np.ndarray
        사전 활성화 값, 임의의 모양.
        Pre-activations, any shape.

    Returns
    -------
    np.ndarray
        ``z``와 같은 모양, 값은 0 이상.
        Same shape as ``z``, values >= 0.
    """
    ### BEGIN SOLUTION
    # log(exp(0) + exp(z)) computed without forming exp(z).
    return np.logaddexp(0.0, np.asarray(z, dtype=np.float64))
    ### END SOLUTION


def softplus_derivative(z: np.ndarray) -> np.ndarray:
    """소프트플러스의 미분 — 바로 시그모이드 ``sigmoid(z)``이다 (그림 9-6 ④).

    Derivative of softplus, which is exactly the sigmoid ``sigmoid(z)`` (figure 9-6 ④).

    Parameters
    ----------
    z : np.ndarray
        사전 활성화 값, 임의의 모양.
        Pre-activations, any shape.

    Returns
    -------
    np.ndarray
        ``z``와 같은 모양의 ``d softplus / dz``.
        ``d softplus / dz``, same shape as ``z``.
    """
    ### BEGIN SOLUTION
    return sigmoid(z)
    ### END SOLUTION


def gradient_through_layers(zs: np.ndarray, activation: str) -> float:
    """기울기가 ``len(zs)``개의 층을 거치며 곱해지는 배율 — 기울기 소실 문제 (그림 9-4).

    한 경로 위에 층마다 유닛이 하나씩 있고, ``zs[i]``는 ``i``번째 층의 사전 활성화 값이다.
    각 ``zs[i]``에서 구한 활성화 함수 미분값을 모두 곱해 돌려준다. 시그모이드의 미분은
    최대 0.25이므로 층이 깊을수록 이 곱은 0에 가까워지고, 렐루는 양수 구간에서 1을 곱하므로
    값이 유지된다.
    ``zs``가 비어 있으면 빈 곱인 1.0을 돌려준다. ``activation``은 ``"sigmoid"``, ``"relu"``,
    ``"tanh"``, ``"softplus"`` 중 하나이며 대소문자를 구분한다. 그 밖의 값(다른 문자열,
    ``None``, 숫자)이면 ``ValueError``를 발생시킨다.

    The factor by which a gradient shrinks or grows through ``len(zs)`` layers (figure 9-4):
    the product of ``activation``'s derivative at each pre-activation in ``zs`` (one unit per
    layer along a path). With the sigmoid each factor is at most 0.25, so the product vanishes
    with depth; ReLU multiplies by 1 on positive inputs. An empty ``zs`` gives 1.0 (the empty
    product). ``activation`` is one of ``"sigmoid"``, ``"relu"``, ``"tanh"``, ``"softplus"``
    (case-sensitive); any other value (another string, ``None``, a number) raises
    ``ValueError``.

    Parameters
    ----------
    zs : np.ndarray
        1차원 배열, 모양 ``(n_layers,)``: 층마다의 사전 활성화 값.
        1-D array of shape ``(n_layers,)``: the pre-activation of each layer.
    activation : str
        ``"sigmoid"``, ``"relu"``, ``"tanh"``, ``"softplus"`` 중 하나.
        One of ``"sigmoid"``, ``"relu"``, ``"tanh"``, ``"softplus"``.

    Returns
    -------
    float
        미분값들의 곱 (파이썬 float).
        The product of the derivatives (a Python float).

    Raises
    ------
    ValueError
        ``activation``이 위의 네 이름이 아닐 때.
        If ``activation`` is not one of the four names above.
    """
    ### BEGIN SOLUTION
    derivatives = {
        "sigmoid": sigmoid_derivative,
        "relu": relu_derivative,
        "tanh": tanh_derivative,
        "softplus": softplus_derivative,
    }
    # isinstance first: an unhashable value (a list) must give ValueError, not TypeError.
    if not isinstance(activation, str) or activation not in derivatives:
        raise ValueError(
            f"activation은 'sigmoid', 'relu', 'tanh', 'softplus' 중 하나여야 합니다"
            f" (대소문자 구분): {activation!r} / activation must be one of 'sigmoid', 'relu',"
            f" 'tanh', 'softplus' (case-sensitive), got {activation!r}"
        )
    zs = np.asarray(zs, dtype=np.float64)
    return float(np.prod(derivatives[activation](zs)))
    ### END SOLUTION
