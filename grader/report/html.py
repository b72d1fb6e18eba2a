"""The HTML report: one self-contained page (score, every function's tests with their messages
and hints, pictures of the student's own functions beside the reference).

HTML 보고서: 파일 하나로 완결된 페이지 (점수, 함수마다 테스트와 메시지·힌트, 내 함수의 그림과 참조 해답).

No network and no external asset: the CSS is inline, every picture is an SVG in a ``data:`` URI,
and a Content-Security-Policy forbids scripts and any fetch, so even an escaping bug could not run
a student's ``<script>``. Everything that came from a submission (messages, printed output,
names) is escaped. The layout is one column that fits a phone's width.
"""

from __future__ import annotations

import functools
import html
from collections.abc import Callable, Iterable

from grader import messages
from grader.messages import Msg
from grader.report.pictures import Picture, Pictures
from grader.report.text import report_word, status_word
from grader.result import FunctionResult, Result, TestResult

CSP = ("default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'; "
       "form-action 'none'")
STATUS_MARK = {"passed": "✓", "partial": "◐", "not_implemented": "○"}

CSS = """
:root { --ok: #1a7f37; --bad: #c62828; --part: #b26a00; --muted: #666; --line: #ddd; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", "Noto Sans KR",
  "Apple SD Gothic Neo", sans-serif; color: #222; background: #fafafa; }
main { max-width: 62rem; margin: 0 auto; padding: 1rem; }
header.total { background: #fff; border: 1px solid var(--line); border-radius: 8px;
  padding: 1rem; margin-bottom: 1rem; }
.score { font-size: 2.4rem; font-weight: 700; margin: 0.2rem 0; }
.bar { height: 0.6rem; background: #eee; border-radius: 4px; overflow: hidden; }
.bar > span { display: block; height: 100%; background: var(--ok); }
.meta, .muted { color: var(--muted); font-size: 0.85rem; }
nav ul { list-style: none; padding: 0; margin: 0; display: flex; flex-wrap: wrap; gap: 0.3rem; }
nav a { display: inline-block; padding: 0.1rem 0.5rem; border-radius: 4px; text-decoration: none;
  border: 1px solid var(--line); background: #fff; color: inherit; font-size: 0.85rem; }
section.function { background: #fff; border: 1px solid var(--line); border-left: 6px solid
  var(--bad); border-radius: 8px; padding: 0.8rem 1rem; margin: 0.8rem 0; }
section.function.passed { border-left-color: var(--ok); }
section.function.partial { border-left-color: var(--part); }
h1 { font-size: 1.3rem; margin: 0; }
h2 { font-size: 1.15rem; margin: 1.5rem 0 0.3rem; }
h3 { font-size: 1.05rem; margin: 0; display: flex; flex-wrap: wrap; gap: 0.5rem;
  align-items: baseline; }
h3 code { word-break: break-all; }
.badge { font-size: 0.8rem; padding: 0 0.4rem; border-radius: 4px; color: #fff;
  background: var(--bad); }
.badge.passed { background: var(--ok); } .badge.partial { background: var(--part); }
.points { margin-left: auto; font-weight: 600; }
ul.tests { list-style: none; padding: 0; margin: 0.5rem 0 0; }
ul.tests > li { border-top: 1px solid var(--line); padding: 0.4rem 0; }
.pass { color: var(--ok); } .fail { color: var(--bad); }
.test-name { font-family: ui-monospace, monospace; font-size: 0.85rem; word-break: break-all; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; background: #f4f4f4; padding: 0.5rem;
  border-radius: 4px; font-size: 0.85rem; margin: 0.3rem 0; max-height: 24rem; overflow: auto; }
.hint { background: #fff8e1; border-left: 4px solid #f0b400; padding: 0.4rem 0.6rem;
  margin: 0.3rem 0; white-space: pre-wrap; overflow-wrap: anywhere; }
figure { margin: 0.8rem 0 0; }
.panels { display: flex; flex-wrap: wrap; gap: 0.5rem; }
.panel { flex: 1 1 17rem; min-width: 0; }
.panel:only-child { flex: 0 1 32rem; }
.panel img { display: block; width: 100%; max-width: 100%; height: auto; background: #fff;
  object-fit: contain; }
.panel-label { font-size: 0.8rem; text-align: center; }
.panel-label [lang=en] { color: var(--muted); display: block; }
figcaption { font-size: 0.85rem; margin-top: 0.2rem; }
figcaption [lang=en] { color: var(--muted); display: block; }
figcaption .key { display: block; color: var(--muted); }
.no-picture { border: 1px dashed var(--bad); border-radius: 4px; padding: 0.5rem;
  white-space: pre-wrap; overflow-wrap: anywhere; font-size: 0.9rem; }
.notes li { overflow-wrap: anywhere; }
@media (max-width: 40rem) { main { padding: 0.5rem; } .score { font-size: 2rem; } }
"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _points(score: float, max_score: float) -> str:
    return f"{score:g} / {max_score:g}"


def anchor(function: str) -> str:
    """The id of a function's section ("fn-optimizers-adam")."""
    return "fn-" + "".join(c if c.isalnum() or c in "_-" else "-" for c in function)


