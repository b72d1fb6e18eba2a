"""Hints in a student's own check: the catalogued mistakes' fingerprints on public inputs.

학생 저장소에는 참조 해답도 실수 코드도 없다. ``grader release``가 내보내는 지문으로 ``grader check``가
신뢰 채점과 같은 힌트를 보여 주는지, 그리고 지문이 값과 코드를 드러내지 않고, 망가진 파일에도 채점이
멈추지 않는지 확인한다 (issue 20, item 8).

A released tree has neither the reference nor the mistakes' code: ``grader release`` ships
fingerprints, and the self-check must show the trusted grade's hint for a student's *own* way of
writing a catalogued mistake, no hint for other wrong code, and never fail on a broken file.
"""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner

from grader.cli import main
from grader.course.config import load_course
from grader.course.mistakes import load_catalogue
from grader.course.release import PUBLIC_BUNDLE, write_release
from grader.course.variants import variant_source
from grader.grading import fingerprints
from grader.grading.engine import grade, serve
from grader.grading.fingerprints import (
    FingerprintMatcher,
    MistakePrints,
    Outcome,
    Print,
    decode_inputs,
    digest,
    encode_inputs,
    spec_of,
)
from grader.result import FunctionResult

ROOT = Path(__file__).resolve().parent.parent
COURSE = load_course(ROOT)
SOLUTIONS = ROOT / "solutions" / "lec04"
REQUIREMENT = "rokey-grader==0.2.0"


# --- the fingerprint of a value -------------------------------------------------------------

def _print_of(value: Any) -> str | None:
    spec = spec_of(value)
    assert spec is not None
    return digest(value, spec)


def test_values_within_rounding_share_a_fingerprint_and_others_do_not() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(4, 3))
    spec = spec_of(x)
    assert spec is not None
    same = digest(x, spec)
    assert digest(x * (1 + 1e-13), spec) == same  # another order of the same operations
    assert digest(x + 1e-4, spec) != same
    assert digest(np.where(np.arange(12).reshape(4, 3) == 5, x + 1e-5, x), spec) != same
    zeros = np.zeros(3)
    assert digest(np.full(3, 1e-13), spec_of(zeros)) == _print_of(zeros)  # under atol


def test_a_fingerprint_keeps_the_type_rules_of_the_comparison() -> None:
    x = np.linspace(-1, 1, 5)
    spec = spec_of(x)
    assert spec is not None
    assert digest(x.astype(np.float32), spec) is None  # float32 for float64: refused, as compare
    assert digest(x.reshape(5, 1), spec) is None
    assert digest(list(x), spec) is None
    assert digest(x > 0, spec_of(x > 0.0)) == _print_of(x > 0)
    assert digest((x > 0).astype(float), spec_of(x > 0.0)) is None  # floats where bools are due
    config = {"t": 2, "m": x}
    config_spec = spec_of(config)
    assert config_spec is not None
    assert digest({"m": x.copy(), "t": np.int64(2)}, config_spec) == digest(config, config_spec)
    assert digest({"m": x, "t": 2, "v": x}, config_spec) is None  # an extra key
    assert digest({"m": x, "t": 2.0}, config_spec) is None  # a float where an int is due
    assert digest([1.0, 2.0], spec_of([1.0, 2.0])) == digest(np.array([1.0, 2.0]),
                                                             spec_of([1.0, 2.0]))
    special = np.array([np.nan, np.inf, -np.inf, 1.0])
    assert digest(special.copy(), spec_of(special)) == _print_of(special)
    assert digest(np.array([np.nan, -np.inf, np.inf, 1.0]), spec_of(special)) != \
        _print_of(special)


def test_inputs_round_trip_through_the_wire_format_and_garbage_decodes_to_none() -> None:
    text = encode_inputs((np.arange(3.0), 0.5), {"config": {"t": 1, "m": np.ones(2)}})
    assert text is not None
    decoded = decode_inputs(text)
    assert decoded is not None
    args, kwargs = decoded
    assert np.array_equal(args[0], np.arange(3.0)) and args[1] == 0.5
    assert kwargs["config"]["t"] == 1 and np.array_equal(kwargs["config"]["m"], np.ones(2))
    assert encode_inputs((object(),), {}) is None
    for garbage in ("", "not base64!", "AAAA", 3, None):
        assert decode_inputs(garbage) is None


