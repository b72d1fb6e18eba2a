"""Every catalogued mistake in a student's own check and in the trusted grade: hint and points.

카탈로그의 실수마다 학생 저장소의 ``grader check``(참조 해답 없음, 힌트 지문)와 신뢰 채점(참조
해답과 숨은 테스트)이 보여 주는 힌트와 점수를 표로 출력한다.

For each mistake of ``solutions/<a>/mistakes``: the reference with that one function replaced,
graded (its module only) in a tree made by ``grader release`` — public tests, hint fingerprints,
no reference — and by the trusted grade. Prints a markdown table and the totals.

    python benchmarks/self_check_hints.py [--assignment lec04] [--seed 3] [--json PATH]
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from grader.course.config import Course, load_course
from grader.course.mistakes import load_catalogue
from grader.course.release import write_release
from grader.course.variants import build_variant
from grader.grading import engine

ROOT = Path(__file__).resolve().parent.parent
REQUIREMENT = "rokey-grader==0.2.0"


@dataclass(frozen=True)
class Row:
    """One mistake: the hint each grading shows for its function (text, English) and points."""

    mistake: str
    function: str
    self_check_hint: str
    trusted_hint: str
    self_check_points: float
    trusted_points: float
    max_points: float


def rows(course: Course, assignment: str, work: Path, *, seed: int = 3,
         isolation: str = "process") -> Iterator[Row]:
    """The table's rows, one mistake after another (``work``: an empty scratch folder)."""
    a = course.assignment(assignment)
    solutions = course.solutions_dir(a.name)
    write_release(course, a.name, work / "release", grader_requirement=REQUIREMENT)
    student = load_course(work / "release")
    tree = work / "release" / "exercises" / a.name
    for mistake in load_catalogue(solutions / "mistakes", a.functions):
        variant = work / "variants" / mistake.name
        build_variant(solutions, [mistake.module], mistake, variant)
        shutil.copy(variant / f"{mistake.module}.py", tree / f"{mistake.module}.py")
        graded = {
            name: engine.grade(c, a.name, folder, seed=seed, isolation=isolation,
                               modules=[mistake.module]).function(mistake.function)
            for name, c, folder in (("self", student, tree), ("trusted", course, variant))}
        yield Row(mistake.name, mistake.function, graded["self"].hint_in("en"),
                  graded["trusted"].hint_in("en"), graded["self"].score,
                  graded["trusted"].score, graded["trusted"].max_score)


def _mark(hint: str, other: str) -> str:
    return "—" if not hint else "yes" if hint == other or not other else "other"


def table(found: Sequence[Row]) -> str:
    lines = ["| mistake | function | hint: self-check | hint: trusted | points: self-check "
             "| points: trusted |", "|---|---|---|---|---|---|"]
    for r in found:
        lines.append(f"| {r.mistake} | `{r.function.split('.', 1)[1]}` "
                     f"| {_mark(r.self_check_hint, r.trusted_hint)} "
                     f"| {_mark(r.trusted_hint, r.self_check_hint)} "
                     f"| {r.self_check_points:g}/{r.max_points:g} "
                     f"| {r.trusted_points:g}/{r.max_points:g} |")
    same = sum(r.self_check_hint == r.trusted_hint for r in found)
    lines.append("")
    lines.append(f"{len(found)} mistakes: a hint in the self-check for "
                 f"{sum(bool(r.self_check_hint) for r in found)}, in the trusted grade for "
                 f"{sum(bool(r.trusted_hint) for r in found)}; the same hint (or none) in both "
                 f"for {same}.")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assignment", default=None)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--json", type=Path, default=None, help="write the rows here")
    args = parser.parse_args(argv)
    course = load_course(ROOT)
    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="self-check-hints-") as folder:
        found = []
        for row in rows(course, course.assignment(args.assignment).name, Path(folder),
                        seed=args.seed):
            found.append(row)
            print(f"  {row.mistake}", file=sys.stderr)
    print(table(found))
    print(f"({time.monotonic() - start:.0f} s)")
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in found], indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
