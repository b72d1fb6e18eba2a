"""The `activations` exercise as notebook assignments for nbgrader and Otter-Grader (pure functions).

벤치마크가 nbgrader와 Otter-Grader에게 우리와 같은 일을 시키려고, 참조 해답의 `activations` 함수들과
우리 공개·숨은 스위트와 같은 종류의 검사(무작위 모양, 0차원 입력, 입력 불변, 학생 자신의 순전파에 대한
중앙 차분, 정확한 극한값, 오버플로 경고 없음, 기울기 소실)를 담은 노트북을 만든다.
So that nbgrader and Otter-Grader do the same work as we do, this module builds notebooks holding
the reference `activations` functions and test cells of the same kinds as our public and hidden
suites (random shapes, 0-d input, input not modified, central differences of the student's own
forward function, exact limits, no overflow warning, the vanishing gradient).

Everything here returns plain data (nbformat-v4 notebook dicts, strings), so it is testable without
either tool installed; `nbformat` (in the tools' virtual environments) only writes the files.
The points per function are course.yaml's, so every tool grades out of the same total.
"""

from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "solutions" / "lec04" / "activations.py"
MODULE = "activations"

# Test helpers, run once at the top of every notebook (before any question). The reference values
# on moderate inputs are the textbook formulas: there they agree with any correct implementation
# to far below the tolerance, as our suites' reference solutions do.
HELPERS = '''\
import warnings

import numpy as np

_rng = np.random.default_rng(12)
LARGE = np.array([-1e4, -1e3, 1e3, 1e4])
_WANT = {
    "sigmoid": lambda z: 1.0 / (1.0 + np.exp(-z)),
    "sigmoid_derivative": lambda z: np.exp(-z) / (1.0 + np.exp(-z)) ** 2,
    "relu": lambda z: np.where(z > 0, z, 0.0),
    "relu_derivative": lambda z: np.where(z > 0, 1.0, 0.0),
    "tanh": lambda z: np.tanh(z),
    "tanh_derivative": lambda z: 1.0 / np.cosh(z) ** 2,
    "softplus": lambda z: np.log1p(np.exp(z)),
    "softplus_derivative": lambda z: 1.0 / (1.0 + np.exp(-z)),
}


def _shape():
    return tuple(int(n) for n in _rng.integers(1, 6, size=_rng.integers(1, 4)))


def _moderate(shape):
    """Random signs, magnitudes log-uniform in [0.1, 10] (the course's moderate range)."""
    return _rng.choice([-1.0, 1.0], size=shape) * 10.0 ** _rng.uniform(-1.0, 1.0, size=shape)


def _close(got, want, rtol=1e-6, atol=1e-9):
    """Same shape, float64, |got - want| <= atol + rtol*|want| (the course's tolerance)."""
    got = np.asarray(got)
    want = np.asarray(want, dtype=np.float64)
    assert got.shape == want.shape, (got.shape, want.shape)
    assert got.dtype == np.float64, got.dtype
    assert np.all(np.abs(got - want) <= atol + rtol * np.abs(want)), (got, want)


def _matches_formula(f, name):
    """Random shapes twice, a 0-d input, and the input left unchanged."""
    for _ in range(2):
        z = _moderate(_shape())
        _close(f(z), _WANT[name](z))
    z = np.array(_moderate(()))
    _close(f(z), _WANT[name](z))
    z = _moderate((3, 4))
    before = z.copy()
    _close(f(z), _WANT[name](z))
    assert np.array_equal(z, before), "the input was modified"


def _slope_matches(derivative, forward, h=1e-5):
    """The derivative is the central-difference slope of the student's own forward function,
    away from ReLU's kink at 0 (as grader.grading.gradcheck: rtol 1e-5, atol 1e-7)."""
    z = _moderate(_shape())
    z = np.where(np.abs(z) < 1e-3, np.copysign(1e-3, z), z)
    numeric = (np.asarray(forward(z + h)) - np.asarray(forward(z - h))) / (2 * h)
    _close(derivative(z), numeric, rtol=1e-5, atol=1e-7)


def _quiet(f, z):
    """f(z) without any warning (an overflow in exp is a RuntimeWarning)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return f(z)
'''


