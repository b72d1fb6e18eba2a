"""``grader release``'s hint fingerprints: probes chosen among the public inputs, and prints.

릴리스 때 힌트 지문 만들기: 공개 테스트가 참조 해답을 부르는 입력을 고정 시드로 모으고, 그중에서
각 실수를 참조 해답과, 그리고 다른 실수와 구별하는 입력 몇 개(프로브)를 고른 뒤, 각 실수가 그
입력에 내는 결과의 지문을 만든다 (``grader.grading.fingerprints``).

Trusted instructor code: the reference and the mistakes run in this process (as in
``HintMatcher``); the public suites run against the reference in a worker, as any grading.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import grader
from grader.boundary.calls import RecordedCall
from grader.course.config import Course
from grader.course.mistakes import Mistake, load_catalogue
from grader.grading import engine
from grader.grading.fingerprints import (
    FunctionPrints,
    MistakePrints,
    Outcome,
    Print,
    encode_inputs,
    to_json,
)
from grader.grading.hints import HintMatcher, evidence

#: The seed of the public tests whose inputs become probes (any fixed one: inputs are public).
SEED = 20261205
#: Probes a function at least (when there are that many inputs) and at most: more probes make a
#: chance match by other wrong code less likely; each is one more call in a failing check.
MIN_PROBES, MAX_PROBES = 3, 8
MAX_PROBE_CHARS = 64 << 10  # a probe's inputs as text: large arrays are not needed to tell


@dataclass
class _Candidate:
    """One public input of a function and what the reference and each mistake do on it."""

    text: str
    reference: Outcome
    outcomes: list[Outcome]  # per mistake
    prints: list[Print]  # per mistake


@dataclass(frozen=True)
class Built:
    """The file's data, and the mistakes the probes do not recognise (their public tests do
    not show them: only the trusted grade can name them)."""

    data: dict[str, Any]
    unrecognised: tuple[str, ...]


def build(course: Course, assignment: str | None, *, isolation: str = "auto") -> Built:
    """The hint fingerprints of ``assignment``: its catalogue on its public inputs."""
    a = course.assignment(assignment)
    solutions = course.solutions_dir(a.name)
    catalogue = load_catalogue(solutions / "mistakes", a.functions)
    if not catalogue:
        return Built(to_json(a.name, grader.__version__, {}), ())
    calls = engine.public_calls(course, a.name, solutions, seed=SEED, isolation=isolation)
    matcher = HintMatcher(solutions, catalogue)
    functions: dict[str, FunctionPrints] = {}
    unrecognised: list[str] = []
    for function in dict.fromkeys(m.function for m in catalogue):
        mistakes = [m for m in catalogue if m.function == function]
        candidates = _candidates(matcher, mistakes, [c for c in calls if c.function == function])
        chosen = _choose(candidates, len(mistakes))
        if not chosen:
            unrecognised.extend(m.name for m in mistakes)
            continue
        functions[function] = FunctionPrints(
            tuple(c.text for c in chosen),
            tuple(MistakePrints(m.name, m.hint_ko, m.hint_en, tuple(c.prints[i] for c in chosen))
                  for i, m in enumerate(mistakes)))
        unrecognised.extend(m.name for i, m in enumerate(mistakes)
                            if _first_explaining(chosen, i) != i)
    return Built(to_json(a.name, grader.__version__, functions), tuple(unrecognised))


def _candidates(matcher: HintMatcher, mistakes: Sequence[Mistake],
                calls: Sequence[RecordedCall]) -> list[_Candidate]:
    """The distinct public inputs every mistake's outcome can be fingerprinted on."""
    found: dict[str, _Candidate] = {}
    for call in calls:
        text = encode_inputs(call.args, call.kwargs)
        if text is None or text in found or len(text) > MAX_PROBE_CHARS:
            continue
        reference = matcher.outcome(None, call)
        if reference.raised:
            continue  # the public tests expect a value on their own inputs
        outcomes = [matcher.outcome(m, call) for m in mistakes]
        prints = [Print.of(o, evidence(o, reference)) for o in outcomes]
        if all(p is not None for p in prints):
            found[text] = _Candidate(text, reference, outcomes, [p for p in prints if p])
    return list(found.values())


def _choose(candidates: list[_Candidate], count: int) -> list[_Candidate]:
    """Greedy cover, smallest inputs first among equals: for every mistake a probe that tells it
    from the reference, and for every pair a probe that tells the later one from the earlier
    (the first mistake explaining the outputs is named, in catalogue order); then up to
    ``MIN_PROBES`` in all."""
    def covers(c: _Candidate) -> set[tuple[int, int]]:
        told = {(i, i) for i in range(count) if c.prints[i].shown_by(c.outcomes[i])}
        return told | {(i, j) for j in range(count) for i in range(j)
                       if not c.prints[i].reproduced_by(c.outcomes[j])}

    covered = {c.text: covers(c) for c in candidates}
    wanted = set().union(*covered.values()) if covered else set()
    pool = sorted(candidates, key=lambda c: len(c.text))
    chosen: list[_Candidate] = []
    while wanted and pool and len(chosen) < MAX_PROBES:
        best = max(pool, key=lambda c: len(covered[c.text] & wanted))
        if not covered[best.text] & wanted:
            break
        chosen.append(best)
        pool.remove(best)
        wanted -= covered[best.text]
    while pool and len(chosen) < MIN_PROBES:
        chosen.append(pool.pop(0))
    return chosen


def _first_explaining(chosen: Sequence[_Candidate], student: int) -> int | None:
    """Which mistake the self-check would name for a student who made mistake ``student``."""
    count = len(chosen[0].prints)
    outcomes = [c.outcomes[student] for c in chosen]
    for i in range(count):
        prints = MistakePrints("", "", "", tuple(c.prints[i] for c in chosen))
        if prints.explains(outcomes):
            return i
    return None


_BUILT: dict[str, bytes | None] = {}  # content digest -> the file: a release made again


def file_bytes(course: Course, assignment: str | None) -> bytes | None:
    """The file's bytes (None without a catalogue), made once per content of everything it
    depends on in this process: the course file, the public suites, the reference, the
    mistakes and the grader's version."""
    a = course.assignment(assignment)
    digest = hashlib.sha256(grader.__version__.encode())
    folders = (course.exercises_dir(a.name) / "tests", course.solutions_dir(a.name))
    for path in [course.path, *sorted(p for f in folders if f.is_dir() for p in f.rglob("*.py"))]:
        digest.update(str(path).encode() + b"\0" + path.read_bytes() + b"\0")
    key = digest.hexdigest()
    if key not in _BUILT:
        built = build(course, a.name)
        _BUILT[key] = None if not built.data["functions"] else (
            json.dumps(built.data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    return _BUILT[key]
