"""One grade on every path: the same corpus, the same seed, through ``grader check``,
``grader grade`` (local pool), ``grader grade --dask`` on a LocalCluster with threads and with
processes, the Gradescope ``run_autograder`` and ``validate``'s served session; every test's
score, status, culprits, hint and message must agree (timing aside).

같은 제출물, 같은 시드: 어느 경로로 채점해도 테스트마다 점수·상태·원인 함수·힌트·메시지가 같아야 한다.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from ci_support import REQUIREMENT
from click.testing import CliRunner

from grader.cli import main
from grader.course.config import load_course
from grader.grading.engine import Grader, serve
from grader.report import gradescope
from grader.result import Result, notes_of

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = ROOT / "solutions" / "lec04"
MODULES = ("activations", "linear_neurons", "delta_rule", "backprop", "optimizers")
SEED = "7"
pytestmark = pytest.mark.slow


def _edit(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def _reference(folder: Path) -> dict[str, str]:
    folder.mkdir(parents=True)
    sources = {m: (SOLUTIONS / f"{m}.py").read_text(encoding="utf-8") for m in MODULES}
    return sources


def _write(folder: Path, sources: dict[str, str]) -> Path:
    for module, text in sources.items():
        (folder / f"{module}.py").write_text(text, encoding="utf-8")
    return folder


def corpus(klass: Path) -> list[str]:
    """The class folder of the parity corpus; returns its entries' names."""
    klass.mkdir(parents=True)
    entries: list[str] = []

    def folder(name: str, edit: Any = None) -> None:
        sources = _reference(klass / name)
        if edit is not None:
            edit(sources)
        _write(klass / name, sources)
        entries.append(name)

    folder("correct")

    def output_delta_from_import(s: dict[str, str]) -> None:
        s["delta_rule"] = _edit(s["delta_rule"], "return (y_out - y_true) * y_out * (1.0 - y_out)",
                                "return (y_true - y_out) * y_out * (1.0 - y_out)  # flipped")
        s["backprop"] = _edit(s["backprop"], "import numpy as np\n",
                              "import numpy as np\n\nfrom delta_rule import output_delta\n")
        s["backprop"] = _edit(s["backprop"], "delta = (y_out - y_true) * y_out * (1.0 - y_out)",
                              "delta = output_delta(y_out, y_true)")

    folder("output_delta", output_delta_from_import)

    def sigmoid_derivative_through_alias(s: dict[str, str]) -> None:
        s["activations"] = _edit(
            s["activations"], "    return sigmoid(z) * sigmoid(-np.asarray(z, dtype=np.float64))",
            "    z = np.asarray(z, dtype=np.float64)\n    return z * (1.0 - z)")
        s["backprop"] = _edit(s["backprop"], "import numpy as np\n",
                              "import numpy as np\n\nimport activations as act\n")
        s["backprop"] = _edit(s["backprop"], "delta = (y_out - y_true) * y_out * (1.0 - y_out)",
                              'delta = (y_out - y_true) * act.sigmoid_derivative('
                              'cache[f"Z{n_layers}"])')

    folder("sigmoid_derivative", sigmoid_derivative_through_alias)

    def perceptron(s: dict[str, str]) -> None:
        text = _edit(s["linear_neurons"],
                     "return np.where(net_input(X, w, b) >= 0.0, 1, -1)",
                     "return np.where(net_input(X, w, b) >= 0.0, -1, 1)  # flipped")
        text = _edit(text, "    w = np.zeros(X.shape[1])\n",
                     "    w = np.random.default_rng(0).normal(size=X.shape[1])  # not zeros\n")
        s["linear_neurons"] = _edit(text, "y_hat = 1 if float(xi @ w + b) >= 0.0 else -1",
                                    "y_hat = int(perceptron_predict(xi[None, :], w, b)[0])")

    folder("perceptron", perceptron)

    def syntax_error(s: dict[str, str]) -> None:
        s["optimizers"] += "\n\ndef broken(:\n    pass\n"

    folder("syntax_error", syntax_error)

    def endless(s: dict[str, str]) -> None:
        s["activations"] += "\n\ndef relu(z):\n    while True:\n        pass\n"

    folder("endless_loop", endless)

    def hostile(s: dict[str, str]) -> None:
        s["linear_neurons"] = (
            "import os, signal\nimport numpy as np\n"
            "np.allclose = lambda *a, **k: True  # only the worker's NumPy\n"
            "for _p in ('/etc/shadow', os.path.expanduser('~/.ssh/id_rsa')):\n"
            "    try:\n        open(_p).read()\n    except OSError:\n        pass\n"
            + _edit(s["linear_neurons"], "def net_input(X: np.ndarray, w: np.ndarray, b: float)"
                    " -> np.ndarray:\n",
                    "def net_input(X: np.ndarray, w: np.ndarray, b: float) -> np.ndarray:\n"
                    "    print('{\"score\": 100}')  # a forged report line\n"
                    "    try:  # a harmless signal to the grader, should it get through\n"
                    "        os.kill(os.getppid(), signal.SIGCONT)\n"
                    "    except OSError:\n        pass\n"))

    folder("hostile", hostile)

    # A notebook named after its student: every module's functions in one notebook.
    cells = [{"cell_type": "markdown", "metadata": {}, "source": "# 레오의 과제"}]
    for module in MODULES:
        cells.append({"cell_type": "code", "metadata": {}, "outputs": [],
                      "execution_count": None,
                      "source": (SOLUTIONS / f"{module}.py").read_text(encoding="utf-8")})
    notebook = {"cells": cells, "metadata": {"kernelspec": {"name": "python3"}},
                "nbformat": 4, "nbformat_minor": 5}
    (klass / "leo.ipynb").write_text(json.dumps(notebook, ensure_ascii=False), encoding="utf-8")
    entries.append("leo.ipynb")
    return entries