@dataclass(frozen=True)
class Exercise:
    """One graded function: its reference source and its test cells."""

    name: str
    points: int
    solution: str  # the reference function, with ``### BEGIN/END SOLUTION`` markers
    public_test: str
    hidden_test: str


# The public checks of each function written here; the benchmark compares the tools on these
# functions only (a function added to course.yaml later, as the authoring guide's leaky_relu, has
# none and is left out: every tool still grades the same functions out of the same total).
PUBLIC = {
    "sigmoid": "z = np.array([[-np.log(3.0), 0.0], [np.log(3.0), 0.0]])\n"
               "_close(sigmoid(z), np.array([[0.25, 0.5], [0.75, 0.5]]))\n"
               "_close(_quiet(sigmoid, np.array([-1000.0, 1000.0])), np.array([0.0, 1.0]),"
               " atol=1e-300, rtol=0.0)\n",
    "sigmoid_derivative": "z = np.array([-np.log(3.0), 0.0, np.log(3.0)])\n"
                          "_close(sigmoid_derivative(z), np.array([0.1875, 0.25, 0.1875]))\n",
    "relu": "_close(relu(np.array([-2.0, -0.5, 0.0, 0.5, 3.0])),"
            " np.array([0.0, 0.0, 0.0, 0.5, 3.0]))\n",
    "relu_derivative": "_close(relu_derivative(np.array([-2.0, -0.5, 0.5, 3.0])),"
                       " np.array([0.0, 0.0, 1.0, 1.0]))\n",
    "tanh": "_close(tanh(np.array([-1.0, 0.0, 1.0])), np.array([-np.tanh(1.0), 0.0, np.tanh(1.0)]))\n",
    "tanh_derivative": "_close(tanh_derivative(np.array([0.0, 1.0])),"
                       " np.array([1.0, 1.0 - np.tanh(1.0) ** 2]))\n",
    "softplus": "_close(softplus(np.array([0.0, np.log(2.0)])), np.array([np.log(2.0), np.log(3.0)]))\n"
                "_close(_quiet(softplus, np.array([-1000.0, 1000.0])), np.array([0.0, 1000.0]))\n",
    "softplus_derivative": "_close(softplus_derivative(np.array([0.0, np.log(3.0)])),"
                           " np.array([0.5, 0.75]))\n",
    "gradient_through_layers":
        "zs = np.array([0.0, 0.0, 0.0])\n"
        "_close(gradient_through_layers(zs, 'sigmoid'), 0.25 ** 3)\n"
        "_close(gradient_through_layers(np.array([]), 'relu'), 1.0)\n"
        "try:\n"
        "    gradient_through_layers(zs, 'Sigmoid')\n"
        "    raise AssertionError('no ValueError')\n"
        "except ValueError:\n"
        "    pass\n",
}


