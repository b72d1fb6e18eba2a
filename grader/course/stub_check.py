"""What ``grader release`` must not ship from ``exercises/``: solution bodies pasted into a
file, and stubs edited since ``grader stubs`` generated them.

릴리스가 내보내면 안 되는 것: 참조 해답이나 흔한 실수의 함수 본문이 붙여 넣어진 파일, 그리고
``grader stubs``가 만든 뒤 수정된 스텁(작업 중인 코드, 남은 ``input()``).

A body is compared as a normalised token stream (``grader.similarity.normalise``): comments,
docstrings, layout, literals and local names do not count, so a body pasted with or without its
comments, or with its variables renamed, is still the same stream. Every function of a shipped
file is compared, whatever its length, against the body of every graded function of the
reference and of every catalogued mistake: it leaks when it holds one of them as a run of whole
statements. The stubs are also compared with the SHA-256 that ``.grader-stubs.json`` recorded when
they were generated (``grader.course.authoring``): any other content is someone's work in progress.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from grader.course import authoring
from grader.course.config import Course
from grader.course.mistakes import load_catalogue
from grader.errors import GraderError
from grader.messages import Msg
from grader.similarity.normalise import Unparsable, is_docstring, module_codes

# Tokens after which a new statement starts (NEWLINE, INDENT, DEDENT in normalised form).
_STATEMENT_START = frozenset({";", "{", "}"})


@dataclass(frozen=True)
class SecretBody:
    """The normalised body of a function a release must not contain."""

    name: str  # "activations.sigmoid", or the mistake's file name
    codes: tuple[str, ...]
    mistake: bool = False

    def label(self) -> Msg:
        return Msg("release.secret_mistake" if self.mistake else "release.secret_reference",
                   name=self.name)


def _bodies(text: str) -> list[tuple[str, tuple[str, ...]]]:
    """Every function of a module (methods and nested ones too) -> its body's tokens.

    The body is first written out again by ``ast.unparse``, so layout, parentheses, trailing
    commas, comments and split string literals are gone before it is tokenised."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []  # not Python: nothing to compare (the text checks still apply)
    bodies: list[tuple[str, tuple[str, ...]]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body[1:] if is_docstring(node.body[0]) else node.body
            try:
                codes = module_codes(ast.unparse(ast.Module(body=body, type_ignores=[])))
            except (Unparsable, RecursionError, ValueError):
                continue
            bodies.append((node.name, codes))
    return bodies


def secret_bodies(course: Course, assignment: str) -> list[SecretBody]:
    """The bodies of the reference's graded functions and of the catalogued mistakes."""
    a = course.assignment(assignment)
    solutions = course.solutions_dir(a.name)
    secrets: list[SecretBody] = []
    for module, functions in a.exercises.items():
        path = solutions / f"{module}.py"
        if not path.is_file():
            continue
        bodies = dict(reversed(_bodies(path.read_text(encoding="utf-8"))))  # the first of a name
        secrets.extend(SecretBody(f"{module}.{fn}", bodies[fn])
                       for fn in functions if bodies.get(fn))
    for mistake in load_catalogue(solutions / "mistakes"):
        codes = dict(reversed(_bodies(mistake.source))).get(mistake.function_name)
        if codes:
            secrets.append(SecretBody(mistake.name, codes, mistake=True))
    return secrets


def holds(body: tuple[str, ...], secret: tuple[str, ...]) -> bool:
    """Whether ``body`` holds ``secret`` as a run of whole statements."""
    n = len(secret)
    if not n or n > len(body):
        return False
    first = secret[0]
    for i in range(len(body) - n + 1):
        if body[i] == first and (i == 0 or body[i - 1] in _STATEMENT_START) \
                and body[i:i + n] == secret:
            return True
    return False


def pasted(text: str, secrets: list[SecretBody]) -> list[tuple[str, SecretBody]]:
    """(function of ``text``, the secret body it holds) for every leak in a module's source."""
    found = []
    for function, codes in _bodies(text):
        for secret in secrets:
            if holds(codes, secret.codes):
                found.append((function, secret))
    return found


def edited_stubs(course: Course, assignment: str) -> list[Msg]:
    """The stubs of ``exercises/<a>/`` whose content is not what ``grader stubs`` recorded."""
    a = course.assignment(assignment)
    folder = course.exercises_dir(a.name)
    recorded = authoring.read_manifest(folder)
    edited: list[Msg] = []
    for module in a.modules:
        path = folder / f"{module}.py"
        current = authoring.read_or_none(path)
        if current is None:
            continue  # write_release names the missing stub
        if path.name not in recorded:
            edited.append(Msg("release.stub_unrecorded", stub=str(path),
                              manifest=authoring.MANIFEST))
        elif authoring.digest(current) != recorded[path.name]:
            generated = _generated(course, a.name, module)
            diff = authoring.short_diff(generated, current, path) if generated else ""
            edited.append(Msg("release.stub_edited", stub=str(path), diff=diff,
                              functions=_changed_functions(generated or "", current)))
    return edited


def _changed_functions(generated: str, current: str) -> Msg | str:
    """The top-level functions whose source differs between two versions of a module, in the
    current one's order (or that the current one is not valid Python)."""
    def sources(text: str) -> dict[str, str] | None:
        try:
            tree = ast.parse(text)
        except (SyntaxError, ValueError):
            return None
        return {n.name: ast.get_source_segment(text, n) or "" for n in tree.body
                if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)}

    before, after = sources(generated) or {}, sources(current)
    if after is None:
        return Msg("release.stub_not_python")
    changed = [name for name, text in after.items() if before.get(name) != text]
    return ", ".join(changed + [name for name in before if name not in after]) or "-"


def _generated(course: Course, assignment: str, module: str) -> str | None:
    """The stub ``grader stubs`` makes now (to show the edit as a diff), if it can be made."""
    try:
        return authoring.make_stubs(course.solutions_dir(assignment), [module])[module]
    except GraderError:
        return None
