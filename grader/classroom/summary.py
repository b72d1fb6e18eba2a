"""What the class struggles with: per-function mean and pass rate, the most frequent catalogued
mistakes.

반 전체 요약: 함수별 평균과 통과율, 가장 흔한 실수(강의 주제별로 어디서 어려워하는지).
"""

from __future__ import annotations

import collections
from collections.abc import Sequence
from typing import Any

from grader.messages import Msg
from grader.report.text import display_width
from grader.result import text_in

# The templates of this module's Msg keys (summary.*): grader/locale/{ko,en}/LC_MESSAGES/grader.po.


def _hint_of(test: dict[str, Any]) -> tuple[str, str]:
    """A test's catalogued-mistake hint (``grader.result/v1``'s per-test ``hint``: the mistake's
    key, parameters and both renderings) as (Korean, English), or ("", "")."""
    hint = test.get("hint")
    if not isinstance(hint, dict):
        return "", ""
    return text_in(hint, "ko").strip(), text_in(hint, "en").strip()


def _first_note(report: dict[str, Any]) -> dict[str, str]:
    """The report's first note (why the grader failed), in both languages and in each (a v1
    report found a note's data by its text, ``note_data``)."""
    note = (report.get("notes") or [""])[0]
    data = (report.get("note_data") or {}).get(note, note) if isinstance(note, str) else note
    return {"reason": text_in(data, "both"), "reason_ko": text_in(data, "ko"),
            "reason_en": text_in(data, "en")}


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
    mistakes: collections.Counter[tuple[str, tuple[str, str]]] = collections.Counter()
    for r in graded:
        seen = set()
        for f in r.get("functions", []):
            for t in f.get("tests", []):
                hint = _hint_of(t)
                if hint[0]:
                    seen.add((f["name"], hint))
        mistakes.update(seen)  # a student counts once per mistake
    statuses = collections.Counter(r["submission"].get("status", "graded") for r in reports)
    totals = [r["score"] for r in graded]
    return {
        "submissions": len(reports), "statuses": dict(statuses), "not_graded": not_graded,
        "max_score": reports[0]["max_score"] if reports else sum(functions.values()),
        "mean": round(sum(totals) / len(totals), 3) if totals else None,
        "functions": per_function,
        # "hint" in both languages (for old readers), and each language alone.
        "mistakes": [{"function": fn, "hint": f"{ko} / {en}" if ko != en else ko,
                      "hint_ko": ko, "hint_en": en, "students": n}
                     for (fn, (ko, en)), n in mistakes.most_common(top)],
        "errors": [{"id": r["submission"]["id"], **_first_note(r)}
                   for r in reports if r["submission"].get("status") == "error"],
        "missing": [r["submission"]["id"] for r in reports
                    if r["submission"].get("status") == "missing"],
        # Why each was found empty (too many entries, an archive too large...): the instructor
        # must not have to open the student's report to learn it.
        "missing_why": [{"id": r["submission"]["id"], **_first_note(r)}
                        for r in reports if r["submission"].get("status") == "missing"],
    }


def _pad(text: str, width: int, right: bool = False) -> str:
    """Pad to ``width`` terminal columns (a Korean character takes two)."""
    fill = " " * max(0, width - display_width(text))
    return fill + text if right else text + fill


def render(summary: dict[str, Any], lang: str = "both") -> str:
    """The summary as text, in ``lang`` ("ko", "en" or "both")."""
    def say(key: str, **params: Any) -> str:
        return Msg(key, **params).render(lang)

    lines = [say("summary.submissions", count=summary["submissions"]) + "  "
             + "  ".join(f"{k}: {v}" for k, v in sorted(summary["statuses"].items()))]
    if summary["not_graded"]:
        lines.append(say("summary.not_graded", count=summary["not_graded"]))
    if summary["mean"] is not None:
        lines.append(say("summary.mean", mean=f"{summary['mean']:g}",
                         max_score=f"{summary['max_score']:g}"))
    head = [say(f"summary.col_{c}") for c in ("function", "points", "mean", "pass")]
    lines += ["", " ".join([_pad(head[0], 36), _pad(head[1], 6, True), _pad(head[2], 7, True),
                            _pad(head[3], 6, True)]).rstrip()]
    for f in summary["functions"]:
        mean = "-" if f["mean"] is None else f"{f['mean']:g}"
        rate = "-" if f["pass_rate"] is None else f"{100 * f['pass_rate']:.0f}%"
        lines.append(f"{f['function']:<36} {f['points']:>6g} {mean:>7} {rate:>6}")
    if summary["mistakes"]:
        lines += ["", say("summary.mistakes")]
        lines += [f"  {m['students']:>4} × {m['function']}: {m.get(f'hint_{lang}') or m['hint']}"
                  for m in summary["mistakes"]]
    if summary["missing"]:
        lines += ["", say("summary.missing", count=len(summary["missing"]),
                          ids=", ".join(summary["missing"]))]
        lines += [f"  {m['id']}: {m.get(f'reason_{lang}') or m['reason']}"
                  for m in summary.get("missing_why", [])]
    if summary["errors"]:
        lines += ["", say("summary.errors", count=len(summary["errors"]))]
        lines += [f"  {e['id']}: {(e.get(f'reason_{lang}') or e['reason'])[:300]}"
                  for e in summary["errors"]]
    return "\n".join(lines) + "\n"
