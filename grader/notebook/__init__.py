"""Checks from inside a notebook: ``%load_ext grader`` (or ``import grader.notebook``), then
``%grade``, ``%grade sigmoid adam`` or ``grader.notebook.grade("sigmoid")``.

노트북 안에서 채점: ``%load_ext grader`` 다음 ``%grade`` (정의한 함수 모두) 또는 ``%grade sigmoid adam``.
채점은 커널 밖의 격리된 프로세스에서 ``grader check``와 똑같이 한다.

The kernel never grades: it sends the code it executed to a warm checking process
(``client``/``server``), which grades it as ``grader check`` grades a notebook and answers with
the report (``render``). This package is imported by that process too, so importing it does
nothing more than register the magic in a running IPython.
"""

from __future__ import annotations

import sys
from typing import Any


def grade(*functions: str, lang: str | None = None, pictures: bool = False) -> Any:
    """The function form of ``%grade``: the report of ``functions`` (every graded function
    the kernel has defined when none is named), displayed when it ends a cell."""
    from grader.notebook import magic

    return magic.grade(*functions, lang=lang, pictures=pictures)


def _register() -> None:
    """``import grader.notebook`` in a kernel registers ``%grade`` (as ``%load_ext``)."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    if shell is not None:
        from grader.notebook import magic

        magic.load(shell)


_register()
