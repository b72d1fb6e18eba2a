"""Comparing what a student function returned with what the reference returned.

학생 함수가 반환한 값과 참조 해답의 값을 비교한다 (형식·형태·dtype·NaN/inf·허용 오차).
Compares a student's result with the reference's: type, shape, dtype, NaN/inf, then tolerance.

Every helper raises ``AssertionError`` with a short bilingual message (Korean first, then
English) that says what was expected, what came back, and — for arrays — names the worst element
with its index and both values. ``values_match`` applies exactly the same rules and returns a
bool; it recognises catalogued mistakes, so its type rules are as strict as ``assert_close``'s.

Trust: ``got`` comes from the student worker through ``grader.boundary.wire``, which only ever delivers
plain data (exact ``float``/``int``/``bool``/``str``/``None``, ``list``/``tuple``/``dict``, exact
``np.ndarray`` and NumPy scalars, or ``Unsupported``). We still dispatch with ``type(got) is ...``
and NumPy functions only, and never evaluate ``got == want`` on a type we have not checked, so a
value cannot steer its own comparison. ``want`` is trusted (the reference's result).
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from grader.boundary.calls import Call
from grader.boundary.wire import Unsupported
from grader.errors import StudentNotImplemented, StudentRaised
from grader.messages import Failure, Label, Msg, joined, paren

# The templates of this module's Msg keys: grader/locale/{ko,en}/LC_MESSAGES/grader.po.

__all__ = [
    "DEFAULT",
    "Tolerance",
    "array_like",
    "assert_close",
    "assert_no_warnings",
    "assert_not_mutated",
    "assert_raises",
    "describe_value",
    "format_pair",
    "in_force",
    "index_text",
    "mismatch_inexact",
    "safe_cast",
    "shape_text",
    "type_message",
    "using",
    "values_match",
    "with_dtype",
]


@dataclass(frozen=True)
class Tolerance:
    """허용 오차: ``|got - want| <= atol + rtol * |want|`` (원소별) / elementwise tolerance.

    Why these defaults (``course.yaml`` may override them):

    - ``rtol = 1e-6``: two correct float64 implementations of the same formula (a loop instead
      of vectorised code, ``np.where`` instead of a mask, another stable formula, another order
      of summation) differ by a few ulps per operation, i.e. ~1e-15 relative, growing to maybe
      1e-12 through a forward/backward pass or a few optimizer steps. 1e-6 leaves a wide margin
      for that, yet every real mistake (a missing factor, a wrong sign, ε in the wrong place at
      moderate magnitudes, an off-by-one step count in Adam) is off by far more.
    - ``atol = 1e-9``: relative error means nothing near zero. Two correct stable formulas can
      differ completely in relative terms for values below ~1e-17 (``sigmoid(-40)`` computed as
      ``exp(z)/(1+exp(z))`` or as ``1/(1+exp(-z))``; a gradient that is exactly 0 in one
      formula and 1e-20 in another), see EXERCISES.md "Grading intent". Values of moderate size
      (0.1 … 10, as the suites use) are unaffected by an absolute slack of 1e-9.
    """

    rtol: float = 1e-6
    atol: float = 1e-9

    def __post_init__(self) -> None:
        for label, value in (("rtol", self.rtol), ("atol", self.atol)):
            number = isinstance(value, (int, float)) and not isinstance(value, bool)
            if not number or not 0.0 <= value < float("inf"):
                raise ValueError(f"Tolerance.{label} must be a finite number >= 0, got {value!r}")


#: The tolerance of a helper given ``tol=None`` outside any ``using`` block.
DEFAULT = Tolerance()

# The tolerance in force: the plugin sets the course's for the duration of each test only.
_IN_FORCE: contextvars.ContextVar[Tolerance] = contextvars.ContextVar("tolerance", default=DEFAULT)


@contextlib.contextmanager
def using(tol: Tolerance) -> Iterator[Tolerance]:
    """``tol=None`` means ``tol`` inside the block (the plugin: the course's tolerances, during
    one test) / 블록 안에서 기본 허용 오차를 ``tol``로."""
    if not isinstance(tol, Tolerance):
        raise TypeError(f"using expects a Tolerance, got {type(tol).__name__}")
    token = _IN_FORCE.set(tol)
    try:
        yield tol
    finally:
        _IN_FORCE.reset(token)


def in_force() -> Tolerance:
    """The tolerance a helper uses for ``tol=None`` here and now."""
    return _IN_FORCE.get()


def _resolve(tol: Tolerance | None) -> Tolerance:
    return _IN_FORCE.get() if tol is None else tol


# --------------------------------------------------------------------------------------------
# Public helpers


def assert_close(
    got: Any,
    want: Any,
    *,
    name: Label,
    tol: Tolerance | None = None,
    extra_keys_ok: bool = False,
    parts: Sequence[str] = (),
) -> None:
    """``got``가 ``want``와 (허용 오차 안에서) 같은지 확인한다 / assert ``got`` matches ``want``.

    Dispatches on the type of the trusted ``want``:

    - ``np.ndarray`` → ``got`` must be an ndarray (a NumPy scalar is accepted when ``want`` is
      0-d) of the same shape. A float64 ``want`` needs float64 (float32, int, object … are a
      wrong dtype: float32 loses the precision the tolerance assumes); an integer ``want``
      accepts any integer dtype and needs exact equality; a bool ``want`` needs bool.
      NaN/inf where ``want`` is finite fails and names the element; NaN matches NaN and ±inf
      matches the same ±inf. Then ``|got - want| <= atol + rtol*|want|`` elementwise; the
      message names the worst element (largest error in units of its tolerance).
    - ``float`` (or a NumPy floating scalar) → ``float``, a NumPy floating scalar or a 0-d
      floating array, compared with the tolerance.
    - ``int`` (or a NumPy integer) → ``int`` or a NumPy integer, exactly equal.
    - ``bool`` → ``bool`` or ``np.bool_``, equal. ``str``/``None`` → the same, equal.
    - ``tuple``/``list``/``dict`` → the same container (a ``list`` also accepts a 1-D ndarray),
      same length / same keys (extra dict keys only with ``extra_keys_ok``), compared item by
      item with paths ``name[0]``, ``name['W1']``.
    - ``grader.boundary.wire.Unsupported`` as ``got`` → "returned Foo, expected ndarray".

    ``name`` is how the student sees the value, e.g. ``"sigmoid(z)"``. ``parts`` names the
    members of a tuple result (``("w_new", "b_new")``): a message then says ``w_new[1]``, not
    ``[0][1]``.
    Raises ``AssertionError`` with a bilingual message (Korean first).
    """
    if parts and type(got) is type(want) is tuple and len(parts) == len(want) == len(got):
        for member, got_part, want_part in zip(parts, got, want, strict=True):
            assert_close(got_part, want_part, name=joined(name, f": {member}"), tol=tol,
                         extra_keys_ok=extra_keys_ok)
        return
    message = _mismatch(got, want, name, _resolve(tol), extra_keys_ok)
    if message is not None:
        raise Failure(message)


def values_match(
    got: Any, want: Any, tol: Tolerance | None = None, extra_keys_ok: bool = False
) -> bool:
    """``assert_close``와 같은 규칙으로 비교해 bool을 반환한다 / same rules, returns a bool.

    Used to recognise catalogued mistakes (does the student's result equal what a known-wrong
    variant returns?), so the type rules are exactly those of ``assert_close``. Never raises.
    """
    try:
        return _mismatch(got, want, "value", _resolve(tol), extra_keys_ok) is None
    except Exception:
        return False


def assert_not_mutated(call: Call, *, name: Label) -> None:
    """학생 함수가 입력을 제자리에서 바꾸지 않았는지 확인 / the call did not modify its inputs.

    ``call.mutated`` lists the inputs the worker saw changed (``"z"``, ``"config['m']"``).
    """
    mutated = [_short(str(m), 40) for m in call.mutated[:4]]
    if not mutated:
        return
    more = ", …" if len(call.mutated) > 4 else ""
    which = ", ".join(mutated) + more
    inputs = "its input" if len(call.mutated) == 1 else "its inputs"
    raise Failure(Msg("compare.mutated", name=name, which=which, inputs=inputs))


def assert_no_warnings(
    call: Call, *, name: Label, categories: Sequence[str] = ("RuntimeWarning",)
) -> None:
    """경고(예: exp 오버플로) 없이 계산했는지 확인 / the call emitted no such warning.

    Categories are matched by class name (the worker only sends names), e.g. numpy's
    ``overflow encountered in exp`` is a ``RuntimeWarning``: the sign of a formula that is not
    numerically stable.
    """
    hits = [w for w in call.warnings if w.category in categories]
    if not hits:
        return
    first = hits[0]
    category, text = _short(first.category, 40), _short(first.message, 80)
    more = Msg("compare.more_warnings", n=len(hits) - 1) if len(hits) > 1 else ""
    raise Failure(Msg("compare.warning", name=name, category=category, text=text, more=more))


def assert_raises(call: Call, exc_name: str, *, name: Label) -> StudentRaised:
    """``exc_name`` 예외(또는 그 하위 클래스)를 발생시켰는지 확인 / the call raised ``exc_name``.

    Matches by class name along the exception's bases (``StudentRaised.is_a``), so a subclass
    of ``ValueError`` counts as ``ValueError``. A stub still raising ``NotImplementedError`` is
    re-raised as is, so the function is reported as not implemented rather than wrong.
    Returns the student's exception for further checks.
    """
    error = call.error
    if error is None:
        raise Failure(Msg("compare.should_raise", name=name, exc=exc_name))
    if error.is_a(exc_name):
        return error
    if isinstance(error, StudentNotImplemented):
        raise error
    raised = error.type_names[0] if error.type_names else "?"
    detail = f": {_short(error.detail, 80)}" if error.detail else ""
    raise Failure(Msg("compare.raised_other", name=name, exc=exc_name, raised=raised,
                      detail=detail))


# --------------------------------------------------------------------------------------------
# The comparison itself: each function returns None (match) or the failure message.


def _mismatch(got: Any, want: Any, path: Label, tol: Tolerance, extra_keys_ok: bool) -> Msg | None:
    if type(want) is np.ndarray:
        return _mismatch_array(got, want, path, tol)
    # NumPy scalars first: np.float64 is also a float, np.bool_ is not a bool.
    if isinstance(want, (bool, np.bool_)):
        return _mismatch_bool(got, want, path)
    if isinstance(want, (int, np.integer)):
        return _mismatch_int(got, want, path)
    if isinstance(want, (float, np.floating)):
        return _mismatch_float(got, want, path, tol)
    if type(want) is str:
        if type(got) is not str:
            return type_message(path, "str", got)
        if got != want:
            return _value_message(path, repr(_short(got, 40)), repr(_short(want, 40)))
        return None
    if want is None:
        return None if got is None else type_message(path, "None", got)
    if type(want) in (tuple, list):
        return _mismatch_sequence(got, want, path, tol, extra_keys_ok)
    if type(want) is dict:
        return _mismatch_dict(got, want, path, tol, extra_keys_ok)
    # The reference returned something no rule covers: a suite error, not a student error.
    raise TypeError(f"compare: cannot compare against a {type(want).__name__} ({path})")


def _mismatch_array(got: Any, want: np.ndarray, path: Label, tol: Tolerance) -> Msg | None:
    checked = array_like(got, want, path)
    if isinstance(checked, Msg):  # our own message, not a value from the worker
        cast = safe_cast(got, want)
        if cast is None:
            return checked
        # Values first: a wrong dtype must not hide wrong values (a bool `z <= 0`).
        if want.dtype.kind in "biu":
            return with_dtype(_mismatch_exact(cast, want, path), checked)
        return with_dtype(mismatch_inexact(cast, want, path, tol), checked)
    if want.dtype.kind in "biu":
        return _mismatch_exact(checked, want, path)
    return mismatch_inexact(checked, want, path, tol)


def safe_cast(got: Any, want: np.ndarray) -> np.ndarray | None:
    """``got`` in a dtype its values can be compared in with ``want``'s, when only its dtype is
    wrong (bool, integer or float of the right shape); None when the values cannot be compared
    (another type or shape, object, complex or text)."""
    if type(got) is not np.ndarray:
        if not (want.ndim == 0 and isinstance(got, np.generic)):
            return None
        got = np.asarray(got)
    if got.shape != want.shape or got.dtype.kind not in "biuf" or want.dtype.kind not in "biuf":
        return None
    # Every bool, integer and float converts to float64 (int64 above 2**53 only rounds).
    common = np.float64 if "f" in (got.dtype.kind + want.dtype.kind) else np.int64
    if got.dtype.kind == "u" and common is np.int64:
        return got  # np.not_equal compares mixed signed/unsigned integers by value
    with np.errstate(all="ignore"):
        return got.astype(common)


def with_dtype(values: Msg | None, dtype: Msg) -> Msg:
    """The values' mismatch and the dtype's, or the dtype's alone when the values are right."""
    if values is None:  # said so: the scoring's convention share and the hidden summary read it
        return Msg(dtype.key, **dtype.params, values_right=True)
    # ``path``: what was compared, for a summary that must not show the values.
    return Msg("compare.value_and_dtype", value=values, dtype=dtype,
               path=dtype.params.get("path") or dtype.params.get("name", ""))


