"""적응형 선형 뉴런(아달린)과 퍼셉트론 — 학습의 수렴 (보조 학습 4.4).

아달린 알고리즘은 진짜 클래스 레이블과 선형 활성화 함수의 실수 출력 값을 비교하여 모델의 오차를
계산하고 가중치를 업데이트한다. 반대로 퍼셉트론은 진짜 클래스 레이블과 예측 클래스 레이블을
비교한다.
그래서 아달린은 미분 가능한 오차 함수를 경사 하강법으로 최소화하고, 퍼셉트론은 예측이 틀린
샘플에서만 가중치를 수정한다.

The adaptive linear neuron (Adaline) and the perceptron — convergence of learning (lecture
section 4.4). Adaline compares the true class label with the *real-valued output of the linear
activation* to compute the error and update the weights; the perceptron compares the true class
label with the *predicted class label*. So Adaline minimises a differentiable cost by gradient
descent, while the perceptron changes its weights only on misclassified samples.

레이블은 ``-1``과 ``+1``이다. 최종 입력(net input)은 ``z = X @ w + b``이다.
``X``의 모양은 ``(n_samples, n_features)``, ``w``는 ``(n_features,)``, ``b``는 파이썬 float이다.
Labels are ``-1`` and ``+1``. The net input is ``z = X @ w + b``, with ``X`` of shape
``(n_samples, n_features)``, ``w`` of shape ``(n_features,)`` and ``b`` a Python float.
"""

import numpy as np


def net_input(X: np.ndarray, w: np.ndarray, b: float) -> np.ndarray:
    """최종 입력 ``z = X @ w + b`` — 아달린에서는 이것이 선형 활성화 함수의 실수 출력 값이다.

    The net input ``z = X @ w + b`` — for Adaline this is also the real-valued output of the
    linear activation.

    Parameters
    ----------
    X : np.ndarray
        샘플, 모양 ``(n_samples, n_features)`` (샘플 하나면 ``(n_features,)``).
        Samples, shape ``(n_samples, n_features)`` (or ``(n_features,)`` for one sample).
    w : np.ndarray
        가중치, 모양 ``(n_features,)``.
        Weights, shape ``(n_features,)``.
    b : float
        바이어스.
        Bias.

    Returns
    -------
    np.ndarray
        ``z``, 모양 ``(n_samples,)``.
        ``z``, shape ``(n_samples,)``.
    """
    # YOUR CODE HERE
    raise NotImplementedError()


def perceptron_predict(X: np.ndarray, w: np.ndarray, b: float) -> np.ndarray:
    """퍼셉트론의 예측 클래스 레이블: ``z ≥ 0``이면 ``+1``, 아니면 ``−1`` (계단 함수).

    The perceptron's predicted class label: ``+1`` where ``z ≥ 0``, else ``−1`` (a step
    function of the net input ``z``).

    Parameters
    ----------
    X : np.ndarray
        샘플, 모양 ``(n_samples, n_features)``.
        Samples, shape ``(n_samples, n_features)``.
    w : np.ndarray
        가중치, 모양 ``(n_features,)``.
        Weights, shape ``(n_features,)``.
    b : float
        바이어스.
        Bias.

    Returns
    -------
    np.ndarray
        ``+1``/``−1``의 정수 배열, 모양 ``(n_samples,)``.
        Integer array of ``+1``/``−1``, shape ``(n_samples,)``.
    """
    # YOUR CODE HERE
    raise NotImplementedError()


