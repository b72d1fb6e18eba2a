"""The checked-in student stubs match the reference solutions and ``course.yaml``.

Only (a) needs nbgrader (it regenerates the stubs); the other checks compare modules loaded from
their files. Stubs and solutions are instructor code, so loading them in-process is fine here.
"""

from __future__ import annotations

import importlib.util
import inspect
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

from grader.course import authoring
from grader.errors import GraderError

ROOT = Path(__file__).resolve().parents[1]
ASSIGNMENT = "lec04"
SOLUTIONS = ROOT / "solutions" / ASSIGNMENT
EXERCISES = ROOT / "exercises" / ASSIGNMENT


def _graded() -> dict[str, list[str]]:
    """{module: [graded function, ...]} of the assignment, read straight from course.yaml."""
    course = yaml.safe_load((ROOT / "course.yaml").read_text(encoding="utf-8"))
    exercises = course["assignments"][ASSIGNMENT]["exercises"]
    return {module: list(functions) for module, functions in exercises.items()}


GRADED = _graded()
MODULES = sorted(GRADED)


def _load(path: Path, kind: str) -> ModuleType:
    """Import ``path`` under a name of its own, so stub and solution never shadow each other."""
    name = f"_test_stubs_{kind}_{ASSIGNMENT}_{path.stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    # No __pycache__ next to the solutions: that folder is copied into hidden bundles.
    dont_write, sys.dont_write_bytecode = sys.dont_write_bytecode, True
    try:
        spec.loader.exec_module(module)
    finally:
        sys.dont_write_bytecode = dont_write
    return module


def _functions(module: ModuleType) -> dict[str, Any]:
    """Public functions defined in ``module`` itself (not imported ones)."""
    return {
        name: value
        for name, value in vars(module).items()
        if inspect.isfunction(value)
        and value.__module__ == module.__name__
        and not name.startswith("_")
    }


def _need_nbgrader() -> None:
    """Skip (with the reason) where the optional authoring extra is not installed."""
    pytest.importorskip(
        "nbgrader.preprocessors", reason="nbgrader not installed: pip install 'rokey-grader[authoring]'"
    )


@pytest.fixture(scope="module")
def solutions() -> dict[str, ModuleType]:
    return {m: _load(SOLUTIONS / f"{m}.py", "solution") for m in MODULES}


@pytest.fixture(scope="module")
def stubs() -> dict[str, ModuleType]:
    missing = [m for m in MODULES if not (EXERCISES / f"{m}.py").is_file()]
    assert not missing, f"stubs missing: {missing} — run `grader stubs`"
    return {m: _load(EXERCISES / f"{m}.py", "stub") for m in MODULES}


# (a) ------------------------------------------------------------------------------------------


def test_checked_in_stubs_are_current() -> None:
    _need_nbgrader()
    stale = authoring.stub_differences(SOLUTIONS, EXERCISES, MODULES)
    assert not stale, (
        f"exercises/{ASSIGNMENT}/ stubs out of date for {stale}: a solution changed without"
        " regenerating its stub — run `grader stubs`"
    )


# (b) ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("module", MODULES)
def test_stub_has_every_function_with_the_same_signature(
    module: str, solutions: dict[str, ModuleType], stubs: dict[str, ModuleType]
) -> None:
    solution_functions = _functions(solutions[module])
    stub_functions = _functions(stubs[module])
    assert sorted(stub_functions) == sorted(solution_functions)
    for name, function in solution_functions.items():
        # str(): annotations are separate but equal objects in the two modules.
        assert str(inspect.signature(stub_functions[name])) == str(inspect.signature(function)), (
            f"{module}.{name}"
        )
        assert inspect.getdoc(stub_functions[name]) == inspect.getdoc(function), f"{module}.{name}"


