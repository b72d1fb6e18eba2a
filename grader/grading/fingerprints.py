"""Hints without the reference: fingerprints of catalogued mistakes on public inputs.

참조 해답 없이 힌트 주기: 학생 저장소에는 참조 해답도 실수 코드도 없다. 그래서 ``grader release``가
공개 테스트의 입력(프로브) 몇 개에 대해 각 실수의 출력을 지문(양자화한 값의 해시)으로 만들어 함께
내보내고, 학생의 ``grader check``는 틀린 함수를 같은 입력으로 불러 지문을 비교한다. 지문에서는 값도
코드도 읽어 낼 수 없다.

A released student tree has neither the reference nor the mistakes' code, so the trusted
``HintMatcher`` cannot run there. ``grader release`` ships, per function with catalogued
mistakes, a few *probes* — inputs the public tests pass, at a fixed seed — and for each mistake
the fingerprint of what it returns on each probe: the structure of the value (types, shapes,
dict keys, a float array's binary magnitude) and a hash of its values quantized to about six
significant digits of that magnitude. ``grader check`` calls a failing function on the probes in
its worker and names the first mistake (in catalogue order) whose every fingerprint the student's
outputs reproduce and that is told apart from the reference on one of them (``evidence``), as
``HintMatcher`` does with recorded calls. Nothing in the file reads back as code or as a value:
inputs are the public tests' own, outputs are hashes.

The file (JSON, ``SCHEMA``) lives beside the public tests, ``exercises/<a>/tests/FILE_NAME``, and
so travels in the public bundle. It is the student's to read and to edit: an edited file only
changes that student's hints, and a malformed one gives none (never an error).
"""

from __future__ import annotations

import base64
import hashlib
import math
import struct
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from grader.boundary import wire
from grader.intake import safe_parse
from grader.messages import Msg

SCHEMA = "grader.hint-fingerprints/v1"
FILE_NAME = "hint_fingerprints.json"
MAX_FILE_BYTES = 4 << 20
#: Quantum of a float array: 2**-BITS of its magnitude (the power of two above its largest
#: finite value), so values that agree to about 6 significant digits share a hash.
BITS = 20
#: Below this magnitude every float counts as 2**MIN_EXPONENT (an all-zero array included),
#: so a difference under ~1e-9 is no difference, as the course's atol says.
MIN_EXPONENT = -10
DIGEST_HEX = 16  # 64 bits: a chance collision is out of the question

Spec = list[Any]  # JSON: the structure a value must have to be compared
_KINDS = {"b": "b", "i": "i", "u": "i", "f": "f"}  # dtype kinds compared alike


# --------------------------------------------------------------------------------------------
# Values: a structure (spec) and a digest of quantized values

def _magnitude(values: np.ndarray) -> int:
    finite = values[np.isfinite(values)]
    biggest = float(np.max(np.abs(finite))) if finite.size else 0.0
    return max(math.frexp(biggest)[1], MIN_EXPONENT) if biggest > 0 else MIN_EXPONENT


def spec_of(value: Any) -> Spec | None:
    """The structure of a mistake's value (None: a type no fingerprint covers).

    The same type rules as ``compare.values_match``: an array's dtype kind (bool, integer,
    float) and shape, a float's magnitude; tuples and lists by kind and length; dict keys."""
    if type(value) is np.ndarray:
        kind = _KINDS.get(value.dtype.kind)
        if kind is None:
            return None
        exponent = _magnitude(value.astype(np.float64)) if kind == "f" else 0
        return ["a", kind, str(value.dtype) if kind == "f" else "", list(value.shape), exponent]
    if isinstance(value, bool | np.bool_):
        return ["b"]
    if isinstance(value, int | np.integer):
        return ["i"]
    if isinstance(value, float | np.floating):
        return ["f", _magnitude(np.asarray([value], dtype=np.float64))]
    if value is None:
        return ["n"]
    if type(value) is str:
        return ["s"]
    if type(value) in (tuple, list):
        items = [spec_of(v) for v in value]
        if any(s is None for s in items):
            return None
        return ["t" if type(value) is tuple else "l", items]
    if type(value) is dict:
        pairs = [[repr(k), spec_of(v)] for k, v in value.items()]
        if any(s is None for _, s in pairs):
            return None
        return ["d", pairs]
    return None


