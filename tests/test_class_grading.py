"""``grader grade``: a class in parallel into a resumable folder of reports and gradebooks.

반 전체 채점 테스트: 실제 CSV·JSON 읽기, 이어서 채점하기, SIGKILL 뒤 재실행, 오류·무한 루프 제출물,
명단 오류, Canvas CSV.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import signal
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from ci_support import tiny_with_total
from conftest import REFERENCE, make_tiny_course

from grader import messages
from grader.classroom import run, summary
from grader.classroom.entries import class_entries, entry_id
from grader.classroom.pool import LocalPool
from grader.classroom.roster import RosterError, load_roster
from grader.classroom.task import CourseRef, course_hash, grade_job, read_job
from grader.course.bundle import make_bundle
from grader.course.config import load_course
from grader.errors import GraderError
from grader.lms import gradebooks as gradebook
from grader.messages import Msg
from grader.result import notes_of

SUBMISSION_FIELDS = {"id", "name", "path", "content_sha256", "graded_at", "seed", "status",
                     "course_sha256", "student_id", "section", "unlisted"}
RESULT_FIELDS = {"schema", "assignment", "score", "max_score", "seed", "isolation", "duration_s",
                 "grader_version", "functions", "notes", "limits", "modules", "refused",
                 "submission", "timing", "language", "superseded", "locations", "graded"}
WRONG_SCALE = REFERENCE.replace("return k * x", "return k + x")
HANGS = REFERENCE.replace("return k * x", "while True:\n        pass")


def make_class_of(folder: Path, sources: list[str]) -> Path:
    """Submissions s0, s1, ... each a folder with ``calc.py`` of the given source."""
    for i, source in enumerate(sources):
        (folder / f"s{i}").mkdir(parents=True)
        (folder / f"s{i}" / "calc.py").write_text(source)
    return folder


def make_class(folder: Path) -> Path:
    """alice: correct; bob: scale wrong; carol: a file not named after a module; dave: scale
    hangs; eve: a zip of a correct checkout."""
    import zipfile

    (folder / "alice").mkdir(parents=True)
    (folder / "alice" / "calc.py").write_text(REFERENCE)
    (folder / "bob").mkdir()
    (folder / "bob" / "calc.py").write_text(WRONG_SCALE)
    (folder / "carol.py").write_text(REFERENCE)
    (folder / "dave").mkdir()
    (folder / "dave" / "calc.py").write_text(HANGS)
    with zipfile.ZipFile(folder / "eve.zip", "w") as z:
        z.writestr("eve-main/exercises/a1/calc.py", REFERENCE)
    return folder


def grader_cmd(*args: str, timeout: float = 240) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "grader", *args], capture_output=True, text=True,
                          timeout=timeout)


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def reports(out: Path) -> dict[str, dict[str, Any]]:
    return {p.stem: json.loads(p.read_text(encoding="utf-8"))
            for p in sorted((out / "reports").glob("*.json"))}


# ---- entries and roster (fast) -----------------------------------------------------------------

def test_class_entries_ids_are_safe_unique_and_links_skipped(tmp_path):
    (tmp_path / "홍길동 (2).zip").write_bytes(b"")
    (tmp_path / "a.py").write_text("")
    (tmp_path / "a.zip").write_bytes(b"")
    (tmp_path / "b.tar.gz").write_bytes(b"")
    (tmp_path / "notes.txt").write_text("")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / "link").symlink_to(tmp_path, target_is_directory=True)
    entries, notes = class_entries(tmp_path)
    assert [(e.id, e.name) for e in entries] == [
        ("a", "a.py"), ("a-2", "a.zip"), ("b", "b.tar.gz"), ("홍길동_2", "홍길동 (2).zip")]
    said = [n.render("en") for n in notes]
    assert any(n.startswith("link: symbolic link skipped: links inside") for n in said)
    assert any("notes.txt" in n and "not a submission" in n for n in said)
    assert any(n.startswith("link: 심볼릭 링크라 건너뜁니다") for n in (m.render("ko") for m in notes))
    assert entry_id("../..") == "entry" and "/" not in entry_id("a/b")
    with pytest.raises(GraderError):
        class_entries(tmp_path / "a.py")


ROSTER_HEADER = "submission,student_id,name,section,canvas_id,sis_login_id\n"


@pytest.mark.parametrize("text, where", [
    ("student_id,name\n1,x\n", "column 'submission'"),
    ("submission,student_id,email\nalice,1,x\n", "column 3 'email'"),
    (ROSTER_HEADER + "alice,,A,1,2,a\n", "row 2, column 'student_id'"),
    (ROSTER_HEADER + "alice,1,A,1,2,a\nalice,2,B,1,3,b\n", "row 3, column 'submission'"),
    (ROSTER_HEADER + "alice,1,A,1,2,a\nbob,1,B,1,3,b\n", "row 3, column 'student_id'"),
    (ROSTER_HEADER + "alice,1,A\n", "row 2"),
    ("", "row 1"),
])
def test_roster_errors_name_the_row_and_column(tmp_path, text, where):
    path = tmp_path / "roster.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RosterError) as info:
        load_roster(path)
    assert where in str(info.value) and str(path) in str(info.value)


def test_a_roster_error_speaks_one_language(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text(ROSTER_HEADER + "alice,1,A,1,2,a\nbob,1,B,1,3,b\n", encoding="utf-8")
    with pytest.raises(RosterError) as info:
        load_roster(path)
    assert info.value.in_language("ko") == (
        f"{path}: 3행, 열 'student_id': 같은 학번이 2행에도 있습니다: '1'")
    assert info.value.in_language("en") == (
        f"{path}: row 3, column 'student_id': student id '1' is also on row 2")
    path.write_text("submission,name\nalice,A\n", encoding="utf-8")
    with pytest.raises(RosterError) as info:
        load_roster(path)
    assert info.value.in_language("ko") == (
        f"{path}: 1행, 열 'student_id': 필수 열이 없습니다 (필수: submission, student_id; "
        f"있는 열: submission, name)")
    assert "required column missing" in info.value.in_language("en")


def test_roster_reads_excel_utf8_with_bom(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_bytes(("\ufeff" + ROSTER_HEADER + "alice,2026001,김앨리스,A,11,alice@x\n").encode())
    student = load_roster(path)["alice"]
    assert (student.student_id, student.name, student.section, student.canvas_id,
            student.sis_login_id) == ("2026001", "김앨리스", "A", "11", "alice@x")
    path.write_bytes(b"submission,student_id\n\xff\xfe,1\n")
    with pytest.raises(RosterError, match="UTF-8"):
        load_roster(path)


def test_canvas_assignment_column_must_be_title_and_id():
    assert gradebook.canvas_column("Lab 4 실습 (12345)") == "Lab 4 실습 (12345)"
    for bad in ("Lab 4", "Lab 4 (x)", "(123)"):
        with pytest.raises(GraderError, match="TITLE"):
            gradebook.canvas_column(bad)


def test_summary_counts_each_students_catalogued_mistakes_once():
    def report(ident: str, tests: list[dict[str, Any]], status: str = "graded") -> dict[str, Any]:
        return {"score": 1.0, "max_score": 2.0, "notes": ["why"],
                "submission": {"id": ident, "status": status},
                "functions": [{"name": "m.f", "score": 1.0, "status": "partial", "tests": tests}]}

    hint = {"key": "mistake.hint", "params": {"mistake": "m_f_sign"}, "ko": "힌트: 부호",
            "en": "Hint: sign"}
    # A hint written into the message alone (an old report) is not a catalogued mistake.
    reports_ = [report("a", [{"message": "wrong", "hint": hint}, {"message": "again", "hint": hint}]),
                report("b", [{"message": "x", "hint": hint}]),
                report("d", [{"message": "x\n힌트 / Hint: 부호 / sign"}]),
                report("c", [{"message": "x", "hint": hint}], status="error")]
    s = summary.summarise(reports_, {"m.f": 2.0})
    assert s["mistakes"] == [{"function": "m.f", "hint": "힌트: 부호 / Hint: sign",
                              "hint_ko": "힌트: 부호", "hint_en": "Hint: sign", "students": 2}]
    assert s["functions"][0]["mean"] == 1.0 and s["functions"][0]["pass_rate"] == 0.0
    assert s["errors"] == [{"id": "c", "reason": "why", "reason_ko": "why", "reason_en": "why"}]
    assert "힌트: 부호 / Hint: sign" in summary.render(s)


def test_the_summary_is_written_in_one_language():
    from grader.report.text import display_width

    hint = {"key": "mistake.hint", "ko": "힌트: 부호", "en": "Hint: sign"}
    failed = Msg("task.grader_failed", reason="boom")
    reports_ = [{"score": 1.0, "max_score": 2.0, "notes": [],
                 "submission": {"id": "a", "status": "graded"},
                 "functions": [{"name": "m.f", "score": 1.0, "status": "partial",
                                "tests": [{"message": "x", "hint": hint}]}]},
                {"score": 0.0, "max_score": 2.0, "notes": [failed.render()],
                 "note_data": {failed.render(): failed.to_json()},
                 "submission": {"id": "b", "status": "error"}, "functions": []}]
    s = summary.summarise(reports_, {"m.f": 2.0}, not_graded=1)
    ko, en = summary.render(s, "ko"), summary.render(s, "en")
    assert "힌트: 부호" in ko and "Hint" not in ko and "rerun" not in ko
    assert "채점기 오류로 이 제출물을 채점하지 못했습니다: boom" in ko
    assert "다시 실행하면 이어서 채점합니다" in ko
    assert "Hint: sign" in en and "the grader failed on this submission: boom" in en
    assert not re.search(r"[\uac00-\ud7a3]", en), en
    # the table's columns line up by display width, Korean headers included
    head = next(line for line in ko.splitlines() if line.startswith("함수"))
    row = next(line for line in ko.splitlines() if line.startswith("m.f"))
    assert display_width(head) == display_width(row)


# ---- the task in process (fast) ----------------------------------------------------------------

@pytest.fixture
def tiny(tmp_path):
    course_dir = make_tiny_course(tmp_path / "course")
    course = load_course(course_dir / "course.yaml")
    ref = CourseRef("a1", course_hash(course, "a1"), root=str(course_dir))
    return course, ref


def in_process(ref: CourseRef, seed: int):
    def runner(jobs, done):
        for job in jobs:
            done(job, grade_job(ref, job, seed), "")
    return runner


def test_a_submission_the_grader_fails_on_is_an_error_never_skipped(tiny, tmp_path, monkeypatch):
    course, ref = tiny
    klass = make_class(tmp_path / "class")
    (klass / "dave" / "calc.py").write_text(REFERENCE)  # no hang: this test is about errors

    import grader.grading.engine

    real = grader.grading.engine.grade

    def flaky(course, assignment, submission, **kw):
        module = Path(submission) / "calc.py"
        if module.exists() and "k + x" in module.read_text():
            raise RuntimeError("boom")
        return real(course, assignment, submission, **kw)

    monkeypatch.setattr(grader.grading.engine, "grade", flaky)
    out = tmp_path / "out"
    batch = run.grade_class(klass, out, course=course, ref=ref, seed=3, runner=in_process(ref, 3),
                            progress=False)
    got = reports(out)
    assert set(got) == {"alice", "bob", "carol", "dave", "eve"}
    bob = got["bob"]
    assert bob["submission"]["status"] == "error" and bob["score"] == 0
    assert "boom" in notes_of(bob)[0] and {f["status"] for f in bob["functions"]} == {"error"}
    assert batch.summary["errors"][0]["id"] == "bob"
    rows = {r["submission_id"]: r for r in read_csv(out / "gradebook.csv")}
    assert rows["bob"]["status"] == "error" and rows["alice"]["total"] == "5"
    # carol.py is not named after a module: "missing", the reason first in its report.
    carol = got["carol"]
    assert carol["submission"]["status"] == "missing" and notes_of(carol)[0].startswith("과제 모듈 없음")
    assert "carol" in notes_of(carol)[0] and rows["carol"]["status"] == "missing"
    assert got["eve"]["score"] == 5  # a zip of a checkout
    # A rerun grades the error again (the grader failed, not the student), nothing else.
    monkeypatch.setattr(grader.grading.engine, "grade", real)
    again = run.grade_class(klass, out, course=course, ref=ref, seed=3,
                            runner=in_process(ref, 3), progress=False)
    assert (again.graded, again.up_to_date) == (1, 4)
    assert reports(out)["bob"]["submission"]["status"] == "graded"


# ---- the command end to end (slow: real grading processes) -------------------------------------

@pytest.mark.slow
def test_grade_writes_reports_gradebook_canvas_and_summary_then_resumes(tmp_path):
    course_dir = make_tiny_course(tmp_path / "course")
    klass = make_class(tmp_path / "class")
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER_HEADER + "alice,2026001,김앨리스,1반,101,alice@uni\n"
                      "bob,2026002,Bob Lee,2반,102,bob@uni\nzed,2026009,Zed,1반,109,zed@uni\n",
                      encoding="utf-8")
    out = tmp_path / "out"
    args = ["grade", str(klass), "--course", str(course_dir), "-o", str(out), "--workers", "2",
            "--seed", "11", "--roster", str(roster), "--format", "text", "--format", "markdown",
            "--canvas-assignment", "Lab 4 (4242)"]
    started = time.monotonic()
    done = grader_cmd(*args)
    assert done.returncode == 0, done.stderr
    # dave's loop costs one call timeout (3 s), not the whole batch.
    assert time.monotonic() - started < 120
    assert "\x1b[" not in done.stderr  # no progress bar when not a terminal
    got = reports(out)
    assert set(got) == {"alice", "bob", "carol", "dave", "eve"}
    for ident, report in got.items():
        assert set(report) == RESULT_FIELDS and report["schema"] == "grader.result/v2"
        sub = report["submission"]
        assert set(sub) == SUBMISSION_FIELDS and sub["id"] == ident and sub["seed"] == 11
        assert len(sub["content_sha256"]) == 64
        when = datetime.fromisoformat(sub["graded_at"].replace("Z", "+00:00"))
        assert when.tzinfo == timezone.utc and abs(time.time() - when.timestamp()) < 600
        assert (out / "reports" / f"{ident}.txt").is_file()
        assert (out / "reports" / f"{ident}.md").is_file()
    assert got["alice"]["submission"]["name"] == "김앨리스"
    assert got["alice"]["submission"]["student_id"] == "2026001"
    assert got["carol"]["submission"]["name"] == "carol.py"  # not on the roster
    dave = {f["name"]: f for f in got["dave"]["functions"]}
    assert dave["calc.scale"]["status"] == "timeout" and dave["calc.add"]["status"] == "passed"

    rows = read_csv(out / "gradebook.csv")
    assert list(rows[0]) == ["student_id", "name", "section", "submission_id", "total", "max",
                             "calc.add", "calc.scale", "status", "seed", "duration_s",
                             "content_sha256", "graded_at"]
    by_id = {r["submission_id"]: r for r in rows}
    assert by_id["alice"]["student_id"] == "2026001" and by_id["alice"]["section"] == "1반"
    assert (by_id["alice"]["total"], by_id["alice"]["max"]) == ("5", "5")
    assert by_id["bob"]["calc.add"] == "2" and by_id["bob"]["calc.scale"] == "0"
    assert by_id["eve"]["total"] == "5" and by_id["carol"]["status"] == "missing"

    with (out / "canvas.csv").open(encoding="utf-8", newline="") as f:
        canvas = list(csv.reader(f))
    assert canvas[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Lab 4 (4242)"]
    assert canvas[1][0] == "Points Possible" and canvas[1][5] == "5"
    alice = next(r for r in canvas if r[0] == "김앨리스")
    assert alice == ["김앨리스", "101", "2026001", "alice@uni", "1반", "5"]

    s = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert s["submissions"] == 5 and s["statuses"] == {"graded": 4, "missing": 1}
    scale = next(f for f in s["functions"] if f["function"] == "calc.scale")
    assert scale["pass_rate"] == 0.4  # alice and eve of the four graded and carol
    assert "calc.scale" in (out / "summary.txt").read_text(encoding="utf-8")
    assert "calc.scale" in done.stdout and "2026009" in done.stderr  # zed: no submission

    # A rerun grades nothing and rewrites nothing.
    stamps = {p.name: p.stat().st_mtime_ns for p in (out / "reports").glob("*.json")}
    again = grader_cmd(*args)
    assert again.returncode == 0 and "0 graded now, 5 up to date" in again.stderr
    assert stamps == {p.name: p.stat().st_mtime_ns for p in (out / "reports").glob("*.json")}
    assert read_csv(out / "gradebook.csv") == rows
    # A format asked for later is rendered from the reports, without grading.
    junit = grader_cmd(*args, "--format", "junit")
    assert "0 graded now, 5 up to date" in junit.stderr
    assert (out / "reports" / "alice.xml").read_text(encoding="utf-8").startswith("<?xml")
    assert stamps == {p.name: p.stat().st_mtime_ns for p in (out / "reports").glob("*.json")}

    # A changed submission is graded again, alone; the seed is reused from OUT without --seed.
    (klass / "bob" / "calc.py").write_text(REFERENCE)
    args_no_seed = [a for a in args if a not in ("--seed", "11")]
    third = grader_cmd(*args_no_seed)
    assert third.returncode == 0 and "1 graded now, 4 up to date (seed 11)" in third.stderr
    after = {p.name: p.stat().st_mtime_ns for p in (out / "reports").glob("*.json")}
    assert [n for n in after if after[n] != stamps[n]] == ["bob.json"]
    assert {r["submission_id"]: r for r in read_csv(out / "gradebook.csv")}["bob"]["total"] == "5"

    forced = grader_cmd(*args, "--force")
    assert forced.returncode == 0 and "5 graded now, 0 up to date" in forced.stderr


@pytest.mark.slow
def test_a_run_killed_with_sigkill_keeps_finished_reports_and_the_rerun_completes(tmp_path):
    course_dir = make_tiny_course(tmp_path / "course")
    klass = make_class_of(tmp_path / "class", [HANGS, REFERENCE] * 4)
    out = tmp_path / "out"
    args = [sys.executable, "-m", "grader", "grade", str(klass), "--course", str(course_dir),
            "-o", str(out), "--workers", "1", "--seed", "5"]
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and len(list((out / "reports").glob("*.json"))) < 2:
            time.sleep(0.1)
        os.killpg(proc.pid, signal.SIGKILL)  # the machine "dies": no handler runs
        proc.wait(10)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    kept = {p.name: p.read_bytes() for p in (out / "reports").glob("*.json")}
    assert 2 <= len(kept) < 8
    for data in kept.values():  # every report on disk is whole (written atomically)
        assert json.loads(data)["submission"]["seed"] == 5
    again = grader_cmd(*args[3:])
    assert again.returncode == 0, again.stderr
    assert f"{8 - len(kept)} graded now, {len(kept)} up to date" in again.stderr
    assert all((out / "reports" / name).read_bytes() == data for name, data in kept.items())
    assert len(read_csv(out / "gradebook.csv")) == 8


@pytest.mark.slow
def test_a_grading_past_its_deadline_is_stopped_as_an_error_and_the_pool_goes_on(tmp_path):
    course_dir = make_tiny_course(tmp_path / "course")
    yaml = course_dir / "course.yaml"  # the floor at the course's limit: the hang takes 3 s
    yaml.write_text(yaml.read_text(encoding="utf-8").replace(
        "submission_budget_s: 20}", "submission_budget_s: 20, call_floor_s: 3}"), encoding="utf-8")
    course = load_course(yaml)
    ref = CourseRef("a1", course_hash(course, "a1"), root=str(course_dir))
    klass = make_class(tmp_path / "class")
    entries, _ = class_entries(klass)
    a = course.assignment("a1")
    jobs = [read_job(e.id, e.path, e.name, a) for e in entries]
    # dave's hang takes one 3 s call timeout: a 2 s deadline stops that grading process.
    pool = LocalPool(2, ref, 1, "auto", deadline_s=2.0)
    got: dict[str, tuple[Any, str]] = {}
    started = time.monotonic()
    pool.run(jobs, lambda job, report, failure: got.__setitem__(job.id, (report, failure)))
    assert set(got) == {"alice", "bob", "carol", "dave", "eve"}
    report, failure = got["dave"]
    assert report is None and "2 s" in messages.render(failure, "en")
    assert got["alice"][0]["score"] == 5 and got["eve"][0]["score"] == 5
    assert time.monotonic() - started < 90
    assert all(not s.process.is_alive() for s in pool._slots)


@pytest.mark.slow
def test_grade_with_a_bundle_works_like_check_with_a_bundle(tmp_path):
    course_dir = tiny_with_total(tmp_path / "course")
    bundle = tmp_path / "hidden.zip"
    digest = make_bundle(load_course(course_dir / "course.yaml"), "a1", bundle)
    klass = tmp_path / "class"
    (klass / "alice").mkdir(parents=True)
    (klass / "alice" / "calc.py").write_text(REFERENCE)
    (klass / "alice" / "course.yaml").write_text("not: the course\n")
    out = tmp_path / "out"
    done = grader_cmd("grade", str(klass), "--bundle", str(bundle), "--bundle-sha256", digest,
                      "-o", str(out), "--workers", "1")
    assert done.returncode == 0, done.stderr
    report = reports(out)["alice"]
    assert report["score"] == 5 and report["submission"]["course_sha256"] == digest
    assert any(digest in n for n in notes_of(report))
    wrong = grader_cmd("grade", str(klass), "--bundle", str(bundle), "--bundle-sha256", "0" * 64,
                       "-o", str(out))
    assert wrong.returncode == 2


def test_grade_refuses_a_bad_roster_and_a_missing_folder_with_exit_2(tmp_path):
    course_dir = make_tiny_course(tmp_path / "course")
    klass = make_class(tmp_path / "class")
    roster = tmp_path / "roster.csv"
    roster.write_text("submission,student_id\nalice,\n", encoding="utf-8")
    done = grader_cmd("grade", str(klass), "--course", str(course_dir), "-o", str(tmp_path / "o"),
                      "--roster", str(roster))
    assert done.returncode == 2 and "row 2, column 'student_id'" in done.stderr
    done = grader_cmd("grade", str(tmp_path / "nope"), "--course", str(course_dir))
    assert done.returncode == 2


@pytest.mark.slow
def test_dask_local_cluster_streams_reports_into_the_same_folder(tmp_path):
    distributed = pytest.importorskip("distributed")
    course_dir = tiny_with_total(tmp_path / "course")  # sent to the workers as a bundle
    klass = make_class(tmp_path / "class")
    (klass / "dave").rename(tmp_path / "dave")  # keep it short
    out = tmp_path / "out"
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        done = grader_cmd("grade", str(klass), "--course", str(course_dir), "-o", str(out),
                          "--dask", cluster.scheduler_address, "--seed", "2")
        assert done.returncode == 0, done.stderr
        got = reports(out)
        assert set(got) == {"alice", "bob", "carol", "eve"}
        assert got["alice"]["score"] == 5 and got["bob"]["score"] == 2
        assert got["carol"]["submission"]["status"] == "missing"
        # The same resumable folder: a local rerun finds every report up to date.
        local = grader_cmd("grade", str(klass), "--course", str(course_dir), "-o", str(out),
                           "--workers", "1")
        assert "0 graded now, 4 up to date" in local.stderr, local.stderr


def test_csv_readers_accept_what_the_gradebook_writes():
    report = {"score": 2.5, "max_score": 5.0, "duration_s": 1.25,
              "functions": [{"name": "calc.add", "score": 2.0}, {"name": "calc.scale", "score": 0.5}],
              "submission": {"id": "kim", "name": 'Kim, "J"', "student_id": "7", "section": "",
                             "status": "graded", "seed": 1, "content_sha256": "ab",
                             "graded_at": "2026-01-01T00:00:00Z"}}
    rows = list(csv.DictReader(io.StringIO(gradebook.gradebook_csv([report],
                                                                   ["calc.add", "calc.scale"]))))
    assert rows[0]["name"] == 'Kim, "J"' and rows[0]["calc.scale"] == "0.5"
    error = {**report, "submission": {**report["submission"], "status": "error"}}
    canvas = list(csv.reader(io.StringIO(gradebook.canvas_csv([report, error], "L (1)", {}))))
    assert canvas[2][5] == "2.5" and canvas[3][5] == ""  # an error is left blank, never 0


@pytest.mark.slow
def test_sigterm_stops_the_batch_keeps_finished_reports_and_writes_the_gradebook(tmp_path):
    course_dir = make_tiny_course(tmp_path / "course")
    klass = make_class_of(tmp_path / "class", [REFERENCE] + [HANGS] * 5)
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "grader", "grade", str(klass), "--course",
                             str(course_dir), "-o", str(out), "--workers", "1", "--seed", "4"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not list((out / "reports").glob("*.json")):
        time.sleep(0.1)
    proc.send_signal(signal.SIGTERM)  # only the parent: it stops its grading processes itself
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    assert "rerun to continue" in stderr
    kept = sorted(p.stem for p in (out / "reports").glob("*.json"))
    assert kept and len(kept) < 6
    rows = read_csv(out / "gradebook.csv")
    assert sorted(r["submission_id"] for r in rows) == kept
    assert "not graded yet" in (out / "summary.txt").read_text(encoding="utf-8")
    assert not list((out / "reports").glob(".*"))  # no half-written temporary file
