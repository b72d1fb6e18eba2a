"""Shared helpers of ``test_redteam.py`` and ``test_broken_submissions.py``.

레드팀·고장 난 제출물 테스트의 공용 도구: 작은 시험용 과목(활성화 함수 + 최종 입력 두 함수, 빡빡한
제한), 참조 해답에서 함수 하나만 바꾼 제출물, 남은 프로세스·임시 파일 검사.

A small test course (the ``activations`` exercise with the points of the real ``course.yaml``,
plus two ``linear_neurons`` functions so that a module-level failure can be seen not to touch
another module), tight limits, and a hidden suite of our own. A submission is the reference with
ONE function replaced (or a module-level attack), so the expected score of every function is
exact. ``Watch`` checks that a grading leaves no process and no temporary file behind.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import tempfile
import textwrap
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from grader.boundary import sandbox
from grader.course.config import Course, load_course
from grader.grading.engine import grade
from grader.result import Result

REPO = Path(__file__).resolve().parents[1]
REFERENCE_DIR = REPO / "solutions" / "lec04"
ACTIVATIONS = (REFERENCE_DIR / "activations.py").read_text(encoding="utf-8")
LINEAR_NEURONS = (REFERENCE_DIR / "linear_neurons.py").read_text(encoding="utf-8")
ASSIGNMENT = "lec04"
# Tight limits: a legitimate call of these functions takes milliseconds.
LIMITS: dict[str, float] = {
    "call_timeout_s": 1.0,
    "submission_budget_s": 10.0,
    "cpu_s": 20,
    "memory_mb": 512,
    "file_size_mb": 4,
    "output_bytes": 4096,
}
# For the budget attack: a few 0.6 s calls exhaust it (see test_redteam).
BUDGET_LIMITS = {**LIMITS, "submission_budget_s": 2.8}
LINEAR_FUNCTIONS = {"net_input": 1, "perceptron_predict": 2}
ISOLATIONS = ["bwrap", "landlock", "process"]
# What AppArmor on Ubuntu 23.10+/24.04 makes bwrap say for every non-root user.
APPARMOR_ERROR = "bwrap: setting up uid map: Permission denied"


# The functions the suite below grades (ELEMENTWISE and gradient_through_layers): a function
# added to the real course later (the authoring guide's leaky_relu) has no test here.
SUITE_FUNCTIONS = ("sigmoid", "sigmoid_derivative", "relu", "relu_derivative", "tanh",
                   "tanh_derivative", "softplus", "softplus_derivative", "gradient_through_layers")


def _real_points() -> dict[str, float]:
    """The real course.yaml's points of the functions this course grades."""
    data = yaml.safe_load((REPO / "course.yaml").read_text(encoding="utf-8"))
    points = data["assignments"][ASSIGNMENT]["exercises"]["activations"]
    return {name: points[name] for name in SUITE_FUNCTIONS}


ACTIVATION_POINTS = _real_points()
POINTS: dict[str, float] = {
    **{f"activations.{k}": float(v) for k, v in ACTIVATION_POINTS.items()},
    **{f"linear_neurons.{k}": float(v) for k, v in LINEAR_FUNCTIONS.items()},
}

# The hidden suite of the test course. Tests are grouped by function (one parametrized test, in
# the order of course.yaml) so that the budget attack knows which calls come first.
# sigmoid: value+mutation, value, overflow (3 tests); other elementwise functions: 2 tests;
# gradient_through_layers: value, ValueError (2 tests); net_input, perceptron_predict: 1 each.
SUITE_ACTIVATIONS = '''
"""Hidden mini-suite of the red-team course / 레드팀 시험용 숨은 스위트."""
import numpy as np
import pytest

from grader.suite import compare

ELEMENTWISE = ["sigmoid", "sigmoid_derivative", "relu", "relu_derivative", "tanh",
               "tanh_derivative", "softplus", "softplus_derivative"]
CASES = []
for _name in ELEMENTWISE:
    for _check in ["mutation", "value"] + (["overflow"] if _name == "sigmoid" else []):
        CASES.append(pytest.param(_name, _check, id=f"{_name}-{_check}",
                                  marks=pytest.mark.grades(f"activations.{_name}")))
for _check in ["value", "raises"]:
    CASES.append(pytest.param("gradient_through_layers", _check, id=f"layers-{_check}",
                              marks=pytest.mark.grades("activations.gradient_through_layers")))


@pytest.mark.parametrize(("function", "check"), CASES)
def test_activation(student, reference, rng, function, check):
    f = getattr(student.activations, function)
    ref = getattr(reference.activations, function)
    if function == "gradient_through_layers":
        zs = rng.uniform(-3.0, 3.0, size=5)
        if check == "value":
            compare.assert_close(f(zs, "sigmoid"), ref(zs, "sigmoid"),
                                 name="gradient_through_layers(zs, 'sigmoid')")
        else:
            compare.assert_raises(f.call(zs, "bogus"), "ValueError",
                                  name="gradient_through_layers(zs, 'bogus')")
        return
    z = rng.uniform(-5.0, 5.0, size=(3, 4))
    if check == "mutation":
        call = f.call(z)
        compare.assert_close(call.value, ref(z), name=f"{function}(z)")
        compare.assert_not_mutated(call, name=f"{function}(z)")
    elif check == "value":
        z = rng.uniform(-5.0, 5.0, size=tuple(rng.integers(1, 5, size=2)))
        compare.assert_close(f(z), ref(z), name=f"{function}(z)")
    else:  # overflow: a naive sigmoid warns at -1e3
        z = np.array([-1e3, -1.0, 1e3])
        call = f.call(z)
        compare.assert_no_warnings(call, name=f"{function}(z)")
        compare.assert_close(call.value, ref(z), name=f"{function}(z)")
'''

