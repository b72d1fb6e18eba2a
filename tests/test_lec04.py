"""The shipped course end to end: reference 100, stubs 0, an independent implementation 100,
the same seed the same report, and the student's plain `pytest exercises/lec04`."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from grader.boundary.sandbox import bwrap_path
from grader.course.config import load_course
from grader.course.mistakes import load_mistake
from grader.course.variants import build_variant, variant_source
from grader.grading.engine import grade
from grader.result import message_of

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
    # The hidden 5000-epoch XOR training supersedes the public one: the network is trained once.
    assert result.superseded == [{"function": "backprop.train_xor",
                                  "test": "test_train_xor_learns_xor"}]
    xor = next(f for f in result.functions if f.name == "backprop.train_xor")
    assert [t.visibility for t in xor.tests if t.name == "test_train_xor_learns_xor"] == ["hidden"]


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
    data.pop("timing")  # seconds: differ from run to run
    for f in data["functions"]:  # timings differ from run to run
        for t in f["tests"]:
            t.pop("duration_s")
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
    messages = lambda r: [message_of(t) for f in r["functions"] for t in f["tests"]]  # noqa: E731
    assert messages(rms) != messages(other)  # another seed, other hidden inputs


def _student_pytest(*extra: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run([sys.executable, "-m", "pytest", "exercises/lec04", "-q",
                           "-p", "no:cacheprovider", *extra], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)


def test_a_student_runs_the_public_checks_with_plain_pytest(tmp_path):
    stubs = _student_pytest()
    assert stubs.returncode == 1, stubs.stdout[-2000:]
    table = stubs.stdout.split("grader — lec04")[-1]
    assert "grader — lec04" in stubs.stdout and "· sigmoid" in table and "미구현" in table
    junit = tmp_path / "junit.xml"
    solved = _student_pytest("--grader-submission", "solutions/lec04", f"--junitxml={junit}")
    ran = junit.read_text(encoding="utf-8")
    assert solved.returncode == 0, solved.stdout[-3000:]
    # Without the hidden suite nothing supersedes the public XOR training.
    assert 'name="test_train_xor_learns_xor"' in ran
    assert "passed" in solved.stdout and "failed" not in solved.stdout.split("grader — ")[-1]


def _crashing(reference_source: str, name: str) -> str:
    """``name``'s definition from the reference with its body replaced by a worker crash."""
    tree = ast.parse(reference_source)
    fn = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == name)
    fn.body = ast.parse("import os\nos._exit(1)").body
    fn.decorator_list = []
    return ast.unparse(fn) + "\n"


@pytest.mark.parametrize("module", COURSE.assignment("lec04").modules)
def test_a_crashing_function_costs_its_own_points_only(module, tmp_path):
    """Each graded function in turn kills its worker; every other function keeps full marks
    (no suite leans on a student function other than the one it grades)."""
    reference_dir = ROOT / "solutions" / "lec04"
    source = (reference_dir / f"{module}.py").read_text(encoding="utf-8")
    for function in COURSE.assignment("lec04").exercises[module]:
        sub = tmp_path / function
        sub.mkdir()
        (sub / f"{module}.py").write_text(
            variant_source(source, function, _crashing(source, function)), encoding="utf-8")
        result = grade(COURSE, "lec04", sub, seed=21, modules=[module])
        lost = {f.name: f.status for f in result.functions if f.score < f.max_score}
        assert lost == {f"{module}.{function}": "error"}, (function, lost)
