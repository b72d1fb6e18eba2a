"""Benchmark of ``grader grade``: a generated class of 200 lec04 submissions with 2 workers.

반 전체 채점 벤치마크: 200명(정답, 흔한 실수, 공격, 무한 루프·input())을 작업자 2개로 채점한다.

The class is mixed as a real one would be: correct submissions (folders, and zips of a checkout),
buggy ones (the reference with one catalogued mistake of ``solutions/lec04/mistakes`` planted by
the grader's own variant builder), hostile ones (attacks of ``tests/redteam``: segfault, memory
bomb, escape probe, exits, ...), hanging ones (an endless loop in one function) and ones left
waiting on ``input()``. Measured in the same run:

- ``grader check`` of the reference as a new process (the median of ``--check-runs``);
- ``grader grade CLASS --workers 2`` wall time, and per submission (wall / 200) beside the
  single check (target ≤ 0.4×; and ≤ 2 minutes in all);
- the rerun with nothing changed (target ≤ 5 s).

``--hostile-share 0.1`` makes a bad week's class instead: that share of the submissions misbehave
in one function each, spread over the modules — endless loops, ``input()``, memory bombs and
output floods, a quarter each — and the rest are correct or buggy as above. Either way the
figures end with where the time went: the reports' student calls, reference calls and grader
time, summed by kind of submission, and the seconds spent in tests that ran out of time.

Usage: ``python benchmarks/bench_class.py [--size 200] [--workers 2] [--hostile-share 0.1]
[--json PATH]``. The load average (``uptime``) is printed and recorded: on a shared machine every
figure is inflated.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from redteam_support import replace_function, with_prelude  # noqa: E402

from grader.course.config import load_course  # noqa: E402
from grader.course.mistakes import load_catalogue  # noqa: E402
from grader.course.variants import build_variant  # noqa: E402

REFERENCE = ROOT / "solutions" / "lec04"
HOSTILE = ["segfault", "memory_bomb", "escape_probe", "sys_exit_at_import", "os_exit_in_function",
           "steal_reference", "spawn_subprocess", "recursion"]


def _attack(name: str) -> tuple[str, str]:
    """(kind, source) of a red-team file: ("relu", code replacing relu) or ("prelude", code)."""
    source = (ROOT / "tests" / "redteam" / f"{name}.py").read_text(encoding="utf-8")
    doc = source.split('"""')[1]
    m = re.match(r"Replaces (\w+)", doc)
    return (m.group(1) if m else "prelude"), source


def _write_reference(dest: Path, modules: list[str], activations: str | None = None) -> None:
    dest.mkdir(parents=True)
    for module in modules:
        text = (REFERENCE / f"{module}.py").read_text(encoding="utf-8")
        if module == "activations" and activations is not None:
            text = activations
        (dest / f"{module}.py").write_text(text, encoding="utf-8")


def _zip_checkout(folder: Path, out: Path, top: str) -> None:
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for path in sorted(folder.iterdir()):
            z.write(path, f"{top}/exercises/lec04/{path.name}")
    shutil.rmtree(folder)


# A bad week: what a misbehaving function does before (if ever) it returns the reference's value.
MISBEHAVIOURS = {
    "hangs": "while True:\n        pass",
    "waits_on_input": "input('continue? ')",
    "memory_bomb": "hog = []\n    while True:\n        hog.append(bytearray(1 << 24))",
    "output_flood": "for _ in range(100_000):\n        print('flood ' * 40)",
}
# Spread over the modules: activations, the delta rule, backprop, optimizers, linear neurons.
BAD_FUNCTIONS = [("activations", "sigmoid"), ("delta_rule", "hidden_delta"),
                 ("optimizers", "adam"), ("linear_neurons", "net_input"), ("backprop", "loss"),
                 ("activations", "tanh"), ("optimizers", "rmsprop"),
                 ("linear_neurons", "train_perceptron")]


def _misbehaving(module: str, function: str, behaviour: str) -> str:
    """The reference module with ``function`` misbehaving first, then answering as the
    reference (so only the misbehaviour costs anything)."""
    source = (REFERENCE / f"{module}.py").read_text(encoding="utf-8")
    wrapper = (f"def {function}(*args, **kwargs):\n    {MISBEHAVIOURS[behaviour]}\n"
               f"    return _replaced_{function}(*args, **kwargs)\n")
    return replace_function(source, function, wrapper)


