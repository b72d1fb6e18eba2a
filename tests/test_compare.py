"""Tests of grader.grading.compare: type, shape, dtype, NaN/inf and tolerance rules, and the messages."""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
import pytest

from grader.boundary.calls import Call, WarningRecord
from grader.boundary.wire import Unsupported, decode, encode
from grader.errors import StudentNotImplemented, StudentRaised
from grader.grading import compare
from grader.grading.compare import Tolerance, assert_close, values_match


def fails(got: Any, want: Any, **kwargs: Any) -> str:
    """The message of a failing assert_close (and check values_match agrees)."""
    kwargs.setdefault("name", "sigmoid(z)")
    with pytest.raises(AssertionError) as info:
        assert_close(got, want, **kwargs)
    kwargs.pop("name")
    assert values_match(got, want, **kwargs) is False
    return str(info.value)


def passes(got: Any, want: Any, **kwargs: Any) -> None:
    assert_close(got, want, name="f", **kwargs)
    assert values_match(got, want, **kwargs) is True


# ---- Tolerance ------------------------------------------------------------------------------


def test_tolerance_defaults_and_frozen() -> None:
    tol = Tolerance()
    assert (tol.rtol, tol.atol) == (1e-6, 1e-9)
    with pytest.raises(AttributeError):
        tol.rtol = 1.0  # type: ignore[misc]


@pytest.mark.parametrize("bad", [-1e-6, float("nan"), float("inf"), True, "1e-6", None])
def test_tolerance_rejects_bad_values(bad: Any) -> None:
    with pytest.raises(ValueError, match="rtol"):
        Tolerance(rtol=bad)
    with pytest.raises(ValueError, match="atol"):
        Tolerance(atol=bad)


def test_tolerance_accepts_numpy_and_int() -> None:
    assert Tolerance(np.float64(1e-3), 0).rtol == 1e-3


def test_using_sets_the_tolerance_for_the_block_only() -> None:
    want = np.array([1.0])
    got = np.array([1.001])
    assert not values_match(got, want)
    with compare.using(Tolerance(rtol=1e-2, atol=0.0)):
        assert compare.in_force() == Tolerance(1e-2, 0.0)
        passes(got, want)
        # An explicit tol still wins over the one in force.
        assert not values_match(got, want, Tolerance())
    assert compare.in_force() == compare.DEFAULT and not values_match(got, want)
    with pytest.raises(TypeError):
        with compare.using((1e-2, 0.0)):  # type: ignore[arg-type]
            pass


def test_tolerance_formula_is_atol_plus_rtol_times_want() -> None:
    tol = Tolerance(rtol=1e-3, atol=1e-2)
    want = np.array([0.0, 100.0])
    passes(np.array([0.0099, 100.0]), want, tol=tol)
    passes(np.array([0.0, 100.1099]), want, tol=tol)  # 0.01 + 0.1
    assert not values_match(np.array([0.0, 100.111]), want, tol)
    assert not values_match(np.array([0.0101, 100.0]), want, tol)
    # Relative to want, not to got: a got ten times too big is never "close".
    assert not values_match(np.array([1000.0]), np.array([100.0]), Tolerance(rtol=0.9))


def test_zero_tolerance_means_exact() -> None:
    exact = Tolerance(rtol=0.0, atol=0.0)
    passes(np.array([0.5, 0.0]), np.array([0.5, 0.0]), tol=exact)
    message = fails(np.array([0.5, 1e-300]), np.array([0.5, 0.0]), tol=exact)
    assert "sigmoid(z)[1]: 반환값 1e-300, 기대값 0" in message


# ---- ndarray want: values and messages -------------------------------------------------------


def test_array_within_tolerance_passes() -> None:
    want = np.linspace(-3, 3, 12).reshape(3, 4)
    passes(want.copy(), want)
    passes(want * (1 + 5e-7), want)
    passes(np.zeros(0), np.zeros(0))
    passes(np.zeros((2, 0)), np.zeros((2, 0)))


