"""``grader export --nbgrader-db``: a real SQLite gradebook, read back by nbgrader's own
``nbgrader export``."""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from grader.cli import main
from grader.course.config import load_course
from grader.grading.engine import grade
from grader.report import json as json_report

pytest.importorskip("nbgrader")


def _report(result_json: dict, sid: str, name: str) -> dict:
    return {**result_json, "submission": {
        "id": sid, "name": name, "path": f"subs/{sid}", "content_sha256": "0" * 64,
        "graded_at": "2026-12-01T02:00:00Z", "seed": result_json["seed"]}}


@pytest.fixture
def batch(tiny_course: Path, tmp_path: Path) -> Path:
    """A batch folder laid out as `grader grade` writes it, from real gradings."""
    course = load_course(tiny_course)
    half = tmp_path / "half"
    half.mkdir()
    (half / "calc.py").write_text("def add(a, b):\n    return a + b\n\n"
                                  "def scale(x, k=2.0):\n    return x\n", encoding="utf-8")
    full = tiny_course / "solutions" / "a1"
    out = tmp_path / "batch" / "reports"
    out.mkdir(parents=True)
    for sid, name, sub in (("s001", "김 민수", full), ("s002", "Lee", half)):
        result = json.loads(json_report.render(grade(course, "a1", sub, seed=5)))
        (out / f"{sid}.json").write_text(json.dumps(_report(result, sid, name),
                                                    ensure_ascii=False), encoding="utf-8")
    return out.parent


def _export_round_trip(batch: Path, tmp_path: Path
                       ) -> tuple[Any, dict[str, dict[str, str]], Path]:
    """``grader export`` of ``batch`` into a new SQLite gradebook, then nbgrader's own export of
    it: the command's result, nbgrader's rows by student id, and the gradebook file (in the
    nbgrader course folder)."""
    course_dir = tmp_path / "nbcourse"
    course_dir.mkdir()
    db = course_dir / "gradebook.db"
    r = CliRunner().invoke(main, ["export", str(batch), "--nbgrader-db", f"sqlite:///{db}",
                                  "--lang", "en"])
    assert r.exit_code == 0, r.output
    return r, {row["student_id"]: row for row in _nbgrader_export(course_dir, db)}, db