@pytest.mark.parametrize("module", MODULES)
def test_given_code_is_kept_verbatim(
    module: str, solutions: dict[str, ModuleType], stubs: dict[str, ModuleType]
) -> None:
    given = set(_functions(solutions[module])) - set(GRADED[module])
    for name in given:
        solution_source = inspect.getsource(getattr(solutions[module], name))
        assert inspect.getsource(getattr(stubs[module], name)) == solution_source, name


# (c) ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("module", MODULES)
def test_every_graded_function_is_in_its_solution(
    module: str, solutions: dict[str, ModuleType]
) -> None:
    missing = [f for f in GRADED[module] if f not in _functions(solutions[module])]
    assert not missing, f"course.yaml grades {module}.{missing}, not defined in the solution"


@pytest.mark.parametrize("module", MODULES)
def test_solution_imports_no_sibling_module(module: str) -> None:
    source = (SOLUTIONS / f"{module}.py").read_text(encoding="utf-8")
    for sibling in MODULES:
        assert f"import {sibling}" not in source and f"from {sibling}" not in source
        assert f"from .{sibling}" not in source and "from . import" not in source


# (d) ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("module", MODULES)
def test_graded_stub_functions_raise_not_implemented(
    module: str, stubs: dict[str, ModuleType]
) -> None:
    for name in GRADED[module]:
        function = getattr(stubs[module], name)
        required = [
            p
            for p in inspect.signature(function).parameters.values()
            if p.default is inspect.Parameter.empty
        ]
        with pytest.raises(NotImplementedError):
            function(*[None] * len(required))


# (e) ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("module", MODULES)
def test_stub_has_no_solution_markers(module: str) -> None:
    stub = (EXERCISES / f"{module}.py").read_text(encoding="utf-8")
    assert "BEGIN SOLUTION" not in stub and "END SOLUTION" not in stub
    assert stub.count("# YOUR CODE HERE") == len(GRADED[module])


# grader.course.authoring itself ----------------------------------------------------------------------

SAMPLE = '''import numpy as np


def given(x):
    """Kept as is."""
    return x


def graded(x):
    """돌려준다 / Returns."""
    ### BEGIN SOLUTION
    if x:
        return 1
    return 0
    ### END SOLUTION
'''


def test_make_stub_clears_regions_at_their_indentation() -> None:
    _need_nbgrader()
    stub = authoring.make_stub(SAMPLE)
    head = SAMPLE.split("    ### BEGIN SOLUTION")[0]
    assert stub == head + "    # YOUR CODE HERE\n    raise NotImplementedError()\n"


@pytest.mark.parametrize(
    "source",
    [
        "def f():\n    return 1\n",  # no region
        "def f():\n    ### BEGIN SOLUTION\n    return 1\n",  # not closed
        "### BEGIN SOLUTION\n### BEGIN SOLUTION\n### END SOLUTION\n",  # nested
    ],
    ids=["no-region", "unterminated", "nested"],
)
def test_make_stub_rejects_bad_regions(source: str) -> None:
    if "BEGIN" in source:
        _need_nbgrader()
    with pytest.raises(GraderError):
        authoring.make_stub(source)


def test_missing_nbgrader_is_a_grader_error(monkeypatch: pytest.MonkeyPatch) -> None:
    # None in sys.modules makes the import fail, as on a machine without the authoring extra.
    monkeypatch.setitem(sys.modules, "nbgrader", None)
    monkeypatch.setitem(sys.modules, "nbgrader.preprocessors", None)
    with pytest.raises(GraderError, match=r"pip install 'rokey-grader\[authoring\]'"):
        authoring.make_stub(SAMPLE)


def _sample_course(tmp_path: Path, source: str = SAMPLE) -> tuple[Path, Path]:
    solutions_dir, exercises_dir = tmp_path / "solutions", tmp_path / "exercises"
    solutions_dir.mkdir()
    (solutions_dir / "sample.py").write_text(source, encoding="utf-8")
    return solutions_dir, exercises_dir


