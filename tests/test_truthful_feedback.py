"""Feedback that tells the truth (issue 20): each case replayed with our own implementations in
the styles the issue describes, graded by the real engine on the shipped course, and read the
way a student reads it — text, JSON, GitHub, Markdown, Gradescope, HTML, JUnit and
``grade --format text`` — in Korean and in English, under ``feedback.hidden_tests: summary``.

학생이 읽는 피드백이 사실을 말하는지: dtype보다 값을 먼저 비교하고, 공개 테스트의 이유를 먼저
보여 주고, 힌트는 어느 테스트에서 찾았든 보여 주고, 숨은 테스트는 무엇이 틀렸는지만 값 없이 알리고,
대신 함수(stand-in)로 살아난 숨은 테스트의 값도 새지 않는다.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from grader.classroom import run as class_run
from grader.course.config import load_course
from grader.course.mistakes import Mistake, load_mistake
from grader.course.variants import build_variant
from grader.grading.engine import grade
from grader.report import feedback, github, gradescope, html, junit, markdown, text
from grader.report import json as json_report
from grader.result import FunctionResult, Result, TestResult

ROOT = Path(__file__).resolve().parent.parent
COURSE = load_course(ROOT)
SOLUTIONS = ROOT / "solutions" / "lec04"
WITHHELD_EN = "hidden test: the details are not shown"
WITHHELD_KO = "숨은 테스트: 자세한 내용은 공개하지 않습니다"


def _module_with(tmp_path: Path, module: str, **functions: str) -> Path:
    """The reference module with some functions rewritten (our own implementations)."""
    source = (SOLUTIONS / f"{module}.py").read_text(encoding="utf-8")
    for name, code in functions.items():
        start = source.index(f"\ndef {name}(") + 1
        end = source.find("\ndef ", start)
        source = source[:start] + code.strip("\n") + "\n\n" + (source[end:] if end >= 0 else "")
    path = tmp_path / f"{module}.py"
    path.write_text(source, encoding="utf-8")
    return path


def _variant(tmp_path: Path, name: str) -> tuple[Mistake, Path]:
    """The reference with the catalogued mistake ``name`` planted: its module's file."""
    mistake = load_mistake(SOLUTIONS / "mistakes" / f"{name}.py")
    build_variant(SOLUTIONS, [mistake.module], mistake, tmp_path / name)
    return mistake, tmp_path / name / f"{mistake.module}.py"


def _graded(path: Path, **kwargs: object) -> Result:
    return grade(COURSE, "lec04", path, seed=3, isolation="process", **kwargs)  # type: ignore[arg-type]


def views(result: Result, lang: str) -> dict[str, str]:
    """Everything a student may read of ``result`` in ``lang``, format by format."""
    raw = copy.deepcopy(result)
    raw.language = lang
    shown = feedback.apply(raw, "summary")
    return {
        "text": text.render(shown, lang=lang),
        # the JSON report keeps messages as data: as a student's tool renders them, beside it
        "json": json_report.render(shown) + "\n".join(
            t.message_in(lang) for f in shown.functions for t in f.tests),
        "github": github.render(shown),
        "markdown": markdown.render(shown),
        "gradescope": gradescope.render(raw, "summary"),
        "html": html.render(shown),
        "junit": junit.render(shown),
        "grade --format text": class_run.render(raw.to_json(), "text", COURSE),
    }


SUMMARIES = ("text", "github", "markdown", "grade --format text")  # a function's first reason


def _in_every(found: dict[str, str], fragment: str, formats: tuple[str, ...]) -> None:
    """``fragment`` in each of ``formats`` (the terminal wraps lines: spaces are compared as one)."""
    for fmt in formats:
        flat = " ".join(found[fmt].split())
        assert " ".join(fragment.split()) in flat, f"{fmt}: {fragment!r} not in {flat[:1500]!r}"


# --- 1. values before dtype -------------------------------------------------------------------

