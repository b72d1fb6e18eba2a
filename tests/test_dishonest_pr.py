"""End to end, entirely local: a dishonest pull request against a student repository made from
``grader release`` gets exactly the grade of its honest functions.

The pull request implements the activations honestly (the reference module) and then cheats:
it guts a public test and gives it 100 points, raises a function's points and the limits in
``course.yaml``, adds ``conftest.py`` files that would rewrite the scores, and edits both
workflows to grade without the bundle. CI is simulated as GitHub runs it: the trusted workflow
comes from the base branch (``pull_request_target``), the pull request is checked out as data
into ``submission/``, the hidden bundle into ``instructor/``, and the workflow's ``Grade`` step
is run exactly as written, with its environment.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from ci_support import REQUIREMENT, parse_command

from grader.course.config import load_course
from grader.result import message_of, notes_of

ROOT = Path(__file__).resolve().parents[1]
COURSE = load_course(ROOT / "course.yaml")
HONEST_POINTS = sum(COURSE.assignment("lec04").exercises["activations"].values())  # 20
GRADER = str(Path(sys.executable).parent / "grader")

pytestmark = pytest.mark.slow

CHEATING_CONFTEST = '''
import pathlib
pathlib.Path({marker!r}).write_text("conftest ran")

def pytest_collection_modifyitems(items):
    for item in items:
        item.add_marker("skip")
'''


def git(cwd: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "s", "GIT_AUTHOR_EMAIL": "s@example.org",
           "GIT_COMMITTER_NAME": "s", "GIT_COMMITTER_EMAIL": "s@example.org"}
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True,
                          text=True).stdout


def grade_step(workflow_text: str) -> tuple[str, dict[str, str]]:
    """The ``Grade`` step's command and the environment the job gives it."""
    workflow = yaml.safe_load(workflow_text)
    job = workflow["jobs"]["grade"]
    step = next(s for s in job["steps"] if s.get("name") == "Grade")
    return step["run"], {k: str(v) for k, v in {**job.get("env", {}),
                                                **step.get("env", {})}.items()}


