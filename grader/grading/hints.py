"""Hint matching: which catalogued mistake explains a student's outputs.

힌트 찾기: 학생이 낸 결과를 그대로 재현하는 목록의 실수를 찾는다.
"""

from __future__ import annotations

import copy
import itertools
import threading
import types
import warnings
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from grader.boundary.calls import RecordedCall
from grader.course.mistakes import Mistake
from grader.course.variants import module_source, variant_source
from grader.errors import StudentError
from grader.grading import compare
from grader.grading.fingerprints import Outcome, same_exception, shown

# Matching a student's outputs to a catalogued mistake


def _arrays(value: Any, found: list[np.ndarray]) -> list[np.ndarray]:
    if isinstance(value, np.ndarray):
        found.append(value)
    elif isinstance(value, list | tuple):
        for item in value:
            _arrays(item, found)
    elif isinstance(value, dict):
        for item in value.values():
            _arrays(item, found)
    return found


def _run(fn: Callable[..., Any], call: RecordedCall) -> Outcome:
    """Runs ``fn`` on deep copies of the call's inputs; never raises, never lets a warning out."""
    try:
        args, kwargs = copy.deepcopy((tuple(call.args), dict(call.kwargs)))
    except Exception:
        return Outcome(raised=("<uncopyable input>",))
    inputs = _arrays((args, kwargs), [])
    before = [a.copy() for a in inputs]
    # Warnings are recorded, not shown: a mistake that only differs by an overflow warning
    # (a naive sigmoid) is recognised by it. NumPy's default error state (underflow is silent,
    # as in the student's worker), set explicitly so the caller's state does not matter.
    with warnings.catch_warnings(record=True) as caught, np.errstate(
        over="warn", divide="warn", invalid="warn", under="ignore"
    ):
        warnings.simplefilter("always")
        try:
            value = fn(*args, **kwargs)
        except Exception as exc:
            return Outcome(raised=tuple(k.__name__ for k in type(exc).__mro__))
    warned = any(issubclass(w.category, RuntimeWarning) for w in caught)
    mutated = any(
        a.shape != b.shape or not np.array_equal(a, b, equal_nan=a.dtype.kind in "fc")
        for a, b in zip(inputs, before, strict=True)
    )
    return Outcome(value=value, warned=warned, mutated=mutated)


def _student_raised(result: Any) -> tuple[str, ...] | None:
    """The exception a recorded call raised, by class names (most derived first), or None.

    ``grader.errors.StudentRaised`` carries the names of the student's exception class and its
    bases; any other ``StudentError`` (crash, timeout, missing function) says nothing about
    the student's code and is reported as ``("<no result>",)``, which no mistake reproduces.
    """
    if not isinstance(result, BaseException):
        return None
    names = getattr(result, "type_names", None)
    if isinstance(names, list | tuple) and names:
        return tuple(str(n) for n in names)
    if isinstance(result, StudentError):
        return ("<no result>",)
    return tuple(k.__name__ for k in type(result).__mro__)


def _student_warned(call: RecordedCall) -> bool:
    # WarningRecord(category, message) as in grader.boundary.calls.Call, or bare category names.
    records = getattr(call, "warnings", None) or ()
    return any(getattr(r, "category", r) == "RuntimeWarning" for r in records)


def _student_mutated(call: RecordedCall) -> bool:
    return bool(getattr(call, "mutated", None) or ())


def student_outcome(call: RecordedCall) -> Outcome:
    """What a student's recorded call did, as fingerprints compare it (the self-check's
    probes, ``FingerprintMatcher``): by the same rules as the matching here."""
    raised = _student_raised(call.result)
    return Outcome(value=None if raised else call.result, raised=raised or (),
                   warned=_student_warned(call), mutated=_student_mutated(call))


def _load_module(name: str, source: str, filename: str) -> types.ModuleType:
    """Executes trusted instructor source as a private module, never entered in sys.modules."""
    module = types.ModuleType(name)
    module.__file__ = filename
    exec(compile(source, filename, "exec"), module.__dict__)
    return module