def test_wrong_values_in_a_wrong_dtype_are_told_before_the_dtype(tmp_path: Path) -> None:
    """``relu_derivative`` written ``z <= 0``: bool and inverted. Every format tells the wrong
    values and the dtype; a hidden test's summary names both, without values."""
    result = _graded(_module_with(tmp_path, "activations",
                                  relu_derivative="def relu_derivative(z):\n    return z <= 0\n"))
    derivative = result.function("activations.relu_derivative")
    assert derivative.score == 0
    assert all("dtype bool" in t.message for t in derivative.tests if not t.passed)
    en, ko = views(result, "en"), views(result, "ko")
    _in_every(en, "relu_derivative(z)", SUMMARIES)
    _in_every(en, ": got 1, expected 0", (*SUMMARIES, "gradescope", "html", "junit"))
    _in_every(en, "The dtype is wrong too", SUMMARIES)
    _in_every(en, "expected dtype float64, returned dtype bool", SUMMARIES)
    _in_every(ko, "반환값 1, 기대값 0", (*SUMMARIES, "gradescope", "html"))
    _in_every(ko, "dtype도 다릅니다", SUMMARIES)
    _in_every(ko, "반환: dtype bool", SUMMARIES)
    # The hidden tests say what failed, without a value.
    _in_every(en, "What failed: the value and the dtype of relu_derivative", ("gradescope",))
    _in_every(ko, "틀린 것: 값과 dtype (relu_derivative", ("gradescope",))


def test_exact_values_in_an_integer_dtype_are_told_as_a_dtype_only(tmp_path: Path) -> None:
    result = _graded(_module_with(
        tmp_path, "activations",
        relu_derivative="def relu_derivative(z):\n    return (z > 0).astype(np.int64)\n"))
    # Penalties in proportion: exact values in an integer dtype cost a quarter of each test.
    derivative = result.function("activations.relu_derivative")
    assert (derivative.score, derivative.max_score, derivative.status) == (1.5, 2.0, "partial")
    en, ko = views(result, "en"), views(result, "ko")
    _in_every(en, "expected dtype float64, returned dtype int64", SUMMARIES)
    _in_every(en, "the dtype of relu_derivative (the values are right)", ("gradescope",))
    _in_every(en, "the dtype of relu_derivative(…) (the values are right)", ("gradescope",))
    _in_every(ko, "값은 맞음", ("gradescope",))
    for fmt in SUMMARIES:
        assert "The dtype is wrong too" not in en[fmt] and "got 1" not in en[fmt], fmt


# --- 4. the most useful reason first, the hint wherever it was found -----------------------------

def test_a_public_reason_comes_before_a_withheld_one_and_the_hint_is_shown(tmp_path: Path) -> None:
    """The catalogued relu_derivative(0) == 1: the hint is found on a hidden test (the first to
    fail), the public test fails with its own reason. The student reads the public reason and
    the hint, not "hidden test: the details are not shown"."""
    mistake, path = _variant(tmp_path, "activations_relu_derivative_one_at_zero")
    result = _graded(path)
    derivative = result.function("activations.relu_derivative")
    failing = [t for t in derivative.tests if not t.passed]
    assert failing[0].visibility == "hidden" and failing[0].hint is not None
    assert any(t.visibility == "public" and t.hint is None for t in failing)
    for lang, withheld, hint in (("en", WITHHELD_EN, mistake.hint_en),
                                 ("ko", WITHHELD_KO, mistake.hint_ko)):
        found = views(result, lang)
        _in_every(found, "relu_derivative(", SUMMARIES)
        _in_every(found, hint[:18], SUMMARIES)
        for fmt in ("github", "markdown"):
            row = next(line for line in found[fmt].splitlines() if "relu_derivative" in line)
            assert withheld not in row, (fmt, row)
        first_lines = found["text"].split("relu_derivative  (", 1)[1].splitlines()[:2]
        assert withheld not in "\n".join(first_lines)