def test_array_mismatch_names_worst_element_exactly() -> None:
    want = np.full((4, 2), 0.25)
    got = want.copy()
    got[3, 1] = 0.19
    got[0, 0] = 0.25 + 1e-3  # also wrong, but less so
    assert fails(got, want) == (
        "sigmoid(z)[3, 1]: 반환값 0.19, 기대값 0.25 "
        "(차이 0.06, 허용 오차 2.51e-07, 원소 8개 중 2개가 틀림) / "
        "sigmoid(z)[3, 1]: got 0.19, expected 0.25 "
        "(|difference| 0.06, tolerance 2.51e-07; 2 of 8 elements differ)"
    )


def test_worst_element_is_measured_in_tolerances_not_absolute_error() -> None:
    # [0] is off by 1e-3 on a value of 1000 (within ~1 tolerance); [1] by 1e-4 on 1e-3.
    want = np.array([1000.0, 1e-3])
    got = np.array([1000.0015, 1.1e-3])
    assert fails(got, want).startswith("sigmoid(z)[1]: 반환값 0.0011, 기대값 0.001")


def test_tiny_differences_are_shown_with_all_digits() -> None:
    message = fails(np.array([1.0 + 1e-9]), np.array([1.0]), tol=Tolerance(0.0, 0.0))
    assert "반환값 1.000000001, 기대값 1.0" in message
    assert "got 1.000000001, expected 1.0" in message


def test_one_element_array_has_no_count() -> None:
    message = fails(np.array([2.0]), np.array([1.0]))
    assert "개가 틀림" not in message and "elements differ" not in message


def test_large_array_message_stays_short() -> None:
    want = np.zeros((100, 100))
    message = fails(np.ones((100, 100)), want)
    assert len(message) < 400
    assert "10000 of 10000 elements differ" in message
    assert message.count("/") == 1


def test_message_is_korean_first_then_english() -> None:
    message = fails(np.array([1.0, 2.0]), np.array([1.0, 3.0]))
    ko, en = message.split(" / ")
    assert "반환값" in ko and "기대값" in ko
    assert en == (
        "sigmoid(z)[1]: got 2, expected 3 "
        "(|difference| 1, tolerance 3.001e-06; 1 of 2 elements differ)"
    )


# ---- ndarray want: types, shapes, dtypes ------------------------------------------------------


def test_list_instead_of_array() -> None:
    assert fails([0.5, 0.5], np.array([0.5, 0.5])) == (
        "sigmoid(z): 반환값의 자료형이 다릅니다 (기대한 자료형 ndarray, 돌려준 값의 자료형 list) / "
        "sigmoid(z): expected ndarray, returned list"
    )


@pytest.mark.parametrize(
    ("got", "returned"),
    [
        (Unsupported("Foo", "<Foo object>"), "returned Foo"),
        (None, "returned None"),
        (0.5, "returned float"),
        ((0.5,), "returned tuple"),
        ({"a": 1}, "returned dict"),
        ("0.5", "returned str"),
        (np.float64(0.5), "returned NumPy float64"),
    ],
)
def test_wrong_type_for_array(got: Any, returned: str) -> None:
    message = fails(got, np.array([0.5]))
    assert message.endswith(f"sigmoid(z): expected ndarray, {returned}")
    assert "기대한 자료형 ndarray" in message


def test_unsupported_from_the_wire() -> None:
    class Foo:
        pass

    got = decode(encode(Foo()))
    assert type(got) is Unsupported
    assert "expected ndarray, returned Foo" in fails(got, np.zeros(3))


def test_shape_mismatch() -> None:
    assert fails(np.zeros((2, 3)), np.zeros((3, 2))) == (
        "sigmoid(z): 모양(shape)이 다릅니다 (기대한 모양 (3, 2), 돌려준 값의 모양 (2, 3)) / "
        "sigmoid(z): expected shape (3, 2), returned shape (2, 3)"
    )
    assert "expected shape (3,), returned shape (3, 1)" in fails(np.zeros((3, 1)), np.zeros(3))
    assert "expected shape (), returned shape (1,)" in fails(np.zeros(1), np.array(0.0))


