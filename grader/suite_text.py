"""What a suite says to the student, through the catalogues: failures and the names of calls.

스위트가 학생에게 하는 말: 실패 메시지와 호출 이름을 카탈로그(grader.po)에서 가져온다.

A suite never writes Korean (or English) sentences itself: it raises ``fail("suite.<key>",
...)`` with a catalogue key, or one of the helpers below, and names a call with words
(``step``, ``layers``, ``example``) so that the report says it in its language —
"adam, 5단계 중 1단계" in Korean, "adam, step 1/5" in English. ``tests/test_suite_text.py``
scans the course's suites for Hangul literals, as ``tests/test_one_language.py`` scans grader/.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NoReturn

from grader.grading.compare import describe_value, shape_text
from grader.messages import Failure, Label, Msg, joined


def fail(key: str, en: str | None = None, /, **params: Any) -> NoReturn:
    """Fail the test with the catalogue's message ``key`` (``suite.*``) and its ``params``.

    ``fail(ko, en)`` with two sentences still works for old suites; the suite scan flags it."""
    if en is not None:
        raise Failure(Msg("suite.fail", text_ko=key, text_en=en))
    raise Failure(Msg(key, **params))


def fail_returns(name: Label, what: str, got: Any) -> NoReturn:
    """``name`` must return ``what`` (code: ``"(w, b, losses)"``, ``"dict"``), not ``got``
    (a value, described by its type)."""
    fail("suite.returns", name=name, what=what, got=describe_value(got))


def fail_value(where: Label, got: Any, want: Any) -> NoReturn:
    """``where`` is ``got`` where ``want`` was expected (both shown as they print)."""
    raise Failure(Msg("compare.value", where=where, got=got, want=want,
                      expected=Msg("compare.expected"), paren=""))


def fail_shape(name: Label, want: Sequence[int], got: Any) -> NoReturn:
    """``name`` must be an array of shape ``want``; ``got`` is what came back."""
    have = shape_text(tuple(got.shape)) if hasattr(got, "shape") else describe_value(got)
    raise Failure(Msg("compare.shape", path=name, want=shape_text(tuple(want)), got=have))


def step(call: str, number: int, steps: int | None = None) -> Msg:
    """A call by its step: "adam, 5단계 중 1단계" / "adam, step 1/5" (or "adam 1단계")."""
    if steps is None:
        return Msg("suite.step", call=call, step=number)
    return Msg("suite.step_of", call=call, step=number, steps=steps)


def layers(call: str, n: int, args: str = "") -> Msg:
    """A call on a network of ``n`` layers, other arguments after: ``layers("forward", 2,
    ", 'relu'")`` -> "forward(층 2개, 'relu')"."""
    return Msg("suite.layers", call=call, n=n, args=args)


def example(call: str, number: int) -> Msg:
    """One of a suite's worked examples: "perceptron_update, 예제 0"."""
    return Msg("suite.example", call=call, number=number)


def part(name: Label, member: str) -> Label:
    """A named part of a result: ``part(step("adam", 1), "next_w")`` -> "adam 1단계: next_w"."""
    return joined(name, f": {member}")
