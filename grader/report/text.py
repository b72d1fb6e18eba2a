"""The terminal report: per module a table of functions (mark, points, status), then for each
function that lost points its first reason and hint, whole and wrapped; the total, refused
files and notes.

터미널 보고서: 모듈마다 함수 표(표시, 점수, 상태), 그 아래 점수를 잃은 함수마다 첫 번째 이유와
힌트를 자르지 않고 줄바꿈하여 보여 준다. 폭은 표시 폭(한글은 두 칸)으로 잰다.

Colour comes from ``click.style`` (click is already a dependency; ``click.echo`` drops the
escapes when the output is not a terminal); ``color=False`` gives plain text.
"""

from __future__ import annotations

import os
import shutil
import sys
import unicodedata
from collections.abc import Callable

from grader.messages import Msg
from grader.report import causes
from grader.result import FunctionResult, Result, TestResult

STATUSES = ("passed", "partial", "failed", "error", "timeout", "not_implemented", "missing")
MARK = {"passed": "✓", "partial": "◐", "failed": "✗", "error": "!", "timeout": "⏱",
        "not_implemented": "·", "missing": "?"}
_COLOUR = {"passed": "green", "partial": "yellow", "failed": "red", "error": "red",
           "timeout": "red", "not_implemented": "bright_black", "missing": "bright_black"}

def display_width(text: str) -> int:
    """터미널에서 차지하는 칸 수 / terminal columns: a Korean character takes two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 0
               if unicodedata.combining(c) else 1 for c in text)


def _pad(text: str, width: int) -> str:
    """Left-justify by display width: a Korean character takes two terminal columns."""
    return text + " " * max(0, width - display_width(text))


def wrap(text: str, width: int, indent: str = "", first: str | None = None) -> list[str]:
    """``text`` wrapped to ``width`` display columns (words kept whole where they fit, a word
    longer than a line broken by characters); every line of the text is kept, nothing cut."""
    first = indent if first is None else first
    out: list[str] = []
    for paragraph in text.splitlines() or [""]:
        prefix = first if not out else indent
        line, used = prefix, display_width(prefix)
        for word in paragraph.split(" "):
            w = display_width(word)
            if used + (1 if line.strip() else 0) + w <= width or not word:
                sep = " " if line.strip() and line != prefix else ""
                line, used = line + sep + word, used + len(sep) + w
                continue
            if line.strip():
                out.append(line.rstrip())
                line, used = indent, display_width(indent)
            for ch in word:  # longer than a line: broken by characters
                cw = display_width(ch)
                if used + cw > width and line.strip():
                    out.append(line)
                    line, used = indent, display_width(indent)
                line, used = line + ch, used + cw
        out.append(line.rstrip())
    return out


def terminal_width(default: int = 100) -> int:
    """The terminal's columns (``COLUMNS`` first), else ``default``; never under 40."""
    return max(40, shutil.get_terminal_size((default, 24)).columns)


def use_colour(stream: object = None) -> bool:
    """Colour only on a terminal and never under ``NO_COLOR`` (https://no-color.org)."""
    if os.environ.get("NO_COLOR"):
        return False
    stream = sys.stdout if stream is None else stream
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty()) and os.environ.get("TERM") != "dumb"


def message_in(test: TestResult, lang: str) -> str:
    """The test's reason in ``lang``, without the hint (the report shows it on its own line)."""
    return test.reason_in(lang).strip()


def report_word(key: str, lang: str) -> str:
    """A report's own words (``report.<key>`` in the catalogues) in ``lang``."""
    return Msg(f"report.{key}").render(lang)


_t = report_word


def status_word(status: str, lang: str) -> str:
    """A function's status in ``lang`` (``status.<status>`` in the catalogues); "both" is the
    compact "통과 passed" of a table cell. An unknown status is shown as it is."""
    if status not in STATUSES:
        return status
    msg = Msg(f"status.{status}")
    return f"{msg.render('ko')} {msg.render('en')}" if lang == "both" else msg.render(lang)


def hidden_ran(result: Result) -> bool:
    return any(t.visibility == "hidden" for f in result.functions for t in f.tests)


