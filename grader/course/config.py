"""Loading and validating ``course.yaml``.

과목 설정 파일(course.yaml)을 읽고 검증한다. 잘못된 항목은 파일, 키, 기대값, 실제값을 알려 준다.
A broken file gets an error naming the file, the key, what was expected and what was found;
unknown keys are errors, not silence.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from grader.errors import GraderError
from grader.intake import safe_parse
from grader.messages import Msg

COURSE_FILE = "course.yaml"
LANGUAGES = ("ko", "en")
# What a student sees of a failing hidden test: its name and points only ("summary"), or also
# its message, inputs and expected values ("full").
HIDDEN_FEEDBACK = ("summary", "full")
_EPS = 1e-9


def _expect(what: str, **params: Any) -> Msg:
    """What a key's value must be, as a message (``course.expect.<what>``)."""
    return Msg(f"course.expect.{what}", **params)


@dataclass(frozen=True)
class Limits:
    """Limits of one student worker; see course.yaml for what each means."""

    call_timeout_s: float = 10.0
    submission_budget_s: float = 120.0
    cpu_s: float = 60.0
    memory_mb: int = 1024
    file_size_mb: int = 16
    output_bytes: int = 65536
    # A call's own limit (``grader.grading.time_limits``): this many times the reference's time on the
    # same inputs, at least ``call_floor_s``, at most ``call_timeout_s``.
    call_factor: float = 300.0
    call_floor_s: float = 1.0


@dataclass(frozen=True)
class Tolerances:
    rtol: float = 1e-6
    atol: float = 1e-9


@dataclass(frozen=True)
class Assignment:
    name: str
    title: dict[str, str]
    # module -> function -> points, in the order of course.yaml
    exercises: dict[str, dict[str, float]]
    contract_version: int = 1
    # The points the course announces (``total:``); when set, the functions' points must add
    # up to it, so a changed point value cannot go unnoticed.
    total: float | None = None

    @property
    def modules(self) -> list[str]:
        return list(self.exercises)

    @property
    def functions(self) -> dict[str, float]:
        """``"module.function"`` -> points."""
        return {
            f"{module}.{fn}": points
            for module, fns in self.exercises.items()
            for fn, points in fns.items()
        }

    @property
    def max_score(self) -> float:
        return sum(self.functions.values())

    def only(self, modules: Iterable[str]) -> Assignment:
        """The same assignment reduced to some of its modules (a partial grading)."""
        keep = set(modules)
        unknown = keep - set(self.exercises)
        if unknown:
            raise GraderError(Msg("course.not_modules", assignment=self.name,
                                  modules=", ".join(sorted(unknown))))
        return replace(self, exercises={m: f for m, f in self.exercises.items() if m in keep},
                       total=None)

    def only_functions(self, names: Iterable[str]) -> Assignment:
        """The same assignment reduced to some of its graded functions (``module.function``):
        an in-notebook check of the functions just edited."""
        keep = set(names)
        kept = {m: {f: p for f, p in fns.items() if f"{m}.{f}" in keep}
                for m, fns in self.exercises.items()}
        return replace(self, exercises={m: f for m, f in kept.items() if f}, total=None)


@dataclass(frozen=True)
class Feedback:
    """What the reports show students (``feedback:`` in course.yaml)."""

    hidden_tests: str = "summary"  # one of HIDDEN_FEEDBACK


# Import names a course may never list under worker.packages: the grader's own code, the
# reference, and what the worker already has.
_RESERVED_PACKAGES = frozenset({"grader", "solutions", "exercises", "numpy", "pytest"})


@dataclass(frozen=True)
class WorkerOptions:
    """``worker:`` in course.yaml: extra packages student code may import (read-only), e.g.
    ``worker: {packages: [matplotlib]}`` so that a notebook's plots run (backend Agg)."""

    packages: tuple[str, ...] = ()  # top-level import names, with their dependencies


@dataclass(frozen=True)
class Course:
    path: Path
    title: dict[str, str]
    language: str  # "ko", "en", or "" when course.yaml does not say
    limits: Limits
    tolerances: Tolerances
    assignments: dict[str, Assignment] = field(default_factory=dict)
    feedback: Feedback = field(default_factory=Feedback)
    worker: WorkerOptions = field(default_factory=WorkerOptions)
    # Share of a test's points earned by a right function whose test failed only because it
    # called another graded function of the student that is wrong (``scoring.dependency_credit``
    # in course.yaml, 0 to 1; see ``grader.grading.reruns``).
    dependency_credit: float = 1.0

    @property
    def root(self) -> Path:
        return self.path.parent

    def exercises_dir(self, assignment: str) -> Path:
        return self.root / "exercises" / assignment

    def solutions_dir(self, assignment: str) -> Path:
        return self.root / "solutions" / assignment

    def assignment(self, name: str | None) -> Assignment:
        """The named assignment, or the only one when ``name`` is None."""
        if name is None:
            if len(self.assignments) == 1:
                return next(iter(self.assignments.values()))
            raise GraderError(Msg("course.choose_assignment", names=", ".join(self.assignments)))
        if name not in self.assignments:
            raise GraderError(Msg("course.no_assignment", path=str(self.path), name=name,
                                  known=", ".join(self.assignments) or Msg("course.none")))
        return self.assignments[name]


