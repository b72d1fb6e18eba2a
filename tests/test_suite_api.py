"""One suite API: suites import only ``grader.suite`` (plus NumPy, pytest and the standard
library), and the pytest plugin stays silent outside a course."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

import grader.suite

ROOT = Path(__file__).resolve().parents[1]
ALLOWED = {"grader.suite", "numpy", "pytest", "__future__"}


def _problems(source: str, where: str) -> list[str]:
    """Imports a suite may not make, and private names it reaches into."""
    found = []
    for node in ast.walk(ast.parse(source)):
        modules: list[str] = []
        if isinstance(node, ast.Import):
            modules = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            modules = [node.module or ""]
            found += [f"{where}: imports private {a.name}" for a in node.names
                      if a.name.startswith("_")]
        for module in modules:
            top = module.split(".")[0]
            if module not in ALLOWED and top not in ALLOWED - {"grader.suite"} \
                    and top not in sys.stdlib_module_names:
                found.append(f"{where}: imports {module}")
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) \
                and node.value.id in ("compare", "gradcheck") and node.attr.startswith("_"):
            found.append(f"{where}: uses private {node.value.id}.{node.attr}")
    return found


def _suite_files() -> Iterator[Path]:
    for side in ("exercises", "solutions"):
        yield from sorted((ROOT / side).glob("*/tests/*.py"))


def _embedded_suites() -> Iterator[tuple[str, str]]:
    """Suites written inside the framework's tests and in the docs."""
    for path in sorted((ROOT / "tests").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                    and "pytest.mark.grades" in node.value and "def test_" in node.value:
                yield f"{path.name}:{node.lineno}", textwrap.dedent(node.value)
    for path in [*sorted((ROOT / "docs").glob("*.md")), ROOT / "README.md"]:
        text = path.read_text(encoding="utf-8")
        for i, block in enumerate(re.findall(r"```python\n(.*?)```", text, flags=re.S)):
            if "import" in block:
                yield f"{path.name} block {i}", block


def test_every_suite_of_the_course_imports_only_the_suite_api() -> None:
    files = list(_suite_files())
    assert len(files) >= 10
    problems = [p for f in files for p in _problems(f.read_text(encoding="utf-8"), f.name)]
    assert problems == []


def test_suites_in_tests_and_docs_import_only_the_suite_api() -> None:
    suites = list(_embedded_suites())
    assert len(suites) >= 6  # tiny course, red team, validate, stand-ins, the guides
    problems = [p for where, source in suites for p in _problems(source, where)]
    assert problems == []


def test_the_check_catches_a_private_import() -> None:
    bad = "from grader.grading.compare import _describe\nfrom grader import compare\nimport os\n"
    assert len(_problems(bad, "x")) == 3
    assert _problems("from grader.suite import compare\ncompare._resolve(None)\n", "x")


def test_the_suite_api_exports_what_it_lists() -> None:
    for name in grader.suite.__all__:
        assert hasattr(grader.suite, name), name
    assert grader.suite.pair((1, 2), "f") == (1, 2)
    with pytest.raises(AssertionError, match="f must return a tuple \\(a, b\\) "
                                             "\\(got list of length 3\\)"):
        grader.suite.pair([1, 2, 3], "f", ("a", "b"))


def test_gradcheck_imports_no_private_helper_of_compare() -> None:
    tree = ast.parse((ROOT / "grader" / "grading" / "gradcheck.py").read_text(encoding="utf-8"))
    private = [a.name for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)
               for a in n.names if a.name.startswith("_")]
    assert private == []


# --- the plugin in a pytest session that is not a course's --------------------------------


def _pytest(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(cwd)}
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args],
                          cwd=cwd, capture_output=True, text=True, timeout=120, env=env)


def test_an_unrelated_project_sees_nothing_of_the_plugin(tmp_path: Path) -> None:
    project = tmp_path / "elsewhere"
    project.mkdir()
    (project / "test_unrelated.py").write_text(
        "def test_one():\n    assert 1 + 1 == 2\n\n"
        "def test_student_is_not_a_fixture_here(request):\n"
        "    assert 'student' not in request.fixturenames\n", encoding="utf-8")
    run = _pytest(project, "-v")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "2 passed" in run.stdout
    # the entry point is loaded (autoload is on), yet says nothing
    plugins = _pytest(project, "--trace-config", "-q")
    assert "grader" in plugins.stdout  # it is installed...
    # (pytest's own header lists the installed distributions: "plugins: ..., grader-0.1.0";
    # and its paths, the interpreter's and the project's, may hold "grader": a clone's name)
    assert not [ln for ln in _without_paths(run.stdout + run.stderr, project).splitlines()
                if "grader" in ln.lower() and not ln.startswith("plugins:")]
    helps = _pytest(project, "--help")
    assert helps.returncode == 0 and "grader" not in _without_paths(helps.stdout, project).lower()


def _without_paths(text: str, project: Path) -> str:
    """``text`` without the paths pytest prints of this environment and of the project."""
    paths = {sys.executable, sys.prefix, str(Path(sys.executable).resolve()), str(project),
             str(project.resolve()), str(ROOT)}
    for path in sorted(paths, key=len, reverse=True):
        text = text.replace(path, "<path>")
    return text


def test_the_framework_s_own_tests_folder_is_not_a_course_suite(tmp_path: Path) -> None:
    # a folder beside course.yaml that is neither exercises/ nor solutions/
    (tmp_path / "course.yaml").write_text("course: {}\n", encoding="utf-8")
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_t.py").write_text("def test_t():\n    pass\n", encoding="utf-8")
    run = _pytest(tmp_path, "tests", "-q")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "grader" not in run.stdout.lower()