def test_write_stubs_writes_then_leaves_current_stubs_alone(tmp_path: Path) -> None:
    _need_nbgrader()
    solutions_dir, exercises_dir = _sample_course(tmp_path)
    assert authoring.stub_differences(solutions_dir, exercises_dir, ["sample"]) == ["sample"]

    [done] = authoring.write_stubs(solutions_dir, exercises_dir, ["sample"])
    path = exercises_dir / "sample.py"
    assert done == authoring.StubWrite(path, "created")
    assert "raise NotImplementedError()" in path.read_text(encoding="utf-8")
    assert authoring.stub_differences(solutions_dir, exercises_dir, ["sample"]) == []
    assert set(authoring.read_manifest(exercises_dir)) == {"sample.py"}

    mtime = path.stat().st_mtime_ns
    [done] = authoring.write_stubs(solutions_dir, exercises_dir, ["sample"])
    assert done.status == "unchanged" and path.stat().st_mtime_ns == mtime

    with pytest.raises(GraderError):
        authoring.write_stubs(solutions_dir, exercises_dir, ["missing"])
    with pytest.raises(GraderError):
        authoring.write_stubs(solutions_dir, exercises_dir, ["../sample"])


def test_a_changed_solution_updates_its_unedited_stub(tmp_path: Path) -> None:
    _need_nbgrader()
    solutions_dir, exercises_dir = _sample_course(tmp_path)
    authoring.write_stubs(solutions_dir, exercises_dir, ["sample"])
    changed = SAMPLE.replace('"""Kept as is."""', '"""Kept as is, now documented."""')
    (solutions_dir / "sample.py").write_text(changed, encoding="utf-8")

    [done] = authoring.write_stubs(solutions_dir, exercises_dir, ["sample"])
    assert done.status == "updated"
    assert "now documented" in (exercises_dir / "sample.py").read_text(encoding="utf-8")


def test_an_edited_stub_is_refused_with_a_diff_and_nothing_is_written(tmp_path: Path) -> None:
    _need_nbgrader()
    solutions_dir, exercises_dir = _sample_course(tmp_path)
    (solutions_dir / "other.py").write_text(SAMPLE, encoding="utf-8")
    authoring.write_stubs(solutions_dir, exercises_dir, ["sample", "other"])
    path = exercises_dir / "sample.py"
    edited = path.read_text(encoding="utf-8").replace(
        "    # YOUR CODE HERE\n    raise NotImplementedError()", "    return 42  # my work")
    path.write_text(edited, encoding="utf-8")
    # The solution of the *other* module changed too: it is not updated either.
    (solutions_dir / "other.py").write_text(SAMPLE.replace("Kept as is", "Kept"), encoding="utf-8")
    other_before = (exercises_dir / "other.py").read_text(encoding="utf-8")

    with pytest.raises(authoring.StubsEdited) as refused:
        authoring.write_stubs(solutions_dir, exercises_dir, ["sample", "other"])

    [stub] = refused.value.edited
    assert stub.path == path and stub.recorded
    assert "-    raise NotImplementedError()" in stub.diff and "+    return 42  # my work" in stub.diff
    message = str(refused.value)
    assert str(path) in message and "--force" in message and "nothing was written" in message
    assert path.read_text(encoding="utf-8") == edited
    assert (exercises_dir / "other.py").read_text(encoding="utf-8") == other_before

    done = authoring.write_stubs(solutions_dir, exercises_dir, ["sample", "other"], force=True)
    assert [d.status for d in done] == ["overwritten", "updated"]
    assert "return 42" not in path.read_text(encoding="utf-8")
    assert authoring.stub_differences(solutions_dir, exercises_dir, ["sample", "other"]) == []


