"""course.yaml's names against the code: a misspelt module or function stops every command.

과목 파일의 모듈·함수 이름 철자가 틀리면 모든 명령이 이름과 제안을 들어 종료 코드 2로 멈춘다.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from grader.cli import main
from grader.course.config import load_course
from grader.course.names import check_names
from grader.errors import GraderError

ROOT = Path(__file__).resolve().parent.parent


def _shipped_copy(tmp_path: Path) -> Path:
    course = tmp_path / "course"
    course.mkdir()
    shutil.copy(ROOT / "course.yaml", course)
    for folder in ("exercises", "solutions"):
        shutil.copytree(ROOT / folder, course / folder,
                        ignore=shutil.ignore_patterns("__pycache__"))
    return course


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


COMMANDS = {
    "check": lambda out: ["check"],
    "grade": lambda out: ["grade", str(out / "subs"), "--out", str(out / "grades")],
    "bundle": lambda out: ["bundle", str(out / "hidden.zip")],
    "release": lambda out: ["release", str(out / "release"), "--grader-requirement",
                            "lec-grader==0.1.0"],
    "validate": lambda out: ["validate"],
}

# (what is misspelt in course.yaml, the wrong name, the suggestion)
SLIPS = {
    "function": ("        sigmoid: 3\n", "        sigmoud: 3\n", "sigmoud", "sigmoid"),
    "module": ("      delta_rule:\n", "      delta_rules:\n", "delta_rules", "delta_rule"),
}


@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize("slip", sorted(SLIPS))
def test_a_misspelt_name_stops_every_command(tmp_path, monkeypatch, command, slip):
    course = _shipped_copy(tmp_path)
    old, new, wrong, right = SLIPS[slip]
    _replace(course / "course.yaml", old, new)
    (tmp_path / "subs").mkdir()
    monkeypatch.chdir(course)
    result = CliRunner().invoke(main, [*COMMANDS[command](tmp_path), "--lang", "en"])
    assert result.exit_code == 2, result.output
    assert f".{wrong}'" in result.output
    assert f"did you mean '{right}'?" in result.output
    assert not (tmp_path / "hidden.zip").exists() and not (tmp_path / "release").exists()
    assert not (tmp_path / "grades").exists()


def test_a_misspelt_name_in_a_bundle_stops_check_and_grade(tiny_course, tmp_path, monkeypatch):
    """A bundle made before the check existed (or by hand) is refused when it is opened."""
    from grader.course.bundle import make_bundle

    _replace(tiny_course / "course.yaml", "exercises:\n", "total: 5\n    exercises:\n")
    _replace(tiny_course / "course.yaml", "add: 2", "ad: 2")
    made = make_bundle(load_course(tiny_course), "a1", tmp_path / "b.zip")  # the library: no check
    assert made
    monkeypatch.chdir(tmp_path)
    for args in (["check", str(tiny_course / "exercises/a1")],
                 ["grade", str(tiny_course / "exercises"), "--out", str(tmp_path / "g")]):
        result = CliRunner().invoke(main, [*args, "--bundle", str(tmp_path / "b.zip"),
                                           "--lang", "ko"])
        assert result.exit_code == 2, result.output
        assert "'ad'" not in result.output and "calc.ad'" in result.output
        assert "혹시 'add'?" in result.output


def test_a_reference_function_the_course_does_not_grade_is_reported(tiny_course, monkeypatch):
    # scale keeps its solution region but is no longer graded: said by the authoring commands
    _replace(tiny_course / "course.yaml", "        scale: 3\n", "")
    _replace(tiny_course / "course.yaml", "exercises:\n", "total: 2\n    exercises:\n")
    monkeypatch.chdir(tiny_course)
    assert [m.params["function"] for m in check_names(load_course(tiny_course))] == ["scale"]
    result = CliRunner().invoke(main, ["bundle", "--public", "out.zip", "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "warning: " in result.output and "function 'scale' of" in result.output
    assert "does not grade it" in result.output
    # grading commands keep stderr's first line for the submission
    checked = CliRunner().invoke(main, ["check", str(tiny_course / "solutions" / "a1"),
                                        "--lang", "en", "--isolation", "process"])
    assert "warning" not in checked.output, checked.output


def test_given_code_without_a_solution_region_is_not_reported(tmp_path):
    course = _shipped_copy(tmp_path)
    # init_params, standardize and optimize are given code: no region, nothing to say
    assert check_names(load_course(course)) == []


def test_a_student_tree_is_checked_against_its_stubs(tiny_course):
    shutil.rmtree(tiny_course / "solutions")
    _replace(tiny_course / "course.yaml", "scale: 3", "scal: 3")
    with pytest.raises(GraderError) as caught:
        check_names(load_course(tiny_course))
    assert "did you mean 'scale'?" in caught.value.in_language("en")


def test_a_course_without_modules_has_nothing_to_compare(tiny_course):
    shutil.rmtree(tiny_course / "solutions")
    shutil.rmtree(tiny_course / "exercises")
    assert check_names(load_course(tiny_course)) == []


def test_check_names_the_broken_key_not_a_missing_course(tiny_course, tmp_path, monkeypatch):
    """Issue 21 item 2: run in the course's folder on a submission outside it."""
    _replace(tiny_course / "course.yaml", "call_timeout_s: 3", "call_timeout_s: three")
    submission = tmp_path / "elsewhere"
    shutil.copytree(tiny_course / "exercises" / "a1", submission)
    monkeypatch.chdir(tiny_course)
    result = CliRunner().invoke(main, ["check", str(submission), "--lang", "en"])
    assert result.exit_code == 2
    assert "limits.call_timeout_s" in result.output
    assert "no course.yaml found" not in result.output
