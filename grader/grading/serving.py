"""The run plugin of a served pytest session (``grader.grading.engine.serve``): the suites are
collected once, then run once per grading.

서비스 세션의 pytest 플러그인: 스위트는 한 번 수집하고, 채점마다 한 번씩 실행한다.

Apart from ``grader.grading.engine`` so that importing the engine does not import pytest: a
``grader check`` starts the student's worker first and imports pytest while the worker starts.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from grader import messages
from grader.grading import plugin, pytest_internals, scoring


class ServingRun(plugin.RunPlugin):
    """The run plugin of a served session: collects once; its test loop is ``work``, which runs
    the collected tests once per grading (``run_items``) with that grading's run."""

    def __init__(self) -> None:
        super().__init__(None)
        self.all_items: list[pytest.Item] = []
        self.superseded: list[dict[str, str]] = []  # public tests not run (``supersedes``)
        self.work: Callable[[], None] = lambda: None
        self.failure: messages.Msg | None = None  # why the suites could not be collected
        self.error: BaseException | None = None
        self.served = False
        self._session: pytest.Session | None = None

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            self.failure = messages.Msg("engine.not_collected", node=report.nodeid,
                                        detail=str(report.longrepr)[-3000:])

    def pytest_collection_modifyitems(self, config: pytest.Config,
                                      items: list[pytest.Item]) -> None:
        items[:], superseded = plugin.without_superseded(items)
        if superseded:
            config.hook.pytest_deselected(items=superseded)
        self.superseded = plugin.superseded_records(superseded)
        self.all_items = list(items)  # each grading picks its modules' tests from these

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtestloop(self, session: pytest.Session) -> bool:  # type: ignore[override]
        self._session, self.served = session, True
        try:
            self.work()
        except Exception as exc:  # `work`'s own failure: raised again by `serve`
            self.error = exc
        return True

    def run_items(self, run: plugin.GradingRun) -> list[scoring.TestOutcome]:
        """Every collected test of the graded functions, once, with ``run``; then the deferred
        stand-in reruns. The items are reset as pytest would make them afresh."""
        assert self._session is not None
        session = self._session
        graded = run.assignment.functions
        items = [i for i in self.all_items
                 if (g := plugin.grades_of(i)) is None or g[0] in graded]
        self.run, self.items = run, items
        run.superseded = [s for s in self.superseded if s["function"] in graded]
        self._in_loop, self._pending = True, []
        terminal = session.config.pluginmanager.get_plugin("terminalreporter")
        try:
            for item in items:
                plugin.forget_outcome(item)
                pytest_internals.reset_item(item)
            for i, item in enumerate(items):
                following = items[i + 1] if i + 1 < len(items) else None
                item.ihook.pytest_runtest_protocol(item=item, nextitem=following)
                if session.shouldstop or session.shouldfail:
                    raise KeyboardInterrupt
            self._in_loop = False
            self.rerun_pending()
            return self.outcomes
        except BaseException:
            # A grading cut short leaves no fixture set up for the next one.
            pytest_internals.teardown_all(session)
            raise
        finally:
            self._in_loop, self._pending = False, []
            if terminal is not None:  # its statistics would grow with every grading
                terminal.stats.clear()
