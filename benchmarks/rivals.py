"""nbgrader and Otter-Grader, each in its own virtual environment, grading the `activations` work.

벤치마크가 직접 도구마다 가상 환경을 만들고(`python -m venv` + pip, 고정된 버전), 그 도구 자신의
명령으로 과제를 만든 뒤 채점 시간을 잰다. 프로젝트의 의존성에는 넣지 않는다.
The benchmark builds one virtual environment per tool (pinned versions, not the project's
dependencies), builds the assignment with the tool's own commands, and times its grading command,
cold, as a new process each time. Every grading is checked for full marks: timing a failing
grading would mean nothing.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import notebook_assignments as na
import numpy as np

# Pinned: verified to install and grade the reference here (Python 3.11, Debian 12). NumPy is the
# project's own version, so every tool runs the student's arithmetic with the same library.
NBGRADER = "nbgrader==0.9.6"
OTTER = "otter-grader==7.0.0"
IPYKERNEL = "ipykernel==7.4.0"  # otter-grader does not pull in a Python kernel by itself

ASSIGNMENT = "activations"
STUDENT = "bench"


@dataclass
class Timed:
    """One cold run of a command: wall time, peak RSS of its largest process, exit code."""

    wall_s: float
    max_rss_mb: float
    returncode: int
    output: str


def run_timed(cmd: Sequence[str | Path], cwd: Path, env: dict[str, str] | None = None) -> Timed:
    """Run ``cmd`` to completion; ``os.wait4`` gives this child's own resource usage (its
    ``ru_maxrss`` is the largest single process of its tree that was waited for)."""
    t = time.perf_counter()
    child = subprocess.Popen([str(c) for c in cmd], cwd=cwd, env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT)
    assert child.stdout is not None
    output = child.stdout.read()  # read to EOF first: a full pipe would stall the child
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - t
    child.returncode = os.waitstatus_to_exitcode(status)
    return Timed(wall, usage.ru_maxrss / 1024, child.returncode, output.decode(errors="replace"))


def _check(result: Timed, what: str) -> Timed:
    if result.returncode != 0:
        raise RuntimeError(f"{what} failed (exit {result.returncode}):\n{result.output[-4000:]}")
    return result


# --- virtual environments -----------------------------------------------------------------------

def ensure_venv(folder: Path, packages: list[str], log: Callable[[str], None]) -> Path:
    """``folder`` as a virtual environment holding ``packages``; reused when it already does."""
    stamp = folder / "bench-packages.json"
    if stamp.is_file() and json.loads(stamp.read_text()) == packages:
        return folder / "bin"
    log(f"  building {folder} with {' '.join(packages)} (first run: a few minutes)")
    if folder.exists():
        shutil.rmtree(folder)
    subprocess.run([sys.executable, "-m", "venv", str(folder)], check=True)
    subprocess.run([str(folder / "bin" / "python"), "-m", "pip", "install", "-qq", *packages],
                   check=True)
    stamp.write_text(json.dumps(packages))
    return folder / "bin"


def tool_packages() -> dict[str, list[str]]:
    numpy = f"numpy=={np.__version__}"
    return {"nbgrader": [NBGRADER, numpy], "otter": [OTTER, IPYKERNEL, numpy]}


def tool_env(bin_dir: Path) -> dict[str, str]:
    """The tool's environment: its venv first on PATH, its own Jupyter folders (so a kernel or
    config of this machine's user cannot leak in), no pytest/Python variables of ours."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PYTHON", "PYTEST", "VIRTUAL_ENV", "JUPYTER"))}
    venv = bin_dir.parent
    env.update(PATH=f"{bin_dir}{os.pathsep}{env.get('PATH', '')}", VIRTUAL_ENV=str(venv),
               JUPYTER_PATH=str(venv / "share" / "jupyter"),
               JUPYTER_CONFIG_DIR=str(venv / "etc" / "jupyter-bench"),
               JUPYTER_DATA_DIR=str(venv / "share" / "jupyter"),
               JUPYTER_PLATFORM_DIRS="1", PYDEVD_DISABLE_FILE_VALIDATION="1")
    return env


_WRITE_NOTEBOOK = """\
import json, sys
import nbformat
nb = nbformat.from_dict(json.load(sys.stdin))
nbformat.validate(nb)
nbformat.write(nb, sys.argv[1])
"""


def write_notebook(bin_dir: Path, notebook: dict[str, Any], path: Path) -> None:
    """Write (and validate) a notebook with the tool venv's own nbformat."""
    path.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([str(bin_dir / "python"), "-c", _WRITE_NOTEBOOK, str(path)],
                   input=json.dumps(notebook).encode(), check=True, env=tool_env(bin_dir))


# --- nbgrader -----------------------------------------------------------------------------------

