"""The benchmark's notebook assignments for nbgrader and Otter (no tool install, no grading run).

벤치마크가 만드는 노트북이 nbgrader 메타데이터 규칙을 지키고, 테스트 셀이 참조 해답은 통과시키며
틀린 구현은 떨어뜨리는지 확인한다. Checks that the notebooks the benchmark builds carry valid
nbgrader metadata, and that their test cells pass the reference and fail wrong implementations
(a benchmark of a grading that checks nothing would be worthless).
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
import notebook_assignments as na  # noqa: E402


@pytest.fixture(scope="module")
def nbformat() -> Any:
    """nbformat and nbgrader come with the authoring extra (installed by CI)."""
    pytest.importorskip("nbgrader", reason="the authoring extra (nbgrader) is not installed")
    return pytest.importorskip("nbformat")


@pytest.fixture(scope="module")
def items() -> list[na.Exercise]:
    return na.exercises()


def _source(cell: dict[str, Any]) -> str:
    src = cell["source"]
    return "".join(src) if isinstance(src, list) else str(src)


def test_exercises_follow_course_yaml(items: list[na.Exercise]) -> None:
    course = yaml.safe_load((ROOT / "course.yaml").read_text(encoding="utf-8"))
    points = course["assignments"]["lec04"]["exercises"]["activations"]
    # every function with checks written there, with course.yaml's points (a function added to
    # the course later has none and is left out of the comparison)
    assert set(na.PUBLIC) <= set(points)
    assert {ex.name: ex.points for ex in items} == {n: p for n, p in points.items()
                                                    if n in na.PUBLIC}
    for ex in items:
        assert ex.solution.startswith(f"def {ex.name}(")
        # The whole reference body between nbgrader's markers, closing marker included.
        assert "### BEGIN SOLUTION" in ex.solution and ex.solution.rstrip().endswith("### END SOLUTION")


def test_nbgrader_source_has_valid_metadata(items: list[na.Exercise], nbformat: Any) -> None:
    from nbgrader.nbgraderformat.v3 import MetadataValidatorV3

    nb = nbformat.from_dict(na.nbgrader_source(items))
    nbformat.validate(nb)
    MetadataValidatorV3().validate_nb(nb)  # grade ids, points, cell kinds: nbgrader's own rules
    graded = {c.metadata.nbgrader.grade_id: c.metadata.nbgrader.points
              for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")}
    assert graded == {f"test_{ex.name}": ex.points for ex in items}
    solutions = [c.metadata.nbgrader.grade_id for c in nb.cells
                 if c.metadata.get("nbgrader", {}).get("solution")]
    assert solutions == [ex.name for ex in items]


def test_nbgrader_duplicate_grade_id_is_rejected(items: list[na.Exercise], nbformat: Any) -> None:
    """The validator above really checks: a notebook with a repeated grade id fails it."""
    from nbgrader.nbgraderformat import ValidationError
    from nbgrader.nbgraderformat.v3 import MetadataValidatorV3

    raw = na.nbgrader_source(items)
    raw["cells"][3]["metadata"]["nbgrader"]["grade_id"] = raw["cells"][2]["metadata"]["nbgrader"]["grade_id"]
    with pytest.raises(ValidationError):
        MetadataValidatorV3().validate_nb(nbformat.from_dict(raw))


def test_nbgrader_release_hides_solutions_and_hidden_tests(items: list[na.Exercise], nbformat: Any) -> None:
    """nbgrader's own preprocessors turn the source into what students get."""
    from nbgrader.preprocessors import ClearHiddenTests, ClearSolutions

    nb = nbformat.from_dict(na.nbgrader_source(items))
    nb, _ = ClearSolutions().preprocess(nb, {})
    nb, _ = ClearHiddenTests().preprocess(nb, {})
    text = "\n".join(c.source for c in nb.cells)
    assert "np.logaddexp(0.0" not in text and "_matches_formula(sigmoid" not in text
    assert text.count("raise NotImplementedError") == len(items)
    submitted = na.fill_in_solutions(nb, items)
    filled = "\n".join(_source(c) for c in submitted["cells"])
    assert "np.logaddexp(0.0" in filled and "BEGIN SOLUTION" not in filled
    assert "raise NotImplementedError" not in filled


def test_otter_master_format(items: list[na.Exercise], nbformat: Any) -> None:
    nb = nbformat.from_dict(na.otter_master(items))
    nbformat.validate(nb)
    first = nb.cells[0]
    assert first.cell_type == "raw" and first.source.startswith("# ASSIGNMENT CONFIG")
    assert yaml.safe_load(first.source)["name"] == "activations"
    questions = [yaml.safe_load(c.source) for c in nb.cells
                 if c.cell_type == "raw" and c.source.startswith("# BEGIN QUESTION")]
    assert {q["name"]: q["points"] for q in questions} == {ex.name: ex.points for ex in items}
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    for ex in items:
        (sol,) = [s for s in code if f"def {ex.name}(" in s]
        assert "# BEGIN SOLUTION" in sol and "###" not in sol  # Otter's markers, not nbgrader's
    tests = [s for s in code if "BEGIN TEST CONFIG" in s]
    assert len(tests) == 2 * len(items)
    assert sum("hidden: true" in s for s in tests) == len(items)


