"""``grader release OUT``: the tree students get.

학생용 저장소: 스텁, 공개 테스트, 숨은 경로가 없는 과목 파일, 학생용 README(한국어·영어), 공개 번들,
CI 템플릿(GitHub 학생 피드백, 강사 신뢰 채점, GitLab). ``solutions/``의 어떤 것도 들어가지 않는다.

Nothing from ``solutions/`` is copied; before anything is written the release checks its own
output: no nbgrader solution marker, no hidden suite, no mistake file and no function body of a
reference solution or catalogued mistake may appear in it (``grader.course.stub_check``: a stub that
holds a solution is refused), and the stubs must be what ``grader stubs`` generated.
"""

from __future__ import annotations

import ast
import hashlib
import importlib.resources
import re
import shutil
from pathlib import Path

import grader
from grader import scratch
from grader.course import hint_probes, stub_check
from grader.course.bundle import make_bundle, open_bundle
from grader.course.config import Course, total_problem
from grader.errors import GraderError
from grader.grading.fingerprints import FILE_NAME as FINGERPRINTS
from grader.messages import Msg

PUBLIC_BUNDLE = ".grader/public.zip"
# Where each template goes in the release.
TEMPLATES = {
    ".github/workflows/grade.yml": "github/grade.yml",
    ".github/workflows/grade-trusted.yml": "github/grade-trusted.yml",
    ".github/workflows/classroom.yml": "github/classroom.yml",
    ".gitlab-ci.yml": "gitlab-ci.yml",
    "README.md": "README.student.md",
    ".gitignore": "gitignore",
}
SOLUTION_MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")
_SKIP = shutil.ignore_patterns("__pycache__", "*.pyc", ".pytest_cache", "conftest.py")


def template(name: str) -> str:
    """A template shipped in the package (``grader/templates/<name>``)."""
    return (importlib.resources.files("grader") / "templates" / name).read_text(encoding="utf-8")


def fill(text: str, values: dict[str, str]) -> str:
    for key, value in values.items():
        text = text.replace(f"@@{key}@@", value)
    if "@@" in text:
        raise GraderError(f"template placeholder left unfilled: {text[text.index('@@'):][:40]!r}")
    return text


def _normalized(text: str) -> str:
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


def solution_bodies(solutions: Path, modules: list[str]) -> dict[str, str]:
    """``module.function`` -> the reference's function body without its docstring, normalized
    (each line stripped), for every function and method of the reference modules."""
    bodies: dict[str, str] = {}
    for module in modules:
        path = solutions / f"{module}.py"
        if not path.is_file():
            continue
        source = path.read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(source)):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            body = node.body
            if (body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant)
                    and isinstance(body[0].value.value, str)):
                body = body[1:]
            text = "\n".join(ast.get_source_segment(source, stmt) or "" for stmt in body)
            bodies[f"{module}.{node.name}"] = _normalized(text)
    return bodies


def leaks(out: Path, course: Course, assignment: str) -> list[Msg]:
    """What of ``solutions/`` reached ``out``: markers, hidden suites, mistake files, reference
    bodies (empty when nothing did)."""
    solutions = course.solutions_dir(assignment)
    a = course.assignment(assignment)
    secret_files = {}
    for folder in (solutions / "tests", solutions / "mistakes"):
        if folder.is_dir():
            for path in folder.rglob("*"):
                if path.is_file() and "__pycache__" not in path.parts:
                    secret_files[hashlib.sha256(path.read_bytes()).hexdigest()] = path
    # Other text (README, workflows) is searched for the bodies' lines: a line or two can be
    # ordinary prose or code there; longer ones are the solution.
    # Only graded functions: a helper the stub provides on purpose is not a solution.
    bodies = {name: body for name, body in solution_bodies(solutions, a.modules).items()
              if name in a.functions and body.count("\n") >= 1 and len(body) >= 40}
    # Python is compared as token streams, every body of any length (grader.course.stub_check).
    secrets = stub_check.secret_bodies(course, a.name)
    found: list[Msg] = []
    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        rel = path.relative_to(out).as_posix()
        data = path.read_bytes()
        if hashlib.sha256(data).hexdigest() in secret_files:
            found.append(Msg("release.leak_copy", file=rel,
                             secret=str(secret_files[hashlib.sha256(data).hexdigest()])))
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            continue  # the public bundle: its files are checked one by one before zipping
        for marker in SOLUTION_MARKERS:
            if marker in text:
                found.append(Msg("release.leak_marker", file=rel, marker=repr(marker)))
        if rel.endswith(".ipynb"):  # the code cells, as the source they hold (not JSON-escaped)
            from grader.course.notebooks import code_of

            try:
                text = code_of(text)
            except (ValueError, KeyError, TypeError):
                found.append(Msg("release.leak_notebook", file=rel))
        if rel.endswith((".py", ".ipynb")):
            found.extend(Msg("release.leak_pasted", file=rel, function=function,
                             secret=secret.label())
                         for function, secret in stub_check.pasted(text, secrets))
            continue
        normalized = _normalized(text)
        for name, body in bodies.items():
            if body in normalized:
                found.append(Msg("release.leak_body", file=rel, function=name))
    return found


_GIT_COMMIT = re.compile(r"@[0-9a-f]{40}(?:$|#)")


