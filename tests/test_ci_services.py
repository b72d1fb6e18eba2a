"""The CI services as they run the released files: GitHub Classroom's reporter finds the points
in the runner result, GitLab's files validate against GitLab's CI schema and install without git.

GitHub Classroom의 보고기가 읽는 방식 그대로 점수를 읽고, GitLab 파일은 GitLab CI 스키마로 검사한다.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from ci_support import REQUIREMENT
from click.testing import CliRunner

from grader.cli import main
from grader.course import release
from grader.course.bundle import make_bundle
from grader.course.config import load_course

ROOT = Path(__file__).resolve().parents[1]
COURSE = load_course(ROOT / "course.yaml")
BIN = Path(sys.executable).parent
ACTIVATIONS = sum(COURSE.assignment("lec04").exercises["activations"].values())


@pytest.fixture(scope="module")
def released(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("services")
    make_bundle(COURSE, "lec04", tmp / "hidden.zip")
    run = CliRunner().invoke(main, ["release", str(tmp / "out"), "--course", str(ROOT),
                                    "--bundle", str(tmp / "hidden.zip"),
                                    "--grader-requirement", REQUIREMENT],
                             catch_exceptions=False)
    assert run.exit_code == 0, run.output
    return tmp / "out"


def reporter_points(env: dict[str, str], runners: str) -> tuple[float, float, list[dict]]:
    """What classroom-resources/autograding-grading-reporter v1 computes: main.js decodes
    ``<RUNNER>_RESULTS`` (base64 JSON) for each runner of its input, notify-classroom.js sums
    every test's ``score`` and each result's ``max_score`` into "Points X/Y"."""
    total = maximum = 0.0
    tests: list[dict] = []
    for runner in runners.split(","):
        encoded = env[f"{runner.strip().upper()}_RESULTS"]
        results = json.loads(base64.b64decode(encoded).decode("utf-8"))
        if not results.get("max_score"):
            continue
        maximum += results["max_score"]
        total += sum(t["score"] for t in results["tests"])
        tests += results["tests"]
    return total, maximum, tests


def test_classroom_workflow_reports_the_points_to_classrooms_reporter(released, tmp_path):
    """The released classroom.yml's Grade step, run as written (bash, $GITHUB_OUTPUT), on a
    student tree whose activations are right: the reporter reads Points 20/100."""
    workspace = tmp_path / "student"
    shutil.copytree(released, workspace)
    shutil.copyfile(ROOT / "solutions/lec04/activations.py",
                    workspace / "exercises/lec04/activations.py")
    workflow = yaml.safe_load((workspace / ".github/workflows/classroom.yml").read_text())
    steps = workflow["jobs"]["run-autograding-tests"]["steps"]
    grade = next(s for s in steps if s.get("id") == "grader")
    reporter = next(s for s in steps if "autograding-grading-reporter" in s.get("uses", ""))
    output = tmp_path / "github_output"
    output.touch()
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
           "GITHUB_OUTPUT": str(output), "GITHUB_WORKSPACE": str(workspace)}
    run = subprocess.run(["bash", "-e", "-c", grade["run"]], cwd=workspace, env=env,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    outputs = dict(line.split("=", 1) for line in output.read_text().splitlines())
    # The reporter's env maps the step output to GRADER_RESULTS, as the workflow writes it.
    assert reporter["env"] == {"GRADER_RESULTS": "${{ steps.grader.outputs.result }}"}
    total, maximum, tests = reporter_points({"GRADER_RESULTS": outputs["result"]},
                                            reporter["with"]["runners"])
    assert (total, maximum) == (ACTIVATIONS, COURSE.assignment("lec04").max_score)
    by_name = {t["name"]: t for t in tests}
    assert by_name["activations.sigmoid"]["status"] == "pass"
    wrong = by_name["backprop.forward"]
    assert wrong["status"] == "fail" and wrong["score"] == 0 and wrong["message"]
    # Line numbers point at the student's def, as Classroom shows them.
    source = (workspace / "exercises/lec04/activations.py").read_text().splitlines()
    assert source[by_name["activations.sigmoid"]["line_no"] - 1].startswith("def sigmoid(")


def test_classroom_runner_result_keeps_partial_credit():
    """A function with part of its points counts those points (the notice sums ``score``)."""
    from grader.report import classroom
    from grader.result import FunctionResult, Result, TestResult

    result = Result("lec04", 2.0, 6.0, 1, "process", 0.1, "0",
                    functions=[FunctionResult("m.f", 2.0, 3.0, "partial", [
                        TestResult("t1", 2.0, 2.0, True, "public"),
                        TestResult("t2", 0.0, 1.0, False, "hidden", message="wrong")]),
                        FunctionResult("m.g", 0.0, 3.0, "timeout", [
                            TestResult("t3", 0.0, 3.0, False, "public", message="slow")])],
                    language="en")
    data = json.loads(classroom.render(result, {"m.f": ("m.py", 4)}))
    encoded = base64.b64encode(json.dumps(data).encode()).decode()
    total, maximum, tests = reporter_points({"GRADER_RESULTS": encoded}, "grader")
    assert (total, maximum) == (2.0, 6.0)
    assert [(t["status"], t["line_no"]) for t in tests] == [("fail", 4), ("error", 0)]
    assert tests[0]["message"] == "wrong" and data["status"] == "fail"


# --- GitLab ---------------------------------------------------------------------------------

def _check_jsonschema() -> str:
    found = shutil.which("check-jsonschema") or str(BIN / "check-jsonschema")
    if not Path(found).exists():
        pytest.skip("check-jsonschema not installed (pip install '.[test]')")
    return found


def test_gitlab_files_validate_against_gitlabs_ci_schema(released, tmp_path):
    """check-jsonschema ships GitLab's own CI schema (vendor.gitlab-ci); both GitLab files pass,
    and the schema does catch a broken one (a script line YAML reads as a mapping)."""
    tool = _check_jsonschema()
    trusted = tmp_path / "trusted.yml"
    trusted.write_text(release.template("gitlab-trusted-ci.yml"))
    run = subprocess.run([tool, "--builtin-schema", "vendor.gitlab-ci",
                          str(released / ".gitlab-ci.yml"), str(trusted)],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    broken = tmp_path / "broken.yml"
    broken.write_text((released / ".gitlab-ci.yml").read_text().replace(
        "  script:\n    - grader check", "  script:\n    - echo key: value\n    - grader check"))
    bad = subprocess.run([tool, "--builtin-schema", "vendor.gitlab-ci", str(broken)],
                         capture_output=True, text=True, timeout=120)
    assert bad.returncode != 0


def _run_lines(lines: list[str], env: dict[str, str], cwd: Path) -> None:
    for line in lines:
        run = subprocess.run(["/bin/sh", "-e", "-c", line], cwd=cwd, env=env,
                             capture_output=True, text=True, timeout=600)
        assert run.returncode == 0, f"{line}\n{run.stdout}{run.stderr}"


def test_gitlab_job_installs_git_first_only_for_a_git_requirement(released, tmp_path):
    """python:3.11-slim has no git: with a git URL the job installs it with apt-get before pip;
    with a wheel or PyPI pin it never calls apt-get. (apt-get and pip are stand-ins that record
    their arguments; PATH has no git.)"""
    job = yaml.safe_load((released / ".gitlab-ci.yml").read_text())["grade"]
    fake = tmp_path / "bin"
    fake.mkdir()
    log = tmp_path / "calls"
    for tool in ("apt-get", "python"):
        (fake / tool).write_text(f'#!/bin/sh\necho "{tool} $*" >> "{log}"\n')
        (fake / tool).chmod(0o755)
    for requirement, apt in ((job["variables"]["GRADER_REQUIREMENT"], True),
                             ("rokey-grader==0.1.0", False)):
        log.write_text("")
        # sh's builtins (case, command) and the stand-ins only: no git on PATH.
        env = {"PATH": str(fake), "GRADER_REQUIREMENT": requirement}
        _run_lines(job["before_script"], env, tmp_path)
        calls = log.read_text().splitlines()
        assert any(c.startswith("apt-get install") and " git" in c for c in calls) is apt
        assert calls[-1] == f"python -m pip install -q {requirement}"


def test_classroom_gets_zero_points_when_no_module_is_found(released, tmp_path):
    """A student tree without the assignment's modules: the grader exits 2, yet the step still
    hands the reporter a result (0 points) before failing."""
    workspace = tmp_path / "student"
    shutil.copytree(released, workspace)
    for module in (workspace / "exercises/lec04").glob("*.py"):
        module.unlink()
    workflow = yaml.safe_load((workspace / ".github/workflows/classroom.yml").read_text())
    steps = workflow["jobs"]["run-autograding-tests"]["steps"]
    grade = next(s for s in steps if s.get("id") == "grader")
    output = tmp_path / "github_output"
    output.touch()
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
           "GITHUB_OUTPUT": str(output)}
    run = subprocess.run(["bash", "-e", "-c", grade["run"]], cwd=workspace, env=env,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 2, run.stdout + run.stderr
    result = dict(line.split("=", 1) for line in output.read_text().splitlines())["result"]
    total, maximum, _ = reporter_points({"GRADER_RESULTS": result}, "grader")
    assert (total, maximum) == (0, COURSE.assignment("lec04").max_score)