def _quantized(values: np.ndarray, exponent: int) -> bytes:
    """Finite values on a grid of 2**(exponent - BITS); NaN and ±inf by a code of their own."""
    with np.errstate(all="ignore"):
        values = values.astype(np.float64)
        finite = np.isfinite(values)
        codes = np.where(finite, 0, np.where(np.isnan(values), 1, np.where(values > 0, 2, 3)))
        grid = np.where(finite, values, 0.0) * math.ldexp(1.0, BITS - exponent)
        steps = np.rint(np.clip(grid, -2.0**62, 2.0**62)).astype("<i8")
    return codes.astype("u1").tobytes() + steps.tobytes()


def _canonical(value: Any, spec: Spec, out: list[bytes]) -> bool:
    """Appends the canonical bytes of ``value`` read as ``spec``; False when it does not fit
    (the type rules of ``compare.values_match``: a dtype or structure it would refuse)."""
    tag = spec[0] if spec else None
    out.append(str(tag).encode())
    if tag == "a":
        _, kind, dtype, shape, exponent = spec
        if type(value) is not np.ndarray:
            if not (not shape and isinstance(value, np.generic)):
                return False
            value = np.asarray(value)
        if list(value.shape) != list(shape):
            return False
        got = _KINDS.get(value.dtype.kind)
        if got != kind or (kind == "f" and str(value.dtype) != dtype):
            return False
        if kind == "f":
            out.append(_quantized(value, int(exponent)))
        else:
            out.append(np.ascontiguousarray(value, dtype="<i8").tobytes())
        return True
    if tag == "b":
        if type(value) is not bool and type(value) is not np.bool_:
            return False
        out.append(b"1" if value else b"0")
        return True
    if tag == "i":
        if type(value) is not int and not isinstance(value, np.integer):
            return False
        out.append(str(int(value)).encode())
        return True
    if tag == "f":
        if type(value) is float or isinstance(value, np.floating):
            array = np.asarray([value], dtype=np.float64)
        elif type(value) is np.ndarray and value.ndim == 0 and value.dtype.kind == "f":
            array = value.astype(np.float64).reshape(1)
        else:
            return False
        out.append(_quantized(array, int(spec[1])))
        return True
    if tag == "n":
        return value is None
    if tag == "s":
        if type(value) is not str:
            return False
        out.append(value.encode("utf-8", "surrogatepass"))
        return True
    if tag in ("t", "l"):
        items = spec[1]
        fits = type(value) is (tuple if tag == "t" else list) or (
            tag == "l" and type(value) is np.ndarray and value.ndim == 1)
        if not fits or len(value) != len(items):
            return False
        out.append(struct.pack("<I", len(items)))
        return all(_canonical(v, s, out) for v, s in zip(value, items, strict=True))
    if tag == "d":
        pairs = spec[1]
        if type(value) is not dict or sorted(map(repr, value)) != sorted(k for k, _ in pairs):
            return False
        by_repr = {repr(k): v for k, v in value.items()}
        for key, item_spec in pairs:
            out.append(key.encode("utf-8", "surrogatepass"))
            if not _canonical(by_repr[key], item_spec, out):
                return False
        return True
    return False


def digest(value: Any, spec: Spec) -> str | None:
    """The fingerprint of ``value`` read as ``spec``, or None when its structure differs."""
    out: list[bytes] = []
    try:
        if not _canonical(value, spec, out):
            return None
    except Exception:  # a spec from an edited file, or a value no rule covers: no fingerprint
        return None
    hashed = hashlib.sha256()
    for part in out:
        hashed.update(struct.pack("<Q", len(part)))
        hashed.update(part)
    return hashed.hexdigest()[:DIGEST_HEX]


# --------------------------------------------------------------------------------------------
# Inputs: the public tests' own, in the wire format (plain data, decoded without evaluation)

def encode_inputs(args: Sequence[Any], kwargs: dict[str, Any]) -> str | None:
    """A probe's inputs as text, or None when the wire cannot carry them."""
    try:
        data = wire.encode([list(args), dict(kwargs)])
    except Exception:
        return None
    if _unsupported(wire.decode(data)):
        return None
    return base64.b64encode(data).decode("ascii")


