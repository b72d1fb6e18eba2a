"""What a course's suites say comes from the catalogue: no Korean sentence glued into a suite
(as tests/test_one_language.py checks grader/), and the suite API's helpers word failures and
call names in the report's language.

스위트가 하는 말은 카탈로그에서 온다: 스위트 코드에 한국어 문장을 붙이지 않고, 스위트 API의
도우미가 실패와 호출 이름을 보고서 언어로 말한다.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_one_language import HANGUL, hangul_literals

from grader.grading.compare import assert_close
from grader.messages import Failure
from grader.suite import (
    example,
    fail,
    fail_returns,
    fail_shape,
    fail_value,
    joined,
    layers,
    part,
    step,
)

ROOT = Path(__file__).resolve().parent.parent
SUITES = [ROOT / "exercises" / "lec04" / "tests", ROOT / "solutions" / "lec04" / "tests"]


def test_no_suite_glues_korean_text_into_its_code() -> None:
    """Docstrings may be Korean (they document the test); messages come from the catalogue."""
    found = [f"{path.relative_to(ROOT)}:{line}: {text[:60]!r}"
             for folder in SUITES for path in sorted(folder.glob("*.py"))
             for line, text in hangul_literals(path.read_text(encoding="utf-8"))]
    assert not found, "Korean text outside the catalogue:\n" + "\n".join(found)


def _said(raised: pytest.ExceptionInfo[Failure]) -> tuple[str, str]:
    return raised.value.data.render("ko"), raised.value.data.render("en")


def test_call_names_are_words_of_the_report_s_language() -> None:
    assert step("adam", 1, 5).render("ko") == "adam, 5단계 중 1단계"
    assert step("adam", 1, 5).render("en") == "adam, step 1/5"
    assert step("sgd", 2).render("ko") == "sgd 2단계"
    assert layers("backward", 2, ", 'relu'").render("ko") == "backward(층 2개, 'relu')"
    assert layers("backward", 2, ", 'relu'").render("en") == "backward(2 layer(s), 'relu')"
    assert example("perceptron_update", 0).render("ko") == "perceptron_update, 예제 0"
    assert part("f", "next_w") == "f: next_w"  # code stays a plain string
    name = joined(step("adam", 1, 5), " (w.shape=(3,))")
    assert name.render("ko") == "adam, 5단계 중 1단계 (w.shape=(3,))"  # type: ignore[union-attr]


def test_a_named_call_reaches_the_comparison_s_message() -> None:
    with pytest.raises(Failure) as raised:
        assert_close((1.0, 2.0), (1.0, 3.0), name=example("perceptron_update", 0),
                     parts=("w_new", "b_new"))
    ko, en = _said(raised)
    assert ko.startswith("perceptron_update, 예제 0: b_new: 반환값 2, 기대값 3"), ko
    assert en.startswith("perceptron_update (case 0): b_new: got 2, expected 3"), en
    assert not HANGUL.search(en)


def test_failures_come_from_the_catalogue() -> None:
    with pytest.raises(Failure) as raised:
        fail("suite.vanishing", name="layer_gradient_norms", first="0.3", last="0.1")
    ko, en = _said(raised)
    assert ko == ("layer_gradient_norms: 첫 층의 기울기 노름(0.3)은 마지막 층의 노름(0.1)보다 "
                  "훨씬 작아야 합니다")
    assert "first layer's norm 0.3" in en
    with pytest.raises(Failure) as raised:
        fail_returns("adaline_gradient", "(dw, db)", [1, 2, 3])
    assert _said(raised)[0] == "adaline_gradient: (dw, db) 꼴의 값을 돌려주어야 합니다 (받은 값: list)"
    with pytest.raises(Failure) as raised:
        fail_value(part(step("adam", 2), "config['t']"), 1, 2)
    assert _said(raised) == ("adam 2단계: config['t']: 반환값 1, 기대값 2",
                             "adam step 2: config['t']: got 1, expected 2")
    with pytest.raises(Failure) as raised:
        fail_shape("train_xor()['W1']", (2, 4), [[0.0]])
    assert "모양(shape)이 다릅니다 (기대한 모양 (2, 4), 돌려준 값의 모양 list)" in _said(raised)[0]
    with pytest.raises(Failure) as raised:  # an old suite's two sentences still work
        fail("가", "a")
    assert _said(raised) == ("가", "a")
