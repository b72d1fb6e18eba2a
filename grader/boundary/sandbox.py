"""How a worker process is started: the fence around it, its command line and environment.

작업자 프로세스를 어떻게 띄울지 결정한다 — 격리 수단(fence): bubblewrap, Landlock, 프로세스.

Fences, strongest first:

``bwrap``: new mount, PID, network, IPC and UTS namespaces whose filesystem holds only the
system libraries (``/usr``), the Python installation (its ``site-packages`` hidden), NumPy, the
worker subpackage and the submission — all read-only — plus a private, size-limited ``/tmp``.
``landlock``: the worker fences itself (``grader.worker.landlock``) after importing NumPy: it
may read the standard library, NumPy, the worker subpackage, the system's shared libraries and
the submission, and write its private scratch folder; nothing else — not the course, not
``solutions/``, not the grader's temporary folders, not ``/proc``, not the home folder.
``process``: the same worker in a plain child process with a private working folder; the
filesystem is readable, so the report says so.
All three apply the same rlimits and seccomp filter inside the worker (``grader.worker.limits``).

``auto`` takes the strongest fence that *works here* — bubblewrap is probed by running it (it may
be installed yet denied user namespaces by AppArmor), Landlock by fencing a throw-away child —
and the probes are remembered for the process. When hidden suites or the reference are in play
and neither bubblewrap nor Landlock works, ``auto`` refuses (``NoFence``) instead of grading with
a worker that could read them; ``--isolation process`` accepts that explicitly.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy

import grader
import grader.worker
from grader.errors import GraderError
from grader.messages import Msg

if TYPE_CHECKING:
    import importlib.metadata

FENCES = ("bwrap", "landlock", "process")
ISOLATIONS = ("auto", *FENCES)
SANDBOX_SITE = "/opt/grader/site"
SANDBOX_SUBMISSION = "/submission"
# An empty environment, but for what keeps NumPy single-threaded and predictable.
WORKER_ENV = {
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "LC_ALL": "C.UTF-8",
    # A course's worker.packages may include matplotlib: never an interactive backend.
    "MPLBACKEND": "Agg",
}
_BOOT = (
    "import sys; sys.path[:0] = [{site!r}]; "
    "from grader.worker.serve import main; main()"
)
PROBE_TIMEOUT_S = 10.0
# Where the multiarch system libraries live (what a late dlopen of the standard library needs).
_SYSTEM_LIBS = ("/lib", "/lib64", "/usr/lib64", "/lib32")



class NoFence(GraderError):
    """No fence that keeps the hidden suites and the reference out of the worker's reach."""


@dataclass(frozen=True)
class Probe:
    """Whether a fence works here; ``reason`` says why not (bubblewrap's own error)."""

    ok: bool
    reason: Msg | str = ""  # a Msg when the grader says it, the tool's own words otherwise
    abi: int = 0  # Landlock's ABI when it works


@dataclass(frozen=True)
class FenceChoice:
    """The fence a grading uses, and why a stronger one was not used (for the report)."""

    name: str
    notes: list[Msg | str] = field(default_factory=list)  # messages as data, for the report


@dataclass(frozen=True)
class LaunchPlan:
    """Everything needed to start one worker."""

    argv: list[str]
    env: dict[str, str]
    cwd: str
    isolation: str  # "bwrap", "landlock" or "process"


def bwrap_path() -> str | None:
    return shutil.which("bwrap")


_PROBES: dict[str, Probe] = {}


def forget_probes() -> None:
    """Probe again next time (tests change PATH to put a stand-in bwrap first)."""
    _PROBES.clear()


def _one_line(text: str) -> str:
    return " | ".join(line.strip() for line in text.strip().splitlines() if line.strip())[:300]


def probe_bwrap() -> Probe:
    """Run bwrap once (not just find it): installed is not enough where AppArmor denies it user
    namespaces (``bwrap: setting up uid map: Permission denied``)."""
    path = bwrap_path()
    key = f"bwrap:{path}"
    if key not in _PROBES:
        if path is None:
            _PROBES[key] = Probe(False, Msg("sandbox.probe.no_bwrap"))
        else:
            try:
                run = subprocess.run(
                    [path, "--unshare-all", "--die-with-parent", "--ro-bind", "/", "/", "true"],
                    capture_output=True, timeout=PROBE_TIMEOUT_S, check=False)
                why = _one_line(run.stderr.decode("utf-8", "replace")) or f"exit {run.returncode}"
                _PROBES[key] = Probe(run.returncode == 0, "" if run.returncode == 0 else
                                     Msg("sandbox.probe.bwrap_denied", path=path, why=why))
            except (OSError, subprocess.TimeoutExpired) as exc:
                _PROBES[key] = Probe(False, Msg("sandbox.probe.bwrap_failed", path=path,
                                                why=str(exc)))
    return _PROBES[key]


