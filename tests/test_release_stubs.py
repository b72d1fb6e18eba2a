"""``grader release`` refuses solution bodies pasted into stubs and stubs edited since they were
generated (issue 21 item 3), on the shipped course's 32 graded functions.

스텁에 붙여 넣은 참조 해답 본문(주석이 있든 없든, 변수 이름을 바꿨든)과 작업 중인 스텁을 거부한다.
"""

from __future__ import annotations

import ast
import builtins
import re
import shutil
from pathlib import Path

import pytest
from ci_support import REQUIREMENT
from click.testing import CliRunner

from grader.cli import main
from grader.course import release, stub_check
from grader.course.config import load_course
from grader.errors import GraderError

ROOT = Path(__file__).resolve().parents[1]
COURSE = load_course(ROOT / "course.yaml")
LEC04 = COURSE.assignment("lec04")
_MARKER = re.compile(r"^\s*### (BEGIN|END) SOLUTION\s*$\n", re.M)


def _definition(source: str, name: str) -> ast.FunctionDef:
    tree = ast.parse(source)
    return next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == name)


def _as_written(source: str, name: str) -> str:
    """The reference's definition as written, comments kept, without the region markers
    (those alone would give it away)."""
    node = _definition(source, name)
    lines = source.splitlines(keepends=True)[node.lineno - 1:node.end_lineno]
    return _MARKER.sub("", "".join(lines))


def _without_comments(source: str, name: str) -> str:
    return ast.unparse(_definition(source, name))


class _Renamer(ast.NodeTransformer):
    """Gives every local name and argument another name (``z`` -> ``my_z``)."""

    def __init__(self, keep: set[str]) -> None:
        self.keep = keep

    def visit_Name(self, node: ast.Name) -> ast.Name:
        if node.id not in self.keep:
            node.id = f"my_{node.id}"
        return node

    def visit_arg(self, node: ast.arg) -> ast.arg:
        node.arg = f"my_{node.arg}"
        return node


def _renamed(source: str, name: str) -> str:
    tree = ast.parse(source)
    module_names = {n.name for n in tree.body if isinstance(n, ast.FunctionDef | ast.ClassDef)}
    module_names |= {a.asname or a.name for n in tree.body if isinstance(n, ast.Import)
                     for a in n.names}
    module_names |= {a.asname or a.name for n in tree.body if isinstance(n, ast.ImportFrom)
                     for a in n.names}
    node = _definition(source, name)
    _Renamer(module_names | set(dir(builtins))).visit(node)
    # keyword arguments in calls keep their names (they are the callee's parameters)
    return ast.unparse(node)


VARIANTS = {"as_written": _as_written, "without_comments": _without_comments,
            "renamed_locals": _renamed}


def _paste(stub: str, name: str, definition: str) -> str:
    """The stub with ``name``'s definition replaced by ``definition``."""
    node = _definition(stub, name)
    lines = stub.splitlines(keepends=True)
    return "".join([*lines[:node.lineno - 1], definition.rstrip("\n") + "\n",
                    *lines[node.end_lineno or node.lineno:]])


def _copy_course(tmp_path: Path) -> Path:
    course = tmp_path / "course"
    course.mkdir()
    shutil.copy(ROOT / "course.yaml", course)
    for part in ("exercises", "solutions"):
        shutil.copytree(ROOT / part, course / part, ignore=shutil.ignore_patterns("__pycache__"))
    return course


@pytest.mark.parametrize("variant", sorted(VARIANTS))
@pytest.mark.parametrize("function", sorted(LEC04.functions))
def test_each_reference_body_pasted_into_its_stub_is_found(function, variant):
    module, name = function.split(".")
    reference = (ROOT / "solutions/lec04" / f"{module}.py").read_text(encoding="utf-8")
    stub = (ROOT / "exercises/lec04" / f"{module}.py").read_text(encoding="utf-8")
    pasted = _paste(stub, name, VARIANTS[variant](reference, name))
    assert pasted != stub
    secrets = stub_check.secret_bodies(COURSE, "lec04")
    found = {(fn, secret.name) for fn, secret in stub_check.pasted(pasted, secrets)}
    assert (name, function) in found


