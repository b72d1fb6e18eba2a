"""The grader beside nbgrader and Otter-Grader, in one run: medians and spreads, and a JSON of them.

채점기와 nbgrader, Otter-Grader를 한 번의 실행에서 같은 `activations` 일로 비교한다. 사용자가
실행하는 그대로(매번 새 프로세스) 시간을 재고, 중앙값과 범위(최솟값·최댓값, 사분위 범위)를 출력한다.
Compares the grader with nbgrader and Otter-Grader on the same `activations` work in one run,
timing each command as a user runs it (a new process each time), and prints medians with their
spread (min/max and the interquartile range).

    python benchmarks/bench_compare.py [--repeat N] [--skip-tools] [--workdir DIR] [--json PATH]

The first run builds one virtual environment per tool under the work folder (default
benchmarks/.cache/, pinned versions, a few minutes); later runs reuse them. Every grading is
checked for full marks before its time counts.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

# The grader's internals used here, in one place: the worker/proxy modules may be renamed.
import grader
from grader.boundary.proxy import Student, StudentSession
from grader.boundary.sandbox import resolve_isolation
from grader.course.config import Limits

sys.path.insert(0, str(Path(__file__).resolve().parent))
import notebook_assignments as na
import rivals
from bench_worker import LAYERS, activations_course, backward_samples, pipe_floor_us

ROOT = Path(__file__).resolve().parent.parent
SUBMISSION = ROOT / "solutions" / "lec04"

# Runs `grader` as `python -m grader` does, and at exit writes the trusted process's own peak RSS
# and the peak of every process below it (the worker, inside bwrap or not), sampled from /proc
# every 5 ms: a killed worker's usage never reaches getrusage(RUSAGE_CHILDREN) through bwrap.
_MEASURED_GRADER = r"""
import atexit, json, os, resource, runpy, sys, threading, time

peaks = {}

def _descendants(pid):
    out = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as f:
                out += [int(c) for c in f.read().split()]
    except OSError:
        pass
    return out + [d for c in out for d in _descendants(c)]