def array_like(got: Any, want: np.ndarray, path: Label) -> np.ndarray | Msg:
    """Type, shape and dtype rules for an ndarray ``want``: ``got`` as an array, or a message."""
    if type(got) is not np.ndarray:
        if want.ndim == 0 and isinstance(got, np.generic):
            got = np.asarray(got)  # a NumPy scalar stands for a 0-d array
        else:
            return type_message(path, "ndarray", got)
    if got.shape != want.shape:
        return Msg("compare.shape", path=path, want=shape_text(want.shape),
                   got=shape_text(got.shape))
    kind = want.dtype.kind
    if kind == "b":
        if got.dtype.kind != "b":
            return _dtype_message(path, "bool", got.dtype)
        return got
    if kind in "iu":
        if got.dtype.kind not in "iu":
            return _dtype_message(path, "integer", got.dtype)
        return got
    if kind in "fc":
        # Exact dtype: float32 (or int) in place of float64 means the student's computation
        # lost the precision the tolerance is calibrated for (or was not a float at all).
        if got.dtype != want.dtype:
            return _dtype_message(path, str(want.dtype), got.dtype)
        return got
    raise TypeError(f"compare: cannot compare against an array of dtype {want.dtype} ({path})")


def _mismatch_exact(got: np.ndarray, want: np.ndarray, path: Label) -> Msg | None:
    """Integers and bools: equal exactly (NumPy compares mixed int/uint dtypes correctly)."""
    bad = np.not_equal(got, want)
    if not bad.any():
        return None
    i = int(np.flatnonzero(bad)[0])
    g, w = got.flat[i], want.flat[i]
    where = joined(path, index_text(i, want.shape))
    shown = _fmt(g) if isinstance(g, np.floating) else _fmt_exact(g)  # a float cast for its values
    return _value_message(where, shown, _fmt_exact(w), count=_count(bad))


