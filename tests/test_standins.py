"""A mistake costs its points once: stand-ins from the reference for the student's own wrong
functions (``grader.grading.reruns``, ``grader.worker.standin``)."""

from __future__ import annotations

import re
import shutil
import textwrap
import time
from pathlib import Path

import pytest

from grader.course.config import load_course
from grader.grading.engine import grade
from grader.result import Result

CHAIN_COURSE = """
course:
  title: {ko: "사슬", en: "Chain"}
limits: {call_timeout_s: 5, submission_budget_s: 60}
scoring: {dependency_credit: %s}
assignments:
  a1:
    title: {ko: "과제", en: "Assignment"}
    exercises:
      inner:
        square: 2
      outer:
        sum_of_squares: 3
        norm: 3
        twice_square: 2
"""

REFERENCE = {
    "inner": '''
import numpy as np

def square(x):
    ### BEGIN SOLUTION
    return np.asarray(x, dtype=np.float64) ** 2
    ### END SOLUTION
''',
    "outer": '''
import numpy as np

def sum_of_squares(x):
    ### BEGIN SOLUTION
    return float(np.sum(np.asarray(x, dtype=np.float64) ** 2))
    ### END SOLUTION

def norm(x):
    ### BEGIN SOLUTION
    return float(np.sqrt(np.sum(np.asarray(x, dtype=np.float64) ** 2)))
    ### END SOLUTION

def twice_square(x):
    ### BEGIN SOLUTION
    return 2.0 * np.asarray(x, dtype=np.float64) ** 2
    ### END SOLUTION
''',
}

SUITE = '''
import numpy as np
import pytest
from grader.suite import Reference, Student, assert_close

@pytest.mark.grades("inner.square")
def test_square(student: Student, reference: Reference, rng: np.random.Generator) -> None:
    x = rng.normal(size=4)
    assert_close(student.inner.square(x), reference.inner.square(x), name="square(x)")

@pytest.mark.grades("outer.sum_of_squares")
def test_sum_of_squares(student: Student, reference: Reference, rng: np.random.Generator) -> None:
    x = rng.normal(size=5)
    assert_close(student.outer.sum_of_squares(x), reference.outer.sum_of_squares(x),
                 name="sum_of_squares(x)")

@pytest.mark.grades("outer.norm")
def test_norm(student: Student, reference: Reference, rng: np.random.Generator) -> None:
    x = rng.normal(size=5)
    assert_close(student.outer.norm(x), reference.outer.norm(x), name="norm(x)")

@pytest.mark.grades("outer.twice_square")
def test_twice_square(student: Student, reference: Reference, rng: np.random.Generator) -> None:
    x = rng.normal(size=3)
    assert_close(student.outer.twice_square(x), reference.outer.twice_square(x),
                 name="twice_square(x)")
'''

WRONG_SQUARE = '''
import numpy as np

def square(x):
    return np.abs(np.asarray(x, dtype=np.float64)) * 2.0   # wrong
'''

# norm calls sum_of_squares, which calls square: a chain of three.
RIGHT_OUTER = '''
import numpy as np
from inner import square

def sum_of_squares(x):
    return float(np.sum(square(x)))

def norm(x):
    return float(np.sqrt(sum_of_squares(x)))

def twice_square(x):
    return 2.0 * square(x)
'''


def _course(root: Path, credit: str = "1.0") -> Path:
    files = {"course.yaml": CHAIN_COURSE % credit,
             "solutions/a1/tests/test_chain.py": SUITE,
             "solutions/a1/inner.py": REFERENCE["inner"],
             "solutions/a1/outer.py": REFERENCE["outer"]}
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    (root / "exercises" / "a1").mkdir(parents=True)
    return root


def _grade(tmp_path: Path, inner: str, outer: str, credit: str = "1.0") -> Result:
    course = load_course(_course(tmp_path / "course", credit))
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "inner.py").write_text(textwrap.dedent(inner).lstrip(), encoding="utf-8")
    (sub / "outer.py").write_text(textwrap.dedent(outer).lstrip(), encoding="utf-8")
    return grade(course, "a1", sub, seed=3, isolation="process")


