"""Variants: the reference with one function replaced by a catalogued mistake.

변형 제출물: 참조 해답에서 함수 하나만 실수 버전으로 바꾼 것 (``grader validate``와 힌트 찾기에 쓰인다).
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from grader.course.mistakes import METADATA, REFERENCE_PREFIX, Mistake, parse_source, top_level_def
from grader.errors import GraderError
from grader.messages import Msg

# Variants: the reference with one function replaced


class _Redirect(ast.NodeTransformer):
    """Renames every use of the global name ``old`` to ``new``, respecting local shadowing.

    A consistent rename is harmless for local variables that happen to share the name; only a
    scope that binds ``old`` as a parameter, a nested def/class or an import must be left alone,
    since those bindings are not ``Name`` nodes and would not be renamed with their uses.
    """

    def __init__(self, old: str, new: str) -> None:
        self.old, self.new = old, new

    def visit_Name(self, node: ast.Name) -> ast.Name:
        if node.id == self.old:
            node.id = self.new
        return node

    def visit_Global(self, node: ast.Global) -> ast.Global:
        node.names = [self.new if n == self.old else n for n in node.names]
        return node

    def _shadows(self, args: ast.arguments, body: Sequence[ast.AST]) -> bool:
        params = [*args.posonlyargs, *args.args, *args.kwonlyargs]
        params += [a for a in (args.vararg, args.kwarg) if a is not None]
        if any(p.arg == self.old for p in params):
            return True
        for stmt in body:
            for node in _walk_scope(stmt):
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) \
                        and node.name == self.old:
                    return True
                if isinstance(node, ast.Import | ast.ImportFrom) and any(
                    (alias.asname or alias.name.split(".")[0]) == self.old
                    for alias in node.names
                ):
                    return True
        return False

    def _visit_function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> ast.AST:
        # Decorators, defaults and annotations belong to the enclosing scope.
        node.decorator_list = [self.visit(d) for d in node.decorator_list]
        self.visit(node.args)
        if node.returns is not None:
            node.returns = self.visit(node.returns)
        if not self._shadows(node.args, node.body):
            node.body = [self.visit(stmt) for stmt in node.body]
        return node

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.AST:
        return self._visit_function(node)

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> ast.AST:
        return self._visit_function(node)

    def visit_Lambda(self, node: ast.Lambda) -> ast.AST:
        self.visit(node.args)
        if not self._shadows(node.args, []):
            node.body = self.visit(node.body)
        return node


def _walk_scope(node: ast.AST) -> Iterable[ast.AST]:
    """The nodes of one scope: ``node`` and its children, not descending into nested defs."""
    yield node
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda):
        return
    for child in ast.iter_child_nodes(node):
        yield from _walk_scope(child)


def _bound_names(stmt: ast.stmt) -> set[str]:
    """Module-level names a top-level statement binds."""
    if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return {stmt.name}
    if isinstance(stmt, ast.Import | ast.ImportFrom):
        return {alias.asname or alias.name.split(".")[0] for alias in stmt.names}
    return {
        node.id
        for node in _walk_scope(stmt)
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store | ast.Del)
    }


def _signature(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> tuple[Any, ...]:
    a = fn.args
    return (
        [p.arg for p in a.posonlyargs],
        [p.arg for p in a.args],
        [ast.dump(d) for d in a.defaults],
        [p.arg for p in a.kwonlyargs],
        [None if d is None else ast.dump(d) for d in a.kw_defaults],
        a.vararg.arg if a.vararg else None,
        a.kwarg.arg if a.kwarg else None,
    )


def _is_metadata(stmt: ast.stmt) -> bool:
    targets: list[ast.expr] = []
    if isinstance(stmt, ast.Assign):
        targets = stmt.targets
    elif isinstance(stmt, ast.AnnAssign):
        targets = [stmt.target]
    return bool(targets) and all(
        isinstance(t, ast.Name) and t.id in METADATA for t in targets
    )


def variant_source(reference_source: str, function: str, mistake_source: str) -> str:
    """참조 모듈에서 ``function`` 하나만 실수 버전으로 바꾼 소스 / one function replaced.

    ``function`` is ``"module.function"`` (or the bare function name). The reference's own
    definition is renamed ``_reference_<function>`` and every other use of the name in the
    module (calls from other functions, module-level tables) is redirected to it, so functions
    that call the replaced one keep their reference behaviour; then the mistake's definitions
    (imports, private helpers, the wrong function — without its metadata and docstring) are
    appended. The variant therefore differs from the reference in ``function`` only.

    Raises ``GraderError`` when the reference does not define ``function`` exactly once, when
    the signatures differ, or when a helper of the mistake would overwrite a reference name.
    """
    name = function.rsplit(".", 1)[-1]
    renamed = REFERENCE_PREFIX + name
    reference = parse_source(reference_source, "<reference>")
    mistake = parse_source(mistake_source, f"<mistake for {function}>")

    targets = top_level_def(reference, name)
    if len(targets) != 1:
        raise GraderError(Msg("variants.reference_defs", name=name, count=len(targets)))
    wrong = top_level_def(mistake, name)
    if len(wrong) != 1:
        raise GraderError(Msg("variants.mistake_defs", name=name, count=len(wrong)))
    if _signature(targets[0]) != _signature(wrong[0]):
        raise GraderError(Msg("variants.signature", name=name))

    reference_names: set[str] = set()
    for stmt in reference.body:
        reference_names |= _bound_names(stmt)
    if renamed in reference_names:
        raise GraderError(Msg("variants.already_defined", name=renamed))

    # The rename must also reach module-level tables ({"sigmoid": sigmoid_derivative}), so it
    # runs over the whole module; the target def itself is a FunctionDef, renamed by hand.
    reference = _Redirect(name, renamed).visit(reference)
    targets[0].name = renamed

    appended: list[ast.stmt] = []
    body = mistake.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
            and isinstance(body[0].value.value, str):
        body = body[1:]  # the mistake's docstring
    reference_imports = {
        ast.dump(s) for s in reference.body if isinstance(s, ast.Import | ast.ImportFrom)
    }
    for stmt in body:
        if _is_metadata(stmt):
            continue
        if isinstance(stmt, ast.ImportFrom) and stmt.module == "__future__":
            continue  # only legal at the top of the file; the reference has its own
        if isinstance(stmt, ast.Import | ast.ImportFrom) and ast.dump(stmt) in reference_imports:
            continue  # the same import is already there
        clash = (_bound_names(stmt) - {name}) & (reference_names | {renamed})
        if clash:
            names = ", ".join(sorted(clash))
            raise GraderError(Msg("variants.overwrites", names=names))
        appended.append(stmt)

    header = f"# --- catalogued mistake: {function} (known-wrong, for validation and hints) ---"
    return (
        ast.unparse(ast.fix_missing_locations(reference))
        + "\n\n\n"
        + header
        + "\n"
        + ast.unparse(ast.Module(body=appended, type_ignores=[]))
        + "\n"
    )


def module_source(reference_dir: Path, module: str) -> str:
    path = reference_dir / f"{module}.py"
    if not path.is_file():
        raise GraderError(Msg("variants.no_reference", path=str(path)))
    return path.read_text(encoding="utf-8")


def build_variant(
    reference_dir: Path, modules: Iterable[str], mistake: Mistake, dest: Path
) -> None:
    """변형 제출물 폴더를 만든다 / write a submission folder: the reference, one mistake planted.

    Every module of ``modules`` is copied from ``reference_dir`` into ``dest``; the mistake's
    module is written as its variant (``variant_source``).
    """
    modules = list(modules)
    if mistake.module not in modules:
        raise GraderError(Msg("variants.not_a_module", path=str(mistake.path),
                              module=mistake.module, modules=", ".join(modules)))
    dest.mkdir(parents=True, exist_ok=True)
    for module in modules:
        source = module_source(reference_dir, module)
        if module == mistake.module:
            try:
                source = variant_source(source, mistake.function, mistake.source)
            except GraderError as exc:
                raise GraderError(Msg("variants.in_mistake", path=str(mistake.path),
                                      error=exc.data)) from None
        (dest / f"{module}.py").write_text(source, encoding="utf-8")
