"""The one module that names pytest's private internals.

pytest 내부(비공개) API를 쓰는 곳은 이 모듈 하나뿐이다. pytest가 바뀌면 ``check()``가 무엇이
없어졌는지 이름으로 알려 준다.

Running the collected tests again for each grading of a served session (``grader.grading.engine``), a
test's fixture arguments for a stand-in rerun and the terminal's width need a few of pytest's
private attributes. They are named here only; ``check()`` says loudly which one moved, and
pyproject pins pytest below its next major version (tests/test_grading_core.py calls it).
"""

from __future__ import annotations

import inspect

import pytest


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
    if missing:
        raise RuntimeError(f"pytest {pytest.__version__} moved internals grader uses: "
                           + ", ".join(missing) + " (grader/grading/pytest_internals.py)")