def test_no_broadcasting() -> None:
    assert "shape" in fails(np.zeros(1), np.zeros(4))
    assert "shape" in fails(np.zeros(4), np.zeros((1, 4)))


def test_zero_d_want_accepts_numpy_scalar_but_not_python_float() -> None:
    want = np.array(0.5)
    passes(np.float64(0.5), want)
    passes(np.array(0.5), want)
    assert "expected ndarray, returned float" in fails(0.5, want)
    assert "expected dtype float64, returned dtype float32" in fails(np.float32(0.5), want)
    assert "반환값 0.6, 기대값 0.5" in fails(np.float64(0.6), want)


@pytest.mark.parametrize(
    ("got", "dtype"),
    [
        (np.zeros(3, dtype=np.float32), "float32"),
        (np.zeros(3, dtype=np.int64), "int64"),
        (np.zeros(3, dtype=object), "object"),
        (np.zeros(3, dtype=bool), "bool"),
        (np.zeros(3, dtype=np.complex128), "complex128"),
        (np.zeros(3, dtype=np.float16), "float16"),
    ],
)
def test_float64_want_needs_float64(got: np.ndarray, dtype: str) -> None:
    assert fails(got, np.zeros(3)) == (
        f"sigmoid(z): dtype이 다릅니다 (기대: dtype float64, 반환: dtype {dtype}) / "
        f"sigmoid(z): expected dtype float64, returned dtype {dtype}"
    )


def test_integer_want_accepts_any_integer_dtype_and_is_exact() -> None:
    want = np.array([1, -1, 1], dtype=np.int64)
    for dtype in (np.int8, np.int32, np.int64):
        passes(want.astype(dtype), want)
    passes(np.array([1, 2], dtype=np.uint8), np.array([1, 2]))
    message = fails(np.array([1, 1, 1], dtype=np.int32), want)
    assert message == (
        "sigmoid(z)[1]: 반환값 1, 기대값 -1 (원소 3개 중 1개가 틀림) / "
        "sigmoid(z)[1]: got 1, expected -1 (1 of 3 elements differ)"
    )
    # Exact even where a tolerance would have let it through.
    big = np.array([10**15])
    assert not values_match(big + 1, big, Tolerance(rtol=1.0, atol=1.0))
    # Signed/unsigned compared by value, not by bits.
    assert not values_match(np.array([2**64 - 1], dtype=np.uint64), np.array([-1]))


def test_integer_want_rejects_floats_and_bools() -> None:
    want = np.array([1, -1])
    assert "expected an integer dtype, returned dtype float64" in fails(np.array([1.0, -1.0]), want)
    assert "기대: 정수 dtype" in fails(np.array([1.0, -1.0]), want)
    assert "expected an integer dtype, returned dtype bool" in fails(np.array([True, False]), want)


def test_bool_want() -> None:
    want = np.array([True, False])
    passes(want.copy(), want)
    assert "expected dtype bool, returned dtype int64" in fails(np.array([1, 0]), want)
    assert "sigmoid(z)[1]: got True, expected False" in fails(np.array([True, True]), want)


def test_complex_want_uses_the_tolerance() -> None:
    want = np.array([1 + 1j])
    passes(want + 1e-9j, want)
    assert "elements differ" not in fails(want + 1j, want)
    assert "got (1+1.000000001j), expected (1+1j)" in fails(
        want + 1e-9j, want, tol=Tolerance(0.0, 0.0)
    )


def test_unsupported_want_dtype_is_a_suite_error() -> None:
    with pytest.raises(TypeError, match="dtype <U1"):
        assert_close(np.array(["a"]), np.array(["a"]), name="f")
    assert values_match(np.array(["a"]), np.array(["a"])) is False


# ---- NaN and inf -------------------------------------------------------------------------------


