# ruff: noqa
"""Replaces relu: unbounded recursion at the default limit — RecursionError, a plain failure."""


def relu(z):
    return relu(z)