def _unsupported(value: Any) -> bool:
    """Does the decoded value hold something the wire could only name (an object, a
    generator)? Such an input is not the one the test passed."""
    if isinstance(value, wire.Unsupported):
        return True
    if isinstance(value, list | tuple):
        return any(_unsupported(v) for v in value)
    if isinstance(value, dict):
        return any(_unsupported(v) for v in value.values())
    return False


def decode_inputs(text: Any) -> tuple[tuple[Any, ...], dict[str, Any]] | None:
    try:
        args, kwargs = wire.decode(base64.b64decode(str(text), validate=True))
    except Exception:
        return None
    if not isinstance(args, list) or not isinstance(kwargs, dict):
        return None
    return tuple(args), kwargs


# --------------------------------------------------------------------------------------------
# What a mistake does on one probe, and what a student's call did

#: Ways a mistake is told apart from the reference on a probe (``HintMatcher._differs``).
EVIDENCE = ("value", "warned", "mutated")


@dataclass(frozen=True)
class Outcome:
    """A call's outcome as fingerprints compare it."""

    value: Any = None
    raised: tuple[str, ...] = ()  # exception class and bases by name, when it raised
    warned: bool = False  # a RuntimeWarning
    mutated: bool = False  # changed an input in place


def same_exception(student: Sequence[str], mistake: Sequence[str]) -> bool:
    """The student's exception is the mistake's, either way round by class and bases (a shape
    error is a mistake's whole symptom: ``W_next`` for ``W_next.T`` raises ValueError)."""
    return bool(student and mistake) and (student[0] in mistake or mistake[0] in student)


def shown(evidence: Sequence[str], warned: bool, mutated: bool) -> bool:
    """Does a student's call show what tells a mistake from the reference (``EVIDENCE``)? A
    value always does; a warning or an in-place change only when the call showed it too."""
    return "value" in evidence or ("warned" in evidence and warned) or (
        "mutated" in evidence and mutated)


@dataclass(frozen=True)
class Print:
    """A mistake's fingerprint on one probe: what it raised, or its value's structure and
    digest; and how that probe tells it apart from the reference (``EVIDENCE``)."""

    raised: tuple[str, ...] = ()
    spec: Spec | None = None
    digest: str = ""
    evidence: tuple[str, ...] = ()

    @classmethod
    def of(cls, outcome: Outcome, evidence: Sequence[str]) -> Print | None:
        if outcome.raised:
            return cls(raised=outcome.raised, evidence=tuple(evidence))
        spec = spec_of(outcome.value)
        found = digest(outcome.value, spec) if spec is not None else None
        if spec is None or found is None:
            return None
        return cls(spec=spec, digest=found, evidence=tuple(evidence))

    def reproduced_by(self, student: Outcome) -> bool:
        """The same exception class (either way round), or the same value (``HintMatcher._same``)."""
        if self.raised or student.raised:
            return same_exception(student.raised, self.raised)
        return self.spec is not None and digest(student.value, self.spec) == self.digest

    def shown_by(self, student: Outcome) -> bool:
        """Does the student's call show what tells this mistake from the reference here?"""
        return shown(self.evidence, student.warned, student.mutated)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"raised": list(self.raised)} if self.raised else {
            "spec": self.spec, "digest": self.digest}
        if self.evidence:
            data["evidence"] = list(self.evidence)
        return data

    @classmethod
    def from_json(cls, data: Any) -> Print:
        if not isinstance(data, dict):
            raise ValueError("not an object")
        evidence = tuple(e for e in data.get("evidence", ()) if e in EVIDENCE)
        raised = data.get("raised")
        if isinstance(raised, list) and raised and all(isinstance(r, str) for r in raised):
            return cls(raised=tuple(raised), evidence=evidence)
        spec, found = data.get("spec"), data.get("digest")
        if not isinstance(spec, list) or not isinstance(found, str):
            raise ValueError("neither raised nor spec and digest")
        return cls(spec=spec, digest=found, evidence=evidence)


@dataclass(frozen=True)
class MistakePrints:
    """One catalogued mistake: its hint (teaching text, shipped as is) and one print a probe."""

    name: str
    hint_ko: str
    hint_en: str
    prints: tuple[Print, ...]

    def hint(self) -> Msg:
        """The same message as ``Mistake.hint``: the trusted grade and the self-check agree."""
        return Msg("mistake.hint", mistake=self.name, hint_ko=self.hint_ko, hint_en=self.hint_en)

    def explains(self, outcomes: Sequence[Outcome]) -> bool:
        """Every probe reproduced, and the mistake told apart from the reference on one."""
        if len(outcomes) != len(self.prints):
            return False
        if not all(p.reproduced_by(o) for p, o in zip(self.prints, outcomes, strict=True)):
            return False
        return any(p.shown_by(o) for p, o in zip(self.prints, outcomes, strict=True))


