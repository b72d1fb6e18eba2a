"""`grader check` through click's CliRunner and as a real subprocess."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from grader.cli import main
from grader.result import message_of

BUGGY = "def add(a, b):\n    return a - b\n\ndef scale(x, k=2.0):\n    return k * x\n"


def run(*args: str, cwd: Path | None = None):
    runner = CliRunner()
    old = Path.cwd()
    try:
        if cwd is not None:
            os.chdir(cwd)
        return runner.invoke(main, list(args), catch_exceptions=False)
    finally:
        os.chdir(old)


def test_check_stubs_from_inside_the_course_prints_the_table(tiny_course, monkeypatch):
    # The tiny course sets no language: the locale decides (Korean here, English in C).
    monkeypatch.setenv("LC_ALL", "ko_KR.UTF-8")
    result = run("check", "--isolation", "process", cwd=tiny_course)
    assert result.exit_code == 0, result.output
    # the terminal report: the module's table, one row per function, in the locale's language
    assert re.search(r"calc\.py\n· add +0/2 +미구현\n· scale +0/3 +미구현", result.output)
    assert "0 / 5" in result.output
    monkeypatch.setenv("LC_ALL", "C.UTF-8")
    result = run("check", "--isolation", "process", cwd=tiny_course)
    assert re.search(r"calc\.py\n· add +0/2 +not implemented\n· scale +0/3 +not implemented",
                     result.output), result.output


def test_json_report_has_the_v2_schema(tiny_course, tmp_path):
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "calc.py").write_text(BUGGY, encoding="utf-8")
    result = run("check", str(sub), "--course", str(tiny_course), "--format", "json",
                 "--seed", "7", "--isolation", "process")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["schema"] == "grader.result/v2"
    assert {"score", "max_score", "assignment", "seed", "isolation", "duration_s",
            "grader_version", "functions"} <= set(report)
    assert report["seed"] == 7 and report["assignment"] == "a1" and report["max_score"] == 5
    timing = report["timing"]  # where duration_s went: student, reference, the grader's own
    assert set(timing) == {"student_calls_s", "reference_calls_s", "grader_s"}
    assert timing["student_calls_s"] > 0 and sum(timing.values()) <= report["duration_s"] + 0.01
    assert report["limits"]["call_timeout_s"] == 3 and report["limits"]["memory_mb"] == 1024
    add, scale = report["functions"]
    assert add["name"] == "calc.add" and add["status"] == "failed" and add["score"] == 0
    assert scale["status"] == "passed" and scale["score"] == 3 and report["score"] == 3
    visibilities = {t["visibility"] for t in add["tests"]}
    assert visibilities == {"public", "hidden"}
    assert all({"name", "score", "max_score", "passed", "visibility", "reason"} <= set(t)
               for t in add["tests"])


def test_output_file_fail_under_and_usage_errors(tiny_course, tmp_path):
    out = tmp_path / "reports" / "r.json"
    result = run("check", str(tiny_course / "solutions" / "a1"), "--course", str(tiny_course),
                 "--format", "json", "--output", str(out), "--fail-under", "5",
                 "--isolation", "process")
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text(encoding="utf-8"))["score"] == 5
    assert [p.name for p in out.parent.iterdir()] == ["r.json"]  # no temporary file left

    below = run("check", "--course", str(tiny_course), "--fail-under", "1",
                "--isolation", "process")
    assert below.exit_code == 1

    missing = run("check", str(tmp_path / "nope"), "--course", str(tiny_course))
    assert missing.exit_code == 2 and "path does not exist" in missing.output

    (tmp_path / "bad.yaml").write_text("course: {title: {ko: x}}\nassignments: {}\n")
    broken = run("check", "--course", str(tmp_path / "bad.yaml"))
    assert broken.exit_code == 2 and "course.title.en" in broken.output


def test_same_seed_same_report_apart_from_timings(tiny_course, tmp_path):
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "calc.py").write_text(BUGGY, encoding="utf-8")
    reports = []
    for seed in (3, 3, 4):
        result = run("check", str(sub), "--course", str(tiny_course), "--format", "json",
                     "--seed", str(seed), "--isolation", "process")
        data = json.loads(result.stdout)
        data.pop("duration_s")
        data.pop("timing")  # seconds: differ from run to run
        for f in data["functions"]:  # timings differ from run to run
            for t in f["tests"]:
                t.pop("duration_s")
        reports.append(data)
    assert reports[0] == reports[1]
    msgs = [[t["reason"] for f in r["functions"] for t in f["tests"]] for r in reports]
    assert msgs[0] != msgs[2]  # another seed draws other inputs, so other values in messages


def test_real_subprocess_exit_codes(tiny_course):
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    ok = subprocess.run([sys.executable, "-m", "grader", "check", "--isolation", "process"],
                        cwd=tiny_course, capture_output=True, text=True, env=env, timeout=120)
    assert ok.returncode == 0, ok.stderr
    assert "calc.py" in ok.stdout and "· add" in ok.stdout
    bad = subprocess.run([sys.executable, "-m", "grader", "check", "--assignment", "zz"],
                         cwd=tiny_course, capture_output=True, text=True, env=env, timeout=120)
    assert bad.returncode == 2 and "zz" in bad.stderr


DIES = "import os\n\ndef add(a, b):\n    os._exit(0)\n\ndef scale(x, k=2.0):\n    os._exit(1)\n"


def test_a_submission_that_kills_every_worker_still_gets_a_complete_report(tiny_course, tmp_path):
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "calc.py").write_text(DIES, encoding="utf-8")
    out = tmp_path / "r.json"
    result = run("check", str(sub), "--course", str(tiny_course), "--format", "json",
                 "--output", str(out), "--isolation", "process")
    assert result.exit_code == 0, result.output
    report = json.loads(out.read_text(encoding="utf-8"))
    assert [(f["name"], f["status"], f["score"]) for f in report["functions"]] == [
        ("calc.add", "error", 0), ("calc.scale", "error", 0)]
    assert all("exit code" in message_of(t) for f in report["functions"] for t in f["tests"])


def test_output_is_replaced_atomically(tmp_path, monkeypatch):
    from grader.report import write_atomically

    target = tmp_path / "r.json"
    target.write_text("old", encoding="utf-8")

    def crash(src, dst):
        raise OSError("disk gone")

    monkeypatch.setattr(os, "replace", crash)
    try:
        write_atomically(target, "new")
    except OSError:
        pass
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["r.json"]  # no half-written temporary
    monkeypatch.undo()
    write_atomically(target, "new")
    assert target.read_text(encoding="utf-8") == "new"