def test_nan_where_finite_expected_names_the_element() -> None:
    want = np.array([[0.1, 0.2], [0.3, 0.4]])
    got = want.copy()
    got[1, 0] = np.nan
    assert fails(got, want) == (
        "sigmoid(z)[1, 0]: 반환값이 유한한 수가 아닙니다. 반환값 nan, 기대값 0.3 "
        "(원소 4개 중 1개가 틀림) / "
        "sigmoid(z)[1, 0]: got nan, not a finite number; expected 0.3 (1 of 4 elements differ)"
    )


def test_inf_where_finite_expected() -> None:
    got = np.array([1.0, np.inf, -np.inf])
    message = fails(got, np.array([1.0, 2.0, 3.0]), tol=Tolerance(rtol=1e9, atol=1e9))
    assert "sigmoid(z)[1]: got inf, not a finite number; expected 2 (2 of 3 elements differ)" in message


def test_nan_reported_before_large_finite_errors() -> None:
    got = np.array([100.0, np.nan])
    assert fails(got, np.array([0.0, 0.0])).startswith(
        "sigmoid(z)[1]: 반환값이 유한한 수가 아닙니다. 반환값 nan")


def test_non_finite_want_needs_the_same_value() -> None:
    want = np.array([np.nan, np.inf, -np.inf, 1.0])
    passes(want.copy(), want)
    got = want.copy()
    got[1] = -np.inf
    assert "sigmoid(z)[1]: got -inf, expected inf" in fails(got, want)
    got = want.copy()
    got[0] = 1.0
    assert "sigmoid(z)[0]: got 1, expected nan" in fails(got, want)
    got = want.copy()
    got[2] = -1e308
    assert "sigmoid(z)[2]: got -1e+308, expected -inf" in fails(got, want)


def test_huge_values_do_not_warn() -> None:
    with np.errstate(all="raise"):
        assert not values_match(np.array([1e308]), np.array([-1e308]))
        passes(np.array([1e308]), np.array([1e308]))


# ---- scalar wants -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "got", [0.25, np.float64(0.25), np.float32(0.25), np.array(0.25), np.array(0.25, np.float32)]
)
def test_float_want_accepts_floats(got: Any) -> None:
    passes(got, 0.25)


@pytest.mark.parametrize(
    ("got", "returned"),
    [
        (1, "returned int"),
        (True, "returned bool"),
        (np.int64(1), "returned NumPy int64"),
        (np.array([0.25]), "returned ndarray (shape (1,), dtype float64)"),
        (np.array(1), "returned ndarray (shape (), dtype int64)"),
        ([0.25], "returned list"),
        (None, "returned None"),
        (Unsupported("Decimal", "0.25"), "returned Decimal"),
    ],
)
def test_float_want_rejects_other_types(got: Any, returned: str) -> None:
    message = fails(got, 1.0, name="loss")
    assert message.startswith("loss: 반환값의 자료형이 다릅니다 (기대한 자료형 float, ")
    assert message.endswith(f"loss: expected float, {returned}")


def test_float_want_values() -> None:
    assert fails(0.19, 0.25, name="loss") == (
        "loss: 반환값 0.19, 기대값 0.25 (차이 0.06, 허용 오차 2.51e-07) / "
        "loss: got 0.19, expected 0.25 (|difference| 0.06, tolerance 2.51e-07)"
    )
    assert "loss: got nan, not a finite number; expected 0.25" in fails(float("nan"), 0.25, name="loss")
    passes(float("nan"), float("nan"))
    passes(float("inf"), np.float64("inf"))
    passes(1e-20, 0.0)  # atol: both are "zero"


def test_numpy_float_want_behaves_like_float() -> None:
    passes(0.5, np.float64(0.5))
    passes(np.array(0.5), np.float64(0.5))
    assert "expected float, returned int" in fails(1, np.float64(1.0))


def test_int_want() -> None:
    passes(3, 3)
    passes(np.int32(3), 3)
    passes(np.uint8(3), np.int64(3))
    assert fails(4, 3, name="n") == "n: 반환값 4, 기대값 3 / n: got 4, expected 3"
    assert "n: expected int, returned float" in fails(3.0, 3, name="n")
    assert "n: expected int, returned bool" in fails(True, 1, name="n")
    assert "n: expected int, returned NumPy float64" in fails(np.float64(3), 3, name="n")
    assert "n: expected int, returned ndarray" in fails(np.array(3), 3, name="n")