def perceptron_update(
    w: np.ndarray, b: float, x: np.ndarray, y: int, eta: float
) -> tuple[np.ndarray, float]:
    """샘플 하나에 대한 퍼셉트론 학습 규칙: ``u = eta·(y − ŷ)``, ``w + u·x``, ``b + u``.

    ``ŷ``는 *예측 클래스 레이블*(``z ≥ 0``이면 +1, 아니면 −1)이다 — 진짜 클래스 레이블과 예측 클래스
    레이블을 비교하므로, 예측이 맞으면 ``u = 0``이고 가중치가 바뀌지 않는다.

    The perceptron learning rule for one sample: ``u = eta·(y − ŷ)``, then ``w + u·x`` and
    ``b + u``, where ``ŷ`` is the *predicted class label* (+1 where ``z ≥ 0``, else −1). The true
    label is compared with the predicted label, so a correct prediction gives ``u = 0`` and no
    change.

    Parameters
    ----------
    w : np.ndarray
        가중치, 모양 ``(n_features,)`` (바뀌지 않음).
        Weights, shape ``(n_features,)`` (not modified).
    b : float
        바이어스.
        Bias.
    x : np.ndarray
        샘플 하나, 모양 ``(n_features,)``.
        One sample, shape ``(n_features,)``.
    y : int
        진짜 클래스 레이블, ``-1`` 또는 ``+1``.
        True class label, ``-1`` or ``+1``.
    eta : float
        학습률.
        Learning rate.

    Returns
    -------
    tuple
        ``(w_new, b_new)``: 모양 ``(n_features,)``의 새 배열과 파이썬 float.
        ``(w_new, b_new)``: a new array of shape ``(n_features,)`` and a Python float.
    """
    # YOUR CODE HERE
    raise NotImplementedError()


def train_perceptron(
    X: np.ndarray, y: np.ndarray, eta: float = 0.1, epochs: int = 10
) -> tuple[np.ndarray, float, list[int]]:
    """퍼셉트론 학습: ``w = 0``, ``b = 0``에서 시작해 에포크마다 샘플을 순서대로 업데이트한다.

    ``errors[i]``는 ``i``번째 에포크에서 업데이트가 0이 아니었던(예측 클래스 레이블이 틀린)
    샘플의 수이다. 데이터가 선형 분리 가능하면 언젠가 0이 된다.

    Trains a perceptron: start from ``w = 0``, ``b = 0``; each epoch visits the samples in order
    and applies ``perceptron_update``. ``errors[i]`` is the number of samples whose update was
    non-zero (misclassified) in epoch ``i``; it reaches 0 when the data are linearly separable.

    Parameters
    ----------
    X : np.ndarray
        샘플, 모양 ``(n_samples, n_features)``.
        Samples, shape ``(n_samples, n_features)``.
    y : np.ndarray
        진짜 클래스 레이블 ``-1``/``+1``, 모양 ``(n_samples,)``.
        True class labels ``-1``/``+1``, shape ``(n_samples,)``.
    eta : float
        학습률.
        Learning rate.
    epochs : int
        에포크 수.
        Number of epochs.

    Returns
    -------
    tuple
        ``(w, b, errors)``: 모양 ``(n_features,)``의 가중치, 파이썬 float 바이어스, 길이
        ``epochs``의 정수 리스트.
        ``(w, b, errors)``: weights of shape ``(n_features,)``, a Python float bias, and a list
        of ``epochs`` integers.
    """
    # YOUR CODE HERE
    raise NotImplementedError()


def adaline_loss(w: np.ndarray, b: float, X: np.ndarray, y: np.ndarray) -> float:
    """아달린의 오차 ``(1 / (2n)) · Σ (y − z)²`` — 선형 활성화 함수의 실수 출력 값과 비교한 오차.

    The Adaline cost ``(1 / (2n)) · Σ (y − z)²`` — the error of the linear activation's
    real-valued output ``z = X @ w + b`` (not of a predicted label).

    Parameters
    ----------
    w : np.ndarray
        가중치, 모양 ``(n_features,)``.
        Weights, shape ``(n_features,)``.
    b : float
        바이어스.
        Bias.
    X : np.ndarray
        샘플, 모양 ``(n_samples, n_features)``.
        Samples, shape ``(n_samples, n_features)``.
    y : np.ndarray
        진짜 클래스 레이블 ``-1``/``+1``, 모양 ``(n_samples,)``.
        True class labels ``-1``/``+1``, shape ``(n_samples,)``.

    Returns
    -------
    float
        오차 (파이썬 float).
        The cost, as a Python float.
    """
    # YOUR CODE HERE
    raise NotImplementedError()


