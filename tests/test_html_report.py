"""`grader check --format html`: the page, its pictures, and the page as headless Chromium
renders it (the browser tests are slow and skip when no Chromium is installed)."""

from __future__ import annotations

import base64
import json
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner

from grader.cli import main
from grader.course.config import load_course
from grader.course.mistakes import load_mistake
from grader.course.variants import build_variant
from grader.errors import GraderError, WorkerTimeout
from grader.messages import Msg
from grader.report import html as html_report
from grader.report import pictures
from grader.report.pictures import Picture, PictureFailed, Pictures
from grader.result import FunctionResult, Result, TestResult

HANGUL = re.compile(r"[\uac00-\ud7a3]")
ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "solutions" / "lec04"
MODULES = ["activations", "delta_rule", "backprop", "optimizers", "linear_neurons"]
ADAM_MISTAKE = REFERENCE / "mistakes" / "optimizers_adam_no_bias_correction.py"
SCRIPT = "<script>alert('x')</script>"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"]


def _svg_of(page: str, key: str) -> str:
    """The SVG text of every panel of picture ``key``."""
    start = page.index(f'id="pic-{key}"')
    figure = page[start:page.index("</figure>", start)]
    uris = re.findall(r'<img src="data:image/svg\+xml;base64,([^"]+)"', figure)
    assert uris, f"no picture {key}"
    return "\n".join(base64.b64decode(u).decode() for u in uris)


def _path(svg: str, gid: str) -> str:
    match = re.search(rf'<g id="{re.escape(gid)}">\s*<path d="([^"]+)"', svg)
    assert match, f"no series {gid}"
    return match.group(1)


# ---- the page, without a browser -----------------------------------------------------------
def _result() -> Result:
    hint = {"key": "mistake.hint", "params": {}, "ko": "힌트: 편향 보정",
            "en": "Hint: bias correction"}
    hinted = TestResult("test_adam_steps", 0, 2, False, "public",
                        message=f"adam: wrong value {SCRIPT}\n힌트: 편향 보정 / Hint: bias correction",
                        output=f"print {SCRIPT}", hint=hint)
    return Result(
        assignment="lec04", score=3, max_score=5, seed=7, isolation="process", duration_s=1.0,
        grader_version="0", notes=[f"note {SCRIPT}"], modules=["optimizers"],
        functions=[
            FunctionResult("optimizers.sgd", 3, 3, "passed",
                           [TestResult("test_sgd", 3, 3, True, "public")]),
            FunctionResult("optimizers.adam", 0, 2, "failed", [hinted]),
        ])


def test_page_escapes_everything_from_the_student_and_fetches_nothing() -> None:
    pics = Pictures([Picture("optimizers.adam", ["optimizers.adam"], "한 <b>",
                             error=f"raised {SCRIPT}")])
    page = html_report.render(_result(), pics)
    assert "<script" not in page.lower()
    assert page.count("&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;") == 4  # msg, output,
    assert "http://" not in page and "https://" not in page                    # note, picture
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    assert 'name="viewport"' in page
    assert '<p class="score" id="total">3 / 5</p>' in page
    for name in ("optimizers.sgd", "optimizers.adam"):
        assert f'id="{html_report.anchor(name)}"' in page
    # the hint sits in its own box, out of the message
    assert '<div class="hint">힌트: 편향 보정 / Hint: bias correction</div>' in page
    assert "bias correction</pre>" not in page  # taken off the message, not shown twice
    assert "no picture: raised &lt;script&gt;" in page


def test_page_shows_the_hint_field_apart_from_the_message() -> None:
    hint = {"key": "mistake.hint", "params": {}, "ko": "부호 <확인>", "en": "check <the> sign"}
    test = TestResult("t", 0, 1, False, "public",
                      message="wrong value\n부호 <확인> / check <the> sign", hint=hint)
    assert html_report.split_hint(test) == ("wrong value", "부호 <확인> / check <the> sign")
    page = html_report.render(Result("a", 0, 1, 1, "process", 0, "0", functions=[
        FunctionResult("m.f", 0, 1, "failed", [test])]))
    assert '<div class="hint">부호 &lt;확인&gt; / check &lt;the&gt; sign</div>' in page
    plain = TestResult("t", 0, 1, False, "public", message="wrong value")
    assert html_report.split_hint(plain) == ("wrong value", "")


