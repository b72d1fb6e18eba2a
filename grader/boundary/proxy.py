"""A submission's calls on the trusted side: the ``StudentSession`` behind the ``student``
fixture, and the ``student.<module>.<function>`` proxies.

학생 함수 호출을 작업자 프로세스로 보내고 결과를 순수 데이터로 받는다. 작업자가 멈추거나 죽으면
그 호출만 실패하고, 다음 호출은 새 작업자가 받는다 (``grader.boundary.pool``).

``student.activations.sigmoid(z)`` sends ``z`` to the worker and returns the decoded value. A
module whose import kills or hangs the worker is remembered as broken, so later tests fail fast
instead of paying a new worker each. The session also keeps what one test did: the calls (for
mistake hints), the output, and which graded functions the student's functions called (for
stand-ins, ``grader.grading.reruns``).
"""

from __future__ import annotations

import contextlib
import copy
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grader.boundary.calls import Call, RecordedCall, WarningRecord
from grader.boundary.pool import Answer, WorkerPool, call_target
from grader.course.config import Limits
from grader.errors import (
    UNREADABLE_MARK,
    ProtocolViolation,
    StudentError,
    StudentImportFailed,
    StudentMissing,
    StudentNotImplemented,
    StudentRaised,
    WorkerCrashed,
    WorkerTimeout,
)
from grader.grading.callers import CallGraph
from grader.grading.time_limits import CallLimits, Limit
from grader.messages import Msg, from_data
from grader.wording import exception_kind, located
from grader.worker.protocol import ErrorRecord, utf8_text

# The templates of this module's Msg keys: grader/locale/{ko,en}/LC_MESSAGES/grader.po.

_MAX_SECONDS = 1e7  # a call's reported seconds beyond this (or NaN) are read as 0


@dataclass
class _ModuleState:
    functions: list[str] | None = None  # the module's public callables once imported
    broken: StudentError | None = None  # remembered when importing it failed


@dataclass
class TestRecord:
    """What the student's code did during one test."""

    __test__ = False  # not a pytest test class
    recorded: list[RecordedCall] = field(default_factory=list)
    output: list[str] = field(default_factory=list)
    callees: set[str] = field(default_factory=set)  # graded functions called by graded ones


