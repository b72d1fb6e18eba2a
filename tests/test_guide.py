"""docs/adding-an-exercise.md, followed step by step on a copy of the course.

안내서의 코드 블록을 그대로 꺼내 과목 사본에 적용하고, 안내서의 명령을 실행해 ``grader validate``가
통과하고 새 함수가 채점되는지 확인한다 — 안내서가 낡으면 이 테스트가 실패한다.

The guide's blocks are tagged with an HTML comment right above them::

    <!-- guide: create PATH -->   write a new file (it must not exist yet)
    <!-- guide: append PATH -->   append to an existing file
    <!-- guide: merge PATH -->    deep-merge a YAML fragment into an existing YAML file
    <!-- guide: run -->           run each ``grader ...`` line, from the course's root
    <!-- guide: row PATH after START -->   insert a table row after the line starting with START
    <!-- guide: test -->          the framework's tests the guide tells authors to run

so the test runs what a reader would type, not a copy of it; the slow test follows the whole
guide on a copy of the repository and then runs the tests it names there.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from grader.cli import main
from grader.course.config import load_course

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "docs" / "adding-an-exercise.md"
NEW_FUNCTION = "activations.leaky_relu"
NEW_MISTAKE = "activations_leaky_relu_slope_on_positive_side"

_BLOCK = re.compile(
    r"<!-- guide: (?P<action>create|append|merge|run|row|test)(?: (?P<target>\S+))?"
    r"(?: after (?P<after>.+?))? -->\n```[a-z]*\n(?P<body>.*?)```",
    re.S,
)


@dataclass(frozen=True)
class Step:
    action: str
    target: str
    body: str
    after: str = ""


def guide_steps(text: str) -> list[Step]:
    return [Step(m["action"], m["target"] or "", m["body"], m["after"] or "")
            for m in _BLOCK.finditer(text)]


def _merge(into: dict[str, Any], fragment: dict[str, Any]) -> None:
    for key, value in fragment.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            _merge(into[key], value)
        else:
            into[key] = value


def _commands(body: str) -> Iterator[list[str]]:
    for line in body.splitlines():
        words = shlex.split(line, comments=True)
        if words:
            assert words[0] == "grader", f"the guide runs only grader commands: {line!r}"
            yield words[1:]


def follow(course: Path, steps: list[Step], *, run: bool = True) -> list[tuple[list[str], str]]:
    """Apply the guide's steps to ``course``; returns (command, output) of each command run.

    ``run=False`` skips ``grader validate`` (the slow step), keeping everything else.
    """
    ran: list[tuple[list[str], str]] = []
    for step in steps:
        path = course / step.target
        if step.action == "create":
            assert not path.exists(), f"the guide creates {step.target}, which already exists"
            path.write_text(step.body, encoding="utf-8")
        elif step.action == "append":
            text = path.read_text(encoding="utf-8")
            path.write_text(text.rstrip("\n") + "\n\n\n" + step.body, encoding="utf-8")
        elif step.action == "row":
            lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
            [at] = [i for i, line in enumerate(lines) if line.startswith(step.after)]
            lines.insert(at + 1, step.body)
            path.write_text("".join(lines), encoding="utf-8")
        elif step.action == "test":
            continue  # run by the slow test, in a copy of the whole repository
        elif step.action == "merge":
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
            _merge(data, yaml.safe_load(step.body))
            path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False),
                            encoding="utf-8")
        else:
            for args in _commands(step.body):
                if args[0] == "validate" and not run:
                    continue
                result = CliRunner().invoke(main, args, catch_exceptions=False)
                assert result.exit_code == 0, f"grader {' '.join(args)}:\n{result.output}"
                ran.append((args, result.output))
    return ran


def copy_course(dest: Path, *, whole: bool = False) -> Path:
    """The course — course.yaml, exercises/, solutions/ and the docs the guide edits — as a clone
    would have it; ``whole``: also the framework, its tests and benchmarks (to run them)."""
    dest.mkdir()
    skip = shutil.ignore_patterns("__pycache__", "*.pyc", ".pytest_cache", "*.egg-info")
    for name in ("course.yaml", "pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, dest / name)
    for folder in ("exercises", "solutions", "docs",
                   *(("grader", "tests", "benchmarks") if whole else ())):
        shutil.copytree(ROOT / folder, dest / folder, ignore=skip)
    return dest


@pytest.fixture
def course(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    pytest.importorskip("nbgrader.preprocessors",
                        reason="nbgrader not installed: pip install 'rokey-grader[authoring]'")
    root = copy_course(tmp_path / "course")
    monkeypatch.chdir(root)  # the guide's commands run from the course's root
    return root


def test_the_guide_tags_every_step() -> None:
    steps = guide_steps(GUIDE.read_text(encoding="utf-8"))
    actions = [(s.action, s.target) for s in steps]
    assert ("append", "solutions/lec04/activations.py") in actions
    assert ("merge", "course.yaml") in actions
    assert ("create", "exercises/lec04/tests/test_leaky_relu.py") in actions
    assert ("create", "solutions/lec04/tests/test_leaky_relu.py") in actions
    assert ("create", f"solutions/lec04/mistakes/{NEW_MISTAKE}.py") in actions
    assert ("row", "docs/contract.md") in actions  # the contract row to add, given
    commands = [args for s in steps if s.action == "run" for args in _commands(s.body)]
    assert [c[0] for c in commands] == ["stubs", "validate", "bundle", "release"]
    [tests] = [s for s in steps if s.action == "test"]
    assert "-m" in shlex.split(tests.body) and "tests/test_mistakes.py" in tests.body


def test_following_the_guide_makes_a_stub_and_a_course_entry(course: Path) -> None:
    """Every step but validate (fast): the stub, the course entry, the catalogue."""
    ran = follow(course, guide_steps(GUIDE.read_text(encoding="utf-8")), run=False)
    assert ran[0][0] == ["stubs"]
    # in the course's language (course.yaml: ko), aligned by display width
    assert f"갱신함    {course / 'exercises' / 'lec04' / 'activations.py'}" in ran[0][1]

    a = load_course(course / "course.yaml").assignment("lec04")
    assert a.functions[NEW_FUNCTION] == 2 and a.max_score == 102

    stub = (course / "exercises" / "lec04" / "activations.py").read_text(encoding="utf-8")
    tail = stub[stub.index("def leaky_relu("):]
    assert '"""리키 렐루(leaky ReLU)' in tail and "### BEGIN SOLUTION" not in tail
    assert tail.rstrip().endswith("# YOUR CODE HERE\n    raise NotImplementedError()")

    from grader.course.mistakes import load_catalogue

    catalogue = load_catalogue(course / "solutions" / "lec04" / "mistakes", a.functions)
    assert NEW_MISTAKE in {m.name for m in catalogue}


