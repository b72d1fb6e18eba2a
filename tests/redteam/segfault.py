# ruff: noqa
"""Replaces relu: writes to address 0 through ctypes — SIGSEGV kills the worker."""
import ctypes


def relu(z):
    ctypes.memset(0, 0, 16)
