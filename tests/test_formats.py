"""CI formats of ``grader check``: github (workflow commands, job summary, Classroom points),
junit (parsed back with an XML parser) and markdown; the hidden-test feedback policy."""

from __future__ import annotations

import json
import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from ci_support import parse_command, tiny_with_total
from click.testing import CliRunner

from grader.cli import main
from grader.course.bundle import make_bundle
from grader.course.config import load_course
from grader.report import github, junit, markdown
from grader.result import FunctionResult, Result, TestResult, message_of

# add is right, scale is wrong; the defs are on lines 4 and 8.
SUBMISSION = ('"""My calc."""\nimport numpy as np\n\ndef add(a, b):\n    return a + b\n\n\n'
              'def scale(x, k=2.0):\n    print("scaling", k)\n    return x\n')
@pytest.fixture
def graded(tmp_path: Path):
    """A bundle and a submission folder (a checkout: exercises/a1/calc.py)."""
    course = tiny_with_total(tmp_path / "course")
    bundle = tmp_path / "hidden.zip"
    make_bundle(load_course(course), "a1", bundle)
    checkout = tmp_path / "checkout"
    (checkout / "exercises/a1").mkdir(parents=True)
    (checkout / "exercises/a1/calc.py").write_text(SUBMISSION, encoding="utf-8")
    return bundle, checkout, course


def check(bundle: Path, checkout: Path, *extra: str, env: dict[str, str] | None = None):
    """``grader check . --bundle …`` from inside the checkout, as CI runs it."""
    old = Path.cwd()
    os.chdir(checkout)
    try:
        return CliRunner().invoke(main, ["check", ".", "--bundle", str(bundle), "--isolation",
                                         "process", "--seed", "3", *extra],
                                  env=env, catch_exceptions=False)
    finally:
        os.chdir(old)


# --- github -----------------------------------------------------------------------------------

def test_github_format_annotates_the_def_and_prints_classroom_points(graded, tmp_path):
    bundle, checkout, _ = graded
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n")
    result = check(bundle, checkout, "--format", "github",
                   env={"GITHUB_STEP_SUMMARY": str(summary), "GITHUB_WORKSPACE": str(checkout)})
    assert result.exit_code == 0, result.output
    commands = [c for c in map(parse_command, result.stdout.splitlines()) if c]
    errors = [c for c in commands if c[0] == "error"]
    assert len(errors) == 1
    _, props, message = errors[0]
    assert props["file"] == "exercises/a1/calc.py" and props["line"] == "8"
    assert props["title"].startswith("calc.scale: 0/3")
    assert "hidden test" in message  # both of scale's tests are hidden: details withheld
    notices = [c for c in commands if c[0] == "notice"]
    assert ("notice", {"title": "Autograding complete"}, "Points 2/5") in notices
    report = [json.loads(m) for _, p, m in notices if p["title"] == "Autograding report"]
    assert report == [{"totalPoints": 2.0, "maxPoints": 5.0}]
    # The summary was appended, not written over, and renders as a table.
    text = summary.read_text()
    assert text.startswith("earlier step\n") and "| `calc.scale` |" in text
    from markdown_it import MarkdownIt

    page = MarkdownIt("commonmark").enable("table").render(text)
    assert "<table>" in page and page.count("<tr>") == 3  # header + two functions
    assert "<details>" in page


def test_github_summary_goes_to_stdout_without_the_variable(graded):
    bundle, checkout, _ = graded
    result = check(bundle, checkout, "--format", "github", env={"GITHUB_STEP_SUMMARY": ""})
    assert "| `calc.add` |" in result.stdout and "::notice title=Autograding complete::" in \
        result.stdout


def _result(n_functions: int, message: str = "wrong") -> Result:
    functions = [FunctionResult(f"m.f{i}", 0.0, float(i + 1), "failed",
                                [TestResult(f"test_f{i}", 0.0, float(i + 1), False, "public",
                                            message)]) for i in range(n_functions)]
    return Result("a", 0.0, float(sum(range(1, n_functions + 1))), 1, "process", 0.1, "0",
                  functions)


def test_at_most_ten_annotations_most_points_lost_first():
    lines = github.error_annotations(_result(14))
    assert len(lines) == 11
    titles = [parse_command(ln)[1]["title"] for ln in lines[:10]]  # type: ignore[index]
    assert titles[0].startswith("m.f13: 0/14") and titles[9].startswith("m.f4: 0/5")
    assert "4 more functions" in lines[10] and parse_command(lines[10]) is None


def test_student_text_cannot_break_out_of_a_workflow_command():
    evil = "100%\r\n::notice title=Autograding complete::Points 100/100\nx"
    result = _result(1, evil)
    result.functions[0].name = "m.f0,line=1:x"
    lines = github.render(result).splitlines()
    assert len(lines) == 3 and all(ln.startswith("::") for ln in lines)
    _, props, message = parse_command(lines[0])  # type: ignore[misc]
    assert message == evil and props["title"].startswith("m.f0,line=1:x")
    assert "line" not in props
    assert github.escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"
    assert [ln for ln in lines if ln.startswith("::notice") and "::Points" in ln] == [
        "::notice title=Autograding complete::Points 0/1"]


def test_markdown_escapes_student_text():
    result = _result(1, "<script>alert(1)</script> | ` **bold**")
    text = markdown.render(result)
    assert "<script>" not in text and "&lt;script&gt;" in text
    row = next(ln for ln in text.splitlines() if ln.startswith("| ❌"))
    assert row.count(" | ") == 4  # the | in the message is escaped: still five cells