# --- matching ---------------------------------------------------------------------------------

def _mistake(name: str, *prints: Print) -> MistakePrints:
    return MistakePrints(name, f"{name} 힌트", f"{name} hint", prints)


def test_the_first_mistake_in_catalogue_order_whose_prints_all_match_is_named() -> None:
    value = np.array([1.0, 2.0])
    other = np.array([1.0, 3.0])
    by_value = Print.of(Outcome(value), ["value"])
    by_other = Print.of(Outcome(other), ["value"])
    warned_only = Print.of(Outcome(value), ["warned"])
    assert by_value and by_other and warned_only
    assert _mistake("a", by_value).explains([Outcome(value)])
    assert not _mistake("a", by_value).explains([Outcome(other)])
    assert not _mistake("a", by_value, by_other).explains([Outcome(value), Outcome(value)])
    # A mistake that differs from the reference only by a warning needs the student's warning.
    assert not _mistake("w", warned_only).explains([Outcome(value)])
    assert _mistake("w", warned_only).explains([Outcome(value, warned=True)])
    raised = Print(raised=("ValueError", "Exception"), evidence=("value",))
    assert _mistake("r", raised).explains([Outcome(raised=("ValueError", "Exception"))])
    assert not _mistake("r", raised).explains([Outcome(value)])


def _file(tmp_path: Path, functions: dict[str, Any]) -> Path:
    path = tmp_path / fingerprints.FILE_NAME
    path.write_text(json.dumps({"schema": fingerprints.SCHEMA, "functions": functions}))
    return path


def test_a_broken_or_edited_file_gives_no_hint_and_no_error(tmp_path: Path) -> None:
    probe = encode_inputs((np.ones(2),), {})
    good = {"probes": [probe], "mistakes": [
        {"name": "m", "hint_ko": "힌트", "hint_en": "hint",
         "prints": [Print.of(Outcome(np.ones(2)), ["value"]).to_json()]}]}  # type: ignore[union-attr]
    calls: list[Any] = []

    def call(args: tuple[Any, ...], kwargs: dict[str, Any]) -> Outcome:
        calls.append(args)
        return Outcome(np.ones(2))

    matcher = FingerprintMatcher(_file(tmp_path, {"m.f": good, "m.g": {"probes": 3}}))
    assert "m.g" not in matcher  # the malformed function only
    found = matcher.match("m.f", call)
    assert found is not None and found.hint().render("en").endswith("hint")
    assert matcher.match("m.f", call) is found and len(calls) == 1  # probed once
    for content in (b"", b"\xff\xfe{", b"[]", b'{"schema": "other"}', b"{" * 100_000):
        path = tmp_path / fingerprints.FILE_NAME
        path.write_bytes(content)
        assert FingerprintMatcher(path).match("m.f", call) is None
    assert FingerprintMatcher(tmp_path / "missing.json").match("m.f", call) is None
    # A call that gave no result (a hang, a crash) ends the matching: no hint.
    assert FingerprintMatcher(_file(tmp_path, {"m.f": good})).match(
        "m.f", lambda args, kwargs: None) is None


# --- a released tree --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("fingerprints") / "out"
    write_release(COURSE, "lec04", out, grader_requirement=REQUIREMENT)
    return out


def test_the_release_ships_fingerprints_in_its_tree_and_its_public_bundle(release: Path) -> None:
    shipped = release / "exercises" / "lec04" / "tests" / fingerprints.FILE_NAME
    data = json.loads(shipped.read_text(encoding="utf-8"))
    assert data["schema"] == fingerprints.SCHEMA
    names = {m["name"] for f in data["functions"].values() for m in f["mistakes"]}
    assert names == {p.stem for p in (SOLUTIONS / "mistakes").glob("*.py")
                     if not p.name.startswith("_")}
    with zipfile.ZipFile(release / PUBLIC_BUNDLE) as zf:
        assert zf.read(f"exercises/lec04/tests/{fingerprints.FILE_NAME}") == shipped.read_bytes()
    # Nothing of a mistake's code or of the reference is in it: hashes, hints, public inputs.
    text = shipped.read_text(encoding="utf-8")
    sources = [*SOLUTIONS.glob("*.py"), *(SOLUTIONS / "mistakes").glob("*.py")]
    statements = {line.strip() for path in sources for line in _code_lines(path)}
    assert statements
    assert not [s for s in statements if len(s) >= 12 and s in text]


