"""``--format junit``: JUnit XML for GitHub test reporters, GitLab and Jenkins.

JUnit XML 보고서: ``testsuites`` > 함수마다 ``testsuite`` > 테스트마다 ``testcase``.

Written with ``xml.etree`` from the result object (the ``junit-xml`` package is unmaintained).
Each ``testcase`` has ``classname`` (``<assignment>.<module>.<function>``), ``name``, ``file``
and ``line`` (the student's ``def``, when found), ``time``, a ``failure`` with a one-line
``message`` and the whole text, ``system-out`` with what the student's code printed, and its
points in ``properties``. Characters XML 1.0 cannot carry (a submission may print any byte)
are replaced, so the file always parses.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from grader.report.github import Locations
from grader.result import FunctionResult, Result, TestResult

# Characters that XML 1.0 does not allow, even escaped.
_INVALID_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _text(value: str) -> str:
    return _INVALID_XML.sub("\ufffd", value)


def _first_line(text: str) -> str:
    stripped = text.strip()
    return stripped.splitlines()[0][:300] if stripped else ""


def _properties(parent: ET.Element, **values: object) -> None:
    props = ET.SubElement(parent, "properties")
    for name, value in values.items():
        ET.SubElement(props, "property", name=name, value=_text(str(value)))


def _points(x: float) -> str:
    return f"{x:g}"


def _testcase(suite: ET.Element, result: Result, f: FunctionResult, t: TestResult | None,
              locations: Locations) -> ET.Element:
    file, line = locations.get(f.name, (None, None))
    case = ET.SubElement(suite, "testcase", classname=f"{result.assignment}.{f.name}",
                         name=_text(t.name if t else f.name),
                         time=f"{t.duration_s if t else 0.0:.3f}")
    if file:
        case.set("file", _text(file))
    if line:
        case.set("line", str(line))
    if t is None:  # a graded function without tests (e.g. a partial grading)
        _properties(case, points=0, max_points=_points(f.max_score), visibility="none")
        ET.SubElement(case, "failure", message=f"{f.status}", type=f.status).text = f.status
        return case
    _properties(case, points=_points(t.score), max_points=_points(t.max_score),
                visibility=t.visibility)
    if not t.passed:
        message = t.message_in(result.language)
        failure = ET.SubElement(case, "failure", message=_text(_first_line(message) or f.status),
                                type=f.status)
        failure.text = _text(message)
    if t.output:
        ET.SubElement(case, "system-out").text = _text(t.output)
    return case


def render(result: Result, locations: Locations | None = None) -> str:
    locations = locations or {}
    root = ET.Element("testsuites", name=f"grader {result.assignment}",
                      time=f"{result.duration_s:.3f}")
    _properties(root, points=_points(result.score), max_points=_points(result.max_score),
                seed=result.seed, isolation=result.isolation,
                grader_version=result.grader_version, graded=result.graded)
    props = root.find("properties")
    assert props is not None
    for note in result.notes_in():  # e.g. the bundle's hash, reduced isolation
        ET.SubElement(props, "property", name="note", value=_text(note))
    total_tests = total_failures = 0
    for f in result.functions:
        tests: list[TestResult | None] = list(f.tests) or [None]
        failures = sum(1 for t in tests if t is None or not t.passed)
        suite = ET.SubElement(root, "testsuite", name=f.name, tests=str(len(tests)),
                              failures=str(failures), errors="0", skipped="0",
                              time=f"{sum(t.duration_s for t in f.tests):.3f}")
        _properties(suite, points=_points(f.score), max_points=_points(f.max_score),
                    status=f.status)
        for t in tests:
            _testcase(suite, result, f, t, locations)
        total_tests += len(tests)
        total_failures += failures
    root.set("tests", str(total_tests))
    root.set("failures", str(total_failures))
    root.set("errors", "0")
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"
