"""Messages as data (``grader.messages``): keys, named parameters, both languages until a
renderer prints them; the hint is its own field of a test's result."""

from __future__ import annotations

import json
import re
import string

import pytest

# Importing the modules registers their templates.
import grader.compare
import grader.errors
import grader.gradcheck
import grader.mistakes
import grader.plugin
import grader.proxy
import grader.scoring
import grader.workers
from grader import messages
from grader.messages import Failure, Msg, paren
from grader.report import json as json_report
from grader.report import text
from grader.report.feedback import HIDDEN_MESSAGE, apply
from grader.result import FunctionResult, Result, TestResult

HANGUL = re.compile(r"[\uac00-\ud7a3]")


def test_render_in_one_language_or_both() -> None:
    msg = Msg("compare.shape", path="dW", want="(2, 3)", got="(3, 2)")
    assert msg.render("ko") == "dW: 형태(shape) (2, 3)를 기대했지만 (3, 2)를 반환했습니다"
    assert msg.render("en") == "dW: expected shape (2, 3), returned shape (3, 2)"
    assert msg.render("both") == f"{msg.render('ko')} / {msg.render('en')}" == str(msg)
    with pytest.raises(ValueError):
        messages.render(msg, "fr")


def test_a_message_inside_a_message_is_rendered_in_the_same_language() -> None:
    msg = Msg("compare.value", where="y[0]", got="1", want="2",
              expected=Msg("compare.expected"),
              paren=paren(Msg("compare.count", k=1, n=4), ""))
    assert msg.render("ko") == "y[0]: 1를 반환했지만 기대값은 2입니다 (4개 중 1개 원소 불일치)"
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
        grader.compare.assert_close([1.0], [1.0, 2.0], name="xs")
    assert isinstance(info.value, Failure)
    assert info.value.data.key == "compare.length"
    assert info.value.data.render("en") == "xs: expected a list of length 2, returned length 1"
    assert str(info.value) == info.value.data.render("both")


def _result(language: str) -> Result:
    hint = Msg("mistake.hint", mistake="m_f_sign", hint_ko="부호를 확인하세요.",
               hint_en="Check the sign.")
    failing = TestResult("test_f", 0.0, 2.0, False, "hidden", "f: got 1, expected -1",
                         hint=hint.to_json())
    return Result("a1", 0.0, 2.0, 1, "process", 0.1, "0",
                  [FunctionResult("m.f", 0.0, 2.0, "failed", [failing])], language=language)


def test_the_hint_is_a_field_of_the_test_in_the_json_report() -> None:
    data = json.loads(json_report.render(_result("ko")))
    assert data["schema"] == "grader.result/v1" and data["language"] == "ko"
    hint = data["functions"][0]["tests"][0]["hint"]
    assert hint["key"] == "mistake.hint" and hint["params"]["mistake"] == "m_f_sign"
    assert hint["ko"] == "힌트: 부호를 확인하세요." and hint["en"] == "Hint: Check the sign."
    # old readers still find the message where it was
    assert data["functions"][0]["tests"][0]["message"] == "f: got 1, expected -1"


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
