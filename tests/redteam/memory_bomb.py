# ruff: noqa
"""Replaces relu: allocates 64 MB blocks until something gives. RLIMIT_AS turns it into a
MemoryError inside the function."""


def relu(z):
    hoard = []
    while True:
        hoard.append(bytearray(64 << 20))
