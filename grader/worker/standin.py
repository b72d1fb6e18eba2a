"""Inside the worker: calls between the submission's graded functions, and stand-ins.

작업자 안: 학생의 채점 대상 함수끼리의 호출을 기록하고, 다시 실행할 때는 틀린 함수 대신 참조 해답의
값을 신뢰 프로세스에 물어 쓴다 (참조 코드는 작업자에 들어오지 않는다).

At import, each graded function of the submission's modules is changed in place (its code hands
the call to ``GradedCalls``), so that however another module reached it, a call by another graded
function notes its name; the reply of the outer call lists those names (``"callees"``). When
the trusted side reruns a failing test with stand-ins (request field ``"stand_ins"``), a nested
call of a stand-in function sends ``{"op": "reference", "id", "function", "args", "kwargs"}``
on the reply pipe and waits for ``{"op": "reference", "value"}`` (or ``"error"``) before going
on. This code runs beside student code and may be tampered with: the trusted side treats what
it says as untrusted (``grader.grading.reruns``).
"""

from __future__ import annotations

import functools
import types
from collections.abc import Callable
from typing import Any

# ask(function, args, kwargs) -> the trusted side's reply message
Ask = Callable[[str, list[Any], dict[str, Any]], dict[str, Any]]


_NONE: frozenset[str] = frozenset()
_HOOK = "__grader_graded_call__"  # the global a watched function's code calls


def _trampoline(name: str, index: int) -> types.CodeType:
    """The code a watched function runs instead of its own: hand the call to ``_HOOK``.
    Its file name is not the submission's, so error locations still point at the student's
    line."""
    source = f"def {name}(*args, **kwargs):\n    return {_HOOK}({index}, args, kwargs)\n"
    namespace: dict[str, Any] = {}
    exec(compile(source, "<graded call>", "exec"), namespace)  # our own source, not the student's
    code: types.CodeType = namespace[name].__code__
    return code


class StandInError(Exception):
    """The trusted side could not give a stand-in's value (the reference raised on these
    arguments, or they could not be sent)."""


class GradedCalls:
    def __init__(self, ask: Ask) -> None:
        self._ask = ask
        self._depth = 0
        self.callees: set[str] = set()
        self.stand_ins: frozenset[str] = frozenset()
        self._wrapped: dict[int, Any] = {}  # id(original) -> wrapper (closures only)
        self._watched: set[int] = set()  # ids of the functions changed in place
        self._targets: list[tuple[str, Any]] = []  # index -> ("module.function", its body)
        self._originals: list[Any] = []  # kept alive so their ids stay unique

    def begin(self, stand_ins: Any) -> None:
        """A new call from the trusted side: nothing recorded yet, its stand-ins (a list of
        names, or None) in force."""
        if self.callees:
            self.callees = set()
        self._depth = 0
        self.stand_ins = frozenset(n for n in stand_ins if isinstance(n, str)) \
            if isinstance(stand_ins, list) else _NONE

    def wrap(self, modules: dict[str, Any], graded: list[str]) -> None:
        """Watch the graded functions of every module of the submission loaded so far.

        A graded function is changed in place (its code becomes a call of ``_graded_call``), so
        every way of reaching it sees the watched one: ``import m``, ``import m as x``,
        ``from m import f as g``, a lookup at call time, a dict holding it, a default argument.
        A function defined in one module and named after another module's graded function is
        that function (a notebook holds every module's code in each of them)."""
        by_name: dict[str, list[str]] = {}
        for qualified in graded:
            by_name.setdefault(qualified.partition(".")[2], []).append(qualified)
        for name, module in modules.items():
            for key, value in list(vars(module).items()):
                if not isinstance(value, types.FunctionType) or value.__module__ != name:
                    continue  # imported from elsewhere: watched with its own module
                own = f"{name}.{key}"
                candidates = [own] if own in graded else by_name.get(key, [])
                if len(candidates) == 1:
                    self._watch(candidates[0], value)
        for module in modules.values():  # functions that could not be changed in place
            namespace = vars(module)
            for key, value in list(namespace.items()):
                wrapper = self._wrapped.get(id(value))
                if wrapper is not None and value is not wrapper:
                    namespace[key] = wrapper

    def _watch(self, qualified: str, function: types.FunctionType) -> None:
        if id(function) in self._watched or id(function) in self._wrapped:
            return
        code = function.__code__
        if code.co_freevars:  # a closure keeps its cells: wrap it and rebind the names instead
            self._originals.append(function)
            self._wrapped[id(function)] = self._wrapper(qualified, function)
            return
        inner = types.FunctionType(code, function.__globals__, function.__name__,
                                   function.__defaults__, None)
        inner.__kwdefaults__ = function.__kwdefaults__
        index = len(self._targets)
        self._targets.append((qualified, inner))
        function.__code__ = _trampoline(code.co_name, index)
        function.__globals__[_HOOK] = self._graded_call
        function.__wrapped__ = inner  # type: ignore[attr-defined]  # inspect.signature
        self._watched.add(id(function))
        self._originals.append(function)

    def _graded_call(self, index: int, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        qualified, inner = self._targets[index]
        return self._call(qualified, inner, args, kwargs)

    def _call(self, qualified: str, function: Any, args: tuple[Any, ...],
              kwargs: dict[str, Any]) -> Any:
        if self._depth > 0:  # called by another graded function of the submission
            self.callees.add(qualified)
            if qualified in self.stand_ins:
                return self._stand_in(qualified, args, kwargs)
        self._depth += 1
        try:
            return function(*args, **kwargs)
        finally:
            self._depth -= 1

    def _wrapper(self, qualified: str, original: Any) -> Any:
        @functools.wraps(original)
        def graded(*args: Any, **kwargs: Any) -> Any:
            return self._call(qualified, original, args, kwargs)

        return graded

    def _stand_in(self, qualified: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        reply = self._ask(qualified, list(args), dict(kwargs))
        if "value" in reply:
            return reply["value"]
        raise StandInError(
            f"{qualified} (참조 해답으로 대신함 / stood in by the reference): "
            f"{str(reply.get('error', '?'))[:500]}")
