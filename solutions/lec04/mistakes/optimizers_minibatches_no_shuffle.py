"""섞지 않고 순서대로 자르는 미니배치 / Minibatches cut in order, without shuffling."""

import numpy as np

FUNCTION = "optimizers.minibatches"
HINT_KO = (
    "확률적 경사 하강법은 '랜덤하게 추출한' 일부 데이터를 씁니다. 인덱스를 순서대로 자르지 말고, "
    "주어진 seed의 난수 생성기로 먼저 순열을 만든 뒤 자르세요."
)
HINT_EN = (
    "Stochastic gradient descent uses randomly drawn parts of the data. Do not cut the indices "
    "in order: first draw a permutation with a random generator seeded by seed, then cut it."
)


def minibatches(n_samples, batch_size, seed):
    order = np.arange(n_samples)
    return [order[i:i + batch_size] for i in range(0, n_samples, batch_size)]
