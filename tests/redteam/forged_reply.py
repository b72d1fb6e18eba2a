# ruff: noqa
"""Replaces relu: writes garbage straight into the worker's response pipe (its number is on
the worker's command line). The trusted side rejects the frame (it announces 2^64-1 bytes) as
a protocol violation and replaces the worker."""
import os
import sys


def relu(z):
    os.write(int(sys.argv[1]), b"\xff" * 64)
    while True:
        pass