class _Checker:
    """Walks the parsed YAML and reports the first problem with its key path."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, key: str, expected: Msg, found: Any) -> GraderError:
        shown = repr(found) if not isinstance(found, dict) else _expect("mapping")
        return GraderError(Msg("course.wrong_value", path=str(self.path), key=key,
                               expected=expected, found=shown))

    def mapping(self, value: Any, key: str, allowed: set[str] | None = None,
                required: frozenset[str] | set[str] = frozenset()) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(key, _expect("mapping"), value)
        for k in value:
            if not isinstance(k, str):
                raise self.fail(key, _expect("string_keys"), k)
            if allowed is not None and k not in allowed:
                raise GraderError(Msg("course.unknown_key", path=str(self.path), key=f"{key}.{k}",
                                      allowed=", ".join(sorted(allowed))))
        for k in sorted(required - set(value)):
            raise GraderError(Msg("course.missing_key", path=str(self.path), key=f"{key}.{k}"))
        return value

    def number(self, value: Any, key: str, positive: bool = True) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(key, _expect("number"), value)
        if positive and not value > 0:
            raise self.fail(key, _expect("positive_number"), value)
        return float(value)

    def integer(self, value: Any, key: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            raise self.fail(key, _expect("positive_integer"), value)
        return value

    def text(self, value: Any, key: str) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(key, _expect("text"), value)
        return value

    def bilingual(self, value: Any, key: str) -> dict[str, str]:
        m = self.mapping(value, key, set(LANGUAGES), {"ko", "en"})
        return {lang: self.text(m[lang], f"{key}.{lang}") for lang in LANGUAGES}

    def identifier(self, value: str, key: str) -> str:
        if not value.isidentifier():
            raise self.fail(key, _expect("identifier"), value)
        return value


def total_problem(path: Path, assignment: Assignment) -> Msg | None:
    """Why the assignment's points do not add up to its ``total:`` (or that it has none).

    배점 합계가 ``total:``과 다르거나 ``total:``이 없으면 그 이유, 맞으면 None.
    """
    key = f"assignments.{assignment.name}.total"
    points = assignment.max_score
    if assignment.total is None:
        return Msg("course.no_total", path=str(path), key=key, points=f"{points:g}")
    if abs(points - assignment.total) > _EPS:
        return Msg("course.total_mismatch", path=str(path), key=key, points=f"{points:g}",
                   total=f"{assignment.total:g}")
    return None


def total_check(path: Path, assignment: Assignment) -> tuple[bool, Msg | str, list[Msg]]:
    """``grader validate``'s row for the total: (ok, detail, problems), as messages.
    A course without ``total:`` fails here as ``grader bundle`` refuses it."""
    problem = total_problem(path, assignment)
    problems = [problem] if problem else []
    if assignment.total is None:
        return False, Msg("course.total_row_missing", points=f"{assignment.max_score:g}"), problems
    detail = f"{assignment.max_score:g} = total {assignment.total:g}"
    return problem is None, detail, problems


def find_course(start: Path) -> Path:
    """The nearest ``course.yaml`` at or above ``start``."""
    start = start.resolve()
    for folder in [start, *start.parents] if start.is_dir() else start.parents:
        candidate = folder / COURSE_FILE
        if candidate.is_file():
            return candidate
    raise GraderError(Msg("course.not_found_above", start=str(start), file=COURSE_FILE))


def load_course(path: Path | str) -> Course:
    """Load and validate a course file (or the ``course.yaml`` inside a folder)."""
    path = Path(path)
    if path.is_dir():
        path = path / COURSE_FILE
    if not path.is_file():
        raise GraderError(Msg("course.file_missing", path=str(path)))
    try:
        data = safe_parse.yaml_value(path.read_text(encoding="utf-8"), path.name)
    except UnicodeDecodeError as exc:
        raise GraderError(Msg("course.not_utf8", path=str(path), detail=str(exc))) from None
    except yaml.YAMLError as exc:
        raise GraderError(_yaml_error(path, exc)) from None
    except safe_parse.Unreadable as exc:  # a course from a bundle may come from anyone
        raise GraderError(Msg("course.yaml_syntax", path=str(path), detail=exc.data)) from None
    return parse_course(data, path.resolve())


def _yaml_error(path: Path, exc: yaml.YAMLError) -> Msg:
    """A YAML syntax error at the line to fix, with that line.

    PyYAML marks where it noticed the problem; a scanner error (a key without its colon, an
    unclosed quote) is noticed on a later line, and the token it was scanning starts at the
    context mark: that is the line to fix. A parser error (a wrong indentation) is at the
    problem mark."""
    if not isinstance(exc, yaml.MarkedYAMLError) or exc.problem_mark is None:
        return Msg("course.yaml_syntax", path=str(path), detail=str(exc))
    lines = path.read_text(encoding="utf-8").splitlines()

    def line_of(mark: yaml.Mark) -> str:
        return lines[mark.line] if mark.line < len(lines) else ""

    mark = exc.problem_mark
    # The context also when the problem is at the end of the file (an unclosed bracket).
    if exc.context_mark is not None and (isinstance(exc, yaml.scanner.ScannerError)
                                         or not line_of(mark).strip()):
        mark = exc.context_mark
    text = line_of(mark)
    problem = ", ".join(part for part in (exc.problem, exc.context) if part)
    return Msg("course.yaml_syntax_at", path=str(path), line=mark.line + 1,
               column=mark.column + 1, problem=problem, text=text)


def parse_course(data: Any, path: Path) -> Course:
    c = _Checker(path)
    top = c.mapping(data, "(top level)",
                    {"course", "limits", "tolerances", "feedback", "worker", "scoring",
                     "assignments"},
                    {"course", "assignments"})
    info = c.mapping(top["course"], "course", {"title", "language"}, {"title"})
    title = c.bilingual(info["title"], "course.title")
    language = info.get("language", "")  # "": not said, the locale decides (messages.choose_language)
    if language and language not in LANGUAGES:
        raise c.fail("course.language", _expect("language"), language)

    limits = Limits()
    if "limits" in top:
        raw = c.mapping(top["limits"], "limits", set(Limits.__dataclass_fields__))
        values: dict[str, Any] = {}
        for k, v in raw.items():
            default = getattr(limits, k)
            key = f"limits.{k}"
            values[k] = c.integer(v, key) if isinstance(default, int) else c.number(v, key)
        limits = Limits(**values)

    tolerances = Tolerances()
    if "tolerances" in top:
        raw = c.mapping(top["tolerances"], "tolerances", {"rtol", "atol"})
        tolerances = Tolerances(**{k: c.number(v, f"tolerances.{k}") for k, v in raw.items()})

    feedback = Feedback()
    if "feedback" in top:
        raw = c.mapping(top["feedback"], "feedback", {"hidden_tests"})
        hidden = raw.get("hidden_tests", feedback.hidden_tests)
        if hidden not in HIDDEN_FEEDBACK:
            raise c.fail("feedback.hidden_tests", _expect("hidden_tests"), hidden)
        feedback = Feedback(hidden_tests=hidden)

    worker = WorkerOptions()
    if "worker" in top:
        raw = c.mapping(top["worker"], "worker", {"packages"})
        packages = raw.get("packages", [])
        if not isinstance(packages, list):
            raise c.fail("worker.packages", _expect("import_list"), packages)
        for i, name in enumerate(packages):
            key = f"worker.packages[{i}]"
            if not isinstance(name, str) or not name.isidentifier():
                raise c.fail(key, _expect("top_level_import"),
                             name)
            if name in _RESERVED_PACKAGES:
                raise c.fail(key, _expect("other_package",
                                          reserved=", ".join(sorted(_RESERVED_PACKAGES))),
                             name)
        if len(set(packages)) != len(packages):
            raise c.fail("worker.packages", _expect("each_once"), packages)
        worker = WorkerOptions(tuple(packages))
    dependency_credit = 1.0
    if "scoring" in top:
        raw = c.mapping(top["scoring"], "scoring", {"dependency_credit"})
        if "dependency_credit" in raw:
            dependency_credit = c.number(raw["dependency_credit"], "scoring.dependency_credit",
                                         positive=False)
            if not 0.0 <= dependency_credit <= 1.0:
                raise c.fail("scoring.dependency_credit", _expect("zero_to_one"),
                              raw["dependency_credit"])

    assignments: dict[str, Assignment] = {}
    for name, body in c.mapping(top["assignments"], "assignments").items():
        key = f"assignments.{name}"
        c.identifier(name, key)
        a = c.mapping(body, key, {"title", "contract_version", "total", "exercises"},
                      {"title", "exercises"})
        exercises: dict[str, dict[str, float]] = {}
        for module, fns in c.mapping(a["exercises"], f"{key}.exercises").items():
            mkey = f"{key}.exercises.{module}"
            c.identifier(module, mkey)
            functions = c.mapping(fns, mkey)
            if not functions:
                raise c.fail(mkey, _expect("one_function"), fns)
            exercises[module] = {
                c.identifier(fn, f"{mkey}.{fn}"): c.number(points, f"{mkey}.{fn}")
                for fn, points in functions.items()
            }
        if not exercises:
            raise c.fail(f"{key}.exercises", _expect("one_exercise"), a["exercises"])
        version = c.integer(a.get("contract_version", 1), f"{key}.contract_version")
        total = c.number(a["total"], f"{key}.total") if "total" in a else None
        assignment = Assignment(name, c.bilingual(a["title"], f"{key}.title"), exercises,
                                version, total)
        if total is not None:
            problem = total_problem(path, assignment)
            if problem:
                raise GraderError(problem)
        assignments[name] = assignment
    if not assignments:
        raise c.fail("assignments", _expect("one_assignment"), top["assignments"])
    return Course(path, title, language, limits, tolerances, assignments, feedback, worker,
                  dependency_credit)