@dataclass
class Prepared:
    """A built assignment: the grading command, where to run it, how to read its score."""

    tool: str
    version: str
    command: list[str]
    cwd: Path
    env: dict[str, str]
    # (score, max score, further figures of the run, e.g. the report's own duration)
    score: Callable[[Timed], tuple[float, float, dict[str, float]]]


def _version(bin_dir: Path, dist: str) -> str:
    out = subprocess.run([str(bin_dir / "python"), "-c",
                          f"import importlib.metadata as m; print(m.version({dist!r}))"],
                         capture_output=True, text=True, check=True)
    return out.stdout.strip()


_NBGRADER_SCORE = """\
import json
from nbgrader.api import Gradebook
with Gradebook("sqlite:///gradebook.db") as gb:
    s = gb.find_submission_notebook("activations", "activations", "bench")
    print(json.dumps([s.score, s.max_score, [(g.name, g.score, g.max_score) for g in s.grades]]))
"""


def prepare_nbgrader(bin_dir: Path, work: Path, items: list[na.Exercise]) -> Prepared:
    """nbgrader's own workflow: source notebook → ``generate_assignment`` → a submitted copy
    with the solutions filled in, ready for ``nbgrader autograde``."""
    course = work / "nbgrader-course"
    if course.exists():
        shutil.rmtree(course)
    course.mkdir(parents=True)
    env = tool_env(bin_dir)
    (course / "nbgrader_config.py").write_text(na.NBGRADER_CONFIG, encoding="utf-8")
    write_notebook(bin_dir, na.nbgrader_source(items), course / "source" / ASSIGNMENT / "activations.ipynb")
    _check(run_timed([bin_dir / "nbgrader", "generate_assignment", ASSIGNMENT, "--force"], course, env),
           "nbgrader generate_assignment")
    released = json.loads((course / "release" / ASSIGNMENT / "activations.ipynb").read_text(encoding="utf-8"))
    write_notebook(bin_dir, na.fill_in_solutions(released, items),
                   course / "submitted" / STUDENT / ASSIGNMENT / "activations.ipynb")

    def score(_: Timed) -> tuple[float, float, dict[str, float]]:
        out = subprocess.run([str(bin_dir / "python"), "-c", _NBGRADER_SCORE], cwd=course, env=env,
                             capture_output=True, text=True, check=True)
        got, total, _grades = json.loads(out.stdout)
        return float(got), float(total), {}

    return Prepared("nbgrader autograde", _version(bin_dir, "nbgrader"),
                    [str(bin_dir / "nbgrader"), "autograde", ASSIGNMENT, "--force"], course, env, score)


# --- Otter-Grader -------------------------------------------------------------------------------

def prepare_otter(bin_dir: Path, work: Path, items: list[na.Exercise]) -> Prepared:
    """Otter's own workflow: master notebook → ``otter assign`` (autograder zip, and a run of the
    tests on the solutions) → the student notebook with the solutions filled in."""
    folder = work / "otter"
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    env = tool_env(bin_dir)
    write_notebook(bin_dir, na.otter_master(items), folder / "activations.ipynb")
    _check(run_timed([bin_dir / "otter", "assign", "activations.ipynb", "dist"], folder, env),
           "otter assign")
    zips = sorted((folder / "dist" / "autograder").glob("*.zip"))
    if len(zips) != 1:
        raise RuntimeError(f"otter assign made {len(zips)} autograder zips, expected 1")
    student = json.loads((folder / "dist" / "student" / "activations.ipynb").read_text(encoding="utf-8"))
    write_notebook(bin_dir, otter_submission(student, items), folder / "submission" / "activations.ipynb")
    results = folder / "results"
    results.mkdir()

    def score(_: Timed) -> tuple[float, float, dict[str, float]]:
        data = json.loads((results / "results.json").read_text(encoding="utf-8"))
        tests = data["tests"]
        got = sum(float(t.get("score") or 0.0) for t in tests)
        total = sum(float(t.get("max_score") or 0.0) for t in tests)
        return float(data.get("score", got)), total, {}

    return Prepared("otter run", _version(bin_dir, "otter-grader"),
                    [str(bin_dir / "otter"), "run", "-a", str(zips[0]), "-o", str(results), "--no-logo",
                     str(folder / "submission" / "activations.ipynb")], folder, env, score)


def otter_submission(student: dict[str, Any], items: list[na.Exercise]) -> dict[str, Any]:
    """Otter's student notebook with each prompted function (``def name(``) replaced by the
    reference function."""
    cells = []
    for cell in student["cells"]:
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        if cell["cell_type"] == "code":
            for ex in items:
                if f"def {ex.name}(" in source:
                    cell = {**cell, "source": na.strip_markers(ex.solution)}
        cells.append(cell)
    return {**student, "cells": cells}