def adaline_gradient(
    w: np.ndarray, b: float, X: np.ndarray, y: np.ndarray
) -> tuple[np.ndarray, float]:
    """``adaline_loss``의 기울기 ``(dw, db)``: ``dw = −Xᵀ(y − z)/n``, ``db = −Σ(y − z)/n``.

    The gradient of ``adaline_loss``: ``dw = −Xᵀ(y − z)/n`` and ``db = −Σ(y − z)/n`` with
    ``z = X @ w + b``.

    Parameters
    ----------
    w : np.ndarray
        가중치, 모양 ``(n_features,)``.
        Weights, shape ``(n_features,)``.
    b : float
        바이어스.
        Bias.
    X : np.ndarray
        샘플, 모양 ``(n_samples, n_features)``.
        Samples, shape ``(n_samples, n_features)``.
    y : np.ndarray
        진짜 클래스 레이블 ``-1``/``+1``, 모양 ``(n_samples,)``.
        True class labels ``-1``/``+1``, shape ``(n_samples,)``.

    Returns
    -------
    tuple
        ``(dw, db)``: 모양 ``(n_features,)``의 배열과 파이썬 float.
        ``(dw, db)``: an array of shape ``(n_features,)`` and a Python float.
    """
    # YOUR CODE HERE
    raise NotImplementedError()


def train_adaline(
    X: np.ndarray, y: np.ndarray, eta: float = 0.01, epochs: int = 20
) -> tuple[np.ndarray, float, list[float]]:
    """아달린 학습: ``w = 0``, ``b = 0``에서 시작해 에포크마다 전체 배치 경사 하강법 한 단계.

    각 에포크는 ``w − eta·dw``, ``b − eta·db``이다. ``losses[i]``는 ``i``번째 에포크를 *시작할 때*의
    ``adaline_loss``이다. 학습률이 적당하면 오차가 줄어들며 수렴하고, 너무 크면 발산한다.
    (특성을 ``standardize``로 표준화하면 수렴이 쉬워진다.)

    Trains Adaline: start from ``w = 0``, ``b = 0``; each epoch is one full-batch
    gradient-descent step ``w − eta·dw``, ``b − eta·db``. ``losses[i]`` is ``adaline_loss`` at
    the *start* of epoch ``i``. With a suitable learning rate the cost decreases and converges;
    too large a rate diverges (standardizing the features with ``standardize`` helps).

    Parameters
    ----------
    X : np.ndarray
        샘플, 모양 ``(n_samples, n_features)``.
        Samples, shape ``(n_samples, n_features)``.
    y : np.ndarray
        진짜 클래스 레이블 ``-1``/``+1``, 모양 ``(n_samples,)``.
        True class labels ``-1``/``+1``, shape ``(n_samples,)``.
    eta : float
        학습률.
        Learning rate.
    epochs : int
        에포크 수.
        Number of epochs.

    Returns
    -------
    tuple
        ``(w, b, losses)``: 모양 ``(n_features,)``의 가중치, 파이썬 float 바이어스, 길이
        ``epochs``의 float 리스트.
        ``(w, b, losses)``: weights of shape ``(n_features,)``, a Python float bias, and a list
        of ``epochs`` floats.
    """
    # YOUR CODE HERE
    raise NotImplementedError()


def standardize(X: np.ndarray) -> np.ndarray:
    """주어진 코드(채점 대상 아님): 열마다 평균 0, 표준편차 1이 되도록 표준화한다.

    Given code, not graded: scales every column to zero mean and unit standard deviation.

    Parameters
    ----------
    X : np.ndarray
        샘플, 모양 ``(n_samples, n_features)`` (바뀌지 않음).
        Samples, shape ``(n_samples, n_features)`` (not modified).

    Returns
    -------
    np.ndarray
        같은 모양의 표준화된 새 배열.
        A new standardized array of the same shape.
    """
    X = np.asarray(X, dtype=np.float64)
    std = X.std(axis=0)
    # A constant column has std 0: leave it centred instead of dividing by zero.
    std = np.where(std > 0, std, 1.0)
    return (X - X.mean(axis=0)) / std
