"""Functions of a module as normalised token streams (Python's own ``tokenize``, never run).

모듈의 함수를 정규화된 토큰열로 바꾼다: 식별자·리터럴·주석은 추상화하고, NumPy 속성 이름
(``np.exp``와 ``np.tanh``의 차이는 의미이므로)과 키워드, 연산자, 내장 함수 이름은 남긴다.

Renaming a variable, changing a literal, a comment, a docstring or the layout leaves the stream
unchanged; what is kept is what a copier cannot change without rewriting: the structure,
operators, keywords, attribute names (``np.where``, ``x.shape``, ``config.setdefault``) and
builtins. Functions are found with ``ast``; a function's body (its docstring and signature, both
given by the stub, left out) is cut from one tokenisation of the whole module, so every token
keeps its line for the report.
"""

from __future__ import annotations

import ast
import builtins
import keyword
import tokenize
from dataclasses import dataclass

from grader.intake import safe_parse

BUILTINS = frozenset(dir(builtins))
_DROPPED = {tokenize.COMMENT, tokenize.NL, tokenize.ENCODING, tokenize.ENDMARKER,
            tokenize.ERRORTOKEN, getattr(tokenize, "TYPE_COMMENT", -1)}
_STRUCTURE = {tokenize.NEWLINE: ";", tokenize.INDENT: "{", tokenize.DEDENT: "}",
              tokenize.NUMBER: "N", tokenize.STRING: "S"}
# Python 3.12 splits f-strings into pieces; the whole f-string becomes one "S".
_FSTRING_START = getattr(tokenize, "FSTRING_START", -2)
_FSTRING_END = getattr(tokenize, "FSTRING_END", -3)


@dataclass(frozen=True)
class FunctionCode:
    """One top-level function: its source for the report and its normalised body tokens."""

    name: str
    source: str  # the whole definition, as written
    first_line: int  # line of ``source``'s first line in the module (1-based)
    codes: tuple[str, ...]  # normalised tokens of the body
    lines: tuple[int, ...]  # the module line of each token


class Unparsable(ValueError):
    """The module is not valid Python (it is reported, not compared)."""


def functions_of(text: str) -> list[FunctionCode]:
    """The top-level functions of a module, in source order. Raises ``Unparsable``.

    Only the bodies are tokenised (docstrings, most of a stub, are skipped), each on its own:
    a body is a run of whole statements, so it tokenises alone, with its module line numbers.
    """
    try:
        tree = safe_parse.python_tree(text, "")
    except safe_parse.Unreadable as exc:
        raise Unparsable(exc.data.render("en")) from None
    numpy_names = _numpy_aliases(tree)
    source_lines = text.splitlines(keepends=True)
    found = []
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        body = node.body[1:] if is_docstring(node.body[0]) else node.body
        first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
        last = node.end_lineno or node.lineno
        codes: list[str] = []
        lines: list[int] = []
        if body:
            row = body[0].lineno
            col = _chars(source_lines[row - 1], body[0].col_offset)
            end = (last - row + 1, _chars(source_lines[last - 1], node.end_col_offset or 0))
            segment = [" " * col + source_lines[row - 1][col:], *source_lines[row:last]]
            try:
                tokens = list(safe_parse.tokens("".join(segment), ""))
            except safe_parse.Unreadable as exc:
                raise Unparsable(exc.data.render("en")) from None
            for (line, column), code in _normalise(tokens, numpy_names):
                if (line, column) >= end:
                    break
                if (line, column) >= (1, col):
                    codes.append(code)
                    lines.append(line + row - 1)
        found.append(FunctionCode(
            name=node.name,
            source="".join(source_lines[first - 1:last]),
            first_line=first,
            codes=tuple(codes),
            lines=tuple(lines)))
    return found


def module_codes(text: str) -> tuple[str, ...]:
    """The whole module as one normalised stream (for starter code: suites, module-level code)."""
    try:
        tree = safe_parse.python_tree(text, "")
        tokens = list(safe_parse.tokens(text, ""))
    except safe_parse.Unreadable as exc:
        raise Unparsable(exc.data.render("en")) from None
    return tuple(code for _, code in _normalise(tokens, _numpy_aliases(tree)))


def _chars(line: str, utf8_offset: int) -> int:
    """``ast`` columns count UTF-8 bytes, ``tokenize`` columns count characters."""
    return len(line.encode("utf-8")[:utf8_offset].decode("utf-8", errors="ignore"))


def is_docstring(stmt: ast.stmt) -> bool:
    return isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant) \
        and isinstance(stmt.value.value, str)


def _numpy_aliases(tree: ast.Module) -> set[str]:
    """Names bound to NumPy itself (``import numpy as npy``): all normalised to ``np``."""
    names = {"np", "numpy"}
    for node in tree.body:  # module level: walking every node costs a third of the time
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "numpy":
                    names.add(alias.asname or "numpy")
    return names


def _normalise(tokens: list[tokenize.TokenInfo], numpy_names: set[str],
               ) -> list[tuple[tuple[int, int], str]]:
    out: list[tuple[tuple[int, int], str]] = []
    previous = ""
    fstring_depth = 0
    for tok in tokens:
        kind = tok.type
        if kind == _FSTRING_START:
            if fstring_depth == 0:
                out.append((tok.start, "S"))
            fstring_depth += 1
            continue
        if kind == _FSTRING_END:
            fstring_depth -= 1
            continue
        if fstring_depth or kind in _DROPPED:
            continue
        if kind in _STRUCTURE:
            code = _STRUCTURE[kind]
        elif kind == tokenize.NAME:
            name = tok.string
            if keyword.iskeyword(name) or previous == "." or name in BUILTINS:
                code = name  # attribute names (np.exp, x.shape), keywords and builtins are meaning
            elif name in numpy_names:
                code = "np"
            else:
                code = "V"
        else:
            code = tok.string
        out.append((tok.start, code))
        previous = code
    return out