def _public_and_hidden(name: str) -> tuple[str, str]:
    """Test code of one function: the kinds of checks of our public and hidden suites."""
    public = PUBLIC[name]
    forward = name.removesuffix("_derivative")
    if name == "gradient_through_layers":
        hidden = (
            "for activation in ('sigmoid', 'relu', 'tanh', 'softplus'):\n"
            "    zs = _rng.choice([-1.0, 1.0], size=4) * _rng.uniform(0.1, 2.5, size=4)\n"
            "    want = float(np.prod(_WANT[activation + '_derivative'](zs)))\n"
            "    got = gradient_through_layers(zs, activation)\n"
            "    assert isinstance(got, float), type(got)\n"
            "    assert abs(got - want) <= 1e-6 * abs(want), (activation, got, want)\n"
            "    assert gradient_through_layers(np.array([]), activation) == 1.0\n"
            "for bad in ('Sigmoid', 'RELU', None, 3):\n"
            "    try:\n"
            "        gradient_through_layers(np.array([0.5, -1.0]), bad)\n"
            "        raise AssertionError(f'no ValueError for {bad!r}')\n"
            "    except ValueError:\n"
            "        pass\n"
            "zs = _rng.uniform(-2.0, 2.0, size=12)\n"
            "before = zs.copy()\n"
            "assert gradient_through_layers(zs, 'sigmoid') <= 0.25 ** 12\n"
            "assert np.array_equal(zs, before)\n"
            "zs = _rng.uniform(0.1, 10.0, size=30)\n"
            "assert gradient_through_layers(zs, 'relu') == 1.0\n"
            "zs[7] = 0.0\n"
            "assert gradient_through_layers(zs, 'relu') == 0.0\n"
        )
    else:
        hidden = f"_matches_formula({name}, {name!r})\n"
        if forward != name:
            hidden += f"_slope_matches({name}, {forward})\n"
        if name == "relu_derivative":
            hidden += ("_close(relu_derivative(np.array([-2.5, -0.0, 0.0, 1e-12, 3.0])),"
                       " np.array([0.0, 0.0, 0.0, 1.0, 1.0]), rtol=0.0, atol=1e-300)\n")
        if name == "sigmoid_derivative":
            hidden += ("z = np.concatenate([[0.0], _moderate((7,))])\n"
                       "_close(sigmoid_derivative(z),"
                       " np.concatenate([[0.25], 0.25 / np.cosh(z[1:] / 2.0) ** 2]))\n")
        if name in ("sigmoid", "softplus"):
            limits = "[0.0, 0.0, 1.0, 1.0]" if name == "sigmoid" else "[0.0, 0.0, 1e3, 1e4]"
            hidden += (
                f"_close({name}(LARGE), np.array({limits}), rtol=0.0, atol=1e-300)\n"
                "z = np.concatenate([LARGE, _moderate((4,)), -LARGE * _rng.uniform(0.5, 1.0, size=4)])\n"
                f"got = _quiet({name}, z)\n"
                "assert np.all(np.isfinite(got))\n"
            )
    return public, hidden


def exercises(reference: Path = REFERENCE, course_yaml: Path = ROOT / "course.yaml") -> list[Exercise]:
    """The graded functions of `activations` that have checks here (``PUBLIC``), in course
    order, with course.yaml's points."""
    course = yaml.safe_load(course_yaml.read_text(encoding="utf-8"))
    points: dict[str, int] = course["assignments"]["lec04"]["exercises"][MODULE]
    source = reference.read_text(encoding="utf-8")
    lines = source.splitlines(keepends=True)
    functions = {node.name: node for node in ast.parse(source).body if isinstance(node, ast.FunctionDef)}
    result = []
    for name, value in points.items():
        if name not in PUBLIC:
            continue
        node = functions[name]
        end = node.end_lineno or node.lineno
        # The AST ends at the last statement; the closing ``### END SOLUTION`` comment follows it.
        while end < len(lines) and lines[end].strip().startswith("#"):
            end += 1
        code = "".join(lines[node.lineno - 1:end])
        public, hidden = _public_and_hidden(name)
        result.append(Exercise(name, int(value), code, public, hidden))
    return result


# --- nbgrader -----------------------------------------------------------------------------------

def _nbgrader_meta(grade_id: str, *, solution: bool, grade: bool, locked: bool,
                   points: int | None = None) -> dict[str, Any]:
    meta: dict[str, Any] = {"grade": grade, "grade_id": grade_id, "locked": locked,
                            "schema_version": 3, "solution": solution, "task": False}
    if points is not None:
        meta["points"] = points
    return meta


def _cell(cell_type: str, source: str, metadata: dict[str, Any] | None = None) -> dict[str, Any]:
    cell: dict[str, Any] = {"cell_type": cell_type, "metadata": metadata or {}, "source": source}
    if cell_type == "code":
        cell.update(execution_count=None, outputs=[])
    return cell


