"""The suite API: everything a test suite of a course uses, from one module.

스위트 작성용 API: 과목의 테스트 스위트가 쓰는 것은 모두 이 모듈에서 가져온다.

A suite imports ``grader.suite`` (plus NumPy and pytest) and nothing else of ``grader``::

    import numpy as np
    import pytest
    from grader.suite import Reference, Student, assert_close, random_shape

    @pytest.mark.grades("activations.sigmoid")
    def test_sigmoid(student: Student, reference: Reference, rng: np.random.Generator) -> None:
        z = rng.normal(size=random_shape(rng))
        assert_close(student.activations.sigmoid(z), reference.activations.sigmoid(z),
                     name="sigmoid(z)")

``compare`` (assertions, tolerances) and ``gradcheck`` (finite differences) are also
exported as namespaces, for suites that write ``compare.assert_close(...)``. The fixtures
(``student``, ``reference``, ``rng``, ``tolerance``) come from the grader's pytest
plugin; their types are here. ``tests/test_suite_api.py`` checks that every suite of the
course imports only this module, NumPy, pytest and the standard library.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from grader.boundary.calls import Call
from grader.boundary.proxy import Student
from grader.errors import StudentError, StudentRaised
from grader.grading import compare, gradcheck
from grader.grading.compare import (
    Tolerance,
    assert_close,
    assert_no_warnings,
    assert_not_mutated,
    assert_raises,
    values_match,
)
from grader.grading.gradcheck import (
    DEFAULT_STEP,
    assert_gradient,
    away_from_kinks,
    central_difference,
    check_directional,
    check_gradient,
    directional_difference,
    elementwise_derivative,
)
from grader.grading.plugin import ReferenceModules as Reference
from grader.messages import Failure, Label, Msg, joined
from grader.suite_text import example, fail, fail_returns, fail_shape, fail_value, layers, part, step

__all__ = [
    "DEFAULT_STEP",
    "Call",
    "Label",
    "Reference",
    "Student",
    "StudentError",
    "StudentRaised",
    "Tolerance",
    "assert_close",
    "assert_gradient",
    "assert_no_warnings",
    "assert_not_mutated",
    "assert_raises",
    "away_from_kinks",
    "central_difference",
    "check_directional",
    "check_gradient",
    "compare",
    "directional_difference",
    "elementwise_derivative",
    "example",
    "fail",
    "fail_returns",
    "fail_shape",
    "fail_value",
    "gradcheck",
    "joined",
    "layers",
    "pair",
    "part",
    "random_shape",
    "signed",
    "step",
    "values_match",
]


def pair(result: Any, name: Label, parts: Sequence[str] = ()) -> tuple[Any, Any]:
    """The two values of a function that must return a pair (a tuple or list of length 2);
    ``parts`` names them for the message, e.g. ``("next_w", "config")``.

    값 두 개를 돌려주어야 하는 함수의 결과를 나눈다. 아니면 무엇이 왔는지 말하며 실패한다."""
    if not isinstance(result, tuple | list) or len(result) != 2:
        what = f"({', '.join(parts)})" if parts else Msg("suite.two_values")
        got: Msg | str = type(result).__name__
        if isinstance(result, tuple | list):
            got = Msg("suite.sequence_of_length", type=got, n=len(result))
        raise Failure(Msg("suite.pair", name=name, what=what, got=got))
    return result[0], result[1]


def random_shape(rng: np.random.Generator, max_size: int = 5, max_ndim: int = 3) \
        -> tuple[int, ...]:
    """A random shape: 1 to ``max_ndim`` axes of 1 to ``max_size`` each / 무작위 모양."""
    return tuple(int(n) for n in rng.integers(1, max_size + 1,
                                              size=int(rng.integers(1, max_ndim + 1))))


def signed(rng: np.random.Generator, low: float, high: float, size: Any) -> np.ndarray:
    """Magnitudes uniform in [low, high] with random signs (never near 0 when low > 0).

    크기는 [low, high]에서 고르게, 부호는 무작위."""
    return rng.uniform(low, high, size=size) * rng.choice([-1.0, 1.0], size=size)