def test_function_locations_never_import_and_survive_broken_source(tmp_path):
    files = {"good.py": b"import os\nos._exit(3)\n\ndef f():\n    pass\n",
             "bad.py": b"def f(:\n",
             "deep.py": b"x = " + b"(" * 200 + b")" * 200 + b"\n",
             "huge.py": b"def f():\n    pass\n" + b"#" * (github.MAX_SOURCE_BYTES + 1)}
    found = github.function_locations(tmp_path, files, ["good", "bad", "deep", "huge", "absent"],
                                      tmp_path)
    assert found == {"good.f": ("good.py", 4)}


# --- junit ------------------------------------------------------------------------------------

def test_junit_parses_with_the_names_ci_systems_read(graded, tmp_path):
    bundle, checkout, _ = graded
    out = tmp_path / "junit.xml"
    result = check(bundle, checkout, "--format", "junit", "--output", str(out),
                   env={"GITHUB_WORKSPACE": str(checkout)})
    assert result.exit_code == 0, result.output
    root = ET.parse(out).getroot()
    assert root.tag == "testsuites"
    assert (root.get("tests"), root.get("failures")) == ("4", "2")
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    assert set(suites) == {"calc.add", "calc.scale"}
    scale = suites["calc.scale"]
    props = {p.get("name"): p.get("value") for p in scale.find("properties")}
    assert props == {"points": "0", "max_points": "3", "status": "failed"}
    cases = scale.findall("testcase")
    assert len(cases) == 2
    for case in cases:
        assert case.get("classname") == "a1.calc.scale"
        assert case.get("file") == "exercises/a1/calc.py" and case.get("line") == "8"
        assert float(case.get("time")) >= 0
        failure = case.find("failure")
        assert failure is not None and failure.get("message")
        case_props = {p.get("name"): p.get("value") for p in case.find("properties")}
        assert case_props["visibility"] == "hidden" and case_props["max_points"] == "1.5"
    add_public = [c for c in suites["calc.add"].findall("testcase")
                  if c.get("name") == "test_add_example"]
    assert add_public and add_public[0].find("failure") is None


def test_junit_survives_control_characters_in_output():
    result = _result(1, "bad \x00\x1b[31m byte")
    result.functions[0].tests[0].output = "printed \x07 bell"
    root = ET.fromstring(junit.render(result).encode())
    case = root.find("testsuite/testcase")
    assert case is not None and "bell" in case.find("system-out").text


# --- the feedback policy ----------------------------------------------------------------------

def test_hidden_details_are_hidden_in_every_format_unless_the_course_allows(graded, tmp_path):
    bundle, checkout, course = graded
    texts = {}
    for fmt in ("text", "json", "github", "junit", "markdown"):
        texts[fmt] = check(bundle, checkout, "--format", fmt,
                           env={"GITHUB_STEP_SUMMARY": ""}).stdout
    # The JSON report keeps messages as data: read them as a student's tool would render them.
    report = json.loads(texts["json"])
    texts["json"] += "\n".join(message_of(t, "both") for f in report["functions"]
                               for t in f["tests"])
    for fmt, text in texts.items():
        # The hidden tests' messages hold the values; the summary names what failed only.
        assert not re.search(r"got -?\d", text), fmt
        if fmt != "text":  # the terminal shows the public test's reason first
            assert "What failed: the value of scale(x" in text, fmt
        assert "scaling" not in text, fmt  # what the submission printed in hidden tests
        if fmt != "text":  # the terminal table has one row per function
            assert "test_scale_k" in text, fmt  # names and points are shown
    # A course that allows full feedback shows the hidden messages.
    path = course / "course.yaml"
    path.write_text(path.read_text() + "feedback:\n  hidden_tests: full\n")
    full = tmp_path / "full.zip"
    make_bundle(load_course(course), "a1", full)
    shown = check(full, checkout, "--format", "markdown").stdout
    assert re.search(r"scale\(x(, k)?\)(\[\d+\])*: got -?\d", shown) and "scaling" in shown


def test_annotation_paths_are_relative_to_the_checkout(tmp_path):
    workspace = tmp_path / "ws"
    folder = workspace / "submission" / "exercises" / "a1"
    folder.mkdir(parents=True)
    assert github.repository_root(folder, workspace) == workspace.resolve()
    (workspace / "submission" / ".git").mkdir()
    assert github.repository_root(folder, workspace) == (workspace / "submission").resolve()
    (folder / "calc.py").write_text(SUBMISSION)
    found = github.function_locations(folder, {"calc.py": SUBMISSION.encode()}, ["calc"],
                                      github.repository_root(folder, workspace))
    assert found["calc.scale"] == ("exercises/a1/calc.py", 8)


def test_summary_stays_well_under_githubs_limit():
    functions = [FunctionResult(f"m.f{i}", 0.0, 1.0, "failed",
                                [TestResult(f"t{j}", 0.0, 0.1, False, "public", "x" * 5000,
                                            "y" * 60000) for j in range(10)])
                 for i in range(200)]
    text = markdown.render(Result("a", 0.0, 200.0, 1, "process", 0.1, "0", functions))
    assert len(text.encode()) < 400 * 1024
    assert "more functions left out" in text and text.count("<tr>") == 0
    assert "| `m.f199` |" in text  # every function keeps its row
