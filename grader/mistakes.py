"""The catalogue of common mistakes: loading it, building variant submissions, matching hints.

자주 하는 실수 목록: 목록 읽기, 실수 하나를 심은 변형 제출물 만들기, 학생 결과에 맞는 힌트 찾기.

``solutions/<assignment>/mistakes/*.py`` holds one known-wrong version of one graded function per
file (instructor code, trusted)::

    \"\"\"아담의 편향 보정 누락 / Adam without bias correction.\"\"\"
    FUNCTION = "optimizers.adam"      # module.function of course.yaml
    HINT_KO = "..."                   # teaches the idea, never the code
    HINT_EN = "..."

    def adam(w, dw, config=None):
        ...                           # the wrong version, same signature as the contract

Two uses:

- ``grader validate`` grades a *variant* of the reference — every module as in ``solutions/``,
  only the mistaken function replaced (``build_variant``) — and checks that it loses points in
  that function and in no other, and that the failing test shows the mistake's hint.
- While grading, ``HintMatcher`` re-runs the catalogued mistakes of a failing function on the
  student's recorded inputs; when one reproduces every recorded output (and differs from the
  reference), its hint is appended to the failure message.

Trust: mistakes and reference modules are instructor code and run in the trusted process;
nothing here executes student code, and student results are only compared with
``grader.compare.values_match``.
"""

from __future__ import annotations

import ast
import copy
import itertools
import re
import threading
import types
import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from grader import compare
from grader.calls import RecordedCall
from grader.errors import GraderError, StudentError

__all__ = [
    "HINT_PREFIX",
    "HintMatcher",
    "Mistake",
    "build_variant",
    "load_catalogue",
    "variant_source",
]

#: How a hint is shown to a student: a line of a failing test's message.
HINT_PREFIX = "힌트 / Hint: "
#: The metadata every mistake file assigns at module level (string literals).
METADATA = ("FUNCTION", "HINT_KO", "HINT_EN")
#: The name the reference's own version of the replaced function gets in a variant.
REFERENCE_PREFIX = "_reference_"

_FUNCTION_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*\.[A-Za-z_][A-Za-z0-9_]*$")
_HANGUL_RE = re.compile(r"[\uac00-\ud7a3]")


@dataclass(frozen=True)
class Mistake:
    """실수 하나: 이름(파일 이름), 대상 함수, 두 언어의 힌트, 원본 / one catalogued mistake.

    ``name`` is the file's stem, ``function`` is ``"module.function"`` of ``course.yaml``,
    ``source`` is the file's text, ``description`` its docstring (may be empty).
    """

    name: str
    function: str
    hint_ko: str
    hint_en: str
    path: Path
    source: str
    description: str = ""

    @property
    def module(self) -> str:
        """``"optimizers"`` for ``"optimizers.adam"``."""
        return self.function.split(".", 1)[0]

    @property
    def function_name(self) -> str:
        """``"adam"`` for ``"optimizers.adam"``."""
        return self.function.split(".", 1)[1]

    def hint_line(self) -> str:
        """학생에게 보이는 한 줄 / the line appended to a failing test's message."""
        return f"{HINT_PREFIX}{self.hint_ko} / {self.hint_en}"


# --------------------------------------------------------------------------------------------
# Loading the catalogue


def _bad(path: Path, key: str, problem_ko: str, problem_en: str) -> GraderError:
    return GraderError(f"{path}: {key}: {problem_ko} / {key}: {problem_en}")


def _parse(source: str, path: Path | str) -> ast.Module:
    try:
        return ast.parse(source, filename=str(path))
    except SyntaxError as exc:
        raise GraderError(
            f"{path}:{exc.lineno}: 구문 오류입니다 — 파일을 고치세요: {exc.msg} / "
            f"syntax error — fix the file: {exc.msg}"
        ) from None


def _top_level_def(tree: ast.Module, name: str) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    return [
        node
        for node in tree.body
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name == name
    ]