class HintMatcher:
    """학생의 출력을 재현하는 알려진 실수를 찾는다 / finds the catalogued mistake behind outputs.

    ``match(function, calls)`` re-runs each catalogued mistake of ``function`` (in catalogue
    order) on deep copies of the recorded inputs and returns the first that

    - reproduces the student's result on every recorded call of ``function``
      (``grader.grading.compare.values_match``; where the student's call raised, the same exception
      class), and
    - is told apart from the reference on at least one of them: another value, or a
      RuntimeWarning or an in-place change of an input that the reference does not make *and*
      that the student's call showed too (``RecordedCall.warnings`` / ``.mutated`` when the
      proxy records them) — so a correct output never gets a hint.

    Calls that crashed or timed out are ignored. Mistakes and the reference run in-process
    (trusted instructor code) inside ``warnings.catch_warnings`` with NumPy's default error
    state, so nothing leaks. Variant modules are built once and cached under unique private
    names; nothing is left in ``sys.modules``. Thread-safe.
    """

    _ids = itertools.count()

    def __init__(self, reference_dir: Path, mistakes: Iterable[Mistake]) -> None:
        self.reference_dir = Path(reference_dir)
        self.mistakes = list(mistakes)
        #: ``mistake name -> reason`` for variants that could not be built (shown by validate).
        self.errors: dict[str, str] = {}
        self._by_function: dict[str, list[Mistake]] = {}
        for mistake in self.mistakes:
            self._by_function.setdefault(mistake.function, []).append(mistake)
        self._variants: dict[str, types.ModuleType | None] = {}
        self._references: dict[str, types.ModuleType | None] = {}
        # Outcomes per (mistake name or "", id(call)): a grading asks again for every failing
        # test with the calls recorded so far. The call is kept so that its id is not reused.
        self._outcomes: dict[tuple[str, int], tuple[RecordedCall, Outcome]] = {}
        self._lock = threading.Lock()

    def _reference(self, module: str) -> types.ModuleType | None:
        with self._lock:
            if module not in self._references:
                try:
                    source = module_source(self.reference_dir, module)
                    self._references[module] = _load_module(
                        f"_grader_hint_reference_{next(self._ids)}_{module}",
                        source, str(self.reference_dir / f"{module}.py"))
                except Exception as exc:
                    self.errors[f"reference {module}"] = f"{type(exc).__name__}: {exc}"
                    self._references[module] = None
            return self._references[module]

    def _variant(self, mistake: Mistake) -> types.ModuleType | None:
        with self._lock:
            if mistake.name not in self._variants:
                try:
                    source = variant_source(
                        module_source(self.reference_dir, mistake.module),
                        mistake.function, mistake.source)
                    self._variants[mistake.name] = _load_module(
                        f"_grader_hint_variant_{next(self._ids)}_{mistake.name}",
                        source, f"<variant {mistake.name}>")
                except Exception as exc:
                    self.errors[mistake.name] = f"{type(exc).__name__}: {exc}"
                    self._variants[mistake.name] = None
            return self._variants[mistake.name]

    def match(self, function: str, calls: Sequence[RecordedCall]) -> Mistake | None:
        """``calls``의 모든 결과를 재현하는 첫 실수, 없으면 None / the first matching mistake."""
        candidates = self._by_function.get(function)
        if not candidates:
            return None
        mine = [
            c for c in calls
            if c.function == function and _student_raised(c.result) != ("<no result>",)
        ]
        if not mine:
            return None
        for mistake in candidates:
            if not callable(self._mistaken(mistake)):
                continue
            outcomes = []
            for call in mine:
                outcome = self.outcome(mistake, call)
                if not self._same(call, outcome):
                    break
                outcomes.append(outcome)
            else:
                if any(
                    self._differs(o, self.outcome(None, mine[i]), mine[i])
                    for i, o in enumerate(outcomes)
                ):
                    return mistake
        return None

    def _mistaken(self, mistake: Mistake) -> Any:
        """The mistake's version of its function (None when its variant could not be built)."""
        variant = self._variant(mistake)
        return getattr(variant, mistake.function_name, None) if variant is not None else None

    def outcome(self, mistake: Mistake | None, call: RecordedCall) -> Outcome:
        """What ``mistake`` (None: the reference) does on a copy of the call's inputs."""
        key = mistake.name if mistake is not None else ""
        cached = self._outcomes.get((key, id(call)))
        if cached is not None and cached[0] is call:
            return cached[1]
        if mistake is None:
            module, name = call.function.split(".", 1)
            reference = self._reference(module)
            fn = getattr(reference, name, None) if reference is not None else None
        else:
            fn = self._mistaken(mistake)
        outcome = _run(fn, call) if callable(fn) else Outcome(raised=("<no function>",))
        with self._lock:
            self._outcomes[(key, id(call))] = (call, outcome)
        return outcome

    @staticmethod
    def _same(student: RecordedCall, wrong: Outcome) -> bool:
        """Does the mistake reproduce this call: the same value, or the same exception class?"""
        raised = _student_raised(student.result)
        if raised is None:
            return not wrong.raised and compare.values_match(student.result, wrong.value)
        return same_exception(raised, wrong.raised)

    @staticmethod
    def _differs(wrong: Outcome, reference: Outcome, student: RecordedCall) -> bool:
        """Is there evidence that the student made *this* mistake rather than none?

        Another value than the reference's is evidence. A mistake that only differs by a
        warning (naive sigmoid) or an in-place change (ReLU overwriting ``z``) counts only when
        the student's call showed the same symptom; a recorded call that does not carry
        ``warnings``/``mutated`` never does, so a correct output never gets such a hint.
        """
        return shown(evidence(wrong, reference), _student_warned(student),
                     _student_mutated(student))


def evidence(wrong: Outcome, reference: Outcome) -> tuple[str, ...]:
    """How a mistake's outcome is told apart from the reference's on the same inputs
    (``fingerprints.EVIDENCE``): another value (or raising where the reference does not, or the
    other way round); a RuntimeWarning or an in-place change the reference does not make,
    which count only when the student's call shows them too. Both raising tells nothing."""
    if bool(wrong.raised) != bool(reference.raised):
        return ("value",)
    if wrong.raised:
        return ()
    found = [] if compare.values_match(wrong.value, reference.value) else ["value"]
    if wrong.warned and not reference.warned:
        found.append("warned")
    if wrong.mutated and not reference.mutated:
        found.append("mutated")
    return tuple(found)
