# ruff: noqa
"""Replaces relu: writes garbage into every file descriptor it can, the worker's response pipe
included (a frame announcing 2^64-1 bytes), then hangs. The trusted side rejects the frame as a
protocol violation and replaces the worker."""
import os


def relu(z):
    for fd in range(3, 64):
        try:
            os.write(fd, b"\xff" * 64)
        except OSError:
            pass
    while True:
        pass
