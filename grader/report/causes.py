"""One cause said once: which failure a report shows for a function, and which reasons several
functions or tests share (one syntax error, one misnamed file, one timeout).

원인 하나는 한 번만: 함수마다 보여 줄 실패를 고르고, 여러 함수나 테스트가 같은 이유로 실패했으면
그 이유를 한 번만, 해당 함수들과 함께 말한다.

The reports render from the same ``Result``; these helpers only decide what to show, each
report keeps its own layout.
"""

from __future__ import annotations

from grader.result import CONSEQUENCES, FunctionResult, TestResult, key_of


def only_reason(f: FunctionResult, lang: str) -> str:
    """The reason every failing test of ``f`` gives, when they all give the same one."""
    texts = {t.reason_in(lang).strip() for t in f.tests if not t.passed}
    return texts.pop() if len(texts) == 1 else ""


def shared(functions: list[FunctionResult], lang: str) -> list[tuple[list[FunctionResult], str]]:
    """Reasons that two or more of ``functions`` give for all their failing tests, each with
    those functions, in order of first appearance."""
    groups: dict[str, list[FunctionResult]] = {}
    for f in functions:
        reason = only_reason(f, lang)
        if reason and f.score < f.max_score:
            groups.setdefault(reason, []).append(f)
    return [(fs, reason) for reason, fs in groups.items() if len(fs) > 1]


def repeats(t: TestResult, said: set[str], lang: str) -> bool:
    """Whether ``t``'s reason was already said (``said``: the reasons shown so far for its
    function) or only follows from an earlier failure, such as a timeout."""
    key = key_of(t.reason)
    return key in CONSEQUENCES or t.reason_in(lang).strip() in said