SUITE_LINEAR = '''
"""Hidden mini-suite of the red-team course / 레드팀 시험용 숨은 스위트."""
import pytest

from grader.suite import compare


@pytest.mark.grades("linear_neurons.net_input")
def test_net_input(student, reference, rng):
    X, w = rng.normal(size=(5, 3)), rng.normal(size=3)
    compare.assert_close(student.linear_neurons.net_input(X, w, 0.5),
                         reference.linear_neurons.net_input(X, w, 0.5), name="net_input(X, w, b)")


@pytest.mark.grades("linear_neurons.perceptron_predict")
def test_perceptron_predict(student, reference, rng):
    X, w = rng.normal(size=(6, 3)), rng.normal(size=3)
    compare.assert_close(student.linear_neurons.perceptron_predict(X, w, -0.1),
                         reference.linear_neurons.perceptron_predict(X, w, -0.1),
                         name="perceptron_predict(X, w, b)")
'''

# Tests per function in the suite above, to turn "k of n tests passed" into points.
N_TESTS = {name: 2 for name in POINTS}
N_TESTS["activations.sigmoid"] = 3
N_TESTS["linear_neurons.net_input"] = N_TESTS["linear_neurons.perceptron_predict"] = 1


def share(function: str, passed: int) -> float:
    """Points for ``passed`` of the function's tests (all weights are 1)."""
    return round(POINTS[function] * passed / N_TESTS[function], 4)


def build_course(root: Path, limits: Mapping[str, float]) -> Course:
    """Write the test course under ``root`` and load it."""
    solutions = root / "solutions" / ASSIGNMENT
    (solutions / "tests").mkdir(parents=True)
    (root / "exercises" / ASSIGNMENT).mkdir(parents=True)
    (solutions / "activations.py").write_text(ACTIVATIONS, encoding="utf-8")
    (solutions / "linear_neurons.py").write_text(LINEAR_NEURONS, encoding="utf-8")
    (solutions / "tests" / "test_activations.py").write_text(SUITE_ACTIVATIONS, encoding="utf-8")
    (solutions / "tests" / "test_linear_neurons.py").write_text(SUITE_LINEAR, encoding="utf-8")
    course = {
        "course": {"title": {"ko": "레드팀 시험 과목", "en": "red-team test course"}},
        "limits": dict(limits),
        "tolerances": {"rtol": 1e-6, "atol": 1e-9},
        "assignments": {ASSIGNMENT: {
            "title": {"ko": "4차시 (일부)", "en": "lecture 4 (part)"},
            "exercises": {"activations": ACTIVATION_POINTS, "linear_neurons": LINEAR_FUNCTIONS},
        }},
    }
    (root / "course.yaml").write_text(yaml.safe_dump(course, allow_unicode=True),
                                      encoding="utf-8")
    return load_course(root)


# --- submissions ---------------------------------------------------------------------------------

def replace_function(source: str, function: str, replacement: str) -> str:
    """``source`` with ``function`` renamed away and ``replacement`` appended (one function
    changed; the others, and their calls to each other, stay the reference's)."""
    renamed, n = re.subn(rf"^def {function}\(", f"def _replaced_{function}(", source,
                         flags=re.MULTILINE)
    assert n == 1, f"{function} not found exactly once"
    return renamed + "\n\n" + textwrap.dedent(replacement).strip() + "\n"