def _metadata(tree: ast.Module, path: Path) -> dict[str, str]:
    found: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if not isinstance(target, ast.Name) or target.id not in METADATA:
                    continue
                key = target.id
                if key in found:
                    raise _bad(path, key, "두 번 지정되었습니다 — 하나만 남기세요",
                               "assigned twice — keep one assignment")
                try:
                    value = ast.literal_eval(node.value) if node.value is not None else None
                except ValueError:
                    value = None
                if not isinstance(value, str):
                    raise _bad(
                        path, key,
                        f"문자열 리터럴이어야 합니다 — 예: {key} = \"...\"",
                        f"must be a string literal — e.g. {key} = \"...\"",
                    )
                found[key] = value
    return found


def load_mistake(path: Path, graded: Iterable[str] | None = None) -> Mistake:
    """실수 파일 하나를 읽고 검증한다 / read and validate one mistake file.

    Raises ``GraderError`` naming the file, the key and the fix when the metadata is missing or
    malformed, when ``FUNCTION`` is not ``'module.function'`` (or, with ``graded``, not one of
    those functions), when a hint is empty (``HINT_KO`` must be Korean), or when the file does
    not define the function it claims to replace.
    """
    source = path.read_text(encoding="utf-8")
    tree = _parse(source, path)
    meta = _metadata(tree, path)
    for key in METADATA:
        if key not in meta:
            example = {"FUNCTION": '"optimizers.adam"'}.get(key, '"..."')
            raise _bad(path, key, f"없습니다 — {key} = {example} 를 추가하세요",
                       f"missing — add {key} = {example}")
    function = meta["FUNCTION"].strip()
    if not _FUNCTION_RE.match(function):
        raise _bad(
            path, "FUNCTION",
            f"'module.function' 꼴이어야 합니다 (예: 'optimizers.adam'), 지금은 {function!r}",
            f"FUNCTION must be 'module.function' (e.g. 'optimizers.adam'), got {function!r}",
        )
    if graded is not None:
        known = set(graded)
        if function not in known:
            raise _bad(
                path, "FUNCTION",
                f"{function!r}은(는) course.yaml의 채점 대상 함수가 아닙니다 — 철자를 확인하세요",
                f"{function!r} is not a graded function of course.yaml — check the spelling",
            )
    for key in ("HINT_KO", "HINT_EN"):
        if not meta[key].strip():
            raise _bad(path, key, "비어 있습니다 — 개념을 설명하는 힌트를 쓰세요",
                       "is empty — write a hint that teaches the idea")
    if not _HANGUL_RE.search(meta["HINT_KO"]):
        raise _bad(path, "HINT_KO", "한국어로 써야 합니다 (한글이 없습니다)",
                   "must be written in Korean (no Hangul found)")
    name = function.split(".", 1)[1]
    defs = _top_level_def(tree, name)
    if len(defs) != 1:
        problem = "없습니다" if not defs else "여러 번 정의되었습니다"
        raise _bad(
            path, "FUNCTION",
            f"파일에 함수 {name}의 정의(def {name}(...))가 {problem} — "
            "틀린 버전을 한 번 정의하세요",
            f"the file must define def {name}(...) exactly once (the wrong version)",
        )
    return Mistake(
        name=path.stem,
        function=function,
        hint_ko=meta["HINT_KO"].strip(),
        hint_en=meta["HINT_EN"].strip(),
        path=path,
        source=source,
        description=(ast.get_docstring(tree) or "").strip(),
    )


def load_catalogue(mistakes_dir: Path, graded: Iterable[str] | None = None) -> list[Mistake]:
    """``mistakes_dir``의 모든 실수를 이름 순으로 읽는다 / every mistake, sorted by file name.

    Files whose name starts with ``_`` are skipped (shared helpers, ``__init__.py``). A missing
    folder is an empty catalogue. ``graded`` (the assignment's ``"module.function"`` names)
    makes a ``FUNCTION`` outside the course an error.
    """
    if not mistakes_dir.is_dir():
        return []
    known = list(graded) if graded is not None else None
    return [
        load_mistake(path, known)
        for path in sorted(mistakes_dir.glob("*.py"))
        if not path.name.startswith("_")
    ]


