"""Messages as data (``grader.messages``): keys, named parameters, both languages until a
renderer prints them; the hint is its own field of a test's result."""

from __future__ import annotations

import json
import re
import string

import pytest

import grader.boundary.pool
import grader.boundary.proxy
import grader.course.mistakes
import grader.errors

# Importing the modules registers their templates.
import grader.grading.compare
import grader.grading.gradcheck
import grader.grading.plugin
import grader.grading.scoring
from grader import messages
from grader.messages import Failure, Msg, paren, to_data
from grader.report import json as json_report
from grader.report import text
from grader.report.feedback import HIDDEN_MESSAGE, apply
from grader.result import FunctionResult, Result, TestResult

HANGUL = re.compile(r"[\uac00-\ud7a3]")


def test_render_in_one_language_or_both() -> None:
    msg = Msg("compare.shape", path="dW", want="(2, 3)", got="(3, 2)")
    assert msg.render("ko") == "dW: 모양(shape)이 다릅니다 (기대한 모양 (2, 3), 돌려준 값의 모양 (3, 2))"
    assert msg.render("en") == "dW: expected shape (2, 3), returned shape (3, 2)"
    assert msg.render("both") == f"{msg.render('ko')} / {msg.render('en')}" == str(msg)
    with pytest.raises(ValueError):
        messages.render(msg, "fr")


def test_a_message_inside_a_message_is_rendered_in_the_same_language() -> None:
    msg = Msg("compare.value", where="y[0]", got="1", want="2",
              expected=Msg("compare.expected"),
              paren=paren(Msg("compare.count", k=1, n=4), ""))
    assert msg.render("ko") == "y[0]: 반환값 1, 기대값 2 (원소 4개 중 1개가 틀림)"
    assert msg.render("en") == "y[0]: got 1, expected 2 (1 of 4 elements differ)"
    assert paren() == "" and paren("", "") == ""


def test_keys_are_known_and_defined_once() -> None:
    with pytest.raises(KeyError):
        Msg("no.such.key")
    messages.register({"test.once": ("하나 {x}", "one {x}")})
    messages.register({"test.once": ("하나 {x}", "one {x}")})  # the same again is fine
    with pytest.raises(ValueError, match="twice"):
        messages.register({"test.once": ("둘 {x}", "two {x}")})
    with pytest.raises(ValueError, match="named"):
        messages.register({"test.positional": ("{0}", "{}")})


def test_every_catalogued_template_is_ready_for_a_gettext_catalogue() -> None:
    """Named fields only, both languages present, Korean templates in Korean (pieces that
    are pure punctuation excepted): what Babel needs to move them into .po files."""
    keys = messages.keys()
    assert len(keys) >= 40
    for key in keys:
        ko, en = messages.templates(key)
        assert ko and en, key
        fields_ko = {f for _, f, _, _ in string.Formatter().parse(ko) if f}
        fields_en = {f for _, f, _, _ in string.Formatter().parse(en) if f}
        assert all(f.isidentifier() for f in fields_ko | fields_en), key
        if ko != en:
            assert HANGUL.search(ko) or not HANGUL.search(en), key


def test_failure_carries_its_message_as_data() -> None:
    with pytest.raises(AssertionError) as info:
        grader.grading.compare.assert_close([1.0], [1.0, 2.0], name="xs")
    assert isinstance(info.value, Failure)
    assert info.value.data.key == "compare.length"
    assert info.value.data.render("en") == "xs: expected a list of length 2, returned length 1"
    assert str(info.value) == info.value.data.render("both")


def _result(language: str) -> Result:
    hint = Msg("mistake.hint", mistake="m_f_sign", hint_ko="부호를 확인하세요.",
               hint_en="Check the sign.")
    failing = TestResult("test_f", 0.0, 2.0, False, "hidden", "f: got 1, expected -1",
                         hint=to_data(hint))
    return Result("a1", 0.0, 2.0, 1, "process", 0.1, "0",
                  [FunctionResult("m.f", 0.0, 2.0, "failed", [failing])], language=language)


def test_the_hint_is_a_field_of_the_test_in_the_json_report() -> None:
    data = json.loads(json_report.render(_result("ko")))
    assert data["schema"] == "grader.result/v2" and data["language"] == "ko"
    test = data["functions"][0]["tests"][0]
    hint = test["hint"]
    assert hint["key"] == "mistake.hint" and hint["params"]["mistake"] == "m_f_sign"
    # stored once, as data: no rendering in any language beside it, no message repeating it
    assert "ko" not in hint and "en" not in hint and "message" not in test
    assert test["reason"] == "f: got 1, expected -1"
    again = Result.from_json(data).functions[0].tests[0]
    assert again.hint_text("ko") == "힌트: 부호를 확인하세요." and \
        again.hint_text("en") == "Hint: Check the sign."


