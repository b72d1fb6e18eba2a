# Pure-Python loops over every element: the slowest honest style (a test of the time limits).
import numpy as np


def each(f, *arrays):
    """f applied to every element, one Python float at a time (NumPy broadcasting rules)."""
    arrays = np.broadcast_arrays(*[np.asarray(a, dtype=np.float64) for a in arrays])
    out = np.empty(arrays[0].shape)
    flat_out = out.reshape(-1)
    flats = [a.reshape(-1) for a in arrays]
    for i in range(flat_out.size):
        flat_out[i] = f(*[float(a[i]) for a in flats])
    return out


def matmul(A, B):
    """A @ B with three Python loops (1-D operands as NumPy treats them)."""
    A, B = np.asarray(A, dtype=np.float64), np.asarray(B, dtype=np.float64)
    a2 = A if A.ndim == 2 else A.reshape(1, -1)
    b2 = B if B.ndim == 2 else B.reshape(-1, 1)
    n, k = a2.shape
    k2, m = b2.shape
    if k != k2:
        raise ValueError(f"matmul: shapes {A.shape} and {B.shape} not aligned")
    out = np.zeros((n, m))
    for i in range(n):
        for j in range(m):
            s = 0.0
            for t in range(k):
                s += float(a2[i, t]) * float(b2[t, j])
            out[i, j] = s
    if A.ndim == 1:
        out = out[0]
    if B.ndim == 1:
        out = out[..., 0]
    return out


def column_sums(D):
    """D.sum(axis=0), adding one element at a time."""
    D = np.asarray(D, dtype=np.float64)
    if D.ndim != 2:
        return D.sum(axis=0)
    out = np.zeros(D.shape[1])
    for i in range(D.shape[0]):
        for j in range(D.shape[1]):
            out[j] += float(D[i, j])
    return out


def total(D):
    s = 0.0
    for v in np.asarray(D, dtype=np.float64).reshape(-1):
        s += float(v)
    return s