# --------------------------------------------------------------------------------------------
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
    reference = _parse(reference_source, "<reference>")
    mistake = _parse(mistake_source, f"<mistake for {function}>")

    targets = _top_level_def(reference, name)
    if len(targets) != 1:
        raise GraderError(
            f"참조 모듈에 함수 {name}의 정의가 하나 있어야 합니다 / "
            f"the reference module must define {name} exactly once (found {len(targets)})"
        )
    wrong = _top_level_def(mistake, name)
    if len(wrong) != 1:
        raise GraderError(
            f"실수 파일에 함수 {name}의 정의가 하나 있어야 합니다 / "
            f"the mistake must define {name} exactly once (found {len(wrong)})"
        )
    if _signature(targets[0]) != _signature(wrong[0]):
        raise GraderError(
            f"실수 버전 {name}의 인자(이름, 순서, 기본값)가 참조 해답과 다릅니다 — "
            f"계약의 시그니처를 그대로 쓰세요 / the mistake's {name} has other parameters "
            f"(names, order, defaults) "
            f"than the reference — use the contract's signature"
        )

    reference_names: set[str] = set()
    for stmt in reference.body:
        reference_names |= _bound_names(stmt)
    if renamed in reference_names:
        raise GraderError(f"참조 모듈이 이미 {renamed}을(를) 정의합니다 / "
                          f"the reference module already defines {renamed}")

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
            raise GraderError(
                f"실수 파일의 {names}이(가) 참조 모듈의 같은 이름을 덮어씁니다 — "
                f"도우미 함수 이름을 '_mistake_'로 시작하게 바꾸세요 / "
                f"the mistake's {names} would overwrite the "
                f"reference's — prefix private helpers with '_mistake_'"
            )
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


def _module_source(reference_dir: Path, module: str) -> str:
    path = reference_dir / f"{module}.py"
    if not path.is_file():
        raise GraderError(f"참조 해답 {path}이(가) 없습니다 / reference solution {path} not found")
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
        raise GraderError(
            f"{mistake.path}: FUNCTION: 모듈 {mistake.module}은(는) 과제의 모듈이 아닙니다 / "
            f"module {mistake.module} is not one of the assignment's modules "
            f"({', '.join(modules)})"
        )
    dest.mkdir(parents=True, exist_ok=True)
    for module in modules:
        source = _module_source(reference_dir, module)
        if module == mistake.module:
            try:
                source = variant_source(source, mistake.function, mistake.source)
            except GraderError as exc:
                raise GraderError(f"{mistake.path}: {exc}") from None
        (dest / f"{module}.py").write_text(source, encoding="utf-8")


# --------------------------------------------------------------------------------------------
# Matching a student's outputs to a catalogued mistake


@dataclass(frozen=True)
class _Outcome:
    """What running a trusted function on a copy of one recorded call produced."""

    value: Any = None
    raised: tuple[str, ...] = ()  # the exception's class and bases by name, when it raised
    warned: bool = False  # emitted a RuntimeWarning (overflow in exp, invalid value in sqrt)
    mutated: bool = False  # changed one of its input arrays in place


def _arrays(value: Any, found: list[np.ndarray]) -> list[np.ndarray]:
    if isinstance(value, np.ndarray):
        found.append(value)
    elif isinstance(value, list | tuple):
        for item in value:
            _arrays(item, found)
    elif isinstance(value, dict):
        for item in value.values():
            _arrays(item, found)
    return found


def _run(fn: Callable[..., Any], call: RecordedCall) -> _Outcome:
    """Runs ``fn`` on deep copies of the call's inputs; never raises, never lets a warning out."""
    try:
        args, kwargs = copy.deepcopy((tuple(call.args), dict(call.kwargs)))
    except Exception:
        return _Outcome(raised=("<uncopyable input>",))
    inputs = _arrays((args, kwargs), [])
    before = [a.copy() for a in inputs]
    # Warnings are recorded, not shown: a mistake that only differs by an overflow warning
    # (a naive sigmoid) is recognised by it. NumPy's default error state (underflow is silent,
    # as in the student's worker), set explicitly so the caller's state does not matter.
    with warnings.catch_warnings(record=True) as caught, np.errstate(
        over="warn", divide="warn", invalid="warn", under="ignore"
    ):
        warnings.simplefilter("always")
        try:
            value = fn(*args, **kwargs)
        except Exception as exc:
            return _Outcome(raised=tuple(k.__name__ for k in type(exc).__mro__))
    warned = any(issubclass(w.category, RuntimeWarning) for w in caught)
    mutated = any(
        a.shape != b.shape or not np.array_equal(a, b, equal_nan=a.dtype.kind in "fc")
        for a, b in zip(inputs, before, strict=True)
    )
    return _Outcome(value=value, warned=warned, mutated=mutated)


