"""The catalogue of common mistakes, variant modules and hint matching (grader.course.mistakes).

자주 하는 실수 목록, 변형 모듈, 힌트 찾기를 시험한다.

The input plans below play the part of a hidden suite: moderate random values (about 0.1 to 10)
plus the few special points the contract names (``z == 0``, ``z == ±1000``, a net input of
exactly 0, a batch count that does not divide). Each catalogued mistake must be *visible* on
them (another value, a RuntimeWarning or an in-place change) and must leave every other function
of its module untouched.
"""

from __future__ import annotations

import copy
import inspect
import itertools
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from grader.boundary import wire
from grader.boundary.calls import RecordedCall, WarningRecord
from grader.course.config import load_course
from grader.course.mistakes import Mistake, load_catalogue
from grader.course.variants import build_variant, variant_source
from grader.errors import GraderError, StudentRaised, WorkerCrashed
from grader.grading import compare
from grader.grading.hints import HintMatcher

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "solutions" / "lec04"
MISTAKES = REFERENCE / "mistakes"

Call = tuple[tuple[Any, ...], dict[str, Any]]
Plan = Callable[[np.random.Generator], list[Call]]


@pytest.fixture(scope="module")
def graded() -> dict[str, float]:
    return load_course(ROOT / "course.yaml").assignments["lec04"].functions


@pytest.fixture(scope="module")
def catalogue(graded: dict[str, float]) -> list[Mistake]:
    return load_catalogue(MISTAKES, graded)


@pytest.fixture(scope="module")
def matcher(catalogue: list[Mistake]) -> HintMatcher:
    return HintMatcher(REFERENCE, catalogue)


# --------------------------------------------------------------------------------------------
# Input plans: what a suite would send to each graded function


def _signed(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """Moderate magnitudes (0.1 … 10) with random signs."""
    return rng.choice([-1.0, 1.0], size=shape) * rng.uniform(0.1, 10.0, size=shape)


def _elementwise(rng: np.random.Generator) -> list[Call]:
    z = rng.uniform(-5.0, 5.0, size=(3, 4))
    z[0, 0] = 0.0  # the kink of ReLU
    return [((z,), {}), ((np.array([-1000.0, -3.0, 0.0, 2.0, 1000.0]),), {}), ((np.array(0.7),), {})]


def _gradient_through_layers(rng: np.random.Generator) -> list[Call]:
    zs = rng.uniform(-3.0, 3.0, size=5)
    calls: list[Call] = [((zs, a), {}) for a in ("sigmoid", "relu", "tanh", "softplus")]
    return [*calls, ((np.array([]), "sigmoid"), {})]


def _probabilities(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    return rng.uniform(0.05, 0.95, size=shape)


def _hidden_delta(rng: np.random.Generator) -> list[Call]:
    square = (_probabilities(rng, (4, 3)), _signed(rng, (3, 3)), _signed(rng, (4, 3)))
    other = (_probabilities(rng, (4, 3)), _signed(rng, (3, 2)), _signed(rng, (4, 2)))
    return [(square, {}), (other, {})]


def _params(rng: np.random.Generator, sizes: list[int]) -> dict[str, np.ndarray]:
    params = {}
    for layer, (n_in, n_out) in enumerate(itertools.pairwise(sizes), start=1):
        params[f"W{layer}"] = rng.normal(0.0, 1.0, size=(n_in, n_out))
        params[f"b{layer}"] = rng.normal(0.0, 0.5, size=n_out)
    return params


def _network(rng: np.random.Generator) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray]:
    params = _params(rng, [3, 4, 3, 2])
    return params, rng.normal(0.0, 2.0, size=(5, 3)), _probabilities(rng, (5, 2))


def _reference(module: str) -> Any:
    namespace: dict[str, Any] = {"__name__": f"_test_reference_{module}"}
    path = REFERENCE / f"{module}.py"
    exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), namespace)
    return namespace


def _forward(rng: np.random.Generator) -> list[Call]:
    params, X, _ = _network(rng)
    return [((params, X), {}), ((params, X, "relu"), {})]


def _loss(rng: np.random.Generator) -> list[Call]:
    return [((_probabilities(rng, (5, 2)), _probabilities(rng, (5, 2))), {})]


