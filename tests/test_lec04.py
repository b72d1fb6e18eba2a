"""The shipped course end to end: reference 100, stubs 0, an independent implementation 100,
the same seed the same report, and the student's plain `pytest exercises/lec04`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from grader.course import load_course
from grader.engine import grade
from grader.mistakes import build_variant, load_mistake
from grader.sandbox import bwrap_path

ROOT = Path(__file__).resolve().parent.parent
COURSE = load_course(ROOT)
ISOLATIONS = ["process"] + (["bwrap"] if bwrap_path() else [])
pytestmark = pytest.mark.slow


@pytest.mark.parametrize("isolation", ISOLATIONS)
def test_reference_scores_full_marks(isolation):
    result = grade(COURSE, "lec04", ROOT / "solutions" / "lec04", seed=11, isolation=isolation)
    lost = [(f.name, f.reason) for f in result.functions if f.score != f.max_score]
    assert lost == [] and result.score == 100
    assert result.isolation == isolation
    assert all(f.status == "passed" for f in result.functions)
    assert {t.visibility for f in result.functions for t in f.tests} == {"public", "hidden"}


def test_stubs_score_zero_and_every_function_is_not_implemented():
    result = grade(COURSE, "lec04", ROOT / "exercises" / "lec04", seed=12)
    assert result.score == 0
    assert {f.status for f in result.functions} == {"not_implemented"}
    assert len(result.functions) == len(COURSE.assignment("lec04").functions)


def test_an_independent_implementation_in_another_style_scores_full_marks():
    result = grade(COURSE, "lec04", ROOT / "tests" / "submissions" / "independent", seed=13)
    lost = [(f.name, f.reason) for f in result.functions if f.score != f.max_score]
    assert lost == [] and result.score == 100


def _buggy_copy(tmp_path: Path) -> Path:
    """The reference with one catalogued mistake planted: RMSProp without (1 - rho)."""
    mistake = load_mistake(ROOT / "solutions" / "lec04" / "mistakes" /
                           "optimizers_rmsprop_without_one_minus_rho.py")
    sub = tmp_path / "buggy"
    build_variant(ROOT / "solutions" / "lec04", COURSE.assignment("lec04").modules, mistake, sub)
    return sub


def _report(path: Path, seed: int) -> dict:
    data = grade(COURSE, "lec04", path, seed=seed).to_json()
    data.pop("duration_s")
    return data


def test_same_seed_same_report_on_reference_and_buggy_variant(tmp_path):
    buggy = _buggy_copy(tmp_path)
    for path in (ROOT / "solutions" / "lec04", buggy):
        first, second = _report(path, 5), _report(path, 5)
        assert json.dumps(first, sort_keys=True) == json.dumps(second, sort_keys=True)
    rms = _report(buggy, 5)
    lost = {f["name"] for f in rms["functions"] if f["score"] < f["max_score"]}
    assert lost == {"optimizers.rmsprop"}
    other = _report(buggy, 6)
    messages = lambda r: [t["message"] for f in r["functions"] for t in f["tests"]]  # noqa: E731
    assert messages(rms) != messages(other)  # another seed, other hidden inputs


def _student_pytest(*extra: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run([sys.executable, "-m", "pytest", "exercises/lec04", "-q",
                           "-p", "no:cacheprovider", *extra], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)


def test_a_student_runs_the_public_checks_with_plain_pytest():
    stubs = _student_pytest()
    assert stubs.returncode == 1, stubs.stdout[-2000:]
    assert "grader — lec04" in stubs.stdout and "not_implemented" in stubs.stdout
    solved = _student_pytest("--grader-submission", "solutions/lec04")
    assert solved.returncode == 0, solved.stdout[-3000:]
    assert "passed" in solved.stdout and "failed" not in solved.stdout.split("grader — ")[-1]