def _hwm_kb(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0

def _sample():
    while True:
        for pid in _descendants(os.getpid()):
            peaks[pid] = max(peaks.get(pid, 0), _hwm_kb(pid))
        time.sleep(0.005)

def _report():
    with open(os.environ["BENCH_RUSAGE"], "w") as f:
        json.dump({"self_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                   "children_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
                   "descendants_kb": max(peaks.values(), default=0)}, f)

atexit.register(_report)
threading.Thread(target=_sample, daemon=True).start()
sys.argv[0] = "grader"
runpy.run_module("grader", run_name="__main__", alter_sys=True)
"""


# Runs `grader check` as `python -m grader` does, with marks at the edges of its phases (the
# grading started, pytest started, collection, the test loop, pytest done) and the time inside
# student calls (worker round trips and their limits) and reference calls; written at exit for
# ``overhead_breakdown``. Wrapping costs a few ms: these runs are not the timed ones.
_PHASED_GRADER = r"""
import atexit, functools, json, os, runpy, sys, time

marks, spent = {}, {}

def mark(name):
    marks.setdefault(name, time.time())

def around(owner, name, before, after=None, total=None):
    original = getattr(owner, name)

    @functools.wraps(original)
    def wrapped(*args, **kwargs):
        start = time.perf_counter()
        if before:
            mark(before)
        try:
            return original(*args, **kwargs)
        finally:
            if after:
                marks[after] = time.time()
            if total:
                spent[total] = spent.get(total, 0.0) + time.perf_counter() - start

    setattr(owner, name, wrapped)

from grader.grading import engine, time_limits

around(engine, "grade", "grade", "grade_end")
_run_pytest = engine._run_pytest

def _marked_run_pytest(*args, **kwargs):
    # pytest is imported by the grading itself (after the worker started): marked from here.
    import _pytest.main
    if not hasattr(_pytest.main.pytest_collection, "__wrapped__"):
        around(_pytest.main, "pytest_collection", "collection", "collection_end")
        around(_pytest.main, "pytest_runtestloop", "loop", "loop_end")
    return _run_pytest(*args, **kwargs)

engine._run_pytest = _marked_run_pytest
around(engine, "_run_pytest", "pytest", "pytest_end")

def _limits_own_time(original):
    # A limit's own cost: its time less the reference's timing runs (reference time already).
    @functools.wraps(original)
    def limit(self, *args, **kwargs):
        run = getattr(self._find, "__self__", None)
        watch = getattr(getattr(run, "reference", None), "stopwatch", None)
        before, start = (watch.seconds if watch else 0.0), time.perf_counter()
        try:
            return original(self, *args, **kwargs)
        finally:
            inside = (watch.seconds - before) if watch else 0.0
            spent["limits_s"] = spent.get("limits_s", 0.0) + time.perf_counter() - start - inside
    return limit

time_limits.CallLimits.limit = _limits_own_time(time_limits.CallLimits.limit)

@atexit.register
def _report():
    with open(os.environ["BENCH_PHASES"], "w") as f:
        json.dump({"marks": marks, "spent": spent, "exit_hook": time.time()}, f)

sys.argv[0] = "grader"
runpy.run_module("grader", run_name="__main__", alter_sys=True)
"""

# The phases of the overhead, in order: (key, label).
PHASES = [
    ("start_up_s", "start-up: interpreter, imports, CLI, course"),
    ("set_up_s", "set-up: staging, worker start, pytest import"),
    ("pytest_s", "pytest's own start and finish"),
    ("collection_s", "collection of the suites"),
    ("tests_s", "the tests, less student and reference calls"),
    ("of_which_limits_s", "  per-call limits (mostly behind the call)"),
    ("after_s", "scores, report, clean-up and exit"),
]


# --- statistics ---------------------------------------------------------------------------------

def spread(samples: Sequence[float]) -> dict[str, Any]:
    """Median, min, max and the quartiles of ``samples`` (all of them kept for the JSON)."""
    xs = sorted(samples)
    q1, q3 = (statistics.quantiles(xs, n=4, method="inclusive")[::2] if len(xs) > 1
              else (xs[0], xs[0]))
    return {"median": statistics.median(xs), "min": xs[0], "max": xs[-1], "q1": q1, "q3": q3,
            "n": len(xs), "samples": list(samples)}


def fmt(stats: dict[str, Any], unit: str = "s") -> str:
    scale = {"s": 1.0, "ms": 1e3, "µs": 1e6}[unit]
    m, lo, hi = (stats[k] * scale for k in ("median", "min", "max"))
    q1, q3 = stats["q1"] * scale, stats["q3"] * scale
    digits = 3 if unit == "s" else 1
    return (f"{m:.{digits}f} {unit}  (min {lo:.{digits}f}, max {hi:.{digits}f}, "
            f"IQR {q1:.{digits}f}–{q3:.{digits}f}, n={stats['n']})")


def log(message: str) -> None:
    print(message, flush=True)


# --- the grader as a command --------------------------------------------------------------------

def grader_command(*args: str | Path) -> list[str]:
    return [sys.executable, "-m", "grader", *(str(a) for a in args)]


def user_env(**extra: str) -> dict[str, str]:
    """The environment of the timed grader commands: as a user's, whose installation has its
    bytecode cached (pip compiles it; a first run writes the rest). PYTHONDONTWRITEBYTECODE,
    set in some CI and sandboxed shells, would make every run compile grader's modules again
    (~0.1 s); the warm-up run writes the caches."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return env | extra


def grader_check(course_yaml: Path, isolation: str, work: Path, label: str) -> rivals.Prepared:
    """``grader check`` of the reference as a user runs it; its JSON report gives the score and
    the time grading took inside the process (``duration_s``)."""
    report = work / f"report-{label}.json"

    def score(run: rivals.Timed) -> tuple[float, float, dict[str, float]]:
        data = json.loads(report.read_text(encoding="utf-8"))
        figures = {"grading_in_process_s": float(data["duration_s"])}
        timing = data.get("timing") or {}
        if timing:  # the report's breakdown; the overhead is everything else of the wall time
            student, ref = float(timing["student_calls_s"]), float(timing["reference_calls_s"])
            figures |= {"student_calls_s": student, "reference_calls_s": ref,
                        "grader_overhead_s": run.wall_s - student - ref}
        return float(data["score"]), float(data["max_score"]), figures

    command = grader_command("check", SUBMISSION, "--course", course_yaml, "--seed", "0",
                             "--isolation", isolation, "--format", "json", "--output", report)
    return rivals.Prepared("grader check", grader.__version__, command, ROOT, user_env(), score)


def time_round_robin(contestants: dict[str, rivals.Prepared], repeat: int,
                     warmup: int) -> dict[str, dict[str, Any]]:
    """Each command, cold, ``repeat`` times, taking turns (A, B, C, A, B, C, ...) so that a
    change in the machine's load falls on all of them alike; ``warmup`` rounds first, checked
    but not timed. Every run must give full marks."""
    walls: dict[str, list[float]] = {name: [] for name in contestants}
    rss: dict[str, list[float]] = {name: [] for name in contestants}
    extra: dict[str, dict[str, list[float]]] = {name: {} for name in contestants}
    scores: dict[str, tuple[float, float]] = {}
    for i in range(-warmup, repeat):
        for name, c in contestants.items():
            run = rivals.run_timed(c.command, c.cwd, c.env)
            if run.returncode != 0:
                raise RuntimeError(f"{c.tool} failed (exit {run.returncode}):\n{run.output[-4000:]}")
            got, total, figures = c.score(run)
            if got != total or total <= 0:
                raise RuntimeError(f"{c.tool} gave the reference {got:g}/{total:g}, not full marks:\n"
                                   f"{run.output[-4000:]}")
            scores[name] = (got, total)
            if len(contestants) > 1:  # progress of the long comparison
                log(f"  {c.tool} {'warm-up' if i < 0 else f'#{i + 1}'}: {run.wall_s:.2f} s, "
                    f"{got:g}/{total:g}")
            if i >= 0:
                walls[name].append(run.wall_s)
                rss[name].append(run.max_rss_mb)
                for key, value in figures.items():
                    extra[name].setdefault(key, []).append(value)
    return {name: {"tool": c.tool, "version": c.version, "command": " ".join(map(str, c.command)),
                   "wall_s": spread(walls[name]), "score": scores[name][0],
                   "max_score": scores[name][1], "largest_process_rss_mb": max(rss[name]),
                   **{key: spread(values) for key, values in extra[name].items()}}
            for name, c in contestants.items()}


def grader_memory(course_yaml: Path, isolation: str, work: Path) -> dict[str, float]:
    """Peak RSS of the trusted `grader check` process and of the processes below it (the
    worker), from one extra run that samples them (not one of the timed runs)."""
    out = work / "rusage.json"
    env = user_env(BENCH_RUSAGE=str(out))
    subprocess.run([sys.executable, "-c", _MEASURED_GRADER, "check", str(SUBMISSION), "--course",
                    str(course_yaml), "--isolation", isolation, "--format", "json", "--output",
                    str(work / "memory-report.json")], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL)
    data = json.loads(out.read_text())
    return {"trusted_peak_mb": data["self_kb"] / 1024,
            "worker_peak_mb": max(data["descendants_kb"], data["children_kb"]) / 1024}


def overhead_breakdown(course_yaml: Path, isolation: str, work: Path, repeat: int) \
        -> dict[str, Any]:
    """Where the grader's own overhead (wall − student calls − reference calls) goes, from
    ``repeat`` extra runs with marks at its phases (``_PHASED_GRADER``); each phase's median.
    The phases add up to the overhead of those runs."""
    phases: dict[str, list[float]] = {key: [] for key, _ in PHASES}
    overheads, walls = [], []
    for _ in range(repeat):
        out, report = work / "phases.json", work / "phases-report.json"
        env = user_env(BENCH_PHASES=str(out))
        start = time.time()
        subprocess.run([sys.executable, "-c", _PHASED_GRADER, "check", str(SUBMISSION),
                        "--course", str(course_yaml), "--seed", "0", "--isolation", isolation,
                        "--format", "json", "--output", str(report)],
                       cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
        end = time.time()
        data, timing = json.loads(out.read_text()), json.loads(report.read_text())["timing"]
        m, spent = data["marks"], data["spent"]
        student, reference = timing["student_calls_s"], timing["reference_calls_s"]
        loop = m["loop_end"] - m["loop"]
        phases["start_up_s"].append(m["grade"] - start)
        phases["set_up_s"].append(m["pytest"] - m["grade"])
        phases["pytest_s"].append((m["collection"] - m["pytest"]) + (m["loop"] - m["collection_end"])
                                  + (m["pytest_end"] - m["loop_end"]))
        phases["collection_s"].append(m["collection_end"] - m["collection"])
        phases["tests_s"].append(loop - student - reference)
        phases["of_which_limits_s"].append(spent.get("limits_s", 0.0))
        phases["after_s"].append(end - m["pytest_end"])
        walls.append(end - start)
        overheads.append(end - start - student - reference)
    return {"wall_s": spread(walls), "overhead_s": spread(overheads),
            **{key: spread(values) for key, values in phases.items()}}


def stand_in_case(course_yaml: Path, isolation: str, work: Path) -> rivals.Prepared:
    """``grader check`` of the lec04 reference whose ``backward`` calls the student's own
    ``sigmoid_derivative``, written wrong (the catalogued mistake): the tests of ``backward``,
    ``train_step``, ``train_xor`` and ``layer_gradient_norms`` fail and are rerun with stand-ins
    (``train_xor``'s 5000 epochs: one stand-in round trip each). Full marks but the derivative's
    3 points is the check."""
    sys.path.insert(0, str(ROOT / "tests"))
    from test_standins import _lec04_submission

    submission = _lec04_submission(work / "stand-in-submission", wrong_sigmoid_derivative=True)
    report = work / "report-stand-in.json"

    def score(run: rivals.Timed) -> tuple[float, float, dict[str, float]]:
        data = json.loads(report.read_text(encoding="utf-8"))
        lost = {f["name"]: f["max_score"] - f["score"] for f in data["functions"]
                if f["score"] < f["max_score"]}
        if lost != {"activations.sigmoid_derivative": 3.0}:
            raise RuntimeError(f"the stand-in case lost {lost}, not sigmoid_derivative's 3 points")
        # Given as full marks of what it should get, so the round robin's check applies.
        return float(data["max_score"]), float(data["max_score"]), \
            {"grading_in_process_s": float(data["duration_s"])}

    command = grader_command("check", submission, "--course", course_yaml, "--seed", "11",
                             "--isolation", isolation, "--format", "json", "--output", report)
    return rivals.Prepared("grader check", grader.__version__, command, ROOT, user_env(), score)


# What any grading needs before its first test: the interpreter and the libraries it grades with.
IMPORT_FLOOR = "import numpy, pytest, click, yaml"


def time_import_floor(repeat: int, warmup: int = 1) -> dict[str, Any]:
    """``python -c "import numpy, pytest, click, yaml"``: the part of a cold check no grader
    code can cut (pytest alone imports pygments and importlib.metadata)."""
    walls = []
    for i in range(-warmup, repeat):
        run = rivals.run_timed([sys.executable, "-c", IMPORT_FLOOR], ROOT, user_env())
        if run.returncode != 0:
            raise RuntimeError(f"the import floor failed:\n{run.output}")
        if i >= 0:
            walls.append(run.wall_s)
    return {"wall_s": spread(walls)}


def time_help(repeat: int, warmup: int = 1) -> dict[str, Any]:
    walls = []
    for i in range(-warmup, repeat):
        run = rivals.run_timed(grader_command("--help"), ROOT, user_env())
        if run.returncode != 0 or "check" not in run.output:
            raise RuntimeError(f"grader --help failed:\n{run.output}")
        if i >= 0:
            walls.append(run.wall_s)
    return {"wall_s": spread(walls)}


# --- the worker, in process ---------------------------------------------------------------------

def worker_figures(repeat: int, isolation: str) -> dict[str, Any]:
    """Worker start (a new session until its first reply), one small call's round trip, the
    pipe floor, and the suites' finite-difference check of ``backward`` on ~1,000 parameters."""
    starts, trips = [], []
    z = np.zeros(4)
    for _ in range(repeat):
        t = time.perf_counter()
        session = StudentSession(SUBMISSION, ["activations"], Limits(), isolation)
        relu = Student(session).activations.relu
        relu(z)
        starts.append(time.perf_counter() - t)
        n = 500
        t = time.perf_counter()
        for _ in range(n):
            relu(z)
        trips.append((time.perf_counter() - t) / n)
        used = session.used_isolation
        session.close()
    floors = [pipe_floor_us() * 1e-6 for _ in range(max(3, repeat))]
    return {"isolation": used, "worker_start_s": spread(starts), "call_round_trip_s": spread(trips),
            "pipe_floor_s": spread(floors), "backward_fd_check_s": backward_check(repeat, isolation)}


def backward_check(repeat: int, isolation: str) -> dict[str, Any]:
    """As the hidden suite checks ``backward`` (``bench_worker.backward_samples``): split into
    the worker call and the differences; beside it, the same check differencing the student's
    own ``forward`` in one batched worker call (2,030 points in one message)."""
    samples = backward_samples(repeat, isolation)
    return {"parameters": int(samples["parameters"][0]), "layers": LAYERS,
            **spread(samples["whole"]), "backward_call_s": spread(samples["call"]),
            "finite_differences_s": spread(samples["diffs"]),
            "student_forward_batched_s": spread(samples["via_student"])}


# --- the other tools ----------------------------------------------------------------------------

TOOL_ERRORS: dict[str, str] = {}


def prepare_tools(work: Path) -> dict[str, rivals.Prepared]:
    """Each tool's virtual environment (built on first use) and its assignment, ready to grade."""
    items = na.exercises()
    packages = rivals.tool_packages()
    preparers: dict[str, Callable[[Path, Path, list[na.Exercise]], rivals.Prepared]] = {
        "nbgrader": rivals.prepare_nbgrader, "otter": rivals.prepare_otter}
    prepared = {}
    for tool, prepare in preparers.items():
        log(f"{tool}: virtual environment and assignment ...")
        try:
            bin_dir = rivals.ensure_venv(work / "venvs" / tool, packages[tool], log)
            prepared[tool] = prepare(bin_dir, work, items)
        except (OSError, subprocess.CalledProcessError, RuntimeError) as exc:
            # One tool that cannot be installed or built must not cost the other figures.
            TOOL_ERRORS[tool] = str(exc)
            log(f"  {tool} left out: {str(exc)[-2000:]}")
    return prepared


# --- report -------------------------------------------------------------------------------------

def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs of each figure (default 5)")
    parser.add_argument("--warmup", type=int, default=1,
                        help="untimed (but checked) runs of each command first: the first run after "
                             "a venv is built compiles its bytecode (default 1)")
    parser.add_argument("--skip-tools", action="store_true", help="only the grader's own figures")
    parser.add_argument("--workdir", type=Path, default=ROOT / "benchmarks" / ".cache",
                        help="where the tools' venvs and assignments live (default benchmarks/.cache)")
    parser.add_argument("--isolation", default="auto", choices=["auto", "bwrap", "process"])
    parser.add_argument("--json", type=Path, default=None, help="write every figure here")
    opts = parser.parse_args(argv)
    if opts.repeat < 1 or opts.warmup < 0:
        parser.error("--repeat must be at least 1, --warmup at least 0")
    work = opts.workdir.resolve()
    work.mkdir(parents=True, exist_ok=True)
    isolation = resolve_isolation(opts.isolation)

    out: dict[str, Any] = {
        "machine": {"python": platform.python_version(), "platform": platform.platform(),
                    "cpus": os.cpu_count(), "numpy": np.__version__, "grader": grader.__version__,
                    "isolation": isolation},
        "repeat": opts.repeat,
        "warmup": opts.warmup,
    }
    log(f"grader {grader.__version__}, Python {platform.python_version()}, NumPy {np.__version__}, "
        f"{os.cpu_count()} CPUs, isolation {isolation}, {opts.repeat} runs each")
    tools = {} if opts.skip_tools else prepare_tools(work)
    log("grader --help ...")
    out["grader_help"] = time_help(opts.repeat, opts.warmup)
    log("import floor ...")
    out["import_floor"] = time_import_floor(opts.repeat, opts.warmup)
    with tempfile.TemporaryDirectory() as tmp:
        scratch = Path(tmp)
        log("grader check, lec04 reference (all modules, hidden suites) ...")
        lec04 = grader_check(ROOT / "course.yaml", isolation, scratch, "lec04")
        out["grader_check_lec04"] = time_round_robin({"grader": lec04}, opts.repeat, opts.warmup)["grader"]
        out["grader_check_lec04"]["memory"] = grader_memory(ROOT / "course.yaml", isolation, scratch)
        log("grader check, lec04: where the overhead goes (runs with phase marks) ...")
        out["grader_check_lec04"]["overhead_breakdown"] = overhead_breakdown(
            ROOT / "course.yaml", isolation, scratch, opts.repeat)
        log("grader check, lec04 with a wrong sigmoid_derivative called by backward (stand-ins) ...")
        worst = stand_in_case(ROOT / "course.yaml", isolation, scratch)
        out["grader_check_stand_ins"] = time_round_robin({"grader": worst}, opts.repeat,
                                                         opts.warmup)["grader"]
        (scratch / "course").mkdir()
        small = activations_course(scratch / "course")
        log("activations: " + ", ".join(["grader check"] + [c.tool for c in tools.values()])
            + (", taking turns ..." if tools else " ..."))
        timed = time_round_robin({"grader": grader_check(small, isolation, scratch, "activations"),
                                  **tools}, opts.repeat, opts.warmup)
        out["grader_check_activations"] = timed.pop("grader")
        out["grader_check_activations"]["memory"] = grader_memory(small, isolation, scratch)
    if TOOL_ERRORS:
        out["tool_errors"] = TOOL_ERRORS
    if tools:
        out["tools"] = timed
        ours = out["grader_check_activations"]["wall_s"]
        # The ratio of the medians, and the median of each round's own ratio (the same load).
        out["ratios"] = {f"{tool} / grader": {
            "of_medians": fig["wall_s"]["median"] / ours["median"],
            "paired_median": statistics.median(
                t / g for t, g in zip(fig["wall_s"]["samples"], ours["samples"], strict=True))}
            for tool, fig in timed.items()}
    log("worker: start, round trip, backward finite differences ...")
    out["worker"] = worker_figures(opts.repeat, isolation)

    print_report(out)
    if opts.json is not None:
        opts.json.write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        log(f"figures → {opts.json}")
    return out


def print_report(out: dict[str, Any]) -> None:
    lec04, act, w = out["grader_check_lec04"], out["grader_check_activations"], out["worker"]
    print()
    print(f"== medians of {out['repeat']} runs (isolation {out['machine']['isolation']}) ==")
    print(f"grader --help                         {fmt(out['grader_help']['wall_s'])}")
    if "import_floor" in out:
        print(f"import floor: python -c '{IMPORT_FLOOR}'\n"
              f"                                      {fmt(out['import_floor']['wall_s'])}")
    print(f"grader check lec04 reference          {fmt(lec04['wall_s'])}  "
          f"score {lec04['score']:g}/{lec04['max_score']:g}")
    print(f"  of which grading (report duration)  {fmt(lec04['grading_in_process_s'])}")
    if "student_calls_s" in lec04:
        print(f"  in student calls (worker trips)     {fmt(lec04['student_calls_s'])}")
        print(f"  in reference calls (trusted)        {fmt(lec04['reference_calls_s'])}")
        print(f"  grader's own overhead (wall − both) {fmt(lec04['grader_overhead_s'])}")
    if "overhead_breakdown" in lec04:
        parts = lec04["overhead_breakdown"]
        print(f"  where it goes (medians of {parts['overhead_s']['n']} more runs with phase marks, "
              f"overhead {parts['overhead_s']['median']:.3f} s there):")
        for key, label in PHASES:
            print(f"    {label:<48}{parts[key]['median']:.3f} s")
    print(f"  peak RSS: trusted {lec04['memory']['trusted_peak_mb']:.0f} MB, "
          f"worker {lec04['memory']['worker_peak_mb']:.0f} MB")
    if "grader_check_stand_ins" in out:
        worst = out["grader_check_stand_ins"]
        print(f"grader check, stand-in reruns         {fmt(worst['wall_s'])}  "
              "(backward calls a wrong sigmoid_derivative: loses its 3 points only)")
    print(f"grader check activations              {fmt(act['wall_s'])}  "
          f"score {act['score']:g}/{act['max_score']:g}")
    print(f"  peak RSS: trusted {act['memory']['trusted_peak_mb']:.0f} MB, "
          f"worker {act['memory']['worker_peak_mb']:.0f} MB")
    for fig in out.get("tools", {}).values():
        label = f"{fig['tool']} {fig['version']} activations"
        print(f"{label:<38}{fmt(fig['wall_s'])}  score {fig['score']:g}/{fig['max_score']:g}")
    for tool, error in out.get("tool_errors", {}).items():
        print(f"{tool}: NOT MEASURED: {error.splitlines()[0] if error else ''}")
    for name, ratio in out.get("ratios", {}).items():
        print(f"ratio {name:<30}  {ratio['of_medians']:.1f}× of the medians, "
              f"{ratio['paired_median']:.1f}× median of the rounds' own ratios")
    print(f"worker start (to first reply)         {fmt(w['worker_start_s'], 'ms')}")
    print(f"one call round trip (relu, 4 floats)  {fmt(w['call_round_trip_s'], 'µs')}")
    print(f"pipe floor (ping-pong, 8 bytes)       {fmt(w['pipe_floor_s'], 'µs')}")
    b = w["backward_fd_check_s"]
    label = f"backward FD check, {b['parameters']} parameters"
    print(f"{label:<38}{fmt(b, 'ms')}")
    print(f"  of which the backward call          {fmt(b['backward_call_s'], 'ms')}")
    print(f"  of which the differences (trusted)  {fmt(b['finite_differences_s'], 'ms')}")
    print(f"  differencing the student's forward  {fmt(b['student_forward_batched_s'], 'ms')}")
    print("    (2,030 points in one batched worker call, beside the suite's way)")


if __name__ == "__main__":
    main()