def _message(result: Result, function: str) -> str:
    return "\n".join(t.message for t in result.function(function).tests)


def test_a_wrong_callee_costs_only_its_own_points(tmp_path: Path) -> None:
    result = _grade(tmp_path, WRONG_SQUARE, RIGHT_OUTER)
    scores = {f.name: f.score for f in result.functions}
    assert scores == {"inner.square": 0.0, "outer.sum_of_squares": 3.0, "outer.norm": 3.0,
                      "outer.twice_square": 2.0}
    assert result.score == 8.0
    for function in ("sum_of_squares", "norm", "twice_square"):
        test = result.function(f"outer.{function}").tests[0]
        assert test.culprits == ["inner.square"]
        assert f"your `{function}` is right; it called your `square`, which is wrong" \
            in test.message
        assert (f"`{function}` 함수 자체는 맞습니다 — 이 함수가 호출하는 `square` 함수가 "
                "틀렸습니다") in test.message
    # the culprit's own failure is a plain failure, naming nobody
    assert result.function("inner.square").tests[0].culprits == []


def test_the_share_of_dependency_credit_is_taken_from_the_course(tmp_path: Path) -> None:
    result = _grade(tmp_path, WRONG_SQUARE, RIGHT_OUTER, credit="0.5")
    assert result.function("outer.norm").score == 1.5
    assert result.function("outer.norm").status == "partial"
    assert "50%" in _message(result, "outer.norm")


def test_no_credit_when_dependency_credit_is_zero(tmp_path: Path) -> None:
    result = _grade(tmp_path, WRONG_SQUARE, RIGHT_OUTER, credit="0")
    assert result.score == 0.0


def test_a_right_submission_needs_no_stand_in(tmp_path: Path) -> None:
    result = _grade(tmp_path, REFERENCE["inner"].replace("### BEGIN SOLUTION", "")
                    .replace("### END SOLUTION", ""), RIGHT_OUTER)
    assert result.score == result.max_score == 10.0
    assert all(not t.culprits for f in result.functions for t in f.tests)


def test_a_wrong_caller_of_a_wrong_callee_earns_nothing(tmp_path: Path) -> None:
    outer = RIGHT_OUTER.replace("return float(np.sqrt(sum_of_squares(x)))",
                                "return float(sum_of_squares(x))  # forgot the root")
    result = _grade(tmp_path, WRONG_SQUARE, outer)
    assert result.function("outer.norm").score == 0.0
    assert result.function("outer.sum_of_squares").score == 3.0


def test_a_forwarder_does_not_earn_points_through_a_stand_in(tmp_path: Path) -> None:
    # twice_square only forwards to square (another contract): with square standing in, it
    # returns the reference's square, not twice it.
    outer = RIGHT_OUTER.replace("return 2.0 * square(x)", "return square(x)")
    result = _grade(tmp_path, WRONG_SQUARE, outer)
    assert result.function("outer.twice_square").score == 0.0
    assert result.function("outer.twice_square").tests[0].culprits == []


def test_a_stub_does_not_earn_points_through_a_stand_in(tmp_path: Path) -> None:
    outer = RIGHT_OUTER.replace("return float(np.sqrt(sum_of_squares(x)))",
                                "sum_of_squares(x)\n    raise NotImplementedError")
    result = _grade(tmp_path, WRONG_SQUARE, outer)
    assert result.function("outer.norm").score == 0.0
    assert result.function("outer.norm").status == "not_implemented"


def test_no_rescue_when_the_callee_is_right(tmp_path: Path) -> None:
    # norm is wrong on its own and calls a right sum_of_squares: nothing to blame.
    right_inner = "import numpy as np\n\ndef square(x):\n    return np.asarray(x, dtype=float) ** 2\n"
    outer = RIGHT_OUTER.replace("return float(np.sqrt(sum_of_squares(x)))",
                                "return float(np.sqrt(sum_of_squares(x))) + 1.0")
    result = _grade(tmp_path, right_inner, outer)
    assert result.function("outer.norm").score == 0.0
    assert result.function("outer.norm").tests[0].culprits == []