def test_the_text_report_shows_the_hint_in_the_course_language() -> None:
    ko = text.render(_result("ko"))
    assert "힌트: 부호를 확인하세요." in ko and "Check the sign" not in ko
    en = text.render(_result("en"))
    assert "Hint: Check the sign." in en and "부호" not in en


def test_hidden_feedback_keeps_the_hint_from_its_field_not_from_the_text() -> None:
    shown = apply(_result("ko"), "summary")
    message = shown.functions[0].tests[0].message
    assert message.startswith(HIDDEN_MESSAGE)
    assert "힌트: 부호를 확인하세요. / Hint: Check the sign." in message
    assert "expected -1" not in message


# --- the gettext catalogues (grader/locale/{ko,en}/LC_MESSAGES/grader.po) --------------------

# English-only grammar: "a"/"an" before a noun, the plural "s", "its input(s)". Korean needs none.
ENGLISH_GRAMMAR_FIELDS = {"article", "s", "inputs"}
# A Korean particle right after a placeholder (or after ".py" or "%" that ends one) reads as
# machine-made: "sigmoid이(가)", "-2.30556를". A placeholder is followed by a noun or punctuation.
# The copula counts too ("반환값은 {got}입니다", "{exc}인데"): "반환값: {got}" reads as written.
PARTICLE_AFTER_FIELD = re.compile(
    r"\}(?:\.py|%)?(?:으로|이|가|을|를|은|는|와|과|의|로|에|입니다|인데|인지|여야|였)")
ALTERNATION = re.compile(r"\((?:이|가|을|를|은|는|와|과|으|이\)가|으\)로)\)")


def _po(lang: str) -> dict[str, str]:
    from babel.messages.pofile import read_po

    with open(messages.LOCALE_DIR / lang / "LC_MESSAGES" / "grader.po", "rb") as f:
        return {m.id: m.string for m in read_po(f) if m.id}


def _fields(template: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(template) if f}


def test_every_message_exists_in_both_languages_with_the_same_fields() -> None:
    ko, en = _po("ko"), _po("en")
    assert len(ko) >= 45
    assert set(ko) == set(en), f"only in one language: {sorted(set(ko) ^ set(en))}"
    for key in ko:
        assert ko[key].strip() and en[key].strip(), f"{key}: empty translation"
        # a course's own text comes in both languages (mistake.hint: hint_ko, hint_en)
        assert ({f.removesuffix("_ko") for f in _fields(ko[key])}
                == {f.removesuffix("_en") for f in _fields(en[key])} - ENGLISH_GRAMMAR_FIELDS), key
        words = re.sub(r"\{\w+\}", "", ko[key])  # "{text_ko}": the words come from the caller
        if ko[key] != en[key] and re.search(r"[^\W\d_]", words):
            assert HANGUL.search(ko[key]), f"{key}: the Korean template is not Korean"
            assert not HANGUL.search(en[key]), f"{key}: the English template has Korean"


def test_the_compiled_catalogues_are_not_stale() -> None:
    """The .mo files shipped are compiled from the .po files as they are now."""
    assert messages.compile_catalogues(check=True) == [], \
        "run: python -m grader.messages compile"
    assert set(messages.keys()) >= set(_po("ko"))


def test_a_stale_catalogue_is_detected(tmp_path, monkeypatch) -> None:
    import shutil

    for lang in ("ko", "en"):
        shutil.copytree(messages.LOCALE_DIR / lang, tmp_path / lang)
    po = tmp_path / "ko" / "LC_MESSAGES" / "grader.po"
    stale = po.read_text(encoding="utf-8").replace("있어야 할 키가 없습니다", "없는 키가 있습니다")
    po.write_text(stale, encoding="utf-8")
    monkeypatch.setattr(messages, "LOCALE_DIR", tmp_path)
    assert messages.compile_catalogues(check=True) == [str(po.with_suffix(".mo"))]
    messages.compile_catalogues()
    assert messages.compile_catalogues(check=True) == []


def test_the_korean_never_puts_a_particle_after_a_placeholder() -> None:
    for key, template in _po("ko").items():
        assert not PARTICLE_AFTER_FIELD.search(template), f"{key}: {template}"
        assert not ALTERNATION.search(template), f"{key}: {template}"
    # the scan itself catches what the issue quoted
    assert PARTICLE_AFTER_FIELD.search("{name}이 틀렸습니다")
    assert PARTICLE_AFTER_FIELD.search("{module}.py를 불러오지 못했습니다")
    assert ALTERNATION.search("{x}이(가) 없습니다") and ALTERNATION.search("'{n}'(으)로")
    assert PARTICLE_AFTER_FIELD.search("반환값은 {got}입니다")
    assert PARTICLE_AFTER_FIELD.search("기대한 예외는 {exc}인데")