def with_prelude(source: str, prelude: str) -> str:
    """A module-level attack: ``prelude`` runs first at import (after the docstring)."""
    return textwrap.dedent(prelude).strip() + "\n\n" + source


def write_submission(folder: Path, activations: str | bytes | None = ACTIVATIONS,
                     linear_neurons: str | None = LINEAR_NEURONS,
                     extra: Mapping[str, str | bytes] | None = None) -> Path:
    """A submission folder; ``None`` leaves a module out."""
    folder.mkdir(parents=True, exist_ok=True)
    files: dict[str, str | bytes | None] = {"activations.py": activations,
                                            "linear_neurons.py": linear_neurons, **(extra or {})}
    for name, content in files.items():
        if content is None:
            continue
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content), encoding="utf-8")
    return folder


# --- expectations --------------------------------------------------------------------------------

def check_scores(result: Result, expected: Mapping[str, tuple[float, str | set[str]]]) -> None:
    """``expected``: function -> (score, status or set of allowed statuses); every other
    graded function must have full marks."""
    for f in result.functions:
        if f.name in expected:
            score, status = expected[f.name]
            allowed = {status} if isinstance(status, str) else status
            assert (f.score, f.status in allowed) == (score, True), (
                f"{f.name}: {f.score}/{f.max_score} {f.status}, expected {score} {allowed}: "
                f"{f.reason[:600]}")
        else:
            assert (f.score, f.status) == (f.max_score, "passed"), (
                f"{f.name}: {f.score}/{f.max_score} {f.status}: {f.reason[:600]}")
    assert set(expected) <= {f.name for f in result.functions}


def messages(result: Result, function: str) -> str:
    """All failure messages of one function, joined (for ``in`` checks)."""
    return "\n".join(t.message for t in result.function(function).tests if not t.passed)


def fence_unavailable(fence: str) -> str:
    """Why ``fence`` cannot be used on this machine ("" when it can)."""
    if fence == "bwrap":
        probe = sandbox.probe_bwrap()
    elif fence == "landlock":
        probe = sandbox.probe_landlock()
    else:
        return ""
    return "" if probe.ok else str(probe.reason) or f"{fence} is not available"


def bwrap_available() -> bool:
    return not fence_unavailable("bwrap")


def fence_params() -> list[Any]:
    """One pytest parameter per fence; a fence this machine cannot use is skipped, saying why."""
    import pytest

    params = []
    for fence in ISOLATIONS:
        why = fence_unavailable(fence)
        params.append(pytest.param(fence, marks=pytest.mark.skipif(
            bool(why), reason=f"{fence} cannot be used here: {why}")))
    return params


def failing_bwrap(folder: Path) -> Path:
    """A stand-in ``bwrap`` that fails the way AppArmor makes it fail; put ``folder`` first on
    PATH."""
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / "bwrap"
    script.write_text(f"#!/bin/sh\necho '{APPARMOR_ERROR}' >&2\nexit 1\n", encoding="utf-8")
    script.chmod(0o755)
    return folder


# --- running the grader as an unprivileged user ----------------------------------------------

NOBODY = 65534


def unprivileged_command() -> tuple[list[str], str]:
    """The command prefix that runs a Python able to import grader as an unprivileged user, or
    ("", reason) when there is none. Already unprivileged: this Python. As root: ``setpriv``
    to nobody with this Python, or with ``$GRADER_UNPRIVILEGED_PYTHON`` (``.ci/run`` builds one
    in a world-readable folder when this one is not readable by others, e.g. under /root)."""
    import subprocess

    if os.geteuid() != 0:
        return [sys.executable], ""
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        return [], "setpriv is not installed"
    candidates = [[p] for p in (os.environ.get("GRADER_UNPRIVILEGED_PYTHON"), sys.executable)
                  if p]
    # This environment's packages through the system's Python of the same version, when only
    # the interpreter lives where nobody may not go (a pyenv under /root) and the checkout and
    # its site-packages are readable; an owner-only checkout fails the check below: a skip.
    system = "/usr/bin/python3"
    if os.path.exists(system):
        sites = [str(Path(__file__).resolve().parents[1]),
                 *(p for p in sys.path if p.endswith("site-packages") and os.path.isdir(p))]
        candidates.append(["env", f"PYTHONPATH={os.pathsep.join(sites)}", system])
    for python in candidates:
        prefix = [setpriv, "--reuid", str(NOBODY), "--regid", str(NOBODY), "--clear-groups",
                  *python]
        try:
            # It must also start its own workers (a venv whose target lies under /root may
            # start from setpriv and still not be executable by nobody from there).
            check = ("import os, subprocess, sys, grader.cli, numpy; "
                     "subprocess.run([os.path.realpath(sys.executable), '-c', ''], check=True)")
            ok = subprocess.run([*prefix, "-c", check], capture_output=True,
                                timeout=60, check=False, cwd="/").returncode == 0
        except (OSError, subprocess.TimeoutExpired):
            ok = False
        if ok:
            return prefix, ""
    tried = ", ".join(python[-1] for python in candidates)
    return [], (f"no Python that user nobody can run with grader installed (tried "
                f"{tried}; set GRADER_UNPRIVILEGED_PYTHON, as .ci/run does)")