def test_bool_scalar_want() -> None:
    passes(True, True)
    passes(np.True_, True)
    passes(False, np.False_)
    assert "ok: expected bool, returned int" in fails(1, True, name="ok")
    assert "ok: got False, expected True" in fails(False, True, name="ok")


def test_str_and_none_wants() -> None:
    passes("relu", "relu")
    assert "act: got 'Relu', expected 'relu'" in fails("Relu", "relu", name="act")
    assert "act: expected str, returned int" in fails(1, "relu", name="act")
    passes(None, None)
    assert "act: expected None, returned float" in fails(0.0, None, name="act")


def test_unsupported_want_type_is_a_suite_error() -> None:
    with pytest.raises(TypeError, match="set"):
        assert_close({1}, {1}, name="f")
    assert values_match({1}, {1}) is False


# ---- containers -------------------------------------------------------------------------------


def test_tuple_is_compared_item_by_item() -> None:
    want = (np.ones(2), 0.5)
    passes((np.ones(2), 0.5), want)
    message = fails((np.ones(2), 0.6), want, name="train_step")
    assert message.startswith("train_step[1]: 반환값 0.6, 기대값 0.5")
    assert "train_step[1]: got 0.6, expected 0.5" in message


def test_tuple_needs_a_tuple_of_the_same_length() -> None:
    want = (np.ones(2), 0.5)
    assert fails([np.ones(2), 0.5], want, name="f") == (
        "f: 반환값의 자료형이 다릅니다 (기대한 자료형 tuple, 돌려준 값의 자료형 list) / "
        "f: expected tuple, returned list"
    )
    assert fails((np.ones(2),), want, name="f") == (
        "f: tuple 값의 길이가 다릅니다 (기대한 길이 2, 돌려준 값의 길이 1) / "
        "f: expected a tuple of length 2, returned length 1"
    )


def test_list_accepts_list_or_1d_array() -> None:
    passes([0.5, 0.25], [0.5, 0.25])
    passes(np.array([0.5, 0.25]), [0.5, 0.25])
    passes(np.array([3, 0, 1]), [3, 0, 1])
    passes(np.array([], dtype=np.float64), [])
    message = fails(np.array([3.0, 0.0]), [3, 0], name="f")
    assert "f[0]: expected int, returned NumPy float64" in message
    assert "f: expected list, returned ndarray (shape (1, 2)" in fails(
        np.array([[0.5, 0.25]]), [0.5, 0.25], name="f"
    )
    assert "f: expected list, returned tuple" in fails((0.5, 0.25), [0.5, 0.25], name="f")
    assert "expected a list of length 2, returned length 3" in fails([1, 2, 3], [1, 2])


def test_list_of_arrays() -> None:
    want = [np.array([2, 0]), np.array([1])]
    passes([np.array([2, 0]), np.array([1])], want)
    assert "batches[1]: expected shape (1,), returned shape (2,)" in fails(
        [np.array([2, 0]), np.array([1, 3])], want, name="batches"
    )


def test_dict_paths_and_keys() -> None:
    want = {"W1": np.ones((2, 2)), "b1": np.zeros(2)}
    passes({"b1": np.zeros(2), "W1": np.ones((2, 2))}, want)  # order does not matter
    got = {"W1": np.ones((2, 2)), "b1": np.array([0.0, 0.5])}
    assert "grads['b1'][1]: got 0.5, expected 0" in fails(got, want, name="grads")
    assert fails({"W1": np.ones((2, 2))}, want, name="grads") == (
        "grads: 있어야 할 키가 없습니다: 'b1' / grads: missing key 'b1'"
    )
    assert "grads: missing keys 'W1', 'b1'" in fails({}, want, name="grads")
    assert "grads: expected dict, returned list" in fails([], want, name="grads")


