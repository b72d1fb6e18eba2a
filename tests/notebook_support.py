"""Helpers of the in-notebook tests: courses to run kernels in, notebooks executed by real
kernels (ipykernel through nbclient), a kernel where bubblewrap and Landlock are unavailable."""

from __future__ import annotations

import json
import re
import shutil
import sys
import textwrap
from pathlib import Path
from typing import Any

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
MISTAKES = ROOT / "solutions" / "lec04" / "mistakes"

SIGMOID = """\
import numpy as np

def sigmoid(z):
    z = np.asarray(z, dtype=np.float64)
    out = np.empty_like(z)
    pos = z >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-z[pos]))
    e = np.exp(z[~pos])
    out[~pos] = e / (1.0 + e)
    return out
"""
# A catalogued mistake (activations_sigmoid_derivative_z_as_out): its hint must be shown.
SIGMOID_DERIVATIVE_Z_AS_OUT = """\
def sigmoid_derivative(z):
    z = np.asarray(z, dtype=np.float64)
    return z * (1.0 - z)
"""
RELU_LOOPS = """\
def relu(z):
    while True:
        pass
"""
RELU = """\
def relu(z):
    return np.maximum(np.asarray(z, dtype=np.float64), 0.0)
"""
DATA_CELL = "data = np.loadtxt('my_data.csv')\n"


def course_copy(target: Path, timeout_s: float, hidden: bool = True) -> Path:
    """The course with a short call timeout; ``hidden=False``: a student's release tree (no
    ``solutions/``)."""
    parts = ["exercises/lec04"] + (["solutions/lec04"] if hidden else [])
    for part in parts:
        shutil.copytree(ROOT / part, target / part, ignore=shutil.ignore_patterns("__pycache__"))
    text = (ROOT / "course.yaml").read_text(encoding="utf-8")
    (target / "course.yaml").write_text(
        re.sub(r"call_timeout_s: *\d+", f"call_timeout_s: {timeout_s:g}", text),
        encoding="utf-8")
    return target


def run_notebook(cells: list[str], cwd: Path, kernel_name: str = "python3",
                 timeout_s: int = 180) -> Any:
    """Execute the cells in a real kernel started in ``cwd``; the executed notebook."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    NotebookClient(nb, timeout=timeout_s, kernel_name=kernel_name, allow_errors=True,
                   resources={"metadata": {"path": str(cwd)}}).execute()
    return nb


def outputs(nb: Any, index: int, mime: str = "text/plain") -> str:
    """All of a cell's output in one MIME type (streams and errors as text)."""
    found = []
    for out in nb.cells[index].get("outputs", []):
        if "data" in out and mime in out["data"]:
            found.append(out["data"][mime])
        elif mime == "text/plain" and out.get("output_type") == "stream":
            found.append(out["text"])
        elif mime == "text/plain" and out.get("output_type") == "error":
            found.append(f"{out['ename']}: {out['evalue']}")
    return "\n".join(found)


def hint_of(mistake: str, lang: str = "ko") -> str:
    """A catalogued mistake's hint, the words the report must hold."""
    text = (MISTAKES / f"{mistake}.py").read_text(encoding="utf-8")
    match = re.search(rf"HINT_{lang.upper()} = \(\n(.*?)\n\)", text, re.S)
    assert match, mistake
    return "".join(re.findall(r'"(.*?)"', match.group(1)))


# Runs before the kernel: a seccomp filter makes the Landlock system calls fail with ENOSYS (as
# on a kernel without Landlock, Colab's case); children inherit it. Then exec the kernel.
NO_LANDLOCK_LAUNCHER = textwrap.dedent("""\
    import ctypes, os, struct, sys
    ENOSYS = 38
    ld, jeq, ret = 0x20, 0x15, 0x06
    prog = [(ld, 0, 0, 0), (jeq, 3, 0, 444), (jeq, 2, 0, 445), (jeq, 1, 0, 446),
            (ret, 0, 0, 0x7FFF0000), (ret, 0, 0, 0x00050000 | ENOSYS)]
    raw = b"".join(struct.pack("HBBI", *i) for i in prog)
    buf = ctypes.create_string_buffer(raw, len(raw))
    class Prog(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]
    libc = ctypes.CDLL(None, use_errno=True)
    assert libc.prctl(38, 1, 0, 0, 0) == 0  # PR_SET_NO_NEW_PRIVS
    fprog = Prog(len(prog), ctypes.cast(buf, ctypes.c_void_p))
    assert libc.prctl(22, 2, ctypes.byref(fprog), 0, 0) == 0, ctypes.get_errno()
    os.execv(sys.executable, [sys.executable, "-m", "ipykernel_launcher", *sys.argv[1:]])
    """)


def kernel_without_fences(folder: Path) -> dict[str, str]:
    """A kernel spec ``grader-no-fence`` (in ``folder``) whose kernel has no bubblewrap on its
    PATH and no Landlock; returns the environment entries that make Jupyter find it."""
    folder.mkdir(parents=True, exist_ok=True)
    launcher = folder / "no_landlock.py"
    launcher.write_text(NO_LANDLOCK_LAUNCHER, encoding="utf-8")
    spec = folder / "kernels" / "grader-no-fence"
    spec.mkdir(parents=True)
    empty = folder / "bin"  # a PATH without bwrap
    empty.mkdir()
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, str(launcher), "-f", "{connection_file}"],
        "display_name": "no fence", "language": "python",
        "env": {"PATH": f"{Path(sys.executable).parent}:{empty}"}}), encoding="utf-8")
    return {"JUPYTER_PATH": str(folder)}