def split_hint(test: TestResult, lang: str = "both") -> tuple[str, str]:
    """(message, hint) in ``lang``: the reason and the catalogued hint, each its own field."""
    return test.reason_in(lang), test.hint_text(lang)


def _test(test: TestResult, lang: str = "both") -> str:
    mark = '<span class="pass">✓</span>' if test.passed else '<span class="fail">✗</span>'
    parts = [f'<li class="test {"passed" if test.passed else "failed"}">{mark} '
             f'<span class="test-name">{_e(test.name)}</span> '
             f'<span class="muted">({_e(report_word(f"visibility.{test.visibility}", lang))}) '
             f'{_points(test.score, test.max_score)}'
             "</span>"]
    message, hint = split_hint(test, lang)
    if message:
        parts.append(f'<pre class="message">{_e(message)}</pre>')
    if hint:
        parts.append(f'<div class="hint">{_e(hint)}</div>')
    if test.output:
        parts.append(f"<details><summary>{_e(Msg('report.printed').render(lang))}</summary>"
                     f'<pre class="output">{_e(test.output)}</pre></details>')
    parts.append("</li>")
    return "".join(parts)


def _in_languages(shown: tuple[str, ...], text: Callable[[str], str], cls: str = "") -> str:
    attr = f' class="{cls}"' if cls else ""
    return "".join(f'<span lang="{x}"{attr}>{_e(text(x))}</span>' for x in shown if text(x))


def _nth(labels: dict[str, list[str]], i: int, lang: str) -> str:
    return labels[lang][i]


def _picture(picture: Picture, lang: str = "both") -> str:
    """A figure: its panels (each with its label), then the caption and the key of the styles,
    all in the report's language (the images themselves hold no words)."""
    shown = ("ko", "en") if lang == "both" else (lang,)
    caption = _in_languages(shown, picture.caption_in)
    if picture.svgs and picture.compared:
        caption += _in_languages(shown, Msg("pictures.key").render, "key")
    caption = f"<figcaption>{caption}</figcaption>"
    if not picture.svgs:
        missing = f"{Msg('html.no_picture').render(lang)}: {picture.error_in(lang)}"
        return (f'<figure class="picture" id="pic-{_e(picture.key)}">'
                f'<div class="no-picture" role="note">{_e(missing)}</div>{caption}</figure>')
    alt = picture.caption_in("en" if lang == "both" else lang)
    labels = {x: picture.panels_in(x) for x in shown}
    panels = []
    for i, uri in enumerate(picture.data_uris):
        label = _in_languages(shown, functools.partial(_nth, labels, i))
        panels.append(f'<div class="panel"><img src="{uri}" alt="{_e(alt)}" '
                      f'data-key="{_e(picture.key)}">'
                      + (f'<div class="panel-label">{label}</div>' if label else "") + "</div>")
    return (f'<figure class="picture" id="pic-{_e(picture.key)}">'
            f'<div class="panels">{"".join(panels)}</div>{caption}</figure>')


