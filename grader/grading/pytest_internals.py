"""The one module that names pytest's private internals.

pytest 내부(비공개) API를 쓰는 곳은 이 모듈 하나뿐이다. pytest가 바뀌면 ``check()``가 무엇이
없어졌는지 이름으로 알려 준다.

Running the collected tests again for each grading of a served session (``grader.grading.engine``), a
test's fixture arguments for a stand-in rerun and the terminal's width need a few of pytest's
private attributes. They are named here only; ``check()`` says loudly which one moved, and
pyproject pins pytest below its next major version (tests/test_grading_core.py calls it).
"""

from __future__ import annotations

import contextlib
import importlib.util
import inspect
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import CodeType

import pytest

#: ``through(path, rewrite, flags)``: the rewritten code of one test file; ``rewrite()`` is
#: pytest's own rewriting, ``flags`` the ini options that change what it gives.
RewriteThrough = Callable[[Path, Callable[[], CodeType], str], CodeType]


def reset_item(item: pytest.Item) -> None:
    """The item as pytest makes it afresh: no captured output of the last grading, a new
    fixture request and arguments."""
    item._report_sections = []
    item.user_properties = []
    if isinstance(item, pytest.Function):
        item._initrequest()


def teardown_all(session: pytest.Session) -> None:
    """Tear down every fixture still set up (a grading cut short)."""
    session._setupstate.teardown_exact(None)


def fixture_names(item: pytest.Function) -> list[str]:
    """The arguments the test function takes from fixtures."""
    names = getattr(getattr(item, "_fixtureinfo", None), "argnames", None)
    if names is not None:
        return list(names)
    return list(inspect.signature(item.obj).parameters)


def terminal_width(reporter: object) -> int:
    return int(reporter._tw.fullwidth)  # type: ignore[attr-defined]


@contextlib.contextmanager
def rewriting_through(through: RewriteThrough) -> Iterator[None]:
    """While the block runs, pytest's assertion rewriting of each test module goes through
    ``through`` (``grader.grading.suite_cache``): only pytest's parse-and-rewrite step may be
    skipped. No bytecode is written meanwhile (``sys.dont_write_bytecode``)."""
    from _pytest.assertion import rewrite as rw

    original = rw._rewrite_test
    by_hash = "source_hash" in inspect.signature(rw._write_pyc).parameters

    def _rewrite_test(fn: Path, config: pytest.Config) -> tuple[object, CodeType]:
        stamp: list[object] = []

        def rewrite() -> CodeType:
            first, code = original(fn, config)
            stamp.append(first)
            return code

        flags = f"enable_assertion_pass_hook={config.getini('enable_assertion_pass_hook')}"
        code = through(Path(fn), rewrite, flags)
        if not stamp:  # what pytest's own .pyc header takes: the source's hash, or its stat
            stamp.append(importlib.util.source_hash(Path(fn).read_bytes()) if by_hash
                         else os.stat(fn))
        return stamp[0], code

    rw._rewrite_test = _rewrite_test  # type: ignore[assignment]
    # The suites and the reference are private copies, removed after the grading: bytecode
    # written beside them (pytest's rewritten .pyc, the reference's __pycache__) is never read.
    writing = sys.dont_write_bytecode
    sys.dont_write_bytecode = True
    try:
        yield
    finally:
        rw._rewrite_test = original
        sys.dont_write_bytecode = writing


def check() -> None:
    """Raise ``RuntimeError`` naming each internal this pytest does not have."""
    from _pytest.main import Session
    from _pytest.nodes import Item
    from _pytest.python import Function
    from _pytest.runner import SetupState
    from _pytest.terminal import TerminalReporter

    missing = []
    if not callable(getattr(Function, "_initrequest", None)):
        missing.append("pytest.Function._initrequest")
    if "_report_sections" not in inspect.getsource(Item.__init__):
        missing.append("pytest.Item._report_sections")
    if not callable(getattr(SetupState, "teardown_exact", None)) or \
            "_setupstate" not in inspect.getsource(Session):
        missing.append("pytest.Session._setupstate.teardown_exact")
    if "_fixtureinfo" not in inspect.getsource(Function.__init__):
        missing.append("pytest.Function._fixtureinfo")
    if "_tw" not in inspect.getsource(TerminalReporter.__init__):
        missing.append("TerminalReporter._tw")
    from _pytest.assertion import rewrite as rw

    if list(inspect.signature(getattr(rw, "_rewrite_test", len)).parameters) != ["fn", "config"]:
        missing.append("_pytest.assertion.rewrite._rewrite_test(fn, config)")
    written = inspect.signature(getattr(rw, "_write_pyc", len)).parameters
    if not {"source_hash", "source_stat"} & set(written):
        missing.append("_pytest.assertion.rewrite._write_pyc(state, co, source_hash|source_stat, pyc)")
    if missing:
        raise RuntimeError(f"pytest {pytest.__version__} moved internals grader uses: "
                           + ", ".join(missing) + " (grader/grading/pytest_internals.py)")