def _student_raised(result: Any) -> tuple[str, ...] | None:
    """The exception a recorded call raised, by class names (most derived first), or None.

    ``grader.errors.StudentRaised`` carries the names of the student's exception class and its
    bases; any other ``StudentError`` (crash, timeout, missing function) says nothing about
    the student's code and is reported as ``("<no result>",)``, which no mistake reproduces.
    """
    if not isinstance(result, BaseException):
        return None
    names = getattr(result, "type_names", None)
    if isinstance(names, list | tuple) and names:
        return tuple(str(n) for n in names)
    if isinstance(result, StudentError):
        return ("<no result>",)
    return tuple(k.__name__ for k in type(result).__mro__)


def _student_warned(call: RecordedCall) -> bool:
    # WarningRecord(category, message) as in grader.calls.Call, or bare category names.
    records = getattr(call, "warnings", None) or ()
    return any(getattr(r, "category", r) == "RuntimeWarning" for r in records)


def _student_mutated(call: RecordedCall) -> bool:
    return bool(getattr(call, "mutated", None) or ())


def _load_module(name: str, source: str, filename: str) -> types.ModuleType:
    """Executes trusted instructor source as a private module, never entered in sys.modules."""
    module = types.ModuleType(name)
    module.__file__ = filename
    exec(compile(source, filename, "exec"), module.__dict__)
    return module


