"""The Markdown report: one table row per graded function (status, points, first reason) and
the details of every test that lost points, folded.

마크다운 보고서: 함수마다 한 줄(상태, 점수, 첫 번째 감점 이유)의 표와, 감점된 테스트의 자세한 내용
(접힘). PR 댓글이나 파일로 쓰고, ``--format github``의 작업 요약(job summary)도 이 표를 쓴다.

Everything that came from a submission (messages, printed output) is escaped: a student cannot
inject Markdown or HTML into the page. The whole report stays well under GitHub's 1 MiB limit
for a step summary.
"""

from __future__ import annotations

import html

from grader.messages import Msg
from grader.report.text import report_word, status_word
from grader.result import FunctionResult, Result

STATUS_ICON = {"passed": "✅", "partial": "🟡", "not_implemented": "⬜"}
REASON_CHARS = 160
DETAIL_CHARS = 2000
MAX_BYTES = 256 * 1024  # GitHub keeps at most 1 MiB per step summary


def _cell(text: str, limit: int = REASON_CHARS) -> str:
    """One table cell: a single line, escaped for HTML and for Markdown tables."""
    line = " ".join(text.split())
    if len(line) > limit:
        line = line[: limit - 1] + "…"
    return html.escape(line, quote=False).replace("|", "\\|").replace("`", "&#96;")


def _pre(text: str) -> str:
    if len(text) > DETAIL_CHARS:
        text = text[:DETAIL_CHARS] + "\n…"
    return f"<pre>{html.escape(text, quote=False)}</pre>"


def icon(status: str) -> str:
    return STATUS_ICON.get(status, "❌")


def points(score: float, max_score: float) -> str:
    return f"{score:g}/{max_score:g}"


def _first_reason(f: FunctionResult, lang: str) -> str:
    return f.summary_in(lang)


def table(result: Result) -> list[str]:
    """The per-function table (shared by ``markdown`` and the ``github`` job summary)."""
    head = [report_word(w, result.language) for w in ("function", "status", "points", "first_reason")]
    rows = ["| | " + " | ".join(head) + " |",
            "| --- | --- | --- | ---: | --- |"]
    for f in result.functions:
        label = status_word(f.status, result.language)
        rows.append(f"| {icon(f.status)} | `{f.name}` | {_cell(label)} | "
                    f"{points(f.score, f.max_score)} | {_cell(_first_reason(f, result.language))} |")
    return rows


def _details(f: FunctionResult, lang: str = "both") -> list[str]:
    lines = [f"#### `{f.name}` — {points(f.score, f.max_score)}", ""]
    for t in f.tests:
        if t.passed:
            continue
        visibility = report_word(f"visibility.{t.visibility}", lang)
        lines.append(f"- ❌ `{_cell(t.name, 200)}` ({_cell(visibility)}) "
                     f"{points(t.score, t.max_score)}")
        message = t.message_in(lang)
        if message:
            lines += ["", _pre(message)]
        if t.output:
            lines += ["", Msg("markdown.output").render(lang), "", _pre(t.output)]
        lines.append("")
    return lines


def render(result: Result, *, heading_level: int = 2) -> str:
    """The whole report: heading with the total, table, folded details, notes."""
    hashes = "#" * heading_level
    lines = [f"{hashes} {_cell(result.assignment)}: {points(result.score, result.max_score)}", "",
             *table(result), ""]
    if result.graded:
        folder = Msg("report.graded_folder", folder=result.graded).render(result.language)
        lines[1:1] = [_cell(folder, limit=1000), ""]
    # A function not implemented yet has nothing to add to its row in the table.
    lost = [f for f in result.functions
            if f.score < f.max_score and f.status not in ("not_implemented", "missing")]
    if lost:
        details: list[str] = []
        size = 0
        for f in lost:
            block = _details(f, result.language)
            size += sum(len(line.encode()) + 1 for line in block)
            if size > MAX_BYTES:
                details.append(Msg("markdown.left_out",
                                   count=len(lost) - lost.index(f)).render(result.language))
                break
            details += block
        summary = Msg("markdown.lost_details").render(result.language)
        lines += [f"<details><summary>{summary}</summary>", "", *details, "</details>", ""]
    meta = Msg("markdown.meta", seed=result.seed, isolation=_cell(result.isolation),
               version=_cell(result.grader_version),
               seconds=f"{result.duration_s:.1f}").render(result.language)
    lines += [meta, ""]
    for note in result.notes_in():  # one quote each: consecutive quote lines would merge
        lines += [f"> ※ {_cell(note, 600)}", ""]
    return "\n".join(lines).rstrip("\n") + "\n"
