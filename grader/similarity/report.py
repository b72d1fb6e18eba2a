"""The similarity report: terminal (top pairs), one self-contained HTML file, CSV.

유사도 보고서: 터미널(상위 쌍), 오프라인으로 열리는 HTML 파일 하나(일치 구간을 나란히, 강조),
스프레드시트용 CSV. 학생 코드는 신뢰할 수 없는 입력이므로 HTML에서는 모두 이스케이프하고,
스크립트를 전혀 쓰지 않으며 CSP로도 막는다.
"""

from __future__ import annotations

import csv
import html
import io
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from grader import messages
from grader.messages import Msg
from grader.similarity.ranking import Analysis, FunctionPrint, Pair

# The templates of this module's Msg keys (similarity.*): grader/locale/{ko,en}/LC_MESSAGES/grader.po.
# Every renderer takes ``lang``: "ko", "en" or "both" (the two side by side, as before).
NOTICE = Msg("similarity.notice")
NOTICE_KO = NOTICE.render("ko")
NOTICE_EN = NOTICE.render("en")


def _say(lang: str, key: str, **params: Any) -> str:
    return Msg(key, **params).render(lang)


def _langs(lang: str) -> tuple[str, ...]:
    """The languages of a paragraph that is shown once per language ("both": Korean, then English)."""
    return ("ko", "en") if lang == "both" else (lang,)


@dataclass(frozen=True)
class FunctionMatch:
    """A function of A and the function of B that shares most of its fingerprints."""

    key_a: str
    key_b: str
    shared: frozenset[int]


def function_matches(analysis: Analysis, pair: Pair) -> list[FunctionMatch]:
    """What makes a pair similar, function by function, most shared first.

    Matched across names, so a helper renamed or moved to another module is still paired.
    """
    a, b = analysis.submissions[pair.a], analysis.submissions[pair.b]
    owner: dict[int, list[str]] = defaultdict(list)
    for key, fb in b.functions.items():
        if _counted(fb):
            for h in fb.prints:
                owner[h].append(key)
    found = []
    for key, fa in a.functions.items():
        if not _counted(fa):
            continue
        votes: dict[str, set[int]] = defaultdict(set)
        for h in fa.prints:
            for key_b in owner.get(h, ()):
                votes[key_b].add(h)
        if votes:
            best = max(sorted(votes), key=lambda kb: (len(votes[kb]), kb == key))
            found.append(FunctionMatch(key, best, frozenset(votes[best])))
    found.sort(key=lambda m: (-len(m.shared), m.key_a))
    return found


def _counted(fp: FunctionPrint) -> bool:
    return not fp.short and bool(fp.prints)


def matched_regions(fa: FunctionPrint, fb: FunctionPrint, shared: frozenset[int], k: int,
                    ) -> tuple[dict[int, int], dict[int, int]]:
    """``module line -> region number`` on both sides; the same number marks the same passage."""
    spans = sorted((p, h) for h in shared for p in fa.prints.get(h, ()))
    region_of_hash: dict[int, int] = {}
    lines_a: dict[int, int] = {}
    region, end = 0, -1
    for p, h in spans:
        if p > end:
            region += 1
        end = max(end, p + k - 1)
        region_of_hash[h] = region
        for i in range(p, min(p + k, len(fa.code.lines))):
            lines_a.setdefault(fa.code.lines[i], region)
    lines_b: dict[int, int] = {}
    for h in shared:
        for p in fb.prints.get(h, ()):
            for i in range(p, min(p + k, len(fb.code.lines))):
                lines_b.setdefault(fb.code.lines[i], region_of_hash[h])
    return lines_a, lines_b


# ---- terminal ----------------------------------------------------------------------------------

def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _fit(text: str, width: int) -> str:
    """Cut to ``width`` terminal columns (a Korean character takes two) and pad."""
    if _width(text) > width:
        out, used = "", 0
        for c in text:
            w = _width(c)
            if used + w > width - 1:
                break
            out, used = out + c, used + w
        text = out + "…"
    return text + " " * max(0, width - _width(text))


def _printable(text: str) -> str:
    # Names come from the class folder: no terminal escape sequences from a file name.
    return "".join(c if c.isprintable() else "?" for c in text)