class HintMatcher:
    """학생의 출력을 재현하는 알려진 실수를 찾는다 / finds the catalogued mistake behind outputs.

    ``match(function, calls)`` re-runs each catalogued mistake of ``function`` (in catalogue
    order) on deep copies of the recorded inputs and returns the first that

    - reproduces the student's result on every recorded call of ``function``
      (``grader.compare.values_match``; where the student's call raised, the same exception
      class), and
    - is told apart from the reference on at least one of them: another value, or a
      RuntimeWarning or an in-place change of an input that the reference does not make *and*
      that the student's call showed too (``RecordedCall.warnings`` / ``.mutated`` when the
      proxy records them) — so a correct output never gets a hint.

    Calls that crashed or timed out are ignored. Mistakes and the reference run in-process
    (trusted instructor code) inside ``warnings.catch_warnings`` with NumPy's default error
    state, so nothing leaks. Variant modules are built once and cached under unique private
    names; nothing is left in ``sys.modules``. Thread-safe.
    """

    _ids = itertools.count()

    def __init__(self, reference_dir: Path, mistakes: Iterable[Mistake]) -> None:
        self.reference_dir = Path(reference_dir)
        self.mistakes = list(mistakes)
        #: ``mistake name -> reason`` for variants that could not be built (shown by validate).
        self.errors: dict[str, str] = {}
        self._by_function: dict[str, list[Mistake]] = {}
        for mistake in self.mistakes:
            self._by_function.setdefault(mistake.function, []).append(mistake)
        self._variants: dict[str, types.ModuleType | None] = {}
        self._references: dict[str, types.ModuleType | None] = {}
        # Outcomes per (mistake name or "", id(call)): a grading asks again for every failing
        # test with the calls recorded so far. The call is kept so that its id is not reused.
        self._outcomes: dict[tuple[str, int], tuple[RecordedCall, _Outcome]] = {}
        self._lock = threading.Lock()

    def mistakes_for(self, function: str) -> list[Mistake]:
        """The catalogued mistakes of ``"module.function"``, in catalogue order."""
        return list(self._by_function.get(function, []))

    def _reference(self, module: str) -> types.ModuleType | None:
        with self._lock:
            if module not in self._references:
                try:
                    source = _module_source(self.reference_dir, module)
                    self._references[module] = _load_module(
                        f"_grader_hint_reference_{next(self._ids)}_{module}",
                        source, str(self.reference_dir / f"{module}.py"))
                except Exception as exc:
                    self.errors[f"reference {module}"] = f"{type(exc).__name__}: {exc}"
                    self._references[module] = None
            return self._references[module]

    def _variant(self, mistake: Mistake) -> types.ModuleType | None:
        with self._lock:
            if mistake.name not in self._variants:
                try:
                    source = variant_source(
                        _module_source(self.reference_dir, mistake.module),
                        mistake.function, mistake.source)
                    self._variants[mistake.name] = _load_module(
                        f"_grader_hint_variant_{next(self._ids)}_{mistake.name}",
                        source, f"<variant {mistake.name}>")
                except Exception as exc:
                    self.errors[mistake.name] = f"{type(exc).__name__}: {exc}"
                    self._variants[mistake.name] = None
            return self._variants[mistake.name]

    def match(self, function: str, calls: Sequence[RecordedCall]) -> Mistake | None:
        """``calls``의 모든 결과를 재현하는 첫 실수, 없으면 None / the first matching mistake."""
        candidates = self._by_function.get(function)
        if not candidates:
            return None
        mine = [
            c for c in calls
            if c.function == function and _student_raised(c.result) != ("<no result>",)
        ]
        if not mine:
            return None
        module, name = function.split(".", 1)

        def reference_outcome(i: int) -> _Outcome:
            ref = self._reference(module)
            fn = getattr(ref, name, None) if ref is not None else None
            return self._outcome("", fn, mine[i])

        for mistake in candidates:
            variant = self._variant(mistake)
            wrong = getattr(variant, name, None) if variant is not None else None
            if not callable(wrong):
                continue
            outcomes = []
            for call in mine:
                outcome = self._outcome(mistake.name, wrong, call)
                if not self._same(call, outcome):
                    break
                outcomes.append(outcome)
            else:
                if any(
                    self._differs(o, reference_outcome(i), mine[i])
                    for i, o in enumerate(outcomes)
                ):
                    return mistake
        return None

    def _outcome(self, key: str, fn: Any, call: RecordedCall) -> _Outcome:
        cached = self._outcomes.get((key, id(call)))
        if cached is not None and cached[0] is call:
            return cached[1]
        outcome = _run(fn, call) if callable(fn) else _Outcome(raised=("<no function>",))
        with self._lock:
            self._outcomes[(key, id(call))] = (call, outcome)
        return outcome

    @staticmethod
    def _same(student: RecordedCall, wrong: _Outcome) -> bool:
        """Does the mistake reproduce this call: the same value, or the same exception class?

        A shape error is a mistake's whole symptom when the suites use non-square matrices
        (``W_next`` instead of ``W_next.T``): both raise ``ValueError`` on the same inputs.
        """
        raised = _student_raised(student.result)
        if raised is None:
            return not wrong.raised and compare.values_match(student.result, wrong.value)
        return bool(wrong.raised) and (raised[0] in wrong.raised or wrong.raised[0] in raised)

    @staticmethod
    def _differs(wrong: _Outcome, reference: _Outcome, student: RecordedCall) -> bool:
        """Is there evidence that the student made *this* mistake rather than none?

        Another value than the reference's is evidence. A mistake that only differs by a
        warning (naive sigmoid) or an in-place change (ReLU overwriting ``z``) counts only when
        the student's call showed the same symptom; a recorded call that does not carry
        ``warnings``/``mutated`` never does, so a correct output never gets such a hint.
        """
        if bool(wrong.raised) != bool(reference.raised):
            return True
        if wrong.raised:
            return False  # both raise: the exception is no evidence
        if wrong.warned and not reference.warned and _student_warned(student):
            return True
        if wrong.mutated and not reference.mutated and _student_mutated(student):
            return True
        return not compare.values_match(wrong.value, reference.value)

    def hint(self, function: str, calls: Sequence[RecordedCall]) -> str:
        """The hint line for these calls, or ``""`` / 힌트 한 줄 (없으면 빈 문자열)."""
        found = self.match(function, calls)
        return found.hint_line() if found is not None else ""