@contextmanager
def public_folder() -> Iterator[Path]:
    """A folder in the system's temporary folder that other users can read (a test's tmp_path
    is private to its owner), removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="grader-public-", dir="/tmp"))
    try:
        folder.chmod(0o755)
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def open_to_everyone(path: Path) -> None:
    """Make everything under ``path`` readable (folders traversable) by other users."""
    for sub in [path, *path.rglob("*")]:
        sub.chmod(sub.stat().st_mode | (0o055 if sub.is_dir() else 0o044))


# --- leftovers -----------------------------------------------------------------------------------

def _processes() -> dict[int, tuple[int, str]]:
    """pid -> (parent pid, start time) of every process we can see."""
    found: dict[int, tuple[int, str]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        # The command name may hold spaces and parentheses: split after the last ')'.
        fields = stat[stat.rfind(")") + 2:].split()
        found[int(entry)] = (int(fields[1]), fields[19])
    return found


def _mentions(pid: int, marker: str) -> bool:
    """Whether the process's command line or working folder names ``marker``."""
    try:
        if marker.encode() in Path(f"/proc/{pid}/cmdline").read_bytes():
            return True
        return marker in os.readlink(f"/proc/{pid}/cwd")
    except OSError:
        return False


@dataclass
class Watch:
    """What a grading left behind: new processes of ours and files in its temporary folder."""

    tmp: Path
    before: set[tuple[int, str]] = field(default_factory=set)

    def ours(self) -> dict[int, str]:
        """New processes descending from this one or started for this grading.

        A worker is our child (or bwrap's); an escaped grandchild is re-parented to init but
        keeps its command line or working folder, which name our private temporary folder.
        """
        procs = _processes()
        me, marker = os.getpid(), self.tmp.name
        related: dict[int, bool] = {}

        def is_related(pid: int, depth: int = 0) -> bool:
            if pid in related:
                return related[pid]
            parent = procs.get(pid, (0, ""))[0]
            yes = _mentions(pid, marker) or parent == me or (
                depth < 64 and parent > 1 and is_related(parent, depth + 1))
            related[pid] = yes
            return yes

        new = {pid for pid, (_, start) in procs.items() if (pid, start) not in self.before}
        left = {}
        for pid in new - {me}:
            if is_related(pid):
                try:
                    left[pid] = Path(f"/proc/{pid}/cmdline").read_bytes()[:200].decode(
                        errors="replace").replace("\0", " ")
                except OSError:
                    continue
        return left

    def leftovers(self, grace_s: float = 3.0) -> tuple[dict[int, str], list[str]]:
        """Processes and temporary files still there after a short grace period."""
        deadline = time.monotonic() + grace_s
        while True:
            procs = self.ours()
            files = sorted(p.name for p in self.tmp.iterdir())
            if (not procs and not files) or time.monotonic() > deadline:
                return procs, files
            time.sleep(0.05)


@contextmanager
def watched(base: Path, grace_s: float = 3.0) -> Iterator[Watch]:
    """Route the grader's temporary folders into a fresh folder under ``base`` (its name marks
    every process a grading starts) and check nothing is left when the block ends (after up to
    ``grace_s`` seconds: a killed sandbox takes a moment to be torn down)."""
    tmp = Path(tempfile.mkdtemp(prefix="grader-rt-", dir=base))
    watch = Watch(tmp, {(pid, start) for pid, (_, start) in _processes().items()})
    saved = tempfile.tempdir
    tempfile.tempdir = str(tmp)
    try:
        yield watch
    finally:
        tempfile.tempdir = saved
    procs, files = watch.leftovers(grace_s)
    shutil.rmtree(tmp, ignore_errors=True)
    assert not procs, f"processes left behind: {procs}"
    assert not files, f"temporary files left behind: {files}"


def run_grading(course: Course, submission: Path, isolation: str, *, seed: int = 1) \
        -> tuple[Result, float]:
    """Grade and time one submission."""
    start = time.monotonic()
    result = grade(course, ASSIGNMENT, submission, seed=seed, isolation=isolation)
    return result, time.monotonic() - start