def probe_landlock() -> Probe:
    """Fence a throw-away child with Landlock (the fence cannot be taken down again, so never
    this process) and check the filesystem is really out of its reach."""
    if "landlock" not in _PROBES:
        if sys.platform != "linux":
            _PROBES["landlock"] = Probe(False, Msg("sandbox.probe.not_linux",
                                                   platform=sys.platform))
            return _PROBES["landlock"]
        code = (f"import sys; sys.path[:0] = [{str(_grader_parent())!r}]; "
                "from grader.worker.landlock import probe; probe()")
        try:
            run = subprocess.run([_python(), "-I", "-S", "-B", "-c", code], capture_output=True,
                                 timeout=PROBE_TIMEOUT_S, check=False, env=dict(WORKER_ENV))
            answer = json.loads(run.stdout.decode() or "{}")
        except (OSError, subprocess.TimeoutExpired, ValueError) as exc:
            answer = {"error": f"the Landlock probe failed: {exc}"}
        if isinstance(answer.get("abi"), int):
            _PROBES["landlock"] = Probe(True, abi=answer["abi"])
        else:
            _PROBES["landlock"] = Probe(False, str(answer.get("error", "no answer"))[:300])
    return _PROBES["landlock"]


def choose_fence(requested: str, *, secrets_in_play: bool) -> FenceChoice:
    """The fence for ``--isolation requested``.

    ``auto``: bubblewrap, else Landlock, else (only when no hidden suite or reference is in
    play) a plain process. A forced fence that cannot be had is an error saying why.
    """
    if requested not in ISOLATIONS:
        raise GraderError(Msg("sandbox.unknown_isolation", choices=", ".join(ISOLATIONS),
                              requested=repr(requested)))
    if requested == "process":
        return FenceChoice("process")
    if requested == "bwrap":
        bwrap = probe_bwrap()
        if bwrap.ok:
            return FenceChoice("bwrap")
        hint = Msg("sandbox.install_bwrap" if bwrap_path() is None else "sandbox.apparmor")
        raise NoFence(Msg("sandbox.bwrap_unusable", reason=bwrap.reason, hint=hint))
    if requested == "landlock":
        landlock = probe_landlock()
        if landlock.ok:
            return FenceChoice("landlock")
        raise NoFence(Msg("sandbox.landlock_unusable", reason=landlock.reason))
    bwrap = probe_bwrap()
    if bwrap.ok:
        return FenceChoice("bwrap")
    landlock = probe_landlock()
    if landlock.ok:
        return FenceChoice("landlock", [Msg("sandbox.landlock_not_bwrap", reason=bwrap.reason)])
    if secrets_in_play:
        raise NoFence(Msg("sandbox.no_fence", bwrap=bwrap.reason, landlock=landlock.reason))
    return FenceChoice("process", [Msg("sandbox.process_no_secrets", bwrap=bwrap.reason,
                                       landlock=landlock.reason)])


def resolve_isolation(requested: str) -> str:
    """The fence ``requested`` gives when nothing secret is in play (see ``choose_fence``)."""
    return choose_fence(requested, secrets_in_play=False).name


def protect_grader_process() -> None:
    """Linux: make this process non-dumpable, so a worker (same user, capabilities dropped)
    cannot read its memory or environment through /proc."""
    if sys.platform == "linux":
        try:
            import ctypes

            ctypes.CDLL(None).prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE, 0
        except (OSError, AttributeError):
            pass


# --- what the worker may import ------------------------------------------------------------------

def _grader_parent() -> Path:
    return Path(grader.__file__).resolve().parent.parent


def worker_package() -> Path:
    """The worker subpackage: the only part of ``grader`` a fenced worker can read."""
    return Path(grader.worker.__file__).resolve().parent


def _numpy_entries() -> dict[str, Path]:
    numpy_dir = Path(numpy.__file__).resolve().parent
    entries = {"numpy": numpy_dir}
    libs = numpy_dir.parent / "numpy.libs"  # shared libraries of a manylinux wheel
    if libs.is_dir():
        entries["numpy.libs"] = libs
    return entries


# --- extra packages a course lets the worker import (course.yaml worker.packages) -----------------

_PACKAGES: contextvars.ContextVar[tuple[str, ...]] = contextvars.ContextVar(
    "worker_packages", default=())
_OWN_ENTRIES = frozenset({"numpy", "numpy.libs", "grader", "__init__.py"})


@contextlib.contextmanager
def worker_packages(names: Sequence[str]) -> Iterator[None]:
    """Workers whose site is made inside this block may import ``names`` (and what they
    need), read-only, under every fence."""
    token = _PACKAGES.set(tuple(names))
    try:
        yield
    finally:
        _PACKAGES.reset(token)


