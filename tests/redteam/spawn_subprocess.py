# ruff: noqa
"""Replaces relu: starts a long-lived child with subprocess. The seccomp filter refuses
fork/vfork/clone/execve with EPERM, so the call raises and no process is ever created."""
import subprocess

import numpy as np


def relu(z):
    subprocess.Popen(["sleep", "600"])
    return np.maximum(z, 0.0)
