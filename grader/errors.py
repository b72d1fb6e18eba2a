"""Why a call into student code did not give a value — raised on the trusted side.

학생 함수 호출이 값을 돌려주지 못한 이유 (신뢰 프로세스 쪽 예외).

Each subclass maps to one status of a graded function (see ``scoring``); messages are bilingual,
Korean first. None of these carries an object from the worker: only names and strings.
"""

from __future__ import annotations

from grader import messages
from grader.messages import Msg
from grader.wording import exception_kind, located
from grader.worker.protocol import NO_INPUT

# The templates of this module's Msg keys: grader/locale/{ko,en}/LC_MESSAGES/grader.po.


# A staged module that could not be read (not UTF-8, a broken notebook) raises ImportError with
# this mark and its reason as message data; the session shows the reason in the report's
# language (``grader.intake.staging`` writes it, ``grader.boundary.proxy`` reads it).
UNREADABLE_MARK = "grader-unreadable:"


class GraderError(Exception):
    """A course, usage or setup problem — ``grader`` exits with code 2 (``exit_code``).

    Carries its message as data (``.data``, a ``Msg`` or, for old callers, a plain string) so
    the command line renders it in the chosen language (``in_language``); ``str()`` gives both.
    """

    exit_code = 2  # the command line exits with it (``grader.cli._fail``)

    def __init__(self, message: Msg | str) -> None:
        super().__init__(messages.render(message))
        self.data = message

    def in_language(self, lang: str) -> str:
        return messages.render(self.data, lang)


class StudentError(Exception):
    """Base: a call into student code failed. ``status`` is the graded function's status."""

    status = "failed"

    def __init__(self, message: Msg | str) -> None:
        text = messages.render(message)
        super().__init__(text)
        self.data = message  # as data (a Msg), until a report renders it; not `msg`, which pytest reads
        self.message = text


class StudentRaised(StudentError):
    """The student's function raised an exception (a normal failure of that test).

    ``type_names`` is the exception's class and its bases, most derived first
    (``["ZeroDivisionError", "ArithmeticError", "Exception", ...]``), so a test can accept a
    subclass of ``ValueError`` without importing anything from the worker.
    """

    status = "failed"

    def __init__(self, function: str, type_names: list[str], detail: str, where: str,
                 note: Msg | str = "") -> None:
        self.function = function
        self.type_names = type_names
        self.detail = detail
        self.where = where
        said: Msg | str = Msg("error.no_input") if detail == NO_INPUT else detail
        if note:  # which limit it ran into, in the report's language
            said = Msg("wording.detail_note", detail=said, note=note)
        super().__init__(Msg("error.raised", function=function,
                             kind=exception_kind(type_names[0]), at=located(where), detail=said))

    def is_a(self, name: str) -> bool:
        return name in self.type_names


class StudentNotImplemented(StudentRaised):
    """The stub is still there: ``NotImplementedError``."""

    status = "not_implemented"

    def __init__(self, function: str, type_names: list[str], detail: str, where: str,
                 note: Msg | str = "") -> None:
        super().__init__(function, type_names, detail, where, note)
        self.data = Msg("error.not_implemented", function=function)
        self.message = self.data.render()
        self.args = (self.message,)


class StudentMissing(StudentError):
    """The module or function does not exist (or the module does not import)."""

    status = "missing"


class StudentImportFailed(StudentError):
    """The student's module exists but fails to import (syntax error, import error, ...)."""

    status = "error"


class WorkerCrashed(StudentError):
    """The worker died during the call (``os._exit``, segfault, memory limit, ...)."""

    status = "error"


class WorkerTimeout(StudentError):
    """The call ran past its wall-clock timeout, or the submission's time budget ran out."""

    status = "timeout"


class ProtocolViolation(StudentError):
    """The worker sent something that is not a valid message (too large, malformed, ...)."""

    status = "error"
