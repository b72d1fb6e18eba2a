"""The distribution ``rokey-grader`` as CI installs it: wheel and sdist built with ``python -m
build`` pass ``twine check``; the wheel holds the catalogues and templates; the released GitLab
job's own lines install the wheel into a fresh environment without git and grade the released
student tree.

배포 패키지(rokey-grader): 빌드, twine 검사, git 없는 새 환경에 설치해 학생 저장소를 채점한다.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
import zipfile
from email.parser import HeaderParser
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

import grader
from grader.cli import main
from grader.course import release

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    source = tmp_path_factory.mktemp("source") / "grader"
    # A copy without the developer's venv, caches and build leftovers.
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
        ".venv", "__pycache__", "*.egg-info", "build", "dist", ".git", "benchmarks"))
    run = subprocess.run([sys.executable, "-m", "build", "--outdir", str(out), str(source)],
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    return out


def _wheel(dist: Path) -> Path:
    return next(dist.glob("*.whl"))


def test_wheel_and_sdist_pass_twine_check(dist):
    files = sorted(p.name for p in dist.iterdir())
    assert files == [f"rokey_grader-{grader.__version__}-py3-none-any.whl",
                     f"rokey_grader-{grader.__version__}.tar.gz"]
    twine = shutil.which("twine") or str(BIN / "twine")
    run = subprocess.run([twine, "check", "--strict", *(str(p) for p in dist.iterdir())],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr


def test_wheel_holds_catalogues_templates_and_its_name(dist):
    with zipfile.ZipFile(_wheel(dist)) as whl:
        names = set(whl.namelist())
        metadata = next(n for n in names if n.endswith(".dist-info/METADATA"))
        headers = HeaderParser().parsestr(whl.read(metadata).decode())
        entry_points = whl.read(metadata.replace("METADATA", "entry_points.txt")).decode()
    assert headers["Name"] == grader.DISTRIBUTION == "rokey-grader"
    for lang in ("ko", "en"):
        assert f"grader/locale/{lang}/LC_MESSAGES/grader.mo" in names
    for name in {*release.TEMPLATES.values(), "gitlab-trusted-ci.yml"}:
        assert f"grader/templates/{name}" in names
    assert "grader = grader.cli:main" in entry_points  # the command keeps its name


def test_gitlab_job_installs_the_wheel_without_git_and_grades_the_release(dist, tmp_path):
    """The released .gitlab-ci.yml, pinned to the wheel by hash, run line by line in a fresh
    venv (python:3.11-slim's situation: no git, no grader), grades the student tree."""
    wheel = _wheel(dist)
    digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
    requirement = f"{grader.DISTRIBUTION} @ {wheel.as_uri()}#sha256={digest}"
    student = tmp_path / "student"
    run = CliRunner().invoke(main, ["release", str(student), "--course", str(ROOT),
                                    "--grader-requirement", requirement],
                             catch_exceptions=False)
    assert run.exit_code == 0, run.output
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)  # pip, nothing else
    assert shutil.which("git", path=str(venv / "bin")) is None
    job = yaml.safe_load((student / ".gitlab-ci.yml").read_text())["grade"]
    variables = {k: str(v).replace("$CI_PROJECT_DIR", str(student))
                 for k, v in job["variables"].items()}
    env = {"PATH": str(venv / "bin"), "HOME": str(tmp_path), "CI_PROJECT_DIR": str(student),
           "LC_ALL": "C.UTF-8", **variables}
    timings = {}
    for part in ("before_script", "script"):
        started = time.perf_counter()
        for line in job[part]:
            done = subprocess.run(["/bin/sh", "-e", "-c", line], cwd=student, env=env,
                                  capture_output=True, text=True, timeout=900)
            assert done.returncode == 0, f"{line}\n{done.stdout}{done.stderr}"
        timings[part] = time.perf_counter() - started
    print(f"GitLab job in a fresh venv: install {timings['before_script']:.1f} s, "
          f"grade {timings['script']:.1f} s")
    report = json.loads((student / "grader-result.json").read_text())
    assert (report["score"], report["max_score"]) == (0, 100)  # the released stubs
    assert (student / job["artifacts"]["reports"]["junit"]).is_file()
    # The catalogues came with the wheel: the report speaks both languages.
    reasons = [t["reason"] for f in report["functions"] for t in f["tests"] if t.get("reason")]
    assert reasons  # stored as data: the installed grader renders them from its catalogues
    said = subprocess.run([str(venv / "bin/python"), "-c",
                           "import json, sys; from grader.result import text_in; "
                           "r = json.loads(sys.argv[1]); "
                           "print(json.dumps([text_in(r, 'ko'), text_in(r, 'en')]))",
                           json.dumps(reasons[0])],
                          capture_output=True, text=True, env=env, check=True)
    ko, en = json.loads(said.stdout)
    assert ko and en and ko != en and reasons[0]["key"] not in (ko, en)
    # The installed grader is the wheel's, not this checkout's.
    where = subprocess.run([str(venv / "bin/python"), "-c",
                            "import grader; print(grader.__file__)"],
                           capture_output=True, text=True, env=env, check=True,
                           cwd=student).stdout
    assert str(venv) in where and os.path.commonpath([where.strip(), str(ROOT)]) != str(ROOT)