def mismatch_inexact(
    got: np.ndarray,
    want: np.ndarray,
    path: Label,
    tol: Tolerance,
    *,
    expected: Msg | None = None,
) -> Msg | None:
    """Floats: NaN/inf rules, then ``|got - want| <= atol + rtol*|want|`` elementwise.
    ``expected`` names the want side ("expected", "the numerical derivative is")."""
    expected = expected or Msg("compare.expected")
    with np.errstate(all="ignore"):
        want_finite = np.isfinite(want)
        got_finite = np.isfinite(got)
        # 1. A NaN/inf where a finite value was expected.
        blown = want_finite & ~got_finite
        if blown.any():
            i = int(np.flatnonzero(blown)[0])
            where = joined(path, index_text(i, want.shape))
            g, w = format_pair(got.flat[i], want.flat[i])
            return Msg("compare.not_finite", where=where, got=g, want=w, expected=expected,
                       paren=paren(_count(blown)))
        # 2. Where the reference itself is NaN/inf, the student must give the same NaN/±inf.
        special = ~want_finite
        if special.any():
            same = np.isnan(want) & np.isnan(got) | (got == want)
            off = special & ~same
            if off.any():
                i = int(np.flatnonzero(off)[0])
                g, w = format_pair(got.flat[i], want.flat[i])
                return _value_message(
                    joined(path, index_text(i, want.shape)), g, w, count=_count(off), expected=expected
                )
        # 3. The tolerance, on the finite elements.
        err = np.where(want_finite, np.abs(got - want), 0.0)
        allowed = tol.atol + tol.rtol * np.abs(np.where(want_finite, want, 0.0))
        bad = err > allowed
        if not bad.any():
            return None
        ratio = np.where(bad, err / allowed, -np.inf)  # tolerance 0 gives inf: still worst
        i = int(np.argmax(ratio))
    g, w = format_pair(got.flat[i], want.flat[i])
    detail = Msg("compare.difference", err=_fmt(err.flat[i]), allowed=_fmt(allowed.flat[i]))
    return _value_message(
        joined(path, index_text(i, want.shape)),
        g,
        w,
        count=_count(bad),
        detail=detail,
        expected=expected,
    )