def _course(root: Path) -> Path:
    """The course with full feedback (so every format shows every message), graded with the
    hidden suites; its call timeout as shipped (10 s: the stand-ins of train_xor's 5000 epochs
    need their share of it)."""
    for part in ("exercises/lec04", "solutions/lec04"):
        shutil.copytree(ROOT / part, root / part, ignore=shutil.ignore_patterns("__pycache__"))
    text = (ROOT / "course.yaml").read_text(encoding="utf-8")
    text = re.sub(r"call_timeout_s: *\d+", "call_timeout_s: 10", text)  # as shipped
    text = re.sub(r"hidden_tests: *\w+", "hidden_tests: full", text)
    (root / "course.yaml").write_text(text, encoding="utf-8")
    return root


def per_test(report: dict[str, Any]) -> dict[str, Any]:
    """What must agree: the total, each function's score and status, each test's score,
    verdict, culprits, hint and message (reason) — not its time or printed output."""
    out: dict[str, Any] = {"score": report["score"], "max_score": report["max_score"]}
    for f in report["functions"]:
        out[f["name"]] = (f["score"], f["status"])
        for t in f["tests"]:
            hint = t.get("hint") or {}
            out[f"{f['name']}::{t['name']}"] = (
                t["score"], t["passed"], t.get("culprits"), hint.get("key"), hint.get("params"),
                t.get("reason"))
    return out


def _grader(*args: str, timeout: float = 1200) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "grader", *args], capture_output=True, text=True,
                          timeout=timeout)


def _class_reports(klass: Path, course: Path, out: Path, *extra: str) -> dict[str, Any]:
    done = _grader("grade", str(klass), "--course", str(course), "-o", str(out), "--seed", SEED,
                   "--isolation", "process", *extra)
    reports = {p.stem: json.loads(p.read_text(encoding="utf-8"))
               for p in sorted((out / "reports").glob("*.json"))}
    errors = {name: notes_of(r, "en")[:1] for name, r in reports.items()
              if r["submission"]["status"] == "error"}
    assert done.returncode == 0 and not errors, (done.stderr[-3000:], errors)
    return reports


def _gradescope_outputs(course: Path, klass: Path, entries: list[str], tmp: Path) \
        -> dict[str, dict[str, Any]]:
    zip_path = tmp / "autograder.zip"
    made = CliRunner().invoke(main, ["bundle", "--gradescope", str(zip_path), "--course",
                                     str(course), "--grader-requirement", REQUIREMENT])
    assert made.exit_code == 0, made.output
    found: dict[str, dict[str, Any]] = {}
    for entry in entries:
        root = tmp / f"autograder-{entry}"
        (root / "source").mkdir(parents=True)
        with zipfile.ZipFile(zip_path) as zf:
            zf.extractall(root / "source")
        source = klass / entry
        if source.is_dir():
            shutil.copytree(source, root / "submission")
        else:
            (root / "submission").mkdir()
            shutil.copy(source, root / "submission" / entry)
        run = root / "source" / "run_autograder"
        # run_autograder grades with the seed of the submission's hash; the parity seed instead
        text = run.read_text(encoding="utf-8")
        run.write_text(text.replace("--format gradescope", f"--seed {SEED} --format gradescope"),
                       encoding="utf-8")
        env = {**os.environ, "GRADER_AUTOGRADER_ROOT": str(root), "GRADER_PYTHON": sys.executable,
               "GRADER_ISOLATION": "process"}
        done = subprocess.run(["bash", str(run)], env=env, capture_output=True, text=True,
                              timeout=600)
        assert done.returncode == 0, done.stderr[-3000:]
        found[entry] = json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))
    return found