class StudentSession:
    """The student's submission behind the ``student`` fixture: imports its modules in the
    worker, calls its functions, and keeps what the current test did."""

    def __init__(self, submission: Path, modules: Sequence[str], limits: Limits,
                 isolation: str = "auto", protected: Sequence[Path] = (),
                 graded: Sequence[str] = (), pool: WorkerPool | None = None) -> None:
        self.submission, self.modules, self.limits = submission, list(modules), limits
        # "module.function" of every graded function: the worker watches calls between them.
        self.graded = [g for g in graded if g.split(".", 1)[0] in self.modules]
        # ``pool``: one started ahead for this folder (``workers.WarmPool``).
        self.pool = pool or WorkerPool(submission, limits, isolation, protected)
        # The test being run (set by the plugin): named when a timed-out function is not run
        # again.
        self.current_test = ""
        self.test = TestRecord()
        # Set for a stand-in rerun only (``grader.grading.reruns``): which functions stand in, and
        # who answers the worker's requests for their values.
        self.stand_ins: frozenset[str] = frozenset()
        self._answer: Answer | None = None
        self._modules: dict[str, _ModuleState] = {}
        self._timed_out: dict[str, str] = {}  # function -> test it timed out in
        self._timed_out_s: dict[str, str] = {}  # function -> the limit it ran over
        # function -> test it ran over the memory limit in: each run of a memory bomb fills
        # the limit again (~0.5 s), in every later test and in each of its callers
        self._out_of_memory: dict[str, str] = {}
        # Limits that follow the work (set by the grading run, which holds the reference);
        # without it every call has the course's ``call_timeout_s``.
        self.call_limits: CallLimits | None = None
        self._graph: CallGraph | None = None  # read from the source after a first timeout
        self._targets: dict[tuple[str, str], tuple[str, bytes]] = {}  # functions found
        # A notebook module's cells that raised or ran too long at import: module -> (cell,
        # exception type, message), as the worker said (data, checked; shown as notes).
        self.skipped_cells: dict[str, list[tuple[int, str, str]]] = {}
        # Every call of the session, copied as made, when a list (``engine.public_calls``).
        self.history: list[RecordedCall] | None = None

    # --- what the pool knows, for reports ------------------------------------------------------
    @property
    def used_isolation(self) -> str:
        return self.pool.used_isolation

    @property
    def fence_report(self) -> dict[str, Any]:
        return self.pool.fence_report

    @property
    def seccomp(self) -> bool | None:
        return self.pool.seccomp

    @property
    def worker_starts(self) -> int:
        return self.pool.worker_starts

    @property
    def recorded(self) -> list[RecordedCall]:
        return self.test.recorded

    @property
    def output(self) -> list[str]:
        return self.test.output

    @property
    def callees(self) -> set[str]:
        return self.test.callees

    def close(self) -> None:
        self.pool.close()

    def start_test(self, name: str) -> None:
        self.current_test = name
        self.test = TestRecord()

    @contextlib.contextmanager
    def standing_in(self, functions: Sequence[str], answer: Answer) -> Iterator[TestRecord]:
        """For the block only: ``functions`` answer with the reference's values (asked through
        ``answer``); what the block's calls did is kept apart from the test's own record."""
        saved = self.test
        self.test = TestRecord()
        self.stand_ins, self._answer = frozenset(functions), answer
        try:
            yield self.test
        finally:
            self.stand_ins, self._answer = frozenset(), None
            self.test = saved

    # --- modules -----------------------------------------------------------------------------
    def _exchange(self, message: dict[str, Any], what: str, function: str = "",
                  limit: Limit | None = None) -> dict[str, Any]:
        if self.stand_ins:
            message["stand_ins"] = sorted(self.stand_ins)
        try:
            return self.pool.exchange(message, what, self._answer if self.stand_ins else None,
                                      limit.seconds if limit is not None else None)
        except WorkerTimeout as exc:
            if function:
                exc = self._timed_out_in(function, exc, limit)
            raise exc from None

    def _limit(self, function: str, args: tuple[Any, ...], kwargs: dict[str, Any],
               calls: int = 1, *, timed: bool = True) -> Limit | None:
        """The call's limit from the reference's time (None: the course's own). ``timed``:
        the reference's time counts in the report's ``reference_calls_s`` (False: it ran in the
        shadow of the student's call)."""
        if self.call_limits is None or self.stand_ins:  # a rerun's nested round trips
            return None
        return self.call_limits.limit(function, args, kwargs, calls, timed=timed)

    def _timed_out_in(self, function: str, exc: WorkerTimeout, limit: Limit | None) \
            -> WorkerTimeout:
        """A function that timed out is not given another worker (and another timeout) by
        later tests, unless the submission's budget (not the call's timeout) ran out. Returns
        what to raise: with a limit of its own, the message says which and why."""
        budget = isinstance(exc.data, Msg) and exc.data.key == "worker.budget"
        if budget:
            return exc
        seconds = f"{limit.seconds:.3g}" if limit is not None else f"{self.limits.call_timeout_s:g}"
        if not self.stand_ins:  # a rerun marks nothing
            self._timed_out[function] = self.current_test or "?"
            self._timed_out_s[function] = seconds
        if limit is None:
            return exc
        return WorkerTimeout(Msg("limits.timeout", what=function, seconds=seconds,
                                 reason=limit.reason))

    def functions_of(self, module: str, what: str) -> list[str]:
        """Import ``module`` in the worker (once per worker) and list its functions."""
        state = self._modules.get(module)
        if state is None:
            state = self._modules[module] = _ModuleState()
        elif state.functions is not None and self.pool.running():
            return state.functions  # the hot path: imported in the running worker
        if state.broken is not None:
            raise state.broken.with_traceback(None)
        if module not in self.modules or not (self.submission / f"{module}.py").is_file():
            state.broken = StudentMissing(Msg(
                "session.no_module", module=module,
                suggest=_suggest(f"{module}.py",  # the file, as the student renames it; never
                                 [f"{stem}.py" for stem in _files(self.submission)  # a graded one
                                  if stem not in self.modules])))
            raise state.broken.with_traceback(None)
        self.pool.deadline(what)  # a used-up budget fails before paying for a worker
        _, fresh = self.pool.ensure_worker()
        if fresh:  # a fresh worker forgets what the last one imported
            for other in self._modules.values():
                other.functions = None
            self._targets.clear()
        if state.functions is None:
            try:
                reply = self._exchange({"op": "load", "module": module, "graded": self.graded},
                                       f"import {module}")
            except (WorkerCrashed, WorkerTimeout, ProtocolViolation) as exc:
                state.broken = type(exc)(Msg("session.while_importing", module=module,
                                             error=exc.data))
                raise state.broken.with_traceback(None) from None
            self._keep_output(reply)
            if not reply.get("ok"):
                state.broken = _import_error(module, reply.get("error"))
                raise state.broken.with_traceback(None)
            state.functions = [f for f in reply.get("functions", []) if isinstance(f, str)]
            self.skipped_cells[module] = _skipped_cells(reply.get("skipped_cells"))
        return state.functions

    def _keep_output(self, reply: dict[str, Any]) -> None:
        text = reply.get("output")
        if isinstance(text, str) and text:
            self.test.output.append(utf8_text(text[: self.limits.output_bytes]))

    def _keep_callees(self, reply: dict[str, Any]) -> None:
        """Which graded functions the called one called (the worker's word: only names of
        graded functions are kept, and they only ever choose what is rerun, never a score)."""
        names = reply.get("callees")
        if isinstance(names, list):
            self.test.callees.update(n for n in names if isinstance(n, str) and n in self.graded)

    # --- calls -------------------------------------------------------------------------------
    def _check_function(self, module: str, function: str) -> tuple[str, bytes]:
        """``module.function`` and its encoded form (``workers.call_target``), once the module
        is imported in the running worker and has that function."""
        key = (module, function)
        known = self._targets.get(key)
        name = known[0] if known is not None else f"{module}.{function}"
        if name in self._timed_out:
            test = self._timed_out[name]
            seconds = self._timed_out_s.get(name, f"{self.limits.call_timeout_s:g}")
            raise WorkerTimeout(Msg("session.timed_out_before", function=name, test=test,
                                    seconds=seconds))
        if name in self._out_of_memory:
            raise StudentError(Msg("session.memory_before", function=name,
                                   test=self._out_of_memory[name], mb=self.limits.memory_mb))
        if self._timed_out or self._out_of_memory:
            self._refuse_if_calling_over_limit(name)
        functions = self.functions_of(module, name)
        if known is not None:  # the hot path: seen before, and the module is still imported
            return known
        if function not in functions:
            # Never suggest renaming a graded function: it may be right and earn its points.
            others = [f for f in functions if f"{module}.{f}" not in self.graded]
            raise StudentMissing(Msg("session.no_function", module=module, function=function,
                                     suggest=_suggest(function, others)))
        known = self._targets[key] = (name, call_target(module, function))
        return known

    def _refuse_if_calling_over_limit(self, name: str) -> None:
        """Fail at once, naming the culprit as a callee (so a rerun stands it in), a function
        whose source calls a graded function that timed out or ran over the memory limit: it
        would do the same."""
        if self._graph is None:
            self._graph = CallGraph(self.submission, self.modules, self.graded)
        reached = self._graph.reaches(name) - self.stand_ins
        for over, key, extra in (
                (self._timed_out, "limits.callee_timed_out", {}),
                (self._out_of_memory, "limits.callee_out_of_memory",
                 {"mb": self.limits.memory_mb})):
            culprits = reached & set(over)
            if culprits:
                culprit = min(culprits)
                self.test.callees.add(culprit)
                raise StudentError(Msg(key, function=name, callee=culprit, test=over[culprit],
                                       **extra))

    def _keep_if_out_of_memory(self, name: str, error: StudentRaised) -> None:
        """Remember a function that ran over the memory limit (its ``MemoryError``, as
        ``_limit_note`` reads it; not in a rerun, which marks nothing): later calls of it and
        of its callers fail at once."""
        if not self.stand_ins and error.type_names[:1] == ["MemoryError"]:
            self._out_of_memory.setdefault(name, self.current_test or "?")

    def call(self, module: str, function: str, args: tuple[Any, ...],
             kwargs: dict[str, Any]) -> Call:
        name, target = self._check_function(module, function)
        stand_ins = sorted(self.stand_ins) if self.stand_ins else None
        limit: Limit | None = None

        def find_limit() -> float | None:  # speed: while the worker runs the call
            nonlocal limit
            limit = self._limit(name, args, kwargs, timed=False)
            return limit.seconds if limit is not None else None

        try:
            value, error, seconds, extras = self.pool.call(
                target, args, kwargs, stand_ins, name, self._answer if stand_ins else None,
                find_limit=find_limit)
        except WorkerTimeout as exc:
            raise self._timed_out_in(name, exc, limit) from None
        # The worker's word: a time it could not have taken is none at all.
        call = Call(name, seconds=seconds if 0.0 <= seconds < _MAX_SECONDS else 0.0)
        if extras is not None:
            _read_extras(call, extras)
            self._keep_callees(extras)
            if call.output:
                self.test.output.append(call.output[: self.limits.output_bytes])
        if error is not None:
            call.error = _student_error(name, error, self.limits)
            self._keep_if_out_of_memory(name, call.error)
        else:
            call.result = value
        recorded = RecordedCall(name, args, kwargs, value if error is None else call.error,
                                tuple(call.warnings), tuple(call.mutated))
        self.test.recorded.append(recorded)
        if self.history is not None:  # copied now: a test may change its arrays afterwards
            try:
                self.history.append(copy.deepcopy(recorded))
            except Exception:  # an input that cannot be copied is no probe
                pass
        return call

    @contextlib.contextmanager
    def aside(self) -> Iterator[TestRecord]:
        """For the block only: calls that belong to no test (a hint's probes) are kept apart
        from the test's record, their output dropped with it."""
        saved = self.test
        self.test = TestRecord()
        try:
            yield self.test
        finally:
            self.test = saved

    def batch(self, module: str, function: str, calls: Sequence[tuple[Any, ...]],
              kwargs: dict[str, Any] | None = None) -> list[Any]:
        name, _ = self._check_function(module, function)
        limit = self._limit(name, tuple(calls[0]), kwargs or {}, len(calls)) if calls else None
        reply = self._exchange({"op": "batch", "module": module, "function": function,
                                "calls": [list(a) for a in calls], "kwargs": kwargs or {}}, name,
                               name, limit)
        self._keep_callees(reply)
        results = reply.get("results")
        if not isinstance(results, list) or len(results) != len(calls):
            raise ProtocolViolation("batch reply has the wrong number of results")
        values = []
        for r in results:
            call = _to_call(name, r, self.limits)
            if call.error is not None:
                self._keep_if_out_of_memory(name, call.error)
            values.append(call.value)  # raises the first student exception
        return values