def test_dict_extra_keys() -> None:
    want = {"learning_rate": 0.01}
    got = {"learning_rate": 0.01, "velocity": np.zeros(2)}
    assert fails(got, want, name="config") == (
        "config: 예상하지 않은 키가 있습니다: 'velocity' / config: unexpected key 'velocity'"
    )
    passes(got, want, extra_keys_ok=True)
    many = {f"k{i}": 0 for i in range(6)}
    assert "unexpected keys 'k0', 'k1', 'k2', …" in fails(many, {}, name="config")


def test_nested_paths() -> None:
    want = ({"cache": [np.zeros((2, 2)), 1.0]}, 3)
    got = ({"cache": [np.array([[0.0, 0.0], [0.0, 2.0]]), 1.0]}, 3)
    assert "out[0]['cache'][0][1, 1]: got 2, expected 0" in fails(got, want, name="out")
    # extra_keys_ok reaches nested dicts too.
    passes(({"cache": [np.zeros((2, 2)), 1.0], "A0": 1}, 3), want, extra_keys_ok=True)


def test_first_mismatch_is_reported() -> None:
    message = fails((1.0, 2.0), (0.0, 0.0), name="t")
    assert message.startswith("t[0]:")


# ---- trust: got never gets to run code ---------------------------------------------------------


class Liar:
    """Claims to equal everything and to be any array; every call is recorded."""

    calls: ClassVar[list[str]] = []

    def __eq__(self, other: object) -> bool:
        Liar.calls.append("__eq__")
        return True

    def __ne__(self, other: object) -> bool:
        Liar.calls.append("__ne__")
        return False

    __hash__ = object.__hash__

    def __array__(self, *args: Any, **kwargs: Any) -> np.ndarray:
        Liar.calls.append("__array__")
        return np.array([0.5])

    def __float__(self) -> float:
        Liar.calls.append("__float__")
        return 0.5

    def __len__(self) -> int:
        Liar.calls.append("__len__")
        return 1


class LyingFloat(float):
    def __eq__(self, other: object) -> bool:
        return True

    __hash__ = float.__hash__


class LyingArray(np.ndarray):
    def __eq__(self, other: object) -> Any:
        return True


@pytest.mark.parametrize("want", [np.array([0.5]), 0.5, 1, True, "x", None, [0.5], (0.5,), {}])
def test_lying_object_is_rejected_without_calling_it(want: Any) -> None:
    Liar.calls = []
    assert values_match(Liar(), want) is False
    with pytest.raises(AssertionError, match="returned Liar"):
        assert_close(Liar(), want, name="f")
    assert Liar.calls == []


def test_subclasses_are_not_trusted_in_process() -> None:
    # The wire strips subclasses; compare on its own still refuses them.
    assert not values_match(LyingFloat(0.1), 0.5)
    lying = np.array([0.1]).view(LyingArray)
    assert "returned LyingArray" in fails(lying, np.array([0.5]))
    # After the wire, the same values are plain and compared by value.
    assert "got 0.1, expected 0.5" in fails(decode(encode(LyingFloat(0.1))), 0.5)
    plain = decode(encode(lying))
    assert type(plain) is np.ndarray
    assert "got 0.1, expected 0.5" in fails(plain, np.array([0.5]))


def test_values_match_never_raises() -> None:
    class Explosive:
        def __getattribute__(self, name: str) -> Any:
            raise RuntimeError("boom")

    assert values_match(Explosive(), np.zeros(1)) is False
    assert values_match(Explosive(), {"a": 1}) is False
    assert values_match(np.zeros(1), object()) is False


def test_values_match_is_as_strict_as_assert_close() -> None:
    # Used to recognise catalogued mistakes: a float32 or list answer is not "the same".
    want = np.array([0.5, 0.25])
    assert values_match(want.copy(), want)
    assert not values_match(want.astype(np.float32), want)
    assert not values_match([0.5, 0.25], want)
    assert not values_match((want, 1), [want, 1])
    assert not values_match(want + 1e-3, want)
    assert values_match(want + 1e-3, want, Tolerance(rtol=1e-2))
    assert not values_match({"a": 1, "b": 2}, {"a": 1})
    assert values_match({"a": 1, "b": 2}, {"a": 1}, extra_keys_ok=True)


