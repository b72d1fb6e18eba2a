"""The terminal report: one row per graded function, the total and the refused files.

터미널 보고서: 채점한 모듈, 함수마다 한 줄(상태, 점수, 점수를 잃은 첫 번째 이유), 총점, 읽지 않은 파일.
"""

from __future__ import annotations

import unicodedata

from grader.result import Result

STATUS_LABEL = {
    "passed": "통과 passed",
    "partial": "부분 partial",
    "failed": "실패 failed",
    "error": "오류 error",
    "timeout": "시간초과 timeout",
    "not_implemented": "미구현 not_impl",
    "missing": "없음 missing",
}


def display_width(text: str) -> int:
    """터미널에서 차지하는 칸 수 / terminal columns: a Korean character takes two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    """Left-justify by display width: a Korean character takes two terminal columns."""
    return text + " " * max(0, width - display_width(text))


def _first_line(text: str, width: int) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= width else line[: width - 1] + "…"


def render(result: Result, *, width: int = 100) -> str:
    name_w = max(len(f.name) for f in result.functions) if result.functions else 10
    lines = [f"{result.assignment} — seed {result.seed}, 격리 isolation: {result.isolation}, "
             f"{result.duration_s:.2f} s"]
    if result.modules:
        lines.append(f"채점한 모듈 / graded modules: {', '.join(result.modules)}")
    lines.append("")
    for f in result.functions:
        label = STATUS_LABEL.get(f.status, f.status)
        points = f"{f.score:g}/{f.max_score:g}"
        row = f"{_pad(label, 18)} {f.name:<{name_w}}  {points:>9}"
        reason = _first_line(f.reason, max(20, width - len(row) - 3))
        lines.append(f"{row}   {reason}" if reason else row)
        for t in f.tests:
            hint = t.hint_text(result.language)
            if hint:
                lines.append(f"{'':<18} {'':<{name_w}}  {'':>9}   {_first_line(hint, width)}")
                break
    lines += ["", f"총점 / total: {result.score:g} / {result.max_score:g}"]
    if result.refused:
        lines += ["", "읽지 않은 파일 (없는 것으로 채점) / refused files (graded as missing):"]
        lines += [f"  ✗ {r.path}: {r.message}" for r in result.refused]
    lines += [f"※ {note}" for note in result.notes]
    return "\n".join(lines) + "\n"