def _mismatch_float(got: Any, want: Any, path: Label, tol: Tolerance) -> Msg | None:
    if type(got) is float or isinstance(got, np.floating):
        value = np.asarray(got, dtype=np.float64)
    elif type(got) is np.ndarray and got.ndim == 0 and got.dtype.kind == "f":
        value = got.astype(np.float64)
    else:
        return type_message(path, "float", got)
    return mismatch_inexact(value, np.asarray(want, dtype=np.float64), path, tol)


def _mismatch_int(got: Any, want: Any, path: Label) -> Msg | None:
    if type(got) is not int and not isinstance(got, np.integer):
        return type_message(path, "int", got)
    g, w = int(got), int(want)
    return None if g == w else _value_message(path, str(g), str(w))


def _mismatch_bool(got: Any, want: Any, path: Label) -> Msg | None:
    if type(got) is not bool and type(got) is not np.bool_:
        return type_message(path, "bool", got)
    g, w = bool(got), bool(want)
    return None if g == w else _value_message(path, str(g), str(w))


def _mismatch_sequence(
    got: Any, want: tuple[Any, ...] | list[Any], path: Label, tol: Tolerance, extra_keys_ok: bool
) -> Msg | None:
    kind = type(want).__name__
    # A list stated in the contract may come back as a 1-D array (EXERCISES.md conventions).
    ok = type(got) is type(want) or (
        type(want) is list and type(got) is np.ndarray and got.ndim == 1
    )
    if not ok:
        return type_message(path, kind, got)
    if len(got) != len(want):
        return Msg("compare.length", path=path, want=len(want), kind=kind, got=len(got))
    for i, (g, w) in enumerate(zip(got, want, strict=True)):
        message = _mismatch(g, w, joined(path, f"[{i}]"), tol, extra_keys_ok)
        if message is not None:
            return message
    return None


