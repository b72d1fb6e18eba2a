"""course.yaml loading: the shipped course is valid; every broken file names its key."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from grader.course.config import load_course
from grader.errors import GraderError

ROOT = Path(__file__).resolve().parent.parent


def test_shipped_course_adds_up_to_its_total():
    """Its numbers come from course.yaml (100 points over five modules as shipped): adding an
    exercise through docs/adding-an-exercise.md keeps this test green."""
    course = load_course(ROOT / "course.yaml")
    lec04 = course.assignment("lec04")
    assert lec04.total is not None and lec04.max_score == lec04.total
    for module in lec04.modules:
        assert (ROOT / "solutions" / "lec04" / f"{module}.py").is_file(), module
        assert (ROOT / "exercises" / "lec04" / f"{module}.py").is_file(), module
    assert lec04.functions["optimizers.adam"] > 0
    assert course.title["ko"] and course.title["en"]
    assert course.assignment(None) is lec04


def write(tmp_path: Path, mutate) -> Path:
    data = yaml.safe_load((ROOT / "course.yaml").read_text(encoding="utf-8"))
    mutate(data)
    path = tmp_path / "course.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _set(path: list[str], value):
    def mutate(data):
        node = data
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value
    return mutate


def _delete(path: list[str]):
    def mutate(data):
        node = data
        for key in path[:-1]:
            node = node[key]
        del node[path[-1]]
    return mutate


@pytest.mark.parametrize("mutate,key,expected", [
    (_set(["limits", "call_timeout_s"], "ten"), "limits.call_timeout_s", "a number"),
    (_set(["limits", "memory_mb"], 1.5), "limits.memory_mb", "a positive integer"),
    (_set(["limits", "timeout"], 3), "limits.timeout", "unknown key"),
    (_set(["assignments", "lec04", "exercises", "activations", "sigmoid"], "four"),
     "assignments.lec04.exercises.activations.sigmoid", "a number"),
    (_set(["assignments", "lec04", "exercises", "activations", "sigmoid"], -1),
     "assignments.lec04.exercises.activations.sigmoid", "a positive number"),
    (_set(["assignments", "lec04", "exercises", "delta_rule"], []),
     "assignments.lec04.exercises.delta_rule", "a mapping"),
    (_set(["course", "language"], "fr"), "course.language", "'ko' or 'en'"),
    (_delete(["course", "title", "en"]), "course.title.en", "required key"),
    (_set(["tolerances", "rtol"], True), "tolerances.rtol", "a number"),
    (_set(["assignments", "lec04", "exercises", "bad-name"], {"f": 1}),
     "assignments.lec04.exercises.bad-name", "a Python identifier"),
    (_set(["surprise"], 1), "(top level).surprise", "unknown key"),
])
def test_broken_course_names_file_key_and_expectation(tmp_path, mutate, key, expected):
    path = write(tmp_path, mutate)
    with pytest.raises(GraderError) as err:
        load_course(path)
    text = str(err.value)
    assert str(path) in text and f"'{key}'" in text and expected in text


def test_yaml_syntax_error_and_missing_file(tmp_path):
    bad = tmp_path / "course.yaml"
    bad.write_text("course: [unclosed\n", encoding="utf-8")
    with pytest.raises(GraderError, match="YAML"):
        load_course(bad)
    with pytest.raises(GraderError, match="not found"):
        load_course(tmp_path / "nope.yaml")


def test_unknown_assignment_lists_the_known_ones():
    course = load_course(ROOT)
    with pytest.raises(GraderError, match="lec04"):
        course.assignment("lec05")