def _notebook(cells: list[dict[str, Any]]) -> dict[str, Any]:
    # nbformat 4.5 wants a unique id per cell.
    return {
        "cells": [{**cell, "id": f"cell-{i}"} for i, cell in enumerate(cells)],
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def nbgrader_source(items: list[Exercise]) -> dict[str, Any]:
    """nbgrader's source notebook: a locked helper cell, then per function a solution cell
    (``### BEGIN SOLUTION`` markers, nbgrader's own) and an autograded test cell holding the
    public checks and, between ``### BEGIN/END HIDDEN TESTS``, the hidden ones."""
    cells = [
        _cell("markdown", "# 활성화 함수 / Activation functions (lecture 4)"),
        _cell("code", HELPERS, {"nbgrader": _nbgrader_meta("helpers", solution=False, grade=False,
                                                             locked=True)}),
    ]
    for ex in items:
        cells.append(_cell("code", ex.solution, {"nbgrader": _nbgrader_meta(
            ex.name, solution=True, grade=False, locked=False)}))
        test = ex.public_test + "### BEGIN HIDDEN TESTS\n" + ex.hidden_test + "### END HIDDEN TESTS\n"
        cells.append(_cell("code", test, {"nbgrader": _nbgrader_meta(
            f"test_{ex.name}", solution=False, grade=True, locked=True, points=ex.points)}))
    return _notebook(cells)


def fill_in_solutions(released: dict[str, Any], items: list[Exercise]) -> dict[str, Any]:
    """A student's submission: the released notebook with each solution cell replaced by the
    reference function (what a student who solved everything hands in)."""
    by_id = {ex.name: ex for ex in items}
    cells = []
    for cell in released["cells"]:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("solution") and meta.get("grade_id") in by_id:
            cell = {**cell, "source": strip_markers(by_id[meta["grade_id"]].solution)}
        cells.append(cell)
    return {**released, "cells": cells}


def strip_markers(code: str) -> str:
    return "".join(line for line in code.splitlines(keepends=True)
                   if not re.match(r"\s*#+\s*(BEGIN|END) SOLUTION\s*$", line))


NBGRADER_CONFIG = '''\
c = get_config()
c.CourseDirectory.course_id = "lec04-bench"
c.CourseDirectory.db_url = "sqlite:///gradebook.db"
c.ExecutePreprocessor.timeout = 300
'''


# --- Otter-Grader -------------------------------------------------------------------------------

def _raw(source: str) -> dict[str, Any]:
    return _cell("raw", source)


def otter_master(items: list[Exercise]) -> dict[str, Any]:
    """Otter's master notebook (``otter assign`` format v1): an assignment config cell, the
    helper cell, then per function a question (points from course.yaml) with its solution cell
    and a public and a hidden test cell."""
    config: dict[str, Any] = {
        "name": "activations",
        "requirements": None,
        "generate": {"pdf": False, "filtering": False},
        "export_cell": False,
        "check_all_cell": False,
        "init_cell": False,
        "run_tests": True,
        "files": [],
    }
    cells = [
        _raw("# ASSIGNMENT CONFIG\n" + yaml.safe_dump(config, sort_keys=False)),
        _cell("markdown", "# 활성화 함수 / Activation functions (lecture 4)"),
        _cell("code", HELPERS),
    ]
    for ex in items:
        cells += [
            _raw(f"# BEGIN QUESTION\nname: {ex.name}\npoints: {ex.points}\nmanual: false"),
            _cell("markdown", f"`{ex.name}`"),
            _raw("# BEGIN SOLUTION"),
            _cell("code", re.sub(r"(?m)^(\s*)###\s*(BEGIN|END) SOLUTION", r"\1# \2 SOLUTION",
                                 ex.solution)),
            _raw("# END SOLUTION"),
            _raw("# BEGIN TESTS"),
            _cell("code", '""" # BEGIN TEST CONFIG\nhidden: false\n""" # END TEST CONFIG\n'
                  + ex.public_test),
            _cell("code", '""" # BEGIN TEST CONFIG\nhidden: true\n""" # END TEST CONFIG\n'
                  + ex.hidden_test),
            _raw("# END TESTS"),
            _raw("# END QUESTION"),
        ]
    return _notebook(cells)


def solution_script(items: list[Exercise]) -> str:
    """The functions alone, markers removed: the body of a submission."""
    return "import numpy as np\n\n\n" + "\n\n".join(strip_markers(ex.solution) for ex in items)


def dumps(notebook: dict[str, Any]) -> str:
    return json.dumps(notebook, ensure_ascii=False, indent=1) + "\n"
