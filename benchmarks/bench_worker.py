"""Benchmarks of the worker and of whole gradings; prints medians.

Targets on the 2-core reference machine: worker start <= 150 ms, one small call <= 100 µs of
overhead, the whole `activations` grading <= 1 s. For scale: `nbgrader autograde` 8.45 s and
Otter-Grader's `otter run` 8.50 s for one notebook with four such functions.

    python benchmarks/bench_worker.py [--isolation auto|bwrap|landlock|process] [--repeat N]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import yaml

from grader.course import Limits, load_course
from grader.engine import grade
from grader.proxy import Student, StudentSession
from grader.sandbox import ISOLATIONS

ROOT = Path(__file__).resolve().parent.parent


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
    """The least a call can cost here: 8 bytes there and back through pipes, no work."""
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


def median_ms(samples: list[float]) -> str:
    return f"{statistics.median(samples) * 1e3:.1f} ms (min {min(samples) * 1e3:.1f}, n={len(samples)})"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--isolation", default="auto", choices=ISOLATIONS)
    parser.add_argument("--repeat", type=int, default=15)
    opts = parser.parse_args()
    submission = ROOT / "solutions" / "lec04"

    starts, calls = [], []
    for _ in range(opts.repeat):
        t = time.perf_counter()  # cold: process start, NumPy import, limits, ready message
        session = StudentSession(submission, ["activations"], Limits(), opts.isolation)
        session._ensure_worker("bench")
        starts.append(time.perf_counter() - t)
        f = Student(session).activations.relu
        z = np.zeros(4)
        f(z)
        n = 500
        t = time.perf_counter()
        for _ in range(n):
            f(z)
        calls.append((time.perf_counter() - t) / n)
        isolation, fence = session.used_isolation, session.fence_report
        session.close()
    print(f"isolation: {isolation}" + (f" (Landlock ABI {fence['abi']})" if fence else ""))
    print(f"floor, pipe ping-pong between two Python processes: {pipe_floor_us():.0f} µs")
    print(f"worker start:          {median_ms(starts)}")
    print(f"one small call (relu): {statistics.median(calls) * 1e6:.0f} µs round trip "
          f"(min {min(calls) * 1e6:.0f} µs)")

    with tempfile.TemporaryDirectory() as tmp:
        course = load_course(activations_course(Path(tmp)))
        times = []
        for i in range(max(3, opts.repeat // 3)):
            result = grade(course, "lec04", submission, seed=i, isolation=opts.isolation)
            times.append(result.duration_s)
        print(f"grade() activations (reference): {median_ms(times)}, "
              f"score {result.score:g}/{result.max_score:g}")
        walls = []
        for i in range(5):  # the command as a user runs it: interpreter start and imports too
            t = time.perf_counter()
            subprocess.run([sys.executable, "-m", "grader", "check", str(submission), "--course",
                            str(Path(tmp) / "course.yaml"), "--seed", str(i), "--isolation",
                            opts.isolation], check=True, stdout=subprocess.DEVNULL)
            walls.append(time.perf_counter() - t)
        print(f"`grader check` command, activations (reference): {median_ms(walls)}")
    full = load_course(ROOT)
    times = []
    for i in range(3):
        t = time.perf_counter()
        result = grade(full, "lec04", submission, seed=i, isolation=opts.isolation)
        times.append(time.perf_counter() - t)
    print(f"grade() lec04 (reference, all 5 modules): {median_ms(times)}, "
          f"score {result.score:g}/{result.max_score:g}")


if __name__ == "__main__":
    main()