def render(result: Result, *, width: int = 100, verbose: bool = False, lang: str | None = None,
           color: bool = False, header: bool = True) -> str:
    """The report as text of at most ``width`` display columns per line (``header=False``:
    without the run's first line, for plain pytest's summary)."""
    lang = lang or result.language or "both"
    style: Callable[..., str]
    if color:
        import click

        style = click.style
    else:
        def style(text: str, **_: object) -> str:
            return text

    lines: list[str] = []
    head = Msg("report.head", assignment=result.assignment, seed=result.seed,
               isolation=result.isolation, seconds=f"{result.duration_s:.2f}").render(lang)
    if header:
        lines += [style(ln, bold=True) for ln in wrap(head, width)]
        if result.graded:
            lines += wrap(Msg("report.graded_folder", folder=result.graded).render(lang), width,
                          "  ")
        if result.modules:
            lines += wrap(f"{_t('graded', lang)}: {', '.join(result.modules)}", width, "  ")
    modules: dict[str, list[FunctionResult]] = {}
    for f in result.functions:
        modules.setdefault(f.name.split(".", 1)[0], []).append(f)
    for module, functions in modules.items():
        shared = causes.shared(functions, lang)
        grouped = {id(f) for group, _ in shared for f in group}
        lines += [""] if lines else []
        lines.append(style(f"{module}.py", bold=True))
        names = [f.name.split(".", 1)[-1] for f in functions]
        points = [f"{f.score:g}/{f.max_score:g}" for f in functions]
        point_w = max(display_width(p) for p in points)
        status_w = max(display_width(status_word(f.status, lang)) for f in functions)
        # "✓ name  points  status": the name column takes what the others leave.
        name_w = max(1, min(max(display_width(n) for n in names),
                            width - 2 - 2 - point_w - 2 - status_w))
        for f, name, pts in zip(functions, names, points, strict=True):
            colour = _COLOUR.get(f.status)
            mark = style(MARK.get(f.status, "?"), fg=colour)
            word = status_word(f.status, lang)
            row = (f"{_pad(name, name_w)}  {' ' * (point_w - len(pts))}{pts}  "
                   f"{word}")
            if display_width(row) + 2 <= width:
                lines.append(f"{mark} {row[: len(row) - len(word)]}{style(word, fg=colour)}")
            else:  # a very long name: the row wraps, nothing is cut
                lines += [f"{mark} {ln}" if i == 0 else ln
                          for i, ln in enumerate(wrap(row, width, "  ", ""))]
            if verbose:
                said: set[str] = set()  # a reason is said once per function (or per group)
                for t in f.tests:
                    tmark = style("✓" if t.passed else "✗", fg="green" if t.passed else "red")
                    again = not t.passed and (id(f) in grouped or causes.repeats(t, said, lang))
                    test_line = f"{t.name}  {t.score:g}/{t.max_score:g}"
                    if again:
                        test_line += "  " + _t("same_reason" if id(f) not in grouped
                                               else "reason_below", lang)
                    lines += wrap(test_line, width, "      ", f"    {tmark} ")
                    if not t.passed and not again:
                        said.add(t.reason_in(lang).strip())
                        lines += _reason_lines(t, lang, width, "      ", style)
        # Not implemented: its row says all there is (one line per function).
        lost = [f for f in functions if f.score < f.max_score and f.status != "not_implemented"
                and id(f) not in grouped]
        if verbose:
            lost = []
        if lost or shared:
            lines.append("")
        for group, reason in shared:  # one cause of several functions, said once
            affected = ", ".join(g.name.split(".", 1)[-1] for g in group)
            lines += [style(ln, fg=_COLOUR.get(group[0].status)) for ln in wrap(affected, width)]
            lines += wrap(reason, width, "    ")
        if lost:
            for f in lost:
                ft = f.first_failure  # the reason the student may read, before a withheld one
                name = style(f"{f.name.split('.', 1)[-1]}", fg=_COLOUR.get(f.status))
                if f.status == "missing":  # one line: nothing more to explain
                    why = message_in(ft, lang) if ft is not None else ""
                    first = f"{f.name.split('.', 1)[-1]}: "
                    wrapped = wrap(why or status_word(f.status, lang),
                                   width, "    ", first)
                    lines += [name + ln[len(first) - 2:] if i == 0 else ln
                              for i, ln in enumerate(wrapped)]
                    continue
                plain = f.name.split(".", 1)[-1]
                heading = wrap(plain + (f"  ({ft.name})" if ft is not None else ""), width, "    ",
                               "")
                lines += [name + ln[len(plain):] if i == 0 else ln
                          for i, ln in enumerate(heading)]
                if ft is not None:  # the hint wherever among the function's tests it was found
                    lines += _reason_lines(ft, lang, width, "    ", style,
                                           ft.hint_text(lang) or f.hint_in(lang))
    lines += ["", style(f"{_t('total', lang)}: {result.score:g} / {result.max_score:g}",
                        bold=True)]
    if result.refused:
        lines += ["", *wrap(_t("refused", lang) + ":", width)]
        for refused in result.refused_in(lang):
            lines += wrap(refused, width, "    ", "  ✗ ")
    for note in result.notes_in(lang):
        lines += wrap(note, width, "  ", "※ ")
    if result.functions and not hidden_ran(result):
        lines += ["", *[style(ln, fg="yellow") for ln in wrap(_t("hidden", lang), width, "  ",
                                                               "※ ")]]
    return "\n".join(lines) + "\n"


def _reason_lines(t: TestResult, lang: str, width: int, indent: str,
                  style: Callable[..., str], hint: str | None = None) -> list[str]:
    out = wrap(message_in(t, lang), width, indent) if message_in(t, lang) else []
    hint = t.hint_text(lang) if hint is None else hint
    if hint:
        out += [style(ln, fg="cyan") for ln in wrap(hint, width, indent + "  ", indent + "→ ")]
    return out