@dataclass(frozen=True)
class FunctionPrints:
    """The probes of one graded function and its mistakes' prints on them."""

    probes: tuple[str, ...]  # ``encode_inputs`` text
    mistakes: tuple[MistakePrints, ...]


# --------------------------------------------------------------------------------------------
# The file

def to_json(assignment: str, grader_version: str,
            functions: dict[str, FunctionPrints]) -> dict[str, Any]:
    return {
        "schema": SCHEMA, "assignment": assignment, "grader_version": grader_version,
        "functions": {
            name: {"probes": list(fp.probes), "mistakes": [
                {"name": m.name, "hint_ko": m.hint_ko, "hint_en": m.hint_en,
                 "prints": [p.to_json() for p in m.prints]} for m in fp.mistakes]}
            for name, fp in sorted(functions.items())},
    }


def _function_from_json(data: Any) -> FunctionPrints:
    if not isinstance(data, dict) or not isinstance(data.get("probes"), list):
        raise ValueError("no probes")
    probes = tuple(str(p) for p in data["probes"])
    mistakes = []
    for item in data.get("mistakes", ()):
        if not isinstance(item, dict):
            raise ValueError("a mistake is not an object")
        prints = tuple(Print.from_json(p) for p in item.get("prints", ()))
        texts = [str(item.get(k) or "") for k in ("name", "hint_ko", "hint_en")]
        if not all(texts) or len(prints) != len(probes):
            raise ValueError("a mistake without a name, its hints or one print a probe")
        mistakes.append(MistakePrints(texts[0], texts[1], texts[2], prints))
    return FunctionPrints(probes, tuple(mistakes))


def load(path: Path) -> dict[str, FunctionPrints]:
    """The file's functions; empty when it is missing or cannot be read (hints are a
    courtesy: a student's edited or truncated file costs nothing but its hints)."""
    try:
        raw = path.read_bytes()[: MAX_FILE_BYTES + 1]
        if len(raw) > MAX_FILE_BYTES:
            return {}
        data = safe_parse.json_value(safe_parse.text(raw, FILE_NAME), FILE_NAME)
        if not isinstance(data, dict) or data.get("schema") != SCHEMA:
            return {}
        functions = data.get("functions")
        if not isinstance(functions, dict):
            return {}
        found = {}
        for name, item in functions.items():
            try:
                found[str(name)] = _function_from_json(item)
            except (ValueError, TypeError, AttributeError):
                continue  # this function's hints only
        return found
    except (OSError, safe_parse.Unreadable, ValueError, TypeError, RecursionError):
        return {}


# --------------------------------------------------------------------------------------------
# Matching on the student's machine

#: Calls the student's function on one probe's inputs: its outcome, or None when the call gave
#: none (a crash, a time-out, a function that is missing).
CallProbe = Callable[[tuple[Any, ...], dict[str, Any]], Outcome | None]


class FingerprintMatcher:
    """학생 저장소의 힌트 찾기 / the self-check's ``HintMatcher``: probes instead of the reference.

    ``match(function, call)`` calls the student's function once on each probe (through ``call``,
    in the worker) and returns the first catalogued mistake whose prints all its outcomes
    reproduce; each function is probed once a grading.
    """

    def __init__(self, path: Path) -> None:
        self._functions = load(path)
        self._found: dict[str, MistakePrints | None] = {}

    def __contains__(self, function: str) -> bool:
        return function in self._functions

    def match(self, function: str, call: CallProbe) -> MistakePrints | None:
        if function in self._found:
            return self._found[function]
        found = None
        prints = self._functions.get(function)
        if prints is not None and prints.mistakes:
            outcomes: list[Outcome] = []
            for text in prints.probes:
                inputs = decode_inputs(text)
                outcome = call(*inputs) if inputs is not None else None
                if outcome is None:
                    break
                outcomes.append(outcome)
            else:
                found = next((m for m in prints.mistakes if m.explains(outcomes)), None)
        self._found[function] = found
        return found
