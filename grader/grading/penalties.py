"""Penalties in proportion (docs/writing-suites.md, "Penalties in proportion"): a convention
error costs a small share of a test, not the whole of it.

감점은 잘못의 크기에 비례한다: 값은 모두 맞고 dtype만 정수(또는 bool)인 결과는 그 테스트 몫의
작은 비율(``CONVENTION_SHARE``)만 잃는다. float32는 해당하지 않는다 — 허용 오차가 가정하는 정밀도를
잃기 때문이다.
"""

from __future__ import annotations

from fractions import Fraction

from grader.messages import Msg

# What a test loses when the values are exactly right and only their dtype is an integer or
# bool one where float64 is expected (``relu_derivative`` returning ``(z > 0).astype(int)``).
CONVENTION_SHARE = Fraction(1, 4)

# dtypes that hold exact values: 0/1 as int64 or bool are the contract's 0.0/1.0.
_EXACT_KINDS = ("int", "uint", "bool")


def convention_only(reason: Msg | None) -> bool:
    """The failure is a dtype that holds the right values exactly (``compare.with_dtype`` marks
    a dtype message whose values, cast safely, matched): a convention, not a wrong answer."""
    if reason is None or reason.key != "compare.dtype" or reason.params.get("values_right") is not True:
        return False
    return str(reason.params.get("got", "")).startswith(_EXACT_KINDS)


def credit(reason: Msg | None) -> Fraction:
    """The share of a failed test's points it still earns (0 for any other failure)."""
    return 1 - CONVENTION_SHARE if convention_only(reason) else Fraction(0)
