"""How a report words what the worker only knows as code: where in a file an error was raised
(``activations.py, line 12``) and what kind of exception it was.

작업자가 코드 형태로만 아는 것을 학생이 읽을 말로 옮긴다: 오류가 난 파일과 줄, 예외의 종류.

The worker cannot read the catalogues (it runs the student's code), so it sends the location as
``"<file>, line <n>"`` and the exception's class name; the trusted side turns both into messages
here, so the Korean report says "activations.py 12번째 줄" like the notebook's "셀 3, 6번째 줄".
"""

from __future__ import annotations

import re

from grader.messages import Msg, keys

_AT = re.compile(r"^(?P<file>.+?), line (?P<line>\d+)$")


def located(where: str) -> Msg | str:
    """`` (activations.py 12번째 줄)`` for the worker's ``"activations.py, line 12"``; another
    location is kept as it is, and none gives ""."""
    if not where:
        return ""
    match = _AT.match(where)
    inner: Msg | str = (Msg("wording.file_line", file=match["file"], line=int(match["line"]))
                        if match else where)
    return Msg("wording.at", where=inner)


def exception_kind(kind: str) -> Msg | str:
    """An exception's class with a word of the student's language beside it when the catalogue
    has one ("문법 오류(SyntaxError)"); the class alone otherwise."""
    key = f"wording.kind.{kind}"
    return Msg(key) if key in keys() else kind


def file_line_pattern(file: str, lang: str) -> str:
    """A regular expression for ``file``'s location as ``located`` words it in ``lang``
    (group 1: the line), so that a notebook can point at its cell instead."""
    langs = ("ko", "en") if lang == "both" else (lang,)
    marker = 987654321
    return "|".join(re.escape(Msg("wording.file_line", file=file, line=marker).render(one))
                    .replace(str(marker), r"(\d+)") for one in langs)