def _backward(rng: np.random.Generator) -> list[Call]:
    params, X, y = _network(rng)
    forward = _reference("backprop")["forward"]
    calls: list[Call] = []
    for activation in ("sigmoid", "relu"):
        _, cache = forward(params, X, activation)
        calls.append(((params, cache, y, activation), {}))
    return calls


def _train_step(rng: np.random.Generator) -> list[Call]:
    params, X, y = _network(rng)
    return [((params, X, y, 0.5), {}), ((params, X, y, 0.5, "relu"), {})]


def _layer_gradient_norms(rng: np.random.Generator) -> list[Call]:
    params, X, y = _network(rng)
    return [((params, X, y), {})]


def _train_xor(rng: np.random.Generator) -> list[Call]:
    # Few epochs: the plan checks behaviour, not convergence.
    return [((), {"hidden_units": 3, "epochs": 60, "seed": int(rng.integers(100))})]


def _minibatches(rng: np.random.Generator) -> list[Call]:
    seed = int(rng.integers(1000))
    return [((10, 3, seed), {}), ((12, 4, seed + 1), {})]


def _linear_data(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    X = _signed(rng, (6, 3))
    w = _signed(rng, (3,))
    y = np.where(rng.uniform(size=6) < 0.5, -1, 1)
    return X, y, w, float(rng.uniform(-1.0, 1.0))


def _net_input(rng: np.random.Generator) -> list[Call]:
    X, _, w, b = _linear_data(rng)
    return [((X, w, b), {}), ((X, np.zeros(3), 0.0), {})]


def _perceptron_update(rng: np.random.Generator) -> list[Call]:
    X, _, w, b = _linear_data(rng)
    calls: list[Call] = []
    for x in X[:3]:
        predicted = 1 if float(x @ w + b) >= 0 else -1
        calls.append(((w, b, x, -predicted, 0.1), {}))  # misclassified: an update happens
        calls.append(((w, b, x, predicted, 0.1), {}))  # classified right: nothing changes
    return calls


def _train_perceptron(rng: np.random.Generator) -> list[Call]:
    X, y, _, _ = _linear_data(rng)
    return [((X, y), {"eta": 0.1, "epochs": 5})]


def _adaline(rng: np.random.Generator) -> list[Call]:
    X, y, w, b = _linear_data(rng)
    return [((w, b, X, y.astype(np.float64)), {})]


def _train_adaline(rng: np.random.Generator) -> list[Call]:
    X, y, _, _ = _linear_data(rng)
    return [((X, y.astype(np.float64)), {"eta": 0.01, "epochs": 6})]


PLANS: dict[str, Plan] = {
    **{
        f"activations.{name}": _elementwise
        for name in (
            "sigmoid", "sigmoid_derivative", "relu", "relu_derivative", "tanh",
            "tanh_derivative", "softplus", "softplus_derivative",
        )
    },
    "activations.gradient_through_layers": _gradient_through_layers,
    "delta_rule.output_delta": lambda rng: [
        ((_probabilities(rng, (4, 3)), _probabilities(rng, (4, 3))), {})
    ],
    "delta_rule.hidden_delta": _hidden_delta,
    "delta_rule.layer_gradients": lambda rng: [((_signed(rng, (5, 3)), _signed(rng, (5, 2))), {})],
    "backprop.forward": _forward,
    "backprop.loss": _loss,
    "backprop.backward": _backward,
    "backprop.train_step": _train_step,
    "backprop.train_xor": _train_xor,
    "backprop.layer_gradient_norms": _layer_gradient_norms,
    "optimizers.minibatches": _minibatches,
    "linear_neurons.net_input": _net_input,
    "linear_neurons.perceptron_predict": _net_input,
    "linear_neurons.perceptron_update": _perceptron_update,
    "linear_neurons.train_perceptron": _train_perceptron,
    "linear_neurons.adaline_loss": _adaline,
    "linear_neurons.adaline_gradient": _adaline,
    "linear_neurons.train_adaline": _train_adaline,
}
UPDATE_RULES = ("sgd", "sgd_momentum", "nesterov_momentum", "adagrad", "rmsprop", "adam")


def _plan(function: str) -> Plan | None:
    """How to call a graded function: its plan above, else — a function added to the course
    later, as the authoring guide's ``leaky_relu`` — the elementwise plan when it takes one
    array (its other parameters have defaults); None when neither fits."""
    if function in PLANS:
        return PLANS[function]
    module, name = function.split(".")
    fn = _reference(module).get(name)
    if not callable(fn):
        return None
    required = [p for p in inspect.signature(fn).parameters.values()
                if p.default is p.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    return _elementwise if len(required) == 1 else None


@dataclass(frozen=True)
class _Recorded(RecordedCall):
    """A recorded call that also carries the call's symptoms, as ``grader.boundary.calls.Call`` does."""

    warnings: tuple[WarningRecord, ...] = ()
    mutated: tuple[str, ...] = ()


def _arrays(value: Any) -> list[np.ndarray]:
    if isinstance(value, np.ndarray):
        return [value]
    if isinstance(value, list | tuple):
        return [a for item in value for a in _arrays(item)]
    if isinstance(value, dict):
        return [a for item in value.values() for a in _arrays(item)]
    return []


def _record(function: str, fn: Callable[..., Any], rng: np.random.Generator) -> list[RecordedCall]:
    """Calls ``fn`` as a suite would and records them as the proxy does (through the wire).

    Update rules are called three times in a row, each step with the config it returned, from
    ``config=None``; a call that raises is recorded with the exception as its result. Warnings
    and in-place changes of inputs are recorded like the worker reports them.
    """
    module, name = function.split(".")
    recorded: list[RecordedCall] = []

    def one(args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        sent_args, sent_kwargs = copy.deepcopy((args, kwargs))
        run_args, run_kwargs = copy.deepcopy((args, kwargs))
        inputs = _arrays((run_args, run_kwargs))
        before = [a.copy() for a in inputs]
        with warnings.catch_warnings(record=True) as caught, np.errstate(
            over="warn", divide="warn", invalid="warn", under="ignore"
        ):
            warnings.simplefilter("always")
            try:
                value = fn(*run_args, **run_kwargs)
            except Exception as exc:
                recorded.append(RecordedCall(function, sent_args, sent_kwargs, exc))
                return None
        result = wire.decode(wire.encode(value))  # exactly what the trusted side receives
        symptoms = tuple(WarningRecord(w.category.__name__, str(w.message)) for w in caught)
        changed = tuple(
            f"input{i}" for i, (a, b) in enumerate(zip(inputs, before, strict=True))
            if not np.array_equal(a, b)
        )
        recorded.append(_Recorded(function, sent_args, sent_kwargs, result, symptoms, changed))
        return result

    if module == "optimizers" and name in UPDATE_RULES:
        w, config = _signed(rng, (3, 2)), None
        for _ in range(3):
            dw = _signed(rng, (3, 2))
            out = one((w, dw), {} if config is None else {"config": config})
            if out is None:
                break
            w, config = out
        return recorded
    plan = _plan(function)
    assert plan is not None, f"no input plan for {function}: add one to PLANS"
    for args, kwargs in plan(rng):
        one(args, kwargs)
    return recorded


def _load(source: str, name: str) -> dict[str, Any]:
    namespace: dict[str, Any] = {"__name__": name}
    exec(compile(source, f"<{name}>", "exec"), namespace)
    return namespace


# --------------------------------------------------------------------------------------------
# The catalogue


def test_catalogue_covers_every_module(catalogue: list[Mistake], graded: dict[str, float]) -> None:
    assert len(catalogue) >= 32
    per_module: dict[str, int] = {}
    for mistake in catalogue:
        assert mistake.function in graded
        assert mistake.hint_ko.strip() and mistake.hint_en.strip()
        assert mistake.description
        per_module[mistake.module] = per_module.get(mistake.module, 0) + 1
    modules = {f.split(".")[0] for f in graded}
    assert set(per_module) == modules
    assert min(per_module.values()) >= 3
    assert per_module["optimizers"] > 5 and per_module["backprop"] > 5
    assert len({m.name for m in catalogue}) == len(catalogue)


def test_every_function_has_an_input_plan(graded: dict[str, float]) -> None:
    rules = {f"optimizers.{n}" for n in UPDATE_RULES}
    unplanned = [f for f in graded if f not in rules and _plan(f) is None]
    assert unplanned == [], f"add an input plan to PLANS for {unplanned}"


def test_hints_give_no_code(catalogue: list[Mistake]) -> None:
    # A hint teaches the idea; an assignment or a NumPy call could be pasted as the answer.
    for mistake in catalogue:
        for hint in (mistake.hint_ko, mistake.hint_en):
            for token in ("np.", "@", "**", "axis=", ".T ", "return w", "setdefault"):
                assert token not in hint, (mistake.name, token)
        hint = mistake.hint()
        assert hint.key == "mistake.hint" and hint.params["mistake"] == mistake.name
        assert hint.render("ko") == f"힌트: {mistake.hint_ko}"
        assert hint.render("en") == f"Hint: {mistake.hint_en}"


def test_each_mistake_is_visible_and_only_in_its_function(catalogue: list[Mistake],
                                                          graded: dict[str, float]) -> None:
    """Every variant differs from the reference in its function and agrees everywhere else."""
    reference = {m: _reference(m) for m in {m.module for m in catalogue}}
    for index, mistake in enumerate(catalogue):
        source = (REFERENCE / f"{mistake.module}.py").read_text(encoding="utf-8")
        variant = _load(variant_source(source, mistake.function, mistake.source), mistake.name)
        module_functions = [f for f in graded if f.startswith(mistake.module + ".")]
        for function in module_functions:
            name = function.split(".")[1]
            seed = 1000 + index
            want = _record(function, reference[mistake.module][name], np.random.default_rng(seed))
            got = _record(function, variant[name], np.random.default_rng(seed))
            same = len(got) == len(want) and all(
                isinstance(g.result, Exception) == isinstance(w.result, Exception)
                and (isinstance(g.result, Exception) or compare.values_match(g.result, w.result))
                for g, w in zip(got, want, strict=False)
            )
            if function != mistake.function:
                assert same, f"{mistake.name} changes {function}"
            elif same:
                # Same values: it must then show as a warning or an in-place change.
                matcher = HintMatcher(REFERENCE, [mistake])
                assert matcher.match(function, got) is mistake, f"{mistake.name} is invisible"


# --------------------------------------------------------------------------------------------
# Hint matching


def test_matcher_finds_each_mistake_from_its_outputs(
    catalogue: list[Mistake], matcher: HintMatcher
) -> None:
    for index, mistake in enumerate(catalogue):
        source = (REFERENCE / f"{mistake.module}.py").read_text(encoding="utf-8")
        variant = _load(variant_source(source, mistake.function, mistake.source), "v")
        calls = _record(mistake.function, variant[mistake.function_name],
                        np.random.default_rng(index))
        found = matcher.match(mistake.function, calls)
        assert found is not None and found.name == mistake.name, (mistake.name, found)
    assert matcher.errors == {}


def test_matcher_gives_no_hint_for_reference_outputs(
    catalogue: list[Mistake], matcher: HintMatcher, graded: dict[str, float]
) -> None:
    for index, function in enumerate(sorted(graded)):
        module, name = function.split(".")
        calls = _record(function, _reference(module)[name], np.random.default_rng(index))
        assert matcher.match(function, calls) is None, function


def test_matcher_needs_every_call_to_match(catalogue: list[Mistake], matcher: HintMatcher) -> None:
    mistake = next(m for m in catalogue if m.name == "activations_sigmoid_derivative_z_as_out")
    z = np.array([0.5, 2.0])
    wrong = z * (1.0 - z)
    good = RecordedCall(mistake.function, (z,), {}, wrong)
    assert matcher.match(mistake.function, [good]) is mistake
    other = RecordedCall(mistake.function, (z,), {}, wrong + 1.0)
    assert matcher.match(mistake.function, [good, other]) is None
    # A call that raised must be reproduced too; calls of other functions and calls that
    # crashed or timed out are ignored; no call at all: no hint.
    raised = RecordedCall(mistake.function, (z,), {}, ValueError("boom"))
    assert matcher.match(mistake.function, [good, raised]) is None
    crashed = RecordedCall(mistake.function, (z,), {}, WorkerCrashed("killed"))
    unrelated = RecordedCall("activations.relu", (z,), {}, z)
    assert matcher.match(mistake.function, [good, crashed, unrelated]) is mistake
    assert matcher.match(mistake.function, [crashed, unrelated]) is None
    assert matcher.match("activations.nonexistent", [good]) is None


def test_matcher_recognises_a_shape_error(catalogue: list[Mistake], matcher: HintMatcher) -> None:
    """W_next instead of W_next.T raises on non-square weights: the same ValueError counts."""
    mistake = next(m for m in catalogue if m.name == "delta_rule_hidden_delta_w_not_transposed")
    rng = np.random.default_rng(5)
    args = (_probabilities(rng, (4, 3)), _signed(rng, (3, 2)), _signed(rng, (4, 2)))
    error = StudentRaised(mistake.function, ["ValueError", "Exception", "BaseException", "object"],
                          "matmul: mismatch", "delta_rule.py:3")
    assert matcher.match(mistake.function, [RecordedCall(mistake.function, args, {}, error)]) \
        is mistake
    other = StudentRaised(mistake.function, ["TypeError", "Exception"], "bad", "")
    assert matcher.match(mistake.function, [RecordedCall(mistake.function, args, {}, other)]) \
        is None
    # On square weights the mistake returns a (wrong) value, so a ValueError is not it.
    square = (_probabilities(rng, (4, 3)), _signed(rng, (3, 3)), _signed(rng, (4, 3)))
    assert matcher.match(mistake.function, [RecordedCall(mistake.function, square, {}, error)]) \
        is None


def test_symptom_only_mistakes_need_the_symptom(catalogue: list[Mistake], matcher: HintMatcher) -> None:
    """A mistake whose values are right (ReLU in place, naive sigmoid) needs the student's
    call to show the same symptom; a plain recorded call (no symptoms) never gets its hint."""
    relu = next(m for m in catalogue if m.name == "activations_relu_in_place")
    z = np.array([-1.0, 0.5, 2.0])
    out = np.maximum(z, 0.0)
    plain = RecordedCall(relu.function, (z,), {}, out)
    assert matcher.match(relu.function, [plain]) is None
    assert matcher.match(relu.function, [_Recorded(relu.function, (z,), {}, out)]) is None
    changed = _Recorded(relu.function, (z,), {}, out, mutated=("z",))
    assert matcher.match(relu.function, [changed]) is relu

    naive = next(m for m in catalogue if m.name == "activations_sigmoid_naive_overflow")
    z = np.array([-1000.0, 0.0, 3.0])
    out = np.array([0.0, 0.5, 1.0 / (1.0 + np.exp(-3.0))])
    assert matcher.match(naive.function, [RecordedCall(naive.function, (z,), {}, out)]) is None
    warned = _Recorded(naive.function, (z,), {}, out,
                       warnings=(WarningRecord("RuntimeWarning", "overflow encountered in exp"),))
    assert matcher.match(naive.function, [warned]) is naive


def test_matcher_leaves_nothing_behind(catalogue: list[Mistake]) -> None:
    import sys

    before = set(sys.modules)
    matcher = HintMatcher(REFERENCE, catalogue)
    mistake = next(m for m in catalogue if m.module == "optimizers")
    calls = _record(mistake.function, _reference("optimizers")[mistake.function_name],
                    np.random.default_rng(0))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing may leak out of the matcher
        matcher.match(mistake.function, calls)
    assert set(sys.modules) - before == set()
    assert not {"activations", "optimizers", "backprop"} & set(sys.modules)


# --------------------------------------------------------------------------------------------
# variant_source and build_variant

REFERENCE_TOY = '''
"""A toy module."""
from __future__ import annotations

import math


def f(x):
    return x + 1


def g(x):
    return f(x) * 2


TABLE = {"f": f}


def h(f):
    return f(1)


def k(x):
    def f(y):
        return y * 100
    return f(x)


def r(x):
    return f(x) if x > 5 else r(x + 10)
'''

MISTAKE_TOY = '''
"""Wrong f / f 틀림."""
from __future__ import annotations

import math

FUNCTION = "toy.f"
HINT_KO = "힌트"
HINT_EN = "hint"


def _mistake_offset():
    return math.floor(1.5)


def f(x):
    return x - _mistake_offset()
'''


def test_variant_replaces_only_the_target() -> None:
    source = variant_source(REFERENCE_TOY, "toy.f", MISTAKE_TOY)
    ns = _load(source, "toy_variant")
    assert ns["f"](1) == 0  # the mistake
    assert ns["_reference_f"](1) == 2
    assert ns["g"](1) == 4  # still calls the reference's f
    assert ns["TABLE"]["f"](1) == 2  # module-level tables too
    assert ns["h"](lambda v: v * 10) == 10  # a parameter named f is left alone
    assert ns["k"](2) == 200  # so is a nested def named f
    assert ns["r"](1) == 12
    assert "HINT_KO" not in ns and "FUNCTION" not in ns
    assert source.count("from __future__") == 1


def test_variant_rejects_bad_mistakes() -> None:
    with pytest.raises(GraderError, match="parameters"):
        variant_source(REFERENCE_TOY, "toy.f", "def f(x, y):\n    return x\n")
    with pytest.raises(GraderError, match="overwrite"):
        variant_source(REFERENCE_TOY, "toy.f", "def g(x):\n    return 0\n\ndef f(x):\n    return x\n")
    with pytest.raises(GraderError, match="exactly once"):
        variant_source(REFERENCE_TOY, "toy.missing", "def missing(x):\n    return x\n")


def test_build_variant_writes_a_submission(catalogue: list[Mistake], tmp_path: Path) -> None:
    mistake = next(m for m in catalogue if m.function == "optimizers.adam")
    modules = ["activations", "delta_rule", "backprop", "optimizers", "linear_neurons"]
    build_variant(REFERENCE, modules, mistake, tmp_path / "sub")
    written = sorted(p.name for p in (tmp_path / "sub").iterdir())
    assert written == sorted(f"{m}.py" for m in modules)
    assert (tmp_path / "sub" / "activations.py").read_text() == (
        REFERENCE / "activations.py"
    ).read_text()
    assert "_reference_adam" in (tmp_path / "sub" / "optimizers.py").read_text()
    with pytest.raises(GraderError, match="module"):
        build_variant(REFERENCE, ["activations"], mistake, tmp_path / "other")


# --------------------------------------------------------------------------------------------
# Bad metadata


GOOD_BODY = "def adam(w, dw, config=None):\n    return w, config\n"


@pytest.mark.parametrize(
    ("text", "key", "fragment"),
    [
        ('HINT_KO = "힌트"\nHINT_EN = "hint"\n', "FUNCTION", "missing"),
        ('FUNCTION = "adam"\nHINT_KO = "힌트"\nHINT_EN = "hint"\n', "FUNCTION",
         "FUNCTION must be 'module.function'"),
        ('FUNCTION = "optimizers.adamm"\nHINT_KO = "힌트"\nHINT_EN = "hint"\n', "FUNCTION",
         "not a graded function"),
        ('FUNCTION = "optimizers.adam"\nHINT_KO = 3\nHINT_EN = "hint"\n', "HINT_KO",
         "string literal"),
        ('FUNCTION = "optimizers.adam"\nHINT_KO = "힌트"\nHINT_EN = "  "\n', "HINT_EN", "empty"),
        ('FUNCTION = "optimizers.adam"\nHINT_KO = "hint"\nHINT_EN = "hint"\n', "HINT_KO",
         "Korean"),
        ('FUNCTION = "optimizers.adam"\nFUNCTION = "optimizers.adam"\nHINT_KO = "힌트"\n'
         'HINT_EN = "hint"\n', "FUNCTION", "twice"),
        ('FUNCTION = "optimizers.sgd"\nHINT_KO = "힌트"\nHINT_EN = "hint"\n', "FUNCTION",
         "def sgd"),
    ],
)
def test_bad_metadata_names_file_and_key(
    tmp_path: Path, graded: dict[str, float], text: str, key: str, fragment: str
) -> None:
    path = tmp_path / "optimizers_broken.py"
    path.write_text(text + "\n\n" + GOOD_BODY, encoding="utf-8")
    with pytest.raises(GraderError) as info:
        load_catalogue(tmp_path, graded)
    message = str(info.value)
    assert str(path) in message and f"{key}:" in message and fragment in message


def test_syntax_error_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.py"
    path.write_text("def adam(:\n", encoding="utf-8")
    with pytest.raises(GraderError, match=r"broken\.py:1"):
        load_catalogue(tmp_path)


def test_missing_folder_and_private_files(tmp_path: Path) -> None:
    assert load_catalogue(tmp_path / "nowhere") == []
    (tmp_path / "_helpers.py").write_text("x = 1\n", encoding="utf-8")
    assert load_catalogue(tmp_path) == []