def _mismatch_dict(
    got: Any, want: dict[Any, Any], path: Label, tol: Tolerance, extra_keys_ok: bool
) -> Msg | None:
    if type(got) is not dict:
        return type_message(path, "dict", got)
    missing = [k for k in want if k not in got]
    if missing:
        keys = _keys(missing)
        return Msg("compare.missing_keys", path=path, keys=keys, s=_s(missing))
    if not extra_keys_ok:
        extra = [k for k in got if k not in want]
        if extra:
            keys = _keys(extra)
            return Msg("compare.extra_keys", path=path, keys=keys, s=_s(extra))
    for key, w in want.items():
        message = _mismatch(got[key], w, joined(path, f"[{key!r}]"), tol, extra_keys_ok)
        if message is not None:
            return message
    return None


# --------------------------------------------------------------------------------------------
# Message pieces


def type_message(path: Label, expected: str, got: Any) -> Msg:
    return Msg("compare.type", path=path, expected=expected, returned=describe_value(got))


def _dtype_message(path: Label, expected: str, got_dtype: np.dtype[Any]) -> Msg:
    what = Msg("compare.integer_dtype") if expected == "integer" \
        else Msg("compare.named_dtype", dtype=expected)
    return Msg("compare.dtype", path=path, what=what, got=str(got_dtype))