ABUSE_OUTER = """
import gc
import numpy as np
from inner import square

def sum_of_squares(x):
    return float(np.sum(square(x)))

def norm(x):
    square(x)  # recorded as a caller of square, so it is rerun with square standing in
    for obj in gc.get_objects():  # the worker's own callback, reached from student code
        if type(obj).__name__ == "GradedCalls" and obj.stand_ins:
            for name in ("outer.norm", "outer.sum_of_squares"):
                reply = obj._ask(name, [x], {})
                if "value" in reply:
                    value = reply["value"]
                    return value if name == "outer.norm" else float(np.sqrt(value))
    return 0.0

def twice_square(x):
    return 2.0 * square(x)
"""


def test_a_submission_cannot_ask_the_trusted_side_for_other_answers(tmp_path: Path) -> None:
    # norm is not implemented; in its rerun it asks the worker's callback for the reference
    # of norm itself and of sum_of_squares, which norm never called: both are refused.
    result = _grade(tmp_path, WRONG_SQUARE, ABUSE_OUTER)
    assert result.function("outer.norm").score == 0.0
    assert result.function("outer.sum_of_squares").score == 3.0


def test_dependency_credit_is_validated(tmp_path: Path) -> None:
    from grader.errors import GraderError

    for bad in ("1.5", "-0.1", "yes", "'1'"):
        root = tmp_path / f"c{re.sub(r'[^0-9a-z]', '_', bad)}"
        _course(root, bad)
        with pytest.raises(GraderError, match="dependency_credit"):
            load_course(root)
    shutil.rmtree(tmp_path / "c1_5", ignore_errors=True)


# --- lecture 4: derivative → backward → train_step → train_xor ------------------------------

ROOT = Path(__file__).resolve().parents[1]


def _lec04_submission(folder: Path, wrong_sigmoid_derivative: bool) -> Path:
    """The reference modules, with a backward that uses the student's own
    ``sigmoid_derivative`` (as many students write it), and optionally that derivative wrong
    (the catalogued mistake: z taken for the output)."""
    folder.mkdir()
    for module in (ROOT / "solutions" / "lec04").glob("*.py"):
        shutil.copy(module, folder / module.name)
    backprop = (folder / "backprop.py").read_text(encoding="utf-8")
    for old, new in [
        ("import numpy as np\n", "import numpy as np\n\nfrom activations import sigmoid_derivative\n"),
        ("delta = (y_out - y_true) * y_out * (1.0 - y_out)",
         'delta = (y_out - y_true) * sigmoid_derivative(cache[f"Z{n_layers}"])'),
        ("                A = cache[f\"A{below}\"]\n                slope = A * (1.0 - A)",
         '                slope = sigmoid_derivative(cache[f"Z{below}"])'),
    ]:
        assert old in backprop, old
        backprop = backprop.replace(old, new, 1)
    (folder / "backprop.py").write_text(backprop, encoding="utf-8")
    if wrong_sigmoid_derivative:
        activations = (folder / "activations.py").read_text(encoding="utf-8")
        old = "    return sigmoid(z) * sigmoid(-np.asarray(z, dtype=np.float64))"
        assert old in activations
        (folder / "activations.py").write_text(activations.replace(
            old, "    z = np.asarray(z, dtype=np.float64)\n    return z * (1.0 - z)"),
            encoding="utf-8")
    return folder