def _gradescope_tests(data: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [(t["name"], t["score"], t["max_score"], t["status"], t.get("output", ""))
            for t in data["tests"]]


THREADS_CLUSTER = """
import sys
import distributed
with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                              protocol="tcp://", host="127.0.0.1",
                              dashboard_address=None) as cluster:
    print(cluster.scheduler_address, flush=True)
    sys.stdin.read()
"""


@contextlib.contextmanager
def _threads_cluster() -> Iterator[str]:
    proc = subprocess.Popen([sys.executable, "-c", THREADS_CLUSTER], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        yield proc.stdout.readline().strip()
    finally:
        assert proc.stdin is not None
        proc.stdin.close()
        proc.wait(timeout=60)


def test_one_grade_on_every_path(tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    course = _course(tmp_path / "course")
    klass = tmp_path / "class"
    entries = corpus(klass)
    ids = {entry: Path(entry).stem for entry in entries}

    paths: dict[str, dict[str, Any]] = {}
    runner = CliRunner()
    paths["check"] = {}
    for entry in entries:
        res = runner.invoke(main, ["check", str(klass / entry), "--course", str(course),
                                   "--seed", SEED, "--isolation", "process", "--format", "json"])
        assert res.exit_code in (0, 1), res.output[-3000:]
        paths["check"][ids[entry]] = json.loads(res.stdout)

    paths["grade"] = _class_reports(klass, course, tmp_path / "pool", "--workers", "2")
    # threads: a cluster whose worker runs the tasks in threads of the cluster's own process
    # (started apart from this one: pytest inside pytest is not what is being tested)
    with _threads_cluster() as address:
        paths["dask threads"] = _class_reports(klass, course, tmp_path / "dask-threads",
                                               "--dask", address)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        paths["dask processes"] = _class_reports(klass, course, tmp_path / "dask-processes",
                                                 "--dask", cluster.scheduler_address)

    served: dict[str, Any] = {}

    def work(grader: Grader) -> None:
        for entry in entries:
            served[ids[entry]] = grader.grade(klass / entry, seed=int(SEED)).to_json()

    serve(load_course(course), "lec04", work, isolation="process")
    paths["validate (served)"] = served

    expected = {name: per_test(report) for name, report in paths["check"].items()}
    table = []
    for path, reports in paths.items():
        assert set(reports) == set(expected), path
        for name, report in reports.items():
            got = per_test(report)
            differ = sorted(k for k in set(got) | set(expected[name])
                            if got.get(k) != expected[name].get(k))
            assert not differ, (path, name, [(k, got.get(k), expected[name].get(k))
                                             for k in differ[:3]])
        table.append((path, [reports[ids[e]]["score"] for e in entries]))

    # the Gradescope autograder: its results.json, test by test, as check's result renders it
    course_obj = load_course(course)
    outputs = _gradescope_outputs(course, klass, entries, tmp_path)
    for entry in entries:
        want = gradescope.results(Result.from_json(paths["check"][ids[entry]]),
                                  course_obj.feedback.hidden_tests)
        assert outputs[entry]["score"] == want["score"], entry
        assert _gradescope_tests(outputs[entry]) == _gradescope_tests(want), entry
    table.append(("gradescope", [outputs[e]["score"] for e in entries]))

    # what the corpus is for: each case graded as the issue says it must be
    check = {name: per_test(r) for name, r in paths["check"].items()}
    assert paths["check"]["correct"]["score"] == 100.0
    assert paths["check"]["leo"]["score"] == 100.0
    lost = {name: {f["name"]: f["max_score"] - f["score"] for f in r["functions"]
                   if f["score"] < f["max_score"]} for name, r in paths["check"].items()}
    assert set(lost["output_delta"]) == {"delta_rule.output_delta"}, lost["output_delta"]
    assert set(lost["sigmoid_derivative"]) == {"activations.sigmoid_derivative"}, \
        lost["sigmoid_derivative"]
    assert {"linear_neurons.perceptron_predict", "linear_neurons.train_perceptron"} <= \
        set(lost["perceptron"])
    train = [v for k, v in check["perceptron"].items()
             if k.startswith("linear_neurons.train_perceptron::")]
    assert all(not culprits for _, _, culprits, *_ in train)  # never "it is right"
    assert set(lost["syntax_error"]) == {f for f in lost["syntax_error"]
                                         if f.startswith("optimizers.")}
    assert "activations.relu" in lost["endless_loop"]
    print("\n".join(f"{path:18} {scores}" for path, scores in table))