def test_every_catalogued_message_renders_in_each_language() -> None:
    samples: dict[str, object] = {"n": 4, "k": 1, "count": 3, "seconds": 2.5, "mb": 512,
                                  "percent": "50", "s": "s", "article": "a"}
    for key in _po("ko"):
        ko, en = messages.templates(key)
        params = {f: samples.get(f, f"<{f}>") for f in _fields(ko) | _fields(en)}
        msg = Msg(key, **params)
        for lang in ("ko", "en"):
            text = msg.render(lang)
            assert text.strip() and "{" not in text.replace("{{", ""), (key, lang, text)
        assert not HANGUL.search(msg.render("en")), key
        assert msg.render("both") == f"{msg.render('ko')} / {msg.render('en')}"


def test_a_table_registered_at_run_time_still_works() -> None:
    messages.register({"test.runtime": ("값 {x}", "value {x}")})
    assert Msg("test.runtime", x=3).render("ko") == "값 3"


def test_the_catalogues_are_package_data() -> None:
    """A non-editable install needs the .mo files: pyproject ships them."""
    import fnmatch
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    text = (root / "pyproject.toml").read_text(encoding="utf-8")
    package_data = text.split("[tool.setuptools.package-data]", 1)[1].split("\n[", 1)[0]
    globs = re.findall(r'"([^"]+)"', package_data)
    for mo in messages.LOCALE_DIR.glob("*/LC_MESSAGES/*.mo"):
        rel = mo.relative_to(messages.LOCALE_DIR.parent).as_posix()
        assert any(fnmatch.fnmatch(rel, g) for g in globs), rel


# --- which language, and reports in it ----------------------------------------------------------


def test_the_language_is_the_option_then_the_course_then_the_locale() -> None:
    assert messages.choose_language("en", "ko", {"LANG": "ko_KR.UTF-8"}) == "en"
    assert messages.choose_language("both", "en", {}) == "both"
    assert messages.choose_language(None, "en", {"LANG": "ko_KR.UTF-8"}) == "en"
    assert messages.choose_language(None, "", {"LANG": "ko_KR.UTF-8"}) == "ko"
    assert messages.choose_language(None, "", {"LC_ALL": "C.UTF-8", "LANG": "ko_KR"}) == "en"
    assert messages.choose_language(None, "", {"LC_MESSAGES": "ko"}) == "ko"
    assert messages.choose_language(None, "", {}) == "en"
    with pytest.raises(ValueError):
        messages.choose_language("fr")


def _with_reason(language: str) -> Result:
    from grader.grading.scoring import TestOutcome, _reason

    reason = Msg("compare.value", where="f(x)[0]", got="1", want="-1",
                 expected=Msg("compare.expected"), paren="")
    outcome = TestOutcome("test_f", "m.f", 1.0, "public", False, message=reason.render(),
                          reason=reason)
    result = _result(language)
    test = result.functions[0].tests[0]
    test.visibility, test.reason = "public", _reason(outcome, [], 1)
    return result


def test_a_reason_is_data_and_renders_in_one_language() -> None:
    test = _with_reason("en").functions[0].tests[0]
    assert test.reason is not None and test.reason["key"] == "compare.value"
    assert test.reason_in("ko") == "f(x)[0]: 반환값 1, 기대값 -1"
    assert test.message_in("en") == "f(x)[0]: got 1, expected -1\nHint: Check the sign."
    assert test.message_in("both") == test.message
    data = json.loads(json_report.render(_with_reason("en")))["functions"][0]
    assert data["tests"][0]["reason"]["key"] == "compare.value"
    assert Result.from_json(json.loads(json_report.render(_with_reason("en")))) \
        .functions[0].tests[0].reason_in("en") == "f(x)[0]: got 1, expected -1"
    function = _with_reason("ko").functions[0]
    assert function.reason_in("ko") == "f(x)[0]: 반환값 1, 기대값 -1"
    assert function.hint_in("en") == "Hint: Check the sign."


def test_a_plain_text_reason_is_kept_as_text() -> None:
    test = _result("en").functions[0].tests[0]
    assert test.reason == "f: got 1, expected -1"
    assert test.message_in("en") == "f: got 1, expected -1\nHint: Check the sign."