def check_requirement(spec: str) -> str:
    """The pip requirement CI installs must pin one exact build of the grader.

    Accepted: ``name==version`` (not the PyPI name ``grader``, which belongs to an unrelated
    project), a URL with ``#sha256=…``, or a git URL at a full commit hash.
    """
    from packaging.requirements import InvalidRequirement, Requirement

    try:
        req = Requirement(spec)
    except InvalidRequirement as exc:
        raise GraderError(Msg("release.bad_requirement", spec=repr(spec), error=str(exc))) \
            from None
    if req.url:
        if "#sha256=" in req.url or _GIT_COMMIT.search(req.url):
            return spec
    else:
        pins = [sp for sp in req.specifier if sp.operator in ("==", "===") and "*" not in sp.version]
        if pins and len(req.specifier) == 1 and req.name.lower() != "grader":
            return spec
    raise GraderError(Msg(
        "release.unpinned", spec=repr(spec),
        wheel=f"{grader.DISTRIBUTION} @ https://…/rokey_grader-{grader.__version__}-py3-none-any"
              ".whl#sha256=…",
        git=f"{grader.DISTRIBUTION} @ git+https://…/grader.git@<full commit hash>"))


def _modules_list(course: Course, assignment: str) -> str:
    a = course.assignment(assignment)
    # The student README is written in both languages: so is its table.
    rows = [f"| {Msg('release.col_module')} | {Msg('release.col_functions')} |", "| --- | --- |"]
    for module, functions in a.exercises.items():
        listed = ", ".join(f"`{fn}` ({pts:g})" for fn, pts in functions.items())
        rows.append(f"| `exercises/{assignment}/{module}.py` | {listed} |")
    rows.append(f"| {Msg('release.total')} | {a.max_score:g} |")
    return "\n".join(rows)


def _lines(items: list[Msg]) -> Msg | str:
    listed: Msg | str = ""
    for item in items:  # one per line, each in the chosen language
        listed = Msg("release.line", first=listed, second=item)
    return listed


def _prepare_out(out: Path, course: Course, force: bool) -> None:
    resolved = out.resolve()
    if resolved == course.root or resolved in course.root.parents:
        raise GraderError(Msg("release.into_course", out=str(out)))
    if out.exists() and any(out.iterdir()):
        if not force or not (out / PUBLIC_BUNDLE).is_file():
            raise GraderError(Msg("release.not_a_release", out=str(out), bundle=PUBLIC_BUNDLE)
                              if force else Msg("release.not_empty", out=str(out)))
        shutil.rmtree(out)


def write_release(course: Course, assignment: str | None, out: Path, *,
                  grader_requirement: str, hidden_bundle: Path | None = None,
                  force: bool = False, notebooks: bool = False, lang: str = "both",
                  allow_edited_stubs: bool = False) -> list[Path]:
    """Write the student tree to ``out``; return the files written. ``lang``: the language of
    the notebooks' own words ("both" for a mixed class; the README is always in both).
    ``allow_edited_stubs``: ship stubs that differ from what ``grader stubs`` generated (work in
    progress is refused otherwise); a solution body in them is refused all the same."""
    a = course.assignment(assignment)
    problem = total_problem(course.path, a)
    if problem:
        raise GraderError(problem)
    edited = [] if allow_edited_stubs else stub_check.edited_stubs(course, a.name)
    if edited:
        raise GraderError(Msg("release.stubs_edited", stubs=_lines(edited)))
    check_requirement(grader_requirement)
    out = Path(out)
    _prepare_out(out, course, force)
    bundle_sha256 = ""
    if hidden_bundle is not None:
        opened = open_bundle(hidden_bundle)
        opened.remove()
        if opened.kind != "full" or opened.assignment != a.name:
            raise GraderError(Msg("release.not_full_bundle", bundle=str(hidden_bundle),
                                  assignment=a.name))
        bundle_sha256 = opened.sha256
    values = {
        "GRADER_REQUIREMENT": grader_requirement,
        "BUNDLE_SHA256": bundle_sha256,
        "ASSIGNMENT": a.name,
        "TITLE_KO": a.title["ko"],
        "TITLE_EN": a.title["en"],
        "MODULES": _modules_list(course, a.name),
    }
    # Built in a private folder and moved into place only when it holds nothing secret.
    work = scratch.make_dir("release") / "tree"
    try:
        exercises = course.exercises_dir(a.name)
        dest = work / "exercises" / a.name
        dest.mkdir(parents=True)
        for module in a.modules:
            stub = exercises / f"{module}.py"
            if not stub.is_file():
                raise GraderError(Msg("release.no_stub", stub=str(stub)))
            shutil.copyfile(stub, dest / stub.name)
        if (exercises / "tests").is_dir():
            shutil.copytree(exercises / "tests", dest / "tests", ignore=_SKIP)
        shutil.copyfile(course.path, work / "course.yaml")
        # Hints for the student's own check: fingerprints of the mistakes, never their code.
        prints = hint_probes.file_bytes(course, a.name)
        extra = {}
        if prints is not None:
            (dest / "tests").mkdir(exist_ok=True)
            (dest / "tests" / FINGERPRINTS).write_bytes(prints)
            extra[f"exercises/{a.name}/tests/{FINGERPRINTS}"] = prints
        make_bundle(course, a.name, work / PUBLIC_BUNDLE, "public", extra=extra)
        for target, name in TEMPLATES.items():
            path = work / target
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(fill(template(name), values), encoding="utf-8")
        if notebooks:  # one per module, through nbgrader (grader.course.notebooks)
            from grader.course.notebooks import write_notebooks

            write_notebooks(course, a.name, work, lang)
        found = leaks(work, course, a.name)
        if found:
            raise GraderError(Msg("release.leaks", found=_lines(found)))
        out.parent.mkdir(parents=True, exist_ok=True)
        if out.exists():
            out.rmdir()  # empty (checked above)
        shutil.move(str(work), str(out))
    finally:
        shutil.rmtree(work.parent, ignore_errors=True)
    return sorted(p for p in out.rglob("*") if p.is_file())
