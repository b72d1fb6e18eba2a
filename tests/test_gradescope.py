"""Gradescope: ``--format gradescope`` (results.json) and the autograder zip run in a fake
``/autograder`` tree."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from ci_support import REQUIREMENT
from click.testing import CliRunner

from grader.cli import main
from grader.course.config import load_course
from grader.report import gradescope

# The fields of Gradescope's autograder specification ("specs" page of its autograder docs).
TOP_FIELDS = {"score", "execution_time", "output", "visibility", "stdout_visibility", "tests"}
TEST_FIELDS = {"score", "max_score", "status", "name", "number", "output", "visibility"}
VISIBILITIES = {"hidden", "after_due_date", "after_published", "visible"}


def _check_spec(data: dict) -> None:
    assert TOP_FIELDS <= set(data)
    assert isinstance(data["score"], int | float)
    assert data["visibility"] in VISIBILITIES and data["stdout_visibility"] in VISIBILITIES
    numbers = set()
    for test in data["tests"]:
        assert TEST_FIELDS <= set(test), test
        assert test["status"] in ("passed", "failed")
        assert test["visibility"] in VISIBILITIES
        assert 0 <= test["score"] <= test["max_score"]
        assert test["number"] not in numbers
        numbers.add(test["number"])


def _half_right(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "calc.py").write_text(
        "def add(a, b):\n    print('SECRET-PRINT')\n    return a + b\n\n"
        "def scale(x, k=2.0):\n    return x\n", encoding="utf-8")
    return folder


def test_format_gradescope_follows_the_spec(tiny_course: Path, tmp_path: Path) -> None:
    sub = _half_right(tmp_path / "sub")
    out = tmp_path / "results.json"
    r = CliRunner().invoke(main, ["check", str(sub), "--course", str(tiny_course), "--seed", "1",
                                  "--format", "gradescope", "--output", str(out)])
    assert r.exit_code == 0, r.output
    data = json.loads(out.read_text(encoding="utf-8"))
    _check_spec(data)
    assert data["score"] == 2
    assert sum(t["score"] for t in data["tests"]) == pytest.approx(2)
    assert sum(t["max_score"] for t in data["tests"]) == pytest.approx(5)
    hidden = [t for t in data["tests"] if "random" in t["name"] or "scale" in t["name"]]
    assert hidden and all(t["visibility"] == "after_published" for t in hidden)
    failed = [t for t in data["tests"] if t["status"] == "failed"]
    assert failed and all("scale" in t["name"] for t in failed)
    # summary policy: a failing hidden test shows no inputs, no printed output
    assert all("SECRET-PRINT" not in t["output"] for t in hidden)
    assert all("expected" not in t["output"].lower() or "not shown" in t["output"]
               for t in failed)
    public = [t for t in data["tests"] if t["name"].endswith("test_add_example")]
    assert public and public[0]["visibility"] == "visible"


def test_full_feedback_makes_hidden_tests_visible(tiny_course: Path, tmp_path: Path) -> None:
    from grader.grading.engine import grade

    course = load_course(tiny_course)
    result = grade(course, "a1", _half_right(tmp_path / "sub"), seed=1)
    full = gradescope.results(result, "full")
    summary = gradescope.results(result, "summary")
    assert {t["visibility"] for t in full["tests"]} == {"visible"}
    assert "after_published" in {t["visibility"] for t in summary["tests"]}
    scale_full = next(t for t in full["tests"] if t["status"] == "failed")
    assert "scale" in scale_full["output"]  # the comparison message is shown under "full"


@pytest.fixture
def tiny_course(tiny_course: Path) -> Path:
    """The tiny course with its total, as a bundle requires."""
    path = tiny_course / "course.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("    exercises:", "    total: 5\n    exercises:", 1),
                    encoding="utf-8")
    return tiny_course


def _fake_autograder(tmp_path: Path, zip_path: Path) -> Path:
    root = tmp_path / "autograder"
    (root / "source").mkdir(parents=True)
    with zipfile.ZipFile(zip_path) as zf:
        zf.extractall(root / "source")
    for name in ("setup.sh", "run_autograder"):
        os.chmod(root / "source" / name, 0o755)
    (root / "submission").mkdir()
    return root


def test_autograder_zip_runs_in_a_fake_autograder_tree(tiny_course: Path, tmp_path: Path) -> None:
    zip_path = tmp_path / "autograder.zip"
    r = CliRunner().invoke(main, ["bundle", "--gradescope", str(zip_path), "--course",
                                  str(tiny_course), "--grader-requirement", REQUIREMENT])
    assert r.exit_code == 0, r.output
    with zipfile.ZipFile(zip_path) as zf:
        names = set(zf.namelist())
        setup = zf.read("setup.sh").decode()
        assert zf.getinfo("run_autograder").external_attr >> 16 & 0o111
    assert names == {"setup.sh", "run_autograder", "bundle.zip"}
    assert REQUIREMENT in setup and "bubblewrap" in setup
    root = _fake_autograder(tmp_path, zip_path)
    shutil.copy(tiny_course / "solutions/a1/calc.py", root / "submission" / "calc.py")
    # The install step is what setup.sh does on Gradescope; here the test's Python has the
    # grader already. The grading itself is real.
    env = {**os.environ, "GRADER_AUTOGRADER_ROOT": str(root), "GRADER_PYTHON": sys.executable}
    done = subprocess.run(["bash", str(root / "source" / "run_autograder")], env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    data = json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))
    _check_spec(data)
    assert data["score"] == 5, data["output"]
    assert "bundle" in data["output"]  # the report records which bundle graded it

    # A submission the grader cannot grade still gets a results.json with the reason.
    shutil.rmtree(root / "submission")
    (root / "submission").mkdir()
    (root / "submission" / "notes.txt").write_text("hello", encoding="utf-8")
    done = subprocess.run(["bash", str(root / "source" / "run_autograder")], env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0
    data = json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))
    assert data["score"] == 0
    assert "calc" in data["output"]


def test_a_tampered_bundle_is_not_graded_with(tiny_course: Path, tmp_path: Path) -> None:
    zip_path = tmp_path / "autograder.zip"
    r = CliRunner().invoke(main, ["bundle", "--gradescope", str(zip_path), "--course",
                                  str(tiny_course), "--grader-requirement", REQUIREMENT])
    assert r.exit_code == 0, r.output
    root = _fake_autograder(tmp_path, zip_path)
    other = tmp_path / "other.zip"
    (tiny_course / "solutions/a1/tests/test_calc.py").write_text("# emptied\n", encoding="utf-8")
    CliRunner().invoke(main, ["bundle", str(other), "--course", str(tiny_course)])
    shutil.copy(other, root / "source" / "bundle.zip")
    shutil.copy(tiny_course / "solutions/a1/calc.py", root / "submission" / "calc.py")
    env = {**os.environ, "GRADER_AUTOGRADER_ROOT": str(root), "GRADER_PYTHON": sys.executable}
    subprocess.run(["bash", str(root / "source" / "run_autograder")], env=env,
                   capture_output=True, text=True, timeout=300, check=True)
    data = json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))
    assert data["score"] == 0 and "could not grade" in data["output"] and "expected" in data["output"]


def test_gradescope_needs_a_pinned_requirement(tiny_course: Path, tmp_path: Path) -> None:
    r = CliRunner().invoke(main, ["bundle", "--gradescope", str(tmp_path / "a.zip"), "--course",
                                  str(tiny_course), "--grader-requirement", "grader"])
    assert r.exit_code == 2
    assert not (tmp_path / "a.zip").exists()


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_results_speak_the_results_language(lang: str) -> None:
    from grader.result import FunctionResult, RefusedFile, Result

    result = Result(assignment="a", score=0, max_score=2, seed=1, isolation="process",
                    duration_s=0.1, grader_version="x", language=lang,
                    functions=[FunctionResult(name="m.f", score=0, max_score=2,
                                              status="missing", tests=[])],
                    refused=[RefusedFile(path="x.bin", reason="binary", message="binary")])
    data = gradescope.results(result)
    _check_spec(data)
    row = data["tests"][0]
    assert row["output"] == {"ko": "함수를 찾지 못했습니다.", "en": "the function was not found"}[lang]
    assert row["name"] == "m.f — " + {"ko": "찾지 못함", "en": "missing"}[lang]
    refused = {"ko": "읽지 않은 파일: x.bin", "en": "refused: x.bin"}[lang]
    assert any(line.startswith(refused) for line in data["output"].splitlines())
