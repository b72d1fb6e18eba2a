"""``grader release --notebooks``: one student notebook per module, made with nbgrader's
preprocessors, accepted by nbgrader's metadata validator, holding no solution; filled with the
reference it grades full marks for its module."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest
from ci_support import REQUIREMENT
from click.testing import CliRunner

from grader.cli import main
from grader.course import release
from grader.course.config import load_course
from grader.intake import notebook_code

nbformat = pytest.importorskip("nbformat")
pytest.importorskip("nbgrader")

ROOT = Path(__file__).resolve().parents[1]
COURSE = load_course(ROOT / "course.yaml")
A = COURSE.assignment("lec04")


@pytest.fixture(scope="module")
def released(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("release") / "out"
    r = CliRunner().invoke(main, ["release", str(out), "--course", str(ROOT), "--notebooks",
                                  "--grader-requirement", REQUIREMENT], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    return out


def _cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def test_one_notebook_per_module_that_nbgrader_accepts(released: Path) -> None:
    from nbgrader.nbgraderformat import MetadataValidator

    folder = released / "notebooks" / "lec04"
    assert sorted(p.stem for p in folder.glob("*.ipynb")) == sorted(A.modules)
    for module in A.modules:
        nb = nbformat.read(folder / f"{module}.ipynb", as_version=4)
        MetadataValidator().validate_nb(nb)  # raises on anything nbgrader would reject
        meta = [c.metadata.get("nbgrader") for c in nb.cells if c.cell_type == "code"]
        assert all(m is not None for m in meta), "every code cell carries nbgrader metadata"
        tests = {m["grade_id"]: m for m in meta if m["grade"]}
        # one locked autograded cell per graded function, worth its points
        assert {k: v["points"] for k, v in tests.items()} == \
            {f"test_{fn}": pts for fn, pts in A.exercises[module].items()}
        assert all(m["locked"] and "checksum" in m for m in tests.values())
        solutions = {m["grade_id"] for m in meta if m["solution"]}
        assert set(A.exercises[module]) <= solutions
        assert all(m["locked"] for m in meta if not m["solution"])


def test_no_solution_reaches_the_notebooks(released: Path) -> None:
    bodies = release.solution_bodies(COURSE.solutions_dir("lec04"), A.modules)
    for module in A.modules:
        text = (released / "notebooks" / "lec04" / f"{module}.ipynb").read_text(encoding="utf-8")
        for marker in release.SOLUTION_MARKERS:
            assert marker not in text
        code = release._normalized(notebook_code.extract(f"{module}.ipynb",
                                                         text.encode()).source)
        for fn in A.exercises[module]:
            body = bodies[f"{module}.{fn}"]
            assert body not in code, f"{module}.{fn}: the reference body is in the notebook"
        # every graded function is there, and is nbgrader's stub
        source = notebook_code.extract(module, text.encode()).source
        assert notebook_code.defined(source, A.exercises[module]) == set(A.exercises[module])
        assert notebook_code.implemented(source, A.exercises[module]) == set()


def _filled(path: Path, module: str) -> str:
    """The released notebook with each solution cell replaced by the reference function."""
    reference = (COURSE.solutions_dir("lec04") / f"{module}.py").read_text(encoding="utf-8")
    functions = {node.name: ast.get_source_segment(reference, node)
                 for node in ast.parse(reference).body if isinstance(node, ast.FunctionDef)}
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if grade_id in A.exercises[module]:
            cell["source"] = functions[grade_id]
    return json.dumps(nb, ensure_ascii=False)


@pytest.mark.slow
def test_a_filled_notebook_grades_full_marks_for_its_module(released: Path,
                                                            tmp_path: Path) -> None:
    module = "activations"
    released_nb = released / "notebooks" / "lec04" / f"{module}.ipynb"
    filled = tmp_path / f"{module}.ipynb"
    filled.write_text(_filled(released_nb, module), encoding="utf-8")
    r = CliRunner().invoke(main, ["check", str(filled), "--course", str(ROOT), "--format",
                                  "json", "--seed", "7"])
    assert r.exit_code == 0, r.output
    report = json.loads(r.stdout)
    assert report["modules"] == [module]
    assert report["score"] == report["max_score"] == sum(A.exercises[module].values())
    # the released notebook as is: graded (its module found), no points
    r = CliRunner().invoke(main, ["check", str(released_nb), "--course", str(ROOT), "--format",
                                  "json", "--seed", "7"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["score"] == 0


def test_a_notebook_that_would_leak_is_refused(tmp_path: Path) -> None:
    from grader.course.notebooks import build_notebook

    with pytest.raises(Exception, match="solution region"):
        build_notebook("def f():\n    ### BEGIN SOLUTION\n    return 1\n", "m", "a1", {"f": 1})
