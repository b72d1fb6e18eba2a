"""The result of grading one submission — the single source for every renderer.

채점 결과 객체. 모든 보고서(터미널, JSON, ...)는 이 객체 하나에서 만들어진다.
Its JSON form is versioned: ``"schema": "grader.result/v1"``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

SCHEMA = "grader.result/v1"
STATUSES = ("passed", "partial", "failed", "error", "timeout", "not_implemented", "missing")


@dataclass
class TestResult:

    __test__ = False  # not a pytest test class
    name: str
    score: float
    max_score: float
    passed: bool
    visibility: str  # "public" or "hidden"
    message: str = ""
    output: str = ""  # what the student's code printed during the test (capped)
    duration_s: float = 0.0  # wall clock of the test (JUnit's time)
    # The catalogued mistake that explains the failure: {"key", "params", "ko", "en"} (a
    # ``grader.messages.Msg`` as data); ``message`` also ends with it, rendered, for old readers.
    hint: dict[str, Any] | None = None
    # Wrong functions of the student that this (right) function called: it earned its share
    # through a stand-in rerun (``grader.standins``).
    culprits: list[str] = field(default_factory=list)

    def hint_text(self, lang: str = "both") -> str:
        """The hint in ``lang`` ("ko", "en" or "both"), or ""."""
        if not self.hint:
            return ""
        ko, en = str(self.hint.get("ko", "")), str(self.hint.get("en", ""))
        return ko if lang == "ko" else en if lang == "en" else f"{ko} / {en}"


@dataclass
class FunctionResult:
    name: str  # "module.function"
    score: float
    max_score: float
    status: str
    tests: list[TestResult] = field(default_factory=list)

    @property
    def reason(self) -> str:
        """The first reason it lost points (empty when it lost none)."""
        for t in self.tests:
            if not t.passed and t.message:
                return t.message
        return ""


@dataclass(frozen=True)
class RefusedFile:
    """A file of the submission that was not read, and why (see ``grader.intake``).

    제출물에서 읽지 않은 파일과 그 이유. 그 파일은 없는 것으로 채점된다 / graded as missing.
    """

    path: str  # inside the submission, '/'-separated ("exercises/lec04/activations.py")
    reason: str  # a code of ``grader.intake.REASONS`` ("symlink", "special", "too_large", ...)
    message: str  # "한국어 / English"


@dataclass
class Submission:
    """Which submission of a class a result is for (``grader grade``; absent for ``check``).

    반 전체 채점에서 이 결과가 어느 학생 제출물의 것인지 / who and what was graded.
    """

    id: str  # the entry's id in the class folder (OUT/reports/<id>.json)
    name: str  # the student's name from the roster, else the entry's name
    path: str  # the entry as found in the class folder
    content_sha256: str  # of the bytes intake read (see grader.classroom.task.content_hash)
    graded_at: str  # UTC, ISO 8601 ("2026-12-01T02:30:00Z")
    seed: int
    status: str = "graded"  # "graded", "missing" (no module found) or "error" (the grader failed)
    course_sha256: str = ""  # the course or bundle graded with (part of the resume key)
    student_id: str = ""  # from the roster, else the entry's id
    section: str = ""


@dataclass
class Result:
    assignment: str
    score: float
    max_score: float
    seed: int
    isolation: str
    duration_s: float
    grader_version: str
    functions: list[FunctionResult] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # bilingual remarks about the whole run
    limits: dict[str, float] = field(default_factory=dict)  # course.yaml limits in force
    # The modules whose functions were graded (one, when a single module file was checked).
    modules: list[str] = field(default_factory=list)
    refused: list[RefusedFile] = field(default_factory=list)  # files not read, each with a reason
    # Seconds of duration_s in student calls, in reference calls and the grader's own
    # (``grader.timing.breakdown``); empty when not measured.
    timing: dict[str, float] = field(default_factory=dict)
    submission: Submission | None = None  # set by class grading only (omitted from JSON if None)
    language: str = "ko"  # course.language: the language reports render messages in by default

    def function(self, name: str) -> FunctionResult:
        for f in self.functions:
            if f.name == name:
                return f
        raise KeyError(name)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        if data["submission"] is None:
            del data["submission"]
        return {"schema": SCHEMA, **data}
