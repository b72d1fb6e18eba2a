"""How a worker process is started: the command line, the environment and the isolation.

작업자 프로세스를 어떻게 띄울지 결정한다 — bubblewrap 격리(bwrap) 또는 프로세스 격리(process).

``bwrap``: a new mount, PID, network, IPC and UTS namespace whose filesystem holds only the system
libraries (``/usr``), the Python installation (its ``site-packages`` hidden), NumPy, the worker's
own two modules and the submission — all read-only — plus a private, size-limited ``/tmp``.
``process``: the same worker and protocol in a plain child process with a private working folder;
the filesystem and (without seccomp) the network are reachable, so the report says so.
Both apply the same rlimits and seccomp filter inside the worker (see ``grader.worker``).
"""

from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy

import grader
from grader.errors import GraderError

ISOLATIONS = ("auto", "bwrap", "process")
SANDBOX_SITE = "/opt/grader/site"
SANDBOX_SUBMISSION = "/submission"
# An empty environment, but for what keeps NumPy single-threaded and predictable.
WORKER_ENV = {
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "LC_ALL": "C.UTF-8",
}
_BOOT = (
    "import sys; sys.path[:0] = [{site!r}]; "
    "from grader.worker import main; main()"
)


@dataclass(frozen=True)
class LaunchPlan:
    """Everything needed to start one worker."""

    argv: list[str]
    env: dict[str, str]
    cwd: str
    isolation: str  # "bwrap" or "process"


def bwrap_path() -> str | None:
    return shutil.which("bwrap")


def resolve_isolation(requested: str) -> str:
    """``auto`` picks ``bwrap`` when it is installed and works, else ``process``."""
    if requested not in ISOLATIONS:
        raise GraderError(f"--isolation must be one of {', '.join(ISOLATIONS)}, not {requested!r}")
    if requested == "process":
        return "process"
    if bwrap_path() and _bwrap_works():
        return "bwrap"
    if requested == "bwrap":
        raise GraderError(
            "bubblewrap(bwrap)를 사용할 수 없습니다. 'apt-get install bubblewrap'으로 설치하거나 "
            "--isolation process를 쓰세요 / bubblewrap (bwrap) is not available or cannot create "
            "namespaces here; install it ('apt-get install bubblewrap') or use --isolation process"
        )
    return "process"


_BWRAP_OK: bool | None = None


def _bwrap_works() -> bool:
    """Whether bwrap can create its namespaces on this machine (checked once per process)."""
    global _BWRAP_OK
    if _BWRAP_OK is None:
        import subprocess

        try:
            probe = subprocess.run(
                [str(bwrap_path()), "--unshare-all", "--die-with-parent", "--ro-bind", "/", "/",
                 "true"], capture_output=True, timeout=10, check=False)
            _BWRAP_OK = probe.returncode == 0
        except (OSError, subprocess.TimeoutExpired):
            _BWRAP_OK = False
    return _BWRAP_OK


def protect_grader_process() -> None:
    """Linux: make this process non-dumpable, so a worker (same user, capabilities dropped)
    cannot read its memory or environment through /proc."""
    if sys.platform == "linux":
        try:
            import ctypes

            ctypes.CDLL(None).prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE, 0
        except (OSError, AttributeError):
            pass


def _site_entries() -> dict[str, Path]:
    """What the worker may import besides the standard library: NumPy and grader's worker."""
    numpy_dir = Path(numpy.__file__).resolve().parent
    entries = {"numpy": numpy_dir}
    libs = numpy_dir.parent / "numpy.libs"  # shared libraries of a manylinux wheel
    if libs.is_dir():
        entries["numpy.libs"] = libs
    entries["grader"] = Path(grader.__file__).resolve().parent
    return entries


def make_site(folder: Path) -> Path:
    """For process isolation: a folder of links to NumPy and grader, so that the worker's
    sys.path holds nothing else from the installation (no ``solutions`` through an editable
    install, no pytest)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, target in _site_entries().items():
        link = folder / name
        if not link.exists():
            try:
                link.symlink_to(target, target_is_directory=True)
            except OSError:  # Windows without symlink rights: copy instead
                shutil.copytree(target, link)
    return folder


def _python() -> str:
    return os.path.realpath(sys.executable)


def worker_argv(python: str, site: str, submission: str, limits_json: str) -> list[str]:
    return [python, "-I", "-S", "-B", "-c", _BOOT.format(site=site), submission, limits_json]


def plan_process(submission: Path, workdir: Path, site: Path, limits_json: str) -> LaunchPlan:
    argv = worker_argv(_python(), str(site), str(submission), limits_json)
    env = dict(WORKER_ENV)
    if sys.platform == "win32":  # Python on Windows needs SYSTEMROOT to start
        env["SYSTEMROOT"] = os.environ.get("SYSTEMROOT", "")
    return LaunchPlan(argv, env, str(workdir), "process")


def plan_bwrap(submission: Path, limits_json: str, tmp_bytes: int) -> LaunchPlan:
    python = _python()
    base = Path(sys.base_prefix).resolve()
    argv = [str(bwrap_path()), "--unshare-all", "--die-with-parent", "--new-session",
            "--cap-drop", "ALL", "--ro-bind", "/usr", "/usr"]
    for name in ("bin", "lib", "lib32", "lib64", "sbin"):
        path = Path("/") / name
        if path.is_symlink():
            argv += ["--symlink", os.readlink(path), str(path)]
        elif path.is_dir():
            argv += ["--ro-bind", str(path), str(path)]
    if not str(base).startswith("/usr/"):
        argv += ["--ro-bind", str(base), str(base)]
    py_dir = Path(python).parent
    if not (str(py_dir).startswith("/usr/") or py_dir.is_relative_to(base)):
        argv += ["--ro-bind", str(py_dir), str(py_dir)]
    # Hide every site-packages of the installation; NumPy and grader come back below.
    for sp in {Path(p).resolve() for p in sys.path if p.endswith("site-packages")}:
        if sp.is_dir():
            argv += ["--tmpfs", str(sp)]
    for name, target in _site_entries().items():
        argv += ["--ro-bind", str(target), f"{SANDBOX_SITE}/{name}"]
    argv += ["--ro-bind", str(submission), SANDBOX_SUBMISSION,
             "--size", str(tmp_bytes), "--tmpfs", "/tmp",
             "--proc", "/proc", "--dev", "/dev", "--chdir", "/tmp"]
    argv += worker_argv(python, SANDBOX_SITE, SANDBOX_SUBMISSION, limits_json)
    return LaunchPlan(argv, dict(WORKER_ENV), "/", "bwrap")
