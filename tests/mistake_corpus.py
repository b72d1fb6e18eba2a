"""A corpus of the usual mistakes of lecture 4, as submissions a student could hand in.

강의 4의 흔한 실수를 모은 제출물: 한국어 검토(2026-12)가 채점한 것과 같은 종류의 실수들.

``main`` is the reference with, in one submission: a catalogued mistake per module (the
sigmoid's derivative of ``z`` instead of ``out``, Adam without bias correction, the perceptron
updated by the net input, a mean instead of a sum in ``loss``), arrays changed in place
(``relu``, ``sgd_momentum``), an endless loop, an ``input()`` call, a syntax error in
``delta_rule.py`` and three functions left unimplemented. ``misnamed`` has a misspelt file and
function, a list instead of an array, a wrong shape and tuple length, a wrong exception and an
IndexError; ``stateful`` forgets Adam's step ``t`` and reverses the layers' norms.
"""

from __future__ import annotations

import dataclasses
import re
import shutil
import textwrap
from pathlib import Path

from grader.course.config import Course, load_course

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = ROOT / "solutions" / "lec04"
MISTAKES = SOLUTIONS / "mistakes"
STUBS = ROOT / "exercises" / "lec04"


def course(call_timeout_s: float = 2.0) -> Course:
    """The real course, with a short call limit so that the endless loop costs little."""
    real = load_course(ROOT / "course.yaml")
    return dataclasses.replace(real, limits=dataclasses.replace(real.limits,
                                                                call_timeout_s=call_timeout_s))


def _replace(source: str, function: str, code: str) -> str:
    """``source`` with ``function`` renamed away and ``code`` appended."""
    renamed, n = re.subn(rf"^def {function}\(", f"def _replaced_{function}(", source,
                         flags=re.MULTILINE)
    assert n == 1, function
    return renamed + "\n\n" + textwrap.dedent(code).strip() + "\n"


def _mistake(source: str, name: str) -> str:
    """``source`` with the catalogued mistake ``name`` (its function) in place."""
    text = (MISTAKES / f"{name}.py").read_text(encoding="utf-8")
    function = re.search(r'^FUNCTION = "[a-z_]+\.([a-z_]+)"', text, re.MULTILINE)
    assert function, name
    return _replace(source, function[1], text[text.index(f"def {function[1]}("):])


def _stub(source: str, function: str) -> str:
    """``function`` left as the stub hands it out (raises NotImplementedError)."""
    stub = (STUBS / _module_of(function)).read_text(encoding="utf-8")
    match = re.search(rf"^def {function}\(.*?(?=^def |\Z)", stub, re.MULTILINE | re.DOTALL)
    assert match, function
    return _replace(source, function, match[0])


_MODULES = {p.name: p.read_text(encoding="utf-8") for p in SOLUTIONS.glob("*.py")}


def _module_of(function: str) -> str:
    return next(name for name, text in _MODULES.items()
                if re.search(rf"^def {function}\(", text, re.MULTILINE))


def main(folder: Path) -> Path:
    m = dict(_MODULES)
    a = _mistake(m["activations.py"], "activations_sigmoid_derivative_z_as_out")
    a = _mistake(a, "activations_relu_in_place")
    a = _replace(a, "gradient_through_layers", """
        def gradient_through_layers(zs, activation):
            while True:
                pass
        """)
    a = _stub(a, "softplus_derivative")
    m["activations.py"] = a
    m["optimizers.py"] = _mistake(_mistake(m["optimizers.py"], "optimizers_adam_no_bias_correction"),
                                  "optimizers_sgd_momentum_in_place")
    ln = _mistake(m["linear_neurons.py"], "linear_neurons_perceptron_update_adaline_rule")
    ln = _replace(ln, "train_adaline", """
        def train_adaline(X, y, eta=0.01, epochs=50, seed=1):
            input("eta? ")
        """)
    m["linear_neurons.py"] = _stub(ln, "train_perceptron")
    b = _mistake(m["backprop.py"], "backprop_loss_mean")
    m["backprop.py"] = _stub(b, "train_xor")
    m["delta_rule.py"] = re.sub(r"^(def output_delta\(.*):$", r"\1",
                                                 m["delta_rule.py"], count=1, flags=re.MULTILINE)
    assert m["delta_rule.py"] != _MODULES["delta_rule.py"]
    return _write(folder, m)


def misnamed(folder: Path) -> Path:
    m = dict(_MODULES)
    m["optimizer.py"] = m.pop("optimizers.py")
    a = m["activations.py"].replace("def tanh(", "def tahn(", 1)
    a = _replace(a, "relu", """
        def relu(z):
            return np.maximum(z, 0.0).tolist()
        """)
    m["activations.py"] = _replace(a, "softplus", """
        def softplus(z):
            return np.logaddexp(0.0, z).ravel()
        """)
    ln = _replace(m["linear_neurons.py"], "train_perceptron", """
        def train_perceptron(X, y, eta=0.1, epochs=10, seed=1):
            return np.zeros(X.shape[1]), 0.0
        """)
    m["linear_neurons.py"] = _replace(ln, "perceptron_predict", """
        def perceptron_predict(X, w, b):
            return np.where(X @ w + b >= 0.0, 1, -1)[len(X)]
        """)
    return _write(folder, m)


def stateful(folder: Path) -> Path:
    m = dict(_MODULES)
    m["optimizers.py"] = _mistake(m["optimizers.py"], "optimizers_adam_t_never_advances")
    m["backprop.py"] = _mistake(m["backprop.py"], "backprop_layer_gradient_norms_reversed")
    return _write(folder, m)


def _write(folder: Path, modules: dict[str, str]) -> Path:
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    for name, text in modules.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


CORPUS = {"main": main, "misnamed": misnamed, "stateful": stateful}