def _closure(names: Sequence[str]) -> list[importlib.metadata.Distribution]:
    """The installed distributions providing ``names``, with every requirement they need here
    (extras left out)."""
    if not names:  # the usual course: skip scanning every installed distribution (~0.3 s)
        return []
    # Imported here: ~50 ms that a course with no worker packages does not pay.
    import importlib.metadata

    from packaging.requirements import InvalidRequirement, Requirement
    provided = importlib.metadata.packages_distributions()
    todo: list[str] = []
    for name in names:
        if name not in provided:
            raise GraderError(Msg("sandbox.package_missing", name=name))
        todo += provided[name]
    found: dict[str, importlib.metadata.Distribution] = {}
    while todo:
        dist_name = todo.pop()
        key = dist_name.lower().replace("_", "-")
        if key in found or key == "numpy":
            continue
        try:
            dist = importlib.metadata.distribution(dist_name)
        except importlib.metadata.PackageNotFoundError:
            continue  # an optional requirement not installed: the package copes or fails loudly
        found[key] = dist
        for text in dist.requires or []:
            try:
                req = Requirement(text)
            except InvalidRequirement:
                continue
            if req.marker is None or req.marker.evaluate({"extra": ""}):
                todo.append(req.name)
    return list(found.values())


def package_entries(names: Sequence[str]) -> dict[str, Path]:
    """Top-level entry of ``site-packages`` -> its real path, for ``names`` and their
    requirements (``matplotlib/``, ``pylab.py``, ``kiwisolver/``, ``pillow.libs/`` ...)."""
    entries: dict[str, Path] = {}
    for dist in _closure(names):
        for file in dist.files or []:
            parts = Path(str(file)).parts
            top = parts[0] if parts else ""
            if (not top or top in ("..", "__pycache__") or top.endswith((".dist-info", ".data"))
                    or top in _OWN_ENTRIES or top.split(".")[0] in ("grader", "solutions")):
                continue
            path = Path(str(dist.locate_file(top))).resolve()
            if path.exists():
                entries[top] = path
    return entries


def _linked_packages(site: Path) -> dict[str, Path]:
    """The extra packages ``make_site`` linked into a worker's site (for the fences)."""
    if not site.is_dir():
        return {}
    return {p.name: p.resolve() for p in site.iterdir()
            if p.name not in _OWN_ENTRIES and p.is_symlink()}


_SITE_INIT = ('"""grader — only its worker subpackage is here."""\n')


def make_site(folder: Path) -> Path:
    """The worker's ``sys.path`` entry: links to NumPy and to ``grader/worker`` under a
    ``grader/__init__.py`` of our own, so nothing else of the installation is importable (no
    ``solutions`` through an editable install, no pytest, no other module of ``grader``)."""
    (folder / "grader").mkdir(parents=True, exist_ok=True)
    (folder / "grader" / "__init__.py").write_text(_SITE_INIT, encoding="utf-8")
    entries = {**package_entries(_PACKAGES.get()), **_numpy_entries(),
               "grader/worker": worker_package()}
    for name, target in entries.items():
        link = folder / name
        if not link.exists():
            try:
                link.symlink_to(target, target_is_directory=target.is_dir())
            except OSError:  # Windows without symlink rights: copy instead
                if target.is_dir():
                    shutil.copytree(target, link)
                else:
                    shutil.copy(target, link)
    return folder


def _python() -> str:
    """This interpreter, symlinks resolved (bwrap's view has no venv) when they can be: an
    unprivileged user may run a venv whose target lies in a folder it cannot search."""
    real = os.path.realpath(sys.executable)
    return real if os.access(real, os.X_OK) else sys.executable


def worker_argv(python: str, site: str, submission: str, limits_json: str,
                fence: dict[str, list[str]] | None = None) -> list[str]:
    return [python, "-I", "-S", "-B", "-c", _BOOT.format(site=site), submission, limits_json,
            json.dumps(fence)]


def _env(workdir: Path) -> dict[str, str]:
    env = {**WORKER_ENV, "TMPDIR": str(workdir), "HOME": str(workdir)}
    if sys.platform == "win32":  # Python on Windows needs SYSTEMROOT to start
        env["SYSTEMROOT"] = os.environ.get("SYSTEMROOT", "")
    return env


def plan_process(submission: Path, workdir: Path, site: Path, limits_json: str) -> LaunchPlan:
    argv = worker_argv(_python(), str(site), str(submission), limits_json)
    return LaunchPlan(argv, _env(workdir), str(workdir), "process")


def plan_landlock(submission: Path, workdir: Path, site: Path, limits_json: str,
                  protected: Sequence[Path] = ()) -> LaunchPlan:
    fence = landlock_rules(submission, workdir, site, protected)
    argv = worker_argv(_python(), str(site), str(submission), limits_json, fence)
    return LaunchPlan(argv, _env(workdir), str(workdir), "landlock")


