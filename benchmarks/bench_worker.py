"""Benchmarks of the worker: one call's round trip beside the pipe floor, worker start, the
backward finite-difference check, and whole gradings; prints medians (and the spread).

작업자 벤치마크: 호출 한 번의 왕복 시간(파이프 바닥값과 나란히), 작업자 시작, backward 유한 차분
검사, 채점 전체. 반복한 값의 중앙값과 범위를 출력한다.

Targets on the 2-core reference machine: one small call <= 100 µs round trip, the backward
finite-difference check (3 layers, ~1,000 parameters) <= 50 ms. The load average is printed:
on a shared machine compare medians of runs made under the same load.

    python benchmarks/bench_worker.py [--isolation auto|bwrap|landlock|process] [--repeat N]
                                      [--quick]   # the worker figures only, no gradings
"""

from __future__ import annotations

import argparse
import importlib.util
import itertools
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import yaml

from grader.boundary.proxy import Student, StudentSession
from grader.boundary.sandbox import ISOLATIONS
from grader.course.config import Limits, load_course
from grader.grading import gradcheck
from grader.grading.engine import grade

ROOT = Path(__file__).resolve().parent.parent
SUBMISSION = ROOT / "solutions" / "lec04"
# A 3-layer network of about 1,000 parameters: 20·30+30 + 30·12+12 + 12·1+1 = 1,015.
LAYERS = [20, 30, 12, 1]