def test_a_picture_is_placed_in_the_section_of_its_function() -> None:
    svg = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'
    pics = Pictures([Picture("optimizers.adam", ["optimizers.adam"], "adam", svgs=[svg]),
                     Picture("other", ["backprop.forward"], "forward", svgs=[svg, svg])])
    page = html_report.render(_result(), pics)
    adam = page.index('id="fn-optimizers-adam"')
    assert adam < page.index('id="pic-optimizers.adam"') < page.index("other pictures")
    assert page.index("other pictures") < page.index('id="pic-other"')


# ---- the pictures, with in-process stand-ins for the student -------------------------------
@pytest.fixture(scope="module")
def reference() -> pictures._ReferenceSide:
    return pictures._ReferenceSide(REFERENCE, MODULES)


@pytest.fixture(scope="module")
def buggy_adam(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("adam") / "submission"
    build_variant(REFERENCE, MODULES, load_mistake(ADAM_MISTAKE), folder)
    return folder


def test_every_picture_of_the_reference_is_drawn(reference: Any) -> None:
    drawn = pictures.draw_all(reference, reference, MODULES)
    keys = [p.key for p in drawn.pictures]
    assert [p.error_in("en") for p in drawn.pictures if p.error] == []
    assert len(keys) == len(set(keys)) == 19
    for p in drawn.pictures:
        for svg in p.svgs:
            ET.fromstring(svg)  # well-formed SVG
        assert HANGUL.search(p.caption_in("ko")) and p.caption_in("en")
        assert not HANGUL.search(p.caption_in("en"))
    sigmoid = next(p for p in drawn.pictures if p.key == "activations.sigmoid")
    assert "max sigmoid' = 0.25" in sigmoid.svg  # figure 9-5


# The figures hold symbols and code names only: no Hangul font can be counted on where matplotlib
# is pip-installed (it ships DejaVu Sans), and the words belong to the page, in its language.
FIGURE_WORDS = {*pictures.ACTIVATIONS, *pictures.OPTIMIZERS, "train_adaline", "train_perceptron",
                "backward", "y_out", "w_t", "W_l", "max", "epoch", "loss", "errors"}


def _figure_text(svg: str) -> list[str]:
    root = ET.fromstring(svg)
    return ["".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text")]


@pytest.fixture(scope="module")
def drawn(reference: Any) -> Pictures:
    """Every picture, the reference on both sides."""
    return pictures.draw_all(reference, reference, MODULES)


def test_the_figures_hold_no_words_only_symbols(drawn: Pictures) -> None:
    words: set[str] = set()
    for p in drawn.pictures:
        assert p.svgs
        text = "\n".join(t for svg in p.svgs for t in _figure_text(svg))
        assert not HANGUL.search(text), p.key  # a missing glyph would draw as a box
        words |= set(re.findall(r"[A-Za-z_]{2,}", text))
    assert words - FIGURE_WORDS == set()
    assert {"epoch", "relu", "adam", "backward"} <= words  # the check sees the labels
    assert "yours" not in FIGURE_WORDS and "reference" not in FIGURE_WORDS


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_the_words_around_the_pictures_follow_the_report(drawn: Pictures, lang: str) -> None:
    result = _result()
    result.language = lang
    page = html_report.render(result, drawn)
    other = "en" if lang == "ko" else "ko"
    adam = page[page.index('id="pic-optimizers.adam"'):]
    adam = adam[:adam.index("</figure>")]
    assert adam.count('class="panel"') == 3 and adam.count('class="panel-label"') == 3
    for key in ("pictures.panel.quadratic", "pictures.panel.rosenbrock",
                "pictures.panel.loss_steps", "pictures.key"):
        assert html_report._e(Msg(key).render(lang)) in adam
        assert html_report._e(Msg(key).render(other)) not in adam
    xor = page[page.index('id="pic-backprop.train_xor"'):]
    xor = xor[:xor.index("</figure>")]
    assert [Msg("pictures.panel.yours").render(lang), Msg("pictures.panel.reference").render(lang)
            ] == re.findall(r'<div class="panel-label"><span lang="\w+">([^<]*)</span>', xor)
    assert Msg("pictures.key").render(lang) not in xor  # one panel each: no styles to tell apart
    gap = page[page.index('id="pic-gradcheck.backward"'):]
    label = re.escape(Msg("pictures.panel.gap", gap="X").render(lang)).replace("X", r"\d\S*")
    assert re.search(label, gap[:gap.index("</figure>")])
    if lang == "ko":
        assert not re.search(r"\b(?:yours|the reference|per epoch|log scale)\b", page)


def test_a_buggy_adam_is_drawn_beside_the_reference(reference: Any, buggy_adam: Path) -> None:
    student = pictures._ReferenceSide(buggy_adam, MODULES)
    picture = pictures.optimizer_figure(student, reference, "adam")
    for surface in ("quadratic", "rosenbrock"):
        assert _path(picture.svg, f"student-{surface}") != _path(picture.svg,
                                                                  f"reference-{surface}")
    same = pictures.optimizer_figure(reference, reference, "sgd")
    assert _path(same.svg, "student-quadratic") == _path(same.svg, "reference-quadratic")


class _Fake:
    """A student side made of plain functions (module.function -> callable)."""

    def __init__(self, base: Any, **override: Any) -> None:
        self.base, self.override = base, override

    def __call__(self, module: str, function: str, *args: Any, **kwargs: Any) -> Any:
        if function in self.override:
            return self.override[function](*args, **kwargs)
        return self.base(module, function, *args, **kwargs)


def _raise(*_: Any, **__: Any) -> Any:
    raise PictureFailed(Msg("error.raised", function="f", kind="ValueError", at="", detail=SCRIPT))


@pytest.mark.parametrize("override, expected", [
    ({"sigmoid": lambda z: z * np.nan}, "NaN"),
    ({"sigmoid": lambda z: z[:3]}, "shape (3,)"),
    ({"sigmoid": lambda z: [1, 2]}, "not an np.ndarray"),
    ({"sigmoid_derivative": _raise}, "raised ValueError"),
])
def test_a_function_that_fails_gets_its_message_instead_of_a_picture(
        reference: Any, override: dict[str, Any], expected: str) -> None:
    picture = pictures.activation_figure(_Fake(reference, **override), reference, "sigmoid")
    assert picture.svgs == []
    assert expected in picture.error_in("en")
    assert HANGUL.search(picture.error_in("ko")) and not HANGUL.search(picture.error_in("en"))


@pytest.mark.parametrize("garbage", ["<b>", None, (1, "x"), {"W1": "x"}, np.full(3, np.nan),
                                     [np.inf, 1.0, 2.0]])
def test_garbage_from_every_figure_is_a_message_never_an_exception(reference: Any,
                                                                   garbage: Any) -> None:
    drawn = pictures.draw_all(lambda *_, **__: garbage, reference, MODULES)
    assert len(drawn.pictures) == 19
    assert [p.key for p in drawn.pictures if p.svgs or not p.error] == []
    assert not any(isinstance(p.error, Msg) and p.error.key == "pictures.draw_failed"
                   for p in drawn.pictures)


def test_a_worker_failure_becomes_the_pictures_message() -> None:
    class Session:
        def __init__(self) -> None:
            self.recorded: list[Any] = []
            self.current_test = ""

        def call(self, *_: Any) -> Any:
            raise WorkerTimeout("activations.sigmoid: took longer than the 10 s limit")

    with pytest.raises(PictureFailed, match="10 s limit"):
        pictures._StudentSide(Session())("activations", "sigmoid", np.zeros(2))


def test_the_picture_phase_stops_at_its_budget(reference: Any) -> None:
    drawn = pictures.draw_all(reference, reference, MODULES, budget_s=0.0)
    assert len(drawn.pictures) == 19
    assert all("time budget of 0 s ran out" in p.error_in("en") for p in drawn.pictures)


def test_missing_matplotlib_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(GraderError, match=r"matplotlib.*pip install 'rokey-grader\[html\]'"):
        pictures.require_matplotlib()


# ---- through the CLI and the worker, opened in headless Chromium ---------------------------
def _chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    pytest.skip("Chromium이 없어 브라우저 테스트를 건너뜁니다 / no Chromium: apt-get install chromium "
                "(.ci/run installs it)")


def _course_copy(tmp: Path) -> Path:
    """The course with a 2 s call timeout, so a hanging function costs little."""
    for part in ("exercises/lec04", "solutions/lec04"):
        shutil.copytree(ROOT / part, tmp / part, ignore=shutil.ignore_patterns("__pycache__"))
    text = (ROOT / "course.yaml").read_text(encoding="utf-8")
    (tmp / "course.yaml").write_text(re.sub(r"call_timeout_s: *\d+", "call_timeout_s: 2", text),
                                     encoding="utf-8")
    return tmp


def _report(course: Path, submission: Path, out: Path) -> str:
    runner = CliRunner()
    res = runner.invoke(main, ["check", str(submission), "--course", str(course), "--seed", "3",
                               "--format", "html", "--output", str(out)])
    assert res.exit_code == 0, res.output
    return out.read_text(encoding="utf-8")


# Checks the page from inside: every image decoded with a width, no script of the page's own.
PROBE = """<script id="probe-script">window.addEventListener("load", () => {
  const imgs = [...document.images];
  const out = {images: imgs.length, broken: imgs.filter(i => !i.complete || i.naturalWidth === 0)
      .map(i => i.dataset.key), scripts: document.querySelectorAll("script:not(#probe-script)")
      .length, total: document.getElementById("total").innerText,
      drawn: [...document.querySelectorAll("figure.picture")].filter(f => f.querySelector("img"))
      .length,
      sections: [...document.querySelectorAll("section.function h3 code")].map(c => c.innerText),
      missing: [...document.querySelectorAll(".no-picture")].map(d => d.innerText),
      labels: [...document.querySelectorAll(".panel-label, figcaption .key")]
      .map(d => d.innerText)};
  const pre = document.createElement("pre"); pre.id = "probe";
  pre.textContent = JSON.stringify(out); document.body.appendChild(pre); });</script>"""


def _browse(page: Path, tmp: Path) -> tuple[dict[str, Any], list[str], Path]:
    """(what the probe saw, console messages of the page as shipped, a screenshot)."""
    chromium = _chromium()
    flags = [chromium, *CHROMIUM_FLAGS, "--enable-logging=stderr", "--v=0"]
    shot = tmp / "screenshot.png"
    shown = subprocess.run(
        [*flags, f"--user-data-dir={tmp / 'profile1'}", f"--screenshot={shot}",
         "--window-size=412,2400", "--hide-scrollbars", page.as_uri()],
        capture_output=True, text=True, timeout=120)
    console = [ln for ln in shown.stderr.splitlines() if ":CONSOLE" in ln]
    text = page.read_text(encoding="utf-8")
    probed = tmp / "probed.html"  # the same page, its policy letting the probe (only) run
    probed.write_text(text.replace("default-src 'none';", "default-src 'none'; script-src "
                                   "'unsafe-inline';", 1).replace("</body>", PROBE + "</body>"),
                      encoding="utf-8")
    dumped = subprocess.run(
        [*flags, f"--user-data-dir={tmp / 'profile2'}", "--virtual-time-budget=10000",
         "--dump-dom", probed.as_uri()], capture_output=True, text=True, timeout=120)
    match = re.search(r'<pre id="probe">(.*?)</pre>', dumped.stdout, re.S)
    assert match, dumped.stderr[-2000:]
    probe = json.loads(match.group(1).replace("&quot;", '"').replace("&lt;", "<")
                       .replace("&gt;", ">").replace("&amp;", "&"))
    console += [ln for ln in dumped.stderr.splitlines() if ":CONSOLE" in ln]
    return probe, console, shot


def _functions() -> list[str]:
    a = load_course(ROOT / "course.yaml").assignment("lec04")
    return [f"{m}.{f}" for m, fs in a.exercises.items() for f in fs]


@pytest.mark.slow
def test_the_reference_report_in_chromium(tmp_path: Path) -> None:
    _chromium()
    course = _course_copy(tmp_path / "course")
    page = tmp_path / "report.html"
    text = _report(course, course / "solutions" / "lec04", page)
    probe, console, shot = _browse(page, tmp_path)
    assert probe["total"] == "100 / 100"
    assert probe["sections"] == _functions()
    assert probe["drawn"] == 19 and probe["broken"] == []
    assert probe["images"] == text.count("<img ") == 34  # optimizers 3 panels, others 1 or 2
    assert probe["missing"] == [] and probe["scripts"] == 0
    assert console == []
    # the words around the pictures, in the course's language (course.yaml: ko), none in English
    assert Msg("pictures.panel.yours").render("ko") in probe["labels"]
    assert probe["labels"].count(Msg("pictures.key").render("ko")) == 19 - 1  # all but XOR
    assert all(HANGUL.search(label) for label in probe["labels"]), probe["labels"]
    assert shot.stat().st_size > 10_000
    assert _path(_svg_of(text, "optimizers.adam"), "student-quadratic") == \
        _path(_svg_of(text, "optimizers.adam"), "reference-quadratic")


BROKEN = f'''

def relu_derivative(z):
    print("{SCRIPT}")
    raise ValueError("{SCRIPT}")


def tanh_derivative(z):
    while True:
        pass


def softplus(z):
    return "garbage"
'''


@pytest.mark.slow
def test_a_buggy_submission_in_chromium(tmp_path: Path) -> None:
    _chromium()
    course = _course_copy(tmp_path / "course")
    submission = tmp_path / "submission"
    build_variant(REFERENCE, MODULES, load_mistake(ADAM_MISTAKE), submission)
    with (submission / "activations.py").open("a", encoding="utf-8") as f:
        f.write(BROKEN)
    page = tmp_path / "report.html"
    text = _report(course, submission, page)
    probe, console, _shot = _browse(page, tmp_path)
    assert probe["total"] != "100 / 100" and probe["sections"] == _functions()
    assert probe["broken"] == [] and probe["scripts"] == 0 and console == []
    # a buggy Adam: its own path beside the reference's
    adam = _svg_of(text, "optimizers.adam")
    assert _path(adam, "student-rosenbrock") != _path(adam, "reference-rosenbrock")
    # a function that raises, one that hangs, one that returns garbage: messages, not pictures,
    # in the course's language (course.yaml: ko)
    missing = "\n".join(probe["missing"])
    assert "relu_derivative 함수에서 잘못된 값(ValueError) 예외가 발생했습니다 (activations.py " in missing
    assert SCRIPT in missing
    # the hang cost its call limit once, in the suites (a limit that follows the reference's
    # time: the floor of 1 s); the pictures did not run it again
    assert "tanh_derivative: 시간 제한(1초)을 넘긴 함수라서" in missing, missing
    assert "softplus 함수의 반환값을 그릴 수 없습니다: np.ndarray 배열이 아님 (자료형: str)" in missing
    assert "cannot plot" not in missing and "no picture" not in missing
    assert probe["drawn"] == 19 - 6  # relu, tanh, softplus: their figure and gradient check
    assert probe["images"] == text.count("<img ") == 34 - 6
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in text
    assert '<pre class="output">&lt;script&gt;' in text