@pytest.mark.slow
def test_lec04_only_mistake_in_sigmoid_derivative_costs_only_its_points(tmp_path: Path) -> None:
    course = load_course(ROOT / "course.yaml")
    modules = ["activations", "backprop"]
    right = grade(course, "lec04", _lec04_submission(tmp_path / "right", False), seed=11,
                  isolation="process", modules=modules)
    assert right.score == right.max_score, [(f.name, f.reason) for f in right.functions
                                            if f.score < f.max_score]
    wrong = grade(course, "lec04", _lec04_submission(tmp_path / "wrong", True), seed=11,
                  isolation="process", modules=modules)
    lost = {f.name: f.max_score - f.score for f in wrong.functions if f.score < f.max_score}
    assert lost == {"activations.sigmoid_derivative": 3.0}, lost
    # each dependent function was rescued and names the culprit
    for name in ("backward", "train_step", "train_xor", "layer_gradient_norms"):
        rescued = [t for t in wrong.function(f"backprop.{name}").tests if t.culprits]
        assert rescued, name
        for t in rescued:
            assert t.culprits == ["activations.sigmoid_derivative"]
            assert f"your `{name}` is right; it called your `sigmoid_derivative`, which is " \
                   "wrong" in t.message
            assert (f"`{name}` 함수 자체는 맞습니다 — 이 함수가 호출하는 `sigmoid_derivative` "
                    "함수가 틀렸습니다") in t.message
    # the culprit's own failure carries the catalogued hint as data
    hints = [t.hint for t in wrong.function("activations.sigmoid_derivative").tests if t.hint]
    assert hints and hints[0]["params"]["mistake"] == "activations_sigmoid_derivative_z_as_out"


def test_a_stand_in_call_cannot_hang_the_trusted_side(tmp_path: Path) -> None:
    # The worker chooses a stand-in's arguments: a reference loop of 10**12 steps is cut at the
    # call timeout, and the function that asked for it earns nothing.
    root = tmp_path / "course"
    course_yaml = CHAIN_COURSE % "1.0"
    files = {
        "course.yaml": course_yaml.replace("call_timeout_s: 5", "call_timeout_s: 2"),
        "solutions/a1/tests/test_chain.py": SUITE,
        "solutions/a1/inner.py": REFERENCE["inner"].replace(
            "def square(x):", "def square(x, times=1):\n    for _ in range(times):\n        pass"),
        "solutions/a1/outer.py": REFERENCE["outer"],
    }
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "inner.py").write_text(textwrap.dedent(WRONG_SQUARE).lstrip().replace(
        "def square(x):", "def square(x, times=1):"), encoding="utf-8")
    (sub / "outer.py").write_text(textwrap.dedent(RIGHT_OUTER).lstrip().replace(
        "return float(np.sqrt(sum_of_squares(x)))",
        "return float(np.sqrt(np.sum(square(x, times=10**12))))"), encoding="utf-8")
    start = time.monotonic()
    result = grade(load_course(root), "a1", sub, seed=3, isolation="process")
    assert time.monotonic() - start < 30
    assert result.function("outer.norm").score == 0.0
    assert result.function("outer.sum_of_squares").score == 3.0  # the others are unaffected


# --- every way one module reaches another's function; any thread --------------------------

REACH = {
    "import m": ("import inner", "inner.square(x)"),
    "import m as x": ("import inner as sq_mod", "sq_mod.square(x)"),
    "from m import f as g": ("from inner import square as sq", "sq(x)"),
    "lookup at call time": ("import importlib", 'getattr(importlib.import_module("inner"), '
                                                '"square")(x)'),
    "kept in a dict": ("from inner import square\nOPS = {'square': square}", "OPS['square'](x)"),
}


@pytest.mark.parametrize("style", sorted(REACH))
def test_a_stand_in_for_every_way_of_reaching_a_function(tmp_path: Path, style: str) -> None:
    head, call = REACH[style]
    outer = RIGHT_OUTER.replace("from inner import square", head)
    for use in ("np.sum(square(x))", "2.0 * square(x)"):
        outer = outer.replace(use, use.replace("square(x)", call))
    result = _grade(tmp_path, WRONG_SQUARE, outer)
    assert result.score == 8.0, style
    assert result.function("outer.norm").tests[0].culprits == ["inner.square"]


def test_a_stand_in_for_a_default_argument(tmp_path: Path) -> None:
    outer = RIGHT_OUTER.replace("def sum_of_squares(x):\n    return float(np.sum(square(x)))",
                                "def sum_of_squares(x, f=square):\n    return float(np.sum(f(x)))")
    assert "f=square" in outer
    result = _grade(tmp_path, WRONG_SQUARE, outer)
    assert result.function("outer.sum_of_squares").score == 3.0
    assert result.function("outer.sum_of_squares").tests[0].culprits == ["inner.square"]