def test_v1_reports_still_read() -> None:
    # a v1 report kept each message as text beside its data, and notes' data by their text
    hint = {"key": "mistake.hint", "params": {"mistake": "m", "hint_ko": "부호", "hint_en": "sign"},
            "ko": "힌트: 부호", "en": "Hint: sign"}
    v1 = {"schema": "grader.result/v1", "assignment": "a1", "score": 0.0, "max_score": 2.0,
          "seed": 1, "isolation": "process", "duration_s": 0.1, "grader_version": "0",
          "language": "en", "notes": ["가 / a", "plain"],
          "note_data": {"가 / a": {"key": "engine.no_seccomp", "params": {}, "ko": "가",
                                   "en": "a"}},
          "functions": [{"name": "m.f", "score": 0.0, "max_score": 2.0, "status": "failed",
                         "tests": [{"name": "t", "score": 0.0, "max_score": 2.0,
                                    "passed": False, "visibility": "public",
                                    "message": "wrong / 틀림\n힌트: 부호 / Hint: sign",
                                    "hint": hint}]}]}
    result = Result.from_json(v1)
    assert result.notes_in("en") == ["a", "plain"]
    test = result.functions[0].tests[0]
    assert test.reason_in("en") == "wrong / 틀림" and test.hint_text("en") == "Hint: sign"
    assert json.loads(json_report.render(result))["schema"] == "grader.result/v2"


def test_every_report_format_renders_in_the_chosen_language() -> None:
    from grader.report import github, gradescope, junit, markdown
    from grader.report import html as html_report

    for render in (markdown.render, junit.render, html_report.render,
                   lambda r: gradescope.render(r, "full"),
                   lambda r: "\n".join(github.error_annotations(r))):
        en = render(_with_reason("en"))
        assert "got 1, expected -1" in en and "반환값 1" not in en and "부호를" not in en, render
        ko = render(_with_reason("ko"))
        assert "반환값 1" in ko and "got 1" not in ko, render
        both = render(_with_reason("both"))
        assert "반환값 1" in both and "got 1" in both, render


def test_hidden_feedback_hides_the_reason_data_too() -> None:
    result = _with_reason("en")
    result.functions[0].tests[0].visibility = "hidden"
    test = apply(result, "summary").functions[0].tests[0]
    assert test.reason is not None and "-1" not in json.dumps(test.reason)
    assert test.message_in("en").startswith("hidden test: the details are not shown")
    assert test.message_in("ko").startswith("숨은 테스트") and "Hint" not in test.message_in("ko")


def test_grader_check_lang_option(tiny_course, tmp_path) -> None:
    from click.testing import CliRunner

    from grader.cli import main

    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "calc.py").write_text("def add(a, b):\n    return a - b\n\ndef scale(x, k=2.0):\n"
                                 "    return k * x\n", encoding="utf-8")
    base = ["check", str(sub), "--course", str(tiny_course), "--seed", "1",
            "--isolation", "process"]
    out = CliRunner().invoke(main, [*base, "--format", "json", "--lang", "en"])
    assert out.exit_code == 0, out.output
    report = json.loads(out.stdout)
    assert report["language"] == "en"
    failed = [t for t in report["functions"][0]["tests"] if not t["passed"]]
    assert failed and all(t["reason"] and not HANGUL.search(
        Result.from_json(report).functions[0].tests[0].reason_in("en")) for t in failed)
    out = CliRunner().invoke(main, [*base, "--format", "markdown", "--lang", "ko"])
    assert out.exit_code == 0, out.output
    assert "반환값" in out.stdout and "got " not in out.stdout


def test_notes_and_refusals_render_in_the_chosen_language() -> None:
    from grader.intake.reader import Refused

    result = _with_reason("en")
    note = Msg("engine.reduced_isolation")
    result.add_note(note)
    result.add_note("bundle abc / 묶음 abc")  # a note that is not data yet stays as written
    assert result.notes == [to_data(note), "bundle abc / 묶음 abc"]  # data, or plain text
    assert result.notes_in("en")[0].startswith("reduced isolation: graded with process")
    assert result.notes_in("ko")[0].startswith("격리 수준 낮음: ") and result.notes_in()[1] == \
        "bundle abc / 묶음 abc"
    refused = Refused("special", what=Msg("intake.kind.fifo")).refusal("a/pipe")
    assert refused.message == refused.message_in("both") and "FIFO" in refused.message
    result.refused = [refused]
    assert result.refused_in("en") == ["a/pipe: not a regular file (a FIFO): not read"]
    assert result.refused_in("ko") == ["a/pipe: 일반 파일이 아닙니다: 이름 있는 파이프(FIFO) — 읽지 않습니다"]
    from grader.report import markdown

    page = markdown.render(result)
    assert "reduced isolation" in page and "격리 수준 낮음" not in page
