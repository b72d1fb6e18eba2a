"""Class grading's rough edges (issue 21 item 7), each shown on real gradings of the tiny course.

반 전체 채점에서 강사가 놓치기 쉬운 것들: 명단에 없는 제출물, 읽지 못한 제출물의 진짜 이유, nbgrader
경고, 유사도 보고서의 이름, 심볼릭 링크 규칙, YAML 문법 오류의 줄.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from ci_support import tiny_with_total
from conftest import REFERENCE

from grader.cli import main
from grader.course.config import load_course
from grader.errors import GraderError

ROOT = Path(__file__).resolve().parents[1]
ROSTER = "submission,student_id,name,section,canvas_id,sis_login_id\n" \
         "alice,2026001,김앨리스,1반,101,alice@uni\n"


def _grader(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "grader", *args], capture_output=True,
                          text=True, timeout=240, cwd=cwd)


def _crowded(folder: Path, entries: int = 1001) -> Path:
    """A folder with the module and more entries beside it than intake reads."""
    folder.mkdir(parents=True)
    (folder / "calc.py").write_text(REFERENCE, encoding="utf-8")
    for i in range(entries):
        (folder / f"junk{i}.txt").touch()
    return folder


def _too_large_zip(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("calc.py", REFERENCE)
    os.truncate(path, (64 << 20) + 1)  # sparse: past the limit without writing 64 MiB
    return path


def _canvas_ids(path: Path) -> list[str]:
    with path.open(encoding="utf-8", newline="") as f:
        return [row[2] for row in list(csv.reader(f))[2:]]


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path, str]:
    """alice (on the roster, correct), bob (not on the roster, correct), crowded (too many
    entries), big.zip (over 64 MiB): graded once with a roster and a Canvas column."""
    tmp = tmp_path_factory.mktemp("slips")
    course = tiny_with_total(tmp / "course")
    klass = tmp / "class"
    for name in ("alice", "bob"):
        (klass / name).mkdir(parents=True)
        (klass / name / "calc.py").write_text(REFERENCE, encoding="utf-8")
    _crowded(klass / "crowded")
    _too_large_zip(klass / "big.zip")
    (tmp / "roster.csv").write_text(ROSTER, encoding="utf-8")
    out = tmp / "grades"
    done = _grader("grade", str(klass), "--course", str(course), "-o", str(out), "--roster",
                   str(tmp / "roster.csv"), "--canvas-assignment", "Lab 4 (4242)", "--seed", "3",
                   "--workers", "2", "--lang", "en")
    assert done.returncode == 0, done.stderr
    return course, klass, out, done.stderr


def test_an_entry_not_on_the_roster_is_flagged_and_left_out_of_canvas(graded_class):
    course, klass, out, said = graded_class
    assert "bob: not on the roster; graded, but left out of canvas.csv" in said
    bob = json.loads((out / "reports" / "bob.json").read_text(encoding="utf-8"))
    assert bob["submission"]["unlisted"] is True and bob["score"] == 5
    alice = json.loads((out / "reports" / "alice.json").read_text(encoding="utf-8"))
    assert alice["submission"]["unlisted"] is False
    assert _canvas_ids(out / "canvas.csv") == ["2026001"]  # no row with "bob" as an SIS id
    # asked for: the rerun grades nothing and puts bob in
    again = _grader("grade", str(klass), "--course", str(course), "-o", str(out), "--roster",
                    str(out.parent / "roster.csv"), "--canvas-assignment", "Lab 4 (4242)",
                    "--include-unlisted", "--lang", "en")
    assert again.returncode == 0 and "0 graded now" in again.stderr
    assert "bob" in _canvas_ids(out / "canvas.csv")


def test_export_leaves_out_unlisted_entries_and_prints_no_sqlalchemy_warnings(graded_class,
                                                                             tmp_path):
    pytest.importorskip("nbgrader")
    _, _, out, _ = graded_class
    db = f"sqlite:///{tmp_path / 'gradebook.db'}"
    done = _grader("export", str(out), "--nbgrader-db", db, "--lang", "en")
    assert done.returncode == 0, done.stderr
    assert "Warning" not in done.stderr and "sqlalchemy" not in done.stderr.lower()
    assert "bob: not exported, it was not on the roster" in done.stderr
    from nbgrader.api import Gradebook

    with Gradebook(db) as gb:
        assert "bob" not in {s.id for s in gb.students}
    done = _grader("export", str(out), "--nbgrader-db", db, "--include-unlisted")
    assert done.returncode == 0 and "Warning" not in done.stderr
    with Gradebook(db) as gb:
        assert "bob" in {s.id for s in gb.students}


def test_the_class_summary_gives_the_reason_nothing_was_read(graded_class):
    _, _, out, _ = graded_class
    text = (out / "summary.txt").read_text(encoding="utf-8")
    lines = text.splitlines()
    crowded = next(ln for ln in lines if ln.startswith("  crowded: "))
    assert "too many entries" in crowded
    big = next(ln for ln in lines if ln.startswith("  big: "))
    assert "archive too large" in big
    why = {m["id"]: m["reason_en"]
           for m in json.loads((out / "summary.json").read_text())["missing_why"]}
    assert "too many entries" in why["crowded"] and "archive too large" in why["big"]


@pytest.mark.parametrize("kind", ["crowded", "archive"])
def test_check_says_first_why_nothing_was_read(tmp_path, kind):
    course = tiny_with_total(tmp_path / "course")
    target = (_crowded(tmp_path / "s") if kind == "crowded"
              else _too_large_zip(tmp_path / "s.zip"))
    done = _grader("check", str(target), "--course", str(course), "--lang", "en")
    assert done.returncode == 2
    first = done.stderr.splitlines()[0]
    assert first.startswith("grader: no module found: ")
    assert ("too many entries" if kind == "crowded" else "archive too large") in first


def test_similarity_names_entries_as_grade_does(tmp_path):
    course = tiny_with_total(tmp_path / "course")
    klass = tmp_path / "class"
    klass.mkdir()
    with zipfile.ZipFile(klass / "bob.zip", "w") as z:
        z.writestr("calc.py", REFERENCE)
    (klass / "alice").mkdir()
    (klass / "alice" / "calc.py").write_text(REFERENCE, encoding="utf-8")
    from grader.similarity import Parameters, class_entries, compare_class

    entries, _ = class_entries(klass)
    run = compare_class(entries, load_course(course).assignment("a1"), [], Parameters())
    names = {s.name for s in run.analysis.submissions}
    assert names == {"alice", "bob"}


def test_symbolic_links_one_rule_named_followed_found_inside_skipped(tmp_path):
    """A folder named on the command line is followed; a link inside the class folder is not,
    and the note says the rule."""
    course = tiny_with_total(tmp_path / "course")
    real = tmp_path / "real"
    real.mkdir()
    (real / "calc.py").write_text(REFERENCE, encoding="utf-8")
    klass = tmp_path / "class"
    klass.mkdir()
    (klass / "alice").symlink_to(real)
    (klass / "carol").mkdir()
    (klass / "carol" / "calc.py").write_text(REFERENCE, encoding="utf-8")
    checked = _grader("check", str(klass / "alice"), "--course", str(course), "--format", "json")
    assert checked.returncode == 0, checked.stderr
    assert json.loads(checked.stdout)["score"] == 5
    graded = _grader("grade", str(klass), "--course", str(course), "-o", str(tmp_path / "out"),
                     "--workers", "1", "--lang", "en")
    assert graded.returncode == 0, graded.stderr
    assert "alice: symbolic link skipped: links inside the class folder are never followed" \
        in graded.stderr
    assert sorted(p.stem for p in (tmp_path / "out" / "reports").glob("*.json")) == ["carol"]


@pytest.mark.parametrize("old,new,line", [
    ("        relu: 2\n", "        relu 2\n", "        relu 2"),  # a key without its colon
    ("        tanh: 2\n", "       tanh: 2\n", "       tanh: 2"),  # one space short
    ("        sigmoid: 3\n", '        "sigmoid: 3\n', '        "sigmoid: 3'),  # an open quote
])
def test_a_yaml_syntax_error_names_the_line_to_fix(tmp_path, old, new, line):
    path = tmp_path / "course.yaml"
    text = (ROOT / "course.yaml").read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    number = path.read_text(encoding="utf-8").splitlines().index(line) + 1
    with pytest.raises(GraderError) as caught:
        load_course(path)
    said = caught.value.in_language("en")
    assert f", line {number}, column " in said and said.endswith(f"):\n    {line}")
    assert "fix the line shown" in said
    assert "<unicode string>" not in said and str(path) in said


def test_the_class_grading_guide_gives_the_steps_in_an_order_that_works():
    guide = (ROOT / "docs" / "class-grading.md").read_text(encoding="utf-8")
    steps = [ln.split()[1] for ln in guide.splitlines() if ln.startswith("grader ")]
    assert steps.index("bundle") < steps.index("release") < steps.index("grade")
    assert set(steps) <= set(main.commands)  # the real command names
