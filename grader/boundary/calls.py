"""What one call into student code produced, as seen from the trusted side.

학생 함수 한 번 호출의 결과 (값 또는 예외, 경고, 입력 변경 여부, 출력).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from grader.errors import StudentRaised


@dataclass(frozen=True)
class WarningRecord:
    """A warning the student's function emitted (category name and message)."""

    category: str
    message: str


@dataclass
class Call:
    """The outcome of ``student.<module>.<function>.call(...)``.

    ``mutated`` names the inputs the function changed in place (``"z"``, ``"config['m']"``);
    ``output`` is what it printed, capped by ``limits.output_bytes``.
    """

    function: str
    result: Any = None
    error: StudentRaised | None = None
    warnings: list[WarningRecord] = field(default_factory=list)
    mutated: list[str] = field(default_factory=list)
    output: str = ""
    seconds: float = 0.0

    @property
    def value(self) -> Any:
        """The returned value; raises the student's exception if there was one."""
        if self.error is not None:
            raise self.error
        return self.result


@dataclass(frozen=True)
class RecordedCall:
    """A student call made during one test, kept so a failure can be matched to a known mistake."""

    function: str  # "optimizers.adam"
    args: tuple[Any, ...]
    kwargs: dict[str, Any]
    result: Any  # the value, or the StudentRaised it raised
    # Some mistakes give right values and differ only by a warning or an in-place change.
    warnings: tuple[WarningRecord, ...] = ()
    mutated: tuple[str, ...] = ()
