# ruff: noqa
"""Replaces relu: writes a 2 GiB file in its working folder, 1 MiB at a time. RLIMIT_FSIZE
(file_size_mb) stops the write with EFBIG ("File too large"); Python ignores SIGXFSZ, so it is
an OSError inside the function, not a dead worker."""
import numpy as np


def relu(z):
    block = b"\0" * (1 << 20)
    with open("big.bin", "wb") as f:
        for _ in range(2048):
            f.write(block)
    return np.maximum(z, 0.0)
