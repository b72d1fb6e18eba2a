"""A student's notebook as module code: its code cells, where each line came from, and which
graded functions it implements.

학생 노트북을 모듈 코드로 바꾼다: 코드 셀을 이어 붙이고(줄마다 어느 셀의 몇 번째 줄인지 기억),
IPython 매직(``%matplotlib``, ``!pip``)은 주석으로, 그림 그리기 라이브러리 import는 아무것도 하지
않는 객체로 바꾼다. 그래서 그림만 그리는 셀 때문에 점수를 잃지 않는다.

The rule for display code, chosen to be simple and robust: every ``import``/``from … import`` of a
display library (``matplotlib``, ``seaborn``, ``plotly``, ``IPython``, …) that the course does not
let the worker import binds the same names to one no-op object instead — any attribute, call,
index or context on it returns itself — and ``display`` is that object too unless the notebook
defines it. ``plt.plot(...)``, ``plt.show()``, ``fig, ax = plt.subplots()`` then run and do
nothing, wherever they are. The rewrite keeps every line where it was, so line numbers still map
to cells. Nothing is rewritten in a notebook that does not parse: the worker reports the syntax
error, at its cell.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from grader.intake import safe_parse
from grader.messages import Msg, join_with, to_data

# Libraries whose import in a notebook only serves display (never graded).
DISPLAY_LIBRARIES = frozenset({
    "matplotlib", "seaborn", "plotly", "IPython", "ipywidgets", "bokeh", "altair", "tqdm",
    "pylab",
})
NO_OP_NAME = "_grader_no_display"
# Defined before the notebook's code; one line, so that the line map stays simple.
NO_OP_HEADER = (
    f"class _GraderNoDisplay:\n"
    f"    def __getattr__(self, name): return self\n"
    f"    def __call__(self, *a, **k): return self\n"
    f"    def __getitem__(self, key): return self\n"
    f"    def __iter__(self): return iter((self, self))\n"
    f"    def __enter__(self): return self\n"
    f"    def __exit__(self, *exc): return False\n"
    f"{NO_OP_NAME} = _GraderNoDisplay()\n"
    f"display = {NO_OP_NAME}\n"
)
# The runnable module runs each cell on its own, as a kernel does: a cell that raises (a data
# file that is not there) or runs too long (training for a minute) is skipped and recorded, and
# the definitions of the other cells stand. Compiled with blank lines before it, a cell keeps
# its module line numbers (tracebacks still map to cells). Runs in the worker: stdlib only.
SKIPPED_NAME = "__grader_skipped_cells__"
CELL_RUNNER = (
    f"{SKIPPED_NAME} = []\n"
    "def _grader_cell(number, first, source, _left=[TOP_LEVEL_SECONDS]):\n"
    "    import signal, time\n"
    "    class CellTooLong(BaseException): pass\n"
    "    def stop(*args): raise CellTooLong()\n"
    "    timed = hasattr(signal, 'setitimer')\n"
    "    if timed: old = signal.signal(signal.SIGALRM, stop); "
    "signal.setitimer(signal.ITIMER_REAL, max(_left[0], 0.2))\n"
    "    start = time.monotonic()\n"
    "    try: exec(compile('\\n' * (first - 1) + source, __file__, 'exec'), globals())\n"
    f"    except CellTooLong: {SKIPPED_NAME}.append([number, 'CellTooLong', ''])\n"
    f"    except BaseException as e: {SKIPPED_NAME}.append([number, type(e).__name__, str(e)[:300]])\n"
    "    finally:\n"
    "        if timed: signal.setitimer(signal.ITIMER_REAL, 0); signal.signal(signal.SIGALRM, old)\n"
    "        _left[0] -= time.monotonic() - start\n"
)
# Top-level work (all cells together) may take this share of a call's timeout at import.
TOP_LEVEL_SHARE = 0.5


_TOP_DEF = re.compile(r"^(?:async\s+)?def\s+([A-Za-z_]\w*)\s*\(", re.MULTILINE)


class NotebookUnreadable(safe_parse.Unreadable):
    """Not a notebook (bad JSON, not UTF-8, no cells); ``data`` says why."""


@dataclass
class NotebookCode:
    """The code of one notebook; ``cells[i]`` is (cell number, line in cell) of module line
    ``i + 1``, ``None`` for lines the grader added."""

    name: str
    source: str
    cells: list[tuple[int, int] | None] = field(default_factory=list)
    neutralised: list[str] = field(default_factory=list)  # display imports made no-ops
    # What the worker imports: each cell run on its own (``CELL_RUNNER``); ``source`` when the
    # notebook does not parse (the worker then reports the syntax error at its cell).
    runnable: str = ""

    def where(self, line: int) -> tuple[int, int] | None:
        return self.cells[line - 1] if 0 < line <= len(self.cells) else None


def magic_commented(line: str) -> str:
    """An IPython magic or shell line (``%matplotlib inline``, ``!pip``) as a comment."""
    return f"# {line}" if line.lstrip().startswith(("%", "!")) else line


def _cell_source(cell: dict[str, object]) -> str:
    src = cell.get("source", "")
    # Only strings: str() of a deeply nested JSON list would recurse past the limit.
    if isinstance(src, list):
        return "".join(s for s in src if isinstance(s, str))
    return src if isinstance(src, str) else ""


def extract(name: str, raw: bytes, allowed: Iterable[str] = (),
            top_level_seconds: float = 5.0) -> NotebookCode:
    """The code cells of a notebook as one module (see the module's docstring);
    ``top_level_seconds``: how long all top-level work together may run at import."""
    try:
        nb = safe_parse.json_value(safe_parse.text(raw, name, "notebook_code.not_utf8"), name,
                                   "notebook_code.not_a_notebook")
    except safe_parse.Unreadable as exc:
        raise NotebookUnreadable(exc.data) from None
    try:
        cells = nb["cells"]
        if not isinstance(cells, list):
            raise TypeError("cells")
        lines: list[str] = []
        where: list[tuple[int, int] | None] = []
        for number, cell in enumerate(cells, start=1):
            if not isinstance(cell, dict) or cell.get("cell_type") != "code":
                continue
            for i, line in enumerate(_cell_source(cell).splitlines(), start=1):
                lines.append(magic_commented(line))
                where.append((number, i))
            lines.append("")  # a blank line between cells
            where.append(None)
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise NotebookUnreadable(Msg("notebook_code.not_a_notebook", name=name,
                                     kind=type(exc).__name__)) from None
    code = NotebookCode(name, "", where)
    lines = _neutralise(lines, set(allowed), code)
    header = (NO_OP_HEADER + CELL_RUNNER.replace(
        "TOP_LEVEL_SECONDS", repr(float(top_level_seconds)))).splitlines()
    try:  # the module is written as UTF-8: lone surrogates from JSON escapes cannot be
        code.source = safe_parse.encodable("\n".join(header + lines) + "\n", name)
    except safe_parse.Unreadable as exc:
        raise NotebookUnreadable(exc.data) from None
    too_complex = safe_parse.python_limit(code.source, name)
    if too_complex is not None:  # Python could not compile it either: say why, not a traceback
        raise NotebookUnreadable(too_complex.data)
    added: list[tuple[int, int] | None] = [None] * len(header)
    code.cells = added + where
    parses = safe_parse.python_tree_or_none(code.source) is not None
    code.runnable = _one_cell_at_a_time(header, lines, where) if parses else code.source
    return code


# A ``.py`` keeps its line numbers (tracebacks point at the student's own lines), so it gets no
# header: its display imports take the no-op object from this helper module, staged beside it.
NO_OP_MODULE = "_grader_no_display"
NO_OP_MODULE_SOURCE = NO_OP_HEADER


def neutralise_module(text: str, allowed: Iterable[str] = ()) -> tuple[str, list[str]]:
    """A ``.py`` module's source with its display imports bound to the no-op object (from
    ``NO_OP_MODULE``), every line where it was; and the imports so changed."""
    code = NotebookCode("", text)
    lines = _neutralise(text.splitlines(), set(allowed), code,
                        no_op=f"__import__({NO_OP_MODULE!r}).{NO_OP_NAME}")
    if not code.neutralised:
        return text, []
    return "\n".join(lines) + "\n", code.neutralised


def _one_cell_at_a_time(header: list[str], lines: list[str],
                        where: list[tuple[int, int] | None]) -> str:
    """Each cell as one ``_grader_cell(...)`` line followed by blank lines, so that every line
    keeps its number."""
    out = list(header)
    i = 0
    cell_of = [w[0] if w is not None else None for w in where]
    while i < len(lines):
        cell = cell_of[i]
        if cell is None:
            out.append(lines[i])
            i += 1
            continue
        j = i
        while j < len(lines) and cell_of[j] == cell:
            j += 1
        first = len(out) + 1
        source = "\n".join(lines[i:j]) + "\n"
        out.append(f"_grader_cell({cell}, {first}, {source!r})")
        out += [""] * (j - i - 1)
        i = j
    return "\n".join(out) + "\n"


def _root(node: ast.Import | ast.ImportFrom) -> list[str]:
    if isinstance(node, ast.ImportFrom):
        return [(node.module or "").split(".")[0]] if node.level == 0 else [""]
    return [alias.name.split(".")[0] for alias in node.names]


def _neutralise(lines: list[str], allowed: set[str], code: NotebookCode,
                no_op: str = NO_OP_NAME) -> list[str]:
    """Bind the names of display-library imports to the no-op object, line numbers unchanged."""
    tree = safe_parse.python_tree_or_none("\n".join(lines))
    if tree is None:
        return lines
    edits = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Import | ast.ImportFrom):
            continue
        roots = _root(node)
        if not all(r in DISPLAY_LIBRARIES and r not in allowed for r in roots):
            continue
        names = []
        for alias in node.names:
            if alias.name == "*":
                continue
            bound = alias.asname or (alias.name.split(".")[0] if isinstance(node, ast.Import)
                                     else alias.name)
            names.append(bound)
        code.neutralised.append(ast.unparse(node))
        edits.append((node, "; ".join(f"{n} = {no_op}" for n in names) or "pass"))
    for node, replacement in sorted(edits, key=lambda e: (e[0].lineno, e[0].col_offset),
                                    reverse=True):
        first, last = node.lineno - 1, (node.end_lineno or node.lineno) - 1
        end_col = node.end_col_offset or 0
        prefix, suffix = lines[first][: node.col_offset], lines[last][end_col:]
        if first == last:
            lines[first] = prefix + replacement + suffix
        else:
            lines[first] = prefix + replacement
            for i in range(first + 1, last):
                lines[i] = ""
            # The rest of the last line (``)`` was part of the import): keep what follows it.
            lines[last] = " " * node.col_offset + suffix.lstrip() if suffix.strip() else ""
    return lines


def _stub_body(body: list[ast.stmt]) -> bool:
    """A body that only raises NotImplementedError, passes or is ``...`` (after a docstring)."""
    if (body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant)
            and isinstance(body[0].value.value, str)):
        body = body[1:]
    for stmt in body:
        if isinstance(stmt, ast.Pass):
            continue
        if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):
            continue
        if isinstance(stmt, ast.Raise) and stmt.exc is not None:
            exc = stmt.exc.func if isinstance(stmt.exc, ast.Call) else stmt.exc
            if isinstance(exc, ast.Name) and exc.id == "NotImplementedError":
                continue
        return False
    return True


def implemented(source: str, functions: Iterable[str]) -> set[str]:
    """Which of ``functions`` the source defines at top level with a real body (the last
    definition counts, as at run time). Source that does not parse implements nothing."""
    tree = safe_parse.python_tree_or_none(source)
    if tree is None:
        return set()
    wanted = set(functions)
    bodies: dict[str, bool] = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name in wanted:
            bodies[node.name] = not _stub_body(node.body)
    return {name for name, real in bodies.items() if real}


def defined(source: str, functions: Iterable[str]) -> set[str]:
    """Which of ``functions`` the source defines at top level (stubs included). Source with a
    syntax error is scanned line by line, so the notebook is still taken as its modules and the
    worker reports the error at its cell."""
    wanted = set(functions)
    tree = safe_parse.python_tree_or_none(source)
    if tree is None:
        return {m.group(1) for m in _TOP_DEF.finditer(source)} & wanted
    return {node.name for node in tree.body
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name in wanted}


def point_at_cells_in(data: Any, module: str, code: NotebookCode) -> Any:
    """Point a message stored as data (``grader.messages.to_data``) at the notebook: every
    ``<module>.py, line N`` in its texts becomes the cell and line, a message of its own (so each
    language says it in its words)."""
    if isinstance(data, dict):
        params = data.get("params")
        if not isinstance(params, dict):
            return data
        if data.get("key") == "wording.file_line" and params.get("file") == f"{module}.py":
            line = params.get("line")  # a location as data (``grader.wording.located``)
            at = code.where(line) if isinstance(line, int) else None
            return data if at is None else to_data(
                Msg("notebook_code.cell_line", name=code.name, cell=at[0], line=at[1]))
        return {**data, "params": {k: point_at_cells_in(v, module, code)
                                   for k, v in params.items()}}
    if not isinstance(data, str) or f"{module}.py" not in data:
        return data
    pattern = re.compile(rf"\b{re.escape(module)}\.py(?:\"?, line |:)(\d+)")
    parts: list[Msg | str] = []
    end = 0
    for match in pattern.finditer(data):
        at = code.where(int(match.group(1)))
        if at is None:
            continue
        parts += [data[end:match.start()],
                  Msg("notebook_code.cell_line", name=code.name, cell=at[0], line=at[1])]
        end = match.end()
    if not parts:
        return data
    return to_data(join_with("messages.concat", *parts, data[end:]))
