"""Numerical gradient checks: float64 central differences, compared with analytic gradients.

수치 미분(중앙 차분)으로 해석적 기울기(델타식·역전파 결과)를 확인한다.
Checks analytic gradients (the delta rule, backpropagation, derivatives of activations) against
float64 central differences ``(f(x + h) - f(x - h)) / 2h``, in the manner of CS231n's
``gradient_check.py`` and PyTorch's ``gradcheck``.

Every perturbed point of one check goes to ``f_batch`` in ONE call, so a student function is
reached with one worker message::

    f_batch = lambda xs: student.activations.sigmoid.batch([(x,) for x in xs])

``f_batch(points)`` takes a list of arrays shaped like ``x`` and returns one value per point: a
scalar for ``central_difference``/``directional_difference``, an array shaped like ``z`` for
``elementwise_derivative``. Its results may come from the worker, so they are type-checked
before use; a wrong type or a NaN/inf fails with a bilingual message.

Why the step and the tolerances are what they are
-------------------------------------------------
The central difference has two errors. Truncation: ``h**2 * f'''(x) / 6``. Round-off: each
``f`` value carries ~1e-16·|f| of float64 error, divided by ``2h``: ~1e-16·|f|/h. Their sum is
smallest near ``h = eps**(1/3) ≈ 6e-6``; ``DEFAULT_STEP = 1e-5`` (CS231n's choice) is within a
factor of two of that, so for the moderate values the suites use (|x|, |f|, |f'''| ~ 0.1 … 10)
the finite difference is good to ~1e-10 absolute. ``assert_gradient`` accepts
``|analytic - numeric| <= atol + rtol*|numeric|`` with ``rtol = 1e-5`` and ``atol = 1e-7``:
about a thousand times that error (a loss summed over many samples, |f| ~ 1e3, still has
round-off ~1e-8), while any real mistake — a missing ``out(1-out)`` factor, a wrong sign, a
transposed ``W``, a missing ``1/n`` — is off by far more than 1e-5 relative.

Kinks (ReLU at 0) have no derivative; ``away_from_kinks`` keeps points at least ``1e-3`` from
them, a hundred steps away, so the stencil ``x ± h`` never straddles a kink.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from grader.grading.compare import (
    Tolerance,
    array_like,
    describe_value,
    format_pair,
    index_text,
    mismatch_inexact,
    safe_cast,
    shape_text,
    with_dtype,
)
from grader.messages import Failure, Label, Msg

__all__ = [
    "DEFAULT_STEP",
    "assert_gradient",
    "away_from_kinks",
    "central_difference",
    "check_directional",
    "check_gradient",
    "directional_difference",
    "elementwise_derivative",
    "relative_error",
]

#: Step h of the central differences: ≈ eps**(1/3), balancing truncation ~h²·f''' against
#: float64 round-off ~1e-16·|f|/h (see the module docstring).
DEFAULT_STEP = 1e-5
#: Largest ``x.size`` for ``central_difference``: it sends 2·size points of size ``size`` in one
#: message (2000² · 2 · 8 bytes = 64 MB). Larger inputs: use ``check_directional``.
MAX_ELEMENTWISE_SIZE = 2000

FBatch = Callable[[list[np.ndarray]], Any]

# The templates of this module's Msg keys: grader/locale/{ko,en}/LC_MESSAGES/grader.po.


def relative_error(a: Any, b: Any) -> float:
    """최대 상대 오차 / the largest elementwise ``|a - b| / max(|a| + |b|, 1e-8)``.

    The CS231n measure, symmetric in ``a`` and ``b``; the floor 1e-8 keeps it finite where both
    are (nearly) zero. 0.0 for empty arrays. ``a`` and ``b`` must have the same shape.
    """
    x = np.asarray(a, dtype=np.float64)
    y = np.asarray(b, dtype=np.float64)
    if x.shape != y.shape:
        raise ValueError(f"relative_error: shapes {x.shape} and {y.shape} differ")
    if x.size == 0:
        return 0.0
    with np.errstate(all="ignore"):
        rel = np.abs(x - y) / np.maximum(np.abs(x) + np.abs(y), 1e-8)
    # NaN anywhere means "not close at all".
    return float("nan") if np.isnan(rel).any() else float(rel.max())


def central_difference(
    f_batch: FBatch, x: Any, *, h: float = DEFAULT_STEP, name: Label = "f"
) -> np.ndarray:
    """스칼라 함수의 기울기를 중앙 차분으로 구한다 / gradient of a scalar function at ``x``.

    ``grad[i] = (f(x + h·e_i) - f(x - h·e_i)) / (2h)`` for every element ``i`` of ``x``, with the
    2·x.size points in one ``f_batch`` call (all ``+h`` points, then all ``-h`` points). The
    divisor is the step actually taken in float64, ``(x_i + h) - (x_i - h)``, not ``2h``.
    ``name`` labels messages about bad ``f`` values.
    """
    x = _float_array(x)
    if x.size > MAX_ELEMENTWISE_SIZE:
        raise ValueError(
            f"central_difference: x has {x.size} elements (> {MAX_ELEMENTWISE_SIZE}); "
            f"use check_directional for large inputs"
        )
    n = x.size
    flat = x.ravel()
    # All 2n points as rows of one array, built at once (no per-element copies): row i is
    # x + h·e_i, row n + i is x − h·e_i — the same float64 values as one copy per point.
    rows = np.tile(flat, (2 * n, 1))
    diagonal = np.arange(n)
    rows[diagonal, diagonal] += h
    rows[n + diagonal, diagonal] -= h
    values = _scalars(f_batch([row.reshape(x.shape) for row in rows]), 2 * n, name)
    _require_finite(values, name, lambda k: f"f(x{index_text(k % n, x.shape)} {'+-'[k // n]} h)")
    steps = (flat + h) - (flat - h)
    return ((values[:n] - values[n:]) / steps).reshape(x.shape)


def elementwise_derivative(
    f_batch: FBatch, z: Any, *, h: float = DEFAULT_STEP, name: Label = "f"
) -> np.ndarray:
    """원소별 함수(활성화 함수)의 도함수를 중앙 차분으로 구한다 / derivative of an elementwise f.

    For ``f`` applied elementwise (sigmoid, relu, tanh, softplus), ``f'(z)`` at every element
    needs only two points: ``f_batch([z + h, z - h])``, one call. Each result must be a float64
    array shaped like ``z`` (a NumPy scalar or float when ``z`` is 0-d).
    """
    z = _float_array(z)
    zp, zm = z + h, z - h
    results = f_batch([zp, zm])
    if type(results) is np.ndarray and results.shape[:1] == (2,):
        results = list(results)
    if type(results) not in (list, tuple) or len(results) != 2:
        raise Failure(_bad_batch(name, 2, results))
    fp = _float_result(results[0], z.shape, name, "f(z + h)")
    fm = _float_result(results[1], z.shape, name, "f(z - h)")
    _require_finite(fp, name, lambda k: f"f(z + h){index_text(k, z.shape)}")
    _require_finite(fm, name, lambda k: f"f(z - h){index_text(k, z.shape)}")
    return (fp - fm) / (zp - zm)


def directional_difference(
    f_batch: FBatch, x: Any, directions: Any, *, h: float = DEFAULT_STEP, name: Label = "f"
) -> np.ndarray:
    """방향 미분 ∇f·d 를 중앙 차분으로 구한다 / directional derivatives ``∇f(x)·d_k``.

    ``directions`` has shape ``(k, *x.shape)`` (or is a list of k arrays shaped like ``x``).
    Along each ``d`` the step is ``t = h / ‖d‖``, so that ``x`` moves by ``h`` whatever the
    scale of ``d``: ``(f(x + t·d) - f(x - t·d)) / 2t``. One ``f_batch`` call with 2k points.
    Returns an array of shape ``(k,)``; a zero direction gives 0.
    """
    x = _float_array(x)
    d = np.asarray(directions, dtype=np.float64)
    if d.ndim < 1 or d.shape[1:] != x.shape:
        raise ValueError(
            f"directional_difference: directions of shape {d.shape} do not fit x of shape "
            f"{x.shape}; expected (k, *x.shape)"
        )
    k = d.shape[0]
    norms = np.sqrt((d.reshape(k, -1) ** 2).sum(axis=1))
    t = np.where(norms > 0, h / np.where(norms > 0, norms, 1.0), 0.0)
    plus = [x + t[j] * d[j] for j in range(k)]
    minus = [x - t[j] * d[j] for j in range(k)]
    values = _scalars(f_batch(plus + minus), 2 * k, name)
    _require_finite(values, name, lambda i: f"f(x {'+-'[i // k]} t·d[{i % k}])")
    with np.errstate(all="ignore"):
        out = np.where(t > 0, (values[:k] - values[k:]) / (2.0 * t), 0.0)
    return out


def assert_gradient(
    analytic: Any, numeric: Any, *, name: Label, rtol: float = 1e-5, atol: float = 1e-7
) -> None:
    """해석적 기울기가 수치 미분과 맞는지 확인한다 / assert an analytic gradient matches.

    ``analytic`` (usually what the student returned) must be a float64 ndarray shaped like
    ``numeric`` (a NumPy scalar is accepted when 0-d); then
    ``|analytic - numeric| <= atol + rtol*|numeric|`` elementwise, and a failure names the worst
    element: "∂/∂z[3, 1]: got 0.19, finite difference 0.25". Why ``rtol = 1e-5`` and
    ``atol = 1e-7``: see the module docstring (≈1000× the finite-difference error, far below
    the error of any real mistake).
    """
    want = np.asarray(numeric, dtype=np.float64)
    got = array_like(analytic, want, name)
    tol = Tolerance(rtol=rtol, atol=atol)
    if isinstance(got, Msg):  # our own message, not a value from the worker
        cast = safe_cast(analytic, want)
        if cast is None:
            raise Failure(got)
        # Values first: a wrong dtype must not hide a wrong gradient.
        raise Failure(with_dtype(mismatch_inexact(cast, want, name, tol,
                                                  expected=Msg("gradcheck.numeric")), got))
    message = mismatch_inexact(got, want, name, tol, expected=Msg("gradcheck.numeric"))
    if message is not None:
        raise Failure(message)


def check_gradient(
    f_batch: FBatch,
    x: Any,
    analytic: Any,
    *,
    name: Label,
    h: float = DEFAULT_STEP,
    rtol: float = 1e-5,
    atol: float = 1e-7,
) -> np.ndarray:
    """모든 원소에 대한 기울기 검사 (원소별 방식) / element-wise gradient check.

    ``analytic`` is the claimed gradient of the scalar function ``f`` at ``x`` (same shape);
    every element is checked against ``central_difference``. Its type and shape are checked
    first, before any ``f_batch`` call. Returns the numerical gradient.
    """
    x = _float_array(x)
    _check_shape(analytic, x.shape, name)
    numeric = central_difference(f_batch, x, h=h, name=name)
    assert_gradient(analytic, numeric, name=name, rtol=rtol, atol=atol)
    return numeric


def check_directional(
    f_batch: FBatch,
    x: Any,
    analytic: Any,
    rng: np.random.Generator,
    *,
    name: Label,
    n_directions: int = 8,
    h: float = DEFAULT_STEP,
    rtol: float = 1e-5,
    atol: float = 1e-7,
) -> np.ndarray:
    """무작위 방향 몇 개로 하는 가벼운 기울기 검사 / cheap gradient check along random directions.

    For large ``x`` (a whole weight matrix), instead of 2·x.size points this takes
    ``n_directions`` random unit directions ``d`` (Gaussian, normalised) and compares
    ``analytic·d`` with the directional finite difference: 2·n_directions points in one
    ``f_batch`` call. A wrong gradient passes one random direction only by measure-zero luck,
    so a few directions catch it; a failure names the direction but cannot name an element —
    use ``check_gradient`` on a small input for that. Returns the directions used.
    """
    x = _float_array(x)
    _check_shape(analytic, x.shape, name)
    g = np.asarray(analytic, dtype=np.float64)
    d = rng.standard_normal((n_directions, *x.shape))
    norms = np.sqrt((d.reshape(n_directions, -1) ** 2).sum(axis=1))
    d /= np.maximum(norms, 1e-300).reshape((n_directions,) + (1,) * x.ndim)
    numeric = directional_difference(f_batch, x, d, h=h, name=name)
    with np.errstate(all="ignore"):
        claimed = d.reshape(n_directions, -1) @ g.ravel()
    message = _directional_failure(claimed, numeric, name, Tolerance(rtol=rtol, atol=atol))
    if message is not None:
        raise Failure(message)
    return d


def away_from_kinks(
    x: Any, kinks: Sequence[float] = (0.0,), margin: float = 1e-3
) -> np.ndarray:
    """꺾이는 점(예: ReLU의 0) 근처 값을 밀어낸다 / move values away from kinks.

    Every value closer than ``margin`` to a kink ``k`` is moved to ``k ± margin`` (keeping its
    side; a value exactly at ``k`` goes to ``k + margin``), so the derivative exists there and
    the finite-difference stencil ``x ± h`` (``margin`` = 100·``DEFAULT_STEP``) never crosses the
    kink. Returns a new float64 array; kinks must be more than ``2·margin`` apart.
    """
    out = np.array(x, dtype=np.float64, copy=True)
    ks = sorted(float(k) for k in kinks)
    if any(b - a <= 2 * margin for a, b in itertools.pairwise(ks)):
        raise ValueError("away_from_kinks: kinks must be more than 2*margin apart")
    for k in ks:
        near = np.abs(out - k) < margin
        out[near] = np.where(out[near] < k, k - margin, k + margin)
    return out


# --------------------------------------------------------------------------------------------
# Helpers


def _float_array(x: Any) -> np.ndarray:
    # The point is trusted (the suite drew it); differences are taken in float64.
    return np.array(x, dtype=np.float64, copy=True)


def _check_shape(analytic: Any, shape: tuple[int, ...], name: Label) -> None:
    """Type, shape and dtype of the claimed gradient, before spending a worker call on f."""
    checked = array_like(analytic, np.zeros(shape), name)
    if isinstance(checked, Msg):
        raise Failure(checked)


def _scalars(results: Any, count: int, name: Label) -> np.ndarray:
    """``count`` real scalars from ``f_batch`` (possibly from the worker) as float64."""
    if type(results) is np.ndarray and results.ndim == 1:
        if results.dtype == np.float64 and len(results) == count:
            return results.copy()  # speed: already float64 scalars, as the loop below makes them
        results = list(results)
    if type(results) not in (list, tuple) or len(results) != count:
        raise Failure(_bad_batch(name, count, results))
    if all(type(v) is float or type(v) is np.float64 for v in results):
        return np.array(results, dtype=np.float64)  # the common case in one conversion
    out = np.empty(count)
    for i, value in enumerate(results):
        out[i] = _float_result(value, (), name, "f(x ± h)")
    return out


def _float_result(value: Any, shape: tuple[int, ...], name: Label, label: str) -> np.ndarray:
    """A real value of ``shape`` in at least float64 precision, as a float64 array."""
    if type(value) in (float, int) and shape == ():
        return np.asarray(value, dtype=np.float64)
    if type(value) is not np.ndarray and isinstance(value, np.generic) and shape == ():
        value = np.asarray(value)
    if type(value) is not np.ndarray:
        what = "float" if shape == () else "ndarray"
        article = "a" if shape == () else "an"
        got = describe_value(value)
        raise Failure(Msg("gradcheck.not_a", name=name, label=label, what=what,
                          article=article, got=got))
    if value.shape != shape:
        want, got = shape_text(shape), shape_text(value.shape)
        raise Failure(Msg("gradcheck.shape", name=name, label=label, want=want, got=got))
    # float16/float32 round-off (~1e-7·|f|) divided by h would swamp the derivative.
    if not (value.dtype.kind in "iu" or (value.dtype.kind == "f" and value.dtype.itemsize >= 8)):
        raise Failure(Msg("gradcheck.dtype", name=name, label=label, dtype=str(value.dtype)))
    return value.astype(np.float64)


def _require_finite(values: np.ndarray, name: Label, label: Callable[[int], str]) -> None:
    with np.errstate(all="ignore"):
        bad = ~np.isfinite(values)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        v = f"{float(values.flat[i]):g}"
        raise Failure(Msg("gradcheck.not_finite", name=name, label=label(i), value=v))


def _bad_batch(name: Label, count: int, results: Any) -> Msg:
    got = describe_value(results)
    if type(results) in (list, tuple):
        got += f" of length {len(results)}"
    return Msg("gradcheck.batch", name=name, count=count, got=got)


def _directional_failure(
    claimed: np.ndarray, numeric: np.ndarray, name: Label, tol: Tolerance
) -> Msg | None:
    """Compare ``gradient·d_k`` with the finite differences; the message names the direction."""
    with np.errstate(all="ignore"):
        err = np.abs(claimed - numeric)
        allowed = tol.atol + tol.rtol * np.abs(numeric)
        bad = ~(err <= allowed)  # NaN/inf in the claimed gradient counts as a mismatch
        if not bad.any():
            return None
        ratio = np.where(bad, np.where(np.isfinite(err), err / allowed, np.inf), -np.inf)
    j = int(np.argmax(ratio))
    k, n = int(np.count_nonzero(bad)), int(bad.size)
    c, v = format_pair(claimed[j], numeric[j])
    e, a = f"{err[j]:.6g}", f"{allowed[j]:.6g}"
    return Msg("gradcheck.direction", name=name, j=j, claimed=c, numeric=v, err=e, allowed=a,
               n=n, k=k)