def _value_message(
    where: Label,
    got: str,
    want: str,
    *,
    count: Msg | str = "",
    detail: Msg | None = None,
    expected: Msg | None = None,
) -> Msg:
    return Msg("compare.value", where=where, got=got, want=want,
               expected=expected or Msg("compare.expected"), paren=paren(detail or "", count))


def _count(bad: np.ndarray) -> Msg | str:
    """'12 of 30 elements differ', for arrays with more than one element."""
    if bad.size <= 1:
        return ""
    return Msg("compare.count", k=int(np.count_nonzero(bad)), n=int(bad.size))


def describe_value(got: Any) -> str:
    """What came back, in a few words; never the value itself (it could be huge)."""
    if type(got) is Unsupported:
        return _short(got.type_name, 60)
    if got is None:
        return "None"
    if type(got) is np.ndarray:
        return f"ndarray (shape {shape_text(got.shape)}, dtype {got.dtype})"
    if isinstance(got, np.generic):
        return f"NumPy {type(got).__name__}"
    return type(got).__name__


def index_text(flat: int, shape: tuple[int, ...]) -> str:
    if not shape:
        return ""
    return "[" + ", ".join(str(int(i)) for i in np.unravel_index(flat, shape)) + "]"


def shape_text(shape: tuple[int, ...]) -> str:
    return "(" + ", ".join(str(n) for n in shape) + ("," if len(shape) == 1 else "") + ")"


def _fmt(x: Any) -> str:
    """A short form of a number: 0.25, 1.5e-07, nan, -inf."""
    if isinstance(x, (complex, np.complexfloating)):
        return f"{complex(x):.6g}"
    return f"{float(x):.6g}"


def format_pair(got: Any, want: Any) -> tuple[str, str]:
    """Short forms, with all digits when the short forms would look equal (tiny differences)."""
    g, w = _fmt(got), _fmt(want)
    if g == w:
        if isinstance(got, (complex, np.complexfloating)) or isinstance(
            want, (complex, np.complexfloating)
        ):
            return repr(complex(got)), repr(complex(want))
        return repr(float(got)), repr(float(want))
    return g, w


def _fmt_exact(x: Any) -> str:
    return str(bool(x)) if isinstance(x, (bool, np.bool_)) else str(int(x))


def _keys(keys: Iterable[Any]) -> str:
    listed = list(keys)
    shown = ", ".join(_short(repr(k), 30) for k in listed[:3])
    return shown + (", …" if len(listed) > 3 else "")


def _s(items: Sequence[Any]) -> str:
    return "s" if len(items) > 1 else ""


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