def _function(f: FunctionResult, pictures: Iterable[Picture], lang: str = "both") -> str:
    status = f.status if f.status in ("passed", "partial") else "failed"
    label = status_word(f.status, lang)
    out = [f'<section class="function {status}" id="{anchor(f.name)}">',
           f'<h3><span>{STATUS_MARK.get(f.status, "✗")}</span> <code>{_e(f.name)}</code> '
           f'<span class="badge {status}">{_e(label)}</span>'
           f'<span class="points">{_points(f.score, f.max_score)}</span></h3>']
    if f.tests:  # folded when every test passed: what lost points is what a student reads
        lost = sum(not t.passed for t in f.tests)
        summary = Msg("html.tests", count=len(f.tests), failed=lost).render(lang)
        out.append(f'<details class="tests"{" open" if lost else ""}><summary>{_e(summary)}'
                   '</summary><ul class="tests">' + "".join(_test(t, lang) for t in f.tests)
                   + "</ul></details>")
    out += [_picture(p, lang) for p in pictures]
    out.append("</section>")
    return "\n".join(out)


def render(result: Result, pictures: Pictures | None = None) -> str:
    """The whole page."""
    # The pictures the grading computed (``Result.pictures``), unless given.
    pictures = pictures or Pictures.from_json(result.pictures)
    names = [f.name for f in result.functions]
    placed: dict[str, list[Picture]] = {n: [] for n in names}
    unplaced: list[Picture] = []
    for p in pictures.pictures:
        home = next((n for n in p.functions if n in placed), None)
        (placed[home] if home is not None else unplaced).append(p)
    share = 100.0 * result.score / result.max_score if result.max_score else 0.0
    lang = result.language
    meta = Msg("html.meta", seed=result.seed, isolation=result.isolation,
               version=result.grader_version, seconds=f"{result.duration_s:.1f}").render(lang)
    if result.graded:
        meta = Msg("report.graded_folder", folder=result.graded).render(lang) + " · " + meta
    if pictures.pictures:
        meta += Msg("html.meta_pictures", seconds=f"{pictures.seconds:.1f}").render(lang)
    body = [
        '<header class="total">',
        f"<h1>{_e(Msg('html.title', assignment=result.assignment).render(lang))}</h1>",
        f'<p class="score" id="total">{_points(result.score, result.max_score)}</p>',
        f'<div class="bar" role="img" aria-label="{share:.0f}%"><span style="width:{share:.1f}%">'
        "</span></div>",
        f'<p class="meta">{_e(meta)}</p>',
        "<nav><ul>" + "".join(
            f'<li><a href="#{anchor(f.name)}">{STATUS_MARK.get(f.status, "✗")} {_e(f.name)} '
            f"{_points(f.score, f.max_score)}</a></li>" for f in result.functions) + "</ul></nav>",
        "</header>",
    ]
    notes = result.notes_in() + [messages.render(n, lang) for n in pictures.notes]
    if result.refused:
        notes += result.refused_in()
    if notes:
        body.append('<ul class="notes">' + "".join(f"<li>※ {_e(n)}</li>" for n in notes)
                    + "</ul>")
    module = None
    for f in result.functions:
        this = f.name.split(".", 1)[0]
        if this != module:
            module = this
            body.append(f'<h2 id="module-{_e(module)}">{_e(module)}.py</h2>')
        body.append(_function(f, placed[f.name], lang))
    if unplaced:
        body.append(f"<h2>{_e(Msg('html.other_pictures').render(lang))}</h2>")
        body += [_picture(p, lang) for p in unplaced]
    return (
        f"<!DOCTYPE html>\n<html lang=\"{'en' if lang == 'en' else 'ko'}\">\n<head>\n"
        "<meta charset=\"utf-8\">\n"
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(result.assignment)} {_points(result.score, result.max_score)}</title>\n"
        f"<style>{CSS}</style>\n</head>\n<body>\n<main>\n" + "\n".join(body)
        + "\n</main>\n</body>\n</html>\n")