def test_a_differing_stub_without_a_recorded_hash_counts_as_edited(tmp_path: Path) -> None:
    """No manifest (deleted, or stubs written by hand): the safe side is to refuse."""
    _need_nbgrader()
    solutions_dir, exercises_dir = _sample_course(tmp_path)
    exercises_dir.mkdir()
    (exercises_dir / "sample.py").write_text("def graded(x):\n    return x\n", encoding="utf-8")
    with pytest.raises(authoring.StubsEdited) as refused:
        authoring.write_stubs(solutions_dir, exercises_dir, ["sample"])
    assert not refused.value.edited[0].recorded
    assert authoring.MANIFEST in str(refused.value)
    # A corrupt manifest is no manifest.
    (exercises_dir / authoring.MANIFEST).write_text("{not json", encoding="utf-8")
    with pytest.raises(authoring.StubsEdited):
        authoring.write_stubs(solutions_dir, exercises_dir, ["sample"])


def test_a_crlf_checkout_of_a_stub_is_not_an_edit(tmp_path: Path) -> None:
    _need_nbgrader()
    solutions_dir, exercises_dir = _sample_course(tmp_path)
    authoring.write_stubs(solutions_dir, exercises_dir, ["sample"])
    path = exercises_dir / "sample.py"
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    [done] = authoring.write_stubs(solutions_dir, exercises_dir, ["sample"])
    assert done.status == "unchanged"


def test_the_stubs_command_refuses_then_forces(tiny_course: Path) -> None:
    from click.testing import CliRunner

    from grader.cli import main

    _need_nbgrader()
    runner = CliRunner()
    course = str(tiny_course / "course.yaml")
    # The tiny course's checked-in stub was written by hand: no recorded hash, so it is refused.
    stub = tiny_course / "exercises" / "a1" / "calc.py"
    by_hand = stub.read_text(encoding="utf-8")
    result = runner.invoke(main, ["stubs", "--course", course])
    assert result.exit_code == 1, result.output
    assert str(stub) in result.output and "--force" in result.output
    assert stub.read_text(encoding="utf-8") == by_hand

    result = runner.invoke(main, ["stubs", "--course", course, "--force", "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert result.output == f"overwritten {stub}\n"
    result = runner.invoke(main, ["stubs", "--course", course, "--lang", "en"])
    assert result.exit_code == 0 and result.output == f"unchanged   {stub}\n"
    # one language at a time, the column aligned by display width (a Hangul syllable takes two)
    result = runner.invoke(main, ["stubs", "--course", course, "--lang", "ko"])
    assert result.exit_code == 0 and result.output == f"변경 없음 {stub}\n"
    stub.write_text(by_hand, encoding="utf-8")
    result = runner.invoke(main, ["stubs", "--course", course, "--force", "--lang", "ko"])
    assert result.exit_code == 0 and result.output == f"덮어씀    {stub}\n"
    assert "overwritten" not in result.output


def test_the_edited_stubs_refusal_speaks_one_language(tmp_path: Path) -> None:
    import re

    _need_nbgrader()
    solutions_dir, exercises_dir = _sample_course(tmp_path)
    exercises_dir.mkdir()
    path = exercises_dir / "sample.py"
    path.write_text("def graded(x):\n    return x\n", encoding="utf-8")
    with pytest.raises(authoring.StubsEdited) as refused:
        authoring.write_stubs(solutions_dir, exercises_dir, ["sample"])
    ko, en = refused.value.in_language("ko"), refused.value.in_language("en")
    assert ko.startswith("생성된 뒤 수정된 스텁은 덮어쓰지 않습니다. 아무 파일도 쓰지 않았습니다.")
    assert "--force 옵션으로 덮어쓰세요" in ko
    assert f"\n\n{path}: 기록된 해시가 없어({authoring.MANIFEST}) 생성된 파일인지" in ko
    assert "nothing was written" not in ko and refused.value.edited[0].diff in ko
    assert en.startswith("refusing to overwrite stubs edited since `grader stubs` generated them")
    assert f"\n\n{path}: no hash in {authoring.MANIFEST}: cannot tell it from an edit\n" in en
    # the diff shows the files themselves (a docstring may be Korean): the words around it are not
    assert not re.search(r"[\uac00-\ud7a3]", en.replace(refused.value.edited[0].diff, "")), en
