"""What the class struggles with: per-function mean and pass rate, the most frequent catalogued
mistakes.

반 전체 요약: 함수별 평균과 통과율, 가장 흔한 실수(강의 주제별로 어디서 어려워하는지).
"""

from __future__ import annotations

import collections
from collections.abc import Sequence
from typing import Any


def _hint_of(test: dict[str, Any]) -> str:
    """A test's catalogued-mistake hint (``grader.result/v1``'s per-test ``hint``: the mistake's
    key, parameters and both renderings) as one line in both languages, or ""."""
    hint = test.get("hint")
    if not isinstance(hint, dict):
        return ""
    ko, en = str(hint.get("ko", "")).strip(), str(hint.get("en", "")).strip()
    return f"{ko} / {en}" if ko and en else ko or en


def summarise(reports: Sequence[dict[str, Any]], functions: dict[str, float], *,
              not_graded: int = 0, top: int = 10) -> dict[str, Any]:
    graded = [r for r in reports if r["submission"].get("status") != "error"]
    per_function = []
    for name, points in functions.items():
        results = [f for r in graded for f in r.get("functions", []) if f["name"] == name]
        n = len(results)
        per_function.append({
            "function": name, "points": points,
            "mean": round(sum(f["score"] for f in results) / n, 3) if n else None,
            "pass_rate": round(sum(f["status"] == "passed" for f in results) / n, 3) if n else None,
            "statuses": dict(collections.Counter(f["status"] for f in results)),
        })
    mistakes: collections.Counter[tuple[str, str]] = collections.Counter()
    for r in graded:
        seen = set()
        for f in r.get("functions", []):
            for t in f.get("tests", []):
                hint = _hint_of(t)
                if hint:
                    seen.add((f["name"], hint))
        mistakes.update(seen)  # a student counts once per mistake
    statuses = collections.Counter(r["submission"].get("status", "graded") for r in reports)
    totals = [r["score"] for r in graded]
    return {
        "submissions": len(reports), "statuses": dict(statuses), "not_graded": not_graded,
        "max_score": reports[0]["max_score"] if reports else sum(functions.values()),
        "mean": round(sum(totals) / len(totals), 3) if totals else None,
        "functions": per_function,
        "mistakes": [{"function": fn, "hint": hint, "students": n}
                     for (fn, hint), n in mistakes.most_common(top)],
        "errors": [{"id": r["submission"]["id"], "reason": (r.get("notes") or [""])[0]}
                   for r in reports if r["submission"].get("status") == "error"],
        "missing": [r["submission"]["id"] for r in reports
                    if r["submission"].get("status") == "missing"],
    }


def render(summary: dict[str, Any]) -> str:
    lines = [f"제출물 / submissions: {summary['submissions']}  "
             + "  ".join(f"{k}: {v}" for k, v in sorted(summary["statuses"].items()))]
    if summary["not_graded"]:
        lines.append(f"아직 채점하지 않음 / not graded yet: {summary['not_graded']} (다시 실행하면 "
                     f"이어서 채점합니다 / rerun to continue)")
    if summary["mean"] is not None:
        lines.append(f"평균 / mean: {summary['mean']:g}/{summary['max_score']:g}")
    lines += ["", f"{'function':<36} {'points':>6} {'mean':>7} {'pass':>6}"]
    for f in summary["functions"]:
        mean = "-" if f["mean"] is None else f"{f['mean']:g}"
        rate = "-" if f["pass_rate"] is None else f"{100 * f['pass_rate']:.0f}%"
        lines.append(f"{f['function']:<36} {f['points']:>6g} {mean:>7} {rate:>6}")
    if summary["mistakes"]:
        lines += ["", "가장 흔한 실수 / most frequent catalogued mistakes:"]
        lines += [f"  {m['students']:>4} × {m['function']}: {m['hint']}" for m in summary["mistakes"]]
    if summary["missing"]:
        lines += ["", f"모듈 없음 / no module found ({len(summary['missing'])}): "
                  + ", ".join(summary["missing"])]
    if summary["errors"]:
        lines += ["", f"채점기 오류 / grader errors ({len(summary['errors'])}) — 다시 실행하면 다시 "
                  f"채점합니다 / regraded on the next run:"]
        lines += [f"  {e['id']}: {e['reason'][:300]}" for e in summary["errors"]]
    return "\n".join(lines) + "\n"