def activations_course(dest: Path) -> Path:
    """A copy of the course reduced to the `activations` exercise."""
    data = yaml.safe_load((ROOT / "course.yaml").read_text(encoding="utf-8"))
    exercises = data["assignments"]["lec04"]["exercises"]
    data["assignments"]["lec04"]["exercises"] = {"activations": exercises["activations"]}
    if "total" in data["assignments"]["lec04"]:  # the points of what is left must add up to it
        data["assignments"]["lec04"]["total"] = sum(exercises["activations"].values())
    (dest / "course.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    for side in ("exercises", "solutions"):
        (dest / side / "lec04" / "tests").mkdir(parents=True)
        src = ROOT / side / "lec04" / "tests" / "test_activations.py"
        if src.exists():
            shutil.copy(src, dest / side / "lec04" / "tests")
    shutil.copy(ROOT / "solutions" / "lec04" / "activations.py", dest / "solutions" / "lec04")
    return dest / "course.yaml"


def pipe_floor_us(n: int = 3000) -> float:
    """The least a call can cost here: 8 bytes there and back through pipes, no work, both
    sides sleeping in a blocking read (as a worker without the grader's short spin would)."""
    echo = "import os\nwhile b := os.read(0, 8):\n    os.write(1, b)\n"
    child = subprocess.Popen([sys.executable, "-c", echo], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE)
    assert child.stdin is not None and child.stdout is not None
    w, r = child.stdin.fileno(), child.stdout.fileno()
    t = time.perf_counter()
    for _ in range(n):
        os.write(w, b"x" * 8)
        os.read(r, 8)
    floor = (time.perf_counter() - t) / n * 1e6
    child.stdin.close()
    child.wait()
    return floor


def fmt(samples: Sequence[float], scale: float, unit: str) -> str:
    values = [s * scale for s in samples]
    return (f"{statistics.median(values):.1f} {unit} (min {min(values):.1f}, max "
            f"{max(values):.1f}, n={len(values)})")


def _load_reference(module: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"_bench_reference_{module}",
                                                  SUBMISSION / f"{module}.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def worker_start_and_round_trip(repeat: int, isolation: str) -> dict[str, Any]:
    """Worker start (cold: a new session until its first reply: process start, NumPy, limits,
    fence, the import of the module, one call) and one small call's round trip (relu of 4
    floats: the proxy, the wire both ways, the worker's call bookkeeping)."""
    starts, trips = [], []
    z = np.zeros(4)
    isolation_used, fence = "", {}
    for _ in range(repeat):
        t = time.perf_counter()
        session = StudentSession(SUBMISSION, ["activations"], Limits(), isolation)
        relu = Student(session).activations.relu
        relu(z)
        starts.append(time.perf_counter() - t)
        n = 1000
        t = time.perf_counter()
        for _ in range(n):
            relu(z)
        trips.append((time.perf_counter() - t) / n)
        isolation_used, fence = session.used_isolation, session.fence_report
        session.close()
    return {"isolation": isolation_used, "fence": fence, "starts": starts, "trips": trips}


def backward_samples(repeat: int, isolation: str) -> dict[str, list[float]]:
    """As the hidden suite checks ``backward``: the student's gradients (one worker call)
    against central differences of the reference's loss over every parameter (all 2·1,015
    points in one reference forward pass over stacked parameters), then ``assert_gradient``.
    Beside it: the same differences taken on the student's own ``forward`` in one batched
    worker call (2,030 parameter sets in one message, results in one reply)."""
    ref = _load_reference("backprop")
    rng = np.random.default_rng(3)
    params = ref.init_params(LAYERS, seed=3)
    X = rng.uniform(-2.0, 2.0, size=(8, LAYERS[0]))
    y = rng.uniform(0.0, 1.0, size=(8, LAYERS[-1]))
    keys = list(params)
    sizes = [params[k].size for k in keys]
    theta0 = np.concatenate([params[k].ravel() for k in keys])

    def unflatten(theta: np.ndarray) -> dict[str, np.ndarray]:
        parts = np.split(theta, np.cumsum(sizes)[:-1])
        return {k: p.reshape(params[k].shape) for k, p in zip(keys, parts, strict=True)}

    def reference_losses(thetas: Sequence[np.ndarray]) -> list[float]:
        count = len(thetas)
        parts = np.split(np.stack(thetas), np.cumsum(sizes)[:-1], axis=1)
        stacked = {k: p.reshape((count, *params[k].shape) if params[k].ndim == 2
                                else (count, 1, *params[k].shape))
                   for k, p in zip(keys, parts, strict=True)}
        return list(0.5 * ((ref.forward(stacked, X)[0] - y) ** 2).sum(axis=(1, 2)))

    session = StudentSession(SUBMISSION, ["backprop"], Limits(), isolation)
    try:
        student = Student(session).backprop

        def student_losses(thetas: Sequence[np.ndarray]) -> list[float]:
            outs = student.forward.batch([(unflatten(t), X) for t in thetas])
            return [ref.loss(out[0], y) for out in outs]

        _, cache = ref.forward(params, X)
        student.backward(params, cache, y)  # the worker is up and the module imported
        whole, calls, diffs, via_student = [], [], [], []
        for _ in range(repeat):
            t0 = time.perf_counter()
            grads = student.backward(params, cache, y)
            t1 = time.perf_counter()
            numeric = unflatten(gradcheck.central_difference(reference_losses, theta0))
            t2 = time.perf_counter()
            for k in keys:
                gradcheck.assert_gradient(grads[k], numeric[k], name=f"dE/d{k}")
            t3 = time.perf_counter()
            whole.append(t3 - t0)
            calls.append(t1 - t0)
            diffs.append(t2 - t1)
            numeric = unflatten(gradcheck.central_difference(student_losses, theta0))
            for k in keys:
                gradcheck.assert_gradient(grads[k], numeric[k], name=f"dE/d{k}")
            via_student.append(time.perf_counter() - t3)
    finally:
        session.close()
    return {"whole": whole, "call": calls, "diffs": diffs, "via_student": via_student,
            "parameters": [float(theta0.size)]}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--isolation", default="auto", choices=ISOLATIONS)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--quick", action="store_true", help="the worker figures only")
    opts = parser.parse_args()
    load = os.getloadavg() if hasattr(os, "getloadavg") else (0.0, 0.0, 0.0)
    print(f"load average: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} "
          f"({os.cpu_count()} CPUs); spin {os.environ.get('GRADER_SPIN_US', 'default')}")

    w = worker_start_and_round_trip(opts.repeat, opts.isolation)
    floors = [pipe_floor_us() * 1e-6 for _ in range(max(3, opts.repeat // 3))]
    fence = w["fence"]
    print(f"isolation: {w['isolation']}" + (f" (Landlock ABI {fence['abi']})" if fence else ""))
    print(f"one small call (relu):  {fmt(w['trips'], 1e6, 'µs')} round trip")
    print(f"pipe floor (ping-pong): {fmt(floors, 1e6, 'µs')}")
    print(f"worker start (cold):    {fmt(w['starts'], 1e3, 'ms')}")
    b = backward_samples(max(3, opts.repeat // 3), opts.isolation)
    parameters = sum(n_in * n_out + n_out for n_in, n_out in itertools.pairwise(LAYERS))
    print(f"backward FD check, {parameters} parameters: "
          f"{fmt(b['whole'], 1e3, 'ms')}")
    print(f"  of which the backward call: {fmt(b['call'], 1e3, 'ms')}")
    print(f"  same differences on the student's forward, one batched call: "
          f"{fmt(b['via_student'], 1e3, 'ms')}")
    if opts.quick:
        return

    with tempfile.TemporaryDirectory() as tmp:
        course = load_course(activations_course(Path(tmp)))
        times = []
        for i in range(max(3, opts.repeat // 3)):
            result = grade(course, "lec04", SUBMISSION, seed=i, isolation=opts.isolation)
            times.append(result.duration_s)
        print(f"grade() activations (reference): {fmt(times, 1e3, 'ms')}, "
              f"score {result.score:g}/{result.max_score:g}")
    full = load_course(ROOT)
    times = []
    for i in range(3):
        t = time.perf_counter()
        result = grade(full, "lec04", SUBMISSION, seed=i, isolation=opts.isolation)
        times.append(time.perf_counter() - t)
    print(f"grade() lec04 (reference, all modules): {fmt(times, 1e3, 'ms')}, "
          f"score {result.score:g}/{result.max_score:g}")
    walls = []
    for i in range(5):  # the command as a user runs it: interpreter start and imports too
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "grader", "check", str(SUBMISSION), "--course",
                        str(ROOT / "course.yaml"), "--seed", str(i), "--isolation",
                        opts.isolation], check=True, stdout=subprocess.DEVNULL)
        walls.append(time.perf_counter() - t)
    print(f"`grader check` command, lec04 (reference): {fmt(walls, 1, 's')}")


if __name__ == "__main__":
    main()