def _skipped_cells(value: Any) -> list[tuple[int, str, str]]:
    """The worker's list of skipped cells, keeping only well-formed entries."""
    if not isinstance(value, list):
        return []
    return [(s[0], s[1][:100], s[2][:300]) for s in value
            if isinstance(s, list) and len(s) == 3 and type(s[0]) is int
            and isinstance(s[1], str) and isinstance(s[2], str)]


def _files(folder: Path) -> list[str]:
    return sorted(p.stem for p in folder.glob("*.py"))


def _suggest(name: str, candidates: Sequence[str]) -> Msg | str:
    """Point at a close misspelling the student wrote (``tahn`` for ``tanh``)."""
    import difflib  # only when a name is missing

    close = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.6)
    if not close:
        return ""
    return Msg("session.suggest", found=close[0], name=name)


def _import_error(module: str, error: Any) -> StudentError:
    record = ErrorRecord.read(error)
    kind, detail = record.kind, record.detail[:500]
    at = located(record.where)
    if record.detail.startswith(UNREADABLE_MARK):  # staging could not read it: reason as data
        try:
            reason: Msg | str = from_data(json.loads(record.detail[len(UNREADABLE_MARK):]))
        except ValueError:
            reason = detail
    elif kind == "ModuleNotFoundError":  # a missing module: say what the worker does offer
        reason = Msg("session.worker_offers", detail=detail)
    else:
        reason = detail
    return StudentImportFailed(Msg("session.import_failed", module=module,
                                   kind=exception_kind(kind), at=at, detail=reason))


