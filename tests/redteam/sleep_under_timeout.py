# ruff: noqa
"""Postlude: every graded function sleeps 0.6 s (just under the 1 s per-call timeout) when the
grader calls it. No single call times out; the submission's time budget stops it."""
import sys as _sys
import time as _time


def _caller_globals():
    """The globals of whoever called the graded function, seen through the worker's own
    wrapper (grader.worker.standin records calls between graded functions)."""
    frame = _sys._getframe(2)
    while frame is not None and frame.f_globals.get("__name__", "").startswith("grader."):
        frame = frame.f_back
    return frame.f_globals if frame is not None else None


def _slow(f):
    def wrapper(*args, **kwargs):
        if _caller_globals() is not globals():  # only the grader's calls sleep
            _time.sleep(0.6)
        return f(*args, **kwargs)

    wrapper.__name__ = f.__name__
    return wrapper


for _name in ("sigmoid", "sigmoid_derivative", "relu", "relu_derivative", "tanh",
              "tanh_derivative", "softplus", "softplus_derivative", "gradient_through_layers"):
    globals()[_name] = _slow(globals()[_name])