def test_a_stand_in_when_one_notebook_holds_every_module(tmp_path: Path) -> None:
    import json

    course = load_course(_course(tmp_path / "course"))
    source = textwrap.dedent(WRONG_SQUARE) + textwrap.dedent(RIGHT_OUTER).replace(
        "from inner import square\n", "")
    notebook = {"cells": [{"cell_type": "code", "metadata": {}, "outputs": [],
                           "execution_count": None, "source": source}],
                "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    path = tmp_path / "leo.ipynb"
    path.write_text(json.dumps(notebook), encoding="utf-8")
    result = grade(course, "a1", path, seed=3, isolation="process")
    assert {f.name: f.score for f in result.functions} == {
        "inner.square": 0.0, "outer.sum_of_squares": 3.0, "outer.norm": 3.0,
        "outer.twice_square": 2.0}


def test_stand_ins_are_answered_in_any_thread(tmp_path: Path) -> None:
    # Dask runs its tasks in threads: the same grade there as in the main thread.
    import threading

    found: list[Result] = []
    thread = threading.Thread(target=lambda: found.append(
        _grade(tmp_path, WRONG_SQUARE, RIGHT_OUTER)))
    thread.start()
    thread.join()
    assert found and found[0].score == 8.0
    assert found[0].function("outer.norm").tests[0].culprits == ["inner.square"]


NORM_TWICE = SUITE + '''
@pytest.mark.grades("outer.norm")
def test_norm_of_zero(student: Student, reference: Reference) -> None:
    x = np.zeros(3)
    assert_close(student.outer.norm(x), reference.outer.norm(x), name="norm(0)")
'''


def test_right_is_said_only_of_a_function_right_with_the_stand_in(tmp_path: Path) -> None:
    # norm's first test passes with square standing in, its second fails on norm's own
    # mistake: norm is not "right", earns nothing and blames nobody.
    root = _course(tmp_path / "course")
    (root / "solutions/a1/tests/test_chain.py").write_text(textwrap.dedent(NORM_TWICE).lstrip(),
                                                           encoding="utf-8")
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "inner.py").write_text(textwrap.dedent(WRONG_SQUARE).lstrip(), encoding="utf-8")
    (sub / "outer.py").write_text(textwrap.dedent(RIGHT_OUTER).lstrip().replace(
        "return float(np.sqrt(sum_of_squares(x)))",
        "return float(np.sqrt(sum_of_squares(x))) + (0.0 if np.any(x) else 1.0)"),
        encoding="utf-8")
    result = grade(load_course(root), "a1", sub, seed=3, isolation="process")
    norm = result.function("outer.norm")
    assert norm.score == 0.0
    assert all(not t.culprits for t in norm.tests)
    assert "is right" not in _message(result, "outer.norm")
    assert result.function("outer.sum_of_squares").score == 3.0


def test_a_stand_in_when_the_caller_is_loaded_before_its_callee(tmp_path: Path) -> None:
    # outer's tests first: the worker loads outer (which imports inner) before anything asks for
    # inner, as backprop.py's `from delta_rule import output_delta` in lecture 4.
    head, _, square_test = SUITE.partition('@pytest.mark.grades("inner.square")')
    square_test, _, rest = square_test.partition('@pytest.mark.grades("outer.sum_of_squares")')
    reordered = head + '@pytest.mark.grades("outer.sum_of_squares")' + rest + \
        '\n@pytest.mark.grades("inner.square")' + square_test
    root = _course(tmp_path / "course")
    (root / "solutions/a1/tests/test_chain.py").write_text(textwrap.dedent(reordered).lstrip(),
                                                           encoding="utf-8")
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "inner.py").write_text(textwrap.dedent(WRONG_SQUARE).lstrip(), encoding="utf-8")
    (sub / "outer.py").write_text(textwrap.dedent(RIGHT_OUTER).lstrip(), encoding="utf-8")
    result = grade(load_course(root), "a1", sub, seed=3, isolation="process")
    assert result.score == 8.0
    assert result.function("outer.norm").tests[0].culprits == ["inner.square"]
