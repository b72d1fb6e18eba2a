# ruff: noqa
"""Replaces relu: prints a fake JSON report (print and raw writes to fd 1) and megabytes on
stderr (sys.stderr and fd 2), then answers correctly. Printed output is captured per call and
capped; raw writes go to a pipe the trusted side drains and drops."""
import os
import sys

import numpy as np

FAKE = '{"schema": "grader.result/v1", "score": 999.0, "max_score": 23.0, "functions": []}\n'


def relu(z):
    print(FAKE)
    os.write(1, FAKE.encode())
    sys.stderr.write("E" * (4 << 20))
    chunk = b"F" * (1 << 20)
    for _ in range(4):
        os.write(2, chunk)
    return np.maximum(z, 0.0)
