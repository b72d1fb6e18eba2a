"""Shared by the never-crash tests, the fuzz tests and ``benchmarks/fuzz_campaign.py``: a tiny
course of two modules (so that a broken module can be seen to cost only its own functions) and
the inputs that used to crash the grader's own process."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

from conftest import HIDDEN, PUBLIC, REFERENCE, STUB, TINY_COURSE, make_tiny_course

# A second module, one point: its loss is told apart from calc's.
MORE_REFERENCE = "def twice(x):\n    return 2 * x\n"
MORE_STUB = "def twice(x):\n    raise NotImplementedError()\n"
MORE_HIDDEN = '''
import numpy as np
import pytest
from grader.suite import compare

@pytest.mark.grades("more.twice")
def test_twice(student, reference, rng):
    x = rng.normal(size=4)
    compare.assert_close(student.more.twice(x), reference.more.twice(x), name="twice(x)")
'''

# ``ast.parse`` raises RecursionError on one long chained expression (well under 2 MiB).
LONG_CHAIN = "x = " + "1+" * 20_000 + "1\n"  # 40 kB
# ``json.loads`` raises RecursionError on nesting far under 16 MiB.
DEEP_JSON = '{"cells": ' + "[" * 20_000 + "]" * 20_000 + "}"  # 40 kB

__all__ = ["DEEP_JSON", "HIDDEN", "LONG_CHAIN", "MORE_REFERENCE", "PUBLIC", "REFERENCE", "STUB",
           "make_two_module_course", "notebook_of"]


def make_two_module_course(root: Path) -> Path:
    """The tiny course (calc: add 2, scale 3) with a module ``more`` (twice 1): total 6."""
    make_tiny_course(root)
    (root / "course.yaml").write_text(
        textwrap.dedent(TINY_COURSE).lstrip() + "      more:\n        twice: 1\n", encoding="utf-8")
    (root / "exercises/a1/more.py").write_text(MORE_STUB, encoding="utf-8")
    (root / "solutions/a1/more.py").write_text(MORE_REFERENCE, encoding="utf-8")
    (root / "solutions/a1/tests/test_more.py").write_text(MORE_HIDDEN, encoding="utf-8")
    return root


def notebook_of(*cells: object) -> str:
    """A notebook's JSON text whose code cells have these sources (any JSON value)."""
    return json.dumps({"cells": [{"cell_type": "code", "source": c, "metadata": {},
                                  "outputs": [], "execution_count": None} for c in cells],
                       "metadata": {}, "nbformat": 4, "nbformat_minor": 5})