# --- the test cells grade: the reference passes, wrong implementations fail ----------------------

def _run_cells(items: list[na.Exercise], replace: dict[str, str] | None = None) -> dict[str, Any]:
    """Run the helper cell, every function, then every test cell in one namespace, as a
    notebook does; ``replace`` swaps in other function definitions."""
    env: dict[str, Any] = {}
    exec(na.HELPERS, env)
    for ex in items:
        exec(na.strip_markers(ex.solution), env)
    for code in (replace or {}).values():
        exec(code, env)
    failed = {}
    for ex in items:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # only _quiet() turns warnings into errors
                exec(ex.public_test + ex.hidden_test, env)
        except Exception as exc:
            failed[ex.name] = exc
    return failed


def test_reference_passes_every_test_cell(items: list[na.Exercise]) -> None:
    assert _run_cells(items) == {}


WRONG = {
    "sigmoid": "def sigmoid(z):\n    return 1.0 / (1.0 + np.exp(-z))\n",  # overflows
    "sigmoid_derivative": "def sigmoid_derivative(z):\n    s = sigmoid(z)\n    return s * (1 + s)\n",
    "relu": "def relu(z):\n    z[z < 0] = 0.0\n    return z\n",  # modifies its input
    "relu_derivative": "def relu_derivative(z):\n    return np.where(np.asarray(z) >= 0, 1.0, 0.0)\n",
    "tanh_derivative": "def tanh_derivative(z):\n    return 1.0 - np.tanh(z)\n",
    "softplus": "def softplus(z):\n    return np.log(1.0 + np.exp(z))\n",  # inf at 1000
    "gradient_through_layers": (
        "def gradient_through_layers(zs, activation):\n"
        "    d = {'sigmoid': sigmoid_derivative, 'relu': relu_derivative,\n"
        "         'tanh': tanh_derivative, 'softplus': softplus_derivative}[activation]\n"
        "    return float(np.sum(d(np.asarray(zs, dtype=float))))\n"  # sum instead of product
    ),
}


@pytest.mark.parametrize("name", list(WRONG))
def test_wrong_implementation_fails_its_cell(items: list[na.Exercise], name: str) -> None:
    failed = _run_cells(items, {name: WRONG[name]})
    assert name in failed
    assert set(failed) <= {name, "gradient_through_layers", "softplus_derivative",
                           "sigmoid_derivative"}, failed  # only the function and its users


def test_derivative_cell_uses_the_students_forward(items: list[na.Exercise]) -> None:
    """The slope check differences the student's own forward function, as our suite does."""
    (tanh_d,) = [ex for ex in items if ex.name == "tanh_derivative"]
    assert "_slope_matches(tanh_derivative, tanh)" in tanh_d.hidden_test
    shifted = "def tanh(z):\n    return np.tanh(np.asarray(z, dtype=np.float64)) * 2.0\n"
    assert "tanh_derivative" in _run_cells(items, {"tanh": shifted})


def test_otter_submission_fills_in_every_function(items: list[na.Exercise]) -> None:
    import rivals

    master = na.otter_master(items)
    # What `otter assign` hands students: each function's body replaced by a prompt.
    student = {**master, "cells": [
        {**c, "source": _source(c).split(":\n", 1)[0] + ":\n    ...\n"}
        if c["cell_type"] == "code" and "BEGIN SOLUTION" in _source(c) else c
        for c in master["cells"]]}
    filled = rivals.otter_submission(student, items)
    code = [_source(c) for c in filled["cells"] if c["cell_type"] == "code"]
    for ex in items:
        assert na.strip_markers(ex.solution) in code
    assert not any(s.endswith(":\n    ...\n") for s in code)


def test_spread_gives_median_quartiles_and_range() -> None:
    import bench_compare

    stats = bench_compare.spread([5.0, 1.0, 4.0, 2.0, 3.0])
    assert (stats["median"], stats["q1"], stats["q3"]) == (3.0, 2.0, 4.0)
    assert (stats["min"], stats["max"], stats["n"]) == (1.0, 5.0, 5)
    assert stats["samples"] == [5.0, 1.0, 4.0, 2.0, 3.0]  # in run order, for paired ratios
    one = bench_compare.spread([0.25])
    assert one["median"] == one["q1"] == one["q3"] == 0.25
    assert "0.250 s  (min 0.250, max 0.250, IQR 0.250–0.250, n=1)" == bench_compare.fmt(one)