def _limit_note(kind: str, detail: str, limits: Limits) -> Msg | str:
    """Say which limit an exception comes from, when it comes from one."""
    if kind == "MemoryError":  # alone: a MemoryError has no text of its own
        return Msg("session.memory" if detail.strip() else "session.memory_alone",
                   mb=limits.memory_mb)
    if "Errno 27" in detail:  # EFBIG: Python ignores SIGXFSZ, so the write fails instead
        return Msg("session.file_size", mb=limits.file_size_mb)
    return ""


def _read_extras(call: Call, extras: dict[str, Any]) -> None:
    """A call's warnings, changed inputs and output, from the worker's word (checked, capped)."""
    for w in extras.get("warnings") or []:
        if isinstance(w, list) and len(w) == 2:
            call.warnings.append(WarningRecord(utf8_text(str(w[0])[:100]),
                                               utf8_text(str(w[1])[:500])))
    mutated = extras.get("mutated")
    if isinstance(mutated, list):
        call.mutated = [utf8_text(m[:200]) for m in mutated if isinstance(m, str)]
    output = extras.get("output")
    if isinstance(output, str):  # printed text goes into reports: lone surrogates escaped
        call.output = utf8_text(output)


def _student_error(name: str, error: Any, limits: Limits) -> StudentRaised:
    record = ErrorRecord.read(error)
    cls = StudentNotImplemented if record.kind == "NotImplementedError" else StudentRaised
    return cls(name, record.type_names, record.detail, record.where,
               _limit_note(record.kind, record.detail, limits))