@pytest.mark.slow
def test_following_the_whole_guide_the_tests_it_names_pass(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """A copy of the repository, the guide followed to its end (validate, the contract row,
    bundle and release), then the framework's tests the guide names, run there: they pass."""
    pytest.importorskip("nbgrader.preprocessors",
                        reason="nbgrader not installed: pip install 'grader[authoring]'")
    repo = copy_course(tmp_path / "repo", whole=True)
    monkeypatch.chdir(repo)
    steps = guide_steps(GUIDE.read_text(encoding="utf-8"))
    follow(repo, steps)
    assert (tmp_path / "hidden.zip").is_file()
    assert "def leaky_relu(" in (tmp_path / "lec04-student/exercises/lec04/activations.py"
                                 ).read_text(encoding="utf-8")
    [tests] = [s for s in steps if s.action == "test"]
    words = shlex.split(tests.body)
    assert words[:3] == [".venv/bin/python", "-m", "pytest"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    # the copy's own grader package comes first (python -m puts the folder on sys.path)
    done = subprocess.run([sys.executable, *words[1:], "-p", "no:cacheprovider"], cwd=repo,
                          capture_output=True, text=True, timeout=1200, env=env)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert " passed" in done.stdout and "leaky_relu" not in done.stdout


@pytest.mark.slow
def test_following_the_guide_validate_passes_and_grades_the_new_function(course: Path) -> None:
    ran = follow(course, guide_steps(GUIDE.read_text(encoding="utf-8")))
    [output] = [out for args, out in ran if args[0] == "validate"]
    # the guide's commands carry no --lang: validate speaks the course's language (ko) only
    assert "검증 통과" in output and "validation passed" not in output, output
    assert "함수 33개, 총 102점" in output, output
    assert re.search(r"참조 해답 만점\s+ok\s+102/102", output), output
    row = next(line for line in output.splitlines() if line.startswith(NEW_MISTAKE))
    assert re.search(rf"{NEW_FUNCTION}\s+2/2\s+-\s+있음\s+ok$", row), row


# The documentation lives in the repository ---------------------------------------------------

DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
_LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_docs_link_only_to_files_in_the_repository(doc: Path) -> None:
    text = doc.read_text(encoding="utf-8")
    assert "../shared" not in text
    for target in _LINK.findall(text):
        if "://" in target:
            continue
        path = (doc.parent / target).resolve()
        assert path.is_relative_to(ROOT) and path.exists(), f"{doc.name}: broken link {target}"


def test_the_contract_names_every_graded_function() -> None:
    contract = (ROOT / "docs" / "contract.md").read_text(encoding="utf-8")
    course = load_course(ROOT / "course.yaml")
    for a in course.assignments.values():
        for module, functions in a.exercises.items():
            assert f"`{module}`" in contract, module
            for function in functions:
                assert re.search(rf"`{function}(\(|`)", contract), f"{module}.{function}"
