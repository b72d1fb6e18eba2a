"""What the kernel executed, as a notebook: its input history, cell by cell, in execution order.

커널이 실행한 코드를 실행 순서대로 노트북 하나로 만든다 (셀 N = 노트북에 [N]으로 보이는 셀).

Why the history and not the source of the functions the kernel holds: the history is what the
student ran, in the order it ran — the imports, helpers and constants a function needs come
along, a function redefined in a later cell is the later one (as in the kernel), and it exists
where no file is on disk (Colab) or the file is unsaved. A function's source alone would lose
its globals, and the kernel's function objects cannot cross to the grader as data. Cell ``N``
of the made notebook is the input shown as ``[N]``, so a message pointing at "cell N" points at
that input.
"""

from __future__ import annotations

import ast
import json
import os
from collections.abc import Callable, Sequence
from pathlib import Path

from grader.intake.notebook_code import magic_commented

DEFAULT_NAME = "notebook.ipynb"


def _parses_with_magics_commented(source: str) -> bool:
    """Whether the cell parses once its magic lines are comments (as ``notebook_code`` does)."""
    try:
        ast.parse("\n".join(magic_commented(line) for line in source.splitlines()))
    except (SyntaxError, ValueError):
        return False
    return True


def as_notebook(cells: Sequence[str], transform: Callable[[str], str] | None = None) -> str:
    """nbformat 4 JSON with one code cell per executed input. An input that is not Python even
    with its magic lines commented out (``files = !ls``, a ``%%bash`` cell) is taken in
    IPython's own translation (``transform``), which fails in the worker and is skipped there
    with a note, instead of making the whole notebook a syntax error."""
    out = []
    for number, source in enumerate(cells, start=1):
        if transform is not None and not _parses_with_magics_commented(source):
            source = transform(source)
        out.append({"cell_type": "code", "execution_count": number, "metadata": {},
                    "outputs": [], "source": source})
    return json.dumps({"cells": out, "metadata": {}, "nbformat": 4, "nbformat_minor": 5},
                      ensure_ascii=False)


def notebook_name(user_ns: dict[str, object]) -> str:
    """The notebook's file name when the front end tells it (Jupyter's ``JPY_SESSION_NAME``,
    VS Code's ``__vsc_ipynb_file__``), else a neutral one: messages name it."""
    for value in (os.environ.get("JPY_SESSION_NAME"), user_ns.get("__vsc_ipynb_file__")):
        if isinstance(value, str) and value.endswith(".ipynb"):
            return Path(value).name
    return DEFAULT_NAME