def generate_bad_week(klass: Path, size: int, share: float, modules: list[str]) \
        -> tuple[dict[str, int], dict[str, str]]:
    """``share`` of ``size`` misbehaving submissions (first), the rest from ``generate``;
    returns the counts of each kind and each misbehaving submission's kind."""
    bad = round(size * share)
    kinds = {b: 0 for b in MISBEHAVIOURS}
    of: dict[str, str] = {}
    for i in range(bad):
        behaviour = list(MISBEHAVIOURS)[i % len(MISBEHAVIOURS)]
        module, function = BAD_FUNCTIONS[(i // len(MISBEHAVIOURS) + i) % len(BAD_FUNCTIONS)]
        folder = klass / f"bad{i + 1:03d}"
        folder.mkdir(parents=True)
        for m in modules:
            text = _misbehaving(m, function, behaviour) if m == module else \
                (REFERENCE / f"{m}.py").read_text(encoding="utf-8")
            (folder / f"{m}.py").write_text(text, encoding="utf-8")
        kinds[behaviour] += 1
        of[folder.name] = f"{behaviour} ({module}.{function})"
    rest = generate(klass, size - bad, hostile=False)
    return {**kinds, **rest}, of


def where_the_time_went(out: Path, bad: dict[str, str]) -> dict[str, dict[str, float]]:
    """The reports' timing summed by kind of submission (a misbehaviour, or "other"), with the
    seconds of tests that ran out of time."""
    sums: dict[str, dict[str, float]] = {}
    for path in sorted((out / "reports").glob("*.json")):
        try:
            report = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if not isinstance(report, dict) or "timing" not in report:
            continue
        kind = next((k.split(" ")[0] for name, k in bad.items() if path.stem.startswith(name)),
                    "other")
        row = sums.setdefault(kind, {"submissions": 0, "duration_s": 0.0, "student_calls_s": 0.0,
                                     "reference_calls_s": 0.0, "grader_s": 0.0,
                                     "timed_out_tests_s": 0.0})
        row["submissions"] += 1
        row["duration_s"] += report.get("duration_s", 0.0)
        for key in ("student_calls_s", "reference_calls_s", "grader_s"):
            row[key] += report["timing"].get(key, 0.0)
        for f in report.get("functions", []):
            for t in f.get("tests", []):
                if f.get("status") == "timeout" and t.get("duration_s", 0) > 0.2:
                    row["timed_out_tests_s"] += t["duration_s"]
    return {k: {n: round(v, 2) for n, v in row.items()} for k, row in sums.items()}


def generate(klass: Path, size: int, hostile: bool = True) -> dict[str, int]:
    """Write ``size`` submissions into ``klass``; return how many of each kind (``hostile``:
    with the red-team attacks, hangs and ``input()``)."""
    course = load_course(ROOT / "course.yaml")
    a = course.assignment("lec04")
    modules = a.modules
    activations = (REFERENCE / "activations.py").read_text(encoding="utf-8")
    mistakes = load_catalogue(REFERENCE / "mistakes", a.functions)
    kinds = {"hostile": min(len(HOSTILE), size // 25), "hanging": max(1, size // 70),
             "input": max(1, size // 70), "buggy": size * 35 // 100}
    if not hostile:
        kinds.update(hostile=0, hanging=0, input=0)
    kinds["correct"] = size - sum(kinds.values())
    n = 0

    def name() -> Path:
        nonlocal n
        n += 1
        return klass / f"student{n:03d}"

    for i in range(kinds["correct"]):
        folder = name()
        _write_reference(folder, modules)
        if i % 4 == 3:  # a quarter hand in a zip of their checkout
            _zip_checkout(folder, folder.with_suffix(".zip"), "lec04-main")
    for i in range(kinds["buggy"]):
        build_variant(REFERENCE, modules, mistakes[i % len(mistakes)], name())
    for attack in HOSTILE[: kinds["hostile"]]:
        kind, source = _attack(attack)
        text = with_prelude(activations, source) if kind == "prelude" else \
            replace_function(activations, kind, source)
        _write_reference(name(), modules, text)
    loop = "def relu(z):\n    while True:\n        pass\n"
    for _ in range(kinds["hanging"]):
        _write_reference(name(), modules, replace_function(activations, "relu", loop))
    waits = "import numpy as np\n\ndef relu(z):\n    input('continue? ')\n    return np.maximum(z, 0)\n"
    for _ in range(kinds["input"]):
        _write_reference(name(), modules, replace_function(activations, "relu", waits))
    return kinds


def _grader(*args: str, timeout: float = 1800) -> tuple[float, subprocess.CompletedProcess[str]]:
    started = time.perf_counter()
    # As a user runs it: bytecode cached (see bench_compare.user_env); the warm-up writes it.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    done = subprocess.run([sys.executable, "-m", "grader", *args], capture_output=True, text=True,
                          timeout=timeout, cwd=ROOT, env=env)
    return time.perf_counter() - started, done


def _load() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--check-runs", type=int, default=3)
    parser.add_argument("--hostile-share", type=float, default=None,
                        help="a bad week: this share misbehaves (hangs, input(), memory, output)")
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--json", type=Path, default=ROOT / "benchmarks" / ".cache" / "bench_class.json")
    args = parser.parse_args()

    work = Path(args.workdir or tempfile.mkdtemp(prefix="bench-class-"))
    klass, out = work / "class", work / "out"
    shutil.rmtree(klass, ignore_errors=True)
    shutil.rmtree(out, ignore_errors=True)
    klass.mkdir(parents=True)
    bad: dict[str, str] = {}
    if args.hostile_share is None:
        kinds = generate(klass, args.size)
    else:
        kinds, bad = generate_bad_week(klass, args.size, args.hostile_share,
                                       load_course(ROOT / "course.yaml").assignment("lec04").modules)
    load_before = _load()
    print(f"class of {args.size}: {kinds} in {klass}")
    print(f"load: {load_before}; cores: {os.cpu_count()}")

    reference = work / "reference"
    shutil.rmtree(reference, ignore_errors=True)
    _write_reference(reference, load_course(ROOT / "course.yaml").assignment("lec04").modules)
    _grader("check", str(reference), "--seed", "1")  # warm-up (disk cache), untimed

    def time_checks() -> list[float]:
        walls = []
        for _ in range(args.check_runs):
            wall, done = _grader("check", str(reference), "--seed", "1", "--format", "json")
            if done.returncode != 0 or json.loads(done.stdout)["score"] != 100:
                sys.exit(f"grader check of the reference failed:\n{done.stderr}")
            walls.append(round(wall, 3))
        return walls

    # Before and after the batch, so that a change of the machine's load falls on both sides.
    checks = time_checks()
    print(f"grader check (reference, new process) before: {checks}")

    batch_args = ["grade", str(klass), "-o", str(out), "--workers", str(args.workers),
                  "--seed", "1"]
    batch, done = _grader(*batch_args)
    if done.returncode not in (0, 1):
        sys.exit(f"grader grade failed ({done.returncode}):\n{done.stderr}")
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    after = time_checks()
    print(f"grader check (reference, new process) after: {after}")
    checks += after
    check = statistics.median(checks)
    per = batch / args.size
    print(f"grader grade: {batch:.1f} s wall for {args.size} ({per:.3f} s each = "
          f"{per / check:.2f}× a single check; targets ≤ 120 s and ≤ 0.4×)")
    print(f"  statuses: {summary['statuses']}, mean {summary['mean']}/{summary['max_score']}")
    went = where_the_time_went(out, bad)
    print("where the time went (seconds summed over the reports, by kind):")
    for kind, row in sorted(went.items()):
        print(f"  {kind:<13} {row}")
    rerun, done2 = _grader(*batch_args)
    print(f"rerun, nothing changed: {rerun:.2f} s (target ≤ 5 s); {done2.stderr.strip().splitlines()[-1]}")
    load_after = _load()
    print(f"load after: {load_after}")
    figures: dict[str, Any] = {
        "size": args.size, "workers": args.workers, "kinds": kinds,
        "check_s": checks, "check_median_s": check, "batch_s": batch,
        "batch_per_submission_s": per, "ratio_to_check": per / check,
        "rerun_s": rerun, "statuses": summary["statuses"], "mean": summary["mean"],
        "hostile_share": args.hostile_share, "where_the_time_went": went,
        "targets": {"batch_s": 120, "ratio_to_check": 0.4, "rerun_s": 5},
        "met": {"batch_s": batch <= 120, "ratio_to_check": per / check <= 0.4,
                "rerun_s": rerun <= 5},
        "load_before": load_before, "load_after": load_after, "cores": os.cpu_count(),
        "python": platform.python_version(), "machine": platform.platform(),
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"figures → {args.json}")
    if args.workdir is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
