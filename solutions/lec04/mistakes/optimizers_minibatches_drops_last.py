"""크기가 모자란 마지막 배치를 버리는 미니배치 / Minibatches that drop the last, smaller batch."""

import numpy as np

FUNCTION = "optimizers.minibatches"
HINT_KO = (
    "샘플 수가 배치 크기로 나누어떨어지지 않으면 마지막 배치는 더 작을 뿐, 버리면 안 됩니다. "
    "모든 샘플이 한 에포크에 정확히 한 번씩 쓰여야 합니다."
)
HINT_EN = (
    "When the number of samples is not a multiple of the batch size, the last batch is just "
    "smaller — it must not be dropped. Every sample is used exactly once per epoch."
)


def minibatches(n_samples, batch_size, seed):
    order = np.random.default_rng(seed).permutation(n_samples)
    n_full = n_samples // batch_size
    return [order[i * batch_size:(i + 1) * batch_size] for i in range(n_full)]