def test_remove_the_input_call_is_read_before_the_withheld_hidden_tests(tmp_path: Path) -> None:
    result = _graded(_module_with(tmp_path, "activations", sigmoid=(
        "def sigmoid(z):\n    input('z? ')\n"
        "    return 1.0 / (1.0 + np.exp(-np.asarray(z, dtype=np.float64)))\n")))
    sigmoid = result.function("activations.sigmoid")
    assert sigmoid.score == 0 and sigmoid.tests[0].visibility == "hidden"
    _in_every(views(result, "en"), "remove the input() call", SUMMARIES)
    _in_every(views(result, "ko"), "input() 호출을 지우세요", SUMMARIES)


def test_the_function_summary_prefers_a_reason_the_student_may_read() -> None:
    hidden = TestResult("t_hidden", 0, 1, False, "hidden", "secret 0.123456",
                        reason={"key": "compare.value", "params": {"where": "f(x)[2]"},
                                "ko": "f(x)[2]: 반환값 0.123456", "en": "f(x)[2]: got 0.123456"})
    hinted = TestResult("t_hinted", 0, 1, False, "hidden", "x",
                        hint={"key": "mistake.hint", "params": {}, "ko": "힌트", "en": "Hint"})
    public = TestResult("t_public", 0, 1, False, "public", "f(x): SyntaxError (line 65)")
    function = FunctionResult("m.f", 0, 3, "failed", [hidden, hinted, public])
    shown = feedback.apply(Result("a", 0, 3, 1, "process", 0.1, "0", [function]), "summary")
    f = shown.functions[0]
    assert f.first_failure is not None and f.first_failure.name == "t_public"
    assert f.summary_in("en") == "f(x): SyntaxError (line 65)\nHint"
    # The withheld test still says what failed, never the value.
    withheld = f.tests[0].message_in("en")
    assert "What failed: the value of f(x)" in withheld and "0.123456" not in withheld
    assert "[2]" not in withheld  # which element is a detail of the hidden test too
    # Only withheld reasons: the first one, as before.
    only_hidden = FunctionResult("m.g", 0, 1, "failed", [copy.deepcopy(f.tests[0])])
    assert only_hidden.first_failure is only_hidden.tests[0]


# --- 2. which property a hidden test failed on ---------------------------------------------------

def test_a_hidden_mutation_test_failing_on_values_does_not_blame_mutation(tmp_path: Path) -> None:
    """``sigmoid_derivative`` given z where the output is expected (catalogued): its hidden
    ``test_input_not_modified`` fails on the value; the summary says so, not "mutation"."""
    _, path = _variant(tmp_path, "activations_sigmoid_derivative_z_as_out")
    result = _graded(path)
    for lang, value in (("en", "What failed: the value of sigmoid_derivative"),
                        ("ko", "틀린 것: 값 (sigmoid_derivative")):
        rows = _gradescope_rows(views(result, lang)["gradescope"])
        row = rows["activations.sigmoid_derivative: test_input_not_modified[sigmoid_derivative]"]
        assert value in row and "in place" not in row and "제자리" not in row


def test_a_hidden_mutation_is_named_as_one(tmp_path: Path) -> None:
    result = _graded(_module_with(tmp_path, "activations", relu=(
        "def relu(z):\n    np.maximum(z, 0.0, out=z)\n    return z\n")))
    rows = _gradescope_rows(views(result, "en")["gradescope"])
    assert "What failed: an input changed in place (relu" in rows[
        "activations.relu: test_input_not_modified[relu]"]


def _gradescope_rows(rendered: str) -> dict[str, str]:
    import json

    return {t["name"]: t["output"] for t in json.loads(rendered)["tests"]}


# --- 3. rescued hidden tests leak nothing ---------------------------------------------------------

