# ruff: noqa
"""Replaces relu: reads address 0 through ctypes — SIGSEGV kills the worker."""
import ctypes


def relu(z):
    return ctypes.string_at(0, 16)