def _to_call(name: str, reply: Any, limits: Limits) -> Call:
    """One result of a batch (a mapping: ``value`` or ``error``, ``seconds`` and extras)."""
    if not isinstance(reply, dict):
        raise ProtocolViolation("a call reply is not a mapping")
    seconds = reply.get("seconds")
    if not isinstance(seconds, float | int) or not 0 <= seconds < _MAX_SECONDS:
        seconds = 0.0  # not a time (a huge int would not even convert)
    call = Call(name, seconds=float(seconds))
    _read_extras(call, reply)
    if reply.get("error") is not None:
        call.error = _student_error(name, reply["error"], limits)
    elif "value" in reply:
        call.result = reply["value"]
    else:
        raise ProtocolViolation("a call reply has neither a value nor an error")
    return call


class FunctionProxy:
    """``student.<module>.<function>``: call it, ``.call(...)`` it, or ``.batch(...)`` it."""

    __slots__ = ("_function", "_module", "_session")

    def __init__(self, session: StudentSession, module: str, function: str) -> None:
        self._session, self._module, self._function = session, module, function

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        call = self._session.call(self._module, self._function, args, kwargs)
        if call.error is not None:
            raise call.error
        return call.result

    def call(self, *args: Any, **kwargs: Any) -> Call:
        return self._session.call(self._module, self._function, args, kwargs)

    def batch(self, calls: Sequence[tuple[Any, ...]], kwargs: dict[str, Any] | None = None) \
            -> list[Any]:
        return self._session.batch(self._module, self._function, calls, kwargs)

    def __repr__(self) -> str:
        return f"<student function {self._module}.{self._function}>"


class ModuleProxy:
    def __init__(self, session: StudentSession, module: str) -> None:
        self._session, self._module = session, module

    def __getattr__(self, function: str) -> FunctionProxy:
        if function.startswith("_"):
            raise AttributeError(function)
        proxy = FunctionProxy(self._session, self._module, function)
        self.__dict__[function] = proxy  # speed: found directly the next time
        return proxy


class Student:
    """The ``student`` fixture: ``student.<module>.<function>(...)``."""

    def __init__(self, session: StudentSession) -> None:
        self._session = session

    def __getattr__(self, module: str) -> ModuleProxy:
        if module.startswith("_"):
            raise AttributeError(module)
        proxy = ModuleProxy(self._session, module)
        self.__dict__[module] = proxy  # speed: found directly the next time
        return proxy