def render_text(analysis: Analysis, *, top: int = 20, width: int = 100, lang: str = "both") -> str:
    """The top pairs for a terminal of ``width`` columns, in ``lang`` ("ko", "en" or "both")."""
    names = [_printable(s.name) for s in analysis.submissions]
    p = analysis.parameters
    width = max(60, width)
    header = _say(lang, "similarity.header", submissions=len(names), k=p.k, t=p.t, w=p.w,
                  common=analysis.common_limit, min_tokens=p.min_tokens)
    lines = [_wrap(header, width, ""), ""]
    lines += [_wrap(f"※ {NOTICE.render(one)}", width, "  ") for one in _langs(lang)] + [""]
    name_w = max(8, min(max((_width(n) for n in names), default=8), (width - 30) // 3))
    lines.append(_say(lang, "similarity.top_overall", shown=min(top, len(analysis.overall)),
                      total=len(analysis.overall)))
    if not analysis.overall:
        lines.append(f"  ({_say(lang, 'similarity.no_pair')})")
    for rank, pair in enumerate(analysis.overall[:top], 1):
        head = (f"{rank:>3}. {pair.score:6.1%}  {_fit(names[pair.a], name_w)}  "
                f"{_fit(names[pair.b], name_w)}  ")
        functions = _printable(", ".join(m.key_a.split(".", 1)[-1]
                                         for m in function_matches(analysis, pair)[:4]))
        lines.append((head + _fit(functions, max(10, width - _width(head)))).rstrip())
    per_top = max(1, min(3, top))
    if analysis.by_function:
        lines += ["", _say(lang, "similarity.top_per_function", n=per_top)]
    fn_w = max(_width(k) for k in analysis.by_function) if analysis.by_function else 10
    fn_w = min(fn_w, width // 3)
    for key, pairs in analysis.by_function.items():
        for i, pair in enumerate(pairs[:per_top]):
            label = _fit(_printable(key) if i == 0 else "", fn_w)
            row = (f"  {label}  {pair.score:6.1%}  {_fit(names[pair.a], name_w)}  "
                   f"{names[pair.b]}")
            lines.append(_fit(row, width).rstrip())
    if analysis.short_functions:
        lines += ["", _wrap(_say(lang, "similarity.short", min_tokens=p.min_tokens), width, "")]
        lines.append(_wrap(", ".join(f"{k} ({n})" for k, n in analysis.short_functions.items()),
                           width, "  "))
    notes = [f"{names[i]}: {_printable(messages.render(n, lang))}"
             for i, s in enumerate(analysis.submissions) for n in s.notes]
    if notes:
        lines += ["", _say(lang, "similarity.not_read")]
        lines += [f"  ※ {_fit(n, width - 4).rstrip()}" for n in notes]
    return "\n".join(lines) + "\n"


def _wrap(text: str, width: int, indent: str) -> str:
    """Word-wrap by display width; later lines indented; an overlong word is cut."""
    out, line = [], ""
    for word in text.split(" "):
        if line.strip() and _width(line) + _width(word) > width:
            out.append(line.rstrip())
            line = indent
        line += _fit(word, width - _width(line)).rstrip() + " "
    out.append(line.rstrip())
    return "\n".join(out)


# ---- CSV ---------------------------------------------------------------------------------------

CSV_FIELDS = ["scope", "function", "rank", "submission_a", "submission_b", "similarity",
              "a_in_b", "b_in_a", "shared_fingerprints"]


def _cell(text: str) -> str:
    # A spreadsheet runs a cell starting with = + - @ as a formula: names are student-chosen.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def render_csv(analysis: Analysis) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, lineterminator="\n")
    writer.writeheader()
    names = [s.name for s in analysis.submissions]
    groups: list[tuple[str, str, list[Pair]]] = [("overall", "", analysis.overall)]
    groups += [("function", key, pairs) for key, pairs in analysis.by_function.items()]
    for scope, function, pairs in groups:
        for rank, pair in enumerate(pairs, 1):
            writer.writerow({
                "scope": scope, "function": function, "rank": rank,
                "submission_a": _cell(names[pair.a]), "submission_b": _cell(names[pair.b]),
                "similarity": f"{pair.score:.4f}", "a_in_b": f"{pair.a_in_b:.4f}",
                "b_in_a": f"{pair.b_in_a:.4f}", "shared_fingerprints": pair.shared})
    return out.getvalue()


# ---- HTML --------------------------------------------------------------------------------------

_CSS = """
body{font:14px/1.45 system-ui,sans-serif;margin:1.5em;color:#222}
.notice{background:#fff6d6;border:1px solid #e0c050;padding:.6em 1em;border-radius:4px}
table{border-collapse:collapse;margin:.5em 0}
td,th{border:1px solid #ccc;padding:.2em .5em;text-align:left;vertical-align:top}
th{background:#f3f3f3}
.side{width:50%}
pre{margin:0;font:12px/1.35 ui-monospace,monospace;white-space:pre-wrap;word-break:break-all}
.ln{color:#999;user-select:none}
mark{display:inline-block;width:100%}
mark.r0{background:#ffd6d6}mark.r1{background:#d6f0ff}mark.r2{background:#dfffd6}
mark.r3{background:#f3d6ff}mark.r4{background:#fff0c2}mark.r5{background:#d6fff6}
.muted{color:#777}
"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _code(fp: FunctionPrint, regions: dict[int, int]) -> str:
    out = []
    for offset, line in enumerate(fp.code.source.splitlines()):
        number = fp.code.first_line + offset
        body = f'<span class="ln">{number:>4} </span>{_e(line)}'
        region = regions.get(number)
        if region is not None:
            body = f'<mark class="r{(region - 1) % 6}" title="passage {region}">{body}</mark>'
        out.append(body)
    return "<pre>" + "\n".join(out) + "</pre>"


def render_html(analysis: Analysis, *, top: int = 50, lang: str = "both") -> str:
    """One self-contained page (no script, no external asset), in ``lang``."""
    def say(key: str, **params: Any) -> str:
        return _e(_say(lang, key, **params))

    names = [s.name for s in analysis.submissions]
    p = analysis.parameters
    notice = "<br>".join(f"<strong>{_e(NOTICE.render(one))}</strong>" if i == 0
                         else _e(NOTICE.render(one)) for i, one in enumerate(_langs(lang)))
    ranked = Msg("similarity.ranked" if p.include_short else "similarity.not_ranked")
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{"en" if lang == "en" else "ko"}"><head><meta charset="utf-8">',
        # No script anywhere; the policy also forbids any that escaping might have missed.
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
        "style-src 'unsafe-inline'\">",
        f"<title>{say('similarity.title')}</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>{say('similarity.title')}</h1>",
        f'<p class="notice">{notice}</p>',
        "<p>" + say("similarity.parameters", submissions=len(names), k=p.k, t=p.t, w=p.w,
                    starter=analysis.starter_prints, common=analysis.common_limit,
                    dropped=analysis.common_dropped, min_tokens=p.min_tokens, ranked=ranked)
        + "</p>",
        f"<h2>{say('similarity.overall')}</h2>",
    ]
    shown = analysis.overall[:top]
    if shown:
        parts.append(f"<table><tr><th>#</th><th>{say('similarity.col_similarity')}</th><th>A</th>"
                     f"<th>B</th><th>A in B</th><th>B in A</th><th>{say('similarity.col_shared')}"
                     f"</th><th>{say('similarity.col_functions')}</th></tr>")
        for rank, pair in enumerate(shown, 1):
            functions = ", ".join(m.key_a for m in function_matches(analysis, pair)[:5])
            parts.append(
                f'<tr><td><a href="#pair-{rank}">{rank}</a></td><td>{pair.score:.1%}</td>'
                f"<td>{_e(names[pair.a])}</td><td>{_e(names[pair.b])}</td>"
                f"<td>{pair.a_in_b:.0%}</td><td>{pair.b_in_a:.0%}</td><td>{pair.shared}</td>"
                f"<td>{_e(functions)}</td></tr>")
        parts.append("</table>")
    else:
        parts.append(f'<p class="muted">{say("similarity.no_pair")}</p>')

    if analysis.by_function:
        parts.append(f"<h2>{say('similarity.per_function')}</h2><table><tr>"
                     f"<th>{say('similarity.col_function')}</th>"
                     f"<th>{say('similarity.col_top_pairs')}</th></tr>")
        for key, pairs in analysis.by_function.items():
            cells = "<br>".join(f"{pr.score:.1%} — {_e(names[pr.a])} ↔ {_e(names[pr.b])}"
                                for pr in pairs[:5])
            parts.append(f"<tr><td>{_e(key)}</td><td>{cells}</td></tr>")
        parts.append("</table>")
    if analysis.short_functions:
        items = ", ".join(f"{_e(k)} ({n})" for k, n in analysis.short_functions.items())
        # The items are escaped already: escape the sentence around them only.
        parts.append(f'<p class="muted">{say("similarity.short_html", items=chr(0))}</p>'
                     .replace(chr(0), items))

    parts.append(f"<h2>{say('similarity.matching')}</h2>")
    for rank, pair in enumerate(shown, 1):
        a, b = analysis.submissions[pair.a], analysis.submissions[pair.b]
        parts.append(f'<h3 id="pair-{rank}">{rank}. {_e(a.name)} ↔ {_e(b.name)} — '
                     f"{pair.score:.1%}</h3>")
        for match in function_matches(analysis, pair):
            fa, fb = a.functions[match.key_a], b.functions[match.key_b]
            lines_a, lines_b = matched_regions(fa, fb, match.shared, p.k)
            parts.append(
                f"<table><tr><th class=\"side\">{_e(a.name)}: {_e(match.key_a)}</th>"
                f"<th class=\"side\">{_e(b.name)}: {_e(match.key_b)}</th></tr>"
                f"<tr><td>{_code(fa, lines_a)}</td><td>{_code(fb, lines_b)}</td></tr></table>")
    notes = [(s.name, n) for s in analysis.submissions for n in s.notes]
    if notes:
        parts.append(f"<h2>{say('similarity.not_read_title')}</h2><ul>")
        parts += [f"<li>{_e(name)}: {_e(messages.render(note, lang))}</li>" for name, note in notes]
        parts.append("</ul>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