def _code_lines(path: Path) -> list[str]:
    """The lines of every statement in the file's function bodies (not docstrings)."""
    source = path.read_text(encoding="utf-8")
    lines: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef):
            for stmt in node.body:
                if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):
                    continue
                lines.extend((ast.get_source_segment(source, stmt) or "").splitlines())
    return lines


# Students' own ways of writing catalogued mistakes (not the catalogue's code), and a wrong
# function no mistake explains.
OWN = {
    "activations.sigmoid_derivative": (
        "def sigmoid_derivative(z):\n"
        "    z = np.asarray(z, dtype=float)\n"
        "    return z - z * z\n", "activations_sigmoid_derivative_z_as_out"),
    "optimizers.adam": (
        "def adam(w, dw, config=None):\n"
        "    config = {} if config is None else config\n"
        "    for key, default in (('learning_rate', 1e-3), ('beta1', 0.9), ('beta2', 0.999),\n"
        "                         ('epsilon', 1e-8), ('t', 1)):\n"
        "        config.setdefault(key, default)\n"
        "    step = config['t'] + 1\n"
        "    b1, b2 = config['beta1'], config['beta2']\n"
        "    m = b1 * config.get('m', np.zeros_like(w)) + (1 - b1) * dw\n"
        "    v = b2 * config.get('v', np.zeros_like(w)) + (1 - b2) * dw * dw\n"
        "    config.update(t=step, m=m, v=v)\n"
        "    scale = np.sqrt(1 - b2 ** step)\n"
        "    lr_t = config['learning_rate'] * scale / (1 - b1 ** step)\n"
        "    return w - lr_t * m / (np.sqrt(v) + config['epsilon'] * scale), config\n",
        "optimizers_adam_t_from_one"),
    "linear_neurons.perceptron_predict": (
        "def perceptron_predict(X, w, b):\n"
        "    return (X @ w + b >= 0).astype(int)\n", "linear_neurons_perceptron_predict_zero_one"),
    "activations.tanh": (
        "def tanh(z):\n"
        "    return 0.99 * np.tanh(z)\n", ""),
}


def _with(folder: Path, function: str, source: str) -> Path:
    module, _ = function.split(".", 1)
    folder.mkdir(parents=True, exist_ok=True)
    reference = (SOLUTIONS / f"{module}.py").read_text(encoding="utf-8")
    (folder / f"{module}.py").write_text(variant_source(reference, function, source),
                                         encoding="utf-8")
    return folder


def _function(course_root: Path, submission: Path, function: str) -> FunctionResult:
    module = function.split(".", 1)[0]
    return grade(load_course(course_root), "lec04", submission, seed=11, isolation="process",
                 modules=[module]).function(function)


@pytest.mark.parametrize("function", sorted(OWN))
def test_the_self_check_shows_the_trusted_grades_hint_for_a_students_own_mistake(
        release: Path, tmp_path: Path, function: str) -> None:
    source, mistake = OWN[function]
    trusted = _function(ROOT, _with(tmp_path / "trusted", function, source), function)
    tree = tmp_path / "tree"
    shutil.copytree(release, tree)
    student = tree / "exercises" / "lec04"
    _with(student, function, source)
    local = _function(tree, student, function)
    assert local.score < local.max_score and trusted.score < trusted.max_score
    for lang in ("ko", "en"):
        assert local.hint_in(lang) == trusted.hint_in(lang)
    if mistake:
        hint_en = trusted.hint_in("en")
        assert hint_en, f"{function}: the trusted grade names no mistake"
        expected = next(t.hint for t in trusted.tests if t.hint)
        assert expected["params"]["mistake"] == mistake
    else:
        assert local.hint_in("en") == "" == trusted.hint_in("en")


