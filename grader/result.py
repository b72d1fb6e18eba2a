"""The result of grading one submission — the single source for every renderer.

채점 결과 객체. 모든 보고서(터미널, JSON, ...)는 이 객체 하나에서 만들어진다.
Its JSON form is versioned: ``"schema": "grader.result/v2"``. Every note, reason and hint is
stored once, as data — a message key with plain parameters (``grader.messages.to_data``), or
plain text where there is no message — and rendered in a language only by the renderers.
``Result.from_json`` reads v2 and the v1 reports of earlier runs (which kept each message as
text beside its data), so existing class folders resume.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any

from grader import messages

SCHEMA = "grader.result/v2"
SCHEMA_V1 = "grader.result/v1"
READABLE = (SCHEMA, SCHEMA_V1)  # v1: the reports of earlier runs, so class folders resume
# The key of a withheld reason (``grader.report.feedback``); its variants share the prefix.
WITHHELD = "feedback.hidden"
# Reasons that only say an earlier failure of the same function stopped a test.
CONSEQUENCES = frozenset({"session.timed_out_before", "worker.budget"})
STATUSES = ("passed", "partial", "failed", "error", "timeout", "not_implemented", "missing")

#: A message as stored in a Result: ``{"key", "params"}`` (``messages.to_data``) or plain text.
Text = dict[str, Any] | str


def text_in(data: Text | None, lang: str = "both") -> str:
    """A stored message in ``lang`` ("ko", "en" or "both": "ko / en")."""
    if not data:
        return ""
    if isinstance(data, str):
        return data
    if "ko" in data or "en" in data:  # a v1 report: its renderings were stored
        ko, en = str(data.get("ko", "")), str(data.get("en", ""))
        if lang == "ko":
            return ko or en
        if lang == "en":
            return en or ko
        return f"{ko} / {en}" if ko != en else ko
    msg = messages.from_data(data)
    if lang != "both" or not isinstance(msg, messages.Msg):
        return messages.render(msg, lang)
    # both languages line by line ("ko / en" each), as one language's lines are read
    ko_lines, en_lines = msg.render("ko").split("\n"), msg.render("en").split("\n")
    if len(ko_lines) != len(en_lines):
        return msg.render("both")
    return "\n".join(k if k == e else f"{k} / {e}"
                     for k, e in zip(ko_lines, en_lines, strict=True))


def notes_of(report: dict[str, Any], lang: str = "both") -> list[str]:
    """A report's notes (its JSON form, v1 or v2) in ``lang``."""
    return Result.from_json(report).notes_in(lang)


def message_of(test: dict[str, Any], lang: str = "both") -> str:
    """A test's whole message (reason, then hint) from its JSON form, in ``lang``."""
    return TestResult.from_json(test).message_in(lang)


def key_of(data: Text | None) -> str:
    """The message key of a stored message ("" for plain text)."""
    return str(data.get("key", "")) if isinstance(data, dict) else ""


def _withheld(data: Text | None) -> bool:
    """A withheld reason, alone or first of its lines (``grader.report.feedback``)."""
    if not isinstance(data, dict):
        return False
    if key_of(data).startswith(WITHHELD):
        return True
    params = data.get("params")
    return key_of(data) == "messages.lines" and isinstance(params, dict) \
        and _withheld(params.get("first"))


@dataclass(init=False)
class TestResult:

    __test__ = False  # not a pytest test class
    name: str
    score: float
    max_score: float
    passed: bool
    visibility: str  # "public" or "hidden"
    output: str  # what the student's code printed during the test (capped)
    duration_s: float  # wall clock of the test (JUnit's time)
    # The catalogued mistake that explains the failure (a message as data), if any.
    hint: dict[str, Any] | None
    # Wrong functions of the student that this (right) function called: it earned its share
    # through a stand-in rerun (``grader.grading.reruns``).
    culprits: list[str]
    # Why it failed, without the hint: a message as data, or plain text; None when it passed.
    reason: Text | None

    def __init__(self, name: str, score: float, max_score: float, passed: bool,
                 visibility: str, message: str = "", output: str = "", duration_s: float = 0.0,
                 hint: dict[str, Any] | None = None, culprits: list[str] | None = None,
                 reason: Text | None = None) -> None:
        """``message``: the reason as plain text, when it is not a message (``reason``)."""
        self.name, self.score, self.max_score = name, score, max_score
        self.passed, self.visibility = passed, visibility
        self.output, self.duration_s = output, duration_s
        self.hint, self.culprits = hint, list(culprits or [])
        if message and hint:  # text from before hints were their own field ended with it
            rendered = text_in(hint, "both")
            message = message[: -len(rendered)].rstrip("\n") if message.endswith(rendered) \
                else message
        self.reason = reason if reason else (message or None)

    @property
    def message(self) -> str:
        """The whole message in both languages (the reason, then the hint)."""
        return self.message_in("both")

    @property
    def withheld(self) -> bool:
        """Its reason is withheld from the student (a hidden test, ``feedback.hidden_tests``)."""
        return _withheld(self.reason)

    def hint_text(self, lang: str = "both") -> str:
        """The hint in ``lang`` ("ko", "en" or "both"), or ""."""
        return text_in(self.hint, lang)

    def reason_in(self, lang: str = "both") -> str:
        """Why it failed, in ``lang``, without the hint ("" when it passed).

        실패 이유를 한 언어로 (힌트 제외) / the failure reason in one language, hint excluded."""
        return text_in(self.reason, lang)

    def message_in(self, lang: str = "both") -> str:
        """The whole message in ``lang``: the reason, then the hint on its own line."""
        hint = self.hint_text(lang)
        text = self.reason_in(lang)
        return f"{text}\n{hint}" if hint and text else hint or text

    @classmethod
    def from_json(cls, data: dict[str, Any], schema: str = SCHEMA) -> TestResult:
        known = {f.name for f in fields(cls)}
        kept = {k: v for k, v in data.items() if k in known}
        if schema == SCHEMA_V1 and not kept.get("reason"):  # v1: the message as text
            kept["message"] = str(data.get("message") or "")
        return cls(**kept)


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
        """The test that lost points whose reason helps most (None when none did): the first
        whose reason the student may read, else the first whose details are withheld."""
        failing = [t for t in self.tests if not t.passed and (t.message or t.reason)]
        readable = [t for t in failing if not t.withheld]
        # A reason that only says an earlier failure stopped this test tells less than its own.
        telling = next((t for t in readable if key_of(t.reason) not in CONSEQUENCES),
                       None)
        return telling or next(iter(readable), failing[0] if failing else None)

    def reason_in(self, lang: str = "both") -> str:
        """The most useful reason it lost points, in ``lang``, without the hint ("" when none)."""
        first = self.first_failure
        return first.reason_in(lang) if first else ""

    def hint_in(self, lang: str = "both") -> str:
        """The first hint among the tests that lost points, in ``lang`` ("" when none): a
        recognised mistake may show on any of them."""
        return next((t.hint_text(lang) for t in self.tests if not t.passed and t.hint), "")

    def summary_in(self, lang: str = "both") -> str:
        """The most useful reason, then the function's hint on its own line ("" when none)."""
        return "\n".join(part for part in (self.reason_in(lang).strip(), self.hint_in(lang))
                         if part)


