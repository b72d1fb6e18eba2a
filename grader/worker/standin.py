"""Inside the worker: calls between the submission's graded functions, and stand-ins.

작업자 안: 학생의 채점 대상 함수끼리의 호출을 기록하고, 다시 실행할 때는 틀린 함수 대신 참조 해답의
값을 신뢰 프로세스에 물어 쓴다 (참조 코드는 작업자에 들어오지 않는다).

At import, each graded function of a module is replaced (in its module and wherever another
loaded module bound it by ``from m import f``) by a wrapper that, when called by another graded
function, notes its name; the reply of the outer call lists those names (``"callees"``). When
the trusted side reruns a failing test with stand-ins (request field ``"stand_ins"``), a nested
call of a stand-in function sends ``{"op": "reference", "id", "function", "args", "kwargs"}``
on the reply pipe and waits for ``{"op": "reference", "value"}`` (or ``"error"``) before going
on. This code runs beside student code and may be tampered with: the trusted side treats what
it says as untrusted (``grader.standins``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

# ask(function, args, kwargs) -> the trusted side's reply message
Ask = Callable[[str, list[Any], dict[str, Any]], dict[str, Any]]


_NONE: frozenset[str] = frozenset()


class StandInError(Exception):
    """The trusted side could not give a stand-in's value (the reference raised on these
    arguments, or they could not be sent)."""


class GradedCalls:
    def __init__(self, ask: Ask) -> None:
        self._ask = ask
        self._depth = 0
        self.callees: set[str] = set()
        self.stand_ins: frozenset[str] = frozenset()
        self._wrapped: dict[int, Any] = {}  # id(original) -> wrapper
        self._originals: list[Any] = []  # kept alive so their ids stay unique

    def begin(self, stand_ins: Any) -> None:
        """A new call from the trusted side: nothing recorded yet, its stand-ins (a list of
        names, or None) in force."""
        if self.callees:
            self.callees = set()
        self._depth = 0
        self.stand_ins = frozenset(n for n in stand_ins if isinstance(n, str)) \
            if isinstance(stand_ins, list) else _NONE

    def wrap(self, module: Any, name: str, graded: list[str], loaded: dict[str, Any]) -> None:
        """Wrap ``module``'s graded functions, then rebind every loaded module's references."""
        for qualified in graded:
            mod_name, _, function = qualified.partition(".")
            original = getattr(module, function, None)
            if mod_name != name or not callable(original) or id(original) in self._wrapped:
                continue
            self._originals.append(original)
            wrapper = self._wrapper(qualified, original)
            self._wrapped[id(original)] = wrapper
            setattr(module, function, wrapper)
        for other in loaded.values():
            namespace = vars(other)
            for key, value in list(namespace.items()):
                wrapper = self._wrapped.get(id(value))
                if wrapper is not None and value is not wrapper:
                    namespace[key] = wrapper

    def _wrapper(self, qualified: str, original: Any) -> Any:
        @functools.wraps(original)
        def graded(*args: Any, **kwargs: Any) -> Any:
            if self._depth > 0:  # called by another graded function of the submission
                self.callees.add(qualified)
                if qualified in self.stand_ins:
                    return self._stand_in(qualified, args, kwargs)
            self._depth += 1
            try:
                return original(*args, **kwargs)
            finally:
                self._depth -= 1

        return graded

    def _stand_in(self, qualified: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        reply = self._ask(qualified, list(args), dict(kwargs))
        if "value" in reply:
            return reply["value"]
        raise StandInError(
            f"{qualified} (참조 해답으로 대신함 / stood in by the reference): "
            f"{str(reply.get('error', '?'))[:500]}")