_NUMBER = re.compile(r"-?\d+\.\d+(?:e[-+]?\d+)?|-?\d+e[-+]?\d+")


def _values(test: TestResult) -> set[str]:
    texts = [test.message, *(str(test.reason.get(k, "")) for k in ("ko", "en"))] \
        if test.reason else [test.message]
    return {n for t in texts for n in _NUMBER.findall(t) if len(n.lstrip("-")) >= 5}


def hidden_values(result: Result) -> set[str]:
    """The numbers only the hidden tests' messages hold (a public message may show its own)."""
    hidden: set[str] = set()
    public: set[str] = set()
    for f in result.functions:
        for t in f.tests:
            (hidden if t.visibility == "hidden" else public).update(_values(t))
    return hidden - public


def leaks(result: Result) -> Iterator[tuple[str, str, str]]:
    secret = hidden_values(result)
    for lang in ("ko", "en"):
        for fmt, rendered in views(result, lang).items():
            for value in secret:
                if value in rendered:
                    yield lang, fmt, value


@pytest.mark.slow
def test_rescued_hidden_tests_show_no_hidden_value_in_any_format(tmp_path: Path) -> None:
    """A right ``backward`` calling the student's wrong ``sigmoid_derivative``: its hidden tests
    pass only with the stand-in. Their first messages ("got 2.12611, expected -0.104047")
    appear in no student-facing format; whose fault it was does."""
    from test_standins import _lec04_submission

    result = _graded(_lec04_submission(tmp_path / "wrong", True),
                     modules=["activations", "backprop"])
    rescued = [t for f in result.functions for t in f.tests
               if t.culprits and t.visibility == "hidden"]
    assert rescued and any(_values(t) for t in rescued)  # the values are there to leak
    assert list(leaks(result)) == []
    _in_every(views(result, "en"), "it called your `sigmoid_derivative`, which is wrong",
              ("gradescope", "html", "json"))


# --- 10. a did-you-mean never breaks a correct function -----------------------------------------

def _without(tmp_path: Path, module: str, function: str, renamed: str | None = None) -> Path:
    source = (SOLUTIONS / f"{module}.py").read_text(encoding="utf-8")
    replacement = f"def {renamed}(" if renamed else f"def _{function}_removed("
    path = tmp_path / f"{module}.py"
    path.write_text(source.replace(f"def {function}(", replacement, 1), encoding="utf-8")
    return path


def test_a_missing_function_is_never_told_to_rename_a_graded_one(tmp_path: Path) -> None:
    """No ``tanh_derivative``: the closest name, ``relu_derivative``, is graded and right."""
    result = _graded(_without(tmp_path, "activations", "tanh_derivative"))
    assert result.function("activations.relu_derivative").score == 2
    reason = result.function("activations.tanh_derivative").reason_in("en")
    assert "has no function tanh_derivative" in reason
    assert "relu_derivative" not in reason and "rename" not in reason


def test_a_misspelled_function_is_still_suggested(tmp_path: Path) -> None:
    result = _graded(_without(tmp_path, "activations", "tanh_derivative", "tanh_derivativ"))
    tanh = result.function("activations.tanh_derivative")
    assert "found 'tanh_derivativ': rename it to 'tanh_derivative'" in tanh.reason_in("en")
    assert "'tanh_derivativ' → 'tanh_derivative'" in tanh.reason_in("ko")


# --- 9. the contract's "exact" is what the grader enforces ----------------------------------------