@dataclass(frozen=True)
class RefusedFile:
    """A file of the submission that was not read, and why (see ``grader.intake.reader``).

    제출물에서 읽지 않은 파일과 그 이유. 그 파일은 없는 것으로 채점된다 / graded as missing.
    """

    path: str  # inside the submission, '/'-separated ("exercises/lec04/activations.py")
    reason: str  # a code of ``grader.intake.reader.REASONS`` ("symlink", "special", "too_large", ...)
    message: str  # "한국어 / English" (for readers of the file list alone)
    data: dict[str, Any] | None = None  # the message as data

    def message_in(self, lang: str = "both") -> str:
        """Why the file was not read, in ``lang`` ("ko", "en" or "both")."""
        return text_in(self.data, lang) if self.data else self.message


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
    notes: list[Text] = field(default_factory=list)  # remarks about the whole run, as data
    limits: dict[str, float] = field(default_factory=dict)  # course.yaml limits in force
    # The modules whose functions were graded (one, when a single module file was checked).
    modules: list[str] = field(default_factory=list)
    refused: list[RefusedFile] = field(default_factory=list)  # files not read, each with a reason
    # Seconds of duration_s in student calls, in reference calls and the grader's own
    # (``grader.grading.timing.breakdown``); empty when not measured.
    timing: dict[str, float] = field(default_factory=dict)
    submission: Submission | None = None  # set by class grading only (omitted from JSON if None)
    # The language reports render messages in: "ko", "en" or "both" (``--lang``, else
    # course.language, else the locale; see ``grader.messages.choose_language``).
    language: str = "both"
    # Public tests not run because a hidden test supersedes them (``supersedes`` marker):
    # {"function", "test"} each, e.g. backprop.train_xor's test_train_xor_learns_xor.
    superseded: list[dict[str, str]] = field(default_factory=list)
    # The submission graded, as a full path (`grader check`; every report's header says it).
    graded: str = ""
    # The HTML report's pictures, computed in the grading's own worker session
    # (``grader.report.pictures.in_session``): ``Pictures.to_json()``; None when not asked for.
    pictures: dict[str, Any] | None = None
    # Where each of the student's functions is defined: "module.function" -> [file, line],
    # found once at staging (``grader.grading.steps.function_locations``).
    locations: dict[str, list[Any]] = field(default_factory=dict)

    def add_note(self, note: messages.Msg | Text, at: int | None = None) -> None:
        """Add a note (a message, kept as data; or plain text), last or at ``at``."""
        data = messages.to_data(note) if isinstance(note, messages.Msg) else note
        self.notes.insert(len(self.notes) if at is None else at, data)

    def notes_in(self, lang: str | None = None) -> list[str]:
        """The notes in ``lang`` (default: the result's language)."""
        lang = lang or self.language
        return [text_in(n, lang) for n in self.notes]

    def note_keys(self) -> list[str]:
        """The message key of each note ("" for plain text)."""
        return [key_of(n) for n in self.notes]

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

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Result:
        """The one reader of a report (v2, or v1 from earlier runs); unknown keys are ignored,
        so reports with fields added later still load. Raises ValueError for another schema."""
        schema = data.get("schema")
        if schema not in READABLE:
            raise ValueError(f"not a {SCHEMA} report (schema {schema!r})")

        def only(klass: Any, raw: dict[str, Any]) -> dict[str, Any]:
            names = {f.name for f in fields(klass)}
            return {k: v for k, v in raw.items() if k in names}

        functions = [FunctionResult(**{**only(FunctionResult, f), "tests": [
            TestResult.from_json(t, str(schema)) for t in f.get("tests", [])]})
            for f in data.get("functions", [])]
        kept = only(cls, data)
        kept["functions"] = functions
        kept["refused"] = [RefusedFile(**only(RefusedFile, r)) for r in data.get("refused", [])]
        sub = data.get("submission")
        kept["submission"] = Submission(**only(Submission, sub)) if isinstance(sub, dict) \
            else None
        if schema == SCHEMA_V1:  # v1: notes were texts, their data looked up by the text
            by_text = data.get("note_data") or {}
            kept["notes"] = [by_text.get(n, n) if isinstance(n, str) else n
                             for n in data.get("notes", [])]
        return cls(**kept)
