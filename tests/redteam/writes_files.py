# ruff: noqa
"""Replaces relu: writes a fake results.json into its working folder, next to its own module,
and a file named by the test into /tmp, then answers correctly. Under bwrap /tmp is a private
tmpfs and the module folder is read-only; under process isolation the working folder is a
private temporary folder removed after grading, but /tmp is the machine's own."""
import json
import os

import numpy as np

FAKE = json.dumps({"schema": "grader.result/v1", "score": 999, "max_score": 23})


def _try_write(path):
    try:
        with open(path, "w") as f:
            f.write(FAKE)
    except OSError:
        pass


def relu(z):
    _try_write("results.json")
    _try_write(os.path.join(os.path.dirname(os.path.abspath(__file__)), "results.json"))
    _try_write("/tmp/@TOKEN@.json")
    return np.maximum(z, 0.0)