def test_a_sigmoid_clipped_at_700_is_not_exact_at_minus_1e4(tmp_path: Path) -> None:
    """docs/contract.md: ``sigmoid(-1e4) == 0.0``. Clipped at ±700 it is 9.9e-305 there."""
    result = _graded(_module_with(tmp_path, "activations", sigmoid=(
        "def sigmoid(z):\n"
        "    z = np.clip(np.asarray(z, dtype=np.float64), -700.0, 700.0)\n"
        "    return 1.0 / (1.0 + np.exp(-z))\n")))
    sigmoid = result.function("activations.sigmoid")
    assert 0 < sigmoid.score < sigmoid.max_score
    assert "got 9.85968e-305, expected 0" in sigmoid.reason_in("en")
    assert "반환값 9.85968e-305, 기대값 0" in sigmoid.reason_in("ko")
    contract = (ROOT / "docs" / "contract.md").read_text(encoding="utf-8")
    assert "`sigmoid(-1e4) == 0.0`" in contract


def test_what_the_contract_calls_approximate_is_not_compared_exactly(tmp_path: Path) -> None:
    """``softplus(-1000) ≈ 0``: a softplus clipped at -700 (9.9e-305 there) keeps full marks;
    ``softplus(1000) == 1000`` stays exact."""
    result = _graded(_module_with(tmp_path, "activations", softplus=(
        "def softplus(z):\n"
        "    z = np.maximum(np.asarray(z, dtype=np.float64), -700.0)\n"
        "    return np.maximum(z, 0.0) + np.log1p(np.exp(-np.abs(z)))\n")))
    softplus = result.function("activations.softplus")
    assert softplus.score == softplus.max_score, softplus.reason_in("en")


def test_every_exact_of_the_contract_is_compared_with_no_tolerance() -> None:
    for suite in (ROOT / "exercises" / "lec04" / "tests" / "test_activations.py",
                  SOLUTIONS / "tests" / "test_activations.py"):
        source = suite.read_text(encoding="utf-8")
        assert "EXACT = compare.Tolerance(rtol=0.0, atol=0.0)" in source, suite


# --- 6. penalties in proportion -------------------------------------------------------------------

def test_one_wrong_default_costs_one_test(tmp_path: Path) -> None:
    """Adam with epsilon 1e-7 by default: only the test of the defaults says so."""
    source = (SOLUTIONS / "optimizers.py").read_text(encoding="utf-8")
    default = 'config.setdefault("epsilon", 1e-8)\n    config.setdefault("t", 0)'
    assert default in source
    path = tmp_path / "optimizers.py"
    path.write_text(source.replace(default, default.replace("1e-8", "1e-7")), encoding="utf-8")
    adam = _graded(path).function("optimizers.adam")
    lost = [t.name for t in adam.tests if not t.passed]
    assert lost == ["test_update_defaults_when_config_is_omitted[adam]"]
    assert "config['epsilon']" in adam.reason_in("en")


def test_float32_is_not_a_convention(tmp_path: Path) -> None:
    """float32 loses the precision the tolerance assumes: no share is kept."""
    result = _graded(_module_with(tmp_path, "activations", relu=(
        "def relu(z):\n    return np.maximum(z, 0.0).astype(np.float32)\n")))
    assert result.function("activations.relu").score == 0


# --- 7. known variants get hints ------------------------------------------------------------------

@pytest.mark.parametrize("name", ["optimizers_adam_t_from_one",
                                  "linear_neurons_perceptron_predict_zero_one"])
def test_a_known_variant_is_named_by_its_hint(tmp_path: Path, name: str) -> None:
    mistake, path = _variant(tmp_path, name)
    result = _graded(path)
    function = result.function(mistake.function)
    assert function.score < function.max_score
    assert [f.name for f in result.functions if f.score < f.max_score] == [mistake.function]
    for lang, hint in (("en", mistake.hint_en), ("ko", mistake.hint_ko)):
        _in_every(views(result, lang), hint[:30], SUMMARIES)


