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
    # Why it failed, as data: {"key", "params", "ko", "en"} (``ko``/``en``: the whole reason in
    # that language, without the hint). None when it passed or the reason is plain text (then
    # ``message`` is all there is). ``message`` stays the "ko / en" text for old readers.
    reason: dict[str, Any] | None = None

    def hint_text(self, lang: str = "both") -> str:
        """The hint in ``lang`` ("ko", "en" or "both"), or ""."""
        return _in_lang(self.hint, lang)

    def reason_in(self, lang: str = "both") -> str:
        """Why it failed, in ``lang``, without the hint ("" when it passed).

        실패 이유를 한 언어로 (힌트 제외) / the failure reason in one language, hint excluded."""
        if self.reason:
            return _in_lang(self.reason, lang)
        hint = self.hint_text("both")
        text = self.message
        if hint and text.endswith("\n" + hint):  # old results: the hint is the last line
            text = text[: -len(hint) - 1]
        return text

    def message_in(self, lang: str = "both") -> str:
        """The whole message in ``lang``: the reason, then the hint on its own line.

        ``message`` when the reason is not data (results written before reasons were)."""
        if not self.reason:
            return self.message
        hint = self.hint_text(lang)
        text = self.reason_in(lang)
        return f"{text}\n{hint}" if hint and text else hint or text


def _in_lang(data: dict[str, Any] | None, lang: str) -> str:
    """A message stored as data ({"ko", "en", ...}) in ``lang``; "both" is "ko / en"."""
    if not data:
        return ""
    ko, en = str(data.get("ko", "")), str(data.get("en", ""))
    if lang == "ko":
        return ko or en
    if lang == "en":
        return en or ko
    return f"{ko} / {en}" if ko != en else ko


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

    @property
    def first_failure(self) -> TestResult | None:
        """The first test that lost points (None when none did)."""
        return next((t for t in self.tests if not t.passed and (t.message or t.reason)), None)

    def reason_in(self, lang: str = "both") -> str:
        """The first reason it lost points, in ``lang``, without the hint ("" when none)."""
        first = self.first_failure
        return first.reason_in(lang) if first else ""

    def hint_in(self, lang: str = "both") -> str:
        """The hint of the first test that lost points, in ``lang`` ("" when none)."""
        first = self.first_failure
        return first.hint_text(lang) if first else ""


@dataclass(frozen=True)
class RefusedFile:
    """A file of the submission that was not read, and why (see ``grader.intake``).

    제출물에서 읽지 않은 파일과 그 이유. 그 파일은 없는 것으로 채점된다 / graded as missing.
    """

    path: str  # inside the submission, '/'-separated ("exercises/lec04/activations.py")
    reason: str  # a code of ``grader.intake.REASONS`` ("symlink", "special", "too_large", ...)
    message: str  # "한국어 / English"
    data: dict[str, Any] | None = None  # the message as data: {"key", "params", "ko", "en"}

    def message_in(self, lang: str = "both") -> str:
        """Why the file was not read, in ``lang`` ("ko", "en" or "both")."""
        return _in_lang(self.data, lang) if self.data else self.message


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
    # The language reports render messages in: "ko", "en" or "both" (``--lang``, else
    # course.language, else the locale; see ``grader.messages.choose_language``).
    language: str = "both"
    # The notes that are catalogued messages, as data: a note's text ("ko / en") -> {"key",
    # "params", "ko", "en"}. ``notes`` stays the list of texts for old readers.
    note_data: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Public tests not run because a hidden test supersedes them (``supersedes`` marker):
    # {"function", "test"} each, e.g. backprop.train_xor's test_train_xor_learns_xor.
    superseded: list[dict[str, str]] = field(default_factory=list)
    # The HTML report's pictures, computed in the grading's own worker session
    # (``grader.pictures.in_session``): ``Pictures.to_json()``; None when not asked for.
    pictures: dict[str, Any] | None = None

    def add_note(self, text: str, data: dict[str, Any] | None = None) -> None:
        """Add a note (its "ko / en" text, and its message as data when it has one)."""
        self.notes.append(text)
        if data:
            self.note_data[text] = data

    def notes_in(self, lang: str | None = None) -> list[str]:
        """The notes in ``lang`` (default: the result's language); a note that is not data yet
        stays as written ("ko / en")."""
        lang = lang or self.language
        return [_in_lang(self.note_data[n], lang) if n in self.note_data else n for n in self.notes]

    def refused_in(self, lang: str | None = None) -> list[str]:
        """"path: why" for each refused file, in ``lang`` (default: the result's language)."""
        lang = lang or self.language
        return [f"{r.path}: {r.message_in(lang)}" for r in self.refused]

    def function(self, name: str) -> FunctionResult:
        for f in self.functions:
            if f.name == name:
                return f
        raise KeyError(name)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        for optional in ("submission", "pictures"):
            if data[optional] is None:
                del data[optional]
        return {"schema": SCHEMA, **data}