def test_a_corrupt_fingerprint_file_costs_the_hint_and_nothing_else(
        release: Path, tmp_path: Path) -> None:
    function = "activations.sigmoid_derivative"
    tree = tmp_path / "tree"
    shutil.copytree(release, tree)
    student = tree / "exercises" / "lec04"
    _with(student, function, OWN[function][0])
    before = _function(tree, student, function)
    (student / "tests" / fingerprints.FILE_NAME).write_bytes(b'{"schema": "grader.hint-fi')
    result = grade(load_course(tree), "lec04", student, seed=11, isolation="process",
                   modules=["activations"])
    after = result.function(function)
    assert before.hint_in("en") and not after.hint_in("en")
    assert (after.score, after.status) == (before.score, before.status)
    assert not [n for n in result.notes_in("en") if "internal" in n.lower()]


def test_check_with_the_public_bundle_shows_the_hint(release: Path, tmp_path: Path) -> None:
    """The feedback workflow grades with ``--bundle .grader/public.zip``: the same hint."""
    function = "optimizers.adam"
    submission = _with(tmp_path / "sub", function, OWN[function][0])
    result = CliRunner().invoke(main, [
        "check", str(submission / "optimizers.py"), "--bundle", str(release / PUBLIC_BUNDLE),
        "--format", "json", "--seed", "2", "--isolation", "process", "--lang", "en"],
        catch_exceptions=False)
    report = json.loads(result.output)
    adam = next(f for f in report["functions"] if f["name"] == function)
    hints = [t["hint"] for t in adam["tests"] if t.get("hint")]
    assert hints and hints[0]["params"]["mistake"] == "optimizers_adam_t_from_one"


def test_a_served_grading_in_the_released_tree_shows_the_hint(release: Path,
                                                              tmp_path: Path) -> None:
    """``--watch``, ``%grade`` and class workers grade in one served session: the same hint."""
    function = "optimizers.adam"
    submission = _with(tmp_path / "sub", function, OWN[function][0])
    found: list[FunctionResult] = []
    serve(load_course(release), "lec04", lambda grader: found.append(grader.grade(
        submission, seed=11, modules=["optimizers"]).function(function)), isolation="process")
    expected = _function(ROOT, submission, function).hint_in("en")
    assert expected and found[0].hint_in("en") == expected


def test_plain_pytest_in_the_released_tree_shows_the_hint(release: Path, tmp_path: Path) -> None:
    """``pytest exercises/lec04``, as the student README says: the same hint, from the
    fingerprints beside the public tests."""
    function = "optimizers.adam"
    tree = tmp_path / "tree"
    shutil.copytree(release, tree)
    _with(tree / "exercises" / "lec04", function, OWN[function][0])
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "exercises/lec04/tests/test_optimizers.py", "-q",
         "-p", "no:cacheprovider", "--grader-isolation", "process"], cwd=tree,
        capture_output=True, text=True, timeout=300,
        env={**os.environ, "COLUMNS": "100", "PYTHONIOENCODING": "utf-8"})
    assert done.returncode == 1, done.stdout[-3000:]
    hint = "아담의 t는 0에서 시작하고"  # the catalogue's HINT_KO (the course's language is ko)
    assert hint in " ".join(done.stdout.split()), done.stdout[-3000:]


@pytest.mark.slow
def test_every_catalogued_mistake_gets_the_trusted_hint_in_the_self_check(
        tmp_path: Path) -> None:
    """The issue's table: every mistake loses points in the self-check and gets there the
    trusted grade's hint, which names it (``benchmarks/self_check_hints.py`` prints the table)."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from self_check_hints import rows

    found = list(rows(COURSE, "lec04", tmp_path))
    assert len(found) == len(list((SOLUTIONS / "mistakes").glob("[!_]*.py")))
    hints = {m.name: " ".join(m.hint_en.split())
             for m in load_catalogue(SOLUTIONS / "mistakes", COURSE.assignment("lec04").functions)}
    for row in found:
        assert row.self_check_points < row.max_points, row
        assert row.self_check_hint == row.trusted_hint, row
        assert hints[row.mistake] in " ".join(row.trusted_hint.split()), row
