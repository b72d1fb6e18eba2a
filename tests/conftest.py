"""Shared fixtures of the framework's own tests: a tiny course to grade quickly."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest

# Helper modules of these tests (redteam_support) import by name; with --import-mode=importlib
# pytest does not put this folder on sys.path itself.
sys.path.insert(0, str(Path(__file__).resolve().parent))

TINY_COURSE = """
course:
  title: {ko: "작은 과목", en: "Tiny course"}
limits: {call_timeout_s: 3, submission_budget_s: 20}
assignments:
  a1:
    title: {ko: "과제 1", en: "Assignment 1"}
    exercises:
      calc:
        add: 2
        scale: 3
"""

REFERENCE = '''
import numpy as np

def add(a, b):
    """두 배열의 합 / the sum of two arrays."""
    ### BEGIN SOLUTION
    return a + b
    ### END SOLUTION

def scale(x, k=2.0):
    ### BEGIN SOLUTION
    return k * x
    ### END SOLUTION
'''

STUB = '''
def add(a, b):
    raise NotImplementedError()

def scale(x, k=2.0):
    raise NotImplementedError()
'''

PUBLIC = '''
import numpy as np
import pytest
from grader.suite import compare

@pytest.mark.grades("calc.add")
def test_add_example(student):
    compare.assert_close(student.calc.add(np.ones(2), np.ones(2)), np.full(2, 2.0), name="add")
'''

HIDDEN = '''
import numpy as np
import pytest
from grader.suite import compare

@pytest.mark.grades("calc.add", weight=2)
def test_add_random(student, reference, rng):
    a, b = rng.normal(size=(2, 3, 4))
    compare.assert_close(student.calc.add(a, b), reference.calc.add(a, b), name="add(a, b)")

@pytest.mark.grades("calc.scale")
def test_scale_default(student, reference, rng):
    x = rng.normal(size=5)
    compare.assert_close(student.calc.scale(x), reference.calc.scale(x), name="scale(x)")

@pytest.mark.grades("calc.scale")
def test_scale_k(student, reference, rng):
    x, k = rng.normal(size=5), float(rng.uniform(0.5, 3))
    compare.assert_close(student.calc.scale(x, k), reference.calc.scale(x, k), name="scale(x, k)")
'''


def make_tiny_course(root: Path) -> Path:
    files = {
        "course.yaml": TINY_COURSE,
        "exercises/a1/calc.py": STUB,
        "exercises/a1/tests/test_calc.py": PUBLIC,
        "solutions/a1/calc.py": REFERENCE,
        "solutions/a1/tests/test_calc.py": HIDDEN,
    }
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return root


@pytest.fixture
def tiny_course(tmp_path: Path) -> Path:
    """A course folder with one assignment `a1` (module calc: add 2 points, scale 3)."""
    return make_tiny_course(tmp_path / "course")
