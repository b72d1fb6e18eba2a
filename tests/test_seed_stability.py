"""Luck never scores (issue 20, item 5): for every catalogued mistake and every submission under
tests/submissions, 20 seeds give every function the same score.

시드가 점수를 바꾸지 않는다: 알려진 실수마다, 그리고 tests/submissions의 제출물마다 시드 20개로
채점해도 함수마다 점수가 같다. 허용 오차는 갱신 크기에 비례하고, 무작위 입력은 모든 분기를 지난다.

Each case is graded in one warm pytest session (``engine.serve``). A mistake's variant is the
reference but for one function: only that function and the graded functions that may call it
(``grader.grading.callers``) can score differently from the reference, so only they are graded
(the reference's own full marks on every seed are ``test_lec04``'s); a submission is graded
whole.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from grader.course.config import load_course
from grader.course.mistakes import load_mistake
from grader.course.variants import build_variant
from grader.grading import engine
from grader.grading.callers import CallGraph
from grader.result import Result

ROOT = Path(__file__).resolve().parent.parent
COURSE = load_course(ROOT)
SOLUTIONS = ROOT / "solutions" / "lec04"
SEEDS = range(20)
MISTAKES = sorted(p.stem for p in (SOLUTIONS / "mistakes").glob("*.py"))
SUBMISSIONS = sorted(p.name for p in (ROOT / "tests" / "submissions").iterdir() if p.is_dir())
pytestmark = pytest.mark.slow


def _scores_by_seed(submission: Path, functions: list[str] | None) -> dict[int, dict[str, float]]:
    found: dict[int, dict[str, float]] = {}

    def work(grader: engine.Grader) -> None:
        for seed in SEEDS:
            result: Result = grader.grade(submission, seed=seed, functions=functions)
            found[seed] = {f.name: f.score for f in result.functions}

    engine.serve(COURSE, "lec04", work, isolation="process")
    return found


def _differing(by_seed: dict[int, dict[str, float]]) -> dict[str, dict[int, float]]:
    """The functions whose score depends on the seed, with their score per seed."""
    first = by_seed[min(by_seed)]
    return {name: {seed: scores[name] for seed, scores in by_seed.items()}
            for name in first if len({scores[name] for scores in by_seed.values()}) > 1}


@pytest.mark.parametrize("name", MISTAKES)
def test_a_catalogued_mistake_scores_the_same_with_every_seed(name: str, tmp_path: Path) -> None:
    mistake = load_mistake(SOLUTIONS / "mistakes" / f"{name}.py")
    a = COURSE.assignment("lec04")
    build_variant(SOLUTIONS, a.modules, mistake, tmp_path / "variant")
    calls = CallGraph(tmp_path / "variant", a.modules, a.functions)
    affected = [f for f in a.functions
                if f == mistake.function or mistake.function in calls.reaches(f)]
    by_seed = _scores_by_seed(tmp_path / "variant", affected)
    assert _differing(by_seed) == {}
    assert by_seed[0][mistake.function] < COURSE.assignment("lec04").functions[mistake.function]


@pytest.mark.parametrize("name", SUBMISSIONS)
def test_a_submission_scores_the_same_with_every_seed(name: str) -> None:
    assert _differing(_scores_by_seed(ROOT / "tests" / "submissions" / name, None)) == {}