def _nbgrader_export(course_dir: Path, db: Path) -> list[dict[str, str]]:
    (course_dir / "nbgrader_config.py").write_text(
        f"c = get_config()\nc.CourseDirectory.root = {str(course_dir)!r}\n"
        f"c.CourseDirectory.db_url = {'sqlite:///' + str(db)!r}\n", encoding="utf-8")
    exe = shutil.which("nbgrader", path=str(Path(sys.executable).parent)) or "nbgrader"
    done = subprocess.run([exe, "export", "--to", "grades.csv"], cwd=course_dir,
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, "HOME": str(course_dir)})
    assert done.returncode == 0, done.stderr
    with open(course_dir / "grades.csv", newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_round_trip_through_nbgrader_export(batch: Path, tmp_path: Path) -> None:
    r, rows, db = _export_round_trip(batch, tmp_path)
    assert "a1: 2 submission(s) exported" in r.output
    assert set(rows) == {"s001", "s002"}
    assert float(rows["s001"]["score"]) == 5 and float(rows["s001"]["max_score"]) == 5
    assert float(rows["s002"]["score"]) == 2 and float(rows["s002"]["max_score"]) == 5
    assert rows["s001"]["assignment"] == "a1"
    assert rows["s001"]["last_name"] == "민수" and rows["s001"]["first_name"] == "김"

    # The gradebook itself: a notebook per module, a grade cell per function with its points.
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{db}") as gb:
        nb = gb.find_notebook("calc", "a1")
        assert {c.name: c.max_score for c in nb.grade_cells} == {"test_add": 2, "test_scale": 3}
        assert gb.find_grade("test_scale", "calc", "a1", "s002").score == 0
        assert gb.find_grade("test_add", "calc", "a1", "s002").auto_score == 2

    # A regrade replaces the scores, never duplicates the student.
    report = batch / "reports" / "s002.json"
    data = json.loads(report.read_text(encoding="utf-8"))
    for f in data["functions"]:
        f["score"] = f["max_score"]
    report.write_text(json.dumps(data), encoding="utf-8")
    assert CliRunner().invoke(main, ["export", str(batch), "--nbgrader-db",
                                     f"sqlite:///{db}"]).exit_code == 0
    rows = {row["student_id"]: row for row in _nbgrader_export(db.parent, db)}
    assert len(rows) == 2 and float(rows["s002"]["score"]) == 5


def test_a_plain_folder_of_results_uses_file_names_as_ids(batch: Path, tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    for path in (batch / "reports").glob("*.json"):
        data = json.loads(path.read_text(encoding="utf-8"))
        del data["submission"]
        (plain / f"student-{path.name}").write_text(json.dumps(data), encoding="utf-8")
    db = tmp_path / "g.db"
    r = CliRunner().invoke(main, ["export", str(plain), "--nbgrader-db", f"sqlite:///{db}"])
    assert r.exit_code == 0, r.output
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{db}") as gb:
        assert sorted(s.id for s in gb.students) == ["student-s001", "student-s002"]


@pytest.mark.parametrize("change, says", [
    (lambda d: d.update(schema="other/v9"), "'schema'"),
    (lambda d: d["functions"][0].update(score="5"), "functions[0].score"),
    (lambda d: d["functions"][0].update(score=99), "between 0 and max_score"),
    (lambda d: d["functions"][0].update(name="add"), "'module.function'"),
    (lambda d: d["submission"].update(id="a b"), "student id"),
    (lambda d: d["submission"].update(graded_at="yesterday"), "ISO 8601"),
    (lambda d: d.pop("functions"), "'functions'"),
])
def test_a_bad_report_is_a_clear_error_and_nothing_is_written(batch: Path, tmp_path: Path,
                                                               change: object, says: str) -> None:
    path = batch / "reports" / "s002.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)  # type: ignore[operator]
    path.write_text(json.dumps(data), encoding="utf-8")
    db = tmp_path / "g.db"
    r = CliRunner().invoke(main, ["export", str(batch), "--nbgrader-db", f"sqlite:///{db}"])
    assert r.exit_code == 2
    assert "s002.json" in r.output and says in r.output, r.output
    assert not db.exists()


def test_an_empty_folder_is_an_error(tmp_path: Path) -> None:
    r = CliRunner().invoke(main, ["export", str(tmp_path), "--nbgrader-db",
                                  f"sqlite:///{tmp_path / 'g.db'}"])
    assert r.exit_code == 2 and "no result JSON files" in r.output


def test_roster_ids_are_used_and_grader_errors_are_not_exported(batch: Path,
                                                                tmp_path: Path) -> None:
    """`grader grade` records the roster's student id and a grader failure as status "error":
    the gradebook gets the roster id, and the failed submission is left out (never a false 0)."""
    reports = batch / "reports"
    s001 = json.loads((reports / "s001.json").read_text(encoding="utf-8"))
    s001["submission"]["student_id"] = "20261234"
    (reports / "s001.json").write_text(json.dumps(s001), encoding="utf-8")
    s002 = json.loads((reports / "s002.json").read_text(encoding="utf-8"))
    s002["submission"]["status"] = "error"
    (reports / "s002.json").write_text(json.dumps(s002), encoding="utf-8")
    r, rows, _ = _export_round_trip(batch, tmp_path)
    assert "a1: 1 submission(s) exported" in r.output
    assert "skipped s002" in r.output and "status error" in r.output
    assert set(rows) == {"20261234"} and float(rows["20261234"]["score"]) == 5


HANGUL = re.compile(r"[\uac00-\ud7a3]")


def test_export_errors_speak_one_language_and_name_the_fix(batch: Path, tmp_path: Path) -> None:
    from grader.errors import GraderError
    from grader.lms.nbgrader_export import read_batch, write_gradebook

    # A database in a folder that does not exist: the URL, the cause and what to check.
    url = f"sqlite:///{tmp_path / 'no' / 'such' / 'g.db'}"
    with pytest.raises(GraderError) as cannot:
        write_gradebook(read_batch(batch), url)
    ko, en = cannot.value.in_language("ko"), cannot.value.in_language("en")
    assert ko.startswith(f"--nbgrader-db {url}: 성적부를 열 수 없습니다 (")
    assert ko.endswith("데이터베이스 주소와 그 폴더가 있는지 확인하세요.") and "cannot" not in ko
    assert en.startswith(f"--nbgrader-db {url}: cannot open the gradebook (")
    assert en.endswith("check the database URL and that its folder exists") and not HANGUL.search(en)
    # A bad report: the file and the key.
    path = batch / "reports" / "s002.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["functions"][0]["score"] = "5"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(GraderError) as bad:
        read_batch(batch)
    assert bad.value.in_language("ko") == (f"{path}: 채점 결과 파일이 아닙니다 — 키 "
                                           f"`functions[0].score`: 숫자여야 합니다 (받은 값: '5')")
    assert bad.value.in_language("en") == (f"{path}: not a grader result: 'functions[0].score' "
                                           f"must be a number, not '5'")