def test_a_train_xor_initialised_its_own_way_is_told_to_use_init_params(tmp_path: Path) -> None:
    source = (SOLUTIONS / "backprop.py").read_text(encoding="utf-8")
    start = "    params = init_params([2, hidden_units, 1], seed)\n"
    assert start in source
    own = ("    rng = np.random.default_rng(seed)\n"
           "    params = {'W1': rng.normal(0, 1, (2, hidden_units)), 'b1': np.zeros(hidden_units),\n"
           "              'W2': rng.normal(0, 1, (hidden_units, 1)), 'b2': np.zeros(1)}\n")
    folder = tmp_path / "own_init"
    folder.mkdir()
    for module in SOLUTIONS.glob("*.py"):
        (folder / module.name).write_text(module.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "backprop.py").write_text(source.replace(start, own), encoding="utf-8")
    result = _graded(folder, modules=["backprop"])
    xor = result.function("backprop.train_xor")
    reasons = [t.reason_in("en") for t in xor.tests if not t.passed]
    assert any("must start from init_params and repeat train_step" in r for r in reasons)
    assert any("init_params로 초기화한 뒤" in t.reason_in("ko") for t in xor.tests)


# --- 8. the self-check in a released student tree agrees with the grade, or says why not ----------

REQUIREMENT = "grader @ git+https://example.org/grader.git@0123456789abcdef0123456789abcdef01234567"


@pytest.mark.slow
def test_the_self_check_marks_a_function_that_depends_on_a_failing_one(tmp_path: Path) -> None:
    """A right ``backward`` calling the student's wrong ``sigmoid_derivative``: the trusted grade
    gives it full marks through a stand-in; the released tree has no reference, so its
    ``grader check`` says the points are provisional and why, in both languages."""
    from test_standins import _lec04_submission

    from grader.course.bundle import make_bundle
    from grader.course.release import write_release

    make_bundle(COURSE, "lec04", tmp_path / "hidden.zip")
    write_release(COURSE, "lec04", tmp_path / "out", grader_requirement=REQUIREMENT,
                  hidden_bundle=tmp_path / "hidden.zip")
    submission = _lec04_submission(tmp_path / "wrong", True)
    student_tree = tmp_path / "out" / "exercises" / "lec04"
    for module in submission.glob("*.py"):
        (student_tree / module.name).write_bytes(module.read_bytes())
    modules = ["activations", "backprop"]
    trusted = _graded(submission, modules=modules).function("backprop.backward")
    local = grade(load_course(tmp_path / "out"), "lec04", student_tree, seed=3,
                  isolation="process", modules=modules).function("backprop.backward")
    assert trusted.score == trusted.max_score
    assert local.score < local.max_score
    en, ko = local.reason_in("en"), local.reason_in("ko")
    assert en.startswith("provisional: your `backward` called `sigmoid_derivative`"), en
    assert ko.startswith("잠정 점수: `backward` 함수가 부른 `sigmoid_derivative` 함수가"), ko
    # The trusted grade, which can rerun, never says so.
    assert "provisional" not in trusted.summary_in("en")


def test_a_nesterov_whose_velocity_is_overwritten_before_use_gets_the_plain_momentum_hint(
        tmp_path: Path) -> None:
    """``w - mu*v_prev + (1 + mu)*v`` with ``v_prev`` overwritten by the update: plain momentum."""
    result = _graded(_module_with(tmp_path, "optimizers", nesterov_momentum=(
        "def nesterov_momentum(w, dw, config=None):\n"
        "    config = {} if config is None else config\n"
        "    config.setdefault('learning_rate', 1e-2)\n"
        "    config.setdefault('momentum', 0.9)\n"
        "    mu, lr = config['momentum'], config['learning_rate']\n"
        "    v = config.get('velocity', np.zeros_like(w))\n"
        "    v = mu * v - lr * dw\n"
        "    v_prev = v\n"
        "    config['velocity'] = v\n"
        "    return w - mu * v_prev + (1 + mu) * v, config\n")))
    nesterov = result.function("optimizers.nesterov_momentum")
    assert nesterov.score < nesterov.max_score
    assert "v_prev overwritten by the update" in nesterov.hint_in("en")
    assert "v_prev를 저장하기 전에" in nesterov.hint_in("ko")
