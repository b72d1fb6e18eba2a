"""Nothing of a run outlives it: temporary folders and workers, killed runs included."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from grader import scratch

LOOPING = "def add(a, b):\n    while True:\n        pass\n\ndef scale(x, k=2.0):\n    return k * x\n"


def test_sweep_removes_only_folders_of_dead_runs():
    root = Path(tempfile.gettempdir())
    dead = root / "grader-999999999-suites-test"
    dead.mkdir(exist_ok=True)
    mine = scratch.make_dir("test")
    try:
        removed = scratch.sweep_stale()
        assert dead in removed and not dead.exists()
        assert mine.exists()
    finally:
        mine.rmdir()


def _workers_of(pid: int) -> list[int]:
    """Processes whose command line shows a grader worker started by `pid`'s run."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmd = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if b"grader.worker" in cmd and str(pid).encode() in cmd:
            found.append(int(entry.name))
    return found


@pytest.mark.slow
@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc")
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_a_killed_run_leaves_no_worker_no_half_report_and_the_next_run_sweeps(tiny_course, tmp_path,
                                                                            sig):
    (tiny_course / "course.yaml").write_text(
        (tiny_course / "course.yaml").read_text().replace("call_timeout_s: 3", "call_timeout_s: 60"))
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "calc.py").write_text(LOOPING)
    report = tmp_path / "report.json"
    report.write_text("previous report", encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "grader", "check", str(sub), "--course",
                             str(tiny_course), "--isolation", "process", "--output", str(report)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    folders: list[Path] = []
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not folders:
        time.sleep(0.2)
        folders = list(Path(tempfile.gettempdir()).glob(f"grader-{proc.pid}-worker-*"))
    assert folders, "the run never started a worker"
    time.sleep(1.0)  # the worker is now looping in `add`
    proc.send_signal(sig)
    proc.wait(timeout=30)
    deadline = time.monotonic() + 5
    while _workers_of(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(Path(f"/proc/{p}").exists() for p in _workers_of(proc.pid))
    leftovers = list(Path(tempfile.gettempdir()).glob(f"grader-{proc.pid}-*"))
    if sig == signal.SIGTERM:
        assert leftovers == []  # cleaned up by its own finally blocks
    assert report.read_text(encoding="utf-8") == "previous report"  # never half a new one
    scratch.sweep_stale()
    assert list(Path(tempfile.gettempdir()).glob(f"grader-{proc.pid}-*")) == []
    assert os.path.exists(tiny_course)