def test_the_shipped_stubs_and_public_tests_hold_no_secret():
    secrets = stub_check.secret_bodies(COURSE, "lec04")
    assert len([s for s in secrets if not s.mistake]) == len(LEC04.functions)  # 32 in lec04
    assert any(s.mistake for s in secrets)
    for path in sorted((ROOT / "exercises/lec04").rglob("*.py")):
        assert stub_check.pasted(path.read_text(encoding="utf-8"), secrets) == [], path


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_release_refuses_every_pasted_body_and_names_each(tmp_path, variant):
    """Even with --allow-edited-stubs (edits allowed, solutions never)."""
    course = _copy_course(tmp_path)
    for module, functions in LEC04.exercises.items():
        reference = (course / "solutions/lec04" / f"{module}.py").read_text(encoding="utf-8")
        stub_path = course / "exercises/lec04" / f"{module}.py"
        stub = stub_path.read_text(encoding="utf-8")
        for name in functions:
            stub = _paste(stub, name, VARIANTS[variant](reference, name))
        stub_path.write_text(stub, encoding="utf-8")
    with pytest.raises(GraderError) as caught:
        release.write_release(load_course(course), "lec04", tmp_path / "out",
                              grader_requirement=REQUIREMENT, allow_edited_stubs=True)
    said = caught.value.in_language("en")
    for function in LEC04.functions:
        module, name = function.split(".")
        assert (f"exercises/lec04/{module}.py: function {name} holds the reference body of "
                f"{function} ") in said, function
    assert not (tmp_path / "out").exists()


def test_release_refuses_a_catalogued_mistake_pasted_into_a_stub(tmp_path):
    course = _copy_course(tmp_path)
    mistake = (course / "solutions/lec04/mistakes/optimizers_adam_no_bias_correction.py")
    stub_path = course / "exercises/lec04/optimizers.py"
    stub_path.write_text(_paste(stub_path.read_text(encoding="utf-8"), "adam",
                                _renamed(mistake.read_text(encoding="utf-8"), "adam")),
                         encoding="utf-8")
    with pytest.raises(GraderError) as caught:
        release.write_release(load_course(course), "lec04", tmp_path / "out",
                              grader_requirement=REQUIREMENT, allow_edited_stubs=True)
    assert ("function adam holds the body of the catalogued mistake "
            "optimizers_adam_no_bias_correction") in caught.value.in_language("en")


def test_release_refuses_work_in_progress_unless_allowed(tmp_path, monkeypatch):
    """A stub edited since `grader stubs` (here a left-over input()) is named, with its diff;
    --allow-edited-stubs ships it."""
    course = _copy_course(tmp_path)
    stub = course / "exercises/lec04/activations.py"
    text = stub.read_text(encoding="utf-8")
    stub.write_text(text.replace("    raise NotImplementedError()\n",
                                 "    input('debug')\n    raise NotImplementedError()\n", 1),
                    encoding="utf-8")
    monkeypatch.chdir(course)
    args = ["release", str(tmp_path / "out"), "--grader-requirement", REQUIREMENT, "--lang", "en"]
    refused = CliRunner().invoke(main, args)
    assert refused.exit_code == 2, refused.output
    assert "not releasing stubs with work in progress" in refused.output
    assert "exercises/lec04/activations.py: edited since grader stubs generated it (functions: sigmoid):" \
        in refused.output
    assert "+    input('debug')" in refused.output
    assert "optimizers.py" not in refused.output
    assert not (tmp_path / "out").exists()
    allowed = CliRunner().invoke(main, [*args, "--allow-edited-stubs"])
    assert allowed.exit_code == 0, allowed.output
    assert "input('debug')" in (tmp_path / "out/exercises/lec04/activations.py").read_text()


def test_release_refuses_a_stub_the_manifest_does_not_know(tmp_path):
    course = _copy_course(tmp_path)
    (course / "exercises/lec04/.grader-stubs.json").unlink()
    with pytest.raises(GraderError) as caught:
        release.write_release(load_course(course), "lec04", tmp_path / "out",
                              grader_requirement=REQUIREMENT)
    said = caught.value.in_language("en")
    assert said.count(".grader-stubs.json has no record of it") == len(LEC04.modules)