def run_step(command: str, env: dict[str, str], workspace: Path) -> subprocess.CompletedProcess:
    """Run a workflow step's command as the runner does: bash in the workspace, the grader the
    workflow installed first on PATH."""
    summary = workspace / "step_summary.md"
    full_env = {**os.environ, **env, "GITHUB_WORKSPACE": str(workspace),
                "GITHUB_STEP_SUMMARY": str(summary),
                "PATH": f"{Path(GRADER).parent}{os.pathsep}{os.environ['PATH']}"}
    return subprocess.run(["bash", "-e", "-c", command], cwd=workspace, env=full_env,
                          capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    """The student repository (main = the release) with a dishonest pull request branch."""
    tmp = tmp_path_factory.mktemp("dishonest")
    bundle = tmp / "instructor" / "bundle.zip"
    bundle.parent.mkdir()
    for args in (["bundle", str(bundle), "--course", str(ROOT)],
                 ["release", str(tmp / "student"), "--course", str(ROOT), "--bundle",
                  str(bundle), "--grader-requirement", REQUIREMENT]):
        subprocess.run([GRADER, *args], check=True, capture_output=True, text=True)
    student = tmp / "student"
    git(student, "init", "-q", "-b", "main")
    git(student, "add", "-A")
    git(student, "commit", "-q", "-m", "release")

    git(student, "checkout", "-q", "-b", "pull-request")
    marker = tmp / "conftest-ran"
    exercises = student / "exercises" / "lec04"
    # Honest work: the activations, implemented correctly.
    shutil.copyfile(ROOT / "solutions" / "lec04" / "activations.py", exercises / "activations.py")
    # Dishonest work: a gutted public test worth 100, more points, looser limits, conftests,
    # workflows that grade without the bundle.
    (exercises / "tests" / "test_backprop.py").write_text(
        "import pytest\n\n@pytest.mark.grades('backprop.backward', weight=100)\n"
        "def test_backward(student):\n    pass\n", encoding="utf-8")
    course = yaml.safe_load((student / "course.yaml").read_text(encoding="utf-8"))
    lec04 = course["assignments"]["lec04"]
    lec04["exercises"]["backprop"]["backward"] = 90
    lec04["total"] = 181
    course["limits"]["call_timeout_s"] = 1000
    course["feedback"] = {"hidden_tests": "full"}
    (student / "course.yaml").write_text(yaml.safe_dump(course, allow_unicode=True),
                                         encoding="utf-8")
    for folder in (student, exercises, exercises / "tests"):
        (folder / "conftest.py").write_text(CHEATING_CONFTEST.format(marker=str(marker)),
                                            encoding="utf-8")
    for name in ("grade.yml", "grade-trusted.yml"):
        path = student / ".github" / "workflows" / name
        path.write_text(path.read_text(encoding="utf-8").replace(
            "--bundle instructor/bundle.zip", "").replace("--bundle .grader/public.zip", ""),
            encoding="utf-8")
    git(student, "add", "-A")
    git(student, "commit", "-q", "-m", "my solution")
    return tmp, student, bundle, marker


def test_dishonest_pull_request_gets_the_grade_of_its_honest_functions(repo):
    tmp, student, bundle, marker = repo
    # pull_request_target: the workflow of the base branch, not the pull request's.
    trusted = git(student, "show", "main:.github/workflows/grade-trusted.yml")
    assert trusted != (student / ".github/workflows/grade-trusted.yml").read_text()
    command, env = grade_step(trusted)
    # The runner's workspace: the hidden bundle and the pull request checked out as data.
    workspace = tmp / "workspace"
    (workspace / "instructor").mkdir(parents=True)
    shutil.copyfile(bundle, workspace / "instructor" / "bundle.zip")
    head = git(student, "rev-parse", "pull-request").strip()
    git(tmp, "clone", "-q", "--no-checkout", str(student), str(workspace / "submission"))
    git(workspace / "submission", "checkout", "-q", head)

    run = run_step(command, env, workspace)
    assert run.returncode == 0, run.stdout + run.stderr
    commands = [c for c in map(parse_command, run.stdout.splitlines()) if c]
    assert ("notice", {"title": "Autograding complete"},
            f"Points {HONEST_POINTS:g}/100") in commands
    report = json.loads((workspace / "grader-result.json").read_text())
    assert (report["score"], report["max_score"]) == (HONEST_POINTS, 100)
    for f in report["functions"]:
        if f["name"].startswith("activations."):
            assert f["status"] == "passed", f
        else:
            assert f["status"] == "not_implemented", f
            assert any(t["visibility"] == "hidden" for t in f["tests"])
    assert report["limits"]["call_timeout_s"] == 10  # the bundle's limits, not the PR's
    assert any("sha256" in n for n in notes_of(report))
    assert not marker.exists()  # no conftest of the pull request ran
    # Hidden details stay hidden although the pull request's course.yaml asked for "full".
    hidden = [t for f in report["functions"] for t in f["tests"]
              if t["visibility"] == "hidden" and not t["passed"]]
    assert hidden and all(message_of(t).startswith("숨은 테스트") for t in hidden)
    # GitHub keeps 10 annotations: 10 errors on the student's defs, and how many more.
    errors = [c for c in commands if c[0] == "error"]
    assert len(errors) == 10
    # Relative to the pull request's checkout, so GitHub places them on its diff.
    assert all(p["file"].startswith("exercises/lec04/") and int(p["line"]) > 0
               for _, p, _ in errors)
    # in the course's language (the bundle's course.yaml: ko), never both glued together
    assert re.search(r"그 밖에 함수 \d+개에서도 감점되었습니다", run.stdout), run.stdout
    assert "more functions lost points" not in run.stdout
    assert "| `activations.sigmoid` |" in (workspace / "step_summary.md").read_text()


def test_student_feedback_workflow_uses_the_public_bundle_not_the_pull_request(repo):
    tmp, student, _, marker = repo
    command, env = grade_step(git(student, "show", "main:.github/workflows/grade.yml"))
    workspace = tmp / "feedback"
    git(tmp, "clone", "-q", "-b", "pull-request", str(student), str(workspace))
    # The public bundle is the release's, unchanged by the pull request.
    run = run_step(command, env, workspace)
    assert run.returncode == 0, run.stdout + run.stderr
    assert f"::Points {HONEST_POINTS:g}/100" in run.stdout
    assert not marker.exists()


def test_the_pull_requests_own_workflow_would_be_fooled(repo):
    """Why the grade must come from the base branch's workflow and the bundle: the pull
    request's own version of the command grades with its own course.yaml and gutted test."""
    tmp, student, _, _ = repo
    command, env = grade_step((student / ".github/workflows/grade.yml").read_text())
    assert "--bundle" not in command
    workspace = tmp / "own"
    git(tmp, "clone", "-q", "-b", "pull-request", str(student), str(workspace))
    run = run_step(command, env, workspace)
    assert run.returncode == 0, run.stdout + run.stderr
    assert f"::Points {HONEST_POINTS + 90:g}/181" in run.stdout


def test_gitlab_job_script_gives_the_honest_grade_as_junit(repo):
    """GitLab runs the file of the merge request itself; with the release's file, the job's
    script (run exactly as written) reports the honest grade in JUnit XML."""
    import xml.etree.ElementTree as ET

    tmp, student, _, marker = repo
    job = yaml.safe_load(git(student, "show", "main:.gitlab-ci.yml"))["grade"]
    workspace = tmp / "gitlab"
    git(tmp, "clone", "-q", "-b", "pull-request", str(student), str(workspace))
    for line in job["script"]:
        run = run_step(line, {"CI_PROJECT_DIR": str(workspace)}, workspace)
        assert run.returncode == 0, run.stdout + run.stderr
    root = ET.parse(workspace / job["artifacts"]["reports"]["junit"]).getroot()
    props = {p.get("name"): p.get("value") for p in root.find("properties")}
    assert (props["points"], props["max_points"]) == (f"{HONEST_POINTS:g}", "100")
    cases = root.findall("testsuite/testcase")
    assert cases and all(c.get("file", "").startswith("exercises/lec04/") for c in cases)
    assert not marker.exists()
