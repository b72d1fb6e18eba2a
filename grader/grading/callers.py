"""Which graded functions a submission's function may call, read from its source as data.

학생 코드의 소스를 데이터로 읽어(실행하지 않고) 각 함수가 부를 수 있는 채점 대상 함수를 찾는다.

A function that timed out (an endless loop in ``sigmoid``) would make every function that calls
it time out too, one limit each. Once it has timed out, a call of a function whose source
names it — directly or through the module's helpers, in the same module or imported from
another — fails at once instead, naming the culprit as its callee, so the test is rerun with
the culprit standing in (``grader.grading.reruns``) like any other failure a callee caused.

The source is only parsed (``ast``), never run, on the trusted side. A name counts only when it
resolves to the graded function: a module-level function of the same module, a name imported
from the graded function's module, or ``module.function`` of an imported module.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Sequence
from pathlib import Path

from grader.intake import safe_parse

_MAX_SOURCE = 1 << 20  # a larger file is not read: nothing is inferred from it


def _references(tree: ast.Module, module: str, graded: set[str]) -> dict[str, set[str]]:
    """``function -> names it refers to`` (``module.function`` form) for one module."""
    local = {n.name for n in tree.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)}
    aliases: dict[str, str] = {}  # a name bound by ``from m import f [as g]`` -> "m.f"
    modules: dict[str, str] = {}  # a name bound by ``import m [as n]`` -> "m"
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for a in node.names:
                aliases[a.asname or a.name] = f"{node.module}.{a.name}"
        elif isinstance(node, ast.Import):
            for a in node.names:
                modules[a.asname or a.name] = a.name
    found: dict[str, set[str]] = {}
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        names = found.setdefault(f"{module}.{node.name}", set())
        # A parameter or local variable of the same name is not the module's function.
        own = {a.arg for a in ast.walk(node.args) if isinstance(a, ast.arg)}
        own |= {n.id for n in ast.walk(node) if isinstance(n, ast.Name)
                and isinstance(n.ctx, ast.Store)}
        for sub in ast.walk(node):
            if isinstance(sub, ast.Name) and sub.id not in own:
                if sub.id in local and sub.id != node.name:
                    names.add(f"{module}.{sub.id}")
                elif sub.id in aliases and aliases[sub.id] in graded:
                    names.add(aliases[sub.id])
            elif isinstance(sub, ast.Attribute) and isinstance(sub.value, ast.Name) \
                    and sub.value.id in modules:
                target = f"{modules[sub.value.id]}.{sub.attr}"
                if target in graded:
                    names.add(target)
    return found


class CallGraph:
    """The possible calls between a submission's functions (graded ones and their helpers)."""

    def __init__(self, folder: Path, modules: Sequence[str], graded: Iterable[str]) -> None:
        self.graded = set(graded)
        self._edges: dict[str, set[str]] = {}
        for module in modules:
            path = folder / f"{module}.py"
            try:
                if not path.is_file() or path.stat().st_size > _MAX_SOURCE:
                    continue
                raw = path.read_bytes()
            except OSError:
                continue
            # bounded, as every parse of a student's bytes (grader.intake.safe_parse)
            tree = safe_parse.python_tree_or_none(raw.decode("utf-8", "replace"))
            if tree is None:
                continue  # unreadable: nothing inferred, the calls run as they would
            self._edges.update(_references(tree, module, self.graded))

    def reaches(self, function: str) -> set[str]:
        """The graded functions ``function`` may end up calling (itself excluded)."""
        seen: set[str] = set()
        todo = [function]
        while todo:
            for callee in self._edges.get(todo.pop(), ()):
                if callee not in seen:
                    seen.add(callee)
                    todo.append(callee)
        seen.discard(function)
        return seen & self.graded
