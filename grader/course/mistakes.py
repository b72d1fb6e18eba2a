"""The catalogue of common mistakes: the file format and loading it.

자주 하는 실수 목록: 파일 형식과 읽기. 변형 제출물은 ``grader.course.variants``,
힌트 찾기는 ``grader.grading.hints``.

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
  only the mistaken function replaced (``grader.course.variants.build_variant``) — and checks
  that it loses points in that function and in no other, and that the failing test shows the
  mistake's hint.
- While grading, ``grader.grading.hints.HintMatcher`` re-runs the catalogued mistakes of a
  failing function on the student's recorded inputs; when one reproduces every recorded output
  (and differs from the reference), its hint is appended to the failure message.

Trust: mistakes and reference modules are instructor code and run in the trusted process;
nothing here executes student code, and student results are only compared with
``grader.grading.compare.values_match``.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from grader.errors import GraderError
from grader.messages import Msg

__all__ = ["Mistake", "load_catalogue", "load_mistake"]

# The templates of this module's Msg keys: grader/locale/{ko,en}/LC_MESSAGES/grader.po.

#: How a hint is shown to a student: a line of a failing test's message.
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

    def hint(self) -> Msg:
        """학생에게 보이는 힌트 / the hint of a failing test, as data (``TestResult.hint``)."""
        return Msg("mistake.hint", mistake=self.name, hint_ko=self.hint_ko, hint_en=self.hint_en)


# --------------------------------------------------------------------------------------------
# Loading the catalogue


def _bad(path: Path, key: str, problem: str, **params: object) -> GraderError:
    """An error naming the file, the key and the fix (``mistakes.<problem>``)."""
    return GraderError(Msg(f"mistakes.{problem}", path=str(path), key=key, **params))


def parse_source(source: str, path: Path | str) -> ast.Module:
    try:
        return ast.parse(source, filename=str(path))
    except SyntaxError as exc:
        raise GraderError(Msg("mistakes.syntax", path=str(path), line=exc.lineno,
                              detail=exc.msg)) from None


def top_level_def(tree: ast.Module, name: str) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
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
                    raise _bad(path, key, "assigned_twice")
                try:
                    value = ast.literal_eval(node.value) if node.value is not None else None
                except ValueError:
                    value = None
                if not isinstance(value, str):
                    raise _bad(path, key, "not_a_string")
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
    tree = parse_source(source, path)
    meta = _metadata(tree, path)
    for key in METADATA:
        if key not in meta:
            example = {"FUNCTION": '"optimizers.adam"'}.get(key, '"..."')
            raise _bad(path, key, "missing", example=example)
    function = meta["FUNCTION"].strip()
    if not _FUNCTION_RE.match(function):
        raise _bad(path, "FUNCTION", "function_form", function=repr(function))
    if graded is not None:
        known = set(graded)
        if function not in known:
            raise _bad(path, "FUNCTION", "not_graded", function=repr(function))
    for key in ("HINT_KO", "HINT_EN"):
        if not meta[key].strip():
            raise _bad(path, key, "empty_hint")
    if not _HANGUL_RE.search(meta["HINT_KO"]):
        raise _bad(path, "HINT_KO", "hint_not_korean")
    name = function.split(".", 1)[1]
    defs = top_level_def(tree, name)
    if len(defs) != 1:
        raise _bad(path, "FUNCTION", "no_def" if not defs else "defined_twice", name=name)
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