def _stdlib_dirs() -> list[Path]:
    """The interpreter's own standard library (not a venv's lib folder) and lib-dynload."""
    found = {Path(os.__file__).resolve().parent}
    dynload = sysconfig.get_config_var("DESTSHARED")
    if dynload:
        found.add(Path(dynload).resolve())
    return sorted(p for p in found if p.is_dir())


def _site_dirs() -> set[Path]:
    """Every folder of installed packages: none of them may be readable by the worker."""
    found = {Path(p).resolve() for p in sys.path if p.endswith(("site-packages", "dist-packages"))}
    for key in ("purelib", "platlib"):
        found.add(Path(sysconfig.get_paths()[key]).resolve())
    return {p for p in found if p.is_dir()}


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or path.is_relative_to(folder)


def landlock_rules(submission: Path, workdir: Path, site: Path,
                   protected: Sequence[Path] = ()) -> dict[str, list[str]]:
    """What a Landlock-fenced worker may reach: ``read`` (and execute), ``list`` (folder names
    only) and ``write``.

    A standard library folder holding ``site-packages`` (pyenv, a source build) is opened entry
    by entry instead of as a whole. A candidate folder that holds something ``protected`` (the
    course, the suites, installed packages, the grader's temporary folders, the home folder) is
    never granted (it is listed under ``refused``): the worker then fails, loudly, rather than
    see it.
    """
    base_hidden, read, listed = _runtime_rules()
    hidden = {*base_hidden, Path(tempfile.gettempdir()).resolve(),
              *(Path(p).resolve() for p in protected)}
    granted: list[str] = []
    refused: list[str] = []
    own = [p for p in (site.resolve(), submission.resolve(), *_linked_packages(site).values())
           if p.exists()]
    for path in dict.fromkeys([*read, *own]):
        (refused if any(_inside(h, path) for h in hidden) else granted).append(str(path))
    return {"read": granted, "list": [str(p) for p in listed], "write": [str(workdir.resolve())],
            "refused": refused}


@functools.lru_cache(maxsize=1)
def _runtime_rules() -> tuple[frozenset[Path], list[Path], list[Path]]:
    """The installation's folders to hide, and the Python runtime's folders to grant (read,
    list only): the same for every worker, so worked out once per process (~80 ms)."""
    hidden = {*_site_dirs(), Path(sys.prefix).resolve(), Path.home().resolve()}
    read: list[Path] = []
    listed: list[Path] = []
    for stdlib in _stdlib_dirs():
        hidden |= {stdlib / name for name in ("site-packages", "dist-packages")
                   if (stdlib / name).exists()}
    for stdlib in _stdlib_dirs():
        if any(_inside(h, stdlib) for h in hidden):
            listed.append(stdlib)
            read += [entry.resolve() for entry in stdlib.iterdir()
                     if not any(_inside(h, entry.resolve()) for h in hidden)]
        else:
            read.append(stdlib)
    # The multiarch folders (/usr/lib/x86_64-linux-gnu), not /usr/lib, which also holds
    # Python's dist-packages.
    triplet = sysconfig.get_config_var("MULTIARCH") or ""
    for name in _SYSTEM_LIBS:
        path = Path(name)
        if path.is_dir():
            sub = path / triplet
            read.append((sub if triplet and sub.is_dir() else path).resolve())
    read += [Path("/etc/ld.so.cache"), *_numpy_entries().values(), worker_package()]
    existing = [p.resolve() for p in read if p.exists()]
    return frozenset(hidden), list(dict.fromkeys(existing)), listed


def plan_bwrap(submission: Path, site: Path, limits_json: str, tmp_bytes: int) -> LaunchPlan:
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
    # Hide every site-packages of the installation; NumPy and the worker come back below.
    for sp in _site_dirs():
        argv += ["--tmpfs", str(sp)]
    for name, target in {**_linked_packages(site), **_numpy_entries()}.items():
        argv += ["--ro-bind", str(target), f"{SANDBOX_SITE}/{name}"]
    argv += ["--ro-bind", str(site / "grader" / "__init__.py"),
             f"{SANDBOX_SITE}/grader/__init__.py",
             "--ro-bind", str(worker_package()), f"{SANDBOX_SITE}/grader/worker",
             "--ro-bind", str(submission), SANDBOX_SUBMISSION,
             "--size", str(tmp_bytes), "--tmpfs", "/tmp",
             "--proc", "/proc", "--dev", "/dev", "--chdir", "/tmp",
             "--setenv", "TMPDIR", "/tmp", "--setenv", "HOME", "/tmp"]
    argv += worker_argv(python, SANDBOX_SITE, SANDBOX_SUBMISSION, limits_json)
    return LaunchPlan(argv, dict(WORKER_ENV), "/", "bwrap")