# ---- calls: mutation, warnings, exceptions -----------------------------------------------------


def test_assert_not_mutated() -> None:
    compare.assert_not_mutated(Call("sigmoid"), name="sigmoid")
    with pytest.raises(AssertionError) as info:
        compare.assert_not_mutated(Call("sigmoid", mutated=["z"]), name="sigmoid(z)")
    assert str(info.value) == (
        "sigmoid(z): 입력으로 받은 배열(z)을 제자리에서(in place) 고쳤습니다. 입력은 그대로 두고, "
        "결과는 새 배열로 만들어 돌려주세요 / sigmoid(z): modified its input z in place — "
        "return a new array instead"
    )


def test_assert_not_mutated_several_inputs() -> None:
    call = Call("adam", mutated=["w", "config['m']", "config['v']", "a", "b"])
    with pytest.raises(AssertionError, match=r"its inputs w, config\['m'\], config\['v'\], a, …"):
        compare.assert_not_mutated(call, name="adam")


def test_assert_no_warnings() -> None:
    compare.assert_no_warnings(Call("sigmoid"), name="sigmoid")
    other = Call("sigmoid", warnings=[WarningRecord("DeprecationWarning", "old")])
    compare.assert_no_warnings(other, name="sigmoid")
    call = Call(
        "sigmoid",
        warnings=[
            WarningRecord("RuntimeWarning", "overflow encountered in exp"),
            WarningRecord("RuntimeWarning", "invalid value encountered in divide"),
        ],
    )
    with pytest.raises(AssertionError) as info:
        compare.assert_no_warnings(call, name="sigmoid(z)")
    message = str(info.value)
    assert message.startswith(
        "sigmoid(z): 계산 중에 경고가 발생했습니다(RuntimeWarning: overflow encountered in exp 외 1건)"
    )
    assert "sigmoid(z): emitted RuntimeWarning (overflow encountered in exp) and 1 more" in message
    with pytest.raises(AssertionError, match="DeprecationWarning"):
        compare.assert_no_warnings(other, name="f", categories=("DeprecationWarning",))


def raised(*names: str, detail: str = "bad activation") -> Call:
    return Call("forward", error=StudentRaised("forward", list(names), detail, "line 3"))


def test_assert_raises_accepts_the_class_and_its_subclasses() -> None:
    call = raised("ValueError", "Exception", "BaseException")
    assert compare.assert_raises(call, "ValueError", name="forward") is call.error
    sub = raised("MyError", "ValueError", "Exception", "BaseException")
    compare.assert_raises(sub, "ValueError", name="forward")


def test_assert_raises_when_nothing_was_raised() -> None:
    with pytest.raises(AssertionError) as info:
        compare.assert_raises(Call("forward", result=1.0), "ValueError", name="forward('x')")
    assert str(info.value) == (
        "forward('x'): ValueError 예외가 발생해야 하는데 값을 돌려주었습니다 / "
        "forward('x'): should raise ValueError, but returned a value"
    )


def test_assert_raises_with_the_wrong_exception() -> None:
    with pytest.raises(AssertionError) as info:
        compare.assert_raises(raised("KeyError", "LookupError", "Exception"), "ValueError",
                              name="forward")
    assert str(info.value) == (
        "forward: 기대한 예외와 다른 예외가 발생했습니다 (기대한 예외 ValueError, 발생한 예외 KeyError): "
        "bad activation / "
        "forward: expected ValueError, raised KeyError: bad activation"
    )


def test_assert_raises_reraises_a_stub() -> None:
    stub = StudentNotImplemented("forward", ["NotImplementedError", "RuntimeError"], "", "")
    with pytest.raises(StudentNotImplemented):
        compare.assert_raises(Call("forward", error=stub), "ValueError", name="forward")
